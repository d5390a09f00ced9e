#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests (issue 14): initdb into DIR as an unprivileged user, Unix
# socket only (no TCP port is opened), started and stopped by the test that needs it. Nothing is installed
# or changed outside DIR; the machine's own clusters, if any, are not touched.
#
#   scripts/pg-cluster.sh start DIR [PORT]   initdb (when DIR has no cluster yet) and start; prints the libpq
#                                            URI of the database `fundflow` (created empty) on stdout
#   scripts/pg-cluster.sh stop DIR           stop it (fast shutdown); DIR stays, remove it yourself
#   scripts/pg-cluster.sh kill DIR           stop it as a crash would (immediate shutdown: no checkpoint)
#   scripts/pg-cluster.sh uri DIR [DB]       the URI of database DB (default fundflow) of a running cluster
#   scripts/pg-cluster.sh standby DIR PRIMARY_DIR [PORT]
#                                            a hot standby of the running cluster in PRIMARY_DIR (pg_basebackup,
#                                            streaming replication over the primary's socket), started; the
#                                            primary then waits for it on every commit (synchronous_standby_names
#                                            '*', synchronous_commit = remote_apply): a commit acknowledged by the
#                                            primary is visible on the standby. Prints the standby's URI.
#   scripts/pg-cluster.sh promote DIR        the standby in DIR becomes a primary (pg_ctl promote)
#
# PORT (default 5433) only names the socket file DIR/.s.PGSQL.PORT. The server runs as the invoking user, or as
# `postgres` (made by Debian's postgresql package) when invoked as root: PostgreSQL refuses to run as root.
# Exit status: 0 done; 1 a failure (its line on stderr); 3 PostgreSQL 15 is not installed (a test reports
# "skip"; scripts/install-deps.sh --test installs it).
set -euo pipefail

