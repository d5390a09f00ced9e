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
# Each read of the old program (a "# command" line, then its JSON) must read the same now: every key the
# old program printed has the same value (a newer program may add keys).
python=${PYTHON3:-python3}
command -v "$python" >/dev/null || { echo "skip: upgrade-v2 reads: no python3"; exit 0; }
reads=0
while IFS= read -r cmd && IFS= read -r expected; do
    [[ $cmd == "# "* ]] || fail "malformed ledger-v2.expected near '$cmd'"
    # shellcheck disable=SC2086
    now=$(F ${cmd#\# } --format json) || fail "'${cmd#\# }' failed after the upgrade"
    "$python" - "$expected" "$now" "${cmd#\# }" <<'PY' || fail "the upgraded ledger reads differently (above)"
import json, sys
old, new, cmd = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
def within(a, b, path):
    if isinstance(a, dict):
        if not isinstance(b, dict):
            sys.exit(f"{cmd}: {path}: was an object, now {b!r}")
        for k, v in a.items():
            if k not in b:
                sys.exit(f"{cmd}: {path}.{k}: missing now")
            within(v, b[k], f"{path}.{k}")
    elif isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            sys.exit(f"{cmd}: {path}: {len(a)} items before, now {b!r:.200}")
        for i, (x, y) in enumerate(zip(a, b)):
            within(x, y, f"{path}[{i}]")
    elif a != b:
        sys.exit(f"{cmd}: {path}: {a!r} before, {b!r} now")
within(old, new, "")
PY
    reads=$((reads + 1))
done <"$fixtures/ledger-v2.expected"
# The upgraded file takes new postings and chains them on.
F pay P001 --level carryover --amount 1000 --date 2023-01-10 --ref 付-201 >/dev/null || fail "posting after the upgrade failed"
F verify --digest "$digest" >/dev/null || fail "verify after a posting on the upgraded ledger failed"
echo "ok upgrade-v2: $(sqlite3 "$db" 'SELECT count(*) FROM entries') entries upgraded from schema 2, digest extended, $reads reads identical"
