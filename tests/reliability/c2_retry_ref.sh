#!/usr/bin/env bash
# reliability.md C2: retrying a posting with the same voucher ref (--ref) is exactly-once.
#
#   bash c2_retry_ref.sh FUNDFLOW [RETRIES=1000] [--conflicts=200] [--crashes=200] [--workers=4] [--seed N] [--dir DIR]
#
#   a. after success: one `pay … --ref C2-A` succeeds, then RETRIES identical retries run from WORKERS processes
#      at once. Each must exit 0 and show the first entry ("created": false, same id and hash); at the end
#      exactly one entry has the ref, and the head (digest) is what it was after the first posting.
#   b. with different content: CONFLICTS retries of that ref, each changing one thing (amount, date, level,
#      memo, kind, contract) must each exit 3 with one 'fundflow: ' line naming the voucher, and write nothing
#      (digest unchanged after all of them).
#   c. after a crash: CRASHES times, a new ref is posted under `timeout -s KILL` of a random few milliseconds
#      (0 to 1.5 × the measured time of one posting, so that the kill lands before, during and after COMMIT),
#      then the very same command is run again without a timeout: it must exit 0, and in the end every
#      ref is on file exactly once — never zero (the retry was acknowledged), never two.
#   Finally `verify` is ok and the entry count is exactly setup + 1 + 5 (timing postings) + CRASHES.
#
# Can this harness fail? A fundflow that ignores --ref (the ref not stored or not looked up) posts every retry
# again: (a) sees RETRIES extra entries and 'created': true, (b) sees exit 0 and new entries, (c) two entries
# per ref whenever the first run got to COMMIT. The CTest test reliability/C2-can-fail runs this test against a
# wrapper that drops --ref and expects it to fail. The counts come from `log --format json`, not from what the
# commands printed, so a fundflow that printed 'already posted' but wrote anyway is caught as well. Self-test,
# run each time: the exactly-once check of (c) is given the final log with one ref doubled, and with one ref
# removed, and must flag both (the can-fail run stops at (a) before (c) is reached).
test_id=C2
source "$(dirname "$0")/lib.sh"
retries=${count:-1000}
conflicts=200
crashes=200
workers=4
for a in "${args[@]}"; do
    case $a in
    --conflicts=*) conflicts=${a#*=} ;;
    --crashes=*) crashes=${a#*=} ;;
    --workers=*) workers=${a#*=} ;;
    *) fail "unknown option '$a'" ;;
    esac
done
((crashes >= 2 && workers >= 1)) || fail "--crashes must be at least 2 (the self-test needs two refs), --workers at least 1"

F init >/dev/null &&
    F project add P1 --name "C2 重试" --date 2024-01-02 >/dev/null &&
    F contract add P1 --contract K1 --supplier "供应商甲" --amount 500000 --date 2024-01-03 >/dev/null &&
    F appropriate P1 --level county --amount 10000000 --date 2024-01-03 >/dev/null &&
    F arrive P1 --level county --amount 10000000 --date 2024-01-05 >/dev/null &&
    F appropriate P1 --level provincial --amount 10000 --date 2024-01-03 >/dev/null &&
    F arrive P1 --level provincial --amount 10000 --date 2024-01-05 >/dev/null ||
    fail "setup"
setup_entries=6
refs_on_file() { # LEDGER REF → how many entries carry the ref
    "$bin" --db "$1" log --format json | jq --arg r "$2" '[.entries[] | select(.ref == $r)] | length'
}
digest() { "$bin" --db "$db" digest; }

