#!/usr/bin/env bash
# reliability.md S3: auditor mode. With --read-only (before or after the command words) or
# FUNDFLOW_READ_ONLY=1, every writing command of cli.md is refused with exit 2 and one line saying so,
# and the ledger file's bytes are unchanged (a file that does not exist yet is not created). Every
# reading command still works and prints exactly what it prints without auditor mode. Reads also work
# on a file made immutable with `chattr +i` (skipped with a 'skip:' line where chattr is unavailable).
# Commands of cli.md that this build does not have yet are listed with 'skip:'.
source "$(dirname "$0")/lib.sh"
seed_ledger || fail "posting the seed ledger"
F user add lisi --role accountant --projects P001 --password-stdin <<<"s3 password" >/dev/null || fail "adding a user"
before=$(file_sum)
problems=()
problem() { problems+=("$*"); }
n=0
have() { # the command words exist in this build
    local words=("$@")
    if ((${#words[@]} == 2)); then "$bin" "${words[0]}" --help 2>/dev/null | grep -qE "^  ${words[1]} "; return; fi
    "$bin" --help | grep -qE "^  ${words[0]} "
}

# Writing commands with valid arguments: each would succeed (or be refused by a rule) without auditor mode.
writes=(
    "init"
    "project add P9 --name 新项目"
    "contract add P001 --contract C9 --supplier 新供应商 --amount 1000"
    "appropriate P001 --level county --amount 1 --date 2020-12-01"
    "adjust P001 --level county --amount 1 --date 2020-12-01 --ref 调9 --memo 追加"
    "arrive P001 --level county --amount 1 --date 2020-12-01"
    "pay P001 --level county --amount 1 --date 2020-12-01"
    "refund P001 --level county --amount 1 --date 2020-12-21 --ref 退9"
    "retain P001 --contract C001 --level county --amount 1 --date 2020-12-01 --accepted 2020-11-20"
    "release P001 --contract C001 --date 2022-12-01"
    "forfeit P001 --contract C001 --amount 1 --date 2022-12-01 --memo 维修"
    "recover P001 --level county --amount 1 --date 2020-12-31 --memo 收回"
    "reverse 6 --reason 冲销"
    "close-year P001 --year 2020"
    "import $d/import.csv"
    "user add wangwu --role auditor --password-stdin"
    "user disable lisi"
    "user passwd lisi --password-stdin"
    "user role lisi --role admin"
    "token create lisi"
)
printf 'kind,date,project,level,amount\narrival,2020-12-01,P001,county,1\n' >"$d/import.csv"
for w in "${writes[@]}"; do
    read -ra words <<<"$w"
    if [[ ${words[0]} == project || ${words[0]} == contract ]]; then have "${words[0]}" "${words[1]}"; else have "${words[0]}"; fi ||
        { echo "skip: '${words[0]}' is not in this build yet (cli.md lists it)"; continue; }
    for mode in flag-before flag-after env env-true; do
        case $mode in
        flag-before) FUNDFLOW_READ_ONLY= "$bin" --db "$db" --read-only "${words[@]}" ;;
        flag-after) "$bin" "${words[@]}" --db "$db" --read-only ;;
        env) FUNDFLOW_READ_ONLY=1 "$bin" --db "$db" "${words[@]}" ;;
        env-true) FUNDFLOW_READ_ONLY=true "$bin" --db "$db" "${words[@]}" ;;
        esac >"$d/out" 2>"$d/err" <<<"s3 new password"
        rc=$?
        n=$((n + 1))
        ((rc == 2)) || problem "$mode '$w': exit $rc, want 2 ($(head -c 200 "$d/err"))"
        one_line_error "$d/err" || problem "$mode '$w': stderr is not one 'fundflow: ' line: $(head -c 300 "$d/err")"
        grep -q "read-only" "$d/err" || problem "$mode '$w': the message does not say read-only: $(cat "$d/err")"
        [[ -s $d/out ]] && problem "$mode '$w': printed on stdout: $(head -c 200 "$d/out")"
    done
    [[ $(file_sum) == "$before" ]] || { problem "'$w' in auditor mode changed the file"; before=$(file_sum); }
