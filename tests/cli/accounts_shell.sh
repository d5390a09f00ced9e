#!/usr/bin/env bash
# Issue 13 item 1, what a golden file cannot show:
#   1. without --password-stdin, `user add` and `user passwd` ask for the password twice on the terminal (a
#      pseudo-terminal here) without echoing it, and refuse (exit 2, nothing written) when the two differ;
#      without a terminal at all (setsid) they say to use --password-stdin (exit 2);
#   2. the file never holds a token or a password, only their hashes: the bytes of the ledger (and of its
#      write-ahead log) are searched for each token `token create` printed and each password given;
#   3. an account entry's terms are in its hash: the account_events row edited behind fundflow's back makes
#      verify exit 4 naming the entry (more in T2, case h).
source "$(dirname "$0")/lib.sh"
python=${PYTHON3:-python3}
command -v "$python" >/dev/null || { echo "skip: accounts-shell: no python3 for the pseudo-terminal"; exit 0; }
F init >/dev/null && F project add P001 --name 县级融媒体中心建设项目 --date 2020-01-02 >/dev/null || fail "init"

# 1. The terminal: a pseudo-terminal whose output is everything fundflow wrote to it (prompts and echo).
on_terminal() { # ANSWER1 ANSWER2 -- fundflow args: prints "rc=N" then what the terminal showed
    local a1=$1 a2=$2; shift 3
    "$python" - "$a1" "$a2" "$bin" --db "$db" "$@" <<'PY'
import os, pty, sys, time
answers = [sys.argv[1], sys.argv[2]]
argv = sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
shown = b""
# Each answer once its prompt is shown (a prompt ends in ": " or, in Chinese, "："); echo is off by then.
for n, answer in enumerate(answers):
    end = time.time() + 20
    while time.time() < end:
        text = shown.decode("utf-8", "replace")
        if text.count("：") + text.count(": ") >= n + 1:
            break
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.write(fd, answer.encode() + b"\n")
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    shown += chunk
_, status = os.waitpid(pid, 0)
print(f"rc={os.waitstatus_to_exitcode(status)}")
sys.stdout.write(shown.decode("utf-8", "replace"))
PY
}
out=$(on_terminal "typed password 1" "typed password 1" -- user add lisi --role auditor --lang en)
[[ $out == rc=0* ]] || fail "user add on a terminal: $out"
[[ $out == *"Password: "* && $out == *"The same password again: "* ]] || fail "user add did not ask twice: $out"
[[ $out != *"typed password 1"* ]] || fail "the password was echoed on the terminal: $out"
[[ $out == *"user lisi added as auditor"* ]] || fail "user add on a terminal printed: $out"
before=$(F digest)
out=$(on_terminal "typed password 2" "typed password X" -- user passwd lisi)
[[ $out == rc=2* && $out == *"两次输入的密码不一致"* ]] || fail "two different passwords (zh): $out"
[[ $(F digest) == "$before" ]] || fail "two different passwords wrote something"
out=$(on_terminal "typed password 3" "typed password 3" -- user passwd lisi)
[[ $out == rc=0* && $out == *"密码："* && $out == *"再次输入同一密码："* ]] || fail "user passwd on a terminal: $out"
[[ $out != *"typed password 3"* ]] || fail "the new password was echoed on the terminal: $out"
out=$(setsid "$bin" --db "$db" user passwd lisi --lang en 2>&1 </dev/null); rc=$?
((rc == 2)) && [[ $out == *"--password-stdin"* ]] || fail "user passwd without a terminal: exit $rc: $out"

# 2. Only hashes in the file.
secrets=("typed password 1" "typed password 3" "a stdin password")
F user add wangwu --role admin --password-stdin <<<"a stdin password" >/dev/null || fail "user add --password-stdin"
for expires in 30d never; do
    token=$(F token create lisi --expires $expires | head -1)
    [[ $token =~ ^[0-9a-f]{64}$ ]] || fail "token create printed '$token' first, not a token"
    secrets+=("$token")
    json=$(F token create wangwu --expires $expires --format json) || fail "token create --format json"
    secrets+=("$(jq -r .token <<<"$json")")
    [[ $(jq -r .entry.kind <<<"$json") == account ]] || fail "token create's entry: $json"
done
((${#secrets[@]} == 7)) || fail "secrets: ${secrets[*]}"
F verify >/dev/null || fail "verify"
for s in "${secrets[@]}"; do
    for f in "$db" "$db-wal"; do
        [[ -e $f ]] || continue
        grep -qaF -- "$s" "$f" && fail "'$s' is in $(basename "$f") as it was typed or printed"
    done
done
tokens_hashed=$(sqlite3 "$db" "SELECT count(*) FROM account_events WHERE action = 'token' AND length(token_sha256) = 64")
((tokens_hashed == 4)) || fail "$tokens_hashed token hashes in account_events, want 4"
[[ $(sqlite3 "$db" "SELECT count(*) FROM account_events WHERE password_hash GLOB '\$argon2id\$v=19\$m=65536,t=2,p=1\$*'") == 3 ]] ||
    fail "the password hashes are not argon2id with the interactive limits"

# 3. An account entry's terms are in its hash.
entry=$(sqlite3 "$db" "SELECT entry_id FROM account_events WHERE action = 'create' AND user = 'lisi'")
copy_ledger "$db" "$d/t.db"
tamper "$d/t.db" "UPDATE account_events SET role = 'admin' WHERE entry_id = $entry"
FUNDFLOW_LANG=en "$bin" --db "$d/t.db" verify >/dev/null 2>"$d/err"; rc=$?
((rc == 4)) && grep -qF "entry #$entry" "$d/err" || fail "lisi made admin behind fundflow's back: verify exit $rc: $(cat "$d/err")"
echo "ok accounts-shell: passwords asked twice without echo on a terminal (refused when they differ, --password-stdin named without one), ${#secrets[@]} tokens and passwords absent from the file's bytes, an edited role caught by verify"
