#!/usr/bin/env bash
# Issue 6: the benchmark measures correct work. bench/gen's data set at 10,000 entries and 50 projects (the
# benchmark's shape) must cover every funding level and every kind of row — reversals, deposits withheld
# in one year and released or forfeited in a later one, payments from carryover, year closes — and,
# imported by the real fundflow into a fresh ledger, give exactly the generator's own expected figures
# (bench/gen --expect, an independent reckoning of the same facts) at five dates: `balance --by level`
# per project and level (free, retained, executed, recovered), `report execution` per project (budget not
# yet arrived per level; arrived and executed equal to the balance's), and `warranty list` (each
# deposit's dates, amounts and status). Self-test: one expected figure of the balance and one of a
# deposit, each moved by 0.01, must show as exactly those two mismatches.
#
#   bash bench_expected.sh PATH/TO/fundflow     (FUNDFLOW_BENCH_ENTRIES=N for another size)
source "$(dirname "$0")/lib.sh"
gen=$here/../../bench/gen
[[ -f $gen ]] || fail "no bench/gen at $gen"
dates=(2021-12-31 2022-01-01 2022-06-30 2023-06-30 2023-12-31)
entries=${FUNDFLOW_BENCH_ENTRIES:-10000}

"$PYTHON3" "$gen" "$d/data.csv" --entries "$entries" --projects 50 --expect "$d/expect.json" --as-of "${dates[@]}" \
    2>"$d/gen.err" || fail "bench/gen: $(cat "$d/gen.err")"
cat "$d/gen.err"
# The same arguments give the same bytes.
"$PYTHON3" "$gen" "$d/again.csv" --entries "$entries" --projects 50 2>/dev/null || fail "bench/gen (again)"
cmp -s "$d/data.csv" "$d/again.csv" || fail "bench/gen is not deterministic: two runs wrote different files"

# Coverage: every kind of row, every level, 50 projects, deposits settled in a later year, late corrections.
"$PYTHON3" - "$d/expect.json" "$entries" <<'PY' || fail "the generated data set does not cover what the benchmark needs (above)"
import json, sys
e = json.load(open(sys.argv[1], encoding="utf-8"))
entries = int(sys.argv[2])
c, missing = e["counts"], []
for kind in ("project", "contract", "appropriation", "adjustment", "arrival", "payment", "refund", "retention",
             "release", "forfeit", "recovery", "reversal", "close"):
    if c.get(kind, 0) < 1:
        missing.append("no %s row" % kind)
for key in ("~ release of a deposit withheld in an earlier year", "~ forfeit of a deposit withheld in an earlier year"):
    if c.get(key, 0) < 1:
        missing.append("no " + key[2:])
if not any(k.startswith("~ of which a ") for k in c):
    missing.append("no reversal of an entry of an earlier year")
money = sum(n for k, n in c.items() if k not in ("project", "contract", "close") and not k.startswith("~"))
if not 0.95 * entries <= money <= 1.05 * entries:
    missing.append("%d money entries for --entries %d" % (money, entries))
if c.get("project") != 50:
    missing.append("%s projects, not 50" % c.get("project"))
last = e["as_of"]["2023-12-31"]
levels = {l for p in last.values() for l in p}
for l in ("central", "provincial", "municipal", "county", "carryover", "other"):
    if l not in levels:
        missing.append("no money on level %s" % l)
if not any(k for p in e["deposits"]["2023-12-31"].values() for k in p.values() if k["released"] and k["outstanding"]):
    missing.append("no partly released deposit")
for m in missing:
    print("  " + m)
sys.exit(1 if missing else 0)
PY

F init >/dev/null || fail "init"
rows=$(jq .rows "$d/expect.json")
F import "$d/data.csv" --format json >"$d/import.json" 2>"$d/err" || fail "import exited $?: $(head -c 2000 "$d/err")"
[[ $(jq -c '[.rows, .added, .present]' "$d/import.json") == "[$rows,$rows,0]" ]] ||
    fail "import of $rows rows said $(cat "$d/import.json")"

"$PYTHON3" "$here/compare_balances.py" --fundflow "$bin" --db "$db" --expect "$d/expect.json" "${dates[@]}" \
    >"$d/compare.out" 2>&1
rc=$?
grep -v '^SUMMARY' "$d/compare.out"
[[ $rc == 0 ]] || fail "fundflow's reports differ from bench/gen's expected figures (above)"
read -r _ _ _ _ nmodel ndeposits _ < <(grep '^SUMMARY' "$d/compare.out")
(( nmodel > 1000 && ndeposits > 100 )) || fail "too little compared: $nmodel accounts, $ndeposits deposits"

# The check can fail: 0.01 more free money on one project level, 0.01 less outstanding on one deposit.
"$PYTHON3" - "$d/expect.json" "$d/perturbed.json" 2023-12-31 <<'PY' || fail "could not perturb the expected figures"
import json, sys
e = json.load(open(sys.argv[1], encoding="utf-8"))
date = sys.argv[3]
p = sorted(e["as_of"][date])[0]
e["as_of"][date][p][sorted(e["as_of"][date][p])[0]]["free"] += 1
p = sorted(e["deposits"][date])[0]
e["deposits"][date][p][sorted(e["deposits"][date][p])[0]]["outstanding"] -= 1
json.dump(e, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
"$PYTHON3" "$here/compare_balances.py" --fundflow "$bin" --db "$db" --expect "$d/perturbed.json" --details 0 \
    2023-12-31 >"$d/perturbed.out" 2>&1 && fail "perturbed expected figures passed the comparison"
grep -Eq "^model: +[0-9]+ accounts compared over 1 dates, 1 mismatches" "$d/perturbed.out" &&
    grep -Eq "^deposits: +[0-9]+ deposits \(warranty list\) compared over 1 dates, 1 mismatches" "$d/perturbed.out" ||
    fail "the perturbed figures: $(cat "$d/perturbed.out")"

echo "ok bench/expected-10k: $rows rows imported; $nmodel project-level figures and $ndeposits deposits over" \
     "${#dates[@]} dates equal bench/gen's expected figures; perturbed figures are caught ($(elapsed))"
