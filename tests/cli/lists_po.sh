#!/usr/bin/env bash
# The close entry's memo in words (issue 12.3): what `log` prints in Chinese is po/zh_CN/lists.po's msgstr of
# the English template it prints with --lang en, fields substituted — for both templates (with and without
# earlier years' payments returned). Until the front end reads the catalogue, present/src/render_lists.cpp carries
# the same Chinese; this keeps the two from drifting apart.
source "$(dirname "$0")/lib.sh"
command -v msgfmt >/dev/null || { echo "skip: lists-po: no msgfmt (apt-get install gettext)"; exit 0; }
python=${PYTHON3:-python3}
command -v "$python" >/dev/null || { echo "skip: lists-po: no python3"; exit 0; }
F init >/dev/null || fail "init"
F project add P1 --name 测试项目 --date 2020-01-02 >/dev/null || fail "project add"
F appropriate P1 --level county --amount 10000 --date 2020-01-10 >/dev/null || fail "appropriate"
F arrive P1 --level county --amount 10000 --date 2020-01-20 >/dev/null || fail "arrive"
F pay P1 --level county --amount 4000 --date 2020-05-01 --ref 付-1 >/dev/null || fail "pay"
F close-year P1 --year 2020 >/dev/null || fail "close 2020"
F refund P1 --amount 1000 --date 2021-03-01 --ref 退-1 --of 付-1 >/dev/null || fail "refund of an earlier year"
F close-year P1 --year 2021 >/dev/null || fail "close 2021"
msgfmt -o "$d/lists.mo" "$here/../../po/zh_CN/lists.po" || fail "msgfmt refused po/zh_CN/lists.po"
F log --kind close --format csv --lang en >"$d/en.csv" || fail "log --lang en"
F log --kind close --format csv --lang zh >"$d/zh.csv" || fail "log --lang zh"
"$python" - "$d/lists.mo" "$d/en.csv" "$d/zh.csv" <<'PY' || fail "the Chinese close memo is not the catalogue's (above)"
import csv, gettext, re, sys
catalogue = gettext.GNUTranslations(open(sys.argv[1], "rb"))
templates = [k for k in catalogue._catalog if isinstance(k, str) and k.startswith("Year {year} closed")]
assert len(templates) == 2, templates
en = list(csv.reader(open(sys.argv[2], encoding="utf-8")))[1:]
zh = list(csv.reader(open(sys.argv[3], encoding="utf-8")))[1:]
assert len(en) == len(zh) == 2, (en, zh)
used = set()
for e, z in zip(en, zh):
    memo_en, memo_zh = e[10], z[10]
    for t in templates:
        pattern = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[-0-9.,]+)", re.escape(t)) + "$"
        m = re.match(pattern, memo_en)
        if m:
            want = catalogue.gettext(t)
            for name, value in m.groupdict().items():
                want = want.replace("{" + name + "}", value)
            if want != memo_zh:
                sys.exit(f"zh memo {memo_zh!r}, catalogue says {want!r}")
            used.add(t)
            break
    else:
        sys.exit(f"no template of lists.po matches {memo_en!r}")
if len(used) != 2:
    sys.exit(f"only {len(used)} of the 2 close templates were exercised")
PY
echo "ok lists-po: both close-memo templates print the catalogue's Chinese"
