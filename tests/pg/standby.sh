#!/usr/bin/env bash
# PG2 (issue 14, item 5: the hot standby), on two real PostgreSQL 15 clusters started here (scripts/pg-cluster.sh):
# a primary with schema/postgresql/0001_initial.sql and a hot standby made from it by pg_basebackup, streaming
# over the primary's Unix socket, the primary waiting for it on every commit (synchronous_commit = remote_apply).
#   1. 4 writers append entries (payments, which feed the derived totals through the entries' insert triggers)
#      as the application's role, one transaction each: under the chain's advisory lock each takes the next id
#      and links to the previous entry's hash, as fundflow's writers do. Each notes the id once its COMMIT
#      returned (acknowledged); a reader polls the standby (read-only: its INSERT is refused) meanwhile;
#   2. when a third of the entries are acknowledged, the primary is stopped as a crash would (immediate);
#   3. the standby is promoted: every acknowledged entry is on it, the chain has no gap and each entry links to
#      the one before it, the day/month/year totals equal the sums of the entries, and it takes writes.
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
    -c "INSERT INTO projects (code, name) VALUES ('P001', '测试项目') RETURNING id" | grep -qx 1 || fail "setup failed"
standby_uri=$(cluster standby "$dir/standby" "$dir/primary" 5438 2>"$dir/standby.err") ||
    fail "the standby did not start: $(cat "$dir/standby.err")"
app_primary=${primary_uri/user=*/user=fundflow_test_app}
app_standby=${standby_uri/user=*/user=fundflow_test_app}

echo "[pg2 ${SECONDS}s] standby up" >&2
# One entry: the next id of the chain and the previous entry's hash, read under the chain's advisory lock
# (taken by the statement before, so this statement's snapshot sees every entry committed before it).
append() {  # writer n amount day
    local memo="pg2 w$1 n$2"
    echo "INSERT INTO entries (id, kind, effect_kind, project_id, level, amount_fen, effective_on, recorded_at, \"user\", os_user, memo, prev_hash, hash) SELECT h.id + 1, 'payment', 'payment', 1, 'county', $3, '$4', '${4}T00:00:00.000000Z', 'w$1', 'w$1', '$memo', h.hash, encode(sha256(convert_to(h.hash || '$memo', 'UTF8')), 'hex') FROM (SELECT coalesce(max(id), 0) AS id, coalesce((SELECT hash FROM entries ORDER BY id DESC LIMIT 1), repeat('0', 64)) AS hash FROM entries) h RETURNING id"
}
# 1. Writers: one psql session each, one transaction per entry; an id is printed (acknowledged) only after its
#    COMMIT returned, and the session stops at its first error (a lost primary).
for w in $(seq "$writers"); do
    for n in $(seq "$per_writer"); do
        echo "BEGIN;"
        echo "SELECT pg_advisory_xact_lock(14) \\gset"
        echo "$(append "$w" "$n" $((100 + n)) "2024-0$((1 + n % 9))-0$((1 + w))") \\gset"
        echo "COMMIT;"
        echo "\\echo :id"
    done >"$dir/w$w.sql"
    psql "$app_primary" -qAtX -v ON_ERROR_STOP=1 -f "$dir/w$w.sql" >"$dir/acked.$w" 2>"$dir/w$w.err" &
done
# A reader on the standby meanwhile: it sees entries, and its own writes are refused.
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
    ((SECONDS - t0 > 120)) && fail "only $acked entries acknowledged after 120 s: $(cat "$dir"/w*.err | head -3)"
    seen=$(psql "$app_standby" -qAtX -c "SELECT count(*) FROM entries" 2>/dev/null) && reads=$((reads + 1))
    # remote_apply: what the primary acknowledged before this read is on the standby already.
    [[ -n $seen ]] && ((seen < acked)) && problem "the standby shows $seen entries while $acked were acknowledged before"
done

echo "[pg2 ${SECONDS}s] killing the primary after $acked acknowledged" >&2
# 2. The primary crashes.
cluster kill "$dir/primary" || fail "the primary could not be killed"
wait 2>/dev/null
cat "$dir"/acked.* | grep '^[0-9]' | sort >"$dir/acked"  # comm wants text order
acked=$(wc -l <"$dir/acked")

