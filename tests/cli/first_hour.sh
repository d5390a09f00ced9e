#!/usr/bin/env bash
# The first hour of a new user (issue 12): `init` on an existing ledger says so and leaves it untouched
# (exit 2); `export --to xlsx` will not overwrite a file without --force (exit 2, file unchanged);
# `report execution` without --year says on stderr which year it chose and how to get the previous one;
# `fundflow --help` groups the commands 记账 / 查询 / 自评 / 审计 / 其他, the same commands in English.
# Each in Chinese (the default) and in English.
source "$(dirname "$0")/lib.sh"
post_exact_seed || fail "posting the seed"
sum() { sha256sum "$1" | cut -d' ' -f1; }

# init on the ledger: one line saying so, exit 2, not a byte changed.
before=$(sum "$db")
F init >"$d/out" 2>"$d/err"; rc=$?
((rc == 2)) || fail "init on an existing ledger exited $rc, want 2"
[[ ! -s $d/out ]] || fail "init on an existing ledger printed on stdout: $(cat "$d/out")"
[[ $(cat "$d/err") == "fundflow: “$db”已是 fundflow 账簿，未作任何改动（如需新建账簿，请用 --db 指定另一个文件）" ]] ||
    fail "init on an existing ledger (zh): $(cat "$d/err")"
F init --lang en 2>"$d/err"; rc=$?
((rc == 2)) || fail "init --lang en on an existing ledger exited $rc, want 2"
[[ $(cat "$d/err") == "fundflow: '$db' is already a fundflow ledger; nothing was changed (to start afresh, give init another --db path)" ]] ||
    fail "init on an existing ledger (en): $(cat "$d/err")"
[[ $(sum "$db") == "$before" ]] || fail "init on an existing ledger changed the file"
# A new file is still created, and an empty one initialised.
"$bin" --db "$d/new.db" init >"$d/out" 2>"$d/err" || fail "init of a new file: $(cat "$d/err")"
[[ $(cat "$d/out") == "已创建账簿 $d/new.db" ]] || fail "init of a new file printed: $(cat "$d/out")"
: >"$d/empty.db"
"$bin" --db "$d/empty.db" init --lang en >"$d/out" 2>&1 || fail "init of an empty file: $(cat "$d/out")"
"$bin" --db "$d/empty.db" verify >/dev/null 2>&1 || fail "the empty file initialised does not verify"

# export --to xlsx: an existing output file is kept unless --force.
echo "the auditor's own notes" >"$d/out.xlsx"
F export --to xlsx P001 --year 2020 --output "$d/out.xlsx" >"$d/out" 2>"$d/err"; rc=$?
((rc == 2)) || fail "export over an existing file exited $rc, want 2"
[[ $(cat "$d/out.xlsx") == "the auditor's own notes" ]] || fail "export overwrote an existing file without --force"
[[ $(cat "$d/err") == "fundflow: “$d/out.xlsx”已存在，未写入任何内容（如需覆盖请加 --force，或用 --output 指定另一个文件）" ]] ||
    fail "export over an existing file (zh): $(cat "$d/err")"
F --lang en export --to xlsx P001 --year 2020 --output "$d/out.xlsx" 2>"$d/err"; rc=$?
((rc == 2)) && [[ $(cat "$d/err") == "fundflow: '$d/out.xlsx' exists already; nothing was written (add --force to overwrite it, or give another --output)" ]] ||
    fail "export over an existing file (en): exit $rc, $(cat "$d/err")"
F export --to xlsx P001 --year 2020 --output "$d/out.xlsx" --force >"$d/out" 2>"$d/err" ||
    fail "export --force exited $?: $(cat "$d/err")"
[[ $(head -c 2 "$d/out.xlsx") == PK ]] || fail "export --force did not write a workbook"
[[ $(cat "$d/out") == "已写入 $d/out.xlsx" ]] || fail "export --force printed: $(cat "$d/out")"

# report execution without --year (nor --as-of): the current year, said on stderr, exit 0.
year=$(date +%Y); today=$(date +%F)
F report execution P001 --format json >"$d/out" 2>"$d/err" || fail "report execution without --year exited $?"
[[ $(jq -r .year "$d/out") == "$year" ]] || fail "report execution without --year reported $(jq -r .year "$d/out")"
[[ $(cat "$d/err") == "fundflow: 提示：未指定 --year，此为本年度 $year 年的报表（截至 $today）；如需上年度报表，请加 --year $((year - 1))" ]] ||
    fail "report execution without --year (zh): $(cat "$d/err")"
F report execution P001 --lang en >/dev/null 2>"$d/err" || fail "report execution --lang en exited $?"
[[ $(cat "$d/err") == "fundflow: note: no --year given, so this is the form of $year, the current year (as of $today); for last year's add --year $((year - 1))" ]] ||
    fail "report execution without --year (en): $(cat "$d/err")"
# With --year or --as-of the year is the user's: nothing on stderr.
F report execution P001 --year 2020 >/dev/null 2>"$d/err" && [[ ! -s $d/err ]] || fail "with --year: $(cat "$d/err")"
F report execution P001 --as-of 2020-12-31 >/dev/null 2>"$d/err" && [[ ! -s $d/err ]] || fail "with --as-of: $(cat "$d/err")"
# A message with nested phrases is worded whole: the refusal of a file imported before, in Chinese.
printf 'kind,project,level,amount,date,ref\nappropriation,P001,county,1,2020-05-01,R-1\n' >"$d/a.csv"
F import "$d/a.csv" >/dev/null 2>"$d/err" || fail "import: $(cat "$d/err")"
F import "$d/a.csv" >/dev/null 2>"$d/err"; rc=$?
((rc == 3)) || fail "a second import exited $rc, want 3"
perl -0777 -ne 'exit(/\Afundflow: 拒绝：该文件（sha256 [0-9a-f]{64}）此前已导入过：\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ，操作人 zhangsan(?:（登录名 .+?）)?（分录 #\d+）；如确需再次导入，请加 --again\n\z/ ? 0 : 1)' "$d/err" ||
    fail "the refusal of a repeated import (zh): $(cat "$d/err")"
# fundflow --help groups the commands the way the work goes: 记账 / 查询 / 自评 / 审计 (then 账户, 其他), each command once.
help_groups() { # LANG: "GROUP: command command ..." per group, in the order printed
    "$bin" --help --lang "$1" | awk '/^[^ ].*:$/ && !/^(Options|选项|Example)/ { if (g) print g; g = $0; next }
                                     /^$/ { if (g) print g; g = ""; next } g && /^  [a-z]/ { g = g " " $1 }
                                     END { if (g) print g }'
}
want_zh='记账: project unit contract appropriate adjust arrive pay refund retain release forfeit recover import reverse correct close-year reopen-year
查询: report balance warranty log show export
自评: evaluate
审计: verify digest check
账户: user token
其他: serve init copy'
[[ $(help_groups zh) == "$want_zh" ]] || fail "fundflow --help groups (zh):
$(help_groups zh)"
[[ $(help_groups en | cut -d: -f1 | tr '\n' ' ') == "Posting Queries Self-evaluation Audit Accounts Other " ]] ||
    fail "fundflow --help --lang en groups: $(help_groups en | cut -d: -f1 | tr '\n' ' ')"
[[ $(help_groups en | cut -d: -f2-) == "$(help_groups zh | cut -d: -f2-)" ]] || fail "the groups hold other commands in en"

echo "ok first-hour: --help groups the commands as the work goes (记账/查询/自评/审计), init keeps an existing ledger, xlsx export keeps an existing file without --force, report execution names its default year, a nested message worded whole (zh and en)"
