#!/usr/bin/env bash
# Issue 11 (part 3), C6: one snapshot per read. Reads run beside writers never raise a false alarm and never
# print a mixed state.
#
#   bash c6_read_snapshot.sh FUNDFLOW [READS=3000] [--seconds=50] [--seed N] [--dir DIR]
#
# CI figure: 3,000 reads (a third each `verify`, `report execution`, `balance`), or as many as fit in
# --seconds (default 50: the test stays under a minute), whichever comes first; at least 60 must have run
# (a machine shared with other builds manages ~2 reads a second; an idle one, dozens).
# More to soak (tests/reliability/soak.sh gives a larger count; pass a larger --seconds=).
#
# Two writers run the whole time, each a loop of separate fundflow processes:
#   - registrations: `project add Qi`, `contract add Qi --contract Ki`, `contract add P1 --contract Ci`
#     (a registration committed between two statements of one `verify` was its false alarm, issue 11:
#     "contract 'C4' has no entry that registered it");
#   - imports: a 4-row file, one transaction: on P1's county level an appropriation of X (2023-02-10) and its
#     arrival (2023-02-20), an appropriation of X dated 2024-01-15 and its arrival dated 2024-06-10.
# So every committed state satisfies, for P1 in 2024 as of 2024-06-20:
#     county full-year budget (January: read from the month totals)
#   = county arrived          (June 10: read from the day totals, another statement)
#   = carryover budget = carryover arrived   (what 2023 left: the sums before 2024, another read again)
# and in `balance --as-of 2024-06-20`: county arrived = carryover arrived (likewise from different reads).
# Pass: every `verify` exits 0; every report and balance exits 0 and satisfies those equations (a report made
# of two states would not, unless both states had the same X); the writers' processes all exit 0; at the end
# `verify` is ok and P1's figures equal the sum of the X the harness imported.
#
# Can this harness fail? On the code before issue 11 (commit b1feacd) it does: `verify` raised false alarms
# beside the registrations (docs/reliability.md has the count). The CTest test reliability/C6-can-fail runs it
# against a fundflow whose report and balance are put together from two reads (can_fail.sh 'split-read'), a
# mixed state, which must fail.
test_id=C6
source "$(dirname "$0")/lib.sh"
reads=${count:-3000}
seconds=50
for a in "${args[@]}"; do
    case $a in
    --seconds=*) seconds=${a#*=} ;;
    *) fail "unknown option '$a'" ;;
    esac
done
[[ $seconds =~ ^[0-9]+$ ]] || fail "--seconds must be a number"
as_of=2024-06-20

F init >/dev/null &&
    F project add P1 --name "C6 快照" --date 2023-01-02 >/dev/null ||
    fail "setup"

# The writers stop when $d/stop exists; each counts its processes and failures in its own files.
registrations() {
    local i=0 rc
    while [[ ! -e $d/stop ]]; do
        i=$((i + 1))
        for cmd in "project add Q$i --name Q$i --date 2023-01-03" \
                   "contract add Q$i --contract K$i --supplier S$i --amount 1000 --date 2023-01-03" \
                   "contract add P1 --contract C$i --supplier S$i --amount 1000 --date 2023-01-03"; do
            # shellcheck disable=SC2086
            "$bin" --db "$db" --user registrar $cmd >/dev/null 2>>"$d/registrar.err"
            rc=$?
            echo "$rc" >>"$d/registrar.rc"
        done
    done
}
imports() {
    local i=0 x rc
    while [[ ! -e $d/stop ]]; do
        i=$((i + 1))
        x=$((100 + RANDOM % 100000))
        {
            echo "kind,date,project,level,amount,memo"
            echo "appropriation,2023-02-10,P1,county,$(yuan "$x"),c6 $i"
            echo "arrival,2023-02-20,P1,county,$(yuan "$x"),c6 $i"
            echo "appropriation,2024-01-15,P1,county,$(yuan "$x"),c6 $i"
            echo "arrival,2024-06-10,P1,county,$(yuan "$x"),c6 $i"
        } >"$d/import.csv"
        "$bin" --db "$db" --user importer import "$d/import.csv" >/dev/null 2>>"$d/importer.err"
        rc=$?
        echo "$rc" >>"$d/importer.rc"
        ((rc == 0)) && echo "$x" >>"$d/imported"
    done
}
: >"$d/registrar.rc"
: >"$d/importer.rc"
: >"$d/imported"
registrations &
writer_a=$!
imports &
writer_b=$!

