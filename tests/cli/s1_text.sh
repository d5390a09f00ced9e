#!/usr/bin/env bash
# reliability.md S1: SQL-injection-like strings, quotes, backslashes, shell metacharacters, emoji, CJK,
# right-to-left and zero-width characters in every text field — project code and name, contract code and
# supplier, voucher ref, memo, reversal reason, user — are stored byte-exact (checked with the sqlite3
# client) and printed byte-exact (`show --format json`, `log --format json`, the form's title); the schema
# is unchanged and the chain verifies. Control characters (other than tab) are refused by design with exit
# 2, and so must be bytes that are not UTF-8 (they could not be printed byte-exact in JSON).
# The strings: reliability.md's 200 SQL-injection strings (11 classics below, 160 = 20 SQLite payloads aimed at
# this schema × 8 ways to break out of a quoted or numeric context, 29 more from the usual lists), then odd text
# (shell metacharacters, JSON, CSV, CJK, emoji, bidi, zero-width, long values). A second argument N runs the
# first N strings only (quicker while developing). The figure line is 'S1: …'.
source "$(dirname "$0")/lib.sh"
F init >/dev/null || fail "init"
schema_before=$(sqlite3 "$db" "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name")

injections=(
    "'; DROP TABLE entries; --"
    "Robert'); DROP TABLE projects;--"
    "\" OR \"1\"=\"1"
    "' OR '1'='1' --"
    "1; DELETE FROM entries WHERE 1=1"
    "x' UNION SELECT hash FROM entries --"
    "'); PRAGMA writable_schema=1; --"
    "';ATTACH DATABASE '/tmp/pwn.db' AS pwn;--"
    "%' AND 1=0 UNION SELECT 1 --"
    "_%_"
    "\\'; \\\"; \\\\"
)
# 20 payloads against this ledger and SQLite's own features × 8 contexts to break out of.
payloads=(
    "DROP TABLE entries"
    "DELETE FROM entries"
    "UPDATE entries SET amount_fen = 0"
    "INSERT INTO entries (id) VALUES (999)"
    "ATTACH DATABASE '/tmp/fundflow-s1.db' AS x"
    "PRAGMA writable_schema = ON"
    "SELECT load_extension('/tmp/fundflow-s1.so')"
    "DROP TRIGGER entries_no_update"
    "CREATE TABLE pwned (x)"
    "UPDATE day_totals SET amount_fen = 1"
    "PRAGMA foreign_keys = OFF"
    "VACUUM INTO '/tmp/fundflow-s1-copy.db'"
    "ALTER TABLE projects RENAME TO p"
    "SELECT writefile('/tmp/fundflow-s1-pwned', 'x')"
    "REPLACE INTO projects SELECT * FROM projects"
    "DETACH DATABASE main"
    "PRAGMA journal_mode = DELETE"
    "SELECT sql FROM sqlite_schema"
    "INSERT INTO projects (code, name) SELECT code || 'x', name FROM projects"
    "UPDATE contracts SET supplier = (SELECT group_concat(hash) FROM entries)"
)
contexts=(
    "x'; %s; --"
    "\"; %s; --"
    "'); %s; --"
    "1); %s; /*"
    "1; %s"
    "' OR 1=1; %s --"
    "x'||(%s)||'"
    "%s"
)
for c in "${contexts[@]}"; do
    for p in "${payloads[@]}"; do
        # shellcheck disable=SC2059
        injections+=("$(printf "$c" "$p")")
    done
done
injections+=(
    "admin'--"
    "admin' #"
    "admin'/*"
    "' OR ''='"
    "' OR 1 -- -"
    "\" OR \"\" = \""
    "') OR ('a'='a"
    "1' ORDER BY 1--+"
    "1' GROUP BY 1,2--+"
    "' UNION SELECT NULL, NULL, NULL --"
    "' UNION ALL SELECT name, sql FROM sqlite_master --"
    "1 AND 1=CAST((SELECT sqlite_version()) AS INT)"
    "' AND randomblob(100000000) --"
    "1' AND (SELECT count(*) FROM entries) > 0 --"
    "'; WAITFOR DELAY '0:0:5' --"
    "1' AND SLEEP(5)#"
    "'; EXEC xp_cmdshell('dir'); --"
    "\$\$; DROP TABLE entries; \$\$"
    "'||(SELECT char(65,66))||'"
    "ʼ OR ʼ1ʼ=ʼ1"
    "＇ OR １＝１ --"
    "%27%20OR%201=1--"
    "&#39; OR 1=1 --"
    "\\x27 OR 1=1 --"
    "?1; DROP TABLE entries"
    ":name; DELETE FROM projects"
    "@p; UPDATE entries SET memo = 'x'"
    "[entries]; DROP TABLE [entries]"
    "\`entries\`; DROP TABLE \`entries\`"
)
strings=(
    "${injections[@]}"
    "C:\\Windows\\System32"
    "\$(touch /tmp/fundflow-s1-pwned)"
    "\`id\`"
    "a|b&c;d>e<f"
    "<script>alert('x')</script>"
    "{\"json\": [1, 2, {\"k\": null}]}"
    "a,b,\"c\",d"
    "col1	col2	tab-separated"
    "-"
    "--help"
    "#42"
    "0"
    "NULL"
    "null"
    "县级融媒体中心建设项目"
    "某传媒设备有限公司（中标单位）"
    "质保金，待质保期满后支付。"
    "¥1,259,500.00 元"
    "１２３４５６７８９０"
    "🚧💰📈 emoji 🇨🇳"
    "👨‍👩‍👧‍👦 family"
    "é vs é (NFC vs NFD)"
    "‮RTL override‬ text"
    "zero​width​space"
    "ümlaut ß Ω ж ع עברית"
    "$(printf 'x%.0s' $(seq 1 500))"
    "$(printf '中%.0s' $(seq 1 170))"
    "inner   spaces   are   kept"
)