echo "[pg2 ${SECONDS}s] promoting" >&2
# 3. Promote the standby: every acknowledged entry is there, the chain and the totals are whole, and it takes
#    writes.
t1=$(date +%s%N)
cluster promote "$dir/standby" || fail "the standby could not be promoted"
promote_ms=$((($(date +%s%N) - t1) / 1000000))
psql "$app_standby" -qAtX -c "SELECT id FROM entries" | sort >"$dir/present" || fail "cannot read the promoted standby"
missing=$(comm -23 "$dir/acked" "$dir/present" | wc -l)
((missing == 0)) || problem "$missing acknowledged entries are not on the promoted standby (first: $(comm -23 "$dir/acked" "$dir/present" | head -1))"
present=$(wc -l <"$dir/present")
sum_ok=$(psql "$app_standby" -qAtX -c "SELECT count(*) = count(DISTINCT memo) FROM entries")
[[ $sum_ok == t ]] || problem "an entry is on the promoted standby twice"
chain=$(psql "$app_standby" -qAtX -c "SELECT (SELECT count(*) = coalesce(max(id), 0) FROM entries) AND NOT EXISTS (SELECT 1 FROM entries e LEFT JOIN entries p ON p.id = e.id - 1 WHERE e.prev_hash IS DISTINCT FROM coalesce(p.hash, repeat('0', 64)))")
[[ $chain == t ]] || problem "the chain on the promoted standby has a gap or a broken link"
totals=$(psql "$app_standby" -qAtX -c "WITH d AS (SELECT project_id, level, effective_on, effect_kind, sum(amount_fen) AS amount_fen FROM entries WHERE level IS NOT NULL GROUP BY 1, 2, 3, 4), m AS (SELECT project_id, level, substr(effective_on, 1, 7), effect_kind, sum(amount_fen) FROM d GROUP BY 1, 2, 3, 4), y AS (SELECT project_id, level, CAST(substr(effective_on, 1, 4) AS bigint), effect_kind, sum(amount_fen) FROM d GROUP BY 1, 2, 3, 4) SELECT (SELECT count(*) FROM (SELECT * FROM d EXCEPT SELECT * FROM day_totals) AS a) + (SELECT count(*) FROM (SELECT * FROM day_totals EXCEPT SELECT * FROM d) AS b) + (SELECT count(*) FROM (SELECT * FROM m EXCEPT SELECT * FROM month_totals) AS c) + (SELECT count(*) FROM (SELECT * FROM month_totals EXCEPT SELECT * FROM m) AS e) + (SELECT count(*) FROM (SELECT * FROM y EXCEPT SELECT * FROM year_totals) AS f) + (SELECT count(*) FROM (SELECT * FROM year_totals EXCEPT SELECT * FROM y) AS g)")
[[ $totals == 0 ]] || problem "the derived totals on the promoted standby differ from the sums of its entries ($totals)"
psql "$app_standby" -qAtX -v ON_ERROR_STOP=1 -c "SELECT pg_advisory_xact_lock(14)" -c "$(append after 1 1 2024-06-02)" >/dev/null 2>"$dir/after.err" ||
    problem "the promoted standby refused a write: $(cat "$dir/after.err")"
out=$(psql "${standby_uri}" -qAtX -c "DELETE FROM entries" 2>&1) && problem "the promoted standby let the owner delete entries"
[[ $out == *append-only* ]] || problem "DELETE on the promoted standby failed otherwise: $out"

if ((${#problems[@]})); then
    echo "FAIL PG2: ${#problems[@]} problems; first: ${problems[0]}"
    exit 1
fi
echo "PG2: $writers writers, $acked entries acknowledged by the primary (synchronous_commit = remote_apply) before it was killed (immediate), $reads reads on the hot standby meanwhile (never behind an acknowledged entry; its write refused: read-only), promoted in $promote_ms ms: all $acked present ($((present - acked)) more committed, not acknowledged), none twice, chain whole, totals equal to the entries, writes taken, append-only still enforced"
