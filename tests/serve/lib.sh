# Helpers for the tests of `fundflow serve` (sourced): bash TEST.sh PATH/TO/fundflow [ARTEFACT_DIR]
set -u
bin=${1:?usage: $0 PATH/TO/fundflow [ARTEFACT_DIR]}
[[ -x $bin ]] || { echo "FAIL: '$bin' is not an executable"; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
export TZ=Asia/Shanghai LC_ALL=C.UTF-8
unset FUNDFLOW_DB FUNDFLOW_READ_ONLY FUNDFLOW_LOG FUNDFLOW_LANG
scratch_root() {
    if [[ -n ${FUNDFLOW_TEST_TMPDIR:-} ]]; then echo "$FUNDFLOW_TEST_TMPDIR"
    elif [[ -d /dev/shm && -w /dev/shm ]]; then echo /dev/shm
    else echo "${TMPDIR:-/tmp}"; fi
}
d=$(mktemp -d "$(scratch_root)/fundflow-serve-XXXXXX")
server_pid=
cleanup() {
    if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
    rm -rf "$d"
}
trap cleanup EXIT
db=$d/ledger.db
fail() { echo "FAIL: $*"; exit 1; }
F() { "$bin" --db "$db" --user 会计 "$@"; }

# The seed's case (scripts/demo.sh, domain.md §7), and a provincial arrival a test can pay from.
post_seed() {
    { F init &&
      F project add P001 --name 县级融媒体中心建设项目 --func-code 2070808 --date 2020-01-15 &&
      F appropriate P001 --level county --amount 1,259,500.00 --date 2020-01-15 --ref '县财预[2020]1号' &&
      F arrive P001 --level county --amount 1,259,500.00 --date 2020-03-01 --ref 到位-001 &&
      F contract add P001 --contract C001 --supplier 某传媒设备有限公司 --amount 1,259,500.00 \
          --retention-rate 5% --warranty-months 24 --date 2020-04-10 &&
      F pay P001 --level county --amount 1,196,525.00 --date 2020-11-30 --contract C001 --ref 付-001 &&
      F retain P001 --contract C001 --level county --amount 62,975.00 --date 2020-11-30 --accepted 2020-11-20 &&
      F appropriate P001 --level provincial --amount 100,000.00 --date 2020-06-01 --ref 省财预-001 &&
      F arrive P001 --level provincial --amount 100,000.00 --date 2020-06-15 --ref 到位-002; } >/dev/null
}

# The one place tests create users: with the real user store (`fundflow user add`) when this fundflow has
# it; until then the stand-in accounts log in any name with password1 (admin → admin, audi → auditor).
make_user() {
    local name=$1 role=$2 password=$3
    # `user --help` exits 0 even where there is no such command (--help is taken first): ask the command list.
    if "$bin" --lang en --help 2>/dev/null | grep -Eq '^ +user +'; then
        printf '%s\n' "$password" | "$bin" --db "$db" user add "$name" --role "$role" --password-stdin >/dev/null ||
            fail "user add $name --role $role"
    fi
}

# Starts `fundflow serve` on a free port; sets $url. The server's stderr goes to $d/serve.log.
start_server() {
    "$bin" --db "$db" serve --listen 127.0.0.1:0 "$@" >"$d/serve.out" 2>"$d/serve.log" &
    server_pid=$!
    local i
    for i in $(seq 1 100); do
        url=$(sed -n 's/^listening on \(http[s]*:\/\/[^ ]*\)$/\1/p' "$d/serve.out")
        [[ -n $url ]] && return 0
        kill -0 "$server_pid" 2>/dev/null || fail "serve exited: $(cat "$d/serve.log")"
        sleep 0.1
    done
    fail "serve printed no 'listening on' line in 10 s"
}

# SIGTERM to the server and wait for it; its exit status in $server_rc.
stop_server() {
    server_rc=
    if [[ -n $server_pid ]]; then
        kill -TERM "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
        server_rc=$?
        server_pid=
    fi
}

# A session token for NAME (POST /api/v1/session), printed.
login() {
    curl -s -H 'Content-Type: application/json' "$url/api/v1/session" \
        -d "{\"user\": \"$1\", \"password\": \"$2\"}" | jq -er .token
}
