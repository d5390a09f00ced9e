#!/usr/bin/env bash
# Issue 5's bad rows: a file (Chinese header, BOM, CRLF) with 12 bad rows of 12 different kinds is reported
# as 12 lines FILE:LINE:COLUMN: reason and a last line 'fundflow: 12 problems in FILE; nothing was imported',
# exit 2, nothing on stdout, the ledger byte-identical; the same file with those rows fixed imports every
# row; a third run is refused (the file was imported: exit 3), and with --again imports 0 new rows (all
# present) and leaves the file byte-identical. Then rule refusals
# in the middle of valid-looking files (an overdraft, a voucher ref reused with other content, a closed
# year, a forfeit beyond the deposit) exit 3 naming their line, ledger byte-identical; --dry-run checks against the
# ledger's rules and writes nothing; a quote never closed is a whole-file problem (exit 2).
#
#   bash bad_rows.sh PATH/TO/fundflow
source "$(dirname "$0")/lib.sh"

crlf() { sed -e '1s/^/\xEF\xBB\xBF/' -e 's/$/\r/'; }  # BOM and CRLF, as a spreadsheet saves it

# The fixed file: every kind of row, two projects, deposits carried into 2022, a closed year.
crlf >"$d/good.csv" <<'EOF'
类型,日期,项目,资金来源,金额,合同,凭证号,摘要,名称,供应商,质保金比例,质保期月数,验收日期,冲销凭证号,中小企业
project,2021-01-02,B1,,,,,,坏行测试项目,,,,,,
project,2021-01-02,B2,,,,,,"Second, project",,,,,,
contract,2021-01-05,B1,,100000,HT1,,,,某供应商,5%,12,,,1
合同,2021-01-05,B2,,20000,HT2,,,,"Supplier ""Two""",3%,6,,,否
appropriation,2021-01-10,B1,county,50万,,R01,年初预算,,,,,,,
年初预算,2021-01-10,B2,中央级,100000.00,,R02,,,,,,,,
arrival,2021-02-01,B1,县,"400,000.00",,R03,,,,,,,,
arrival,2021-02-01,B2,central,80000,,R04,,,,,,,,
支付,2021-03-01,B1,county,95000,HT1,R05,进度款,,,,,,,
retention,2021-03-01,B1,county,,HT1,R06,,,,,,2021-02-20,,
adjustment,2021-04-01,B1,county,-10000,,R07,调减,,,,,,,
payment,2021-05-01,B1,county,1234.56,,R08,,,,,,,,
refund,2021-05-10,B1,county,100,,R09,退回,,,,,,,
recovery,2021-06-01,B1,county,1000,,R10,收回,,,,,,,
reversal,2021-06-02,B1,,,,,重复录入,,,,,,R08,
payment,2021-07-01,B2,central,19400,HT2,R11,,,,,,,,
retention,2021-07-01,B2,central,600,HT2,R12,,,,,6,2021-06-30,,
forfeit,2021-08-01,B2,,100,HT2,R13,质量问题,,,,,,,
release,2022-03-01,B1,carryover,,HT1,R14,,,,,,,,
质保金支付,2022-03-01,B2,,500,HT2,R15,,,,,,,,
payment,2022-04-01,B1,上年结转,"¥1,000.00",,R16,,,,,,,,
close,2021-12-31,B2,,,,,,,,,,,,
payment,2022-05-01,B2,carryover,0.1万,,R17,,,,,,,,
EOF
rows=$(( $(wc -l <"$d/good.csv") - 1 ))

# Twelve rows broken, each in its own way: LINE, the broken line, the COLUMN and part of the reason expected.
cat >"$d/breaks.tsv" <<'EOF'
3	project,2021-01-02,B2,,,,,,,,,,,,	9	needs name
4	contract,2021-01-05,B1,,100000,HT1,,,,某供应商,5.5.%,12,,,1	11	is not a retention rate
5	合同,2021-01-05,B2,,20000,HT2,,,,"Supplier ""Two""",3%,six,,,否	12	is not a number of months
6	appropriation,2021-01-10,B1,county,"5,00,000",,R01,年初预算,,,,,,,	5	thousands separators
7	年初预算,2021-01-10,B2,中央级,100000.001,,R02,,,,,,,,	5	more than 2 decimals
8	arrival,2021-02-01,B1,县,"400,000.00",,R03,,,,,,,,,	16	more cells than the header
9	arrival,2021/02-01,B2,central,80000,,R04,,,,,,,,	2	expected YYYY-MM-DD
10	支付,2021-03-01,B1,township,95000,HT1,R05,进度款,,,,,,,	4	is not a funding level
11	retention,2021-03-01,B1,county,,HT1,R06,,,,,,2021-02-30,,	13	no such day
12	adjustement,2021-04-01,B1,county,-10000,,R07,调减,,,,,,,	1	is not an entry kind
13	payment,2021-05-01,B1,county,,,R08,,,,,,,,	5	needs amount
16	reversal,2021-06-02,B1,,,,,,,,,,,R08,	8	needs memo
EOF
tr -d '\r' <"$d/good.csv" | awk -F'\t' 'NR == FNR { line[$1] = $2; next } (FNR in line) { print line[FNR]; next } { print }' \
    "$d/breaks.tsv" - | sed -e '1s/^\xEF\xBB\xBF//' | crlf >"$d/bad.csv"
