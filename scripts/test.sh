#!/usr/bin/env bash
# Everything CI runs: install what is missing, build with tests, run every test (unit, CLI golden,
# tamper, the shared contract checks). Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFUNDFLOW_BUILD_TESTS=ON -DFUNDFLOW_BUILD_BENCH=ON >/dev/null
cmake --build build -j"$(nproc)"
cd build
ctest --output-on-failure -j"$(nproc)"