bin=${FUNDFLOW_PG_BIN:-/usr/lib/postgresql/15/bin}
usage() {
    echo "usage: pg-cluster.sh start DIR [PORT] | stop DIR | kill DIR | uri DIR [DB] | standby DIR PRIMARY_DIR [PORT] | promote DIR" >&2
    exit 2
}
(($# >= 2)) || usage
action=$1
dir=$2
[[ -x $bin/initdb && -x $bin/pg_ctl ]] || {
    echo "pg-cluster.sh: PostgreSQL 15 is not installed ($bin/initdb); run scripts/install-deps.sh --test" >&2
    exit 3
}

# The user the server runs as, and how to run a command as that user.
as_owner=()
if [[ $(id -u) == 0 ]]; then
    id postgres >/dev/null 2>&1 || {
        echo "pg-cluster.sh: running as root needs the user 'postgres' (Debian's postgresql package makes it)" >&2
        exit 1
    }
    as_owner=(runuser -u postgres --)
fi
owner=$(if ((${#as_owner[@]})); then echo postgres; else id -un; fi)

data=$dir/data
# The server's user must be able to enter DIR: a private parent folder (a home directory) stops it.
reachable() {
    "${as_owner[@]}" test -x "$1" -a -w "$1" || {
        echo "pg-cluster.sh: user $owner cannot enter $1 (a parent folder is private); use a folder under /tmp" >&2
        exit 1
    }
}
port_of() { sed -n "s/^port = '\?\([0-9]*\).*/\1/p" "$data/postgresql.auto.conf" 2>/dev/null | tail -1; }
uri() { printf 'postgresql:///%s?host=%s&port=%s&user=%s\n' "${1:-fundflow}" "$dir" "$(port_of)" "$owner"; }

case $action in
start)
    port=${3:-5433}
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    data=$dir/data
    if ((${#as_owner[@]})); then chown postgres: "$dir"; fi
    reachable "$dir"
    if [[ ! -f $data/PG_VERSION ]]; then
        # trust on the socket only: the socket lives in DIR, which only the owner (and root) can enter.
        "${as_owner[@]}" "$bin/initdb" -D "$data" --auth=trust --encoding=UTF8 --locale=C.UTF-8 -U "$owner" \
            >"$dir/initdb.log" 2>&1 || { echo "pg-cluster.sh: initdb failed; see $dir/initdb.log" >&2; exit 1; }
        chmod 700 "$dir"
        {
            echo "listen_addresses = ''"            # no TCP at all
            echo "unix_socket_directories = '$dir'"
            echo "port = $port"
            echo "fsync = on"                       # the reliability tests kill it: keep it honest
            echo "synchronous_commit = on"
            echo "max_connections = 200"            # 32 writers plus readers plus the suite's own
            echo "wal_level = replica"              # a hot standby can follow it
            echo "max_wal_senders = 4"
        } >>"$data/postgresql.auto.conf"
    fi
    "${as_owner[@]}" "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
        { echo "pg-cluster.sh: the server did not start; see $dir/server.log" >&2; exit 1; }
    "${as_owner[@]}" "$bin/psql" -h "$dir" -p "$(port_of)" -U "$owner" -d postgres -qAtX \
        -c "SELECT 1 FROM pg_database WHERE datname = 'fundflow'" | grep -q 1 ||
        "${as_owner[@]}" "$bin/createdb" -h "$dir" -p "$(port_of)" -U "$owner" fundflow
    uri
    ;;
stop | kill)
    mode=fast
    [[ $action == kill ]] && mode=immediate
    [[ -f $data/postmaster.pid ]] || exit 0
    "${as_owner[@]}" "$bin/pg_ctl" -D "$data" -m "$mode" -w -t 60 stop >/dev/null
    ;;
uri)
    dir=$(cd "$dir" && pwd)
    data=$dir/data
    uri "${3:-fundflow}"
    ;;
standby)
    primary=$(cd "${3:?standby needs the DIR of the primary}" && pwd)
    port=${4:-5435}
    primary_port=$(sed -n "s/^port = '\?\([0-9]*\).*/\1/p" "$primary/data/postgresql.auto.conf" | tail -1)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    data=$dir/data
    if ((${#as_owner[@]})); then chown postgres: "$dir"; fi
    chmod 700 "$dir"
    reachable "$dir"
    # -R writes standby.signal and primary_conninfo (the primary's socket); -X stream copies the WAL as it goes.
    "${as_owner[@]}" "$bin/pg_basebackup" -h "$primary" -p "$primary_port" -U "$owner" -D "$data" -R -X stream --checkpoint=fast \
        >"$dir/basebackup.log" 2>&1 || { echo "pg-cluster.sh: pg_basebackup failed; see $dir/basebackup.log" >&2; exit 1; }
    {   # the copy of the primary's settings names the primary's socket and port: later lines win
        echo "unix_socket_directories = '$dir'"
        echo "port = $port"
        echo "hot_standby = on"
    } >>"$data/postgresql.auto.conf"
    "${as_owner[@]}" "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
        { echo "pg-cluster.sh: the standby did not start; see $dir/server.log" >&2; exit 1; }
    "${as_owner[@]}" "$bin/psql" -h "$primary" -p "$primary_port" -U "$owner" -d postgres -qAtX \
        -c "ALTER SYSTEM SET synchronous_standby_names = '*'" -c "ALTER SYSTEM SET synchronous_commit = 'remote_apply'" \
        -c "SELECT pg_reload_conf()" >/dev/null
    # Wait until the primary sees it streaming as a synchronous standby (or give up after 30 s).
    for _ in $(seq 300); do
        state=$("${as_owner[@]}" "$bin/psql" -h "$primary" -p "$primary_port" -U "$owner" -d postgres -qAtX \
            -c "SELECT sync_state FROM pg_stat_replication LIMIT 1")
        [[ $state == sync ]] && break
        sleep 0.1
    done
    [[ $state == sync ]] || { echo "pg-cluster.sh: the standby is not streaming synchronously ($state)" >&2; exit 1; }
    uri
    ;;
promote)
    "${as_owner[@]}" "$bin/pg_ctl" -D "$data" -w -t 60 promote >/dev/null
    ;;
*) usage ;;
esac