# report_problem FILE: empty when the report's JSON satisfies the equations, else what is wrong.
report_problem() {
    jq -r '.columns.county as $c | .columns.carryover as $k
        | if $c == null or $k == null then "no county or carryover figures"
          elif ($c.full_year_budget_fen == $c.arrived_fen and $c.arrived_fen == $k.full_year_budget_fen
                and $k.full_year_budget_fen == $k.arrived_fen) then empty
          else "county budget \($c.full_year_budget_fen), arrived \($c.arrived_fen); carryover budget \($k.full_year_budget_fen), arrived \($k.arrived_fen) fen" end' "$1" 2>&1
}
balance_problem() {
    jq -r '[.rows[] | select(.project == "P1" and .level == "county")][0] as $c
        | [.rows[] | select(.project == "P1" and .level == "carryover")][0] as $k
        | if $c == null or $k == null then "no county or carryover row for P1"
          elif $c.arrived_fen == $k.arrived_fen then empty
          else "county arrived \($c.arrived_fen), carryover arrived \($k.arrived_fen) fen" end' "$1" 2>&1
}

false_alarms=0
mixed=0
other=0
first_problem=
note() { [[ -n $first_problem ]] || first_problem="$1"; }
done_reads=0
verifies=0
reports=0
balances=0
start=$(now_ms)
deadline=$((start + seconds * 1000))
# Wait for the first import, so that P1 has both levels to compare.
while [[ ! -s $d/imported ]] && (($(now_ms) < deadline)); do sleep 0.05; done
while ((done_reads < reads)) && (($(now_ms) < deadline)); do
    case $((done_reads % 3)) in
    0)
        verifies=$((verifies + 1))
        "$bin" --db "$db" verify >"$d/out" 2>"$d/err"
        rc=$?
        if ((rc != 0)); then
            false_alarms=$((false_alarms + 1))
            note "verify exited $rc: $(head -c 200 "$d/err")"
        fi
        ;;
    1)
        reports=$((reports + 1))
        "$bin" --db "$db" report execution P1 --year 2024 --as-of "$as_of" --format json >"$d/out" 2>"$d/err"
        rc=$?
        if ((rc != 0)); then
            other=$((other + 1))
            note "report execution exited $rc: $(head -c 200 "$d/err")"
        elif problem=$(report_problem "$d/out") && [[ -n $problem ]]; then
            mixed=$((mixed + 1))
            note "report execution printed a mixed state: $problem"
        fi
        ;;
    2)
        balances=$((balances + 1))
        "$bin" --db "$db" balance --as-of "$as_of" --format json >"$d/out" 2>"$d/err"
        rc=$?
        if ((rc != 0)); then
            other=$((other + 1))
            note "balance exited $rc: $(head -c 200 "$d/err")"
        elif problem=$(balance_problem "$d/out") && [[ -n $problem ]]; then
            mixed=$((mixed + 1))
            note "balance printed a mixed state: $problem"
        fi
        ;;
    esac
    done_reads=$((done_reads + 1))
done
reads_s=$(seconds_since "$start")
touch "$d/stop"
wait "$writer_a" "$writer_b"

imports_done=$(wc -l <"$d/imported")
registrar_runs=$(wc -l <"$d/registrar.rc")
importer_runs=$(wc -l <"$d/importer.rc")
bad_writes=$(grep -cv '^0$' "$d/registrar.rc" "$d/importer.rc" | awk -F: '{ s += $2 } END { print s + 0 }')
((false_alarms == 0 && mixed == 0 && other == 0)) ||
    fail "$false_alarms false alarms of verify, $mixed mixed-state reports, $other other failures in $done_reads reads ($verifies verify, $reports report, $balances balance) beside $imports_done imports and $registrar_runs registrations; first: $first_problem"
((bad_writes == 0)) || fail "$bad_writes writer processes failed: $(head -c 300 "$d/registrar.err" "$d/importer.err")"
((done_reads >= 60)) || fail "only $done_reads reads ran in $seconds s (want at least 60): the machine is too slow for the figure"
((imports_done > 0 && registrar_runs > 0)) || fail "the writers wrote nothing ($imports_done imports, $registrar_runs registrations)"

# The end state: verify ok, and P1's figures are exactly what the harness imported.
"$bin" --db "$db" verify >/dev/null 2>"$d/v.err" || fail "verify at the end: $(head -c 200 "$d/v.err")"
want=$(awk '{ s += $1 } END { print s + 0 }' "$d/imported")
"$bin" --db "$db" report execution P1 --year 2024 --as-of "$as_of" --format json >"$d/out" || fail "the final report"
got=$(jq '.columns.county.arrived_fen' "$d/out")
((got == want)) || fail "P1's county arrived is $got fen at the end, want $want (the sum of the imports)"

echo "$test_id: $done_reads reads in ${reads_s} s on $(fs_type) ($verifies verify, $reports report execution, $balances balance) beside $imports_done atomic 4-row imports and $registrar_runs registrations by 2 writers: 0 false alarms, 0 mixed-state reports, 0 failed writes; end state exact"
