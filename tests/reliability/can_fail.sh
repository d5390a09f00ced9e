#!/usr/bin/env bash
# Every harness proves it can fail (reliability.md): runs a reliability test against a sabotaged fundflow — a
# test-only build, or a wrapper around the real binary, that breaks the promise the test guards — and succeeds
# only if the test FAILS with a FAIL line matching EXPECT (an extended regex), i.e. for the right reason.
# It prints 'ID-can-fail: …' last (ID the test's id), e.g. 'D1-can-fail: …'.
#
#   bash can_fail.sh PATH/TO/fundflow MODE EXPECT TEST.sh [TEST ARGUMENTS…]
#
# MODE:
#   build              PATH/TO/fundflow is itself a test-only build that breaks a promise (cli/CMakeLists.txt):
#                      fundflow-ack-before-commit (D1), fundflow-verify-disabled (D6, T2); used as it is
#   flaky-busy         (C1) one posting in ~50 by a user named writer* answers 'fundflow: database is locked'
#                      and exits 1, writing nothing — what deferred transactions or no busy timeout would do
#   drop-ref           (C2) --ref is dropped before the real program sees it: retries are not idempotent
#   split-pay          (C5) `pay` posts its amount as two halves in two transactions (check-then-act split):
#                      a racer can spend half and lose the rest of the race
#   verify-always-ok   (D6) `verify` prints the ok line of an intact ledger and exits 0 whatever the file holds
#   crash-on-corrupt   (D6) `verify` dies of SIGSEGV where the real one reports a problem (exit 1 or 4)
#   split-read         (C6) `report` and `balance --format json` are put together from two reads 0.3 s apart
#                      (county figures from the first, the rest from the second): what a read made of
#                      several statements, each seeing a later state, prints
#   chunked-import     (D1) `import` posts the file in chunks of 500 rows, one transaction each (non-atomic)
#   ack-before-commit  (D1) `import` prints its summary and exits 0 while the real import is still running,
#                      and that import is then killed before it could finish (a crash after the acknowledgement;
#                      the test-only build fundflow-ack-before-commit is the stricter proof)
set -u
real=${1:?usage: can_fail.sh PATH/TO/fundflow MODE EXPECT TEST.sh [ARGS…]}; mode=${2:?mode}; expect=${3:?expect}
test=${4:?test}
shift 4
real=$(cd "$(dirname "$real")" && pwd)/$(basename "$real")
w=$(mktemp -d "${TMPDIR:-/tmp}/fundflow-rel-can-fail-XXXXXX")
trap 'rm -rf "$w"' EXIT
fake=$w/fundflow
id=$(sed -n 's/^test_id=\([A-Z][0-9]*\).*/\1/p' "$test" | head -n1)
# Each wrapper starts by finding the command word (the first argument that is not an option or its value).
find_command='cmd=; skip=0
for a in "$@"; do
    if ((skip)); then skip=0; continue; fi
    case $a in
    --db | --user | --format | --unit | --lang | --as-of | --known-at) skip=1 ;;
    -*) ;;
    *) cmd=$a; break ;;
    esac
done'
case $mode in
build)
    fake=$real
    what="the test-only build $(basename "$real")"
    ;;
flaky-busy)
    cat >"$fake" <<EOS
#!/usr/bin/env bash
$find_command
# Only the postings of the writers (C1 posts as --user writerN), not the test's own setup.
if [[ \$cmd =~ ^(arrive|pay)\$ && " \$* " == *" --user writer"* ]] && ((RANDOM % 50 == 0)); then
    echo "fundflow: database is locked" >&2
    exit 1
fi
exec "$real" "\$@"
EOS
    ;;
drop-ref)
    cat >"$fake" <<EOS
#!/usr/bin/env bash
args=(); skip=0
for a in "\$@"; do
    if ((skip)); then skip=0; continue; fi
    case \$a in --ref) skip=1 ;; --ref=*) ;; *) args+=("\$a") ;; esac
done
exec "$real" "\${args[@]}"
EOS
    ;;
split-pay)
    cat >"$fake" <<EOS