[[ $(diff <(tr -d '\r' <"$d/good.csv") <(tr -d '\r' <"$d/bad.csv") | grep -c '^>') == 12 ]] ||
    fail "the bad file should differ from the good one in 12 lines"

F init >/dev/null && F project add B0 --name 已有项目 --date 2020-12-01 >/dev/null || fail "setting up the ledger"
before=$(file_sum)

# 1. Twelve problems, each with its line and column; nothing written.
F import "$d/bad.csv" >"$d/out" 2>"$d/err"; rc=$?
[[ $rc == 2 ]] || fail "the bad file exited $rc, want 2: $(cat "$d/err")"
[[ ! -s $d/out ]] || fail "the bad file printed on stdout: $(cat "$d/out")"
[[ $(wc -l <"$d/err") == 13 ]] || fail "want 12 problem lines and a summary, got: $(cat "$d/err")"
while IFS=$'\t' read -r line _ column reason; do
    grep -qF "$d/bad.csv:$line:$column: " "$d/err" || fail "no problem reported at $line:$column: $(cat "$d/err")"
    grep -F "$d/bad.csv:$line:$column: " "$d/err" | grep -qF "$reason" ||
        fail "the problem at $line:$column does not say '$reason': $(grep -F "bad.csv:$line:" "$d/err")"
done <"$d/breaks.tsv"
[[ $(grep -c "^$d/bad.csv:[0-9]*:[0-9]*: " "$d/err") == 12 ]] || fail "not 12 FILE:LINE:COLUMN lines: $(cat "$d/err")"
[[ $(tail -n 1 "$d/err") == "fundflow: 12 problems in $d/bad.csv; nothing was imported" ]] ||
    fail "last line: $(tail -n 1 "$d/err")"
[[ $(file_sum) == "$before" ]] || fail "a file with bad rows changed the ledger"
F import "$d/bad.csv" --dry-run >/dev/null 2>&1; rc=$?
[[ $rc == 2 && $(file_sum) == "$before" ]] || fail "--dry-run of the bad file: exit $rc or the ledger changed"

# 2. Fixed, it imports every row; a third run is refused as the same file again, and with --again imports none
#    and changes nothing (every row has a ref).
F import "$d/good.csv" --format json >"$d/out" 2>"$d/err" || fail "the fixed file exited $?: $(cat "$d/err")"
[[ $(jq -c '[.rows, .added, .present, .dry_run]' "$d/out") == "[$rows,$rows,0,false]" ]] ||
    fail "the fixed file: $(cat "$d/out")"
after=$(file_sum)
F import "$d/good.csv" --format json >"$d/out" 2>"$d/err"; rc=$?
[[ $rc == 3 && ! -s $d/out ]] && grep -q "already imported" "$d/err" || fail "the third run without --again exited $rc: $(cat "$d/out" "$d/err")"
[[ $(file_sum) == "$after" ]] || fail "a refused third run changed the ledger"
F import "$d/good.csv" --again --format json >"$d/out" 2>"$d/err" || fail "the third run exited $?: $(cat "$d/err")"
[[ $(jq -c '[.rows, .added, .present]' "$d/out") == "[$rows,0,$rows]" ]] || fail "the third run: $(cat "$d/out")"
[[ $(file_sum) == "$after" ]] || fail "importing rows already present changed the ledger"
# What the fixed file says, read back: B1's county money of 2021 and the deposits carried into 2022.
F report execution B1 --year 2021 --format json >"$d/r.json" || fail "report execution B1"
[[ $(jq -c '.columns.county | [.initial_budget_fen, .full_year_budget_fen, .arrived_fen, .executed_fen]' "$d/r.json") == \
   "[50000000,49000000,40000000,9490000]" ]] || fail "B1 2021 county: $(jq -c .columns.county "$d/r.json")"
