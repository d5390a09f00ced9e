#!/usr/bin/env bash
# reliability.md D4: disk full (a small tmpfs) and `ulimit -f` during single posts and an import.
#
#   bash d4_disk_full.sh FUNDFLOW [SIZES=16] [--rows=3000] [--xfsz-ignored] [--seed N]
#
#   Needs root (it mounts a tmpfs of 8 MiB in its scratch folder, unmounted on exit); prints a skip line otherwise.
#   The ledger (5 entries) lives on that tmpfs. First the space one post and one import of ROWS payment rows need
#   is measured (the least free space, in 4 KiB steps, with which each succeeds: a linear scan for the post, a
#   bisection for the import). Then for SIZES amounts of free space spread over [0, need) — a filler file takes
#   the rest — a post (its own --ref) and the import must each:
#     exit 1 with exactly one 'fundflow: ' line on stderr that mentions the disk. Then the filler is removed
#     (with the disk full even reads fail: the -shm cannot be created), `digest` must be as it was and `verify`
#     ok, and the same command is run twice: both exit 0, and the ref is on
#     file exactly once (the import: exactly ROWS more entries). For the import, the failed load left no
#     record, so the first retry is a first import; the second is refused as a file already imported (exit 3,
#     nothing written), and a third with --again adds nothing (every row's ref is on file).
#   ulimit -f: the same post and import in a subshell whose file-size limit is below what the WAL needs (0–16 KiB
#   for the post, 0–3/4 of the measured need for the import): exit 1, one line mentioning the disk or an I/O
#   error, nothing written; the retry without the limit succeeds exactly once. A fundflow killed by SIGXFSZ
#   (exit 153) fails the test: it must ignore that signal so that the write fails with EFBIG and is reported.
#   --xfsz-ignored runs the limited commands with SIGXFSZ ignored by the shell (to test the rest of the path on a
#   build that does not ignore it yet).
#
# Can this harness fail? A half-written import or post shows up as a changed digest; a success under a full
# disk as exit 0 at a size below the measured need; a lost retry as a ref count of 0.
test_id=D4
source "$(dirname "$0")/lib.sh"
sizes=${count:-16}
rows=3000
xfsz=
for a in "${args[@]}"; do
    case $a in
    --rows=*) rows=${a#*=} ;;
    --xfsz-ignored) xfsz=1 ;;
    *) fail "unknown option '$a'" ;;
    esac
done
((sizes >= 2 && rows >= 10)) || fail "SIZES must be at least 2 and --rows at least 10"
[[ $(id -u) == 0 ]] || skip "needs root to mount a tmpfs"
command -v fallocate >/dev/null || skip "needs fallocate (util-linux)"
mnt=$d/mnt
mkdir -p "$mnt"
mount -t tmpfs -o size=8m tmpfs "$mnt" 2>"$d/mount.err" || skip "mount -t tmpfs not permitted: $(head -c 200 "$d/mount.err")"
trap 'umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null; cleanup' EXIT
start=$(now_ms)

# The base ledger, built outside the tmpfs and copied in before each case.
base=$d/base.db
"$bin" --db "$base" init >/dev/null &&
    "$bin" --db "$base" project add P1 --name "D4 磁盘已满" --date 2024-01-02 >/dev/null &&
    "$bin" --db "$base" appropriate P1 --level county --amount 100000000 --date 2024-01-03 >/dev/null &&
    "$bin" --db "$base" arrive P1 --level county --amount 100000000 --date 2024-01-04 >/dev/null &&
    "$bin" --db "$base" pay P1 --level county --amount 1234.56 --date 2024-02-01 --ref B-1 >/dev/null &&
    "$bin" --db "$base" pay P1 --level county --amount 99.99 --date 2024-02-02 --ref B-2 >/dev/null ||
    fail "building the base ledger"
sqlite3 "$base" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null && rm -f "$base-wal" "$base-shm"
base_digest=$("$bin" --db "$base" digest) || fail "digest of the base"
base_entries=${base_digest%%:*}

