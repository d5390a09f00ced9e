#!/usr/bin/env bash
# Writes the F3 bad-input files (reliability.md F3) into OUTDIR, and OUTDIR/expect.txt: one line per file,
#   NAME EXIT LINE FORM
# EXIT is the exit code `fundflow import` must give (2: the file is refused; 3: a rule refuses a row; 0: a valid
# control file that must import nothing new), LINE the line the first report must name ('-': none required),
# FORM 'reports' (FILE:LINE[:COLUMN]: reason lines, then one 'fundflow: ' line) or 'one' (a single 'fundflow: '
# line naming 'line LINE': a refusal while posting, after the file was found well-formed).
# They are generated (not checked in) to keep the folder small: some are megabytes.
#   bash make.sh OUTDIR
# The ledger they are imported into (f3_bad_files.sh) has project P1 with contract K1 (supplier 甲, 500,000.00)
# and 1,000,000.00 of county funds arrived in 2024; every file uses only that.
set -eu
out=${1:?usage: make.sh OUTDIR}
mkdir -p "$out"
: >"$out/expect.txt"
H='kind,date,project,level,amount,contract,ref,memo'
GOOD1='payment,2024-03-01,P1,county,100.00,K1,F3-G1,好的一行'
GOOD2='payment,2024-03-02,P1,county,200.00,K1,F3-G2,另一行'
# raw NAME EXIT LINE: the file's bytes come from stdin.
raw() { cat >"$out/$1.csv"; echo "$1 $2 $3 ${4:-$([[ $2 == 2 ]] && echo reports || echo one)}" >>"$out/expect.txt"; }
# row NAME ROW [EXIT=2]: header, a good row, ROW (line 3), a good row.
row() { printf '%s\n%s\n%s\n%s\n' "$H" "$GOOD1" "$2" "$GOOD2" | raw "$1" "${3:-2}" 3 "${4:-}"; }
pay() { row "$1" "payment,2024-04-01,P1,county,$2,K1,F3-X,坏金额" "${3:-2}"; }   # NAME AMOUNT: a bad amount
dat() { row "$1" "payment,$2,P1,county,10.00,K1,F3-X,坏日期"; }                 # NAME DATE: a bad date

# Amounts
pay amt-3-decimals 1.234
pay amt-comma-decimal '"12,34"'
pay amt-exponent 1e3
pay amt-exponent-upper 1E2
pay amt-letters abc
pay amt-overflow 99999999999999999999
pay amt-overflow-fen 92233720368547758.08
pay amt-int64-max 9223372036854775807
pay amt-huge-float 1e308
pay amt-negative -5.00
pay amt-negative-cent -0.01
pay amt-double-dot 1..2
pay amt-two-dots 1.2.3
pay amt-hex 0x10
pay amt-nan NaN
pay amt-inf inf
pay amt-fraction 1/2
pay amt-fullwidth-grouping １，２３，４
pay amt-wan-twice 12万万
pay amt-wan-7-decimals 1.2345678万
pay amt-space-inside '"1 000"'
pay amt-plus-minus +-1
pay amt-currency-sign '$100'
pay amt-yuan-suffix-junk 100元元
pay amt-bad-grouping '"1,23,4.00"'
pay amt-trailing-dot-junk 100.x
pay amt-percent 5%
pay amt-empty ''

# Dates
dat date-feb-30 2021-02-30
dat date-month-13 2021-13-01
dat date-compact 20210101
dat date-mixed-separators 2021/01-01
dat date-month-0 2021-00-10
dat date-day-0 2021-01-00
dat date-day-32 2021-01-32
dat date-feb-29-2023 2023-02-29
dat date-apr-31 2024-04-31
dat date-5-digit-year 99999-01-01
dat date-year-0 0000-01-01
dat date-time-suffix 2024-01-01T00:00
dat date-trailing-junk 2024-01-01x
dat date-words yesterday
dat date-chinese-no-such-day 2023年2月29日
dat date-negative -2024-01-01
dat date-empty ''

# Levels, kinds, projects, contracts
row level-unknown 'payment,2024-04-01,P1,national,10.00,K1,F3-X,'
row level-number 'payment,2024-04-01,P1,7,10.00,K1,F3-X,'
row level-chinese-unknown 'payment,2024-04-01,P1,乡镇级,10.00,K1,F3-X,'
row level-missing 'payment,2024-04-01,P1,,10.00,K1,F3-X,'
row kind-unknown 'transfer,2024-04-01,P1,county,10.00,K1,F3-X,'
row kind-chinese-unknown '转账,2024-04-01,P1,county,10.00,K1,F3-X,'
row kind-number '12,2024-04-01,P1,county,10.00,K1,F3-X,'
row kind-empty ',2024-04-01,P1,county,10.00,K1,F3-X,'
row project-missing 'payment,2024-04-01,,county,10.00,K1,F3-X,'
row amount-missing-on-appropriation 'appropriation,2024-04-01,P1,county,,,F3-X,'
row date-missing-on-arrival 'arrival,,P1,county,10.00,,F3-X,'

