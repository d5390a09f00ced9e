#!/usr/bin/env bash
# Issue 11, part 2: importing twice is safe (docs/export.md). On the real binary:
#   - a file whose bytes were imported before is refused (exit 3, one line naming when, by whom and the
#     entries it added, the ledger byte-identical) unless --again;
#   - with --again, its rows without a ref (凭证号) are refused as probable duplicates, each with its line and
#     the entry it repeats (a retention without an amount compared by the amount the ledger derives), rows
#     with a ref stay no-ops; with --again --allow-duplicates they post;
#   - two identical rows without a ref in one file: the second names the first's line; a row equal to an
#     entry posted on the command line names that entry, and says so when it was reversed since;
#   - a release without an amount, after its deposit was released, is matched by what it states;
#   - --dry-run reports both refusals and writes nothing; a refused or dry-run import leaves no record, so
#     the fixed file imports without --again;
#   - two imports of one file at once: exactly one lands.
source "$(dirname "$0")/lib.sh"

F init >/dev/null &&
    F project add P1 --name 重复导入测试 --date 2021-01-02 >/dev/null &&
    F appropriate P1 --level county --amount 100000 --date 2021-01-05 >/dev/null &&
    F arrive P1 --level county --amount 100000 --date 2021-01-10 >/dev/null &&
    F contract add P1 --contract C1 --supplier 某公司 --amount 10000 --retention-rate 5% --warranty-months 12 \
        --date 2021-01-15 >/dev/null || fail "setting up the ledger"
# 4 entries so far; the file's rows become #5, #6, #7.
cat >"$d/a.csv" <<'EOF'
kind,date,project,level,amount,contract,ref,memo,accepted
payment,2021-02-01,P1,county,100,,,办公用品,
payment,2021-02-02,P1,county,200,,付-1,有凭证号,
retention,2021-03-01,P1,county,,C1,,质保金,2021-02-20
EOF
sha=$(sha256sum "$d/a.csv" | cut -c1-64)

# expect NAME WANT_RC ARGS...: runs `fundflow import ARGS`, checks the exit status; stdout in $d/out, stderr in $d/err.
expect() {
    local name=$1 want=$2 rc
    shift 2
    F import "$@" >"$d/out" 2>"$d/err"; rc=$?
    [[ $rc == "$want" ]] || fail "$name: exit $rc, want $want; stdout: $(head -c 500 "$d/out"); stderr: $(head -c 1500 "$d/err")"
}
# refused_unchanged NAME: after a refusal, nothing on stdout and the ledger byte-identical.
refused_unchanged() {
    [[ ! -s $d/out ]] || fail "$1: a refusal printed on stdout: $(head -c 300 "$d/out")"
    [[ $(file_sum) == "$sum" ]] || fail "$1: the refused import changed the ledger"
}

# 1. The first import posts every row.
expect "first import" 0 "$d/a.csv" --format json
[[ $(jq -c '[.rows, .added, .present]' "$d/out") == "[3,3,0]" ]] || fail "first import said $(cat "$d/out")"
sum=$(file_sum)

# 2. The same bytes again: refused as a whole, one line.
expect "second import" 3 "$d/a.csv"
refused_unchanged "second import"
want="fundflow: refused: this file (sha256 $sha) was already imported on "
[[ $(wc -l <"$d/err") == 1 && $(cat "$d/err") == "$want"* ]] || fail "second import: stderr $(cat "$d/err"), want one line starting '$want'"
grep -qE "on [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z by zhangsan (\(login [^)]*\) )?\(entries #5–#7\); to import it again, add --again$" "$d/err" ||
    fail "second import: the refusal does not say when, by whom and which entries: $(cat "$d/err")"
expect "second import, dry run" 3 "$d/a.csv" --dry-run
refused_unchanged "second import, dry run"
[[ $(cat "$d/err") == "$want"* ]] || fail "second import, dry run: $(cat "$d/err")"

