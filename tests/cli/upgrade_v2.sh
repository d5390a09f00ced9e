#!/usr/bin/env bash
# A ledger written by the fundflow of schema 2 (tests/fixtures/ledger-v2.db, made by make_v2.sh with the
# program of commit b1feacd, before schema 3 rebuilt the entries table) is upgraded in place by `init`:
# every entry, hash and figure survives. Its digest, taken by the old program, is extended exactly;
# verify and check pass; the forms, balances, deposits and log read as the old program printed them
# (tests/fixtures/ledger-v2.expected, the old program's JSON).
source "$(dirname "$0")/lib.sh"
fixtures=$here/../fixtures
cp "$fixtures/ledger-v2.db" "$db"
[[ $(sqlite3 "$db" 'PRAGMA user_version') == 2 ]] || fail "the fixture is not a schema-2 ledger"
out=$(F report execution P001 --year 2020 2>&1) && fail "a schema-2 ledger was read without an upgrade: $out"
[[ $out == *"fundflow init"* ]] || fail "reading a schema-2 ledger does not say to run init: $out"
F init >/dev/null || fail "init did not upgrade the schema-2 ledger"
(( $(sqlite3 "$db" 'PRAGMA user_version') >= 3 )) || fail "init left the ledger at schema $(sqlite3 "$db" 'PRAGMA user_version')"
digest=$(cat "$fixtures/ledger-v2.digest")
F verify --digest "$digest" >/dev/null || fail "verify --digest of the old program's digest failed after the upgrade"
F check --as-of 2022-12-31 >/dev/null 2>&1; rc=$?
(( rc == 0 || rc == 3 )) || fail "check after the upgrade exited $rc"
[[ $(F digest) == "$digest" ]] || fail "the upgrade changed the head: $(F digest) vs $digest"
# Each read of the old program must read the same now (lib.sh's reads_match).
reads=$(reads_match "$fixtures/ledger-v2.expected") || { echo "$reads"; exit 1; }
# The upgraded file takes new postings and chains them on.
F pay P001 --level carryover --amount 1000 --date 2023-01-10 --ref 付-201 >/dev/null || fail "posting after the upgrade failed"
F verify --digest "$digest" >/dev/null || fail "verify after a posting on the upgraded ledger failed"
echo "ok upgrade-v2: $(sqlite3 "$db" 'SELECT count(*) FROM entries') entries upgraded from schema 2, digest extended, $reads reads identical"
