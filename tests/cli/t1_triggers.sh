#!/usr/bin/env bash
# reliability.md T1: UPDATE and DELETE through SQL (the stock sqlite3 client, triggers left on) are
# refused by the file's own triggers, on every table of the ledger (each statement on a fresh copy) — entries,
# projects, contracts, account_events and the derived totals (not sessions and login_failures: who is logged in
# now, mutable by design and not chained) — and so are REPLACE (an implicit delete) and writes into the derived
# totals. Each refused statement leaves the file byte-identical and `fundflow verify` still passes.
source "$(dirname "$0")/lib.sh"
seed_ledger || fail "posting the seed ledger"
# One import, so that the record of loads (imports) has a row to try.
printf 'kind,date,project,level,amount,ref\npayment,2021-03-02,P2,provincial,1,导入-1\n' >"$d/import.csv"
F import "$d/import.csv" >/dev/null || fail "importing into the seed ledger"
# Schema 3's amendments table must hold a row to be tried: a contract amendment (补充协议).
F contract amend P001 --contract C001 --retention-rate 3% --date 2020-12-01 --memo 补充协议一 >/dev/null ||
    fail "amending contract C001"
# Schema 5's account_events: a user and a token (account entries).
F user add lisi --role auditor --password-stdin <<<"t1 password" >/dev/null && F token create lisi >/dev/null ||
    fail "adding a user and a token"
# Schema 7's units: a unit and a project of it.
F unit add 县局 --name 某县财政局 --date 2020-01-01 >/dev/null &&
    F project add P7 --name 单位项目 --unit 县局 --date 2020-01-02 >/dev/null || fail "adding a unit and its project"
# Schema 6's idempotency_keys (written by the service beside its entry): one key, as the service would insert it.
sqlite3 "$db" "INSERT INTO idempotency_keys VALUES ('zhangsan', 'key-1', '$(printf '%064d' 0 | tr 0 a)', 1,
               '2026-01-01T00:00:00.000000Z')" || fail "adding an idempotency key"
F verify >/dev/null || fail "verify fails on the untouched ledger"
# Not ledger tables: who is logged in now and failed logins (schema 5) change by design and are not chained.
mutable_tables="login_failures sessions"
tables=$(sqlite3 "$db" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name" |
         grep -vxF -e "${mutable_tables% *}" -e "${mutable_tables#* }")
for t in entries projects contracts imports account_events; do
    grep -qx "$t" <<<"$tables" || fail "no table '$t' in the ledger (tables: $(echo $tables))"
done

n=0
problems=()
pristine=$(file_sum)
scratch=$d/t.db
# $1 table, $2 statement, run on a fresh copy of the ledger: must fail with an 'append-only'-style
# message and leave the file unchanged.
refused() {
    local before after out rc
    copy_ledger "$db" "$scratch"
    before=$pristine
    out=$(sqlite3 "$scratch" "$2" 2>&1); rc=$?
    after=$(sha256sum "$scratch" | cut -c1-64)  # sqlite3 folded its WAL back into the file as it exited
    n=$((n + 1))
    if ((rc == 0)); then
        problems+=("$1: accepted: $2")
    elif ! grep -qi "append-only\|derived" <<<"$out"; then
        problems+=("$1: failed, but not by a trigger ($out): $2")
    elif [[ $before != "$after" ]]; then
        problems+=("$1: refused but the file changed: $2")
    fi
}

for t in $tables; do
    cols=$(sqlite3 "$db" "SELECT group_concat(name, ' ') FROM pragma_table_info('$t')")
    rows=$(sqlite3 "$db" "SELECT count(*) FROM \"$t\"")
    ((rows > 0)) || fail "table $t is empty: nothing to try"
    for c in $cols; do
        refused "$t" "UPDATE \"$t\" SET \"$c\" = \"$c\""                                        # same value
        refused "$t" "UPDATE \"$t\" SET \"$c\" = CASE WHEN typeof(\"$c\") = 'integer' THEN \"$c\" + 1 ELSE \"$c\" || 'x' END"
    done
    first=${cols%% *}
    refused "$t" "DELETE FROM \"$t\" WHERE \"$first\" = (SELECT max(\"$first\") FROM \"$t\")"
    refused "$t" "DELETE FROM \"$t\""
    # REPLACE deletes the conflicting row without firing DELETE triggers (unless recursive_triggers is on).
    refused "$t" "REPLACE INTO \"$t\" SELECT * FROM \"$t\""
    # UPSERT goes through the UPDATE triggers.
    refused "$t" "INSERT INTO \"$t\" SELECT * FROM \"$t\" WHERE true ON CONFLICT DO UPDATE SET \"$first\" = excluded.\"$first\""
done
# REPLACE with changed content, the way a tamperer would use it.
refused projects "REPLACE INTO projects (id, code, name, unit_name, func_code) SELECT id, code, '假项目', unit_name, func_code FROM projects WHERE code = 'P001'"
refused contracts "REPLACE INTO contracts (id, project_id, code, supplier, amount_fen, retention_rate_bp, warranty_months, sme) SELECT id, project_id, code, '某某公司', amount_fen * 2, retention_rate_bp, warranty_months, sme FROM contracts WHERE code = 'C001'"
# REPLACE of entries that move no money (registrations): no insert trigger on the totals stops it.
refused entries "REPLACE INTO entries SELECT * FROM entries WHERE level IS NULL"
refused entries "INSERT OR REPLACE INTO entries SELECT * FROM entries WHERE id = 1"
# The derived totals accept only what the newest entry adds.
refused day_totals "INSERT INTO day_totals (project_id, level, effective_on, effect_kind, amount_fen) VALUES (1, 'county', '2020-06-01', 'payment', 100)"

[[ $(file_sum) == "$pristine" ]] || problems+=("the ledger itself changed")
F verify >/dev/null 2>&1 || problems+=("verify fails on the ledger")
if ((${#problems[@]} > 0)); then
    printf '  %s\n' "${problems[@]}"
    fail "${#problems[@]} of $n statements on $(echo $tables) were not refused by a trigger"
fi
echo "T1: $n UPDATE, DELETE, REPLACE, UPSERT and INSERT statements on every table ($(echo $tables | wc -w): $(echo $tables)) refused by the triggers, file unchanged, verify ok"