# 3. --again: the rows without a ref are refused as duplicates, each with its line and entry; the ref row is
#    not among them (same content, same ref: a no-op). The retention had no amount: it is compared by the
#    amount the ledger derives (5 % of 10,000.00).
for dry in "" --dry-run; do
    # shellcheck disable=SC2086
    expect "--again $dry" 3 "$d/a.csv" --again $dry
    refused_unchanged "--again $dry"
    cat >"$d/want" <<EOF
$d/a.csv:2: repeats entry #5 (payment of 100.00 元, county, 2021-02-01) without a ref: a probable duplicate
$d/a.csv:4: repeats entry #7 (retention of 500.00 元, county, 2021-03-01, contract C1) without a ref: a probable duplicate
fundflow: refused: 2 rows of $d/a.csv without a ref (凭证号) repeat an entry or an earlier row (same kind, date, project, level, amount, contract and memo); nothing was imported; give each its voucher ref, or add --allow-duplicates if they are meant
EOF
    diff "$d/want" "$d/err" >"$d/diff" || fail "--again $dry: stderr differs from what is expected:$(printf '\n%s' "$(cat "$d/diff")")"
done

# 4. --again --allow-duplicates: they post; the ref row stays a no-op.
expect "--again --allow-duplicates" 0 "$d/a.csv" --again --allow-duplicates --format json
[[ $(jq -c '[.rows, .added, .present]' "$d/out") == "[3,2,1]" ]] || fail "--again --allow-duplicates said $(cat "$d/out")"
n=$(F digest); [[ ${n%%:*} == 9 ]] || fail "after --again --allow-duplicates: ${n%%:*} entries, want 9"
sum=$(file_sum)
# A third time: refused again, naming the latest of the two imports (entries #8–#9).
expect "third import" 3 "$d/a.csv"
refused_unchanged "third import"
grep -qE "already imported 2 times, last on .*\(entries #8–#9\); to import it again, add --again$" "$d/err" ||
    fail "third import: $(cat "$d/err")"

# 5. Identical rows without a ref in one new file: each later one names an earlier line, each earlier line once
#    while there are more (a row with a ref is a voucher of its own, not a duplicate, but it can be repeated);
#    nothing is written.
cat >"$d/b.csv" <<'EOF'
kind,date,project,level,amount,contract,ref,memo
payment,2021-04-01,P1,county,300,,,差旅费
payment,2021-04-01,P1,county,300,,付-2,差旅费
payment,2021-04-01,P1,county,300,,,差旅费
payment,2021-04-01,P1,county,300,,,另一笔
payment,2021-04-01,P1,county,300.00,,,差旅费
EOF
expect "identical rows" 3 "$d/b.csv"
refused_unchanged "identical rows"
[[ $(head -n 2 "$d/err") == "$d/b.csv:4: repeats line 2 of this file (payment of 300.00 元, county, 2021-04-01) without a ref: a probable duplicate
$d/b.csv:6: repeats line 3 of this file (payment of 300.00 元, county, 2021-04-01) without a ref: a probable duplicate" &&
    $(wc -l <"$d/err") == 3 && $(tail -n 1 "$d/err") == "fundflow: refused: 2 rows of $d/b.csv without a ref"* ]] ||
    fail "identical rows: stderr $(cat "$d/err")"
# Refused, it left no record: allowed, it imports without --again.
expect "identical rows allowed" 0 "$d/b.csv" --allow-duplicates --format json
[[ $(jq -c '[.rows, .added, .present]' "$d/out") == "[5,5,0]" ]] || fail "identical rows allowed: $(cat "$d/out")"

# 6. A row equal to an entry posted on the command line names that entry; once it is reversed, it says so
#    (still a probable duplicate: an auditor wants to know).
F pay P1 --level county --amount 400 --date 2021-05-01 --memo 设备款 >/dev/null || fail "pay"  # entry #15
printf 'kind,date,project,level,amount,memo\npayment,2021-05-01,P1,county,400.00,设备款\n' >"$d/c.csv"
sum=$(file_sum)
expect "row equal to an entry" 3 "$d/c.csv"
refused_unchanged "row equal to an entry"
[[ $(head -n 1 "$d/err") == "$d/c.csv:2: repeats entry #15 (payment of 400.00 元, county, 2021-05-01) without a ref: a probable duplicate" ]] ||
    fail "row equal to an entry: $(cat "$d/err")"