# a. after success -------------------------------------------------------------------------------------------
pay_a=(pay P1 --level county --amount 1234.56 --date 2024-05-06 --contract K1 --ref C2-A --memo "第一次付款")
F --format json "${pay_a[@]}" >"$d/a.first" || fail "(a) the first posting failed"
first=$(jq -c '.entry | [.id, .hash]' "$d/a.first")
[[ $(jq .created "$d/a.first") == true ]] || fail "(a) the first posting did not say created: true"
head_a=$(digest)
start=$(now_ms)
retry_worker() {
    local w=$1 i
    for ((i = w; i < retries; i += workers)); do
        "$bin" --db "$db" --format json "${pay_a[@]}" >>"$d/a.out.$w" 2>>"$d/a.err.$w"
        echo $? >>"$d/a.rc.$w"
    done
}
pids=()
for ((w = 0; w < workers; w++)); do retry_worker "$w" & pids+=($!); done
for p in "${pids[@]}"; do wait "$p"; done
a_s=$(seconds_since "$start")
n=$(cat "$d"/a.rc.* | wc -l)
((n == retries)) || fail "(a) $n retries recorded, want $retries"
bad=$(cat "$d"/a.rc.* | grep -cv '^0$')
((bad == 0)) || fail "(a) $bad of $retries retries exited non-zero; first: $(cat "$d"/a.err.* | head -n 1)"
out=$(jq -s -r --argjson first "$first" \
    '[.[] | select(.created != false or ([.entry.id, .entry.hash] != $first))] | length' "$d"/a.out.*)
((out == 0)) || fail "(a) $out of $retries retries did not show the first entry with created: false"
n=$(refs_on_file "$db" C2-A)
((n == 1)) || fail "(a) $n entries carry ref C2-A after $retries retries, want exactly 1"
[[ $(digest) == "$head_a" ]] || fail "(a) the head moved during the retries: $(digest), was $head_a"

