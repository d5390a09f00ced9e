#!/usr/bin/env bash
# Issue 11 part 4 in the import format (docs/export.md): rows of kind amendment (变更), correction (更正,
# with the column reason/原因) and reopen (重开年度), in English and Chinese.
#  1. A file of each kind imports: the contract's terms in force change from the amendment's date, the
#     project is renamed, the corrected voucher keeps its ref, the reopened year takes a posting.
#  2. Importing it again (--again: the same bytes are refused otherwise) adds nothing (each row is present).
#  3. Rows bad on their own are reported with line and column, nothing written (exit 2): an amendment
#     without a date or memo, a correction without its ref or reason, a reopen without a reason.
#  4. Rule refusals exit 3 naming the line, nothing written: an amendment lowering the contract below what
#     is paid, a correction of an unknown voucher, a reopen of a year that is not closed.
#
#   bash amendment_rows.sh PATH/TO/fundflow
source "$(dirname "$0")/lib.sh"
problems=0
problem() { echo "  problem: $*"; problems=$((problems + 1)); }

F init >/dev/null || fail "init"
cat >"$d/setup.csv" <<'CSV'
kind,date,project,level,amount,contract,ref,memo,name,supplier,retention_rate,warranty_months
project,2021-01-02,P1,,,,,,变更项目,,,
appropriation,2021-01-10,P1,county,100000,,A1,,,,,
arrival,2021-01-11,P1,county,100000,,A2,,,,,
contract,2021-01-12,P1,,50000,C1,,,,某公司,5%,24
payment,2021-02-01,P1,county,30000,C1,付1,进度款,,,,
close,2021-12-31,P1,,,,,,,,,
CSV
F import "$d/setup.csv" >/dev/null 2>"$d/err" || fail "setup import: $(cat "$d/err")"

# 1. One row of each kind (the Chinese names too).
cat >"$d/new.csv" <<'CSV'
kind,date,project,level,amount,contract,ref,memo,name,supplier,retention_rate,warranty_months,reason
重开年度,2021-12-31,P1,,,,,审计调整,,,,,
amendment,2021-03-01,P1,,60000,C1,,补充协议一,,,3%,12,
变更,2021-04-01,P1,,,,,批复更名,变更项目（二期）,,,,
correction,2021-02-01,P1,county,3000,C1,付1,,,,,,金额错误
更正,2021-02-03,P1,,,,付1,进度款（改）,,,,,日期错误
payment,2021-12-30,P1,county,100,,付2,补记,,,,,
CSV
F import "$d/new.csv" --format json >"$d/out" 2>"$d/err" || fail "importing the new rows: $(cat "$d/err")"
[[ $(jq -c '[.rows, .added, .present]' "$d/out") == "[6,6,0]" ]] || problem "import said $(cat "$d/out")"
[[ $(F show 13 --format json | jq -r '.entry | "\(.kind) \(.ref) \(.amount_fen) \(.date) \(.corrects)"') == "payment 付1 300000 2021-02-03 11" ]] ||
    problem "the second correction is not entry #13 on voucher 付1: $(F show 13 --format json)"
[[ $(F log P1 --kind reopen --format json | jq -r '.entries[0].memo') == 审计调整 ]] || problem "no reopen entry"
F retain P1 --contract C1 --level county --date 2021-12-30 --accepted 2021-12-01 --format json >"$d/out" 2>"$d/err" ||
    problem "a retention after the amendment: $(cat "$d/err")"
[[ $(jq -c '[.entry.amount_fen, .entry.warranty_months]' "$d/out") == "[180000,12]" ]] ||
    problem "the default retention does not use the amended terms (3 % of 60,000.00, 12 months): $(cat "$d/out")"
F report execution P1 --year 2021 --lang en | head -n 1 | grep -q "P1 变更项目（二期） " ||
    problem "the form does not show the amended project name: $(F report execution P1 --year 2021 --lang en | head -n 1)"
F verify >/dev/null 2>"$d/err" || problem "verify after the import: $(cat "$d/err")"

# 2. Again: every row present.
F import "$d/new.csv" --again --format json >"$d/out" 2>"$d/err" || problem "importing again: $(cat "$d/err")"
[[ $(jq -c '[.added, .present]' "$d/out" 2>/dev/null) == "[0,6]" ]] || problem "importing again said $(cat "$d/out" "$d/err")"
sum=$(file_sum)

# 3. Rows bad on their own: line and column, nothing written.
cat >"$d/bad.csv" <<'CSV'
kind,date,project,level,amount,contract,ref,memo,reason
amendment,,P1,,70000,C1,,补充协议二,
amendment,2021-05-01,P1,,70000,C1,,,
correction,2021-02-01,P1,county,100,C1,,,金额
correction,2021-02-01,P1,county,100,C1,付1,,
reopen,2021-12-31,P1,,,,,,
CSV
F import "$d/bad.csv" >/dev/null 2>"$d/err"; rc=$?
[[ $rc == 2 ]] || problem "rows bad on their own: exit $rc, want 2"
for at in 2:2 3:8 4:7 5:9 6:8; do
    grep -q "^$d/bad.csv:$at: " "$d/err" || problem "rows bad on their own: nothing reported at $at ($(tr '\n' '|' <"$d/err"))"
done
[[ $(file_sum) == "$sum" ]] || fail "a file of bad rows changed the ledger"

# 4. Rule refusals: exit 3 naming the line, nothing written.
for row in "amendment,2021-06-01,P1,,1000,C1,,调减,|an amendment below what is paid" \
           "correction,2021-02-01,P1,county,100,,无此凭证,,试|a correction of an unknown voucher|2" \
           "reopen,2022-12-31,P1,,,,,试,|a reopen of a year not closed"; do
    IFS='|' read -r line what want <<<"$row"
    printf 'kind,date,project,level,amount,contract,ref,memo,reason\n%s\n' "$line" >"$d/rule.csv"
    F import "$d/rule.csv" >/dev/null 2>"$d/err"; rc=$?
    [[ $rc == "${want:-3}" ]] || problem "$what: exit $rc, want ${want:-3} ($(cat "$d/err"))"
    grep -q "line 2" "$d/err" || problem "$what: line 2 not named: $(cat "$d/err")"
    [[ $(file_sum) == "$sum" ]] || fail "$what: a refused file changed the ledger"
done

(( problems == 0 )) || fail "$problems problems with amendment, correction and reopen rows"
echo "ok amendment-rows: amendment, correction and reopen rows import, re-import as present, bad rows and refusals leave the ledger unchanged ($(elapsed))"
