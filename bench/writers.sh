#!/usr/bin/env bash
# Posting throughput with 1, 8 and 32 concurrent writers, per engine (issue 14 item 6: "32 writers ≥ 4× the
# throughput of one"), measured two ways, each writer on a project of its own among 32, postings per second of
# wall time over all writers, the median of RUNS runs:
#   threads:   bench/fundflow_writers, one thread and one connection per writer, as `fundflow serve`'s workers
#              post: the engine, the rules and the chain, no process start-up (the figure the goal is for);
#   processes: a loop of `fundflow pay` processes per writer, as accountants' desks post: on 2 cores, bound by
#              the ~15 ms of CPU each process start costs, whatever the engine. SQLite: a ledger file on the disk of
# ${TMPDIR:-/var/tmp}; PostgreSQL: a throwaway cluster (scripts/pg-cluster.sh) whose data folder is on that
# same disk, synchronous_commit on (the default). Both fsync every commit.
#   bash bench/writers.sh PATH/TO/fundflow PATH/TO/fundflow_writers [POSTINGS_PER_RUN=320] [RUNS=3]
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$(cd "$(dirname "${1:?usage: writers.sh PATH/TO/fundflow [POSTINGS] [RUNS]}")" && pwd)/$(basename "$1")
writers_bin=$(cd "$(dirname "${2:?usage: writers.sh FUNDFLOW FUNDFLOW_WRITERS [POSTINGS] [RUNS]}")" && pwd)/$(basename "$2")
total=${3:-320} runs=${4:-3}
export TZ=Asia/Shanghai FUNDFLOW_USER=bench LC_ALL=C.UTF-8
base=${TMPDIR:-/var/tmp}
work=$(mktemp -d "$base/fundflow-writers.XXXXXX") && chmod 755 "$work"  # the server runs as postgres under root
cleanup() { bash "$root/scripts/pg-cluster.sh" stop "$work/pg" >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT
pg_admin=$(bash "$root/scripts/pg-cluster.sh" start "$work/pg" 5491 2>/dev/null) || pg_admin=
setup() { # DB
    "$bin" --db "$1" init >/dev/null
    for ((p = 1; p <= 32; p++)); do
        "$bin" --db "$1" project add "P$p" --name "项目$p" --date 2024-01-01 >/dev/null
        "$bin" --db "$1" appropriate "P$p" --level county --amount 100000000 --date 2024-01-02 >/dev/null
        "$bin" --db "$1" arrive "P$p" --level county --amount 100000000 --date 2024-01-03 >/dev/null
    done
}
one_run() { # WAY DB WRITERS → tenths of postings per second
    local way=$1 db=$2 writers=$3 per=$(($4 / $3)) t0 t1 w out
    if [[ $way == threads ]]; then
        out=$("$writers_bin" "$db" "$writers" "$per") || { echo 0; return; }
        out=${out##* }
        echo $((${out%.*} * 10 + ${out#*.}))
        return
    fi
    t0=$(date +%s%N)
    for ((w = 1; w <= writers; w++)); do
        (
            for ((i = 0; i < per; i++)); do
                "$bin" --db "$db" pay "P$w" --level county --amount 1.00 --date 2024-06-01 >/dev/null || exit 1
            done
        ) &
    done
    wait
    t1=$(date +%s%N)
    echo $((per * writers * 1000000000 * 10 / (t1 - t0)))  # tenths of a posting per second
}
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
tenths() { printf '%d.%d' $(($1 / 10)) $(($1 % 10)); }
declare -A figure
engines=(sqlite)
[[ -n $pg_admin ]] && engines+=(postgresql)
ways=(threads processes)
for engine in "${engines[@]}"; do
  for way in "${ways[@]}"; do
    for writers in 1 8 32; do
        samples=()
        for ((r = 1; r <= runs; r++)); do
            if [[ $engine == sqlite ]]; then
                db=$work/$way-$writers-$r.db
            else
                psql "$pg_admin" -qAtX -c "CREATE DATABASE ${way}_${writers}_$r" >/dev/null
                db=${pg_admin/\/\/\/fundflow\?/\/\/\/${way}_${writers}_$r?}
            fi
            setup "$db"
            # processes: a tenth of the postings (each costs a process start)
            if [[ $way == threads ]]; then n=$total; else n=$((total / 10 / 32 * 32)); ((n > 0)) || n=32; fi
            samples+=("$(one_run "$way" "$db" "$writers" "$n")")
        done
        figure[$engine,$way,$writers]=$(printf '%s\n' "${samples[@]}" | median)
        echo "$engine $way $writers writers: $(tenths "${figure[$engine,$way,$writers]}") postings/s (runs: ${samples[*]} tenths)" >&2
    done
  done
done
header="| writers |" rule="|---|"
for engine in "${engines[@]}"; do for way in "${ways[@]}"; do header+=" $engine, $way |"; rule+="---|"; done; done
printf '\n%s\n%s\n' "$header" "$rule"
for writers in 1 8 32; do
    row="| $writers |"
    for engine in "${engines[@]}"; do for way in "${ways[@]}"; do row+=" $(tenths "${figure[$engine,$way,$writers]}")/s |"; done; done
    echo "$row"
done
for engine in "${engines[@]}"; do
    for way in "${ways[@]}"; do
        ((figure[$engine,$way,1] > 0)) || { echo "$engine, $way: no figure for one writer"; continue; }
        ratio=$((figure[$engine,$way,32] * 100 / figure[$engine,$way,1]))
        verdict=MISS; ((ratio >= 400)) && verdict=pass
        [[ $way == threads ]] || verdict="$verdict; CPU-bound by process start-up, for comparison"
        echo "$engine, $way: 32 writers = $((ratio / 100)).$(printf %02d $((ratio % 100)))× one writer (goal ≥ 4×: $verdict)"
    done
done
