#!/usr/bin/env bash
# A ledger written by the fundflow of schema 4 (tests/fixtures/ledger-v4.db, made by make_v4.sh with the program
# of commit 522c0a7, the last before accounts) is upgraded in place by `init` to schema 7 (5: accounts, 6: idempotency keys, 7: units), which rebuilds the
# entries table for account entries: every entry, hash and figure survives. The old program's digest is extended
# exactly and the head is unchanged; tests/tools/verify_chain.py (docs/hash-chain.md) computes the same head
# before and after; verify and check pass; the forms, balances, lists, log and entries read as the old program
# printed them (tests/fixtures/ledger-v4.expected). Then the upgraded file takes account entries and postings,
# and both verifiers still agree.
source "$(dirname "$0")/lib.sh"
fixtures=$here/../fixtures
python=${PYTHON3:-python3}
command -v "$python" >/dev/null || python=
cp "$fixtures/ledger-v4.db" "$db"
[[ $(sqlite3 "$db" 'PRAGMA user_version') == 4 ]] || fail "the fixture is not a schema-4 ledger"
digest=$(cat "$fixtures/ledger-v4.digest")
if [[ -n $python ]]; then
    before=$("$python" "$here/../tools/verify_chain.py" "$db") || fail "verify_chain.py fails on the schema-4 fixture: $before"
    [[ $before == "ok: ${digest%%:*} entries, head ${digest#*:}" ]] || fail "verify_chain.py says '$before' of the fixture, its digest is $digest"
fi
out=$(F report execution P001 --year 2020 2>&1) && fail "a schema-4 ledger was read without an upgrade: $out"
[[ $out == *"fundflow init"* ]] || fail "reading a schema-4 ledger does not say to run init: $out"
F init >/dev/null || fail "init did not upgrade the schema-4 ledger"
[[ $(sqlite3 "$db" 'PRAGMA user_version') == 7 ]] || fail "init left the ledger at schema $(sqlite3 "$db" 'PRAGMA user_version')"
[[ $(sqlite3 "$db" "SELECT count(*) FROM account_events") == 0 ]] || fail "the upgrade wrote account terms"
F verify --digest "$digest" >/dev/null || fail "verify --digest of the old program's digest failed after the upgrade"
F check --as-of 2023-12-31 --grace-days 3650 >/dev/null 2>&1; rc=$?
(( rc == 0 )) || fail "check after the upgrade exited $rc"
[[ $(F digest) == "$digest" ]] || fail "the upgrade changed the head: $(F digest) vs $digest"
if [[ -n $python ]]; then
    after=$("$python" "$here/../tools/verify_chain.py" "$db") || fail "verify_chain.py fails after the upgrade: $after"
    [[ $after == "$before" ]] || fail "verify_chain.py says '$after' after the upgrade, '$before' before"
fi
# The schema is the one a new ledger gets (same tables, indexes and triggers, same SQL).
"$bin" --db "$d/new.db" init >/dev/null || fail "init of a new ledger"
schema() { sqlite3 "$1" "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name"; }
diff <(schema "$d/new.db") <(schema "$db") >"$d/schema.diff" ||
    fail "the upgraded schema differs from a new ledger's: $(head -c 600 "$d/schema.diff")"
# Each read of the old program must read the same now.
reads=$(reads_match "$fixtures/ledger-v4.expected") || { echo "$reads"; exit 1; }
# The upgraded file takes account entries and postings, and chains them on.
F user add lisi --role accountant --projects P001 --password-stdin <<<"upgrade password" >/dev/null &&
    F token create lisi >/dev/null && F user role lisi --role auditor >/dev/null ||
    fail "account changes after the upgrade failed"
F pay P001 --level carryover --amount 1000 --date 2024-01-10 --ref 付-201 >/dev/null || fail "posting after the upgrade failed"
F verify --digest "$digest" >/dev/null || fail "verify after new entries on the upgraded ledger failed"
if [[ -n $python ]]; then
    now=$("$python" "$here/../tools/verify_chain.py" "$db" --digest "$digest") || fail "verify_chain.py after new entries: $now"
    [[ $now == "ok: $(F digest | tr ':' ' ' | awk '{ print $1 " entries, head " $2 }')" ]] ||
        fail "verify_chain.py says '$now', fundflow digest $(F digest)"
fi
echo "ok upgrade-v4: $(sqlite3 "$db" 'SELECT count(*) FROM entries') entries, schema 4 upgraded to 7, digest $digest extended and verify_chain.py's head unchanged, schema as a new ledger's, $reads reads identical"
