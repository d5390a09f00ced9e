#!/usr/bin/env bash
# Issue 5's round trip: export --to csv, import into a fresh ledger, and the two ledgers agree — `report
# execution` for every project and year (full year and mid-year), `balance` by level, project and contract and
# `warranty list` as of several dates, the entries themselves (`log`, without the recorded times and hashes)
# and the journals — and the second ledger's `export --to csv` equals the first's byte for byte. Importing the
# export again adds nothing. Done on the generated dataset (every ref given), on a small ledger posted through
# the CLI whose reversed entries have no ref (the export names them '#<id>'), and on refs, memos and a name
# with leading or trailing spaces.
#
#   bash round_trip.sh PATH/TO/fundflow
source "$(dirname "$0")/lib.sh"

# round_trip A B: A is a ledger; B a fresh one built from A's CSV export. Sets $compared.
round_trip() {
    local a=$1 b=$2 name=$3
    "$bin" --db "$a" export --to csv --output "$d/$name-a.csv" || fail "$name: export --to csv"
    local rows=$(( $(wc -l <"$d/$name-a.csv") - 1 ))
    "$bin" --db "$b" init >/dev/null || fail "$name: init"
    "$bin" --db "$b" import "$d/$name-a.csv" --format json >"$d/$name-import.json" 2>"$d/err" ||
        fail "$name: importing the export exited $?: $(head -c 2000 "$d/err")"
    [[ $(jq -c '[.rows, .added, .present]' "$d/$name-import.json") == "[$rows,$rows,0]" ]] ||
        fail "$name: importing the export of $rows rows said $(cat "$d/$name-import.json")"
    "$bin" --db "$b" export --to csv --output "$d/$name-b.csv" || fail "$name: export of the copy"
    cmp -s "$d/$name-a.csv" "$d/$name-b.csv" ||
        fail "$name: the copy's CSV export differs: $(diff "$d/$name-a.csv" "$d/$name-b.csv" | head -n 6)"

    # Same entries: every field but the recorded time, the hashes and who recorded them; a reversed entry
    # (or refunded) without a ref comes back with the ref '#<id>' its reversal (refund) row names (docs/export.md).
    local strip='(reduce (.entries[] | .reverses, .refunds | select(. != null)) as $x ({}; .[$x | tostring] = true)) as $r
                 | .entries[] | del(.recorded_at, .prev_hash, .hash, .user, .os_user)
                 | if .ref == null and $r[.id | tostring] then .ref = "#\(.id)" else . end'
    "$bin" --db "$a" log --format json | jq -c "$strip" >"$d/$name-log-a.json"
    "$bin" --db "$b" log --format json | jq -c "$strip" >"$d/$name-log-b.json"
    [[ -s $d/$name-log-a.json ]] && cmp -s "$d/$name-log-a.json" "$d/$name-log-b.json" ||
        fail "$name: the entries differ: $(diff "$d/$name-log-a.json" "$d/$name-log-b.json" | head -n 6)"
    # The same journals (but for the '#<id>' refs in the narrations, the dated lines).
    for to in ledger beancount; do
        cmp -s <("$bin" --db "$a" export --to $to | grep -v '^[0-9]') <("$bin" --db "$b" export --to $to | grep -v '^[0-9]') ||
            fail "$name: the $to journals differ"
    done

    local projects first last
    projects=$("$bin" --db "$a" log --kind project --format json | jq -r '.entries[].project')
    first=$(head -n 2 "$d/$name-a.csv" | tail -n 1 | cut -d, -f2 | cut -c1-4)
    last=$(tail -n 1 "$d/$name-a.csv" | cut -d, -f2 | cut -c1-4)
    compared=0
    while IFS= read -r p; do
        for ((y = first; y <= last + 1; ++y)); do
            for as_of in "" "--as-of $y-06-30"; do
                # shellcheck disable=SC2086
                "$bin" --db "$a" report execution "$p" --year $y $as_of --format json >"$d/ra" 2>&1 ||
                    fail "$name: report execution $p --year $y $as_of: $(cat "$d/ra")"
                # shellcheck disable=SC2086
                "$bin" --db "$b" report execution "$p" --year $y $as_of --format json >"$d/rb" 2>&1
                cmp -s "$d/ra" "$d/rb" || fail "$name: report execution $p --year $y $as_of differs:
$(diff "$d/ra" "$d/rb")"
                compared=$((compared + 1))
            done
        done
    done <<<"$projects"
    for ((y = first; y <= last + 1; ++y)); do
        for as_of in $y-01-01 $y-06-30 $y-12-31; do
            for what in "balance --by level" "balance --by project" "balance --by contract" "warranty list"; do
                # shellcheck disable=SC2086
                "$bin" --db "$a" $what --as-of $as_of --format json >"$d/ba" 2>&1 || fail "$name: $what: $(cat "$d/ba")"
                # shellcheck disable=SC2086
                "$bin" --db "$b" $what --as-of $as_of --format json >"$d/bb" 2>&1
                cmp -s "$d/ba" "$d/bb" || fail "$name: $what --as-of $as_of differs: $(diff "$d/ba" "$d/bb" | head -n 6)"
                compared=$((compared + 1))
            done
        done
    done

    # Importing the same file again (--again: it was imported before) adds nothing — when every money row has
    # a ref (a row without one would be refused as a probable duplicate: docs/export.md).
    [[ $name == generated ]] || { echo "$name: $rows rows exported and imported; $compared reports identical"; return; }
    "$bin" --db "$b" import "$d/$name-a.csv" --again --format json >"$d/$name-again.json" 2>"$d/err" ||
        fail "$name: importing the export again exited $?: $(head -c 2000 "$d/err")"
    [[ $(jq -c '[.added, .present]' "$d/$name-again.json") == "[0,$rows]" ]] ||
        fail "$name: importing the export again said $(cat "$d/$name-again.json")"
    echo "$name: $rows rows exported and imported; $compared reports identical"
}

