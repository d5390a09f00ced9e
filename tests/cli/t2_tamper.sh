#!/usr/bin/env bash
# reliability.md T2: tampering with the stock sqlite3 client (`.dbconfig enable_trigger off`), over
# several ledgers (seeds) and every position:
#   a. edit one entry's amount (or, for a registration, its memo)  → `verify` exits 4 naming that entry;
#   b. edit a project's name / a contract's supplier, amount or SME flag → `verify` exits 4 naming the
#      entry that registered it;
#   c. delete the newest entries (also rebuilding the derived totals so that nothing but the chain could
#      notice)                                                    → `verify --digest D` exits 4, D taken before;
#   d. restore an older copy of the file                          → `verify --digest D` exits 4, D taken before
#      (plain verify passes: the older chain is consistent);
#   e. cut a registration entry loose from its record             → `verify` exits 4 (never a crash);
#   h. edit a term of an account entry's row of account_events (schema 5), delete the row, edit the account
#      entry, or add a row no account entry wrote                → `verify` exits 4 naming the entry (the
#      added row: naming account_events), and tests/tools/verify_chain.py finds the chain broken too;
#   f. rewrite the whole chain: edit a memo, then recompute every prev_hash and hash after it with
#      docs/hash-chain.md's encoding (tests/tools/verify_chain.py, python3), so that plain `verify` passes
#                                                                 → `verify --digest D` exits 4, D taken before.
# Every failing verify must print exactly one line on stderr. Seeds: reliability.md's 10 (FUNDFLOW_T2_SEEDS, or
# a second argument, sets another number: 1 for the can-fail run, more to soak). Without python3, (f) is
# skipped with a 'skip:' line. The figure line ('T2: …') counts the tampered files of each case.
#
# Can this harness fail? The CTest test cli/t2-tamper-can-fail runs it against the test-only build
# fundflow-verify-disabled (cli/CMakeLists.txt), whose verify checks nothing and says ok: it must fail.
source "$(dirname "$0")/lib.sh"
export FUNDFLOW_LANG=en  # the checks read the English of verify's line ("entry #N", "amendments")
seeds=${2:-${FUNDFLOW_T2_SEEDS:-10}}
[[ $seeds =~ ^[1-9][0-9]*$ ]] || fail "the number of seeds must be a positive number, not '$seeds'"
python=${PYTHON3:-python3}
command -v "$python" >/dev/null || { echo "skip: T2-rewrite: no python3 to rewrite the chain with (case f)"; python=; }
declare -A per_case=()
problems=()
cases=0
problem() { problems+=("$*"); }

# verify on $1 (extra args after) must exit 4 with one line on stderr containing $2 (may be empty).
expect_broken() {
    local at=$1 want=$2 what=$3; shift 3
    local rc
    "$bin" --db "$at" verify "$@" >"$d/out" 2>"$d/err"; rc=$?
    cases=$((cases + 1))
    per_case[${what_case:-?}]=$((${per_case[${what_case:-?}]:-0} + 1))
    if ((rc != 4)); then
        problem "$what: verify${*:+ $*} exited $rc, want 4 ($(head -c 200 "$d/err"))"
    elif ! one_line_error "$d/err"; then
        problem "$what: stderr is not one 'fundflow: ' line: $(head -c 300 "$d/err")"
    elif [[ -n $want ]] && ! grep -qF -- "$want" "$d/err"; then
        problem "$what: the message does not name '$want': $(cat "$d/err")"
    fi
}
expect_ok() {
    local at=$1 what=$2; shift 2
    "$bin" --db "$at" verify "$@" >"$d/out" 2>"$d/err" || problem "$what: verify $* failed: $(cat "$d/err")"
}
# What a careful tamperer does after deleting entries: drop the records they registered and recompute the
# derived totals, so that only the chain (and a digest kept outside) can tell.
# (rebuild_totals: set once the first ledger exists, with the totals tables its schema has.)
drop_records="DELETE FROM contracts WHERE id NOT IN (SELECT contract_id FROM entries WHERE kind = 'contract' AND contract_id IS NOT NULL); DELETE FROM projects WHERE id NOT IN (SELECT project_id FROM entries WHERE kind = 'project');"

