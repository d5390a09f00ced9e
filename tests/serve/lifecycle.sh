#!/usr/bin/env bash
# tests/serve/lifecycle.sh — `fundflow serve` as an operator meets it (api.md "Starting it"):
#   * --check and bad options: one line, exit 2, nothing served;
#   * exactly one stdout line "listening on http://HOST:PORT" with --listen 127.0.0.1:0;
#   * the error body and its language (Chinese unless ?lang=en / Accept-Language: en; codes never change);
#   * 413 for a body over the limit, 404 with the same body shape, one access-log line per request;
#   * SIGTERM while an import is in flight: the import completes (201, its entries on file), exit 0;
#   * TLS with --tls-cert/--tls-key: https:// in the line, the session cookie Secure.
# Usage: bash lifecycle.sh PATH/TO/fundflow
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
for tool in curl jq; do command -v $tool >/dev/null || fail "$tool is needed (scripts/install-deps.sh)"; done
post_seed  # with 100,000.00 of provincial money to pay from

# --- options refused before anything is served ---------------------------------------------------------
out=$(F serve --listen 127.0.0.1:0 --check 2>&1) || fail "serve --check exited $?: $out"
[[ $out == *127.0.0.1:* ]] || fail "serve --check does not name the address: $out"
for bad in "--listen nonsense" "--listen 127.0.0.1:99999" "--tls-cert $d/none.pem" "--workers 0"; do
    err=$(F serve $bad --check 2>&1 >/dev/null); rc=$?
    ((rc == 2)) || fail "serve $bad exited $rc, want 2: $err"
    [[ $(wc -l <<<"$err") == 1 ]] || fail "serve $bad: want one line, got: $err"
    grep -qP '\p{Han}' <<<"$err" || fail "serve $bad: the error is not in Chinese: $err"
done

# --- a running server ------------------------------------------------------------------------------------
start_server
[[ $(wc -l <"$d/serve.out") == 1 ]] || fail "serve printed more than one line on stdout: $(cat "$d/serve.out")"
grep -qxE 'listening on http://127\.0\.0\.1:[0-9]+' "$d/serve.out" || fail "bad listen line: $(cat "$d/serve.out")"

code=$(curl -s -o "$d/body" -w '%{http_code}' "$url/api/v1/projects")
[[ $code == 401 ]] || fail "GET /api/v1/projects without a token: $code, want 401"
[[ $(jq -r .error "$d/body") == unauthenticated ]] || fail "401 body: $(cat "$d/body")"
grep -qP '\p{Han}' <(jq -r .message "$d/body") || fail "the 401 message is not Chinese: $(cat "$d/body")"
curl -s -H 'Accept-Language: en-US,en;q=0.9' "$url/api/v1/projects" -o "$d/body.en"
[[ $(jq -r .error "$d/body.en") == unauthenticated ]] || fail "the error code changed with the language"
grep -qP '\p{Han}' <(jq -r .message "$d/body.en") && fail "Accept-Language: en still gives Chinese: $(cat "$d/body.en")"

make_user acc1 accountant password1
token=$(login acc1 password1) || fail "acc1 cannot log in"
code=$(curl -s -o "$d/body" -w '%{http_code}' -H "Authorization: Bearer $token" "$url/api/v1/no/such/thing")
[[ $code == 404 && $(jq -r .error "$d/body") == not_found ]] || fail "unknown path: $code $(cat "$d/body")"

