#!/usr/bin/env bash
# `fundflow copy --from SRC --to DEST` (cli.md "Storage engines and units"), file to file: entry for entry with
# the same ids, recorded times and hashes, and every kind of record a ledger holds — registrations, amendments,
# accounts, units, a closed and reopened year, reversals, refunds, an import's record, idempotency keys.
#   1. the copy's digest, log (JSON, every field), CSV export, import records and idempotency keys equal the
#      source's; the independent tests/tools/verify_chain.py accepts it; copied twice over (a → b → c) the same;
#   2. into an empty ledger: done; into one with entries: exit 2 and the file unchanged; --from = --to: exit 2;
#      a missing source: exit 2; --read-only: refused; nothing left behind by a refusal;
#   3. a source edited behind fundflow's back: exit 4 naming the first bad entry, no DEST;
#   4. all or nothing: a copy of a 20,000-entry ledger killed with SIGKILL at random moments (up to 1.3 times
#      the time a whole copy takes) leaves either no DEST or a DEST with the whole ledger (the source's digest),
#      never a part; a copy after it works.
#
#   bash copy.sh PATH/TO/fundflow
source "$(dirname "$0")/lib.sh"
start=$(date +%s%N)
python=${PYTHON3:-$(command -v python3 || true)}

seed_every_record || fail "seed"

# Everything a copy must carry, as text: digest, every entry in full, the CSV export, import records, keys.
state() { # LEDGER
    "$bin" --db "$1" digest
    "$bin" --db "$1" log --format json
    "$bin" --db "$1" export --to csv
    "$bin" --db "$1" unit list --format json
    sqlite3 "$1" "SELECT * FROM imports ORDER BY id; SELECT * FROM idempotency_keys ORDER BY user, key;"
}
state "$db" >"$d/state.a" || fail "reading the source"

# 1. file → file → file
out=$("$bin" copy --from "$db" --to "$d/b.db" --format json 2>"$d/err") || fail "copy exited $?: $(cat "$d/err")"
[[ -s $d/err ]] && fail "copy printed on stderr: $(cat "$d/err")"
[[ $(jq -r '"\(.entries):\(.head)"' <<<"$out") == $("$bin" --db "$db" digest) ]] ||
    fail "copy reported $out, the source's digest is $("$bin" --db "$db" digest)"
[[ $(jq -r '[.imports, .idempotency_keys] | join(",")' <<<"$out") == "1,1" ]] || fail "copy reported $out"
state "$d/b.db" >"$d/state.b" || fail "reading the copy"
cmp -s "$d/state.a" "$d/state.b" || fail "the copy differs: $(diff "$d/state.a" "$d/state.b" | head -n 6)"
"$bin" --db "$d/b.db" verify >/dev/null || fail "verify of the copy"
if [[ -n $python ]]; then
    "$python" "$here/../tools/verify_chain.py" "$d/b.db" >/dev/null || fail "verify_chain.py refuses the copy"
fi
"$bin" copy --from "$d/b.db" --to "$d/c.db" >"$d/out.c" 2>"$d/err" || fail "copy b → c: $(cat "$d/err")"
grep -q "$("$bin" --db "$db" digest)" "$d/out.c" || fail "the copy's line does not name the digest: $(cat "$d/out.c")"
state "$d/c.db" >"$d/state.c"
cmp -s "$d/state.a" "$d/state.c" || fail "a → b → c differs: $(diff "$d/state.a" "$d/state.c" | head -n 6)"
n=$("$bin" --db "$db" digest | cut -d: -f1)