F balance B1 --by level --as-of 2022-12-31 --format json >"$d/b.json" || fail "balance B1"
[[ $(jq -c '.rows[] | select(.level == "carryover") | [.arrived_fen, .executed_fen, .retention_outstanding_fen,
     .free_balance_fen]' "$d/b.json") == "[30410000,600000,0,29810000]" ]] ||
    fail "B1 2022 carryover: $(cat "$d/b.json")"

# The same rows with the columns in another order (the header names them) give the same ledger.
"$PYTHON3" -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
order = list(reversed(range(len(rows[0]))))
with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
    csv.writer(f).writerows([[r[i] for i in order] for r in rows])' "$d/good.csv" "$d/reordered.csv" || fail "reordering"
"$bin" --db "$d/reordered.db" init >/dev/null
"$bin" --db "$d/reordered.db" import "$d/reordered.csv" >/dev/null 2>"$d/err" || fail "the reordered file: $(cat "$d/err")"
cmp -s <(F export --to csv | grep -v '^project,2020-12-01,B0,') <("$bin" --db "$d/reordered.db" export --to csv) ||
    fail "the reordered file gave other entries: $(diff <(F export --to csv) <("$bin" --db "$d/reordered.db" export --to csv))"

# 3. Rule refusals at line k of a valid-looking file: exit 3, one line naming line k, nothing written.
refused() {  # refused NAME K 'part of the reason' < rows (without the header)
    { echo "kind,date,project,level,amount,contract,ref,memo,reverses"; cat; } >"$d/$1.csv"
    local sum rc
    sum=$(file_sum)
    for dry in "" --dry-run; do
        F import "$d/$1.csv" $dry >"$d/out" 2>"$d/err"; rc=$?
        [[ $rc == 3 ]] || fail "$1 $dry: exit $rc, want 3: $(cat "$d/err")"
        [[ $(wc -l <"$d/err") == 1 ]] || fail "$1 $dry: want one line on stderr: $(cat "$d/err")"
        grep -q "^fundflow: .*line $2: .*$3" "$d/err" || fail "$1 $dry: the message does not name line $2 and '$3': $(cat "$d/err")"
        [[ $(file_sum) == "$sum" ]] || fail "$1 $dry: a refused import changed the ledger"
    done
}
refused overdraft 4 "exceeds the free balance" <<'EOF'
payment,2022-06-01,B1,carryover,100,,R20,,
payment,2022-06-02,B1,carryover,200,,R21,,
payment,2022-06-03,B1,carryover,2980000,,R22,,
payment,2022-06-04,B1,carryover,300,,R23,,
EOF
refused reused-ref 3 "voucher R05" <<'EOF'
payment,2022-06-01,B1,carryover,100,,R24,,
payment,2021-03-01,B1,county,95000.01,HT1,R05,进度款,
EOF
refused closed-year 2 "closed" <<'EOF'
payment,2021-12-01,B2,central,100,,R25,,
EOF
refused retention-beyond-deposit 3 "exceeds the outstanding retention" <<'EOF'
payment,2022-06-01,B1,carryover,100,,R26,,
forfeit,2022-06-02,B1,carryover,1,HT1,R27,扣除,
EOF

# 4. --dry-run of a good file: all checked, nothing written; then for real.
cat >"$d/more.csv" <<'EOF'
kind,date,project,level,amount,contract,ref,memo,reverses
payment,2022-06-01,B1,carryover,100,,R30,,
payment,2022-06-02,B1,carryover,200,,R31,,
reversal,2022-06-03,B1,,,,,冲销,R30
EOF
sum=$(file_sum)
F import "$d/more.csv" --dry-run --format json >"$d/out" 2>"$d/err" || fail "--dry-run exited $?: $(cat "$d/err")"
[[ $(jq -c '[.rows, .added, .present, .dry_run]' "$d/out") == "[3,3,0,true]" ]] || fail "--dry-run said $(cat "$d/out")"
[[ $(file_sum) == "$sum" ]] || fail "--dry-run changed the ledger"
F import "$d/more.csv" --format json >"$d/out" 2>"$d/err" || fail "importing more.csv exited $?: $(cat "$d/err")"
[[ $(jq -c '[.added, .dry_run]' "$d/out") == "[3,false]" ]] || fail "importing more.csv said $(cat "$d/out")"

# 5. A quote never closed spoils the whole file: exit 2, the line named, nothing written.
printf 'kind,date,project,level,amount,ref,memo\npayment,2022-07-01,B1,carryover,100,R40,"never closed\npayment,2022-07-02,B1,carryover,100,R41,\n' \
    >"$d/quote.csv"
sum=$(file_sum)
F import "$d/quote.csv" >/dev/null 2>"$d/err"; rc=$?
[[ $rc == 2 ]] || fail "an unclosed quote exited $rc: $(cat "$d/err")"
grep -q "quote.csv:2:[0-9]*: a quoted field is never closed" "$d/err" || fail "an unclosed quote: the line is not named: $(cat "$d/err")"
[[ $(file_sum) == "$sum" ]] || fail "an unclosed quote changed the ledger"

echo "ok bad-rows: 12 bad rows reported with line and column, $rows rows imported once fixed, 0 the third time;" \
     "4 refusals at their line; dry run writes nothing ($(elapsed))"
