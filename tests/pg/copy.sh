#!/usr/bin/env bash
# `fundflow copy` file → PostgreSQL → file (issue 14 part 3 and its acceptance: "a ledger copied file →
# PostgreSQL → file has the same digest as the original"), on the suite's cluster (tests/pg/suite_cluster.sh):
#   1. a ledger with a record of every kind (tests/cli/lib.sh seed_every_record) copied into an empty
#      PostgreSQL database and back into a file: digest, every entry in full (log JSON), the CSV export, units,
#      import records and idempotency keys identical on all three; verify passes on PostgreSQL; every row of a
#      project's facts (entries, contracts, totals) carries its project's unit there; the file made
#      from PostgreSQL satisfies the independent tests/tools/verify_chain.py;
#   2. into a PostgreSQL ledger with entries: exit 2, one line, nothing written;
#   3. all or nothing: copies of a 3,000-entry ledger into PostgreSQL killed with SIGKILL at random moments
#      leave an empty ledger or the whole one (the source's digest), never a part.
#   bash copy.sh PATH/TO/fundflow CLUSTER_DIR
source "$(dirname "$0")/../cli/lib.sh"
start=$(date +%s%N)
cluster=${2:?usage: copy.sh PATH/TO/fundflow CLUSTER_DIR}
root=$(cd "$here/../.." && pwd)
admin=$(bash "$root/scripts/pg-cluster.sh" uri "$cluster" 2>/dev/null) && psql "$admin" -qAtX -c 'SELECT 1' >/dev/null 2>&1 ||
    { echo "skip: no PostgreSQL cluster in $cluster (PostgreSQL 15 not installed?)"; exit 0; }
made=()
new_db() { # NAME: an empty database; prints its URI
    psql "$admin" -qAtX -v ON_ERROR_STOP=1 -c "CREATE DATABASE $1" >/dev/null || fail "CREATE DATABASE $1"
    made+=("$1")
    perl -e '$u = shift; $d = shift; $u =~ s{^(postgres(?:ql)?://[^/?]*/)[^?]*}{$1$d}; print $u' "$admin" "$1"
}
cleanup() {
    for n in "${made[@]}"; do psql "$admin" -qAtX -c "DROP DATABASE IF EXISTS $n WITH (FORCE)" >/dev/null 2>&1; done
    rm -rf "$d"
}
seed_every_record || fail "seed"

