#!/usr/bin/env bash
# reliability.md C5: processes racing to spend the last funds of a level never overdraw it.
#
#   bash c5_last_funds.sh FUNDFLOW [RACES=1000] [--racers=4] [--seed N] [--dir DIR]
#
# CI figure: reliability.md's 1,000 races (one race costs 4 racing payments, a balance and a top-up); more to
# soak (tests/reliability/soak.sh).
# Each race: the free balance of county funds on project P1 is exactly 100.00; RACERS processes, released
# together from a lock, each pay a random amount between 50.01 and 100.00 (so any two together overdraw:
# at most one may win, and the first to get the write lock always can). Pass, for every race:
#   - exactly one racer exits 0, every other exits 3 (refused by a ledger rule) with one 'fundflow: ' line;
#   - `balance --format json` then shows free_balance_fen = 10000 − the winner's amount, never below 0;
# then an arrival tops the free balance up to 100.00 again for the next race. At the end `verify` is ok and the
# entry count is exactly setup + 2 per race.
#
# Can this harness fail? The balance is checked after every race against the harness's own arithmetic, and
# the exit codes are counted, so an overdraft, a second winner, a payment written by a process that was told
# it failed, or a lost payment all fail the race. Proof, run each time after the races:
#   - self-test: a copy of the ledger whose last payment is raised (triggers off) so that the level is 60.00
#     overdrawn must be reported as an overdraft by the same check;
# and the CTest test reliability/C5-can-fail runs the races against a fundflow that posts each payment as
# two halves in two transactions (a check-then-act split: a racer can spend half and then lose), which must fail.
test_id=C5
source "$(dirname "$0")/lib.sh"
races=${count:-1000}
racers=4
for a in "${args[@]}"; do
    case $a in
    --racers=*) racers=${a#*=} ;;
    *) fail "unknown option '$a'" ;;
    esac
done
((racers >= 2)) || fail "--racers must be at least 2"
as_of=2024-12-31

F init >/dev/null &&
    F project add P1 --name "C5 最后一笔" --date 2024-01-02 >/dev/null &&
    F appropriate P1 --level county --amount 100000000 --date 2024-01-03 >/dev/null &&
    F arrive P1 --level county --amount 100.00 --date 2024-01-05 >/dev/null ||
    fail "setup"
setup_entries=3

# free_fen LEDGER → the free balance of P1's county funds in fen (the balance row of that level).
free_fen() {
    "$bin" --db "$1" balance P1 --format json --as-of "$as_of" |
        jq -e '[.rows[] | select(.project == "P1" and .level == "county")] | if length == 1 then .[0].free_balance_fen else error("rows") end'
}
# check_free LEDGER WANT: problem text (and status 1) if the free balance is negative or not WANT.
check_free() {
    local got
    got=$(free_fen "$1") || { echo "balance failed or has no single county row"; return 1; }
    if ((got < 0)); then
        echo "overdraft: free balance $got fen"
        return 1
    elif ((got != $2)); then
        echo "free balance $got fen, want $2"
        return 1
    fi
}

racer() { # RACE R AMOUNT
    exec 9<"$d/gate" && flock -s 9 && exec 9<&-
    "$bin" --db "$db" pay P1 --level county --amount "$3" --date 2024-06-01 --memo "race $1 racer $2" \
        >"$d/out.$2" 2>"$d/err.$2"
    echo $? >"$d/rc.$2"
}
: >"$d/gate"
start=$(now_ms)
for ((race = 0; race < races; race++)); do
    exec 8>"$d/gate"
    flock -x 8
    amounts=()
    pids=()
    for ((r = 0; r < racers; r++)); do
        amounts[r]=$((5001 + (RANDOM * 32768 + RANDOM) % 5000)) # 50.01 … 100.00
        rm -f "$d/rc.$r"
        racer "$race" "$r" "$(yuan "${amounts[r]}")" &
        pids+=($!)
    done
    sleep 0.01 # let them reach the gate
    flock -u 8
    exec 8>&-
    for p in "${pids[@]}"; do wait "$p"; done
    winners=0
    spent=0
    for ((r = 0; r < racers; r++)); do
        rc=$(cat "$d/rc.$r" 2>/dev/null)
        case $rc in
        0) winners=$((winners + 1)); spent=$((spent + amounts[r])) ;;
        3) one_line_error "$d/err.$r" || fail "race $race: racer $r's refusal is not one 'fundflow: ' line: $(head -c 300 "$d/err.$r")" ;;
        *) fail "race $race: racer $r exited '${rc}' (want 0 or 3): $(head -c 300 "$d/err.$r")" ;;
        esac
    done
    if ! problem=$(check_free "$db" $((10000 - spent))); then
        fail "race $race ($racers racers, amounts ${amounts[*]} fen, $winners exited 0): $problem"
    fi
    ((winners == 1)) || fail "race $race: $winners racers exited 0 (amounts ${amounts[*]} fen), want exactly 1"
    F arrive P1 --level county --amount "$(yuan "$spent")" --date 2024-01-05 >/dev/null || fail "race $race: the top-up"
done
races_s=$(seconds_since "$start")
"$bin" --db "$db" verify >/dev/null 2>"$d/v.err" || fail "verify: $(head -c 200 "$d/v.err")"
n=$("$bin" --db "$db" digest --format json | jq .entries)
((n == setup_entries + 2 * races)) || fail "$n entries, want $((setup_entries + 2 * races))"
check_free "$db" 10000 >/dev/null || fail "the free balance is not 100.00 after the last top-up"

# Self-test: an overdraft must be seen by the same check.
copy_ledger "$db" "$d/over.db"
tamper "$d/over.db" "UPDATE entries SET amount_fen = amount_fen + 16000 WHERE id = (SELECT max(id) FROM entries WHERE kind = 'payment');
    $(rebuild_totals_sql "$d/over.db")"
problem=$(check_free "$d/over.db" 10000) && fail "self-test: a 60.00 overdraft was not noticed by the balance check"
[[ $problem == overdraft* ]] || fail "self-test: the overdraft was reported as '$problem'"

echo "$test_id: $races races of $racers processes for the last 100.00 in ${races_s} s on $(fs_type): $races × exactly one winner, $((races * (racers - 1))) refusals (exit 3), 0 overdrafts, free balance exact after every race, verify ok; self-test: a 60.00 overdraft caught"
