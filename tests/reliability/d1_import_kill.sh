#!/usr/bin/env bash
# reliability.md D1: kill -9 at random moments during `fundflow import` of a 5,000-row file, then `verify`.
#
#   bash d1_import_kill.sh FUNDFLOW [CYCLES=200] [--rows=5000] [--ack-every=4] [--seed N] [--dir DIR]
#
# CI figure: reliability.md's 200 cycles; more to soak (tests/reliability/soak.sh).
# The file: one project (P1), its appropriation and arrival, then payments with unique voucher refs — ROWS rows,
# each an entry. The ledger it goes into already holds 5 entries of another project (P0), whose digest is
# kept. The time of one whole import is measured first (the median of 3, each checked like a cycle); then, each
# cycle, a fresh copy of that ledger is given `fundflow import FILE`, killed with SIGKILL:
#   - at a random moment: `timeout -s KILL T` with T random in 0 … 1.5 × that time (so the kill lands while
#     reading the file, while checking, inside the transaction, around COMMIT, and some imports finish);
#   - every ACK-EVERY-th cycle, the moment its acknowledgement appears: the harness reads the import's stdout
#     through a pipe and sends SIGKILL as soon as the summary's first line arrives (a crash right after the
#     acknowledgement, the moment that loses acknowledged rows when they are acknowledged before COMMIT).
# An import counts as acknowledged when it exited 0 or printed its summary on stdout. Pass, every cycle:
#   - the import exited 0 or was killed (137), nothing else;
#   - `verify --digest <the base's digest>` exits 0: the chain is intact and still extends the 5 entries
#     that were there before (none lost or changed by the crash);
#   - the ledger holds the base plus either none or all of the file's rows (the import is one transaction:
#     0 partial imports), and all of them if the import was acknowledged (0 acknowledged rows lost).
# After the loop, the last cycle's ledger is imported into once more without a kill: exactly ROWS entries of
# P1, each voucher ref once, and `balance` gives exactly the arrived and executed fen of the file. That import
# gives --again: the last cycle may have committed the whole file, and a file imported before is refused
# without it (a kill before COMMIT leaves no record of the load, so then it is a first import all the same).
#
# Can this harness fail? The CTest tests reliability/D1-can-fail-* run it against broken programs and expect
# it to fail for the right reason:
#   D1-can-fail-ack      the test-only build fundflow-ack-before-commit (cli/CMakeLists.txt), whose import
#                        prints its summary and flushes stdout once every row is posted, before COMMIT: a kill
#                        after the acknowledgement loses acknowledged rows;
#   D1-can-fail-chunked  a wrapper that imports the file in chunks of 500 rows, one transaction each (a
#                        non-atomic import): a kill between chunks leaves a partial import.
test_id=D1
source "$(dirname "$0")/lib.sh"
cycles=${count:-200}
rows=5000
ack_every=4
for a in "${args[@]}"; do
    case $a in
    --rows=*) rows=${a#*=} ;;
    --ack-every=*) ack_every=${a#*=} ;;
    *) fail "unknown option '$a'" ;;
    esac
done
((rows >= 4)) || fail "--rows must be at least 4"
[[ $ack_every =~ ^[0-9]+$ ]] || fail "--ack-every must be a number (0: never)"
as_of=2024-12-31

# The base ledger: 5 entries of P0.
base=$d/base.db
"$bin" --db "$base" init >/dev/null &&
    "$bin" --db "$base" project add P0 --name "既有项目" --date 2024-01-02 >/dev/null &&
    "$bin" --db "$base" appropriate P0 --level county --amount 1000000 --date 2024-01-03 >/dev/null &&
    "$bin" --db "$base" arrive P0 --level county --amount 1000000 --date 2024-01-04 >/dev/null &&
    "$bin" --db "$base" pay P0 --level county --amount 1234.56 --date 2024-02-01 --ref P0-1 >/dev/null &&
    "$bin" --db "$base" pay P0 --level county --amount 99.99 --date 2024-02-02 --ref P0-2 >/dev/null ||
    fail "building the base ledger"
sqlite3 "$base" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null && rm -f "$base-wal" "$base-shm"
base_digest=$("$bin" --db "$base" digest) || fail "digest of the base"
base_entries=${base_digest%%:*}
((base_entries == 5)) || fail "the base has $base_entries entries, want 5"
full=$((base_entries + rows))

# The file, and what it should add up to.
file=$d/import.csv
want_arrived=1000000000
{
    echo "kind,date,project,level,amount,ref,memo,name"
    echo "project,2024-01-02,P1,,,,,D1 导入项目"
    echo "appropriation,2024-01-03,P1,county,10000000.00,D1-A,年初预算,"
    echo "arrival,2024-01-05,P1,county,10000000.00,D1-R,资金到位,"
    awk -v n=$((rows - 3)) 'BEGIN {
        for (i = 1; i <= n; i++) {
            fen = 100 + (i * 7919) % 100000; sum += fen
            printf "payment,2024-%02d-%02d,P1,county,%d.%02d,D1-P%d,\"付款 %d, 第%d笔\",\n", 2 + i % 10, 1 + i % 28, int(fen / 100), fen % 100, i, i, i
        }
        printf "%d\n", sum > "/dev/stderr"
    }' 2>"$d/want_executed"
} >"$file"
want_executed=$(cat "$d/want_executed")
[[ $(wc -l <"$file") == $((rows + 1)) && $want_executed =~ ^[0-9]+$ ]] || fail "writing the import file"