file=$d/import.csv
{
    echo "kind,date,project,level,amount,ref,memo"
    awk -v n="$rows" 'BEGIN { for (i = 1; i <= n; i++)
        printf "payment,2024-%02d-%02d,P1,county,%d.%02d,D4-I%d,\"付款 %d, 磁盘已满测试\"\n", 3 + i % 9, 1 + i % 28, 1 + i % 997, i % 100, i, i }'
} >"$file"

db=$mnt/ledger.db
# fresh FREE_BYTES: the base ledger on the tmpfs, and a filler that leaves FREE_BYTES free.
fresh() {
    rm -f "$mnt/fill" "$db" "$db-wal" "$db-shm"
    cp "$base" "$db" || fail "copying the base ledger onto the tmpfs"
    local avail
    avail=$(df -B1 --output=avail "$mnt" | tail -n 1 | tr -d ' ')
    if ((avail - $1 > 0)); then fallocate -l $((avail - $1)) "$mnt/fill" || fail "fallocate of the filler"; fi
}
free_space() { rm -f "$mnt/fill"; }
post() { F pay P1 --level county --amount 12.34 --date 2024-06-01 --ref "$1" --memo "单笔 $1"; }
import() { F import "$file"; }
refs_on_file() { F log --format json | jq --arg r "$1" '[.entries[] | select(.ref == $r)] | length'; }

# Calibration: the least free space (4 KiB steps) with which the command succeeds.
calib_post() {
    local f
    for ((f = 0; f <= 1024 * 1024; f += 4096)); do
        fresh "$f"
        post "D4-CAL" >/dev/null 2>&1 && { echo "$f"; return 0; }
    done
    return 1
}
calib_import() {
    local lo=0 hi=$((7 * 1024 * 1024)) mid
    fresh "$hi"
    import >/dev/null 2>&1 || return 1
    while ((hi - lo > 4096)); do
        mid=$(((lo + hi) / 2 / 4096 * 4096))
        ((mid > lo)) || break
        fresh "$mid"
        if import >/dev/null 2>&1; then hi=$mid; else lo=$mid; fi
    done
    echo "$hi"
}
need_post=$(calib_post) || fail "a single post does not succeed even with 1 MiB free"
need_import=$(calib_import) || fail "the import of $rows rows does not succeed even with 7 MiB free"

# check_refused WHAT RC ERRFILE PATTERN: the checks after a command that must have been refused.
check_refused() {
    local what=$1 rc=$2 err=$3 pat=$4
    is_crash "$rc" "$err" && fail "$what: crash (exit $rc): $(head -c 300 "$err")"
    ((rc == 153)) && fail "$what: killed by SIGXFSZ (exit 153): fundflow must ignore SIGXFSZ so that the write fails with EFBIG and is reported (or run with --xfsz-ignored)"
    ((rc == 1)) || fail "$what: exit $rc, want 1: $(head -c 300 "$err")"
    one_line_error "$err" || fail "$what: not exactly one 'fundflow: ' line on stderr: $(head -c 300 "$err")"
    grep -qiE "$pat" "$err" || fail "$what: the message does not mention the disk: $(cat "$err")"
    # The reads come after freeing space: with the disk full even a read cannot open the ledger (its -shm).
    free_space
    local now
    now=$(F digest 2>&1) || fail "$what: digest after the refusal failed: $now"
    [[ $now == "$base_digest" ]] || fail "$what: the ledger changed: digest $now, was $base_digest"
    F verify >/dev/null 2>"$d/v.err" || fail "$what: verify after the refusal: $(head -c 300 "$d/v.err")"
}
# check_retry_post REF / check_retry_import: after freeing space, the same command twice; exactly once on file.
check_retry_post() {
    post "$1" >/dev/null 2>"$d/r.err" || fail "retry of post $1 after freeing space exited $?: $(head -c 300 "$d/r.err")"
    post "$1" >/dev/null 2>"$d/r.err" || fail "second retry of post $1 exited $?: $(head -c 300 "$d/r.err")"
    local n
    n=$(refs_on_file "$1")
    ((n == 1)) || fail "post $1: $n entries carry the ref after two retries, want 1"
    n=$(F digest); n=${n%%:*}
    ((n == base_entries + 1)) || fail "post $1: $n entries, want $((base_entries + 1))"
    F verify >/dev/null 2>"$d/v.err" || fail "post $1: verify after the retry: $(head -c 300 "$d/v.err")"
}
check_retry_import() {
    import >/dev/null 2>"$d/r.err" || fail "$1: retry of the import after freeing space exited $?: $(head -c 300 "$d/r.err")"
    local n rc
    FUNDFLOW_LANG=en import >/dev/null 2>"$d/r.err"; rc=$?  # the English wording is what is grepped
    ((rc == 3)) && grep -q "already imported" "$d/r.err" ||
        fail "$1: second retry of the import exited $rc, want 3 (already imported): $(head -c 300 "$d/r.err")"
    F import "$file" --again >/dev/null 2>"$d/r.err" || fail "$1: third retry (--again) exited $?: $(head -c 300 "$d/r.err")"
    n=$(F digest); n=${n%%:*}
    ((n == base_entries + rows)) || fail "$1: $n entries after the import and its repeat, want $((base_entries + rows))"
    F verify >/dev/null 2>"$d/v.err" || fail "$1: verify after the retry: $(head -c 300 "$d/v.err")"
}