done
# Not even created.
"$bin" --db "$d/new.db" --read-only init >/dev/null 2>&1
FUNDFLOW_READ_ONLY=1 "$bin" --db "$d/new2.db" init >/dev/null 2>&1
[[ ! -e $d/new.db && ! -e $d/new2.db ]] || problem "init in auditor mode created a file"
# FUNDFLOW_READ_ONLY=0 (or empty) is not auditor mode.
FUNDFLOW_READ_ONLY=0 "$bin" --db "$d/new3.db" init >/dev/null 2>&1 || problem "FUNDFLOW_READ_ONLY=0 refused init"

# Reading commands: identical output in auditor mode, in the normal mode, and on an immutable file.
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
    "show 11"
    "verify"
    "verify --format json"
    "digest"
    "warranty list --as-of 2022-12-25 --format json"
    "export --to csv"
    "project list --as-of 2021-12-31"
    "contract list --format json"
    "log --contract C001 --level county --posted-by zhangsan"
    "user list"
    "user list --format json"
    "log --kind account --format csv"
)
immutable=
if command -v chattr >/dev/null; then
    # chattr needs a disk file system (not tmpfs) and the capability to set the flag.
    idir=$(mktemp -d "${TMPDIR:-/tmp}/fundflow-s3-XXXXXX")
    copy_ledger "$db" "$idir/ledger.db"
    if chattr +i "$idir/ledger.db" 2>"$d/chattr.err"; then
        immutable=$idir/ledger.db
        trap 'chattr -i "$idir/ledger.db" 2>/dev/null; rm -rf "$idir"; cleanup' EXIT
    else
        echo "skip: chattr +i does not work here ($(head -c 120 "$d/chattr.err")): no immutable-file reads"
        rm -rf "$idir"
    fi
else
    echo "skip: no chattr: no immutable-file reads"
fi
for r in "${reads[@]}"; do
    read -ra words <<<"$r"
    if [[ ${words[0]} == report || ${words[0]} == warranty || ${words[1]:-} == list ]]; then have "${words[0]}" "${words[1]}"; else have "${words[0]}"; fi ||
        { echo "skip: '${words[0]}' is not in this build yet (cli.md lists it)"; continue; }
    if ! "$bin" --db "$db" "${words[@]}" >"$d/plain" 2>"$d/err"; then
        grep -q "not available yet" "$d/err" && { echo "skip: '$r' is not in this build yet"; continue; }
        problem "'$r' fails: $(cat "$d/err")"; continue
    fi
    for mode in flag-before flag-after env immutable; do
        case $mode in
        flag-before) "$bin" --db "$db" --read-only "${words[@]}" ;;
        flag-after) "$bin" "${words[@]}" --db "$db" --read-only ;;
        env) FUNDFLOW_READ_ONLY=1 "$bin" --db "$db" "${words[@]}" ;;
        immutable) [[ -n $immutable ]] || continue
                   FUNDFLOW_READ_ONLY=1 "$bin" --db "$immutable" "${words[@]}" ;;
        esac >"$d/out" 2>"$d/err"
        rc=$?
        n=$((n + 1))
        if ((rc != 0)); then
            problem "$mode '$r': exit $rc ($(head -c 200 "$d/err"))"
        elif ! cmp -s "$d/plain" "$d/out"; then
            problem "$mode '$r': the output differs from the normal mode's"
        fi
    done
done
[[ $(file_sum) == "$before" ]] || problem "reads changed the file"
if [[ -n $immutable ]]; then
    # Writing to an immutable file without auditor mode fails cleanly (exit 1, one line).
    "$bin" --db "$immutable" arrive P2 --level provincial --amount 1 --date 2021-03-05 >/dev/null 2>"$d/err"; rc=$?
    ((rc == 1)) || problem "a posting to an immutable file exited $rc, want 1: $(cat "$d/err")"
    one_line_error "$d/err" || problem "a posting to an immutable file: stderr is not one line: $(cat "$d/err")"
fi

if ((${#problems[@]} > 0)); then
    printf '  %s\n' "${problems[@]}"
    fail "${#problems[@]} problems in $n auditor-mode runs"
fi
echo "S3: ${#writes[@]} writing commands × 4 ways into auditor mode (--read-only before and after the command, FUNDFLOW_READ_ONLY=1 and =true) refused with exit 2 and one line, file bytes unchanged, nothing created; ${#reads[@]} reading commands identical in auditor mode$([[ -n $immutable ]] && echo ' and on an immutable file'); $n runs"
