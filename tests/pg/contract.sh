#!/usr/bin/env bash
# One shared contract check (../shared/contract) with the ledger on PostgreSQL: run.sh given as_postgres.sh,
# the real fundflow whose --db files become databases of the suite's cluster.
#   contract.sh PATH/TO/fundflow CLUSTER_DIR SHARED_DIR CHECK
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=${1:?usage: contract.sh BIN CLUSTER_DIR SHARED_DIR CHECK} cluster=${2:?} shared=${3:?} check=${4:?}
[[ -f $shared/contract/run.sh ]] || { echo "skip: no shared contract checks at $shared"; exit 0; }
uri=$(bash "$here/../../scripts/pg-cluster.sh" uri "$cluster" 2>/dev/null) && psql "$uri" -qAtX -c 'SELECT 1' >/dev/null 2>&1 ||
    { echo "skip: no PostgreSQL cluster in $cluster (PostgreSQL 15 not installed?)"; exit 0; }
FUNDFLOW_PG_REAL=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin") FUNDFLOW_PG_CLUSTER=$cluster \
    exec bash "$shared/contract/run.sh" "$here/as_postgres.sh" "$check"