# Disk full ------------------------------------------------------------------------------------------------------
cases=0
for ((i = 0; i < sizes; i++)); do
    f=$((need_post * i / sizes))
    fresh "$f"
    post "D4-P$i" >/dev/null 2>"$d/e.err"
    check_refused "post with $f bytes free (needs $need_post)" $? "$d/e.err" 'disk|磁盘'
    check_retry_post "D4-P$i"
    f=$((need_import * i / sizes))
    fresh "$f"
    import >/dev/null 2>"$d/e.err"
    check_refused "import of $rows rows with $f bytes free (needs $need_import)" $? "$d/e.err" 'disk|磁盘'
    check_retry_import "import at $f bytes free"
    cases=$((cases + 2))
done

# ulimit -f ------------------------------------------------------------------------------------------------------
limited() { # KIB COMMAND…: the command under ulimit -f KIB (bash counts in 1024-byte blocks)
    local kib=$1; shift
    if [[ -n $xfsz ]]; then (trap '' XFSZ; ulimit -f "$kib"; "$@"); else (ulimit -f "$kib"; "$@"); fi
}
ulimit_cases=0
for kib in 0 4 8 12 16; do
    fresh $((4 * 1024 * 1024))
    # stderr goes through a pipe: a file opened for it would be under the limit as well
    { limited "$kib" post "D4-U$kib" 2>&1 >/dev/null; echo $? >"$d/e.rc"; } | cat >"$d/e.err"
    check_refused "post under ulimit -f $kib" "$(cat "$d/e.rc")" "$d/e.err" 'disk|I/O|磁盘'
    check_retry_post "D4-U$kib"
    ulimit_cases=$((ulimit_cases + 1))
done
for k in 0 1 2 3; do
    kib=$((need_import * k / 4 / 1024))
    fresh $((4 * 1024 * 1024))
    { limited "$kib" import 2>&1 >/dev/null; echo $? >"$d/e.rc"; } | cat >"$d/e.err"
    check_refused "import under ulimit -f $kib" "$(cat "$d/e.rc")" "$d/e.err" 'disk|I/O|磁盘'
    check_retry_import "import under ulimit -f $kib"
    ulimit_cases=$((ulimit_cases + 1))
done

echo "$test_id: $sizes sizes of free space on a tmpfs (post needs $need_post B, import of $rows rows $need_import B) and $ulimit_cases ulimit -f limits$([[ -n $xfsz ]] && echo ' (SIGXFSZ ignored by the shell)'): $((cases + ulimit_cases)) refusals, each exit 1 with one line, ledger unchanged, verify ok; every retry after freeing space exactly once ($(seconds_since "$start") s)"