# 2. destinations and refusals
"$bin" --db "$d/empty.db" init >/dev/null
"$bin" copy --from "$db" --to "$d/empty.db" >/dev/null 2>"$d/err" || fail "copy into an empty ledger: $(cat "$d/err")"
[[ $("$bin" --db "$d/empty.db" digest) == $("$bin" --db "$db" digest) ]] || fail "the empty ledger's copy differs"
refused() { # WANT_EXIT WHAT ARGS...
    local want=$1 what=$2; shift 2
    "$bin" --lang en "$@" >"$d/out" 2>"$d/err"
    local rc=$?
    ((rc == want)) || fail "$what: exit $rc, want $want: $(cat "$d/err")"
    [[ $(wc -l <"$d/err") == 1 && $(cat "$d/err") == "fundflow: "* ]] || fail "$what: stderr is not one line: $(cat "$d/err")"
    [[ ! -s $d/out ]] || fail "$what: printed $(cat "$d/out")"
}
before=$(file_sum "$d/b.db")
refused 2 "into a ledger with entries" copy --from "$d/c.db" --to "$d/b.db"
grep -q "already holds $n entries" "$d/err" || fail "the refusal does not say why: $(cat "$d/err")"
[[ $(file_sum "$d/b.db") == "$before" ]] || fail "a refused copy changed the destination"
refused 2 "onto itself" copy --from "$db" --to "$db"
refused 2 "from a missing ledger" copy --from "$d/none.db" --to "$d/x.db"
refused 2 "in read-only mode" --read-only copy --from "$db" --to "$d/x.db"
[[ ! -e $d/x.db && -z $(compgen -G "$d/x.db*") ]] || fail "a refused copy left $(ls "$d"/x.db*)"

# 3. a source edited behind fundflow's back is not copied
copy_ledger "$db" "$d/t.db"
tamper "$d/t.db" "UPDATE entries SET memo = '改过' WHERE id = 9"
refused 4 "from an edited ledger" copy --from "$d/t.db" --to "$d/x.db"
grep -q "entry #9" "$d/err" || fail "the refusal does not name entry #9: $(cat "$d/err")"
[[ -z $(compgen -G "$d/x.db*") ]] || fail "a refused copy left $(ls "$d"/x.db*)"

# 4. all or nothing under SIGKILL
big=$d/big.db
"$bin" --db "$big" init >/dev/null
"$bin" --db "$big" project add B1 --name 大项目 --date 2020-01-01 >/dev/null
{
    echo "kind,date,project,level,amount,ref"
    for ((i = 0; i < 20000; i++)); do
        printf 'appropriation,2020-%02d-%02d,B1,county,%d.%02d,R%d\n' $((i % 12 + 1)) $((i % 28 + 1)) $((i % 900 + 1)) $((i % 100)) "$i"
    done
} >"$d/big.csv"
"$bin" --db "$big" import "$d/big.csv" >/dev/null || fail "the big import"
want=$("$bin" --db "$big" digest)
t0=$(date +%s%N)
"$bin" copy --from "$big" --to "$d/whole.db" >/dev/null || fail "the big copy"
copy_ms=$((($(date +%s%N) - t0) / 1000000))
[[ $("$bin" --db "$d/whole.db" digest) == "$want" ]] || fail "the big copy's digest"
killed_part=0 killed_whole=0
for cycle in 1 2 3 4 5 6; do
    rm -f "$d"/k.db*
    "$bin" copy --from "$big" --to "$d/k.db" >/dev/null 2>&1 &
    pid=$!
    delay=$(((RANDOM * 32768 + RANDOM) % (copy_ms * 13 / 10 + 1)))  # up to 1.3 × a whole copy's time
    sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if [[ -e $d/k.db ]]; then
        [[ $("$bin" --db "$d/k.db" digest 2>&1) == "$want" ]] ||
            fail "cycle $cycle: killed, the copy left a DEST that is not the whole ledger: $("$bin" --db "$d/k.db" digest 2>&1)"
        killed_whole=$((killed_whole + 1))
    else
        killed_part=$((killed_part + 1))
    fi
    # A later copy to the same place works: what the killed one left beside it is not in the way.
    rm -f "$d"/k.db "$d"/k.db-wal "$d"/k.db-shm
    "$bin" copy --from "$big" --to "$d/k.db" >/dev/null 2>"$d/err" || fail "cycle $cycle: copy after the kill: $(cat "$d/err")"
done

echo "ok copy: $n entries ($kinds) copied file → file → file with digest, log, export, import records and keys identical, verify_chain.py agrees; an empty destination taken, 4 refusals in one line with nothing written, an edited source refused (exit 4); 20,001 entries copied in $copy_ms ms, 6 kill -9 cycles: $killed_part left no DEST, $killed_whole the whole ledger, none a part ($((($(date +%s%N) - start) / 1000000000)) s)"
