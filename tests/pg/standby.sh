#!/usr/bin/env bash
# PG2 (issue 14, item 5: the hot standby), on two real PostgreSQL 15 clusters started here (scripts/pg-cluster.sh):
# a primary set up by fundflow itself (`init`, four projects with budgets and arrivals, as the schema's owner)
# and a hot standby made from it by pg_basebackup, streaming over the primary's Unix socket, the primary waiting
# for it on every commit (synchronous_commit = remote_apply). Everything below runs as the application's role (a
# LOGIN member of fundflow_app), except the owner's DELETE at the end.
#   1. 4 writers, each a loop of `fundflow pay P<w> … --ref W<w>-<n>` processes against the primary; a writer
#      notes a ref once its process exited 0 (acknowledged) and stops at its first failure (the primary died);
#   2. meanwhile a reader runs fundflow on the standby: `--read-only digest` and `balance --format json`, and
#      the same through a URI with target_session_attrs=read-only. No read may show fewer entries (digest) or
#      less spent (balance) than the postings acknowledged before it started (remote_apply). Once, a `pay` sent
#      to the standby must be refused: exit 1 (cli.md: storage failures), one line on stderr, nothing written;
#   3. when a third of the postings are acknowledged, the last digest the standby shows is noted and the
#      primary is stopped as a crash would (immediate);
#   4. the standby is promoted. On it: every acknowledged ref is there exactly once (`log --format json`), no
#      more than one posting per writer committed without being acknowledged, `verify` passes (the chain and
#      the day/month/year totals), `verify --digest` the digest noted before the kill passes (the promoted
#      history extends what was read), its head is the one it showed just before the promotion (nothing lost
#      or added by promoting), and it takes a posting; the owner's `DELETE FROM entries` is still refused.
#      Heads equal: the killed primary, restarted, holds the promoted standby's history, and either the same
#      head or only postings nobody was told were made (at most one per writer) after it.
# The clusters live under /tmp whatever TMPDIR says: when this runs as root they run as postgres, which must be
# able to enter their folder.
#   bash standby.sh [PATH/TO/fundflow] [PER_WRITER]   (default: $FUNDFLOW_BIN, else build/cli/fundflow; 300)
# Prints 'skip: PG2: …' when PostgreSQL 15 is not installed.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${1:-${FUNDFLOW_BIN:-$root/build/cli/fundflow}}
per_writer=${2:-300}
writers=4
kill_at=$((writers * per_writer / 3))
export TZ=Asia/Shanghai FUNDFLOW_USER=pg2 LC_ALL=C.UTF-8
unset FUNDFLOW_DB FUNDFLOW_READ_ONLY FUNDFLOW_LOG
dir=$(mktemp -d /tmp/fundflow-pg2.XXXXXX)
chmod 755 "$dir"  # the clusters inside run as another user when this runs as root
cluster() { bash "$root/scripts/pg-cluster.sh" "$@"; }
cleanup() {
    local p
    for p in $(jobs -p); do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    cluster stop "$dir/standby" >/dev/null 2>&1
    cluster stop "$dir/primary" >/dev/null 2>&1
    rm -rf "$dir"
}
trap cleanup EXIT
problems=()
problem() { problems+=("$*"); echo "  problem: $*"; }
fail() { echo "FAIL PG2: $*"; exit 1; }
log() { echo "[pg2 ${SECONDS}s] $*" >&2; }

# The program, copied: the run keeps one build of it even if it is relinked meanwhile.
for _ in $(seq 30); do [[ -x $bin ]] && break; sleep 1; done
[[ -x $bin ]] || fail "no fundflow at $bin (give its path: standby.sh PATH/TO/fundflow)"
cp "$bin" "$dir/fundflow" || fail "cannot copy $bin"
F() { timeout 60 "$dir/fundflow" "$@"; }  # a hang shows as exit 124

primary_uri=$(cluster start "$dir/primary" 5437 2>"$dir/start.err")
rc=$?
if ((rc == 3)); then
    echo "skip: PG2: $(cat "$dir/start.err")"
    exit 0
fi
((rc == 0)) || fail "the primary did not start: $(cat "$dir/start.err")"
log "primary up"
# The setup, as the owner: the schema, P1..P4 with 100,000.00 of county funds each, the application's role.
F --db "$primary_uri" init >/dev/null 2>"$dir/setup.err" || fail "fundflow init: $(cat "$dir/setup.err")"
for w in $(seq "$writers"); do
    if ! { F --db "$primary_uri" project add "P$w" --name "备用库测试$w" --date 2024-01-01 &&
        F --db "$primary_uri" appropriate "P$w" --level county --amount 100000 --date 2024-01-02 &&
        F --db "$primary_uri" arrive "P$w" --level county --amount 100000 --date 2024-01-03; } >/dev/null 2>>"$dir/setup.err"; then
        fail "setup of P$w: $(cat "$dir/setup.err")"
    fi
