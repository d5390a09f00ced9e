#!/usr/bin/env bash
# export --to xlsx: the workbook's cells hold the seed's figures (read from the sheet XML with Python's
# standard library), and LibreOffice opens it headless and converts it to a PDF whose text has the forms.
source "$(dirname "$0")/lib.sh"
post_exact_seed || fail "posting the seed's case"
seed_sheet || fail "the seed sheet docs/examples/indicators-P001-2020.csv is missing"
F export --to xlsx P001 --year 2020 --indicators "$d/ind.csv" --output "$d/seed.xlsx" >/dev/null || fail "export"

command -v python3 >/dev/null || fail "python3 is needed"
python3 - "$d/seed.xlsx" <<'PY' || fail "the workbook's cells"
import sys, zipfile, re
import xml.etree.ElementTree as ET
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
z = zipfile.ZipFile(sys.argv[1])
# A rich string (the title) has its text in runs: join every <t> of the item.
strings = ["".join(t.text or "" for t in si.iter("{%s}t" % ns["m"])) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
def cells(sheet):
    out = {}
    for c in ET.fromstring(z.read(f"xl/worksheets/sheet{sheet}.xml")).iter("{%s}c" % ns["m"]):
        v = c.find("m:v", ns)
        if v is None:
            continue
        # A number cell is a binary64 by the format; compare it as the 2-decimal figure it stands for.
        out[c.get("r")] = strings[int(v.text)] if c.get("t") == "s" else f"{float(v.text):.2f}"
    return out
a, b = cells(1), cells(2)
want_a = {"A4": "全年预算资金", "C4": "125.95", "D4": "125.95", "H4": "125.95", "E4": "0.00",
          "C7": "119.65", "C8": "6.30", "C9": "100.00", "C10": "95.00", "H10": "95.00", "E10": "-", "D2": "财政资金"}
want_b = {"C3": "预算执行率", "H3": "9.50", "G3": "95.00", "H6": "11.25", "G7": "95.00", "H12": "96.75",
          "I12": "等级：优", "A4": "产出指标", "D3": "10.00"}
bad = [(k, v, a.get(k)) for k, v in want_a.items() if a.get(k) != v] + \
      [(k, v, b.get(k)) for k, v in want_b.items() if b.get(k) != v]
merged = ET.fromstring(z.read("xl/worksheets/sheet2.xml")).find("m:mergeCells", ns)
refs = {m.get("ref") for m in merged} if merged is not None else set()
if "A4:A7" not in refs:  # 产出指标 spans its four lines, as in the seed
    bad.append(("merge", "A4:A7", sorted(refs)))
if bad:
    print("cells differ (cell, want, got):", bad)
    sys.exit(1)
PY

if ! command -v libreoffice >/dev/null; then
    [[ ${CI:-} == true ]] && fail "libreoffice is needed in CI (scripts/install-deps.sh --test installs it)"
    echo "skip: libreoffice is not installed; the workbook was checked without it"; echo "ok xlsx-export (cells)"; exit 0
fi
mkdir -p "$d/lo" && HOME=$d/lo timeout 180 libreoffice --headless --norestore --convert-to pdf --outdir "$d/lo" \
    "$d/seed.xlsx" >"$d/lo.log" 2>&1 || fail "libreoffice could not convert the workbook: $(tail -n 3 "$d/lo.log")"
[[ -s $d/lo/seed.pdf ]] || fail "libreoffice wrote no PDF"
command -v pdftotext >/dev/null || fail "pdftotext is needed (poppler-utils)"
pdftotext "$d/lo/seed.pdf" "$d/seed.txt"
for s in 预算执行情况 125.95 119.65 6.30 95.00 绩效自评表 96.75 等级：优; do
    grep -q -- "$s" "$d/seed.txt" || fail "the PDF LibreOffice made lacks '$s'"
done
echo "ok xlsx-export (cells, and LibreOffice's PDF of it)"