# Over the body limit (16 MiB): 413, the error body, nothing written.
before=$(F digest --format json | jq .entries)
head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$d/big"
code=$(curl -s -o "$d/body" -w '%{http_code}' -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' \
       --data-binary @"$d/big" \
       "$url/api/v1/import")
[[ $code == 413 ]] || fail "a 17 MiB body: $code, want 413"
[[ $(F digest --format json | jq .entries) == "$before" ]] || fail "the 413 request wrote entries"

# The access log: one line per request, with the user, method, path, status and milliseconds.
grep -qE ' acc1 GET /api/v1/no/such/thing 404 [0-9.]+ms$' "$d/serve.log" ||
    fail "no access-log line for the 404: $(tail -3 "$d/serve.log")"
grep -qE ' - GET /api/v1/projects 401 [0-9.]+ms$' "$d/serve.log" || fail "no access-log line for the 401"

# SIGTERM while an import of 30,000 rows is in flight: it finishes, then the server exits 0.
{
    echo "kind,date,project,level,amount,ref"
    for i in $(seq 1 30000); do echo "payment,2020-12-01,P001,provincial,1.00,T-$i"; done
} >"$d/rows.csv"
curl -s -o "$d/import.body" -w '%{http_code}' -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' --data-binary @"$d/rows.csv" \
     "$url/api/v1/import" >"$d/import.code" &
client=$!
sleep 0.3
kill -TERM "$server_pid"
wait "$client"
wait "$server_pid"; rc=$?
server_pid=
((rc == 0)) || fail "serve exited $rc after SIGTERM, want 0"
[[ $(cat "$d/import.code") == 201 ]] || fail "the import in flight got $(cat "$d/import.code"): $(cat "$d/import.body")"
after=$(F digest --format json | jq .entries)
((after == before + 30000)) || fail "after the drained import the ledger has $after entries, want $((before + 30000))"
F verify >/dev/null || fail "verify fails after the drained import"
# The import was in flight when the signal came: it took longer than the 0.3 s before the signal.
import_ms=$(grep -oP 'POST /api/v1/import 201 \K[0-9]+' "$d/serve.log" | tail -1)
((import_ms > 300)) || fail "the import took ${import_ms} ms, over before SIGTERM: the test proves no drain"

# A running server notices an edit made behind its back (the stock sqlite3 client, triggers off): the next
# read of the form answers 500 "integrity" instead of a figure from a damaged file.
start_server
token=$(login acc1 password1) || fail "acc1 cannot log in again"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url/api/v1/projects/P001/execution?year=2020")
[[ $code == 200 ]] || fail "the form before the edit: $code"
sqlite3 "$db" ".dbconfig enable_trigger off" "UPDATE entries SET amount_fen = amount_fen + 100 WHERE id = 3;" >/dev/null ||
    fail "sqlite3 could not edit the file"
code=$(curl -s -o "$d/body" -w '%{http_code}' -H "Authorization: Bearer $token" \
       "$url/api/v1/projects/P001/execution?year=2020")
[[ $code == 500 && $(jq -r .error "$d/body") == integrity ]] ||
    fail "after an edit of entry #3 the form answered $code: $(head -c 300 "$d/body")"
stop_server
sqlite3 "$db" ".dbconfig enable_trigger off" "UPDATE entries SET amount_fen = amount_fen - 100 WHERE id = 3;" >/dev/null

# --- TLS --------------------------------------------------------------------------------------------------
if command -v openssl >/dev/null; then
    openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 -keyout "$d/key.pem" -out "$d/cert.pem" \
        2>/dev/null || fail "openssl could not make a test certificate"
    start_server --tls-cert "$d/cert.pem" --tls-key "$d/key.pem"
    grep -qxE 'listening on https://127\.0\.0\.1:[0-9]+' "$d/serve.out" || fail "TLS listen line: $(cat "$d/serve.out")"
    curl -s --cacert "$d/cert.pem" -D "$d/headers" -o "$d/body" -H 'Content-Type: application/json' \
         --resolve "localhost:${url##*:}:127.0.0.1" "https://localhost:${url##*:}/api/v1/session" \
         -d '{"user": "acc1", "password": "password1"}' || fail "no TLS answer"
    grep -qi '^set-cookie: fundflow_session=.*HttpOnly.*SameSite=Strict.*Secure' "$d/headers" ||
        fail "the session cookie under TLS lacks HttpOnly/SameSite=Strict/Secure: $(grep -i set-cookie "$d/headers")"
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://${url#https://}/api/v1/projects")
    [[ $code != 200 ]] || fail "plain HTTP answered 200 on the TLS port"
    stop_server
fi
echo "ok serve-lifecycle: one listen line, errors worded zh/en with fixed codes, 413 over 16 MiB, access log," \
     "SIGTERM drained a 30,000-row import (${import_ms} ms, 201, exit 0), an edit behind its back answered 500, TLS with a Secure cookie"