done
psql "$primary_uri" -qAtX -v ON_ERROR_STOP=1 -c "CREATE ROLE fundflow_test_app LOGIN IN ROLE fundflow_app" \
    >/dev/null 2>>"$dir/setup.err" || fail "the application's role: $(cat "$dir/setup.err")"
setup_digest=$(F --db "$primary_uri" digest) || fail "digest of the primary after the setup"
setup=${setup_digest%%:*}
log "set up: $setup_digest"
standby_uri=$(cluster standby "$dir/standby" "$dir/primary" 5438 2>"$dir/standby.err") ||
    fail "the standby did not start: $(cat "$dir/standby.err")"
app_primary=${primary_uri/user=*/user=fundflow_test_app}
app_standby=${standby_uri/user=*/user=fundflow_test_app}
app_standby_ro="$app_standby&target_session_attrs=read-only"
got=$(F --db "$app_standby" --read-only digest 2>&1)
[[ $got == "$setup_digest" ]] || fail "the standby does not show the setup ($setup_digest): $got"
log "standby up, $setup entries set up"

# 1. Writers: one fundflow process per posting; a ref is noted (acknowledged) only after its process exited 0,
#    and a writer stops at its first failure (a lost primary).
for w in $(seq "$writers"); do
    (
        for n in $(seq "$per_writer"); do
            F --db "$app_primary" pay "P$w" --level county --amount 1.00 --date 2024-06-01 --ref "W$w-$n" \
                >/dev/null 2>"$dir/w$w.err" || { echo $? >"$dir/w$w.rc"; exit 0; }
            echo "W$w-$n" >>"$dir/acked.$w"
        done
    ) &
done
acked_now() { cat "$dir"/acked.* 2>/dev/null | grep -c '^W'; }

# Once, a posting sent to the standby: refused in one line, with the storage exit code, nothing written (its
# ref is looked for on the promoted standby, which has every commit the primary made).
standby_write_checked=0
standby_write() {
    F --db "$app_standby" --lang en pay P1 --level county --amount 1.00 --date 2024-06-01 --ref STANDBY-1 \
        >"$dir/sw.out" 2>"$dir/sw.err"
    local rc=$? want="fundflow: the PostgreSQL server is read-only (a standby); write to the primary"
    if ((rc == 0)); then
        problem "the standby took a posting before it was promoted"
    elif ((rc != 1)); then
        problem "a posting sent to the standby exited $rc, not 1 (storage): $(head -1 "$dir/sw.err")"
    elif [[ $(wc -l <"$dir/sw.err") != 1 || $(cat "$dir/sw.err") != "$want" ]]; then
        problem "a posting sent to the standby was refused otherwise: $(head -c 300 "$dir/sw.err")"
    elif [[ -s $dir/sw.out ]]; then
        problem "a posting refused by the standby printed on stdout: $(head -1 "$dir/sw.out")"
    fi
    standby_write_checked=1
}
# 2. A reader on the standby meanwhile, four kinds of read in turn.
reads=0
digest_seen=
t0=$SECONDS
while :; do
    acked=$(acked_now)
    ((acked >= kill_at)) && break
    ((SECONDS - t0 > 120)) && fail "only $acked postings acknowledged after 120 s: $(cat "$dir"/w*.err | head -3)"
    ((acked > 0 && !standby_write_checked)) && standby_write
    case $((reads % 4)) in
    0) out=$(F --db "$app_standby" --read-only digest 2>&1) ;;
    1) out=$(F --db "$app_standby" --read-only balance --as-of 2024-12-31 --format json 2>&1) ;;
    2) out=$(F --db "$app_standby_ro" digest 2>&1) ;;
    3) out=$(F --db "$app_standby_ro" balance --as-of 2024-12-31 --format json 2>&1) ;;
    esac || { problem "read $reads on the standby failed: $out"; reads=$((reads + 1)); continue; }
    # remote_apply: what the primary acknowledged before this read started is on the standby already.
    if ((reads % 2 == 0)); then
        [[ $out =~ ^[0-9]+:[0-9a-f]{64}$ ]] || problem "a digest read on the standby printed: $out"
        digest_seen=$out
        ((${out%%:*} >= setup + acked)) ||
            problem "the standby shows ${out%%:*} entries while $setup + $acked were acknowledged before the read"
    else
        spent=$(jq '[.rows[].executed_fen] | add' <<<"$out" 2>/dev/null)
        [[ $spent =~ ^[0-9]+$ ]] || problem "a balance read on the standby printed: $(head -c 300 <<<"$out")"
        ((spent >= acked * 100)) ||
            problem "the standby's balance shows $spent fen spent while $acked postings of 1.00 were acknowledged before"
    fi
    reads=$((reads + 1))
