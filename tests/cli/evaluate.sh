#!/usr/bin/env bash
# evaluate through the CLI: the seed's sheet in every format, the Markdown report's sections, a sheet
# with several problems (each reported with file:line:column, exit 2, nothing on stdout), a profile.
source "$(dirname "$0")/lib.sh"
post_exact_seed || fail "posting the seed's case"
seed_sheet || fail "the seed sheet docs/examples/indicators-P001-2020.csv is missing"

F evaluate P001 --year 2020 --indicators "$d/ind.csv" >"$d/t.txt" 2>"$d/err" || fail "evaluate table: $(cat "$d/err")"
[[ ! -s $d/err ]] || fail "evaluate printed on stderr: $(cat "$d/err")"
grep -q "总得分 96.75 分，等级：优" "$d/t.txt" || fail "the table lacks the total line"
grep -q "11.25" "$d/t.txt" || fail "the table lacks 11.25"
F evaluate P001 --year 2020 --indicators "$d/ind.csv" --format csv --lang en >"$d/t.csv" || fail "evaluate csv"
head -n1 "$d/t.csv" | grep -q "^level 1,level 2,indicator,weight,target,actual,completion,score" || fail "csv header"
grep -q "^total,,,100,,,,96.75,优" "$d/t.csv" || fail "csv total row: $(tail -n1 "$d/t.csv")"

F evaluate P001 --year 2020 --indicators "$d/ind.csv" --format md >"$d/r.md" || fail "evaluate --format md"
for s in "# 县级融媒体中心建设项目支出绩效自评报告" "## 一、项目的基本情况" "### （二）预算执行情况" \
         "## 二、项目绩效情况" "总得分96.75分，属于\"优\"" "### （二）项目产出情况" "### （四）项目满意度情况" \
         "## 三、项目绩效分析" "预算执行率为95.00%" "## 六、进一步加强项目管理措施及建议" "## 附件1.项目支出绩效自评表" \
         "| 全年执行资金 | (4) | 119.65 | 119.65 |" "【待填写】"; do
    grep -qF -- "$s" "$d/r.md" || fail "the report lacks '$s'"
done

# Three problems at once: a unit mismatch (line 6), an unknown direction (line 3), weights adding to 99.
sed -e '6s/119.6525万元/1项/' -e '3s/,≥,1,1项,/,大于,1,1项,/' -e '10s/^满意度指标,服务对象满意度指标,更好地服务党委政府中心工作,5,/满意度指标,服务对象满意度指标,更好地服务党委政府中心工作,4,/' \
    "$d/ind.csv" >"$d/bad.csv"
FUNDFLOW_LANG=en F evaluate P001 --year 2020 --indicators "$d/bad.csv" >"$d/out" 2>"$d/err"; rc=$?  # pins the English
[[ $rc == 2 ]] || fail "a bad sheet exited $rc, want 2"
[[ ! -s $d/out ]] || fail "a bad sheet printed on stdout: $(cat "$d/out")"
grep -q "bad.csv:3:5: '大于' is not a direction" "$d/err" || fail "no line/column for the direction: $(cat "$d/err")"
grep -q "bad.csv:6:7: the unit '项' of the actual does not match '万元'" "$d/err" || fail "no line/column for the unit: $(cat "$d/err")"
[[ $(tail -n1 "$d/err") == "fundflow: 2 problems in $d/bad.csv; nothing was scored" ]] || fail "last line: $(tail -n1 "$d/err")"
# The same problems in the default language: Chinese, with the sheet's own words and cells as they are.
F evaluate P001 --year 2020 --indicators "$d/bad.csv" >/dev/null 2>"$d/err"
grep -qF "bad.csv:3:5: “大于”不是有效的方向" "$d/err" || fail "the direction in Chinese: $(cat "$d/err")"
grep -qF "bad.csv:6:7: 业绩值的单位“项”与目标值的单位“万元”不一致" "$d/err" || fail "the unit in Chinese: $(cat "$d/err")"
# Once those two are fixed, the weights (99) are reported, at the last line's weight column.
sed -e '10s/^满意度指标,服务对象满意度指标,更好地服务党委政府中心工作,5,/满意度指标,服务对象满意度指标,更好地服务党委政府中心工作,4,/' \
    "$d/ind.csv" >"$d/bad2.csv"
FUNDFLOW_LANG=en F evaluate P001 --year 2020 --indicators "$d/bad2.csv" >/dev/null 2>"$d/err"; rc=$?
[[ $rc == 2 ]] || fail "weights adding to 99 exited $rc"
grep -q "bad2.csv:10:4: the weights add up to 99, not 100" "$d/err" || fail "weights: $(cat "$d/err")"

# A regional profile: 80/70/60 bands and longer labels.
printf 'grade_bounds = [80, 70, 60]\ngrade_labels = ["优秀", "良好", "中等", "较差"]\n' >"$d/p.toml"
g=$(F evaluate P001 --year 2020 --indicators "$d/ind.csv" --profile "$d/p.toml" --format json | jq -r '"\(.total) \(.grade)"')
[[ $g == "96.75 优秀" ]] || fail "with the profile: '$g'"
printf 'grade_bounds = [80.5, 70, 60]\n' >"$d/bad.toml"
F evaluate P001 --year 2020 --indicators "$d/ind.csv" --profile "$d/bad.toml" >/dev/null 2>"$d/err"; rc=$?
[[ $rc == 2 && $(wc -l <"$d/err") == 1 ]] || fail "a float in the profile: exit $rc, $(cat "$d/err")"
grep -qF "bad.toml 中的 grade_bounds：请写整数（90）或加引号的小数" "$d/err" || fail "the profile error in Chinese: $(cat "$d/err")"
FUNDFLOW_LANG=en F evaluate P001 --year 2020 --indicators "$d/ind.csv" --profile "$d/bad.toml" >/dev/null 2>"$d/err"
grep -qF "bad.toml: grade_bounds: write a whole number (90) or a decimal in quotes (\"89.5\")" "$d/err" ||
    fail "the profile error in English: $(cat "$d/err")"
F evaluate P001 --year 2020 --indicators "$d/missing.csv" >/dev/null 2>"$d/err"; rc=$?
[[ $rc == 2 ]] || fail "a missing sheet exited $rc"
echo "ok evaluate"
