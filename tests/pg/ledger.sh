#!/usr/bin/env bash
# The library's unit tests (tests/ledger, the Catch2 binary ledger_tests) on PostgreSQL: FUNDFLOW_TEST_DB set
# to the suite's cluster (suite_cluster.sh), so that every ledger a test makes is a fresh database there
# (tests/ledger/test_db.hpp), dropped after the test. The tests tagged [sqlite-only] (a file that is not
# SQLite, SQLite URIs, …) are left out: they run in the SQLite run (ctest -R '^ledger\.').
# Prints 'skip: …' when the suite's cluster is not running.
#   ledger.sh PATH/TO/ledger_tests CLUSTER_DIR [CATCH2 ARGUMENTS…]
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${1:?usage: ledger.sh BIN CLUSTER_DIR [CATCH2 ARGUMENTS…]} dir=${2:?}
shift 2
uri=$(bash "$root/scripts/pg-cluster.sh" uri "$dir" 2>/dev/null) && psql "$uri" -qAtX -c 'SELECT 1' >/dev/null 2>&1 ||
    { echo "skip: no PostgreSQL cluster in $dir (PostgreSQL 15 not installed?)"; exit 0; }
FUNDFLOW_TEST_DB=$uri exec "$bin" '~[sqlite-only]' "$@"