F reverse 15 --reason 录错 >/dev/null || fail "reverse"  # entry #16
sum=$(file_sum)
expect "row equal to a reversed entry" 3 "$d/c.csv"
refused_unchanged "row equal to a reversed entry"
[[ $(head -n 1 "$d/err") == "$d/c.csv:2: repeats entry #15, reversed since by #16 (payment of 400.00 元, county, 2021-05-01) without a ref: a probable duplicate" ]] ||
    fail "row equal to a reversed entry: $(cat "$d/err")"
# Another memo, another amount or another date is another payment.
printf 'kind,date,project,level,amount,memo\npayment,2021-05-01,P1,county,400,设备款二\npayment,2021-05-01,P1,county,401,设备款\npayment,2021-05-02,P1,county,400,设备款\n' >"$d/c2.csv"
expect "rows that differ" 0 "$d/c2.csv" --dry-run --format json
[[ $(jq -c '[.added, .dry_run]' "$d/out") == "[3,true]" ]] || fail "rows that differ: $(cat "$d/out")"
[[ $(file_sum) == "$sum" ]] || fail "a dry run changed the ledger"

# 7. A release without an amount releases what is outstanding (two retentions of 500.00 by now); imported
#    again inside another file, nothing is outstanding any more: it is matched by what it states.
printf 'kind,date,project,contract,memo,name\nrelease,2021-12-01,P1,C1,质保期满,\n' >"$d/e.csv"
expect "release" 0 "$d/e.csv" --format json
[[ $(jq -c '.added' "$d/out") == 1 ]] || fail "release: $(cat "$d/out")"
rel=$(F log P1 --kind release --format json | jq -r '.entries[-1] | "\(.id) \(.amount_fen)"')
[[ $rel == "17 100000" ]] || fail "the release is '$rel', want entry 17 of 100000 fen"
printf 'kind,date,project,contract,memo,name\nrelease,2021-12-01,P1,C1,质保期满,\nproject,2021-01-02,P1,,,重复导入测试\n' >"$d/e2.csv"
sum=$(file_sum)
expect "release again" 3 "$d/e2.csv"
refused_unchanged "release again"
[[ $(head -n 1 "$d/err") == "$d/e2.csv:2: repeats entry #17 (release of 1,000.00 元, county, 2021-12-01, contract C1) without a ref: a probable duplicate" ]] ||
    fail "release again: $(cat "$d/err")"

# 8. Two imports of one new file at once: exactly one lands, the other is refused as already imported.
printf 'kind,date,project,level,amount,ref,memo\npayment,2021-06-01,P1,county,1,并-1,\npayment,2021-06-02,P1,county,2,并-2,\n' >"$d/p.csv"
F import "$d/p.csv" >"$d/p1.out" 2>"$d/p1.err" &
p1=$!
F import "$d/p.csv" >"$d/p2.out" 2>"$d/p2.err" &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
[[ "$r1 $r2" == "0 3" || "$r1 $r2" == "3 0" ]] || fail "two imports at once exited $r1 and $r2, want 0 and 3: $(cat "$d/p1.err" "$d/p2.err")"
grep -q "already imported" "$d/p1.err" "$d/p2.err" || fail "two imports at once: the refused one did not say why: $(cat "$d/p1.err" "$d/p2.err")"
n=$(F log P1 --format json | jq '[.entries[] | select(.ref == "并-1" or .ref == "并-2")] | length')
[[ $n == 2 ]] || fail "two imports at once: $n of the 2 rows on file"
F verify >/dev/null || fail "verify at the end"

echo "ok duplicates: a file imported twice refused with when/by whom/entries, unless --again; rows without a ref" \
    "repeating an entry (reversed or not, derived amounts compared as derived) or an earlier row refused with their" \
    "lines, unless --allow-duplicates; --dry-run too; refusals write nothing and leave no record; 2 imports at once:" \
    "1 lands ($(elapsed))"