# Everything a copy must carry, as text (the tables' columns are in the same order on both engines).
state() { # LEDGER
    "$bin" --db "$1" digest
    "$bin" --db "$1" log --format json
    "$bin" --db "$1" export --to csv
    "$bin" --db "$1" unit list --format json
    local q="SELECT * FROM imports ORDER BY id; SELECT * FROM idempotency_keys ORDER BY \"user\", key;"
    if [[ $1 == postgresql://* ]]; then psql "$1" -qAtX -c "${q%%;*}" -c "${q#*; }"; else sqlite3 "$1" "$q"; fi
}
state "$db" >"$d/state.a" || fail "reading the source"
want=$("$bin" --db "$db" digest)

# 1. file → PostgreSQL → file
pg=$(new_db "pgcopy_$$")
out=$("$bin" copy --from "$db" --to "$pg" --format json 2>"$d/err") || fail "copy to PostgreSQL exited $?: $(cat "$d/err")"
[[ -s $d/err ]] && fail "copy printed on stderr: $(cat "$d/err")"
[[ $(jq -r '"\(.entries):\(.head)"' <<<"$out") == "$want" ]] || fail "copy reported $out, the source's digest is $want"
state "$pg" >"$d/state.pg" || fail "reading the PostgreSQL copy"
cmp -s "$d/state.a" "$d/state.pg" || fail "the PostgreSQL copy differs: $(diff "$d/state.a" "$d/state.pg" | head -n 6)"
"$bin" --db "$pg" verify >/dev/null || fail "verify on PostgreSQL: $("$bin" --db "$pg" verify 2>&1)"
# Every row of a project's facts carries its project's unit (the distribution key of a sharded PostgreSQL).
carried=$(psql "$pg" -qAtX -c "SELECT (SELECT count(*) FROM entries e JOIN projects p ON p.id = e.project_id WHERE e.unit_id IS DISTINCT FROM p.unit_id) + (SELECT count(*) FROM contracts c JOIN projects p ON p.id = c.project_id WHERE c.unit_id IS DISTINCT FROM p.unit_id) + (SELECT count(*) FROM day_totals t JOIN projects p ON p.id = t.project_id WHERE t.unit_id IS DISTINCT FROM p.unit_id) + (SELECT count(*) FROM year_totals t JOIN projects p ON p.id = t.project_id WHERE t.unit_id IS DISTINCT FROM p.unit_id), (SELECT count(*) FROM entries WHERE unit_id IS NOT NULL)")
[[ $carried =~ ^0\|[1-9][0-9]*$ ]] || fail "rows whose unit is not their project's, or none with a unit: $carried"
"$bin" copy --from "$pg" --to "$d/back.db" >/dev/null 2>"$d/err" || fail "copy PostgreSQL → file: $(cat "$d/err")"
state "$d/back.db" >"$d/state.back"
cmp -s "$d/state.a" "$d/state.back" || fail "file → PostgreSQL → file differs: $(diff "$d/state.a" "$d/state.back" | head -n 6)"
if command -v python3 >/dev/null; then
    python3 "$root/tests/tools/verify_chain.py" "$d/back.db" >/dev/null || fail "verify_chain.py refuses the file made from PostgreSQL"
fi
n=${want%%:*}

# 2. into a PostgreSQL ledger with entries
before=$(psql "$pg" -qAtX -c "SELECT count(*), max(hash) FROM entries")
"$bin" --lang en copy --from "$d/back.db" --to "$pg" >"$d/out" 2>"$d/err"
rc=$?
((rc == 2)) || fail "copy into a PostgreSQL ledger with entries: exit $rc, want 2: $(cat "$d/err")"
[[ $(wc -l <"$d/err") == 1 && $(cat "$d/err") == "fundflow: "*"already holds $n entries"* ]] || fail "the refusal: $(cat "$d/err")"
[[ $(psql "$pg" -qAtX -c "SELECT count(*), max(hash) FROM entries") == "$before" ]] || fail "a refused copy wrote to PostgreSQL"

# 3. all or nothing under SIGKILL
big=$d/big.db
"$bin" --db "$big" init >/dev/null
"$bin" --db "$big" project add B1 --name 大项目 --date 2020-01-01 >/dev/null
{
    echo "kind,date,project,level,amount,ref"
    for ((i = 0; i < 3000; i++)); do
        printf 'appropriation,2020-%02d-%02d,B1,county,%d.%02d,R%d\n' $((i % 12 + 1)) $((i % 28 + 1)) $((i % 900 + 1)) $((i % 100)) "$i"
    done
} >"$d/big.csv"
"$bin" --db "$big" import "$d/big.csv" >/dev/null || fail "the big import"
want_big=$("$bin" --db "$big" digest)
whole=$(new_db "pgcopy_whole_$$")
t0=$(date +%s%N)
"$bin" copy --from "$big" --to "$whole" >/dev/null 2>"$d/err" || fail "the big copy: $(cat "$d/err")"
copy_ms=$((($(date +%s%N) - t0) / 1000000))
[[ $("$bin" --db "$whole" digest) == "$want_big" ]] || fail "the big copy's digest"
killed_empty=0 killed_whole=0
for cycle in 1 2 3; do
    k=$(new_db "pgcopy_kill_${cycle}_$$")
    "$bin" copy --from "$big" --to "$k" >/dev/null 2>&1 &
    pid=$!
    delay=$(((RANDOM * 32768 + RANDOM) % (copy_ms * 13 / 10 + 1)))
    sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    sleep 0.2  # the server notices the closed socket and rolls the transaction back
    got=$("$bin" --db "$k" digest 2>/dev/null)
    if [[ $got == "$want_big" ]]; then
        killed_whole=$((killed_whole + 1))
    elif [[ -z $got || $got == 0:* ]]; then
        killed_empty=$((killed_empty + 1))
        "$bin" copy --from "$big" --to "$k" >/dev/null 2>"$d/err" || fail "cycle $cycle: copy after the kill: $(cat "$d/err")"
        [[ $("$bin" --db "$k" digest) == "$want_big" ]] || fail "cycle $cycle: the copy after the kill"
    else
        fail "cycle $cycle: killed, the copy left part of the ledger in PostgreSQL: $got"
    fi
done

echo "ok pg/copy: $n entries ($kinds) copied file → PostgreSQL → file with digest, log, export, units, import records and keys identical, verify on PostgreSQL and verify_chain.py agree; a non-empty destination refused in one line; 3,001 entries copied into PostgreSQL in $copy_ms ms, 3 kill -9 cycles: $killed_empty left an empty ledger, $killed_whole the whole one, none a part ($((($(date +%s%N) - start) / 1000000000)) s)"
