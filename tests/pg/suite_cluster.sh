#!/usr/bin/env bash
# The PostgreSQL cluster the engine-independent tests share (ctest fixture `pgsuite`): started once before
# them, in a fresh folder, and stopped after them. Each test makes its own database in it.
#   suite_cluster.sh start DIR | stop DIR
# start prints 'skip: …' (exit 0) without PostgreSQL 15: the tests that need it then skip too.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=${2:?usage: suite_cluster.sh start DIR | stop DIR}
case ${1:-} in
start)
    bash "$root/scripts/pg-cluster.sh" stop "$dir" >/dev/null 2>&1
    rm -rf "$dir"
    out=$(bash "$root/scripts/pg-cluster.sh" start "$dir" 5460 2>&1)
    rc=$?
    if ((rc == 3)); then echo "skip: the suite's cluster: $out"; exit 0; fi
    ((rc == 0)) || { echo "FAIL: the suite's PostgreSQL cluster did not start: $out"; exit 1; }
    echo "started: $out"
    ;;
stop)
    bash "$root/scripts/pg-cluster.sh" stop "$dir" >/dev/null 2>&1
    rm -rf "$dir"
    echo "stopped"
    ;;
*) echo "usage: suite_cluster.sh start DIR | stop DIR" >&2; exit 2 ;;
esac
