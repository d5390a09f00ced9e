#!/usr/bin/env bash
# The pictures of docs/: the seed's case posted on a fresh ledger, its execution form and scored sheet
# exported to xlsx, its 自评报告 written as docx; LibreOffice turns each into a PDF, pdftoppm the first page
# of each form into a PNG (80 dpi) in docs/pictures/ — execution-form.png, evaluation-sheet.png,
# self-report-docx.png. Running this test remakes them; each PDF's text is checked for the seed's figures
# (125.95 budget, 119.65 executed, 6.30 balance, 95.00 %, total 96.75) so a picture never shows a wrong form.
source "$(dirname "$0")/lib.sh"
seed_sheet || fail "could not cut the seed sheet out of shared/spec/cli.md"
soffice=$(command -v soffice || command -v libreoffice) || {
    [[ ${CI:-} == true ]] && fail "libreoffice is needed in CI"
    echo "skip: libreoffice is not installed; no pictures made"; exit 0; }
for tool in pdftoppm pdftotext; do
    command -v $tool >/dev/null || fail "$tool is needed (poppler-utils)"
done
out=$here/../../docs/pictures
mkdir -p "$out" || fail "cannot make $out"

# The seed's case (domain.md §7) as scripts/demo.sh posts it, with its unit registered.
{ F init && F project add P001 --name 县级融媒体中心建设项目 --unit-name 县融媒体中心 --func-code 2070808 --date 2020-01-15 &&
  F appropriate P001 --level county --amount 1,259,500.00 --date 2020-01-15 --ref 县财预[2020]1号 &&
  F arrive P001 --level county --amount 1,259,500.00 --date 2020-03-01 --ref 到位-001 &&
  F contract add P001 --contract C001 --supplier 某传媒设备有限公司 --amount 1,259,500.00 --retention-rate 5% \
    --warranty-months 24 --date 2020-04-10 &&
  F pay P001 --level county --amount 1,196,525.00 --date 2020-11-30 --contract C001 --ref 付-001 &&
  F retain P001 --contract C001 --level county --amount 62,975.00 --date 2020-11-30 --accepted 2020-11-20; } >/dev/null ||
    fail "posting the seed's case"
F export --to xlsx P001 --year 2020 --indicators "$d/ind.csv" --output "$d/forms.xlsx" >/dev/null || fail "export --to xlsx"
F evaluate P001 --year 2020 --indicators "$d/ind.csv" --format docx --output "$d/report.docx" >/dev/null || fail "evaluate --format docx"
mkdir -p "$d/lo" && HOME=$d/lo timeout 300 "$soffice" --headless --norestore --convert-to pdf --outdir "$d/lo" \
    "$d/forms.xlsx" "$d/report.docx" >"$d/lo.log" 2>&1 || fail "libreoffice: $(tail -n 3 "$d/lo.log")"
[[ -s $d/lo/forms.pdf && -s $d/lo/report.pdf ]] || fail "libreoffice wrote no PDF: $(tail -n 3 "$d/lo.log")"

# page PDF PAGE: the page's text, spaces and line ends removed (CJK lines wrap anywhere).
page() { pdftotext -f "$2" -l "$2" "$1" - | tr -d ' \n'; }
check() {  # check TEXT WHAT STRING...
    local text=$1 what=$2; shift 2
    for s in "$@"; do
        [[ $text == *"$s"* ]] || fail "$what lacks '$s'"
    done
}
check "$(page "$d/lo/forms.pdf" 1)" "the execution form (xlsx page 1)" 预算执行情况 县级融媒体中心建设项目 预算单位：县融媒体中心 \
    功能分类：2070808 125.95 119.65 6.30 95.00 100.00 填报单位（盖章） 负责人 填报日期
check "$(page "$d/lo/forms.pdf" 2)" "the scored sheet (xlsx page 2)" 项目支出绩效自评表 预算执行率 9.50 11.25 96.75 等级：优
check "$(page "$d/lo/report.pdf" 1)" "the docx report (page 1)" 县级融媒体中心建设项目支出绩效自评报告 预算单位：县融媒体中心 \
    125.95 119.65 6.30 95.00
check "$(pdftotext "$d/lo/report.pdf" - | tr -d ' \n')" "the docx report" 总得分96.75分 待质保期满后支付 附件1.项目支出绩效自评表
pdftoppm -r 80 -png -f 1 -l 1 -singlefile "$d/lo/forms.pdf" "$out/execution-form" || fail "pdftoppm (execution form)"
pdftoppm -r 80 -png -f 2 -l 2 -singlefile "$d/lo/forms.pdf" "$out/evaluation-sheet" || fail "pdftoppm (scored sheet)"
pdftoppm -r 80 -png -f 1 -l 1 -singlefile "$d/lo/report.pdf" "$out/self-report-docx" || fail "pdftoppm (docx)"
for p in execution-form evaluation-sheet self-report-docx; do
    [[ $(head -c 8 "$out/$p.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "$p.png is not a PNG"
done
echo "ok form-pictures (docs/pictures/execution-form.png, evaluation-sheet.png, self-report-docx.png)"