work=$d/work.db
fresh() { cp "$base" "$work" && rm -f "$work-wal" "$work-shm"; }
# check_cycle RC [ACK]: the checks of one cycle on $work after an import that exited RC (ACK 1: it printed its
# summary); prints the state ('none' or 'all'), or a problem and status 1.
check_cycle() {
    local rc=$1 ack=${2:-0} n
    if ! "$bin" --db "$work" verify --digest "$base_digest" --format json >"$d/v.out" 2>"$d/v.err"; then
        echo "verify --digest of the base failed after the import exited $rc: $(head -c 200 "$d/v.err")"
        return 1
    fi
    n=$(jq -r 'select(.ok == true) | .entries' "$d/v.out" 2>/dev/null)  # (JSON: the count whatever the language)
    if [[ -z $n ]]; then
        echo "verify printed no entry count: $(head -c 200 "$d/v.out")"
        return 1
    elif ((n != base_entries && n != full)); then
        echo "partial import: $n entries, want $base_entries or $full"
        return 1
    elif ((rc == 0 && n != full)); then
        echo "the import exited 0 but the ledger holds $n entries, want $full (acknowledged rows lost)"
        return 1
    elif ((ack && n != full)); then
        echo "the import printed its summary (then exited $rc) but the ledger holds $n entries, want $full (acknowledged rows lost)"
        return 1
    elif ((n == base_entries)); then
        echo none
    else
        echo all
    fi
}

# One whole import's time: the median of 3.
times=()
for _ in 1 2 3; do
    fresh
    t0=$(date +%s%N)
    "$bin" --db "$work" import "$file" >/dev/null 2>"$d/import.err" || fail "a whole import failed: $(head -c 300 "$d/import.err")"
    times+=($((($(date +%s%N) - t0) / 1000)))
    state=$(check_cycle 0) || fail "after a whole import: $state"
done
import_us=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
window_us=$((import_us * 3 / 2))

none=0 all=0 finished=0 acked=0 ack_kills=0
mkfifo "$d/ack" || fail "mkfifo"
start=$(now_ms)
for ((c = 0; c < cycles; c++)); do
    fresh
    if ((ack_every > 0 && c % ack_every == ack_every - 1)); then
        # Killed the moment the acknowledgement appears on stdout.
        what="killed as its summary appeared"
        ack_kills=$((ack_kills + 1))
        "$bin" --db "$work" import "$file" >"$d/ack" 2>"$d/import.err" &
        pid=$!
        if IFS= read -r line <"$d/ack"; then
            kill -9 "$pid" 2>/dev/null
            printf '%s\n' "$line" >"$d/import.out"
        else
            : >"$d/import.out"
        fi
        wait "$pid" 2>/dev/null # (without bash's own 'Killed' notice)
        rc=$?
    else
        delay_us=$(((RANDOM * 32768 + RANDOM) % window_us))
        what="killed after $((delay_us / 1000)) ms"
        { # (the braces take bash's own 'Killed' notice to the same file)
            timeout -s KILL "$(printf '%d.%06d' $((delay_us / 1000000)) $((delay_us % 1000000)))" \
                "$bin" --db "$work" import "$file" >"$d/import.out"
        } 2>"$d/import.err"
        rc=$?
    fi
    ((rc == 0 || rc == 137)) || fail "cycle $c ($what): the import exited $rc (not 0 or 137): $(head -c 300 "$d/import.err")"
    ack=0
    [[ -s $d/import.out ]] && ack=1
    ((rc == 0)) && finished=$((finished + 1))
    ((rc != 0 && ack)) && acked=$((acked + 1))
    state=$(check_cycle "$rc" "$ack") || fail "cycle $c ($what, exit $rc): $state"
    case $state in none) none=$((none + 1)) ;; all) all=$((all + 1)) ;; esac
done
cycles_s=$(seconds_since "$start")

# Re-import once into the last cycle's ledger (whichever state it left: --again, see above).
"$bin" --db "$work" import "$file" --again >/dev/null 2>"$d/import.err" || fail "the re-import failed: $(head -c 300 "$d/import.err")"
state=$(check_cycle 0) || fail "after the re-import: $state"
out=$("$bin" --db "$work" log P1 --format json | jq -r '"\(.entries | length) \([.entries[].ref | select(. != null)] | unique | length)"')
[[ $out == "$rows $((rows - 1))" ]] || fail "after the re-import, P1 has (entries, distinct refs) '$out', want '$rows $((rows - 1))'"
out=$("$bin" --db "$work" balance P1 --format json --as-of "$as_of" |
    jq -r '[.rows[] | select(.project == "P1" and .level == "county") | "\(.arrived_fen) \(.executed_fen)"] | join(",")')
[[ $out == "$want_arrived $want_executed" ]] || fail "after the re-import, P1 county arrived/executed fen '$out', want '$want_arrived $want_executed'"

echo "$test_id: $cycles kill -9 cycles during the import of $rows rows ($((cycles - ack_kills)) at random moments within 0–$((window_us / 1000)) ms, a whole import taking $((import_us / 1000)) ms; $ack_kills the moment the summary appeared) in ${cycles_s} s on $(fs_type): $none left nothing, $((all - finished)) killed after COMMIT with all ($acked after the summary), $finished finished; 0 acknowledged postings lost, 0 partial imports, 0 verify failures; re-import: exactly $rows rows, sums exact"
