#!/usr/bin/env bash
# Issue 5's comparison: a generated dataset (gen_dataset.py: ≥ 10k entries, 24 projects over 2021–2023, every
# level and kind, reversals, deposits across year ends, payments from carryover, close rows; Chinese header,
# BOM and CRLF) is imported into a fresh ledger (and imported again: nothing added); then, as of a year's last
# day, the next year's first (the closing day of the journals), a mid-year day, the last day of the data and a
# day after it (the journals close every year up to the current one), fundflow's balance per project and
# level (free, retained, executed, recovered, and budget not yet arrived from `report execution`) must equal,
# to the fen, ledger-cli's, hledger's and Beancount's balance of the matching account of
# `fundflow export --to ledger|hledger|beancount` (docs/export.md) — and the generator's own model, which
# also checks `warranty list` (dates, amounts, status of every deposit) and that `report execution` and
# `balance` agree. bean-check must accept the Beancount file; a tampered journal must fail the comparison.
#
#   bash compare_tools.sh PATH/TO/fundflow   (FUNDFLOW_IMPORT_ENTRIES=N, FUNDFLOW_IMPORT_SEED=S for another dataset)
source "$(dirname "$0")/lib.sh"
for tool in ledger hledger bean-check bean-query; do
    command -v "$tool" >/dev/null || fail "$tool is needed (apt-get install ledger hledger beancount)"
done
dates=(2021-12-31 2022-01-01 2022-06-30 2023-12-31)
# A day of last year: after the data, the journals still close every year up to the current one.
last_year=$(( $(date +%Y) - 1 ))
(( last_year > 2023 )) && dates+=("$last_year-06-30")

"$PYTHON3" "$here/gen_dataset.py" "$d/data.csv" --entries "${FUNDFLOW_IMPORT_ENTRIES:-10500}" \
    --seed "${FUNDFLOW_IMPORT_SEED:-20240501}" --chinese-header --bom \
    --crlf --expect "$d/expect.json" --as-of "${dates[@]}" 2>"$d/gen.err" || fail "gen_dataset.py: $(cat "$d/gen.err")"
cat "$d/gen.err"
rows=$(jq .rows "$d/expect.json")
(( rows >= 10000 )) || fail "only $rows rows generated"

F init >/dev/null || fail "init"
start=$SECONDS
F import "$d/data.csv" --format json >"$d/import.json" 2>"$d/err" || fail "import exited $?: $(head -c 2000 "$d/err")"
[[ $(jq -c '[.rows, .added, .present]' "$d/import.json") == "[$rows,$rows,0]" ]] ||
    fail "import of $rows rows said $(cat "$d/import.json")"
echo "imported $rows rows in $((SECONDS - start)) s"
F verify --format json >"$d/verify.json" || fail "verify after the import: $(cat "$d/verify.json")"
entries=$(jq .entries "$d/verify.json")
# Importing the same file again (--again: without it the file is refused as imported before) adds nothing
# and leaves the file as it was.
sum=$(file_sum)
F import "$d/data.csv" --again --format json >"$d/again.json" 2>"$d/err" || fail "the second import exited $?: $(head -c 2000 "$d/err")"
[[ $(jq -c '[.added, .present]' "$d/again.json") == "[0,$rows]" ]] || fail "the second import said $(cat "$d/again.json")"
[[ $(file_sum) == "$sum" ]] || fail "importing rows already present changed the ledger"
# check fails on the overdue deposits and unclosed years of the data; its chain and invariants must pass.
F check --format json >"$d/check.json" 2>/dev/null
[[ $(jq -c '[.checks[] | select(.name == "chain" or .name == "invariants") | .verdict]' "$d/check.json") == \
   '["pass","pass"]' ]] || fail "check after the import: $(head -c 2000 "$d/check.json")"

F export --to ledger --output "$d/x.ledger" || fail "export --to ledger"
F export --to hledger --output "$d/x.journal" || fail "export --to hledger"
F export --to beancount --output "$d/x.beancount" || fail "export --to beancount"
bean-check "$d/x.beancount" >"$d/bean-check.out" 2>&1 || fail "bean-check: $(head -c 3000 "$d/bean-check.out")"
[[ ! -s $d/bean-check.out ]] || fail "bean-check printed: $(head -c 3000 "$d/bean-check.out")"

"$PYTHON3" "$here/compare_balances.py" --fundflow "$bin" --db "$db" --expect "$d/expect.json" --ledger "$d/x.ledger" \
    --hledger "$d/x.journal" --beancount "$d/x.beancount" "${dates[@]}" >"$d/compare.out" 2>&1
rc=$?
grep -v '^SUMMARY' "$d/compare.out"
[[ $rc == 0 ]] || fail "fundflow's balances differ from the tools' (above)"
read -r _ ntools ndates naccounts nmodel ndeposits mismatches < <(grep '^SUMMARY' "$d/compare.out")

# The comparison can fail: one payment of the ledger journal made 0.01 larger (both postings, so the
# journal still balances) must show as 2 mismatching accounts, Expenses and Free, as of the last date.
awk 'BEGIN { done = 0 }
     /^[0-9-]+ \* .* 支付/ && !done { hit = 1 }
     hit && /^    Expenses:/ { sub(/ CNY$/, ""); n = $2 + 0.01; printf "    %s  %.2f CNY\n", $1, n; next }
     hit && /^    Assets:/ { sub(/ CNY$/, ""); n = $2 - 0.01; printf "    %s  %.2f CNY\n", $1, n; hit = 0; done = 1; next }
     { print }' "$d/x.ledger" >"$d/y.ledger"
[[ $(diff "$d/x.ledger" "$d/y.ledger" | grep -c '^>') == 2 ]] || fail "could not tamper with the ledger journal"
"$PYTHON3" "$here/compare_balances.py" --fundflow "$bin" --db "$db" --expect "$d/expect.json" --ledger "$d/y.ledger" \
    --details 0 "${dates[-1]}" >"$d/tampered.out" 2>&1 && fail "a tampered journal passed the comparison"
grep -Eq "^ledger: +[0-9]+ accounts compared over 1 dates, 2 mismatches" "$d/tampered.out" ||
    fail "the tampered journal: $(cat "$d/tampered.out")"

echo "ok compare-tools: $ntools tools × $ndates dates, $naccounts accounts (ledger/hledger/beancount)" \
     "and $nmodel against the generator's model (and $ndeposits deposits), $mismatches mismatches" \
     "($entries entries imported; $(elapsed))"