done

((standby_write_checked)) || standby_write
# 3. The primary crashes, a third of the way in; the standby's last digest before it is noted.
digest_before_kill=$(F --db "$app_standby" --read-only digest 2>&1) ||
    problem "the standby's digest before the kill: $digest_before_kill"
[[ $digest_before_kill =~ ^[0-9]+:[0-9a-f]{64}$ ]] || digest_before_kill=$digest_seen
log "killing the primary after $acked acknowledged, $reads reads"
cluster kill "$dir/primary" || fail "the primary could not be killed"
wait 2>/dev/null
cat "$dir"/acked.* | sort >"$dir/acked"  # comm wants text order
acked=$(wc -l <"$dir/acked")
((acked >= kill_at)) || fail "only $acked postings acknowledged"
# Each writer stopped at a failure: exit 1 (storage) and one 'fundflow: ' line. libpq may print before it the
# notice the dying server sends to a connection it is setting up ("WARNING:  terminating connection due to
# immediate shutdown command"): fundflow leaves libpq's default notice processor in place (a known defect of
# fundflow's, not of the standby; tolerated here).
for w in $(seq "$writers"); do
    [[ -f $dir/w$w.rc ]] || { problem "writer $w did not stop when the primary was killed"; continue; }
    [[ $(cat "$dir/w$w.rc") == 1 ]] || problem "writer $w's last posting exited $(cat "$dir/w$w.rc"), not 1 (storage)"
    errs=$(grep -v '^WARNING:  terminating connection due to immediate shutdown command$' "$dir/w$w.err")
    [[ $errs == "fundflow: "* && $errs != *$'\n'* ]] || problem "writer $w's last posting failed otherwise: $(tr '\n' '|' <"$dir/w$w.err")"
done

# 4. The standby's head once it has applied all it received from the primary (its WAL receiver gone, replay at
#    rest), then the promotion: its head must not move.
sq() { psql "$standby_uri" -qAtX -c "$1" 2>&1; }
for _ in $(seq 300); do [[ $(sq "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'") == 0 ]] && break; sleep 0.1; done
[[ $(sq "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'") == 0 ]] ||
    fail "the standby still streams 30 s after the primary was killed"
last=$(sq "SELECT pg_last_wal_replay_lsn()")
for _ in $(seq 100); do
    sleep 0.2
    lsn=$(sq "SELECT pg_last_wal_replay_lsn()")
    [[ $lsn == "$last" ]] && break
    last=$lsn
done
digest_before_promotion=$(F --db "$app_standby" --read-only digest 2>&1) ||
    fail "the standby's digest before the promotion: $digest_before_promotion"
log "promoting at $digest_before_promotion"
t1=$(date +%s%N)
cluster promote "$dir/standby" || fail "the standby could not be promoted"
promote_ms=$((($(date +%s%N) - t1) / 1000000))
digest_promoted=$(F --db "$app_standby" digest 2>&1) || fail "cannot read the promoted standby: $digest_promoted"
[[ $digest_promoted == "$digest_before_promotion" ]] ||
    problem "the promotion moved the head: $digest_before_promotion before, $digest_promoted after"
present=${digest_promoted%%:*}
((present >= setup + acked)) || problem "the promoted standby holds $present entries, fewer than $setup + $acked"
unacked=$((present - setup - acked))
((unacked <= writers)) || problem "$unacked postings committed without being acknowledged: more than one per writer"

F --db "$app_standby" log --format json >"$dir/log.json" 2>"$dir/log.err" || fail "log on the promoted standby: $(cat "$dir/log.err")"
jq -r '.entries[].ref // empty' "$dir/log.json" | sort >"$dir/refs" || fail "log --format json did not parse"
missing=$(comm -23 "$dir/acked" "$dir/refs" | wc -l)
((missing == 0)) || problem "$missing acknowledged postings are not on the promoted standby (first: $(comm -23 "$dir/acked" "$dir/refs" | head -1))"
twice=$(uniq -d "$dir/refs" | head -1)
[[ -z $twice ]] || problem "posting $twice is on the promoted standby twice"
grep -qx STANDBY-1 "$dir/refs" && problem "the posting the standby refused was written"
[[ $(jq '.entries | length' "$dir/log.json") == "$present" ]] || problem "log shows another number of entries than digest ($present)"
F --db "$app_standby" verify >/dev/null 2>"$dir/verify.err" || problem "verify on the promoted standby: $(head -1 "$dir/verify.err")"
F --db "$app_standby" verify --digest "$digest_before_kill" >/dev/null 2>"$dir/verify.err" ||
    problem "verify --digest $digest_before_kill (read before the kill) on the promoted standby: $(head -1 "$dir/verify.err")"
