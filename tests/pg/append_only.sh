#!/usr/bin/env bash
# PG1 (issue 14, item 5: "UPDATE/DELETE as the application role refused"), on a real PostgreSQL 15 cluster
# started here (scripts/pg-cluster.sh: initdb into a temporary folder, Unix socket only) and stopped at the end.
# schema/postgresql/0001_initial.sql (the SQLite schema 7 on PostgreSQL) is applied by the owner; then:
#   - as a login role that is a member of fundflow_app: one row into every table of facts (units, projects,
#     contracts, entries, amendments, account_events, imports, idempotency_keys) works, and the payment among
#     them feeds day/month/year_totals through the entries' insert triggers;
#   - on every append-only table (those, the derived totals and schema_version), as fundflow_app: UPDATE,
#     DELETE and TRUNCATE are refused (no privilege), so is INSERT into the totals and schema_version, and so are
#     ALTER TABLE … DISABLE TRIGGER and DROP TRIGGER (it owns nothing);
#   - as the owner (a superuser): UPDATE, DELETE, TRUNCATE and a duplicate INSERT are refused by the triggers,
#     with their 'append-only' message and SQLSTATE FF001;
#   - the login state (sessions, login_failures) stays writable by fundflow_app with the statements of
#     ledger/src/accounts.cpp, but not its other columns, nor by TRUNCATE;
#   - the server has no TCP port (listen_addresses = '').
# Prints 'skip: PG1: …' when PostgreSQL 15 is not installed (scripts/install-deps.sh --test installs it).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=$(mktemp -d /tmp/fundflow-pg1.XXXXXX)
cleanup() { bash "$root/scripts/pg-cluster.sh" stop "$dir" >/dev/null 2>&1; rm -rf "$dir"; }
trap cleanup EXIT
problems=()
problem() { problems+=("$*"); echo "  problem: $*"; }

owner_uri=$(bash "$root/scripts/pg-cluster.sh" start "$dir" 5434 2>"$dir.err")
rc=$?
if ((rc == 3)); then
    echo "skip: PG1: $(cat "$dir.err")"
    rm -f "$dir.err"
    exit 0
fi
rm -f "$dir.err"
((rc == 0)) || { echo "FAIL PG1: the cluster did not start"; exit 1; }
app_uri=${owner_uri/user=*/user=fundflow_test_app}
sql() { psql "$1" -qAtX -v ON_ERROR_STOP=1 -c "$2" 2>&1; }

out=$(psql "$owner_uri" -qAtX -v ON_ERROR_STOP=1 -f "$root/schema/postgresql/0001_initial.sql" 2>&1) ||
    { echo "FAIL PG1: the schema did not apply: $out"; exit 1; }
sql "$owner_uri" "CREATE ROLE fundflow_test_app LOGIN IN ROLE fundflow_app" >/dev/null ||
    { echo "FAIL PG1: could not create the application's login role"; exit 1; }
[[ -z $(sql "$owner_uri" "SELECT inet_server_port()") ]] || problem "the server listens on a TCP port"