# Seed 1 is the seed ledger of lib.sh; the others add a random but valid history (RANDOM is seeded).
build() {
    local seed=$1 at=$2 i k amount
    seed_ledger "$at" || fail "seed $seed: posting the seed ledger"
    "$bin" --db "$at" digest >"$at.digest.$("$bin" --db "$at" digest --format json | jq .entries)"
    RANDOM=$seed
    for ((i = 0; i < seed * 3; i++)); do
        amount=$((RANDOM % 900 + 1)).$((RANDOM % 10))$((RANDOM % 10))
        case $((RANDOM % 4)) in
        0) "$bin" --db "$at" arrive P2 --level provincial --amount "$amount" --date 2021-04-0$((RANDOM % 9 + 1)) ;;
        1) "$bin" --db "$at" pay P2 --level provincial --amount "$amount" --date 2021-05-1$((RANDOM % 9)) --memo "付款 $i" --user "user$((RANDOM % 3))" ;;
        2) "$bin" --db "$at" adjust P2 --level provincial --amount "$amount" --date 2021-06-01 --ref "调$seed-$i" --memo 追加 ;;
        3) "$bin" --db "$at" contract add P2 --contract "R-$seed-$i" --supplier "供应商 $i" --amount "$amount" --retention-rate 3% --date 2021-02-01 $( ((RANDOM % 2)) && echo --sme) ;;
        esac >/dev/null 2>&1
        k=$("$bin" --db "$at" digest --format json | jq .entries)
        "$bin" --db "$at" digest >"$at.digest.$k"
        copy_ledger "$at" "$at.copy.$k"
    done
}

