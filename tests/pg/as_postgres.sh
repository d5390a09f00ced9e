#!/usr/bin/env bash
# The real fundflow with its ledger on PostgreSQL, for checks written against ledger files (the shared
# contract checks): every `--db PATH` (or --db=PATH, or FUNDFLOW_DB) that is a file path becomes a database of
# its own on the suite's cluster, made on first use, and the URI is written back as PATH in what fundflow
# prints, so a check reads the same lines on either engine. Exit status, stdin and stdout/stderr are fundflow's.
# PATH itself becomes an empty file once its database holds a ledger: a check that removes the file (rm -f)
# removes the ledger, and the next use of PATH starts from an empty database.
#   FUNDFLOW_PG_REAL=PATH/TO/fundflow FUNDFLOW_PG_CLUSTER=DIR as_postgres.sh ARGS…
set -uo pipefail
shopt -u patsub_replacement 2>/dev/null
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
real=${FUNDFLOW_PG_REAL:?FUNDFLOW_PG_REAL names the fundflow program}
admin=$(bash "$root/scripts/pg-cluster.sh" uri "${FUNDFLOW_PG_CLUSTER:?FUNDFLOW_PG_CLUSTER names the cluster}")
uri_of() { # PATH: the URI of its database, made when missing
    local abs name
    abs=$(realpath -m -- "$1")
    name=f_$(printf '%s' "$abs" | md5sum | cut -c1-20)
    if [[ ! -e $abs ]]; then  # no file, no ledger
        psql "$admin" -qAtX -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1
    fi
    if [[ -z $(psql "$admin" -qAtX -c "SELECT 1 FROM pg_database WHERE datname = '$name'") ]]; then
        psql "$admin" -qAtX -c "CREATE DATABASE $name" >/dev/null 2>&1 || true  # a racing twin made it
    fi
    perl -e '$u = shift; $d = shift; $u =~ s{^(postgres(?:ql)?://[^/?]*/)[^?]*}{$1$d}; print $u' "$admin" "$name"
}
args=() maps=()
while (($#)); do
    case $1 in
    --db) if [[ $# -ge 2 && $2 != postgres*://* ]]; then u=$(uri_of "$2"); maps+=("$u" "$2"); args+=(--db "$u"); shift 2; continue; fi ;;
    --db=*) p=${1#--db=}; if [[ $p != postgres*://* ]]; then u=$(uri_of "$p"); maps+=("$u" "$p"); args+=("--db=$u"); shift; continue; fi ;;
    esac
    args+=("$1"); shift
done
if [[ -n ${FUNDFLOW_DB:-} && $FUNDFLOW_DB != postgres*://* ]]; then
    u=$(uri_of "$FUNDFLOW_DB"); maps+=("$u" "$FUNDFLOW_DB"); export FUNDFLOW_DB=$u
fi
back() { # writes the URIs back as the paths
    local script='' i
    for ((i = 0; i < ${#maps[@]}; i += 2)); do script+="s{\\Q${maps[i]}\\E}{${maps[i + 1]}}g;"; done
    if [[ -n $script ]]; then perl -pe "BEGIN { \$| = 1 } $script"; else cat; fi
}
exec 4> >(back)
out_pid=$!
exec 3> >(back >&2)
err_pid=$!
# In the background with a signal forwarded, so that a check stopping `serve` (kill PID) stops fundflow too.
exec 5<&0
"$real" "${args[@]}" <&5 >&4 2>&3 &
child=$!
exec 3>&- 4>&- 5<&-
trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
wait "$child"
rc=$?
while kill -0 "$child" 2>/dev/null; do  # the wait above was cut short by a forwarded signal
    wait "$child"
    rc=$?
done
wait "$out_pid" "$err_pid"  # both written out before this script exits
for ((i = 0; i < ${#maps[@]}; i += 2)); do
    if [[ ! -e ${maps[i + 1]} ]] && [[ -n $(psql "${maps[i]}" -qAtX -c "SELECT to_regclass('schema_version')" 2>/dev/null) ]]; then
        : >"${maps[i + 1]}"
    fi
done
exit $rc