# One row in every table of facts, inserted by the application's role in the order their references need
# (the column lists of ledger/src/store.cpp; ids of projects, contracts, units and imports are the database's).
H=$(printf 'a%.0s' {1..64})
G=$(printf 'b%.0s' {1..64})
Z=$(printf '0%.0s' {1..64})
T='2024-01-02T00:00:00.000000Z'
entry() {  # id kind project level amount contract
    echo "INSERT INTO entries (id, kind, effect_kind, project_id, level, amount_fen, effective_on, recorded_at, \"user\", os_user, contract_id, prev_hash, hash) VALUES ($1, '$2', '$2', $3, $4, $5, '2024-01-02', '$T', 'lisi', 'lisi', $6, '$Z', '$(printf '%064d' "$1")')"
}
inserts=(
    "$(entry 1 unit NULL NULL 0 NULL)"
    "INSERT INTO units (entry_id, code, name, parent_id) VALUES (1, 'U1', '某县财政局', (SELECT id FROM units WHERE code = NULL))"
    "INSERT INTO projects (code, name, unit_name, func_code, unit_id) VALUES ('P001', '测试项目', '', '', (SELECT id FROM units WHERE code = 'U1'))"
    "$(entry 2 project 1 NULL 0 NULL)"
    "INSERT INTO contracts (project_id, code, supplier, amount_fen, retention_rate_bp, warranty_months, sme) VALUES (1, 'C1', '某公司', 100000, 300, 24, 1)"
    "$(entry 3 payment 1 "'county'" 100 1)"
    "$(entry 4 amendment 1 NULL 0 NULL)"
    "INSERT INTO amendments (entry_id, project_id, contract_id, name) VALUES (4, 1, NULL, '新名称')"
    "$(entry 5 account NULL NULL 0 NULL)"
    "INSERT INTO account_events (entry_id, \"user\", action, role, password_hash) VALUES (5, 'lisi', 'create', 'accountant', '\$argon2id\$x')"
    "INSERT INTO imports (sha256, recorded_at, \"user\", os_user, file_name, first_entry_id, last_entry_id, row_count, added_count, present_count) VALUES ('$G', '$T', 'lisi', 'lisi', 'a.csv', 3, 3, 1, 1, 0)"
    "INSERT INTO idempotency_keys (\"user\", key, request_sha256, entry_id, recorded_at) VALUES ('lisi', 'k1', '$G', 3, '$T')"
)
inserted=0
for statement in "${inserts[@]}"; do
    if out=$(sql "$app_uri" "$statement"); then inserted=$((inserted + 1)); else problem "as fundflow_app: $statement: $out"; fi
done
# The payment (entry 3) fed the derived totals through the insert triggers (SECURITY DEFINER), though
# fundflow_app may not write them itself.
fed=$(sql "$app_uri" "SELECT (SELECT amount_fen FROM day_totals WHERE project_id = 1 AND level = 'county' AND effective_on = '2024-01-02' AND effect_kind = 'payment') || ' ' || (SELECT amount_fen FROM month_totals WHERE month = '2024-01') || ' ' || (SELECT amount_fen FROM year_totals WHERE year = 2024)")
[[ $fed == "100 100 100" ]] || problem "the payment's day, month and year totals read '$fed', want '100 100 100'"
version=$(sql "$app_uri" "SELECT version || ' ' || application_id FROM schema_version")
[[ $version == "7 1179012167" ]] || problem "schema_version reads '$version', want '7 1179012167'"

# The append-only tables: the facts, the derived totals and schema_version.
facts=(units projects contracts entries amendments account_events imports idempotency_keys schema_version day_totals
       month_totals year_totals)
app_refused=0
owner_refused=0
column_of() {
    case $1 in
    units | projects | amendments) echo name ;; contracts) echo supplier ;; entries) echo memo ;;
    account_events) echo role ;; imports) echo file_name ;; idempotency_keys) echo key ;;
    schema_version) echo version ;; *) echo amount_fen ;;
    esac
}
for t in "${facts[@]}"; do
    c=$(column_of "$t")
    for statement in "UPDATE $t SET $c = $c" "DELETE FROM $t" "TRUNCATE $t CASCADE" "INSERT INTO $t SELECT * FROM $t" \
                     "ALTER TABLE $t DISABLE TRIGGER ${t}_no_delete" "DROP TRIGGER ${t}_no_delete ON $t"; do
        # Only the totals refuse fundflow_app an INSERT (their triggers write them); the facts refuse a copy
        # of a row as a duplicate (the *_no_replace triggers), which the owner's part checks.
        [[ $statement == INSERT* && $t != *_totals && $t != schema_version ]] && continue
        if out=$(sql "$app_uri" "$statement"); then
            problem "as fundflow_app, '$statement' was allowed"
        elif [[ $out == *"permission denied"* || $out == *"must be owner"* ]]; then
            app_refused=$((app_refused + 1))
        else
            problem "as fundflow_app, '$statement' failed otherwise: $out"
        fi
    done
    for statement in "UPDATE $t SET $c = $c" "DELETE FROM $t" "TRUNCATE $t CASCADE" "INSERT INTO $t SELECT * FROM $t"; do
        [[ $statement == INSERT* && $t == schema_version ]] && continue  # a new version is a new row
        if out=$(psql "$owner_uri" -qAtX -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -c "$statement" 2>&1); then
            problem "as the owner, '$statement' was allowed"
        elif [[ $out == *"append-only"* && $out == *"FF001"* ]]; then
            owner_refused=$((owner_refused + 1))
        else
            problem "as the owner, '$statement' failed otherwise: $out"
        fi
    done
