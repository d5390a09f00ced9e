#!/usr/bin/env bash
# Everything CI runs: install what is missing, build with tests, run every test (unit, property, CLI
# golden, tamper, import/export against the real tools, reliability, the shared contract checks), then
# the suite again built with AddressSanitizer and UndefinedBehaviorSanitizer (reliability.md F6; the
# slow reliability harnesses run once, unsanitized).
# In between, the fuzz targets of tests/fuzz (reliability.md F1). Exits non-zero if anything fails.
# `--no-sanitize` skips fuzzing and the second run (quicker, for development).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFUNDFLOW_BUILD_TESTS=ON -DFUNDFLOW_BUILD_BENCH=ON >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")
# The figures the reliability and tamper tests measured (their last lines), for the record.
echo "== figures =="
grep -hE '^(ok [a-z0-9-]+|[A-Z][0-9]+(-[a-z]+)?):? ' build/Testing/Temporary/LastTest.log | sort -u || true
if [[ ${1:-} != --no-sanitize ]]; then
  echo "== fuzzing (libFuzzer + ASan/UBSan, clang): the saved corpus replayed, then 60 s per target =="
  bash tests/fuzz/run.sh 60
  echo "== the same suite under ASan + UBSan =="
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DFUNDFLOW_SANITIZE=ON -DFUNDFLOW_BUILD_TESTS=ON \
        -DFUNDFLOW_BUILD_BENCH=OFF >/dev/null
  cmake --build build-asan -j"$jobs"
  # The reliability tests (label: reliability) are left out of this run: they measure durability and
  # concurrency with hundreds of processes, which under ASan take up to 6x as long (D1 alone about 6
  # minutes) while adding no code path the rest of the suite does not already run sanitized.
  (cd build-asan && ctest --output-on-failure -j"$jobs" -LE reliability)
fi