# b. with different content ----------------------------------------------------------------------------------
start=$(now_ms)
variants=(
    'pay P1 --level county --amount 1234.57 --date 2024-05-06 --contract K1 --ref C2-A --memo 第一次付款'
    'pay P1 --level county --amount 1234.56 --date 2024-05-07 --contract K1 --ref C2-A --memo 第一次付款'
    'pay P1 --level provincial --amount 1234.56 --date 2024-05-06 --contract K1 --ref C2-A --memo 第一次付款'
    'pay P1 --level county --amount 1234.56 --date 2024-05-06 --contract K1 --ref C2-A --memo 第二次付款'
    'pay P1 --level county --amount 1234.56 --date 2024-05-06 --ref C2-A --memo 第一次付款'
    'arrive P1 --level county --amount 1234.56 --date 2024-05-06 --ref C2-A --memo 第一次付款'
    'refund P1 --level county --amount 1234.56 --date 2024-05-06 --ref C2-A --contract K1 --memo 第一次付款'
)
bad=0
for ((i = 0; i < conflicts; i++)); do
    v=${variants[$((i % ${#variants[@]}))]}
    if ((i >= ${#variants[@]})); then # beyond the fixed ones: a random other amount
        v="pay P1 --level county --amount $(yuan $((123456 + 1 + RANDOM))) --date 2024-05-06 --contract K1 --ref C2-A --memo 第一次付款"
    fi
    # shellcheck disable=SC2086 # $v is a list of words without spaces in any one
    F $v >"$d/b.out" 2>"$d/b.err"
    rc=$?
    if ((rc != 3)); then
        fail "(b) a retry with different content exited $rc, want 3: fundflow $v → $(head -c 200 "$d/b.err")"
    elif ! one_line_error "$d/b.err" || ! grep -q 'C2-A' "$d/b.err"; then
        fail "(b) not one 'fundflow: ' line naming the voucher: $(head -c 300 "$d/b.err")"
    fi
done
b_s=$(seconds_since "$start")
[[ $(digest) == "$head_a" ]] || fail "(b) the head moved: $(digest), was $head_a"
n=$(refs_on_file "$db" C2-A)
((n == 1)) || fail "(b) $n entries carry ref C2-A, want exactly 1"

# c. after a crash --------------------------------------------------------------------------------------------
pay_c() { # REF [timeout args…]: the posting of part c, with its own ref and a fixed content
    local ref=$1; shift
    "$@" "$bin" --db "$db" --format json pay P1 --level county --amount 10.01 --date 2024-06-01 --ref "$ref" --memo "重试 $ref"
}
# One posting's time, to aim the kills: the median of 5.
times=()
for i in 1 2 3 4 5; do
    t0=$(date +%s%N)
    pay_c "C2-T$i" >/dev/null || fail "(c) a timing posting failed"
    times+=($((($(date +%s%N) - t0) / 1000)))
done
post_us=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
window_us=$((post_us * 3 / 2))
start=$(now_ms)
killed=0 finished=0 created_by_retry=0 found_by_retry=0
for ((j = 0; j < crashes; j++)); do
    delay_us=$(((RANDOM * 32768 + RANDOM) % window_us))
    pay_c "C2-K$j" timeout -s KILL "$(printf '%d.%06d' $((delay_us / 1000000)) $((delay_us % 1000000)))" >/dev/null 2>"$d/c.err"
    rc=$?
    case $rc in
    137) killed=$((killed + 1)) ;;
    0) finished=$((finished + 1)) ;;
    *) fail "(c) the posting under timeout exited $rc (not 0 or 137): $(head -c 200 "$d/c.err")" ;;
    esac
    pay_c "C2-K$j" >"$d/c.out" 2>"$d/c.err" || fail "(c) the retry of C2-K$j exited $?: $(head -c 200 "$d/c.err")"
    case $(jq .created "$d/c.out") in
    true) created_by_retry=$((created_by_retry + 1)) ;;
    false) found_by_retry=$((found_by_retry + 1)) ;;
    *) fail "(c) the retry of C2-K$j printed no entry: $(head -c 200 "$d/c.out")" ;;
    esac
done
c_s=$(seconds_since "$start")
# refs_not_once LOG_JSON → "COUNT [FIRST REFS]" of the refs C2-K0 … C2-K<CRASHES-1> not on file exactly once.
refs_not_once() {
    jq -r --argjson n "$crashes" '
        [.entries[] | .ref | select(. != null and startswith("C2-K"))] as $refs
        | [range(0; $n) | "C2-K\(.)" as $r | select(([$refs[] | select(. == $r)] | length) != 1) | $r]
        | "\(length) \(.[:5])"' "$1"
}
"$bin" --db "$db" log --format json >"$d/c.log"
out=$(refs_not_once "$d/c.log")
[[ $out == 0* ]] || fail "(c) refs not on file exactly once (count, first): $out"
# Self-test of that check: a log where one ref is posted twice, and one where a ref is missing.
jq '.entries += [.entries[] | select(.ref == "C2-K0")]' "$d/c.log" >"$d/c.twice.log"
jq 'del(.entries[] | select(.ref == "C2-K1"))' "$d/c.log" >"$d/c.lost.log"
[[ $(refs_not_once "$d/c.twice.log") == 1* && $(refs_not_once "$d/c.lost.log") == 1* ]] ||
    fail "self-test: the exactly-once check misses a ref posted twice or lost"
killed_after_commit=$((found_by_retry - finished))

"$bin" --db "$db" verify >/dev/null 2>"$d/v.err" || fail "verify: $(head -c 200 "$d/v.err")"
n=$("$bin" --db "$db" digest --format json | jq .entries)
want=$((setup_entries + 1 + 5 + crashes))
((n == want)) || fail "$n entries at the end, want $want"

echo "$test_id: $retries retries after success by $workers processes (${a_s} s) → 1 entry; $conflicts retries with different content → $conflicts × exit 3, nothing written (${b_s} s); $crashes kill -9 within 0–$((window_us / 1000)) ms of a ${post_us} µs posting (${c_s} s): $((killed - killed_after_commit)) killed before COMMIT, $killed_after_commit after, $finished finished; every retry exit 0, each ref exactly once, verify ok; self-test: a doubled and a lost ref caught"