# Rule refusals (exit 3): valid cells, refused by the ledger's rules
row rule-overdraft 'payment,2024-04-01,P1,county,2000000.00,K1,F3-X,透支' 3
# Not found (exit 2, found while posting: one line naming the line)
row notfound-project 'payment,2024-04-01,P9,county,10.00,,F3-X,没有这个项目' 2 one
row notfound-contract 'payment,2024-04-01,P1,county,10.00,K9,F3-X,没有这个合同' 2 one
row rule-release-without-retention 'release,2024-04-01,P1,county,10.00,K1,F3-X,' 3

# Contract and project rows: rates, months, flags, missing cells
CH='kind,date,project,contract,supplier,amount,retention_rate,warranty_months,sme,name'
crow() { printf '%s\n%s\n%s\n' "$CH" 'contract,2024-01-10,P1,K2,乙公司,1000.00,5%,24,1,' "$2" | raw "$1" 2 3; }
crow rate-over-100 'contract,2024-01-10,P1,K3,丙公司,1000.00,105%,24,1,'
crow rate-negative 'contract,2024-01-10,P1,K3,丙公司,1000.00,-5%,24,1,'
crow rate-letters 'contract,2024-01-10,P1,K3,丙公司,1000.00,abc%,24,1,'
crow rate-two-dots 'contract,2024-01-10,P1,K3,丙公司,1000.00,5.5.5%,24,1,'
crow rate-percent-twice 'contract,2024-01-10,P1,K3,丙公司,1000.00,5%%,24,1,'
crow months-negative 'contract,2024-01-10,P1,K3,丙公司,1000.00,5%,-1,1,'
crow months-letters 'contract,2024-01-10,P1,K3,丙公司,1000.00,5%,abc,1,'
crow months-fraction 'contract,2024-01-10,P1,K3,丙公司,1000.00,5%,1.5,1,'
crow months-overflow 'contract,2024-01-10,P1,K3,丙公司,1000.00,5%,99999999999999999999,1,'
crow sme-bad 'contract,2024-01-10,P1,K3,丙公司,1000.00,5%,24,maybe,'
crow contract-no-supplier 'contract,2024-01-10,P1,K3,,1000.00,5%,24,1,'
crow contract-no-amount 'contract,2024-01-10,P1,K3,丙公司,,5%,24,1,'
crow contract-no-code 'contract,2024-01-10,P1,,丙公司,1000.00,5%,24,1,'
crow contract-bad-amount 'contract,2024-01-10,P1,K3,丙公司,1000.001,5%,24,1,'
crow project-no-name 'project,2024-01-10,P5,,,,,,,'
crow project-bad-date 'project,2024-02-31,P5,,,,,,,新项目'

# Structure: cells, header
row more-cells-than-header 'payment,2024-04-01,P1,county,10.00,K1,F3-X,memo,extra'
row many-more-cells 'payment,2024-04-01,P1,county,10.00,K1,F3-X,memo,a,b,c,d,e,f,g,h'
row fewer-cells-than-header 'payment,2024-04-01,P1,county'
printf 'kind,date,project,level,amount,colour\npayment,2024-04-01,P1,county,10.00,red\n' | raw header-unknown-column 2 1
printf 'kind,date,project,level,amount,amount\npayment,2024-04-01,P1,county,10.00,11.00\n' | raw header-duplicate-column 2 1
printf 'kind,date,project,,amount\npayment,2024-04-01,P1,county,10.00\n' | raw header-empty-name 2 1
printf 'date,project,level,amount\n2024-04-01,P1,county,10.00\n' | raw header-no-kind 2 1
printf 'kind,日期,date,project,level,amount\npayment,2024-04-01,2024-04-01,P1,county,10.00\n' | raw header-same-column-two-languages 2 1
printf 'payment,2024-04-01,P1,county,10.00,K1,F3-X,no header\n' | raw header-missing 2 1
printf '' | raw empty 2 1
printf '\xef\xbb\xbf' | raw bom-only 2 1
printf '\n\n\n' | raw blank-lines-only 2 1

