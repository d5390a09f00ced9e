# shellcheck shell=bash disable=SC2034
# Helpers for the shell tests of tests/import (sourced). Each test is run as: bash TEST.sh PATH/TO/fundflow
# It prints 'ok NAME: ...' last and exits 0, or prints 'FAIL: ...' and exits 1.
set -u
bin=${1:?usage: $0 PATH/TO/fundflow}
[[ -x $bin ]] || { echo "FAIL: '$bin' is not an executable"; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The import tests pin the English wording of problems and refusals (the msgids); the Chinese is the
# catalogue's, checked by i18n/catalogue-complete and the lang sweep.
export TZ=Asia/Shanghai FUNDFLOW_USER=zhangsan LC_ALL=C.UTF-8 FUNDFLOW_LANG=en
unset FUNDFLOW_DB FUNDFLOW_READ_ONLY FUNDFLOW_LOG
# Scratch space: a RAM disk when there is one, else $TMPDIR; FUNDFLOW_TEST_TMPDIR overrides.
scratch_root() {
    if [[ -n ${FUNDFLOW_TEST_TMPDIR:-} ]]; then echo "$FUNDFLOW_TEST_TMPDIR"
    elif [[ -d /dev/shm && -w /dev/shm ]]; then echo /dev/shm
    else echo "${TMPDIR:-/tmp}"; fi
}
d=$(mktemp -d "$(scratch_root)/fundflow-import-XXXXXX")
cleanup() { [[ -n ${FUNDFLOW_TEST_KEEP:-} ]] && { echo "kept $d"; return; }; rm -rf "$d"; }
trap cleanup EXIT
db=$d/ledger.db
fail() { echo "FAIL: $*"; exit 1; }
PYTHON3=${PYTHON3:-python3}
for tool in sqlite3 jq "$PYTHON3"; do
    command -v "$tool" >/dev/null || fail "$tool is needed"
done

# fundflow on the test ledger.
F() { "$bin" --db "$db" "$@"; }

# The file's bytes, after folding any WAL into it (so an unchanged ledger hashes the same).
file_sum() {
    local at=${1:-$db}
    sqlite3 "$at" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null 2>&1
    sha256sum "$at" | cut -c1-64
}

# Seconds since the script started, for the closing line.
elapsed() { echo "$SECONDS s"; }
