# Helpers for the shell tests of tests/serve (sourced after tests/cli/lib.sh, which sets $bin, $d, $db, F).
#   start_server [OPTIONS…]   starts `fundflow serve --listen 127.0.0.1:0 OPTIONS` on $db; sets $server
#                             (its pid) and $url from its one stdout line; stdout/stderr in $d/serve.out/.err
#   stop_server               SIGTERM, and waits for it
#   make_user NAME ROLE PASSWORD [PROJECTS]   a user in the ledger (fundflow user add … --password-stdin)
#   login NAME PASSWORD       prints the session token (POST /api/v1/session)
server=
start_server() {
    "$bin" --db "$db" serve --listen 127.0.0.1:0 "$@" >"$d/serve.out" 2>"$d/serve.err" &
    server=$!
    local i
    for i in $(seq 1 100); do
        [[ -s $d/serve.out ]] && break
        kill -0 "$server" 2>/dev/null || fail "serve exited before listening: $(cat "$d/serve.err")"
        sleep 0.05
    done
    url=$(sed -n 's/^listening on //p' "$d/serve.out")
    [[ -n $url ]] || fail "serve printed no listen line: $(cat "$d/serve.out" "$d/serve.err")"
}
stop_server() {
    if [[ -n $server ]]; then
        kill -TERM "$server" 2>/dev/null
        wait "$server" 2>/dev/null
        server=
    fi
}
serve_cleanup() { stop_server; cleanup; }
trap serve_cleanup EXIT

make_user() {
    local name=$1 role=$2 password=$3 projects=${4:-}
    if "$bin" --lang en --help | grep -qE "^  user( |$)"; then
        printf '%s\n' "$password" | F --user admin user add "$name" --role "$role" ${projects:+--projects "$projects"} \
            --password-stdin >/dev/null || fail "user add $name failed"
    fi
}
login() {
    curl -s -H 'Content-Type: application/json' "$url/api/v1/session" \
        -d "{\"user\": \"$1\", \"password\": \"$2\"}" | jq -er .token
}