# BOM and CRLF variants
{ printf '\xef\xbb\xbf%s\r\n%s\r\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,1.234,K1,F3-X,\r\n'; } | raw bom-crlf-bad-amount 2 3
{ printf '%s\r\n%s\r\n' "$H" "$GOOD1"; printf 'payment,2021-02-30,P1,county,1.00,K1,F3-X,\r\n'; } | raw crlf-bad-date 2 3
{ printf '\xef\xbb\xbf%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,nowhere,1.00,K1,F3-X,\n'; } | raw bom-lf-bad-level 2 3
{ printf '\xef\xbb\xbf\xef\xbb\xbf%s\n%s\n' "$H" "$GOOD1"; } | raw bom-twice 2 1
{ printf '%s\r%s\r' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,1e3,K1,F3-X,\r'; } | raw cr-only-bad-amount 2 -
{ printf '%s\r\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,abc,K1,F3-X,\r\n'; } | raw mixed-eol-bad-amount 2 3
{ printf '\xff\xfe'; printf '%s\n%s\n' "$H" "$GOOD1" | iconv -f UTF-8 -t UTF-16LE; } | raw utf16le-bom 2 1

# Quoting
row quote-unclosed 'payment,2024-04-01,P1,county,10.00,K1,F3-X,"never closed'
row quote-text-after 'payment,2024-04-01,P1,county,10.00,K1,F3-X,"closed"after'
row quote-in-unquoted 'payment,2024-04-01,P1,county,10.00,K1,F3-X,ab"c'
row quote-unclosed-amount 'payment,2024-04-01,P1,county,"10.00,K1,F3-X,'
row quote-space-after 'payment,2024-04-01,P1,county,"10.00" ,K1,F3-X,'
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,10.00,K1,F3-X,"unclosed\n'; for i in $(seq 1 50); do printf 'payment,2024-04-02,P1,county,1.00,K1,F3-Y%d,\n' "$i"; done; } | raw quote-unclosed-swallows-rest 2 3

# Huge fields and long lines
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,'; head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' '9'; printf ',K1,F3-X,\n'; } | raw field-2mib-amount 2 3
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,10.00,K1,F3-X,'; head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'm'; printf '\n'; } | raw field-2mib-memo 2 3
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,10.00,K1,'; head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'r'; printf ',\n'; } | raw field-2mib-ref 2 3
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,10.00,K1,F3-X,'; head -c $((1024 * 1024)) /dev/zero | tr '\0' ','; printf '\n'; } | raw line-1mib-of-commas 2 3
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,'; head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'P'; printf ',county,10.00,K1,F3-X,\n'; } | raw field-2mib-project 2 3
{ printf '%s' "$H"; head -c $((1024 * 1024)) /dev/zero | tr '\0' 'h'; printf '\n%s\n' "$GOOD1"; } | raw header-1mib 2 1
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,10.00,K1,F3-X,"'; head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' '\n'; printf '"x\n'; } | raw quoted-2mib-of-newlines 2 3

# Encodings and bytes
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,10.00,K1,F3-X,付款摘要\n' | iconv -f UTF-8 -t GB18030; } | raw gb18030-memo 2 3
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,县区级,10.00,K1,F3-X,\n' | iconv -f UTF-8 -t GB18030; } | raw gb18030-level 2 3
{ printf '%s\n' "$H" | iconv -f UTF-8 -t GB18030; printf '支付,2024-04-01,P1,county,10.00,K1,F3-X,\n' | iconv -f UTF-8 -t GB18030; } | raw gb18030-kind 2 2
{ printf 'kind,date,project,level,amount\n' ; printf '支付,2024-04-01,P1,county,10.00\n' | iconv -f UTF-8 -t GB18030; } | raw gb18030-whole-file 2 2
{ printf '类型,日期,项目,资金来源,金额\n' | iconv -f UTF-8 -t GB18030; printf '支付,2024-04-01,P1,县区级,10.00\n' | iconv -f UTF-8 -t GB18030; } | raw gb18030-chinese-header 2 1
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,10.00,K1,F3-X,caf\xe9\n'; } | raw latin1-memo 2 3
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,10.00,K1,F3-X,\xc0\xaf\n'; } | raw utf8-overlong 2 3
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,10.00,K1,F3-X,\xed\xa0\x80\n'; } | raw utf8-surrogate 2 3
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,10.00,K1,F3-X,\xe4\xbb\n'; } | raw utf8-truncated 2 3
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,10.00,K1,F3-X,\xf8\x88\x80\x80\x80\n'; } | raw utf8-5-byte 2 3
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,10.00,K1,F3-X,a\x01b\n'; } | raw control-soh-memo 2 3
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,10.00,K1,F3-X,\x1b[31mred\n'; } | raw control-escape-memo 2 3
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,10.00,K1,F3-X,del\x7f\n'; } | raw control-del-memo 2 3
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,10.00,K1,F3\x08X,\n'; } | raw control-backspace-ref 2 3
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1\x07,county,10.00,K1,F3-X,\n'; } | raw control-bell-project 2 3
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,10.00,K1,F3-X,a\xc2\x85b\n'; } | raw control-c1-nel-memo 2 3
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,10.00,K1,F3-X,a\rb\n'; } | raw lone-cr-in-field 2 3
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,10.00,K1,F3-X,a\0b\n'; } | raw nul-memo 2 3
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,1\x0000,K1,F3-X,\n'; } | raw nul-amount 2 3
{ printf 'kind,da\0te,project,level,amount\n%s\n' 'payment,2024-04-01,P1,county,10.00'; } | raw nul-header 2 1
{ printf '%s\n%s\n' "$H" "$GOOD1"; head -c 4096 /dev/zero; printf '\n'; } | raw nul-line 2 3
{ printf '%s\n%s\n' "$H" "$GOOD1"; printf 'payment,2024-04-01,P1,county,10.00,K1,F3-X,"a\0b"\n'; } | raw nul-quoted 2 3

# Controls: must be accepted and add nothing new (they run last and only once: see f3_bad_files.sh)
printf '%s\n' "$H" | raw ok-header-only 0 -
printf '\xef\xbb\xbf%s\r\n' "$H" | raw ok-bom-crlf-header-only 0 -
echo "$(wc -l <"$out/expect.txt") files in $out" >&2
