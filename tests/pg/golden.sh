#!/usr/bin/env bash
# One golden file (tests/cli/*.test) on PostgreSQL: run_golden.sh with FUNDFLOW_TEST_DB set to the suite's
# cluster (suite_cluster.sh), where it makes a database of its own. The expected text is the SQLite run's:
# both engines must print the same. Prints 'skip: …' when the suite's cluster is not running.
#   golden.sh PATH/TO/fundflow FILE.test CLUSTER_DIR
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${1:?usage: golden.sh BIN FILE.test CLUSTER_DIR} file=${2:?} dir=${3:?}
uri=$(bash "$root/scripts/pg-cluster.sh" uri "$dir" 2>/dev/null) && psql "$uri" -qAtX -c 'SELECT 1' >/dev/null 2>&1 ||
    { echo "skip: no PostgreSQL cluster in $dir (PostgreSQL 15 not installed?)"; exit 0; }
FUNDFLOW_TEST_DB=$uri exec bash "$root/tests/cli/run_golden.sh" "$bin" "$file"
