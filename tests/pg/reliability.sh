#!/usr/bin/env bash
# A reliability test of tests/reliability (C1, C5, …) with its ledger on PostgreSQL: FUNDFLOW_TEST_DB set to
# the suite's cluster (tests/reliability/lib.sh makes a database of its own there). Prints 'skip: …' when the
# cluster is not running.
#   reliability.sh CLUSTER_DIR SCRIPT PATH/TO/fundflow [ARGS…]
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cluster=${1:?usage: reliability.sh CLUSTER_DIR SCRIPT BIN [ARGS…]} script=${2:?}
shift 2
uri=$(bash "$here/../../scripts/pg-cluster.sh" uri "$cluster" 2>/dev/null) && psql "$uri" -qAtX -c 'SELECT 1' >/dev/null 2>&1 ||
    { echo "skip: no PostgreSQL cluster in $cluster (PostgreSQL 15 not installed?)"; exit 0; }
FUNDFLOW_TEST_DB=$uri exec bash "$here/../reliability/$script" "$@"
