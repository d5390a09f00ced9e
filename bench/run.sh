#!/usr/bin/env bash
# Builds fundflow_bench (Release, in build-bench/) and runs it.
#
#   bash bench/run.sh            full size: 100,000 posts, 1,000 single posts, a 1,000,000-entry ledger
#   bash bench/run.sh --quick    smoke test: 10,000 posts, 200 single posts, a 100,000-entry ledger
#
# Any other argument goes to fundflow_bench (e.g. --json, --repeat 9, --keep, --dir DIR). The ledger
# files go to a fresh directory under ${TMPDIR:-/tmp} (never into the repository), which is removed at
# the end unless --keep or --dir is given.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build-bench"

sizes=()
args=()
own_dir=1
keep=0
for arg in "$@"; do
  case "$arg" in
    --quick) sizes=(--posts 10000 --single-posts 200 --ledger-entries 100000 --repeat 3) ;;
    --dir) own_dir=0; args+=("$arg") ;;
    --keep) keep=1; args+=("$arg") ;;
    *) args+=("$arg") ;;
  esac
done

log=$(mktemp "${TMPDIR:-/tmp}/fundflow-bench-build.XXXXXX")
if ! { cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFUNDFLOW_BUILD_TESTS=OFF &&
       cmake --build "$build" -j2 --target fundflow_bench; } >"$log" 2>&1; then
  cat "$log" >&2
  rm -f -- "$log"
  echo "fundflow_bench: the Release build failed (output above)" >&2
  exit 1
fi
rm -f -- "$log"

dir_args=()
if [[ $own_dir -eq 1 ]]; then
  dir=$(mktemp -d "${TMPDIR:-/tmp}/fundflow-bench.XXXXXX")
  if [[ $keep -eq 0 ]]; then
    trap 'rm -rf -- "$dir"' EXIT
  else
    echo "fundflow_bench: keeping the ledger files in $dir" >&2
  fi
  dir_args=(--dir "$dir")
fi

"$build/bench/fundflow_bench" "${dir_args[@]}" "${sizes[@]}" "${args[@]}"