# The derived totals once more, by a query of this test's own (verify has compared them too).
totals=$(psql "$app_standby" -qAtX -c "WITH d AS (SELECT project_id, level, effective_on, effect_kind, sum(amount_fen) AS amount_fen FROM entries WHERE level IS NOT NULL GROUP BY 1, 2, 3, 4), m AS (SELECT project_id, level, substr(effective_on, 1, 7), effect_kind, sum(amount_fen) FROM d GROUP BY 1, 2, 3, 4), y AS (SELECT project_id, level, CAST(substr(effective_on, 1, 4) AS bigint), effect_kind, sum(amount_fen) FROM d GROUP BY 1, 2, 3, 4) SELECT (SELECT count(*) FROM (SELECT * FROM d EXCEPT SELECT project_id, level, effective_on, effect_kind, amount_fen FROM day_totals) AS a) + (SELECT count(*) FROM (SELECT project_id, level, effective_on, effect_kind, amount_fen FROM day_totals EXCEPT SELECT * FROM d) AS b) + (SELECT count(*) FROM (SELECT * FROM m EXCEPT SELECT project_id, level, month, effect_kind, amount_fen FROM month_totals) AS c) + (SELECT count(*) FROM (SELECT project_id, level, month, effect_kind, amount_fen FROM month_totals EXCEPT SELECT * FROM m) AS e) + (SELECT count(*) FROM (SELECT * FROM y EXCEPT SELECT project_id, level, year, effect_kind, amount_fen FROM year_totals) AS f) + (SELECT count(*) FROM (SELECT project_id, level, year, effect_kind, amount_fen FROM year_totals EXCEPT SELECT * FROM y) AS g)" 2>&1)
[[ $totals == 0 ]] || problem "the derived totals on the promoted standby differ from the sums of its entries ($totals)"

# Heads equal: the killed primary, restarted on its own, holds the promoted standby's history; a head beyond
# it can only be postings that were never acknowledged (committed on the primary, not yet sent).
cluster start "$dir/primary" 5437 >/dev/null 2>"$dir/restart.err" || fail "the killed primary did not restart: $(cat "$dir/restart.err")"
digest_primary=$(F --db "$app_primary" --read-only digest 2>&1) || fail "cannot read the restarted primary: $digest_primary"
if [[ $digest_primary == "$digest_promoted" ]]; then
    heads="heads equal"
elif F --db "$app_primary" --read-only verify --digest "$digest_promoted" >/dev/null 2>"$dir/verify.err" &&
    ((${digest_primary%%:*} - present <= writers - unacked)); then
    heads="the killed primary had $((${digest_primary%%:*} - present)) unacknowledged posting(s) more"
else
    problem "the killed primary ($digest_primary) and the promoted standby ($digest_promoted) hold different histories: $(head -1 "$dir/verify.err")"
    heads="heads differ"
fi
cluster stop "$dir/primary" >/dev/null 2>&1

F --db "$app_standby" pay P1 --level county --amount 1.00 --date 2024-06-02 --ref AFTER-1 >/dev/null 2>"$dir/after.err" ||
    problem "the promoted standby refused a posting: $(cat "$dir/after.err")"
[[ $(F --db "$app_standby" digest | cut -d: -f1) == $((present + 1)) ]] || problem "the posting after the promotion is not entry $((present + 1))"
out=$(psql "$standby_uri" -qAtX -c "DELETE FROM entries" 2>&1) && problem "the promoted standby let the owner delete entries"
[[ $out == *append-only* ]] || problem "DELETE on the promoted standby failed otherwise: $out"

if ((${#problems[@]})); then
    echo "FAIL PG2: ${#problems[@]} problems; first: ${problems[0]}"
    exit 1
fi
echo "PG2: $writers fundflow writers, $acked postings acknowledged by the primary (synchronous_commit = remote_apply) before it was killed (immediate), $reads fundflow reads on the hot standby meanwhile (--read-only and target_session_attrs=read-only; never behind an acknowledged posting; a posting sent to it refused, exit 1), promoted in $promote_ms ms with its head unchanged ($heads): all $acked present ($unacked more committed, not acknowledged), none twice, verify ok, verify --digest of before the kill ok, a posting taken, append-only still enforced"
