#!/usr/bin/env bash
# docs/hash-chain.md is right: tests/tools/verify_chain.py, written from the document alone, recomputes
# every hash of ledgers built with the CLI (the seed's case plus a reversal, an SME contract, CJK and emoji
# text, amendments, and schema 5's account entries) and agrees with `fundflow verify` and `fundflow digest`: ok on the clean files, broken on every
# tampered copy (each column the chain covers, in turn), and the document's worked example is the exact
# encoding of such an entry.
source "$(dirname "$0")/lib.sh"
tool=$here/../tools/verify_chain.py
doc=$here/../../docs/hash-chain.md
[[ -r $tool && -r $doc ]] || fail "missing $tool or $doc"
command -v "${PYTHON3:-python3}" >/dev/null || fail "python3 is needed"
# The interpreter itself, not a version manager's shim (which costs a quarter of a second per run).
python=$("${PYTHON3:-python3}" -c 'import sys; print(sys.executable)') || fail "python3 does not run"
PY() { "$python" "$tool" "$@"; }
problems=()
problem() { problems+=("$*"); }
cases=0

seed_ledger || fail "posting the seed ledger"
F pay P2 --level provincial --amount 1,000.01 --date 2021-03-02 --ref "付 2021/03" --memo "含\"引号\"与 emoji 🚧" >/dev/null || fail "pay"
F adjust P2 --level provincial --amount -0.01 --date 2021-03-03 --ref 调减-1 --memo 调减 >/dev/null || fail "adjust"
F contract add P2 --contract R-1 --supplier "路桥公司" --amount 50万 --retention-rate 3.5% --warranty-months 13 >/dev/null || fail "contract"
F retain P2 --contract R-1 --level provincial --amount 100 --date 2021-03-04 --accepted 2021-02-28 --warranty-months 12 >/dev/null || fail "retain"
# A refund naming the payment it returns: schema 3's `refunds` field, encoded only when set.
F refund P2 --of "付 2021/03" --amount 0.01 --date 2021-03-05 --ref 退-1 >/dev/null || fail "refund --of"
# Schema 3: amendment entries, whose terms (the amendments table) the chain covers too.
F contract amend P2 --contract R-1 --amount 60万 --warranty-months 18 --date 2021-03-05 --memo 补充协议 >/dev/null ||
    fail "contract amend"
F project amend P001 --name 县级融媒体中心建设项目（一期） --date 2020-12-01 --memo 更名 >/dev/null || fail "project amend"
# Schema 5: account entries (no project), whose terms (account_events) the chain covers too — each action, a
# token with an expiry and one without, an accountant's projects.
{ F user add lisi --role accountant --projects P2,P001 --password-stdin <<<"hash chain password" &&
  F user add 王五 --role auditor --password-stdin <<<"hash chain password" &&
  F token create lisi --expires 30d && F token create 王五 --expires never &&
  F user role 王五 --role admin && F user passwd lisi --password-stdin <<<"another password" &&
  F user disable 王五; } >/dev/null || fail "account changes"
digest=$(F digest) || fail "digest"
out=$(PY "$db") || fail "verify_chain.py fails on a clean ledger: $out"
[[ $out == "ok: ${digest%%:*} entries, head ${digest#*:}" ]] || fail "verify_chain.py says '$out', fundflow digest says '$digest'"
PY "$db" --digest "$digest" >/dev/null || problem "verify_chain.py does not accept fundflow's own digest"

# The worked example of the document, byte for byte (recorded_at and the login masked).
ex=$d/example.db
"$bin" --db "$ex" init >/dev/null &&
"$bin" --db "$ex" --user zhangsan project add P001 --name 县级融媒体中心建设项目 --func-code 2070808 --date 2020-01-02 >/dev/null ||
    fail "posting the example"
