#!/usr/bin/env bash
# Runs one of the service's python tests (tests/serve/*.py, python3 stdlib only) on the given fundflow:
#   bash tests/serve/run.sh attack_test.py PATH/TO/fundflow [ARGS...]
# Each prints its figure lines ('SV1 …') and a last line 'SV1: …' and exits 0, or 'FAIL SV1: …' and exits 1;
# a check that needs the real user store prints 'skip: SV1: … skipped (accounts not built)' under the stand-in.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
test=${1:?usage: $0 TEST.py PATH/TO/fundflow [ARGS...]}
bin=${2:?usage: $0 TEST.py PATH/TO/fundflow [ARGS...]}
shift 2
command -v python3 >/dev/null || { echo "skip: serve: python3 is not installed"; exit 0; }
[[ -x $bin ]] || { echo "FAIL: '$bin' is not an executable"; exit 1; }
exec python3 "$here/$test" "$bin" "$@"