for ((seed = 1; seed <= seeds; seed++)); do
    base=$d/seed$seed.db
    build "$seed" "$base"
    rebuild_totals="$drop_records $(rebuild_totals_sql "$base")"
    expect_ok "$base" "seed $seed untouched"
    n=$("$bin" --db "$base" digest --format json | jq .entries)
    "$bin" --db "$base" digest >"$d/head.digest"
    t=$d/t.db

    # a. every entry, one at a time.
    what_case=a
    for ((id = 1; id <= n; id++)); do
        copy_ledger "$base" "$t"
        if [[ $(sqlite3 "$t" "SELECT level IS NULL FROM entries WHERE id = $id") == 1 ]]; then
            tamper "$t" "UPDATE entries SET memo = memo || '改' WHERE id = $id"
        else
            tamper "$t" "UPDATE entries SET amount_fen = amount_fen + 1 WHERE id = $id"
        fi
        expect_broken "$t" "entry #$id" "seed $seed, a. entry #$id edited"
    done

    # b. the records behind the registrations.
    what_case=b
    while IFS='|' read -r code entry; do
        copy_ledger "$base" "$t"
        tamper "$t" "UPDATE projects SET name = name || '（改）' WHERE code = '$code'"
        expect_broken "$t" "entry #$entry" "seed $seed, b. name of project $code"
    done < <(sqlite3 "$base" "SELECT p.code, e.id FROM projects p JOIN entries e ON e.project_id = p.id AND e.kind = 'project'")
    while IFS='|' read -r cid entry; do
        for change in "supplier = supplier || ' 分公司'" "amount_fen = amount_fen + 100" "sme = 1 - sme" "retention_rate_bp = retention_rate_bp + 1"; do
            copy_ledger "$base" "$t"
            tamper "$t" "UPDATE contracts SET $change WHERE id = $cid"
            expect_broken "$t" "entry #$entry" "seed $seed, b. contract id $cid: $change"
        done
    done < <(sqlite3 "$base" "SELECT c.id, e.id FROM contracts c JOIN entries e ON e.contract_id = c.id AND e.kind = 'contract'")

    # c. delete the newest 1, 2 and 5 entries, with and without rebuilding the totals.
    what_case=c
    for cut in 1 2 5; do
        ((cut < n)) || continue
        for rebuild in 0 1; do
            copy_ledger "$base" "$t"
            tamper "$t" "DELETE FROM entries WHERE id > $((n - cut)); $( ((rebuild)) && echo "$rebuild_totals")"
            expect_broken "$t" "" "seed $seed, c. newest $cut deleted (totals rebuilt: $rebuild)" --digest "$(cat "$d/head.digest")"
            if ((rebuild)); then
                expect_ok "$t" "seed $seed, c. after a consistent deletion plain verify (sanity)"
            fi
        done
    done

    # d. an older copy restored over the file.
    what_case=d
    for copy in "$base".copy.*; do
        [[ -e $copy ]] || continue
        k=${copy##*.}
        ((k < n)) || continue
        copy_ledger "$copy" "$t"
        expect_ok "$t" "seed $seed, d. older copy $k on its own"
        expect_ok "$t" "seed $seed, d. older copy $k against its own digest" --digest "$(cat "$base.digest.$k")"
        expect_broken "$t" "" "seed $seed, d. older copy $k restored" --digest "$(cat "$d/head.digest")"
    done

    # f. the whole chain rewritten after an edited memo (a random entry, and the first).
    what_case=f
    if [[ -n $python ]]; then
        for id in 1 $((RANDOM % n + 1)); do
            copy_ledger "$base" "$t"
            tamper "$t" "UPDATE entries SET memo = memo || '（改）' WHERE id = $id"
            if ! sql=$("$python" - "$t" "$here/../tools" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import sqlite3
import verify_chain as vc
connection = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
connection.text_factory = bytes
prev = vc.GENESIS
for row in connection.execute(vc.QUERY).fetchall():
    new = vc.chain_hash(prev, vc.encoding(row))
    if row[17].decode() != prev or row[18].decode() != new:
        print(f"UPDATE entries SET prev_hash = '{prev}', hash = '{new}' WHERE id = {row[0]};")
    prev = new
PY
            ); then
                problem "seed $seed, f. rewriting the chain after entry #$id failed"; continue
            fi
            tamper "$t" "$sql"
            expect_ok "$t" "seed $seed, f. the chain rewritten after entry #$id, plain verify (sanity: a consistent rewrite)"
            expect_broken "$t" "" "seed $seed, f. the chain rewritten after entry #$id" --digest "$(cat "$d/head.digest")"
        done
    fi
done

# e. registrations cut loose from their records (seed ledger: entry 5 registers contract C001).
what_case=e
base=$d/seed1.db
copy_ledger "$base" "$t"; tamper "$t" "UPDATE entries SET contract_id = NULL WHERE kind = 'contract'"
expect_broken "$t" "" "e. a contract registration without its contract"
copy_ledger "$base" "$t"; tamper "$t" "PRAGMA foreign_keys = OFF" "UPDATE entries SET contract_id = 999 WHERE kind = 'contract'"
expect_broken "$t" "" "e. a contract registration pointing at no contract"
copy_ledger "$base" "$t"; tamper "$t" "UPDATE entries SET kind = 'contract', effect_kind = 'contract' WHERE id = 1"
expect_broken "$t" "" "e. a project registration relabelled as a contract"
copy_ledger "$base" "$t"; tamper "$t" "UPDATE entries SET kind = 'payment', effect_kind = 'payment' WHERE id = 1"
expect_broken "$t" "entry #1" "e. a project registration relabelled as a payment"
copy_ledger "$base" "$t"; tamper "$t" "UPDATE entries SET level = 'county', amount_fen = 100 WHERE id = 1; $rebuild_totals"
expect_broken "$t" "entry #1" "e. money slipped into a registration"

# g. the terms of an amendment (schema 3), which its entry's hash covers: edited, moved to another
# contract or project, deleted, or a row added that no amendment entry wrote.
what_case=g
base=$d/amended.db
seed_ledger "$base" || fail "g: posting the seed ledger"
"$bin" --db "$base" contract add P001 --contract C002 --supplier 另一公司 --amount 1000 --date 2020-04-02 >/dev/null &&
    "$bin" --db "$base" contract amend P001 --contract C001 --amount 1300000 --supplier 某传媒设备有限公司（更名） \
        --date 2020-12-01 --memo 补充协议一 >/dev/null &&
    "$bin" --db "$base" project amend P001 --name 县级融媒体中心建设项目（一期） --date 2020-12-01 --memo 更名 >/dev/null ||
    fail "g: posting the amendments"
expect_ok "$base" "g. amended ledger untouched"
amended=$(sqlite3 "$base" "SELECT entry_id FROM amendments WHERE contract_id IS NOT NULL")
renamed=$(sqlite3 "$base" "SELECT entry_id FROM amendments WHERE contract_id IS NULL")
for change in "amount_fen = amount_fen + 1" "supplier = supplier || 'x'" "retention_rate_bp = 300" \
              "warranty_months = 36" "sme = 1" "contract_id = (SELECT id FROM contracts WHERE code = 'C002')"; do
    copy_ledger "$base" "$t"; tamper "$t" "UPDATE amendments SET $change WHERE entry_id = $amended"
    expect_broken "$t" "entry #$amended" "g. contract amendment: $change"
done
for change in "name = name || 'x'" "unit_name = 'x'" "func_code = '2070809'" "project_id = 2"; do
    copy_ledger "$base" "$t"; tamper "$t" "UPDATE amendments SET $change WHERE entry_id = $renamed"
    expect_broken "$t" "entry #$renamed" "g. project amendment: $change"
done
copy_ledger "$base" "$t"; tamper "$t" "DELETE FROM amendments WHERE entry_id = $amended"
expect_broken "$t" "entry #$amended" "g. an amendment's terms deleted"
copy_ledger "$base" "$t"; tamper "$t" "INSERT INTO amendments (entry_id, project_id, contract_id, amount_fen) SELECT 1, project_id, contract_id, 1 FROM amendments WHERE entry_id = $amended"
expect_broken "$t" "amendments" "g. terms added that no amendment entry wrote"

# h. accounts (schema 5): each term of each account entry's row of account_events, the row deleted, the
# account entry itself edited — verify names that entry, and tests/tools/verify_chain.py (docs/hash-chain.md)
# agrees that the chain is broken; a row that no account entry wrote is reported by verify ("account_events").
what_case=h
base=$d/accounts.db
seed_ledger "$base" || fail "h: posting the seed ledger"
A() { "$bin" --db "$base" "$@" >/dev/null; }
{ A user add lisi --role accountant --projects P001,P2 --password-stdin <<<"t2 password one" &&
  A user add 王五 --role auditor --password-stdin <<<"t2 password two" &&
  A token create lisi --expires 90d && A token create 王五 --expires never &&
  A user role 王五 --role accountant && A user passwd lisi --password-stdin <<<"t2 password three" &&
  A user disable 王五; } || fail "h: posting the account entries"
expect_ok "$base" "h. accounts ledger untouched"
python_broken() { # the chain re-implemented from the document must call the copy broken too
    [[ -n $python ]] || return 0
    "$python" "$here/../tools/verify_chain.py" "$1" >/dev/null 2>&1
    (($? == 1)) || problem "$2: verify_chain.py does not find the chain broken"
}
while IFS='|' read -r entry set_columns; do
    for column in $set_columns; do
        case $column in
            projects) change="projects = 'P2'" ;;
            token_sha256) change="token_sha256 = substr(token_sha256, 2) || 'a'" ;;
            token_expires_at) change="token_expires_at = '2099-12-31T00:00:00.000000Z'" ;;
            password_hash) change="password_hash = password_hash || 'x'" ;;
            role) change="role = CASE role WHEN 'admin' THEN 'auditor' ELSE 'admin' END" ;;
            *) change="$column = $column || 'x'" ;;
        esac
        copy_ledger "$base" "$t"
        tamper "$t" "PRAGMA ignore_check_constraints = ON" "UPDATE account_events SET $change WHERE entry_id = $entry"
        expect_broken "$t" "entry #$entry" "h. account entry #$entry: $change"
        python_broken "$t" "h. account entry #$entry: $change"
    done
    # A term the action does not set, set.
    copy_ledger "$base" "$t"
    tamper "$t" "PRAGMA ignore_check_constraints = ON" \
        "UPDATE account_events SET token_expires_at = '2099-12-31T00:00:00.000000Z' WHERE entry_id = $entry AND token_expires_at IS NULL" \
        "UPDATE account_events SET token_expires_at = NULL WHERE entry_id = $entry AND action = 'token' AND token_expires_at <> '2099-12-31T00:00:00.000000Z'"
    expect_broken "$t" "entry #$entry" "h. account entry #$entry: token expiry set or cleared"
    python_broken "$t" "h. account entry #$entry: token expiry set or cleared"
    copy_ledger "$base" "$t"; tamper "$t" "DELETE FROM account_events WHERE entry_id = $entry"
    expect_broken "$t" "entry #$entry" "h. account entry #$entry: its terms deleted"
    python_broken "$t" "h. account entry #$entry: its terms deleted"
    copy_ledger "$base" "$t"; tamper "$t" "UPDATE entries SET user = user || '（改）' WHERE id = $entry"
    expect_broken "$t" "entry #$entry" "h. account entry #$entry: its actor edited"
    python_broken "$t" "h. account entry #$entry: its actor edited"
