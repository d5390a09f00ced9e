# Helpers for the reliability tests of shared/spec/reliability.md (sourced), in the style of tests/cli/lib.sh.
# Each test is run as:   bash TEST.sh PATH/TO/fundflow [COUNT] [--seed N] [--dir DIR] [other options]
#   COUNT      the test's figure (default: its CI figure; give more for a soak run)
#   --seed N   seed of bash's RANDOM (default: time-based; printed, so that a failure can be replayed)
#   --dir DIR  where the ledgers live (default: /dev/shm when there is one, else $TMPDIR; FUNDFLOW_TEST_TMPDIR
#              overrides; 'disk': a folder on a real disk, see disk_root). fundflow keeps synchronous=FULL everywhere: on tmpfs an fsync is cheap, not skipped.
#   --NAME=V   a test's own options (always in this form, so that a value is never taken for COUNT)
# FUNDFLOW_TEST_DB=postgresql://… (an owner URI where databases may be made, tests/pg/reliability.sh) puts
# the ledger on PostgreSQL: a fresh database, dropped at the end; $db is then its URI. Self-tests that edit a
# ledger behind fundflow's back do it on a file copy (copy_ledger: `fundflow copy` from PostgreSQL).
# A test prints its figure last ('C1: 4000 postings by …') and exits 0, or prints 'FAIL <id>: …' and exits 1.
# A missing precondition prints a line starting 'skip:' and exits 0 (never a silent pass).
set -u
bin=${1:?usage: $0 PATH/TO/fundflow [COUNT] [--seed N] [--dir DIR]}
shift
[[ -x $bin ]] || { echo "FAIL: '$bin' is not an executable"; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
export TZ=Asia/Shanghai FUNDFLOW_USER=reliability LC_ALL=C.UTF-8
unset FUNDFLOW_DB FUNDFLOW_READ_ONLY FUNDFLOW_LOG

# Options common to every test; a test reads its own from ${args[@]} (what is left, in order).
count=
seed=${FUNDFLOW_RELIABILITY_SEED:-$(( $(date +%s%N) % 1000000 ))}
dir_opt=
args=()
while (($#)); do
    case $1 in
    --seed) seed=${2:?--seed needs a number}; shift 2 ;;
    --dir) dir_opt=${2:?--dir needs a folder}; shift 2 ;;
    [0-9]*) count=$1; shift ;;
    *) args+=("$1"); shift ;;
    esac
done
[[ -z $count || $count =~ ^[0-9]+$ ]] || { echo "FAIL: COUNT must be a number, not '$count'"; exit 1; }
RANDOM=$seed

# '--dir disk': the first writable folder on a real disk (not tmpfs/ramfs) of $FUNDFLOW_TEST_DISKDIR,
# /var/tmp, $TMPDIR, /tmp — where every fsync of synchronous=FULL reaches the device.
disk_root() {
    local c
    for c in ${FUNDFLOW_TEST_DISKDIR:-} /var/tmp "${TMPDIR:-}" /tmp; do
        [[ -n $c && -d $c && -w $c ]] || continue
        case $(stat -f -c %T "$c") in tmpfs | ramfs) continue ;; esac
        echo "$c"
        return 0
    done
    return 1
}
scratch_root() {
    if [[ -n $dir_opt ]]; then echo "$dir_opt"
    elif [[ -n ${FUNDFLOW_TEST_TMPDIR:-} ]]; then echo "$FUNDFLOW_TEST_TMPDIR"
    elif [[ -d /dev/shm && -w /dev/shm ]]; then echo /dev/shm
    else echo "${TMPDIR:-/tmp}"; fi
}
# FUNDFLOW_TEST_ID_SUFFIX (e.g. '-asan', set by CMake for a second run of a test) goes into every line the test
# prints about itself: 'C5-asan: …', 'FAIL C5-asan: …'.
test_id=${test_id:-?}${FUNDFLOW_TEST_ID_SUFFIX:-}
fail() { echo "FAIL $test_id: $* (seed $seed; rerun with --seed $seed)"; exit 1; }
skip() { echo "skip: $test_id: $*"; exit 0; }
if [[ $dir_opt == disk ]]; then
    root=$(disk_root) || skip "no writable folder on a real disk (not tmpfs) for --dir disk; set FUNDFLOW_TEST_DISKDIR"
