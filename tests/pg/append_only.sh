#!/usr/bin/env bash
# PG1 (issue 14, item 5: "UPDATE/DELETE as the application role refused"), on a real PostgreSQL 15 cluster
# started here (scripts/pg-cluster.sh: initdb into a temporary folder, Unix socket only) and stopped at the end.
# schema/postgresql/0001_initial.sql is applied by the owner; then, on every table of facts:
#   - as a login role that is a member of fundflow_app: INSERT works; UPDATE, DELETE and TRUNCATE are refused
#     (no privilege), and so are ALTER TABLE … DISABLE TRIGGER and DROP TRIGGER (it owns nothing);
#   - as the owner (a superuser): UPDATE, DELETE and TRUNCATE are refused by the append-only triggers;
#   - the derived totals and the login state stay writable by fundflow_app;
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

# One row in every table of facts, inserted by the application's role.
H=$(printf 'a%.0s' {1..64})
G=$(printf 'b%.0s' {1..64})
inserts=(
    "INSERT INTO units (id, code, name, parent_id) VALUES (1, 'U1', '某县财政局', 0)"
    "INSERT INTO projects (id, unit_id, code, name) VALUES (1, 1, 'P001', '测试项目')"
    "INSERT INTO contracts (id, unit_id, project_id, code, supplier, amount_fen, retention_rate_bp, warranty_months, sme) VALUES (1, 1, 1, 'C1', '某公司', 100000, 300, 24, 1)"
    "INSERT INTO postings (unit_id, kind, effect_kind, project_id, level, amount_fen, effective_on, recorded_at, \"user\", os_user) VALUES (1, 'payment', 'payment', 1, 'county', 100, '2024-01-02', '2024-01-02T00:00:00.000000Z', 'lisi', 'lisi')"
    "INSERT INTO entries (id, posting_id, unit_id, prev_hash, hash) VALUES (1, 1, 1, '$H', '$G')"
    "INSERT INTO amendments (posting_id, unit_id, project_id, name) VALUES (1, 1, 1, '新名称')"
    "INSERT INTO account_events (posting_id, \"user\", action, role, password_hash) VALUES (1, 'lisi', 'create', 'accountant', '\$argon2id\$x')"
    "INSERT INTO imports (unit_id, sha256, recorded_at, \"user\", os_user, file_name, row_count, added_count, present_count) VALUES (1, '$G', '2024-01-02T00:00:00.000000Z', 'lisi', 'lisi', 'a.csv', 1, 1, 0)"
    "INSERT INTO idempotency_keys (\"user\", key, unit_id, request_sha256, posting_id, recorded_at) VALUES ('lisi', 'k1', 1, '$G', 1, '2024-01-02T00:00:00.000000Z')"
)
inserted=0
for statement in "${inserts[@]}"; do
    if out=$(sql "$app_uri" "$statement"); then inserted=$((inserted + 1)); else problem "as fundflow_app: $statement: $out"; fi
done

facts=(units projects contracts postings entries amendments account_events imports idempotency_keys schema_version)
app_refused=0
owner_refused=0
column_of() { case $1 in units) echo name ;; schema_version) echo version ;; *) echo unit_id ;; esac; }
for t in "${facts[@]}"; do
    for statement in "UPDATE $t SET unit_id = unit_id" "DELETE FROM $t" "TRUNCATE $t CASCADE" \
                     "ALTER TABLE $t DISABLE TRIGGER ${t}_append_only" "DROP TRIGGER ${t}_append_only ON $t"; do
        [[ $statement == UPDATE* ]] && statement="UPDATE $t SET $(column_of "$t") = $(column_of "$t")"
        if out=$(sql "$app_uri" "$statement"); then
            problem "as fundflow_app, '$statement' was allowed"
        elif [[ $out == *"permission denied"* || $out == *"must be owner"* ]]; then
            app_refused=$((app_refused + 1))
        else
            problem "as fundflow_app, '$statement' failed otherwise: $out"
        fi
    done
    for statement in "UPDATE $t SET unit_id = unit_id" "DELETE FROM $t" "TRUNCATE $t CASCADE"; do
        [[ $statement == UPDATE* ]] && statement="UPDATE $t SET $(column_of "$t") = $(column_of "$t")"
        if out=$(sql "$owner_uri" "$statement"); then
            problem "as the owner, '$statement' was allowed"
        elif [[ $out == *"append-only"* ]]; then
            owner_refused=$((owner_refused + 1))
        else
            problem "as the owner, '$statement' failed otherwise: $out"
        fi
    done
done
rows=$(sql "$owner_uri" "SELECT (SELECT count(*) FROM postings) + (SELECT count(*) FROM entries) + (SELECT count(*) FROM units)")
[[ $rows == 4 ]] || problem "after the refusals the tables hold $rows rows of postings, entries and units, want 4 (1 + 1 + 2)"

# What fundflow_app may change: the derived totals and the login state.
writable=0
for statement in \
    "INSERT INTO year_totals (unit_id, project_id, level, year, effect_kind, amount_fen) VALUES (1, 1, 'county', 2024, 'payment', 100)" \
    "UPDATE year_totals SET amount_fen = amount_fen + 100" \
    "INSERT INTO sessions (token_sha256, \"user\", created_at, last_seen_at) VALUES ('$G', 'lisi', '2024-01-02T00:00:00.000000Z', '2024-01-02T00:00:00.000000Z')" \
    "UPDATE sessions SET revoked = true" \
    "INSERT INTO login_failures (\"user\", count) VALUES ('lisi', 1)" \
    "DELETE FROM login_failures"; do
    if out=$(sql "$app_uri" "$statement"); then writable=$((writable + 1)); else problem "as fundflow_app: $statement: $out"; fi
done

if ((${#problems[@]})); then
    echo "FAIL PG1: ${#problems[@]} problems; first: ${problems[0]}"
    exit 1
fi
echo "PG1: PostgreSQL $(sql "$owner_uri" "SHOW server_version"), no TCP port; as fundflow_app: $inserted inserts into ${#inserts[@]} tables of facts, $app_refused UPDATE/DELETE/TRUNCATE/DISABLE TRIGGER/DROP TRIGGER refused on ${#facts[@]} tables, $writable writes to totals and login state allowed; as the owner: $owner_refused UPDATE/DELETE/TRUNCATE refused by the triggers; rows unchanged"
