#!/usr/bin/env bash
# i18n/catalogue-complete: every msg("..."), tr("...") and N_("...") string in ledger/, present/, cli/ and serve/ has a
# Chinese translation in po/zh_CN/*.po. Lists each one that lacks it (FILE:LINE of its use) and fails.
#   bash po/check_complete.sh SOURCE_ROOT
set -u
root=${1:?usage: check_complete.sh SOURCE_ROOT}
cd "$root" || exit 1
for tool in xgettext msgcat msgmerge msgattrib; do
    command -v $tool >/dev/null || { echo "FAIL: $tool is needed (apt-get install gettext)"; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/fundflow-i18n-XXXXXX")
trap 'rm -rf "$work"' EXIT
mapfile -t sources < <(find ledger present cli serve -name '*.cpp' -o -name '*.hpp' | LC_ALL=C sort)
xgettext --language=C++ --from-code=UTF-8 --keyword= --keyword=msg:1 --keyword=tr:1 --keyword=N_:1 --sort-by-file \
    --no-wrap -o "$work/fundflow.pot" "${sources[@]}" || { echo "FAIL: xgettext failed"; exit 1; }
msgcat --use-first --to-code=UTF-8 -o "$work/zh_CN.po" po/zh_CN/*.po || { echo "FAIL: msgcat failed"; exit 1; }
# A msgid in two files with two different translations: msgcat --use-first would hide one of them.
conflicts=$(msgcat --more-than=1 --no-wrap po/zh_CN/*.po |
            awk '/^msgid "[^"]/ { id = $0 } /^"#-#-#-#-#/ && id != "" { print "  " id; id = "" }')
if [[ -n $conflicts ]]; then
    echo "FAIL: translated differently in two files of po/zh_CN (keep one):"
    echo "$conflicts"
    exit 1
fi
total=$(grep -c '^msgid "' "$work/fundflow.pot")
total=$((total - 1))  # the header
# The catalogue laid over the extracted strings: each string keeps its source references (#: FILE:LINE).
msgmerge --quiet --no-fuzzy-matching --no-wrap -o "$work/merged.po" "$work/zh_CN.po" "$work/fundflow.pot" ||
    { echo "FAIL: msgmerge failed"; exit 1; }
msgattrib --untranslated --no-obsolete --no-wrap -o "$work/missing.po" "$work/merged.po"
missing=$(grep -c '^msgid "' "$work/missing.po" 2>/dev/null)
missing=${missing:-0}
if ((missing > 0)); then missing=$((missing - 1)); fi  # the header
if ((missing == 0)); then
    echo "i18n: all $total strings (msg/tr in ledger/, present/, cli/ and serve/) have a zh_CN translation"
    exit 0
fi
# One line per string: where it is used, and the msgid.
perl -ne 'if (/^#: (.*)/) { $refs .= ($refs ? " " : "") . $1 } elsif (/^msgid "(.+)"$/) { print "$refs: $1\n"; $refs = "" }
          elsif (/^$/) { $refs = "" }' "$work/missing.po"
echo "FAIL: $missing of $total strings (msg/tr in ledger/, present/, cli/ and serve/) have no translation in po/zh_CN/*.po"
exit 1