else
    root=$(scratch_root)
fi
[[ -d $root && -w $root ]] || { echo "FAIL: scratch folder '$root' is not a writable folder"; exit 1; }
d=$(mktemp -d "$root/fundflow-rel-XXXXXX")
pg_admin= pg_name=
cleanup() {
    # Children still running (a failed test may leave some) would keep writing into $d.
    local p
    for p in $(jobs -p); do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$d"
    [[ -z $pg_name ]] || psql "$pg_admin" -qAtX -c "DROP DATABASE IF EXISTS $pg_name WITH (FORCE)" >/dev/null 2>&1
}
trap cleanup EXIT
db=$d/ledger.db
if [[ ${FUNDFLOW_TEST_DB:-} == postgres*://* ]]; then
    pg_admin=$FUNDFLOW_TEST_DB
    pg_name="rel_$(tr -cd 'a-z0-9' <<<"${test_id,,}")_$$"
    psql "$pg_admin" -qAtX -v ON_ERROR_STOP=1 -c "CREATE DATABASE $pg_name" >/dev/null ||
        { echo "FAIL: could not make database $pg_name on $pg_admin"; pg_name=; exit 1; }
    db=$(perl -e '$u = shift; $d = shift; $u =~ s{^(postgres(?:ql)?://[^/?]*/)[^?]*}{$1$d}; print $u' "$pg_admin" "$pg_name")
fi
for tool in sqlite3 jq perl timeout flock; do
    command -v "$tool" >/dev/null || fail "$tool is needed (apt-get install sqlite3 jq perl coreutils util-linux)"
done
# The file system under the ledgers, for the figure line ('tmpfs', 'ext2/ext3', 'xfs', …), or the engine.
fs_type() {
    if [[ -n $pg_name && -z ${1:-} ]]; then echo "PostgreSQL $(psql "$db" -qAtX -c 'SHOW server_version' | cut -d' ' -f1)"
    else stat -f -c %T "${1:-$d}"; fi
}

# fundflow on the test ledger.
F() { "$bin" --db "$db" "$@"; }

# Milliseconds since the epoch, and a duration in seconds with one decimal since $1.
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
seconds_since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }

# A fen count as the yuan amount fundflow reads ('1234' → '12.34').
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }

# Raw sqlite3 with triggers disabled, as a tamperer would use it. Prints nothing.
tamper() {
    local at=$1; shift
    sqlite3 "$at" ".dbconfig enable_trigger off" "$@" >/dev/null
}

# rebuild_totals_sql LEDGER: shared with the other test library.
source "$(dirname "${BASH_SOURCE[0]}")/../tools/rebuild_totals.sh"

# A copy of a ledger whose connections have all closed: fold the WAL into the main file, then copy that.
# From PostgreSQL: a file made by `fundflow copy` (same ids, hashes and records).
copy_ledger() {
    if [[ $1 == postgres*://* ]]; then
        "$bin" copy --from "$1" --to "$2" >/dev/null || fail "copying $1 to a file"
        return
    fi
    sqlite3 "$1" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null || fail "checkpointing $1"
    cp "$1" "$2" && rm -f "$2-wal" "$2-shm"
}

# Exactly one line on stderr beginning 'fundflow: ' (cli.md).
one_line_error() {
    perl -0777 -ne 'exit(/\Afundflow: [^\n]+\n\z/ ? 0 : 1)' "$1"
}

# A crash: killed by a signal of its own (SIGABRT 134, SIGSEGV 139, SIGBUS 135, SIGFPE 136, SIGILL 132) or a
# sanitizer report on stderr ($2). 137 (SIGKILL) is the harness's own doing and is not counted here.
is_crash() {
    local rc=$1 err=${2:-/dev/null}
    case $rc in 132 | 134 | 135 | 136 | 139) return 0 ;; esac
    grep -qE 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:|terminate called' "$err" 2>/dev/null
}

# The ids of `log --format json` are exactly 1..N, in order (prints nothing; fails with the first gap).
ids_gapless() {
    "$bin" --db "$1" log --format json |
        jq -e '[.entries[].id] as $ids | $ids == [range(1; ($ids | length) + 1)]' >/dev/null
}