# 1. The generated dataset.
"$PYTHON3" "$here/gen_dataset.py" "$d/data.csv" --seed 7 --entries "${FUNDFLOW_IMPORT_ENTRIES:-6000}" --projects "${FUNDFLOW_IMPORT_PROJECTS:-20}" \
    2>"$d/gen.err" || fail "gen_dataset.py: $(cat "$d/gen.err")"
F init >/dev/null && F import "$d/data.csv" >/dev/null 2>"$d/err" || fail "importing the dataset: $(head -c 2000 "$d/err")"
round_trip "$db" "$d/copy.db" generated
generated=$compared

# 2. A ledger posted through the CLI: entries without refs reversed (in their year and the next), a release
#    and a retention with defaults, a closed year, a negative adjustment, Chinese spellings.
s=$d/small.db
G() { "$bin" --db "$s" "$@" >/dev/null || fail "posting: $*"; }
G init
G project add P1 --name "县级融媒体中心, 一期" --unit-name 县融媒体中心 --func-code 2070808 --date 2021-01-02
G project add p2 --name "乡村道路 \"Rural\"" --date 2021-01-03
G appropriate P1 --level county --amount 125.95万 --date 2021-01-15
G appropriate P1 --level 中央级 --amount 50万 --date 2021-01-15
G adjust P1 --level county --amount -5万 --date 2021-02-01 --ref 调2021-1 --memo 调减
G arrive P1 --level county --amount 100万 --date 2021-03-01
G arrive P1 --level central --amount 50万 --date 2021-03-01
G contract add P1 --contract C1 --supplier "某传媒设备有限公司" --amount 100万 --retention-rate 5% --warranty-months 18 --date 2021-04-01 --sme
G pay P1 --level county --amount 950000 --date 2021-11-30 --contract C1
G retain P1 --contract C1 --level central --date 2021-11-30 --accepted 2021-11-20
G pay P1 --level central --amount 1000 --date 2021-12-01 --memo 重复
G pay P1 --level central --amount 2000 --date 2021-12-02 --memo "错误, 跨年冲销"
G reverse 11 --reason 重复录入
G refund P1 --level county --amount 500 --date 2021-12-20 --ref 退1 --contract C1
G pay P1 --level county --amount 4000 --date 2021-12-21 --ref 退1-付
G recover P1 --level central --amount 100 --date 2021-12-28 --memo 收回
G close-year P1 --year 2021
G pay P1 --level carryover --amount 3000 --date 2022-02-01
# A payment reversed in a later year lands on the carryover, whose executed must cover it (3,000.00 ≥ 2,000.00).
G reverse 12 --reason 跨年 --date 2022-02-05
# Refunds naming their payment: of this year (by entry id, the payment has no ref: exported as #18), and of an
# earlier year (a 年初余额调整 of the carryover).
G refund P1 --of 18 --amount 100 --date 2022-03-01 --ref 退2
G refund P1 --of 退1-付 --amount 200 --date 2022-03-02 --ref 退3
G release P1 --contract C1 --date 2023-06-01
G appropriate p2 --level other --amount 10000 --date 2022-01-10
G arrive p2 --level 其他 --amount 10000 --date 2022-01-11
G recover p2 --level other --amount 10000 --date 2022-12-01 --memo 全部收回
round_trip "$s" "$d/small-copy.db" small
grep -q '^payment,2021-12-01,P1,central,1000.00,,#11,' "$d/small-a.csv" || fail "the reversed entry without a ref is not named #11"
grep -q '^reversal,2022-02-05,P1,,,,,跨年,.*,#12,' "$d/small-a.csv" || fail "no reversal row naming #12: $(grep ^reversal "$d/small-a.csv")"
grep -q '^refund,2022-03-01,P1,carryover,100.00,,退2,.*,#18' "$d/small-a.csv" || fail "no refund row naming #18: $(grep ^refund "$d/small-a.csv")"
grep -q '^refund,2022-03-02,P1,carryover,200.00,,退3,.*,退1-付' "$d/small-a.csv" || fail "no refund row naming 退1-付: $(grep ^refund "$d/small-a.csv")"

