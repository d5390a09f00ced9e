#!/usr/bin/env bash
# Every harness proves it can fail (reliability.md): runs a test against a sabotaged fundflow — a test-only
# build, or a wrapper around the real binary, that breaks one promise — and succeeds only if the test FAILS.
# The last line is 'ID-can-fail: …' for the tests of reliability.md (T1, T2, S1, S3), else 'ok: …'.
#
#   bash can_fail.sh PATH/TO/fundflow MODE TEST.sh|FILE.test
#
# MODE:
#   build              PATH/TO/fundflow is itself a test-only build that breaks a promise (cli/CMakeLists.txt),
#                      e.g. fundflow-verify-disabled, whose verify checks nothing and says ok; used as it is
#   verify-always-ok   `verify` prints the intact-chain line and exits 0 whatever the file holds
#   ignore-read-only   --read-only and FUNDFLOW_READ_ONLY are dropped before the real program sees them
#   mangle-text        ASCII quotes in arguments become typographic ones (a "helpful" normalisation)
#   no-triggers        `init` creates the ledger, then drops every trigger of the file that refuses (RAISE)
#   wrong-chain-doc    tests/tools/verify_chain.py with os_user left out of the encoding
set -u
real=${1:?usage: can_fail.sh PATH/TO/fundflow MODE TEST}; mode=${2:?mode}; test=${3:?test}
here=$(cd "$(dirname "$0")" && pwd)
real=$(cd "$(dirname "$real")" && pwd)/$(basename "$real")
w=$(mktemp -d "${TMPDIR:-/tmp}/fundflow-can-fail-XXXXXX")
trap 'rm -rf "$w"' EXIT
fake=$w/fundflow
what="a fundflow sabotaged with '$mode'"
case $mode in
build)
    fake=$real
    what="the test-only build $(basename "$real")"
    ;;
verify-always-ok)
    cat >"$fake" <<EOS
#!/usr/bin/env bash
for a in "\$@"; do
    if [[ \$a == verify ]]; then echo "ok: 0 entries, chain intact, head \$(printf '0%.0s' {1..64})"; exit 0; fi
done
exec "$real" "\$@"
EOS
    ;;
ignore-read-only)
    cat >"$fake" <<EOS
#!/usr/bin/env bash
unset FUNDFLOW_READ_ONLY
args=()
for a in "\$@"; do [[ \$a == --read-only ]] || args+=("\$a"); done
exec "$real" "\${args[@]}"
EOS
    ;;
mangle-text)
    cat >"$fake" <<EOS
#!/usr/bin/env bash
args=()
for a in "\$@"; do a=\${a//\\'/’}; args+=("\${a//\\"/”}"); done
exec "$real" "\${args[@]}"
EOS
    ;;
no-triggers)
    cat >"$fake" <<EOS
#!/usr/bin/env bash
"$real" "\$@"; rc=\$?
db=./fundflow.db; prev=
for a in "\$@"; do [[ \$prev == --db ]] && db=\$a; prev=\$a; done
for a in "\$@"; do
    if [[ \$a == init && \$rc == 0 ]]; then
        for t in \$(sqlite3 "\$db" "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND sql LIKE '%RAISE(%'"); do sqlite3 "\$db" "DROP TRIGGER \$t"; done
    fi
done
exit \$rc
EOS
    ;;
wrong-chain-doc)
    mkdir -p "$w/tests/cli" "$w/tests/tools" "$w/docs"
    cp "$here"/*.sh "$w/tests/cli/" && cp "$here/../../docs/hash-chain.md" "$w/docs/"
    sed 's/("os_user", os_user), //' "$here/../tools/verify_chain.py" >"$w/tests/tools/verify_chain.py"
    cmp -s "$here/../tools/verify_chain.py" "$w/tests/tools/verify_chain.py" && { echo "FAIL: could not sabotage verify_chain.py"; exit 1; }
    test=$w/tests/cli/$(basename "$test")
    fake=$real
    ;;
*) echo "FAIL: unknown mode $mode"; exit 1 ;;
esac
[[ $fake == "$real" ]] || chmod +x "$fake"
case $test in
*.test) out=$(bash "$here/run_golden.sh" "$fake" "$test" 2>&1) ;;
*) out=$(bash "$test" "$fake" 2>&1) ;;
esac
rc=$?
if ((rc == 0)); then
    echo "$out" | tail -n 5
    echo "FAIL: $(basename "$test") passed against $what: it cannot catch that"
    exit 1
fi
first=$(echo "$out" | grep -m1 -E '^(FAIL|  )' | cut -c1-200)
echo "$first"
case $(basename "$test") in
t1_triggers.sh) id=T1 ;; t2_tamper.sh) id=T2 ;; s1_text.sh) id=S1 ;; s3_read_only.sh) id=S3 ;; *) id= ;;
esac
if [[ -n $id ]]; then
    echo "$id-can-fail: $(basename "$test") against $what fails as it must ('$(sed 's/^ *//' <<<"${first:0:80}")…')"
else
    echo "ok: $(basename "$test") fails against $what"
fi
