#!/usr/bin/env bash
# reliability.md D5: a read-only ledger file — on a read-only mount, made immutable with `chattr +i`, or owned by
# root and used by `nobody` — refuses every writing command cleanly, keeps its bytes, and can still be read.
#
#   bash d5_read_only.sh FUNDFLOW [--seed N] [--dir DIR]
#
# The ledger: the seed's case plus a second project, a reversal, a refund, a second contract and a user (14 entries:
# tests/cli/lib.sh's seed ledger and two more). Each writing command of cli.md (init, project add, contract add, appropriate, adjust, arrive,
# pay, refund, retain, release, forfeit, recover, reverse, close-year, import) and of api.md (user add, disable,
# passwd, role; token create) is first run on a writable copy,
# where it must succeed (so that a refusal later is the read-only file's doing, not a rule's). Then, in each
# setup below, every writing command must
#   - exit 1 (cli.md: "anything else, message says what") with exactly one 'fundflow: ' line on stderr that says
#     why (read-only / permission), and print nothing on stdout;
#   - leave the ledger file's bytes unchanged (sha256; `init` of a new file there must not create it);
# and every reading command (report execution in three formats, balance three ways, log, show, verify,
# verify --digest, digest, warranty list, check, export) must exit 0 and print byte for byte what it prints on
# the writable copy. The setups, each checked first and skipped with a 'skip: D5-<setup>: …' line where it
# cannot run here (the test is skipped as a whole only when none can):
#   mount           a tmpfs mounted in the scratch folder, the ledger copied in, then `mount -o remount,ro` (root)
#   chattr-file     `chattr +i` on the file, its folder writable (SQLite may create -wal/-shm there); needs a
#                   file system with the immutable flag (not tmpfs: the first real disk of lib.sh's disk_root)
#   chattr-folder   `chattr +i` on the file and its folder (nothing can be created next to it)
#   nobody          fundflow run as `nobody` (setpriv, runuser or su) on a file owned by root, mode 0644, in a
#                   folder owned by root, mode 0755 (nobody can read it, not write it)
#   nobody-sticky   the same file in a folder everyone may write (mode 1777, as /tmp): the file still is not
#                   nobody's to write
# The figure line counts the setups run, the refusals and the identical reads.
#
# Can this harness fail? Before the setups, the same checks are run on the writable copy itself, where every
# writing command succeeds: the refusal check must report all of them (self-test), so a program that wrote to a
# read-only file, or a check that could not see it, fails the test. (S3, tests/cli/s3_read_only.sh, covers the
# auditor mode --read-only.)
test_id=D5
source "$(dirname "$0")/lib.sh"
((${#args[@]} == 0)) || fail "unknown option '${args[0]}'"
start=$(now_ms)

# The ledger (14 entries).
L() { "$bin" --db "$db" "$@" >/dev/null; }
L init &&
    L project add P001 --name 县级融媒体中心建设项目 --unit-name 县融媒体中心 --func-code 2070808 --date 2020-01-02 &&
    L appropriate P001 --level county --amount 125.95万 --date 2020-01-15 --ref 预2020-01 --memo 年初预算批复 &&
    L arrive P001 --level county --amount 1259500 --date 2020-03-01 &&
    L contract add P001 --contract C001 --supplier 某传媒设备有限公司 --amount 1259500 --retention-rate 5% --warranty-months 24 --date 2020-04-01 --sme &&
    L pay P001 --level county --amount 1196525 --date 2020-11-30 --contract C001 --ref 付2020-11 &&
    L retain P001 --contract C001 --level county --amount 62975 --date 2020-11-30 --accepted 2020-11-20 &&
    L project add P2 --name "乡村道路 (Rural roads) 🚧" --date 2021-01-02 &&
    L appropriate P2 --level provincial --amount 100万 --date 2021-01-10 &&
    L arrive P2 --level provincial --amount 60万 --date 2021-02-01 &&
    L pay P2 --level provincial --amount 2500.5 --date 2021-03-01 --memo 重复录入的付款 --user lisi &&
    L reverse 10 --reason 重复录入 &&
    L refund P001 --level county --amount 1000 --date 2020-12-20 --ref 退2020-01 --contract C001 &&
    L contract add P2 --contract C2 --supplier 某路桥公司 --amount 100000 --retention-rate 3% --date 2021-01-05 &&
    L user add lisi --role accountant --projects P001 --password-stdin <<<"d5 password" ||
    fail "posting the ledger"
sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null && rm -f "$db-wal" "$db-shm"
digest=$("$bin" --db "$db" digest) || fail "digest"
printf 'kind,date,project,level,amount\narrival,2021-03-05,P2,provincial,1\n' >"$d/import.csv"
chmod 0644 "$d/import.csv"

writes=(
    "project add P9 --name 新项目 --date 2021-01-01"
    "contract add P001 --contract C9 --supplier 新供应商 --amount 1000 --date 2020-05-01"
    "appropriate P001 --level county --amount 1 --date 2020-12-01"
    "adjust P001 --level county --amount 1 --date 2020-12-01 --ref 调9 --memo 追加"
    "arrive P2 --level provincial --amount 1 --date 2021-03-05"
    "pay P2 --level provincial --amount 1 --date 2021-03-05"
    "refund P001 --level county --amount 1 --date 2020-12-21 --ref 退9"
    "retain P2 --contract C2 --level provincial --amount 1 --date 2021-03-05 --accepted 2021-03-01"
    "release P001 --contract C001 --date 2022-12-01"
    "forfeit P001 --contract C001 --amount 1 --date 2022-12-01 --memo 维修"
    "recover P001 --level county --amount 1 --date 2020-12-31 --memo 收回"
    "reverse 6 --reason 冲销"
    "import IMPORT"
    "close-year P001 --year 2020"
    "user add wangwu --role auditor --password-stdin"
    "user disable lisi"
    "user passwd lisi --password-stdin"
    "user role lisi --role admin"
    "token create lisi"
)
# What a command that reads a password (--password-stdin) finds on its standard input; the others ignore it.
printf 'd5 new password\n' >"$d/password"
chmod 0644 "$d/password"
reads=(
    "report execution P001 --year 2020"
    "report execution P001 --year 2020 --format json"
    "report execution P2 --year 2021 --format csv --lang en"
    "balance --as-of 2021-12-31"
    "balance --by project --as-of 2021-12-31 --format json"
    "balance --by contract --as-of 2021-12-31 --format csv"
    "log"
    "log P001 --kind payment --format json"
    "show 5 --format json"
    "verify"
    "verify --digest $digest"
    "digest"
    "warranty list --as-of 2022-12-25 --format json"
    "check --as-of 2021-12-31"
    "export --to csv"
)

# Every writing command succeeds on a writable copy; the reads' reference output.
w=$d/writable.db
for c in "${writes[@]}"; do
    cp "$db" "$w"
    read -ra words <<<"${c/IMPORT/$d/import.csv}"
    "$bin" --db "$w" "${words[@]}" >"$d/out" 2>"$d/err" <"$d/password" || fail "'$c' fails on a writable copy: $(head -c 300 "$d/err")"
    rm -f "$w-wal" "$w-shm"
done
"$bin" --db "$d/new.db" init >/dev/null 2>"$d/err" || fail "init of a new file fails in a writable folder: $(cat "$d/err")"
rm -f "$d/new.db"*
mkdir "$d/ref"
for i in "${!reads[@]}"; do
    read -ra words <<<"${reads[i]}"
    "$bin" --db "$db" "${words[@]}" >"$d/ref/$i" 2>"$d/err" || fail "'${reads[i]}' fails on the writable ledger: $(head -c 300 "$d/err")"
done
sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null && rm -f "$db-wal" "$db-shm"
want_sum=$(sha256sum <"$db" | cut -c1-64)

# check SETUP FOLDER INIT [RUNNER…]: every check on FOLDER/ledger.db, fundflow run through RUNNER (e.g.
# setpriv …); INIT 1: `init` of a new file in FOLDER must be refused too (the folder is not writable). Appends
# to problems; counts refusals and identical reads. With fresh=1 each write gets a fresh copy of the ledger.
problems=()
refused=0 identical=0 setups=()
problem() { problems+=("$1: $2"); }
check() {
    local setup=$1 folder=$2 init=$3 c rc i sum
    shift 3
    local run=("$@" "$runbin")
    local at=$folder/ledger.db
    for c in "${writes[@]}"; do
        read -ra words <<<"${c/IMPORT/$d/import.csv}"
        ((fresh)) && cp "$db" "$at"
        "${run[@]}" --db "$at" "${words[@]}" >"$d/out" 2>"$d/err" <"$d/password"
        rc=$?
        if ((rc != 1)); then
            problem "$setup" "'$c' exited $rc, want 1 ($(head -c 200 "$d/err"))"
        elif ! one_line_error "$d/err"; then
            problem "$setup" "'$c': stderr is not one 'fundflow: ' line: $(head -c 300 "$d/err")"
        elif ! grep -qiE 'read-only|readonly|permission|not writable|只读|权限' "$d/err"; then
            problem "$setup" "'$c': the message does not say why (read-only, permission): $(cat "$d/err")"
        elif [[ -s $d/out ]]; then
            problem "$setup" "'$c' printed on stdout: $(head -c 200 "$d/out")"
        else
            refused=$((refused + 1))
        fi
        sum=$(sha256sum <"$at" | cut -c1-64)
        [[ $sum == "$want_sum" ]] || problem "$setup" "'$c' changed the file's bytes"
    done
    ((init)) && "${run[@]}" --db "$folder/new.db" init >"$d/out" 2>"$d/err"
    rc=$?
    if ((!init)); then
        :
    elif ((rc != 1)) || ! one_line_error "$d/err"; then
        problem "$setup" "init of a new file in the folder: exit $rc, want 1 with one line ($(head -c 200 "$d/err"))"
    elif [[ -e $folder/new.db ]]; then
        problem "$setup" "init of a new file in the folder created it"
    else
        refused=$((refused + 1))
    fi
    for i in "${!reads[@]}"; do
        read -ra words <<<"${reads[i]}"
        "${run[@]}" --db "$at" "${words[@]}" >"$d/out" 2>"$d/err"
        rc=$?
        if ((rc != 0)); then
            problem "$setup" "'${reads[i]}' exited $rc: $(head -c 200 "$d/err")"
        elif ! cmp -s "$d/ref/$i" "$d/out"; then
            problem "$setup" "'${reads[i]}' prints other output than on the writable copy"
        else
            identical=$((identical + 1))
        fi
    done
    sum=$(sha256sum <"$at" | cut -c1-64)
    [[ $sum == "$want_sum" ]] || problem "$setup" "the reads changed the file's bytes"
    setups+=("$setup")
}
runbin=$bin
fresh=0

# Self-test: on the writable copy every write 'succeeds', which the checks must report, each one.
mkdir "$d/selftest"
cp "$db" "$d/selftest/ledger.db"
fresh=1 check selftest "$d/selftest" 0 >/dev/null
n_self=$(printf '%s\n' "${problems[@]}" | grep -c "^selftest: '.*' exited 0, want 1")
((n_self == ${#writes[@]})) || fail "self-test: on a writable file $n_self of ${#writes[@]} writes were reported, want all"
problems=() refused=0 identical=0 setups=()

# Undo what the setups did to the machine, whatever happens.
mounted=
immutable=()
d5_cleanup() {
    [[ -n $mounted ]] && umount "$mounted" 2>/dev/null
    ((${#immutable[@]})) && chattr -i "${immutable[@]}" 2>/dev/null
    [[ -n ${disk_d:-} ]] && rm -rf "$disk_d"
    cleanup
}
trap d5_cleanup EXIT
skips=()
skip_setup() { echo "skip: D5-$1: $2"; skips+=("$1"); }

# mount: a read-only tmpfs.
if (($(id -u) != 0)); then
    skip_setup mount "not root: cannot mount a tmpfs"
elif ! command -v mount >/dev/null; then
    skip_setup mount "no mount command"
else
    mkdir "$d/mnt"
    if ! mount -t tmpfs -o size=16m,mode=0755 tmpfs "$d/mnt" 2>"$d/err"; then
        skip_setup mount "mount -t tmpfs failed (no CAP_SYS_ADMIN?): $(head -c 150 "$d/err")"
    else
        mounted=$d/mnt
        cp "$db" "$d/mnt/ledger.db"
        if ! mount -o remount,ro "$d/mnt" 2>"$d/err"; then
            skip_setup mount "mount -o remount,ro failed: $(head -c 150 "$d/err")"
        elif touch "$d/mnt/probe" 2>/dev/null; then
            fail "mount: the folder is still writable after remount,ro"
        else
            check mount "$d/mnt" 1
        fi
        umount "$d/mnt" && mounted=
    fi
fi

# chattr-file, chattr-folder: the immutable flag, on a real disk.
disk_d=
if ! command -v chattr >/dev/null; then
    skip_setup chattr "no chattr (apt-get install e2fsprogs)"
elif ! disk=$(disk_root); then
    skip_setup chattr "no writable folder on a file system with the immutable flag (all tmpfs); set FUNDFLOW_TEST_DISKDIR"
else
    disk_d=$(mktemp -d "$disk/fundflow-d5-XXXXXX")
    : >"$disk_d/probe"
    if ! chattr +i "$disk_d/probe" 2>"$d/err"; then
        skip_setup chattr "chattr +i does not work on $(stat -f -c %T "$disk_d") at $disk (no CAP_LINUX_IMMUTABLE?): $(head -c 150 "$d/err")"
    else
        chattr -i "$disk_d/probe"
        mkdir "$disk_d/file" "$disk_d/folder"
        cp "$db" "$disk_d/file/ledger.db"
        cp "$db" "$disk_d/folder/ledger.db"
        immutable=("$disk_d/file/ledger.db" "$disk_d/folder/ledger.db" "$disk_d/folder")
        chattr +i "${immutable[@]}" || fail "chattr +i"
        check chattr-file "$disk_d/file" 0
        check chattr-folder "$disk_d/folder" 1
        chattr -i "${immutable[@]}" && immutable=()
    fi
fi

# nobody, nobody-sticky: another user than the file's owner.
runner=()
if (($(id -u) != 0)); then
    skip_setup nobody "not root: cannot run fundflow as nobody"
elif ! nobody_uid=$(id -u nobody 2>/dev/null); then
    skip_setup nobody "no user nobody"
else
    nobody_gid=$(id -g nobody)
    if command -v setpriv >/dev/null; then runner=(setpriv --reuid="$nobody_uid" --regid="$nobody_gid" --clear-groups --)
    elif command -v runuser >/dev/null; then runner=(runuser -u nobody --)
    fi
    if ((${#runner[@]} == 0)); then
        skip_setup nobody "neither setpriv nor runuser (util-linux) to run fundflow as nobody"
    else
        # nobody must reach the program, the import file and the folders: copies in folders it may enter.
        chmod 0711 "$d"
        mkdir -m 0755 "$d/bin" "$d/nobody"
        mkdir -m 1777 "$d/sticky"
        cp "$bin" "$d/bin/fundflow"
        chmod 0755 "$d/bin/fundflow"
        cp "$db" "$d/nobody/ledger.db"
        cp "$db" "$d/sticky/ledger.db"
        chown 0:0 "$d/nobody/ledger.db" "$d/sticky/ledger.db" "$d/nobody" "$d/sticky"
        chmod 0644 "$d/nobody/ledger.db" "$d/sticky/ledger.db"
        if ! out=$("${runner[@]}" "$d/bin/fundflow" --help 2>&1); then
            skip_setup nobody "${runner[0]} cannot run fundflow as nobody: ${out:0:150}"
        elif [[ $("${runner[@]}" id -u 2>/dev/null) != "$nobody_uid" ]]; then
            skip_setup nobody "${runner[0]} does not switch to nobody"
        else
            runbin=$d/bin/fundflow
            check nobody "$d/nobody" 1 "${runner[@]}"
            check nobody-sticky "$d/sticky" 0 "${runner[@]}"
            runbin=$bin
        fi
    fi
fi

if ((${#setups[@]} == 0)); then
    skip "none of the read-only setups can run here (${skips[*]} skipped)"
fi
if ((${#problems[@]} > 0)); then
    printf '  %s\n' "${problems[@]:0:40}"
    fail "${#problems[@]} problems in ${#setups[@]} read-only setups (${setups[*]})"
fi
echo "$test_id: ${#setups[@]} read-only setups (${setups[*]}${skips:+; skipped: ${skips[*]}}): $refused writes (${#writes[@]} writing commands in each, and init of a new file where the folder is read-only too) 100 % refused, each with exit 1 and one line saying why, file bytes unchanged (sha256), nothing created; $identical reads (${#reads[@]} in each) identical to the writable copy's; self-test: ${#writes[@]}/${#writes[@]} writes to a writable file caught ($(seconds_since "$start") s)"
