#!/usr/bin/env bash
# What docs/export.md promises of import beyond the acceptance's 12 bad rows:
#  1. "The whole file is checked first; every bad row is reported as FILE:LINE:COLUMN: reason (exit 2)":
#     rows whose fault shows without the ledger — a negative payment, a zero adjustment, an arrival to the
#     derived carryover level, a contract of amount 0, a memo that is not UTF-8 (a GB18030 file) — must all be
#     reported at once, with line and column.
#  2. Rule refusals exit 3 (docs/accounting.md, Invariants: "A reversal: ... dated no earlier than the original
#     ..., a posting that would break one is refused, exit 3"): a reversal row dated before its original, and
#     one reversing a budget in a later year, are refused with 3, naming the line.
#  3. "Rows already on file with the same content (... an identical project ...) are counted as present": a
#     project row whose unit name differs from the registered one is not identical; like a contract with other
#     terms it must be refused (exit 3), not silently skipped.
# Every sub-check runs; the failures are listed together.
#
#   bash row_checks.sh PATH/TO/fundflow
source "$(dirname "$0")/lib.sh"
problems=0
problem() { echo "  problem: $*"; problems=$((problems + 1)); }

F init >/dev/null || fail "init"
printf 'kind,date,project,level,amount,ref,name,unit_name\nproject,2021-01-02,P1,,,,x,县教育局\nappropriation,2021-01-10,P1,county,1000,A1,,\narrival,2021-02-01,P1,county,800,A2,,\n' \
    >"$d/setup.csv"
F import "$d/setup.csv" >/dev/null || fail "setup import"
sum=$(file_sum)

# 1. Five rows bad on their own (line, column): all reported in one run.
{ printf 'kind,date,project,level,amount,contract,ref,memo,supplier\n'
  printf 'payment,2021-03-01,P1,county,-100,,B1,,\n'                # 2:5 a negative payment
  printf 'adjustment,2021-03-02,P1,county,0,,B2,调整,\n'              # 3:5 a zero adjustment
  printf 'arrival,2021-03-03,P1,carryover,100,,B3,,\n'              # 4:4 an arrival to carryover
  printf 'contract,2021-03-04,P1,,0,HT1,,,某公司\n'                   # 5:5 a contract of 0
  printf 'payment,2021-03-05,P1,county,100,,B5,\xd6\xa7\xb8\xb6,\n'  # 6:8 '支付' in GB18030
} >"$d/own.csv"
F import "$d/own.csv" >"$d/out" 2>"$d/err"; rc=$?
[[ $rc == 2 ]] || problem "rows bad on their own: exit $rc, want 2"
for at in 2:5 3:5 4:4 5:5 6:8; do
    grep -q "^$d/own.csv:$at: " "$d/err" || problem "rows bad on their own: nothing reported at $at"
done
[[ $(tail -n 1 "$d/err") == "fundflow: 5 problems in $d/own.csv; nothing was imported" ]] ||
    problem "rows bad on their own: the last line is '$(tail -n 1 "$d/err")', want 5 problems"
[[ $(file_sum) == "$sum" ]] || fail "a refused file changed the ledger"
(( problems == 0 )) || echo "    (fundflow said: $(tr '\n' '|' <"$d/err"))"

# 2. Reversal rules: exit 3, the line named.
for row in "reversal,2021-01-05,P1,,,,,早于原分录,A1|dated before its original" \
           "reversal,2022-01-05,P1,,,,,跨年冲销预算,A1|a budget reversed in a later year"; do
    IFS='|' read -r line what <<<"$row"
    printf 'kind,date,project,level,amount,contract,ref,memo,reverses\npayment,2021-03-01,P1,county,10,,C1,,\n%s\n' "$line" \
        >"$d/rev.csv"
    F import "$d/rev.csv" >/dev/null 2>"$d/err"; rc=$?
    [[ $rc == 3 ]] || problem "a reversal row $what: exit $rc, want 3 ($(cat "$d/err"))"
    grep -q "line 3" "$d/err" || problem "a reversal row $what: line 3 not named: $(cat "$d/err")"
    [[ $(file_sum) == "$sum" ]] || fail "a refused file changed the ledger"
done

# 3. A project row that is not identical to the registered project.
printf 'kind,date,project,name,unit_name\nproject,2021-01-02,P1,x,县交通运输局\n' >"$d/project.csv"
F import "$d/project.csv" --format json >"$d/out" 2>"$d/err"; rc=$?
[[ $rc == 3 ]] || problem "a project row with another unit name: exit $rc ($(cat "$d/out" "$d/err")), want 3 (refused, like a contract with other terms)"
[[ $(F export --to csv | grep '^project,' | cut -d, -f16) == 县教育局 ]] || fail "the project's unit name changed"

if ((problems)); then
    fail "$problems import checks differ from docs/export.md and docs/accounting.md (above)"
fi
echo "ok row-checks ($(elapsed))"