awk '/^Example: the registration of project/ { found = 1; next }
     found && /^```$/ { if (inside) exit; inside = 1; next }
     inside { print }' "$doc" >"$d/doc-example"
[[ $(wc -l <"$d/doc-example") == 21 ]] || fail "could not cut the 21-line example out of $doc"
PY "$ex" --dump 1 | sed -E 's/^recorded_at:27:.*/recorded_at:27:<instant>/; s/^os_user:[0-9]+:.*/os_user:<login>/' >"$d/actual-example"
sed -E 's/^recorded_at:27:.*/recorded_at:27:<instant>/; s/^os_user:[0-9]+:.*/os_user:<login>/' "$d/doc-example" >"$d/want-example"
cmp -s "$d/want-example" "$d/actual-example" ||
    problem "the document's example is not the encoding of entry 1: $(diff "$d/want-example" "$d/actual-example" | head -c 500)"
PY "$ex" >/dev/null && "$bin" --db "$ex" verify >/dev/null || problem "the example ledger does not verify"

# Tampered copies: both must say broken. One column at a time, triggers off.
t=$d/t.db
both_broken() { # what, then extra args for both verifiers
    local what=$1; shift
    cases=$((cases + 1))
    "$bin" --db "$t" verify "$@" >/dev/null 2>"$d/err"; local rc=$?
    PY "$t" "$@" >/dev/null 2>"$d/pyerr"; local prc=$?
    ((rc == 4)) || problem "$what: fundflow verify exited $rc, want 4 ($(head -c 160 "$d/err"))"
    ((prc == 1)) || problem "$what: verify_chain.py exited $prc, want 1 ($(head -c 160 "$d/pyerr"))"
}
edits=(
    "entries:amount_fen = amount_fen + 1 WHERE id = 3"
    "entries:amount_fen = -amount_fen WHERE kind = 'reversal'"
    "entries:kind = 'payment', effect_kind = 'payment' WHERE kind = 'refund' AND refunds IS NULL"
    "entries:refunds = NULL WHERE refunds IS NOT NULL"
    "entries:refunds = 3 WHERE refunds IS NOT NULL"
    "entries:effect_kind = 'refund' WHERE kind = 'reversal'"
    "entries:level = 'municipal' WHERE id = 3"
    "entries:level = NULL WHERE id = 3"
    "entries:effective_on = '2020-03-02' WHERE id = 3"
    "entries:recorded_at = '2020-01-15T00:00:00.000000Z' WHERE id = 2"
    "entries:user = 'wangwu' WHERE id = 2"
    "entries:os_user = 'someone' WHERE id = 2"
    "entries:ref = NULL WHERE id = 2"
    "entries:ref = '预2020-02' WHERE id = 2"
    "entries:memo = '年初预算批复 ' WHERE id = 2"
    "entries:memo = memo || '🚧' WHERE kind = 'reversal'"
    "entries:reverses = 9 WHERE kind = 'reversal'"
    "entries:accepted_on = '2020-11-21' WHERE kind = 'retention' AND amount_fen = 6297500"
    "entries:due_on = '2022-11-21' WHERE kind = 'retention' AND amount_fen = 6297500"
    "entries:warranty_months = 12 WHERE kind = 'retention' AND amount_fen = 6297500"
    "entries:contract_id = NULL WHERE kind = 'payment' AND contract_id IS NOT NULL"
    "entries:project_id = 2 WHERE id = 3"
    "entries:prev_hash = hash WHERE id = 4"
    "projects:name = name || ' ' WHERE code = 'P001'"
    "projects:unit_name = '' WHERE code = 'P001'"
    "projects:func_code = '2070809' WHERE code = 'P001'"
    "projects:code = 'P003' WHERE code = 'P2'"
    "contracts:supplier = '某传媒设备有限公司 ' WHERE code = 'C001'"
    "contracts:amount_fen = amount_fen + 1 WHERE code = 'C001'"
    "contracts:retention_rate_bp = 400 WHERE code = 'C001'"
    "contracts:warranty_months = 36 WHERE code = 'C001'"
    "contracts:sme = 0 WHERE code = 'C001'"
    "contracts:code = 'C002' WHERE code = 'C001'"
    "amendments:amount_fen = amount_fen + 1 WHERE amount_fen IS NOT NULL"
    "amendments:warranty_months = NULL WHERE warranty_months IS NOT NULL"
    "amendments:retention_rate_bp = 300 WHERE contract_id IS NOT NULL"
    "amendments:supplier = '某' WHERE contract_id IS NOT NULL"
    "amendments:name = name || ' ' WHERE name IS NOT NULL"
    "amendments:func_code = '2070808' WHERE name IS NOT NULL"
    "amendments:contract_id = (SELECT id FROM contracts WHERE code = 'C001') WHERE contract_id IS NOT NULL"
    "entries:kind = 'reopen', effect_kind = 'reopen' WHERE kind = 'amendment' AND contract_id IS NULL"
    "account_events:role = 'admin' WHERE action = 'create' AND role = 'accountant'"
    "account_events:projects = 'P001' WHERE projects IS NOT NULL"
    "account_events:projects = NULL WHERE projects IS NOT NULL"
    "account_events:user = 'mallory' WHERE action = 'disable'"
    "account_events:action = 'role' WHERE action = 'create' AND role = 'auditor'"
    "account_events:password_hash = NULL WHERE action = 'password'"
    "account_events:password_hash = (SELECT password_hash FROM account_events WHERE action = 'create' AND role = 'auditor') WHERE action = 'create' AND role = 'accountant'"
    "account_events:token_sha256 = substr(token_sha256, 2) || '0' WHERE token_expires_at IS NULL AND action = 'token'"
    "account_events:token_expires_at = NULL WHERE token_expires_at IS NOT NULL"
    "account_events:token_expires_at = '2099-01-01T00:00:00.000000Z' WHERE action = 'token' AND token_expires_at IS NULL"
    "account_events:entry_id = entry_id + 100 WHERE action = 'disable'"
    "entries:user = 'mallory' WHERE id = (SELECT min(id) FROM entries WHERE kind = 'account')"
    "entries:project_id = 1 WHERE id = (SELECT max(id) FROM entries WHERE kind = 'account')"
    "entries:kind = 'reopen', effect_kind = 'reopen' WHERE id = (SELECT max(id) FROM entries WHERE kind = 'account')"
)
for e in "${edits[@]}"; do
    copy_ledger "$db" "$t"
    tamper "$t" "PRAGMA foreign_keys = OFF" "PRAGMA ignore_check_constraints = ON" "UPDATE ${e%%:*} SET ${e#*:}"
    [[ $(sha256sum <"$t") != $(sha256sum <"$db") ]] || { problem "the edit '$e' changed nothing"; continue; }
    both_broken "UPDATE ${e%%:*} SET ${e#*:}"
done
# An account entry's terms removed.
copy_ledger "$db" "$t"; tamper "$t" "DELETE FROM account_events WHERE action = 'token' AND token_expires_at IS NULL"
both_broken "a token's terms deleted"
# A whole entry removed from the middle; the newest removed (the rest consistent), against the digest.
copy_ledger "$db" "$t"; tamper "$t" "DELETE FROM entries WHERE id = 4"
both_broken "entry 4 deleted"
copy_ledger "$db" "$t"; tamper "$t" "DELETE FROM entries WHERE id = (SELECT max(id) FROM entries); DELETE FROM amendments WHERE entry_id NOT IN (SELECT id FROM entries); DELETE FROM account_events WHERE entry_id NOT IN (SELECT id FROM entries); DELETE FROM day_totals; INSERT INTO day_totals SELECT project_id, level, effective_on, effect_kind, SUM(amount_fen) FROM entries WHERE level IS NOT NULL GROUP BY 1, 2, 3, 4; DELETE FROM month_totals; INSERT INTO month_totals SELECT project_id, level, substr(effective_on, 1, 7), effect_kind, SUM(amount_fen) FROM day_totals GROUP BY 1, 2, 3, 4; DELETE FROM year_totals; INSERT INTO year_totals SELECT project_id, level, CAST(substr(effective_on, 1, 4) AS INTEGER), effect_kind, SUM(amount_fen) FROM day_totals GROUP BY 1, 2, 3, 4"
"$bin" --db "$t" verify >/dev/null 2>&1 && PY "$t" >/dev/null || problem "a consistent deletion of the newest entry: the shorter chain should verify on its own"
both_broken "the newest entry deleted, against the digest taken before" --digest "$digest"
# An older copy restored.
copy_ledger "$ex" "$t"
both_broken "another ledger's file, against this one's digest" --digest "$digest"

# An untouched copy is fine for both.
copy_ledger "$db" "$t"
"$bin" --db "$t" verify >/dev/null && PY "$t" --digest "$digest" >/dev/null || problem "an untouched copy does not verify"

if ((${#problems[@]} > 0)); then
    printf '  %s\n' "${problems[@]}"
    fail "${#problems[@]} disagreements between docs/hash-chain.md (verify_chain.py) and fundflow"
fi
echo "ok hash-chain-doc: verify_chain.py agrees with fundflow on a clean ledger, the document's example and $cases tampered copies"