# 2b. Issue 11 part 4: contract and project amendments (terms in force by date), corrections that keep a
#     voucher ref (a chain of two), a closed year reopened and closed again. Exported as amendment,
#     correction and reopen rows; the copy must show the same figures, terms and entries.
m=$d/amended.db
M() { "$bin" --db "$m" "$@" >/dev/null || fail "posting: $*"; }
M init
M project add A1 --name 变更项目 --unit-name 县融媒体中心 --date 2021-01-02
M appropriate A1 --level county --amount 100万 --date 2021-01-10 --ref 预1
M arrive A1 --level county --amount 100万 --date 2021-01-11 --ref 到1
M contract add A1 --contract C1 --supplier 某公司 --amount 50万 --retention-rate 5% --warranty-months 24 --date 2021-02-01
M pay A1 --level county --amount 40万 --date 2021-03-01 --contract C1 --ref 付1 --memo 进度款
M contract amend A1 --contract C1 --amount 60万 --retention-rate 3% --date 2021-04-01 --memo 补充协议一
M contract amend A1 --contract C1 --supplier 某公司（更名） --warranty-months 12 --date 2021-05-01 --memo 更名
M project amend A1 --name 变更项目（二期） --func-code 2070808 --date 2021-06-01 --memo 批复更名
M pay A1 --level county --amount 15万 --date 2021-06-01 --contract C1 --ref 付2
M correct 9 --amount 14万 --reason 金额错误
M correct 11 --date 2021-06-02 --memo 尾款 --reason 日期错误
M retain A1 --contract C1 --level county --date 2021-07-01 --accepted 2021-06-20 --ref 质1
M close-year A1 --year 2022
M reopen-year A1 --year 2022 --reason 审计调整
M pay A1 --level carryover --amount 1000 --date 2022-03-01 --ref 付3
M close-year A1 --year 2022
round_trip "$m" "$d/amended-copy.db" amended
grep -q '^correction,2021-06-02,A1,county,140000.00,C1,付2,尾款,' "$d/amended-a.csv" ||
    fail "no correction row for voucher 付2: $(grep -a ^correction "$d/amended-a.csv")"
grep -q '^amendment,2021-04-01,A1,,600000.00,C1,,补充协议一,,,3.00%,' "$d/amended-a.csv" ||
    fail "no amendment row for C1: $(grep -a ^amendment "$d/amended-a.csv")"
