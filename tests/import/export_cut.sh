#!/usr/bin/env bash
# export and the read cut-offs: cli.md makes --as-of "the effective-date cut-off for every read" and --known-at
# "only entries recorded at or before this instant (what the books said then)". `export --to csv|json|ledger|
# hledger|beancount` must honour them — or refuse them (exit 2) — never silently export everything (an auditor
# exporting "the books as they were at T" would get today's books). xlsx honours them already.
#
#   bash export_cut.sh PATH/TO/fundflow
source "$(dirname "$0")/lib.sh"
problems=0
problem() { echo "  problem: $*"; problems=$((problems + 1)); }

printf 'kind,date,project,level,amount,ref,name\nproject,2021-01-02,P1,,,,x\nappropriation,2021-01-10,P1,county,1000,A1,\narrival,2021-02-01,P1,county,800,A2,\n' \
    >"$d/first.csv"
printf 'kind,date,project,level,amount,ref,name\npayment,2021-03-01,P1,county,100,A3,\npayment,2021-09-01,P1,county,200,A4,\n' \
    >"$d/second.csv"
F init >/dev/null && F import "$d/first.csv" >/dev/null || fail "first import"
known_at=$(F log --format json | jq -r '.entries[-1].recorded_at')
sleep 0.01
F import "$d/second.csv" >/dev/null || fail "second import"
[[ $(F log --known-at "$known_at" --format json | jq '.entries | length') == 3 ]] || fail "log --known-at is not 3 entries"

# Under each cut the export must leave out what the cut leaves out (or refuse the option, exit 2).
for to in csv json ledger beancount; do
    for cut in "--known-at $known_at|A3 A4|3" "--as-of 2021-06-30|A4|4"; do
        IFS='|' read -r option gone want <<<"$cut"
        # shellcheck disable=SC2086
        F export --to $to $option >"$d/out" 2>"$d/err"; rc=$?
        if [[ $rc == 2 ]]; then continue; fi  # refused: fine
        [[ $rc == 0 ]] || { problem "export --to $to $option exited $rc: $(cat "$d/err")"; continue; }
        if [[ $to == json ]]; then
            n=$(jq '.entries | length' "$d/out")
            [[ $n == "$want" ]] || problem "export --to json $option (exit 0) has $n entries, want $want"
        else
            for ref in $gone; do
                grep -q "$ref" "$d/out" && problem "export --to $to $option (exit 0) contains $ref, which the cut leaves out"
            done
        fi
    done
done
if ((problems)); then
    echo "repro: fundflow import (3 rows); fundflow import (2 payments); fundflow export --to csv --known-at <after the first>"
    fail "$problems exports ignored --as-of/--known-at (cli.md: the cut-off of every read)"
fi
echo "ok export-cut: export honours or refuses --as-of and --known-at ($(elapsed))"