done
rows=$(sql "$owner_uri" "SELECT (SELECT count(*) FROM entries) + (SELECT count(*) FROM units) + (SELECT count(*) FROM projects) + (SELECT count(*) FROM day_totals) + (SELECT count(*) FROM year_totals) + (SELECT count(*) FROM schema_version)")
[[ $rows == 10 ]] || problem "after the refusals the tables hold $rows rows of entries, units, projects, day and year totals and schema_version, want 10 (5 + 1 + 1 + 1 + 1 + 1)"

# What fundflow_app may change: the login state (the statements of ledger/src/accounts.cpp), nothing else of it.
writable=0
for statement in \
    "INSERT INTO sessions (token_sha256, \"user\", created_at, last_seen_at, revoked) VALUES ('$G', 'lisi', '$T', '$T', 0)" \
    "UPDATE sessions SET last_seen_at = greatest(last_seen_at, '2024-01-03T00:00:00.000000Z') WHERE token_sha256 = '$G' AND revoked = 0" \
    "UPDATE sessions SET revoked = 1 WHERE token_sha256 = '$G'" \
    "DELETE FROM sessions WHERE last_seen_at < '2025-01-01T00:00:00.000000Z' AND token_sha256 NOT IN (SELECT token_sha256 FROM account_events WHERE token_sha256 IS NOT NULL)" \
    "INSERT INTO login_failures (\"user\", count, locked_until) VALUES ('lisi', 1, NULL) ON CONFLICT (\"user\") DO UPDATE SET count = excluded.count, locked_until = excluded.locked_until" \
    "INSERT INTO login_failures (\"user\", count, locked_until) VALUES ('lisi', 2, NULL) ON CONFLICT (\"user\") DO UPDATE SET count = excluded.count, locked_until = excluded.locked_until" \
    "DELETE FROM login_failures WHERE \"user\" = 'lisi'"; do
    if out=$(sql "$app_uri" "$statement"); then writable=$((writable + 1)); else problem "as fundflow_app: $statement: $out"; fi
done
for statement in "UPDATE sessions SET \"user\" = 'other'" "UPDATE login_failures SET \"user\" = 'other'" "TRUNCATE sessions" \
                 "TRUNCATE login_failures"; do
    if out=$(sql "$app_uri" "$statement"); then
        problem "as fundflow_app, '$statement' was allowed"
    elif [[ $out == *"permission denied"* ]]; then
        app_refused=$((app_refused + 1))
    else
        problem "as fundflow_app, '$statement' failed otherwise: $out"
    fi
done

if ((${#problems[@]})); then
    echo "FAIL PG1: ${#problems[@]} problems; first: ${problems[0]}"
    exit 1
fi
echo "PG1: PostgreSQL $(sql "$owner_uri" "SHOW server_version"), no TCP port; as fundflow_app: $inserted of ${#inserts[@]} inserts into the tables of facts (the totals fed by their triggers), $app_refused writes refused on ${#facts[@]} append-only tables and the login state's other columns (UPDATE/DELETE/TRUNCATE/INSERT into totals/DISABLE TRIGGER/DROP TRIGGER), $writable writes to the login state allowed; as the owner: $owner_refused UPDATE/DELETE/TRUNCATE/duplicate INSERT refused by the triggers (FF001); rows unchanged"
