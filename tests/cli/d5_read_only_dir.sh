#!/usr/bin/env bash
# reliability.md D5 (the part about reads): a ledger on read-only media — here a directory and file made
# immutable with `chattr +i`, as on a read-only mount or an archived copy handed to an auditor — can be
# read: every reading command exits 0 with the same output as on a writable copy, and writing commands
# fail cleanly (exit 1 or, in auditor mode, 2; one line). Skipped with a 'skip:' line where chattr +i is
# unavailable (tmpfs, no CAP_LINUX_IMMUTABLE).
source "$(dirname "$0")/lib.sh"
seed_ledger || fail "posting the seed ledger"
command -v chattr >/dev/null || { echo "skip: no chattr"; echo "ok d5-read-only-dir: skipped"; exit 0; }
ro=$(mktemp -d "${TMPDIR:-/tmp}/fundflow-d5-XXXXXX")
trap 'chattr -i "$ro" "$ro/ledger.db" 2>/dev/null; rm -rf "$ro"; cleanup' EXIT
copy_ledger "$db" "$ro/ledger.db"
if ! chattr +i "$ro/ledger.db" "$ro" 2>"$d/err"; then
    echo "skip: chattr +i does not work here: $(head -c 120 "$d/err")"; echo "ok d5-read-only-dir: skipped"; exit 0
fi
problems=()
for r in "report execution P001 --year 2020 --format json" "balance --as-of 2021-12-31" "log --format csv" \
         "show 5 --format json" "verify" "digest"; do
    read -ra words <<<"$r"
    "$bin" --db "$db" "${words[@]}" >"$d/plain" 2>&1
    "$bin" --db "$ro/ledger.db" "${words[@]}" >"$d/out" 2>"$d/err"; rc=$?
    if ((rc != 0)); then problems+=("'$r' on read-only media: exit $rc: $(cat "$d/err")")
    elif ! cmp -s "$d/plain" "$d/out"; then problems+=("'$r' on read-only media: different output"); fi
done
"$bin" --db "$ro/ledger.db" arrive P2 --level provincial --amount 1 --date 2021-03-05 >/dev/null 2>"$d/err"; rc=$?
((rc == 1)) && one_line_error "$d/err" || problems+=("a posting on read-only media: exit $rc, want 1 with one line: $(cat "$d/err")")
if ((${#problems[@]} > 0)); then
    printf '  %s\n' "${problems[@]}"
    fail "${#problems[@]} problems reading a ledger on read-only media"
fi
echo "ok d5-read-only-dir: every read works on read-only media"
