#!/usr/bin/env bash
# SV1 and SV2 prove they can fail (reliability.md): each runs against the test-only build fundflow-serve-sabotage
# (cli/CMakeLists.txt) with one promise broken, and this succeeds only if the test FAILS for that reason.
#   bash tests/serve/can_fail.sh TEST.py PATH/TO/fundflow-serve-sabotage SABOTAGE REGEX [ARGS...]
# SABOTAGE: csrf (cookie writes pass without their CSRF header) or idempotency (Idempotency-Key ignored);
# REGEX: what the test's FAIL line or one of its problem lines must say.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
test=${1:?usage}; bin=${2:?usage}; sabotage=${3:?usage}; want=${4:?usage}
shift 4
out=$(FUNDFLOW_TEST_SERVE_SABOTAGE=$sabotage bash "$here/run.sh" "$test" "$bin" "$@" 2>&1)
rc=$?
id=$(grep -oE '^(FAIL )?SV[0-9]+' <<<"$out" | tail -1 | sed 's/^FAIL //')
if grep -q '^skip: serve: ' <<<"$out"; then  # no python3 (run.sh)
    echo "skip: ${id:-SV}-can-fail: $(grep '^skip: serve: ' <<<"$out" | head -1)"; exit 0
fi
if ((rc == 0)); then
    echo "FAIL ${id}-can-fail: $test passed against fundflow sabotaged with '$sabotage': it cannot catch that"
    tail -3 <<<"$out"
    exit 1
fi
if ! grep -qE "$want" <<<"$out"; then
    echo "FAIL ${id}-can-fail: $test failed against '$sabotage', but not saying /$want/:"
    tail -5 <<<"$out"
    exit 1
fi
echo "${id}-can-fail: against fundflow sabotaged with '$sabotage' it fails as it must: $(grep -E "$want" <<<"$out" | head -1 | sed 's/^ *problem: //' | cut -c1-200)"