done < <(sqlite3 "$base" "SELECT entry_id, trim(iif(role IS NULL, '', 'role ') || iif(projects IS NULL, '', 'projects ') ||
                                  iif(password_hash IS NULL, '', 'password_hash ') || iif(token_sha256 IS NULL, '', 'token_sha256 ') ||
                                  iif(token_expires_at IS NULL, '', 'token_expires_at ') || 'user action')
                           FROM account_events ORDER BY entry_id")
copy_ledger "$base" "$t"
tamper "$t" "INSERT INTO account_events (entry_id, user, action) VALUES (1, 'mallory', 'disable')"
expect_broken "$t" "account_events" "h. terms added that no account entry wrote"

if ((${#problems[@]} > 0)); then
    printf '  %s\n' "${problems[@]}"
    fail "${#problems[@]} of $cases tampered files were not reported as verify exit 4 (one line)"
fi
echo "T2: $cases tampered files over $seeds seeds (a. ${per_case[a]:-0} entries edited, b. ${per_case[b]:-0} registered records edited — verify; c. ${per_case[c]:-0} newest entries deleted, d. ${per_case[d]:-0} older copies restored, f. ${per_case[f]:-0} chains rewritten — verify --digest; e. ${per_case[e]:-0} registrations cut loose; g. ${per_case[g]:-0} amendment terms edited, deleted or added; h. ${per_case[h]:-0} account terms and entries edited, deleted or added), each caught with exit 4 and one line, 0 silent alterations"