((${#injections[@]} == 200)) || fail "${#injections[@]} injection strings, want reliability.md's 200"
[[ $(printf '%s\n' "${strings[@]}" | sort | uniq -d) == "" ]] || fail "a string is listed twice: $(printf '%s\n' "${strings[@]}" | sort | uniq -d | head -n 3)"
if [[ -n ${2:-} ]]; then strings=("${strings[@]:0:$2}"); fi
n=0
problems=()
problem() { problems+=("$*"); }
hexof() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n' | tr a-f A-F; }
: >"$d/expected-hex"; : >"$d/memos"; : >"$d/fields"; : >"$d/reversals"

for i in "${!strings[@]}"; do
    ((${#problems[@]} < 20)) || break  # enough to see what is wrong
    s=${strings[$i]}
    code="S$i"
    bytes=$(printf '%s' "$s" | wc -c)
    ref=$s; user=$s
    ((bytes <= 128)) || { ref="ref$i"; user="user$i"; }  # the limits of ref and user
    # Project name, contract supplier, voucher ref, memo, user.
    out=$(F project add "$code" --name "$s" --date 2021-01-01 2>&1) || { problem "#$i project name: $out"; continue; }
    out=$(F contract add "$code" --contract "K$i" --supplier "$s" --amount 100 --date 2021-01-02 2>&1) || problem "#$i supplier: $out"
    json=$(F appropriate "$code" --level county --amount 100 --date 2021-01-05 --ref "$ref" --memo "$s" --user "$user" --format json 2>&1) ||
        { problem "#$i appropriate: $json"; continue; }
    id=$(jq -r .entry.id <<<"$json")
    n=$((n + 1))
    h=$(hexof "$s"); hr=$h; [[ $ref == "$s" ]] || hr=$(hexof "$ref")
    printf '%s %s %s %s %s\n' "$id" "$h" "$h" "$h" "$hr" >>"$d/expected-hex"
    # Printed byte-exact: the posting's own JSON, show and log (jq compares the decoded strings).
    same='.memo == $m and .ref == $r and .user == $u and .project == $p'
    jq -e --arg m "$s" --arg r "$ref" --arg u "$user" --arg p "$code" ".entry | $same" <<<"$json" >/dev/null ||
        problem "#$i the posting's JSON differs: $json"
    # show for every 8th string (log prints them all, checked at the end).
    if ((i % 8 == 0)); then
        F show "$id" --format json | jq -e --arg m "$s" --arg r "$ref" --arg u "$user" --arg p "$code" ".entry | $same" >/dev/null ||
            problem "#$i show differs: $(F show "$id" --format json)"
    fi
    printf '%s\0' "$s" >>"$d/memos"
    printf '%s\0%s\0%s\0%s\0' "$s" "$ref" "$user" "$code" >>"$d/fields"
    # The project name in the form's title line.
    title=$(F report execution "$code" --year 2021 | head -n1)
    [[ $title == "预算执行情况  $code $s  2021年度"* ]] || problem "#$i name in the form title: '$title'"
    # As a reversal reason.
    F reverse "$id" --reason "$s" --format json >>"$d/reversals" || problem "#$i as a reversal reason: refused"
    # As project and contract codes, where the rules allow (no spaces, <= 64 bytes; a leading '-' would be
    # read as an option).
    if ((bytes <= 64)) && [[ $s != *[[:space:]]* && $s != -* ]]; then
        F project add "$s" --name "code $i" --date 2021-01-01 --format json 2>&1 | jq -e --arg p "$s" '.entry.project == $p' >/dev/null ||
            problem "#$i as a project code"
        F contract add "$s" --contract "$s" --supplier x --amount 1 --date 2021-01-02 --format json 2>&1 |
            jq -e --arg c "$s" '.entry.contract == $c' >/dev/null || problem "#$i as a contract code"
    fi
done
# Leading and trailing blanks (ASCII and the full-width U+3000) are not kept, in every text field, so that
# a value typed with a stray space and the same value from a CSV cell are one value.
F project add "  TRIM  " --name "　名称 " --date 2021-01-01 >/dev/null 2>&1 || problem "a padded project code was refused"
F show "$(F log TRIM --format json | jq -r '.entries[0].id')" --format json |
    jq -e '.entry.project == "TRIM" and .project_record.name == "名称"' >/dev/null || problem "padding was stored"
# Printed byte-exact by log, all at once.
F log --kind appropriation --format json | jq -j '.entries[].memo | (., "\u0000")' >"$d/logged-memos"
cmp -s "$d/memos" "$d/logged-memos" || problem "log prints other memos than were posted"
F log --kind appropriation --format json | jq -j '.entries[] | (.memo, "\u0000", .ref, "\u0000", .user, "\u0000", .project, "\u0000")' >"$d/logged-fields"
cmp -s "$d/fields" "$d/logged-fields" || problem "log prints other memos, refs, users or projects than were posted"
jq -j '.entry.memo | (., "\u0000")' "$d/reversals" >"$d/reversal-memos"
cmp -s "$d/memos" "$d/reversal-memos" || problem "the reversals print other reasons than were given"
# Stored byte-exact (the sqlite3 client's view of the file).
sqlite3 "$db" "SELECT e.id, hex(p.name), hex(c.supplier), hex(e.memo), hex(e.ref) FROM entries e JOIN projects p ON p.id = e.project_id
               JOIN contracts c ON c.project_id = p.id AND c.code = 'K' || substr(p.code, 2) WHERE e.kind = 'appropriation' ORDER BY e.id" |
    tr '|' ' ' >"$d/stored-hex"
cmp -s "$d/expected-hex" "$d/stored-hex" || problem "stored bytes differ: $(diff "$d/expected-hex" "$d/stored-hex" | head -c 600)"
[[ ! -e /tmp/fundflow-s1-pwned ]] || { rm -f /tmp/fundflow-s1-pwned; problem "a string was executed by a shell or SQL"; }
for f in /tmp/pwn.db /tmp/fundflow-s1.db /tmp/fundflow-s1-copy.db; do
    [[ ! -e $f ]] || problem "$f exists: a string was executed as SQL? (remove it and rerun)"
done
[[ -z $(sqlite3 "$db" "SELECT name FROM sqlite_schema WHERE name IN ('pwned', 'p')") ]] || problem "a table was created or renamed"

# Refused by design: control characters, in every field, exit 2 with one line, nothing written.
before=$(file_sum)
for bad in $'line\nbreak' $'carriage\rreturn' $'nul-free \x01 control' $'esc \x1b[31m red' $'del \x7f char'; do
    for args in "project add BAD --name" "contract add S0 --contract BAD --amount 1 --supplier" \
                "appropriate S0 --level county --amount 1 --date 2021-01-05 --memo" \
                "appropriate S0 --level county --amount 1 --date 2021-01-05 --ref" "reverse 3 --reason"; do
        # shellcheck disable=SC2086
        F $args "$bad" >/dev/null 2>"$d/err"; rc=$?
        n=$((n + 1))
        ((rc == 2)) || problem "control character in '$args': exit $rc, want 2"
        one_line_error "$d/err" || problem "control character in '$args': stderr is not one line: $(cat "$d/err")"
    done
    F --user "$bad" appropriate S0 --level county --amount 1 --date 2021-01-05 >/dev/null 2>&1; rc=$?
    ((rc == 2)) || problem "control character in --user: exit $rc, want 2"
done
after=$(file_sum)
[[ $before == "$after" ]] || problem "a refused posting changed the file"
# Bytes that are not UTF-8 cannot come back byte-exact in JSON: they must be refused (exit 2) as well.
for bad in $'bad \xff byte' $'truncated \xe4\xb8' $'overlong \xc0\xaf'; do
    F appropriate S0 --level county --amount 1 --date 2021-01-05 --memo "$bad" >/dev/null 2>"$d/err"; rc=$?
    n=$((n + 1))
    ((rc == 2)) || problem "memo with bytes that are not UTF-8 ($(hexof "$bad")): exit $rc, want 2"
done

schema_after=$(sqlite3 "$db" "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name")
[[ $schema_before == "$schema_after" ]] || problem "the schema changed"
[[ $(sqlite3 "$db" "PRAGMA integrity_check") == ok ]] || problem "integrity_check is not ok"
F verify >/dev/null 2>"$d/err" || problem "verify: $(cat "$d/err")"
if ((${#problems[@]} > 0)); then
    printf '  %s\n' "${problems[@]}"
    fail "${#problems[@]} problems with ${#strings[@]} strings in every text field"
fi
echo "S1: ${#strings[@]} strings ($((${#strings[@]} < ${#injections[@]} ? ${#strings[@]} : ${#injections[@]})) SQL-injection strings, the rest shell, JSON, CSV, CJK, emoji, bidi and zero-width text) in every text field (project code and name, contract code and supplier, ref, memo, reversal reason, user): stored and printed byte-exact, schema unchanged, verify ok; control characters and bytes that are not UTF-8 refused (exit 2); $n postings"
