#!/usr/bin/env bash
# PG3 (issue 14 item 5): an import killed by the server's crash (`pg_ctl stop -m immediate`) is all or nothing,
# and every posting acknowledged before the crash is there after the restart. On a cluster of its own (the
# crash would take down the suite's), for CYCLES cycles (default 3):
#   - an import of ROWS rows (default 2,000) runs while a second fundflow posts payments one by one, each with
#     its own voucher ref, recording the refs of those that exited 0;
#   - at a random moment within 1.3 × an import's time the server is stopped as a crash would (immediate: no
#     checkpoint) and started again (WAL recovery);
#   - after the restart: verify passes; the ledger holds the import entirely or not at all (a ref of its first
#     and of its last row, and the entry count, agree); every acknowledged payment's ref is on file; an import
#     that exited 0 is there.
# A harness that could not fail would not count: the check of "all or nothing" is run once on a ledger holding
# half an import (a file that was loaded in two halves) and must object.
#   bash import_crash.sh PATH/TO/fundflow [CYCLES] [ROWS]
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${1:?usage: import_crash.sh PATH/TO/fundflow [CYCLES] [ROWS]}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
cycles=${2:-3} rows=${3:-2000}
export TZ=Asia/Shanghai FUNDFLOW_USER=pg3 LC_ALL=C.UTF-8
unset FUNDFLOW_DB FUNDFLOW_READ_ONLY FUNDFLOW_LOG
dir=$(mktemp -d /tmp/fundflow-pg3.XXXXXX)
cleanup() {
    local p
    for p in $(jobs -p); do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    bash "$root/scripts/pg-cluster.sh" stop "$dir" >/dev/null 2>&1
    rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL PG3: $*"; exit 1; }
uri=$(bash "$root/scripts/pg-cluster.sh" start "$dir" 5439 2>"$dir/start.err")
rc=$?
((rc == 3)) && { echo "skip: PG3: $(cat "$dir/start.err")"; exit 0; }
((rc == 0)) || fail "the cluster did not start: $(cat "$dir/start.err")"
F() { "$bin" --db "$uri" "$@"; }
F init >/dev/null && F project add P1 --name 导入 --date 2024-01-01 >/dev/null &&
    F appropriate P1 --level county --amount 100000000 --date 2024-01-02 >/dev/null &&
    F arrive P1 --level county --amount 100000000 --date 2024-01-03 >/dev/null || fail "setup"

sheet() { # CYCLE FILE: ROWS arrivals with refs I<cycle>-<n>
    {
        echo "kind,date,project,level,amount,ref"
        for ((i = 0; i < rows; i++)); do printf 'appropriation,2024-%02d-%02d,P1,county,%d.%02d,I%d-%d\n' \
            $((i % 12 + 1)) $((i % 28 + 1)) $((i % 900 + 1)) $((i % 100)) "$1" "$i"; done
    } >"$2"
}
has_ref() { [[ $(F log P1 --format json | jq --arg r "$1" '[.entries[] | select(.ref == $r)] | length') == 1 ]]; }
# all_or_nothing CYCLE: prints 'all', 'none' or a problem
all_or_nothing() {
    local refs first last
    refs=$(F log P1 --kind appropriation --format json | jq -r --arg p "I$1-" '[.entries[].ref | select(. != null and startswith($p))] | length')
    if ((refs == rows)); then echo all; elif ((refs == 0)); then echo none; else echo "$refs of $rows rows"; fi
}

# Self-test: half a sheet loaded must be seen as neither.
sheet 0 "$dir/s0.csv"
head -n $((rows / 2 + 1)) "$dir/s0.csv" >"$dir/half.csv"
F import "$dir/half.csv" >/dev/null || fail "self-test: importing half a sheet"
[[ $(all_or_nothing 0) == "$((rows / 2)) of $rows rows" ]] || fail "self-test: half an import was seen as '$(all_or_nothing 0)'"

# How long one import takes, to aim the crashes.
sheet 9 "$dir/s9.csv"
t0=$(date +%s%N)
F import "$dir/s9.csv" >/dev/null || fail "the timing import"
import_ms=$((($(date +%s%N) - t0) / 1000000))

all=0 none=0 acked_total=0
for ((c = 1; c <= cycles; c++)); do
    sheet "$c" "$dir/s$c.csv"
    before=$(F digest | cut -d: -f1)
    ( F import "$dir/s$c.csv" >"$dir/import.out" 2>"$dir/import.err"; echo $? >"$dir/import.rc" ) &
    ipid=$!
    : >"$dir/acked"
    (
        for ((n = 0; ; n++)); do
            F pay P1 --level county --amount 1.00 --date 2024-06-01 --ref "A$c-$n" >/dev/null 2>&1 || break
            echo "A$c-$n" >>"$dir/acked"
        done
    ) &
    ppid=$!
    delay=$(((RANDOM * 32768 + RANDOM) % (import_ms * 13 / 10 + 1)))
    sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
    bash "$root/scripts/pg-cluster.sh" kill "$dir" >/dev/null 2>&1 || fail "cycle $c: the crash (pg_ctl stop -m immediate)"
    wait "$ipid" "$ppid" 2>/dev/null
    bash "$root/scripts/pg-cluster.sh" start "$dir" 5439 >/dev/null 2>"$dir/start.err" || fail "cycle $c: restart: $(cat "$dir/start.err")"
    F verify >/dev/null 2>"$dir/verify.err" || fail "cycle $c: verify after the crash: $(cat "$dir/verify.err")"
    got=$(all_or_nothing "$c")
    case $got in
    all) all=$((all + 1)) ;;
    none) none=$((none + 1)) ;;
    *) fail "cycle $c: the crash left part of an import: $got" ;;
    esac
    if [[ $(cat "$dir/import.rc") == 0 && $got != all ]]; then fail "cycle $c: the import exited 0 but is not on file"; fi
    while read -r ref; do
        has_ref "$ref" || fail "cycle $c: payment $ref was acknowledged (exit 0) before the crash but is not on file"
        acked_total=$((acked_total + 1))
    done <"$dir/acked"
    after=$(F digest | cut -d: -f1)
    imported=0
    [[ $got == all ]] && imported=$rows
    want=$((before + $(wc -l <"$dir/acked") + imported))
    # (a payment may also have committed without being acknowledged: its process died with the server)
    ((after == want || after == want + 1)) || fail "cycle $c: $after entries, want $want (+1 at most)"
done
echo "PG3: $cycles crashes (pg_ctl stop -m immediate) during an import of $rows rows (${import_ms} ms each) and single postings: imports all or nothing ($all whole, $none none), $acked_total acknowledged payments all present after recovery, verify ok; self-test: half an import caught"
