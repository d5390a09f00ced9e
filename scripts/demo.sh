#!/usr/bin/env bash
# The seed's case end to end: install what is missing, build, post the seed's project on a fresh ledger
# and print its budget execution form (预算执行情况). Usage: bash scripts/demo.sh [LEDGER_FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFUNDFLOW_BUILD_TESTS=OFF -DFUNDFLOW_BUILD_BENCH=OFF >/dev/null
cmake --build build -j"$(nproc)" --target fundflow >/dev/null
db=${1:-build/demo.db}
rm -f "$db" "$db-wal" "$db-shm"
ff() { build/cli/fundflow --db "$db" --user 会计 "$@" >/dev/null; }
# domain.md §7: appropriation → arrival → contract with 5 % retention → payment → retention.
ff init
ff project add P001 --name 县级融媒体中心建设项目 --func-code 2070808 --date 2020-01-15
ff appropriate P001 --level county --amount 1,259,500.00 --date 2020-01-15 --ref 县财预[2020]1号
ff arrive P001 --level county --amount 1,259,500.00 --date 2020-03-01 --ref 到位-001
ff contract add P001 --contract C001 --supplier 某传媒设备有限公司 --amount 1,259,500.00 \
   --retention-rate 5% --warranty-months 24 --date 2020-04-10
ff pay P001 --level county --amount 1,196,525.00 --date 2020-11-30 --contract C001 --ref 付-001
ff retain P001 --contract C001 --level county --amount 62,975.00 --date 2020-11-30 --accepted 2020-11-20
build/cli/fundflow --db "$db" report execution P001 --year 2020
echo
build/cli/fundflow --db "$db" verify
echo "(ledger file: $db — try: build/cli/fundflow --db $db log)"
