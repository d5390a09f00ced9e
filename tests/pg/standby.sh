#!/usr/bin/env bash
# PG2 (issue 14, item 5: the hot standby), on two real PostgreSQL 15 clusters started here (scripts/pg-cluster.sh):
# a primary with schema/postgresql/0001_initial.sql and a hot standby made from it by pg_basebackup, streaming
# over the primary's Unix socket, the primary waiting for it on every commit (synchronous_commit = remote_apply).
#   1. 4 writers insert postings as the application's role, one transaction each, and note every id the
#      primary acknowledged; a reader polls the standby (read-only: its INSERT is refused) meanwhile;
#   2. when WRITES_BEFORE_KILL ids are acknowledged, the primary is stopped as a crash would (immediate);
#   3. the standby is promoted: every acknowledged posting is on it, and it takes writes.
# Until fundflow itself speaks PostgreSQL (the rest of issue 14) the writers are psql sessions; the harness is
# the one fundflow's own PG C1/C5/standby runs will use.
# The clusters live under /tmp whatever TMPDIR says: when this runs as root they run as postgres, which must be
# able to enter their folder.
# Prints 'skip: PG2: …' when PostgreSQL 15 is not installed.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
per_writer=${1:-400}
writers=4
kill_at=$((writers * per_writer / 3))
dir=$(mktemp -d /tmp/fundflow-pg2.XXXXXX)
chmod 755 "$dir"  # the clusters inside run as another user when this runs as root
cluster() { bash "$root/scripts/pg-cluster.sh" "$@"; }
cleanup() {
    jobs -p | xargs -r kill 2>/dev/null
    cluster stop "$dir/standby" >/dev/null 2>&1
    cluster stop "$dir/primary" >/dev/null 2>&1
    rm -rf "$dir"
}
trap cleanup EXIT
problems=()
problem() { problems+=("$*"); echo "  problem: $*"; }
fail() { echo "FAIL PG2: $*"; exit 1; }

primary_uri=$(cluster start "$dir/primary" 5437 2>"$dir/start.err")
rc=$?
if ((rc == 3)); then
    echo "skip: PG2: $(cat "$dir/start.err")"
    exit 0
fi
((rc == 0)) || fail "the primary did not start: $(cat "$dir/start.err")"
psql "$primary_uri" -qAtX -v ON_ERROR_STOP=1 -f "$root/schema/postgresql/0001_initial.sql" >/dev/null 2>"$dir/schema.err" ||
    fail "the schema did not apply: $(cat "$dir/schema.err")"
psql "$primary_uri" -qAtX -v ON_ERROR_STOP=1 -c "CREATE ROLE fundflow_test_app LOGIN IN ROLE fundflow_app" \
    -c "INSERT INTO projects (id, code, name) VALUES (1, 'P001', '测试项目')" >/dev/null || fail "setup failed"
standby_uri=$(cluster standby "$dir/standby" "$dir/primary" 5438 2>"$dir/standby.err") ||
    fail "the standby did not start: $(cat "$dir/standby.err")"
app_primary=${primary_uri/user=*/user=fundflow_test_app}
app_standby=${standby_uri/user=*/user=fundflow_test_app}

echo "[pg2 ${SECONDS}s] standby up" >&2
# 1. Writers: one psql session each, one INSERT … RETURNING per transaction; a printed id is acknowledged.
for w in $(seq "$writers"); do
    for n in $(seq "$per_writer"); do
        echo "INSERT INTO postings (kind, effect_kind, project_id, level, amount_fen, effective_on, recorded_at, \"user\", os_user, memo) VALUES ('payment', 'payment', 1, 'county', $((100 + n)), '2024-06-01', '2024-06-01T00:00:00.000000Z', 'w$w', 'w$w', 'pg2 w$w n$n') RETURNING posting_id;"
    done >"$dir/w$w.sql"
    psql "$app_primary" -qAtX -f "$dir/w$w.sql" >"$dir/acked.$w" 2>"$dir/w$w.err" &
done
# A reader on the standby meanwhile: it sees postings, and its own writes are refused.
reads=0
standby_refused=0
if out=$(psql "$app_standby" -qAtX -c "INSERT INTO login_failures (\"user\", count) VALUES ('x', 1)" 2>&1); then
    problem "the standby took a write before it was promoted"
elif [[ $out == *"read-only transaction"* ]]; then
    standby_refused=1
else
    problem "the standby refused a write otherwise: $out"
fi
t0=$SECONDS
while :; do
    acked=$(cat "$dir"/acked.* 2>/dev/null | grep -c '^[0-9]')
    ((acked >= kill_at)) && break
    ((SECONDS - t0 > 120)) && fail "only $acked postings acknowledged after 120 s"
    seen=$(psql "$app_standby" -qAtX -c "SELECT count(*) FROM postings" 2>/dev/null) && reads=$((reads + 1))
    # remote_apply: what the primary acknowledged before this read is on the standby already.
    [[ -n $seen ]] && ((seen < acked)) && problem "the standby shows $seen postings while $acked were acknowledged before"
done

echo "[pg2 ${SECONDS}s] killing the primary after $acked acknowledged" >&2
# 2. The primary crashes.
cluster kill "$dir/primary" || fail "the primary could not be killed"
wait 2>/dev/null
cat "$dir"/acked.* | grep '^[0-9]' | sort -n >"$dir/acked"
acked=$(wc -l <"$dir/acked")

echo "[pg2 ${SECONDS}s] promoting" >&2
# 3. Promote the standby: every acknowledged posting is there, and it takes writes.
t1=$(date +%s%N)
cluster promote "$dir/standby" || fail "the standby could not be promoted"
promote_ms=$((($(date +%s%N) - t1) / 1000000))
psql "$app_standby" -qAtX -c "SELECT posting_id FROM postings ORDER BY 1" >"$dir/present" || fail "cannot read the promoted standby"
missing=$(comm -23 "$dir/acked" "$dir/present" | wc -l)
((missing == 0)) || problem "$missing acknowledged postings are not on the promoted standby (first: $(comm -23 "$dir/acked" "$dir/present" | head -1))"
present=$(wc -l <"$dir/present")
sum_ok=$(psql "$app_standby" -qAtX -c "SELECT count(*) = count(DISTINCT memo) FROM postings")
[[ $sum_ok == t ]] || problem "a posting is on the promoted standby twice"
psql "$app_standby" -qAtX -c "INSERT INTO postings (kind, effect_kind, project_id, level, amount_fen, effective_on, recorded_at, \"user\", os_user) VALUES ('payment', 'payment', 1, 'county', 1, '2024-06-02', '2024-06-02T00:00:00.000000Z', 'after', 'after') RETURNING posting_id" >/dev/null 2>"$dir/after.err" ||
    problem "the promoted standby refused a write: $(cat "$dir/after.err")"
out=$(psql "${standby_uri}" -qAtX -c "DELETE FROM postings" 2>&1) && problem "the promoted standby let the owner delete postings"
[[ $out == *append-only* ]] || problem "DELETE on the promoted standby failed otherwise: $out"

if ((${#problems[@]})); then
    echo "FAIL PG2: ${#problems[@]} problems; first: ${problems[0]}"
    exit 1
fi
echo "PG2: $writers writers, $acked postings acknowledged by the primary (synchronous_commit = remote_apply) before it was killed (immediate), $reads reads on the hot standby meanwhile (never behind an acknowledged posting; its write refused: read-only), promoted in $promote_ms ms: all $acked present ($((present - acked)) more committed, not acknowledged), none twice, writes taken, append-only still enforced"