#!/usr/bin/env bash
$find_command
[[ \$cmd == pay ]] || exec "$real" "\$@"
args=(); amount=; skip=0
for a in "\$@"; do
    if ((skip)); then amount=\$a; skip=0; continue; fi
    case \$a in --amount) skip=1 ;; *) args+=("\$a") ;; esac
done
[[ \$amount =~ ^([0-9]+)\.([0-9][0-9])\$ ]] || exec "$real" "\$@"
fen=\$((10#\${BASH_REMATCH[1]} * 100 + 10#\${BASH_REMATCH[2]}))
half=\$((fen / 2))
"$real" "\${args[@]}" --amount "\$((half / 100)).\$(printf %02d \$((half % 100)))" || exit \$?
half=\$((fen - half))
exec "$real" "\${args[@]}" --amount "\$((half / 100)).\$(printf %02d \$((half % 100)))"
EOS
    ;;
verify-always-ok)
    cat >"$fake" <<EOS
#!/usr/bin/env bash
$find_command
if [[ \$cmd == verify ]]; then echo "ok: 48 entries, chain intact, head \$(printf '0%.0s' {1..64})"; exit 0; fi
exec "$real" "\$@"
EOS
    ;;
crash-on-corrupt)
    cat >"$fake" <<EOS
#!/usr/bin/env bash
$find_command
[[ \$cmd == verify ]] || exec "$real" "\$@"
"$real" "\$@"; rc=\$?
if ((rc == 1 || rc == 4)); then kill -SEGV \$\$; fi
exit \$rc
EOS
    ;;
split-read)
    cat >"$fake" <<EOS
#!/usr/bin/env bash
$find_command
[[ \$cmd == report || \$cmd == balance ]] || exec "$real" "\$@"
first=\$("$real" "\$@") || exit \$?
sleep 0.3
second=\$("$real" "\$@") || exit \$?
if [[ \$cmd == report ]]; then
    jq -c --argjson a "\$first" '.columns.county = \$a.columns.county' <<<"\$second"
else
    jq -c --argjson a "\$first" '.rows = ([\$a.rows[] | select(.level == "county")] + [.rows[] | select(.level != "county")])' <<<"\$second"
fi
EOS
    ;;
chunked-import)
    cat >"$fake" <<EOS
#!/usr/bin/env bash
$find_command
[[ \$cmd == import ]] || exec "$real" "\$@"
args=(); file=; seen=0
for a in "\$@"; do
    if ((seen == 1)); then file=\$a; seen=2; continue; fi
    [[ \$a == import && \$seen == 0 ]] && seen=1
    args+=("\$a")
done
chunks=\$(mktemp -d "$w/chunks.XXXXXX")
tail -n +2 "\$file" | split -l 500 - "\$chunks/part."
for part in "\$chunks"/part.*; do
    { head -n 1 "\$file"; cat "\$part"; } >"\$part.csv"
    "$real" "\${args[@]}" "\$part.csv" || exit \$?
done
EOS
    ;;
ack-before-commit)
    cat >"$fake" <<EOS
#!/usr/bin/env bash
$find_command
[[ \$cmd == import ]] || exec "$real" "\$@"
"$real" "\$@" >/dev/null 2>&1 &
pid=\$!
echo "imported (acknowledged before COMMIT)"
sleep "0.\$(printf %03d \$((RANDOM % 200)))"
kill -9 \$pid 2>/dev/null
wait \$pid 2>/dev/null
exit 0
EOS
    ;;
*) echo "FAIL: unknown mode $mode"; exit 1 ;;
esac
[[ $fake == "$real" ]] || chmod +x "$fake"
what=${what:-"a fundflow sabotaged with '$mode'"}
out=$(bash "$test" "$fake" "$@" 2>&1)
rc=$?
if ((rc == 0)); then
    echo "$out" | tail -n 3
    echo "FAIL: $(basename "$test") passed against $what: it cannot catch that"
    exit 1
fi
line=$(echo "$out" | grep -m1 '^FAIL')
if ! grep -qE -- "$expect" <<<"$line"; then
    echo "$out" | tail -n 5
    echo "FAIL: $(basename "$test") failed against $what, but not as expected (/$expect/): ${line:-no FAIL line}"
    exit 1
fi
echo "${line:0:300}"
echo "${id:-?}-can-fail: $(basename "$test") $* against $what fails as it must ('${line:0:80}…')"
