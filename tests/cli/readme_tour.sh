#!/usr/bin/env bash
# The README's "First five minutes" runs as written: its ```sh blocks, in order, in one bash with -e (every line
# must succeed), from a folder laid out like the repository (build/cli/fundflow = the binary under test,
# docs/examples = the repository's). Then the forms it promises are there: the execution form with the seed's
# figures, the scored sheet, the workbook, the deposit released, the year closed, the chain intact. Also: the
# seed sheet copied into docs/examples is the one in shared/spec/cli.md (skipped without ../shared).
source "$(dirname "$0")/lib.sh"
repo=$here/../..
readme=$repo/README.md
# The section's shell blocks, fences dropped.
awk '/^## First five minutes/ {on=1; next} /^## / {on=0} on && /^```sh/ {code=1; next} on && /^```/ {code=0; next}
     code' "$readme" >"$d/tour.sh"
[[ -s $d/tour.sh ]] || fail "README.md has no \`\`\`sh block under '## First five minutes'"
lines=$(grep -c '^fundflow ' "$d/tour.sh")
((lines >= 10)) || fail "the tour has only $lines fundflow lines"

mkdir -p "$d/repo/build/cli" "$d/repo/docs" "$d/tmp"
ln -s "$bin" "$d/repo/build/cli/fundflow"
ln -s "$repo/docs/examples" "$d/repo/docs/examples"
start=$SECONDS
(cd "$d/repo" && TMPDIR=$d/tmp bash -e -o pipefail "$d/tour.sh") >"$d/out" 2>"$d/err" ||
    fail "the README tour stopped (exit $?) after: $(tail -3 "$d/out" | tr '\n' ' ') — stderr: $(cat "$d/err")"
seconds=$((SECONDS - start))

# What the tour promises.
grep -q '预算执行情况' "$d/out" || fail "no execution form in the tour's output"
grep -qE '全年执行资金 +\(4\) +119\.65' "$d/out" || fail "the form does not show 119.65 executed: $(grep 执行 "$d/out")"
grep -q '绩效自评' "$d/out" || grep -q '总分' "$d/out" || fail "no scored sheet in the tour's output"
ledger=$(find "$d/tmp" -name fundflow.db | head -1)
[[ -n $ledger ]] || fail "the tour left no fundflow.db in its scratch folder"
[[ -s $(dirname "$ledger")/2020.xlsx ]] || fail "the tour's workbook 2020.xlsx was not written"
[[ $(head -c 2 "$(dirname "$ledger")/自评报告.docx" 2>/dev/null) == PK ]] || fail "the tour's 自评报告.docx was not written"
grep -qE '^通过：[0-9]+ 条记录，哈希链完整' "$d/out" || fail "verify did not say the chain is intact (通过：N 条记录，哈希链完整…)"
"$bin" --db "$ledger" --format json balance P001 --by contract --lang en >"$d/bal.json" || fail "balance after the tour"
jq -e '[.rows[] | select(.contract == "C001")] | length >= 1' "$d/bal.json" >/dev/null ||
    fail "contract C001 missing from the balances: $(cat "$d/bal.json")"
"$bin" --db "$ledger" pay P001 --level county --amount 1 --date 2020-12-31 >/dev/null 2>&1 &&
    fail "the tour's close-year did not lock 2020"

# The fixture is the spec's sheet, byte for byte (when the shared folder is there).
spec=$repo/../shared/spec/cli.md
if [[ -r $spec ]]; then
    sed -n '/^一级指标,二级指标/,/^```$/p' "$spec" | sed '$d' | cmp -s - "$repo/docs/examples/indicators-P001-2020.csv" ||
        fail "docs/examples/indicators-P001-2020.csv differs from the sheet in shared/spec/cli.md"
    sheet="fixture = spec's sheet"
else
    sheet="skip: no ../shared, fixture not compared with the spec"
fi
echo "ok readme-tour: $lines commands as written in ${seconds} s; $sheet"
