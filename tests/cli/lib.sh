# Helpers for the shell tests of tests/cli (sourced). Each test is run as: bash TEST.sh PATH/TO/fundflow
# It prints its figure last and exits 0 — 'ID: …' for the tests of shared/spec/reliability.md (T1, T2, S1,
# S3), 'ok NAME: …' for the others — or prints 'FAIL: ...' and exits 1. A missing precondition prints a
# line starting 'skip:' (never a silent pass).
set -u
bin=${1:?usage: $0 PATH/TO/fundflow}
[[ -x $bin ]] || { echo "FAIL: '$bin' is not an executable"; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export TZ=Asia/Shanghai FUNDFLOW_USER=zhangsan LC_ALL=C.UTF-8
unset FUNDFLOW_DB FUNDFLOW_READ_ONLY FUNDFLOW_LOG
# Scratch space: a RAM disk when there is one (synchronous=FULL makes every posting an fsync, which on a
# disk turns seconds into tens of seconds), else $TMPDIR. FUNDFLOW_TEST_TMPDIR overrides.
scratch_root() {
    if [[ -n ${FUNDFLOW_TEST_TMPDIR:-} ]]; then echo "$FUNDFLOW_TEST_TMPDIR"
    elif [[ -d /dev/shm && -w /dev/shm ]]; then echo /dev/shm
    else echo "${TMPDIR:-/tmp}"; fi
}
d=$(mktemp -d "$(scratch_root)/fundflow-cli-XXXXXX")
cleanup() { chattr -R -i "$d" 2>/dev/null; rm -rf "$d"; }
trap cleanup EXIT
db=$d/ledger.db
fail() { echo "FAIL: $*"; exit 1; }
for tool in sqlite3 jq; do
    command -v "$tool" >/dev/null || fail "$tool is needed (apt-get install $tool)"
done

# fundflow on the test ledger.
F() { "$bin" --db "$db" "$@"; }

# Exactly the seed's case (domain.md §7), nothing else, in the ledger at $db.
post_exact_seed() {
    { F init && F project add P001 --name 县级融媒体中心建设项目 --date 2020-01-02 &&
      F appropriate P001 --level county --amount 125.95万 --date 2020-01-15 &&
      F arrive P001 --level county --amount 1259500 --date 2020-03-01 &&
      F contract add P001 --contract C001 --supplier 某传媒设备有限公司 --amount 1259500 --retention-rate 5% --date 2020-04-01 &&
      F pay P001 --level county --amount 1196525 --date 2020-11-30 --contract C001 &&
      F retain P001 --contract C001 --level county --date 2020-11-30 --accepted 2020-11-20; } >/dev/null
}

# The seed's sheet of indicators (docs/examples, a copy of the one in shared/spec/cli.md, so that a clone alone
# passes; tests/cli/readme_tour.sh checks the copy against the spec when ../shared is there) into $d/ind.csv.
seed_sheet() {
    cp "$here/../../docs/examples/indicators-P001-2020.csv" "$d/ind.csv" && [[ $(wc -l <"$d/ind.csv") == 10 ]]
}

# The seed's case (domain.md §7) plus a second project, a reversal and an SME contract with CJK text, in
# the ledger at $1 (default $db). 12 entries.
seed_ledger() {
    local at=${1:-$db}
    G() { "$bin" --db "$at" "$@" >/dev/null; }
    G init &&
    G project add P001 --name 县级融媒体中心建设项目 --unit-name 县融媒体中心 --func-code 2070808 --date 2020-01-02 &&
    G appropriate P001 --level county --amount 125.95万 --date 2020-01-15 --ref 预2020-01 --memo 年初预算批复 &&
    G arrive P001 --level 县区级 --amount 1,259,500.00 --date 2020-03-01 &&
    G contract add P001 --contract C001 --supplier 某传媒设备有限公司 --amount 1259500 --retention-rate 5% --warranty-months 24 --date 2020-04-01 --sme &&
    G pay P001 --level county --amount 1196525 --date 2020-11-30 --contract C001 --ref 付2020-11 &&
    G retain P001 --contract C001 --level county --amount 62975 --date 2020-11-30 --accepted 2020-11-20 &&
    G project add P2 --name "乡村道路 (Rural roads) 🚧" --date 2021-01-02 &&
    G appropriate P2 --level provincial --amount 100万 --date 2021-01-10 &&
    G arrive P2 --level provincial --amount 60万 --date 2021-02-01 &&
    G pay P2 --level provincial --amount 2500.5 --date 2021-03-01 --memo "重复录入的付款" --user lisi &&
    G reverse 10 --reason 重复录入 &&
    G refund P001 --level county --amount 1000 --date 2020-12-20 --ref 退2020-01 --contract C001
}

# The file's bytes, after folding any WAL into it (so an unchanged ledger hashes the same).
file_sum() {
    local at=${1:-$db}
    sqlite3 "$at" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null 2>&1
    sha256sum "$at" | cut -c1-64
}

# Raw sqlite3 with triggers disabled, as a tamperer would use it. Prints nothing.
tamper() {
    local at=$1; shift
    sqlite3 "$at" ".dbconfig enable_trigger off" "$@" >/dev/null
}

# rebuild_totals_sql LEDGER: shared with the other test library.
source "$(dirname "${BASH_SOURCE[0]}")/../tools/rebuild_totals.sh"

# A copy of the ledger: the main file is the whole ledger once every connection has closed (fundflow and
# sqlite3 fold the WAL back into it when they exit).
copy_ledger() {
    [[ ! -s $1-wal ]] || fail "$1 has a non-empty WAL: a connection is still open?"
    cp "$1" "$2" && rm -f "$2-wal" "$2-shm"
}

# Exactly one line on stderr beginning 'fundflow: ' (cli.md).
one_line_error() {
    perl -0777 -ne 'exit(/\Afundflow: [^\n]+\n\z/ ? 0 : 1)' "$1"
}

# reads_match EXPECTED: each read recorded by an older program in EXPECTED (a "# command" line, then its JSON:
# tests/fixtures/make_v*.sh) reads the same now on $db: every key the old program printed has the same value (a
# newer program may add keys). Prints the number of reads; on a difference it prints a FAIL line and returns 1
# (use: reads=$(reads_match F) || { echo "$reads"; exit 1; }). Without python3: a 'skip:' line on stderr and 0.
reads_match() {
    local expected=$1 cmd json now count=0
    local python=${PYTHON3:-python3}
    command -v "$python" >/dev/null || { echo "skip: reads of $(basename "$expected"): no python3" >&2; echo 0; return 0; }
    while IFS= read -r cmd && IFS= read -r json; do
        [[ $cmd == "# "* ]] || fail "malformed $(basename "$expected") near '$cmd'"
        # shellcheck disable=SC2086
        now=$(F ${cmd#\# } --format json) || fail "'${cmd#\# }' failed after the upgrade"
        "$python" - "$json" "$now" "${cmd#\# }" <<'PY' || fail "the upgraded ledger reads differently (above)"
import json, sys
old, new, cmd = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
def within(a, b, path):
    if isinstance(a, dict):
        if not isinstance(b, dict):
            sys.exit(f"{cmd}: {path}: was an object, now {b!r}")
        for k, v in a.items():
            if k not in b:
                sys.exit(f"{cmd}: {path}.{k}: missing now")
            within(v, b[k], f"{path}.{k}")
    elif isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            sys.exit(f"{cmd}: {path}: {len(a)} items before, now {b!r:.200}")
        for i, (x, y) in enumerate(zip(a, b)):
            within(x, y, f"{path}[{i}]")
    elif a != b:
        sys.exit(f"{cmd}: {path}: {a!r} before, {b!r} now")
within(old, new, "")
PY
        count=$((count + 1))
    done <"$expected"
    echo "$count"
}

# seed_ledger, then a record of every kind a ledger holds (units, a unit's project, amendments, a closed and
# reopened year, an account, an import's record, an idempotency key) in $db; sets $kinds to the entry kinds.
seed_every_record() {
    seed_ledger || return 1
    G() { "$bin" --db "$db" "$@" >/dev/null || fail "setup: $*"; }
    G unit add 省厅 --name 某省财政厅 --date 2020-01-01
    G unit add 县局 --name 某县财政局 --parent 省厅 --date 2020-01-01
    G project add P3 --name 单位项目 --unit 县局 --date 2021-01-02
    G project amend P001 --name 县级融媒体中心建设项目（二期） --date 2021-03-01 --memo 批复更名
    G contract amend P001 --contract C001 --amount 1,300,000 --date 2021-03-01 --memo 补充协议一
    G close-year P001 --year 2020
    G reopen-year P001 --year 2020 --reason 审计调整
    printf 'wangwu password\n' | G user add wangwu --role accountant --projects P001 --password-stdin
    printf 'kind,date,project,level,amount,ref\narrival,2021-02-03,P2,provincial,1000,到2021-x\n' >"$d/import.csv"
    G import "$d/import.csv"
    sqlite3 "$db" "INSERT INTO idempotency_keys (user, key, request_sha256, entry_id, recorded_at) VALUES ('wangwu', 'k-1', '$(printf 'a%.0s' {1..64})', 5, '2026-01-01T00:00:00.000000Z')" ||
        fail "setup: an idempotency key"
    kinds=$(sqlite3 "$db" "SELECT group_concat(kind, ',') FROM (SELECT DISTINCT kind FROM entries ORDER BY kind)")
}