grep -q '^reopen,2022-12-31,A1,,,,,审计调整,' "$d/amended-a.csv" ||
    fail "no reopen row: $(grep -a ^reopen "$d/amended-a.csv")"
[[ $("$bin" --db "$d/amended-copy.db" warranty list A1 --as-of 2021-12-31 --format json | jq -r '.rows[0].supplier') == 某公司（更名） ]] ||
    fail "the copy's warranty list does not show the supplier in force"

# 3. Text with leading or trailing spaces, as the CLI stores it (a ref, a memo, a name pasted with a space):
#    the export must rebuild the same entries in a new ledger, and importing it into the ledger it came from
#    must add nothing (a trimmed ref is another voucher: the money is posted twice).
w=$d/spaces.db
W() { "$bin" --db "$w" "$@" >/dev/null || fail "posting: $*"; }
W init
W project add S1 --name 空格项目 --date 2021-01-02
W appropriate S1 --level county --amount 1000 --date 2021-01-10 --ref "R1 "
W arrive S1 --level county --amount 1000 --date 2021-01-11 --ref R2
W pay S1 --level county --amount 10 --date 2021-01-12 --memo " 付款 "
W project add S2 --name "名称 " --date 2021-01-13
problems=()
"$bin" --db "$w" export --to csv --output "$d/spaces-a.csv" || fail "spaces: export"
"$bin" --db "$d/spaces-copy.db" init >/dev/null
"$bin" --db "$d/spaces-copy.db" import "$d/spaces-a.csv" >/dev/null 2>"$d/err" || problems+=("into a new ledger: $(cat "$d/err")")
cmp -s "$d/spaces-a.csv" <("$bin" --db "$d/spaces-copy.db" export --to csv) ||
    problems+=("the new ledger's export differs, lines $(diff "$d/spaces-a.csv" <("$bin" --db "$d/spaces-copy.db" export --to csv) |
                grep '^>' | tr -d '\r' | tr '\n' ' ')")
grep -v '^project,.*,S2,' "$d/spaces-a.csv" >"$d/spaces-s1.csv"
"$bin" --db "$w" import "$d/spaces-s1.csv" --dry-run --format json >"$d/out" 2>"$d/err"; rc=$?
# The payment without a ref equals entry #4 once trimmed: a probable duplicate (docs/export.md), refused …
[[ $rc == 3 ]] && grep -q "^$d/spaces-s1.csv:[0-9]*: repeats entry #4 " "$d/err" ||
    problems+=("S1's rows imported again into their ledger (dry run): exit $rc, $(cat "$d/out" "$d/err"), want 3 naming entry #4 (the payment without a ref)")
# … unless it is meant: then it comes again.
"$bin" --db "$w" import "$d/spaces-s1.csv" --dry-run --allow-duplicates --format json >"$d/out" 2>"$d/err"; rc=$?
[[ $rc == 0 && $(jq -c '.added' "$d/out") == 1 ]] ||
    problems+=("S1's rows imported again with --allow-duplicates (dry run): exit $rc, $(cat "$d/out" "$d/err"), want 1 added (the payment without a ref)")
grep '^project,.*,S2,' "$d/spaces-a.csv" | cat <(head -n 1 "$d/spaces-a.csv") - >"$d/spaces-s2.csv"
"$bin" --db "$w" import "$d/spaces-s2.csv" --dry-run --format json >"$d/out" 2>"$d/err"; rc=$?
[[ $rc == 0 && $(jq -c '.present' "$d/out") == 1 ]] ||
    problems+=("S2's project row imported again into its ledger (dry run): exit $rc, $(cat "$d/out" "$d/err"), want present")
((${#problems[@]} == 0)) || fail "spaces: text with leading/trailing spaces does not survive export → import:$(printf '\n  %s' "${problems[@]}")"

echo "ok round-trip: $(jq .rows "$d/generated-import.json") + $(jq .rows "$d/small-import.json") rows," \
     "$((generated + compared)) reports and listings identical, CSV exports byte-identical ($(elapsed))"
