#!/usr/bin/env bash
# tests/cli/options_matrix.sh — issue 12.1: every command × --lang/--unit/--format/--as-of/--known-at.
#
#   bash options_matrix.sh PATH/TO/fundflow            the test
#   bash options_matrix.sh --print PATH/TO/fundflow    print the README's table as the binary has it
#
# The commands and what each takes come from the binary itself (its --help: the groups, then the line
# "Global options that apply here: …" that the command table writes), so a new command is in the matrix
# the moment it is in kCommands. Then:
#   1. README.md's table (between <!-- options-matrix --> and <!-- /options-matrix -->) is that matrix;
#   2. every cell is tried on a fresh copy of one fixture ledger (lib.sh's seed_ledger, plus a contract with
#      a deposit, a closed year, a spare appropriation and a user), with the command's sample invocation below:
#      --lang     (every command) an error is worded in the language asked (Chinese: the line has Han;
#                 English: none), and the help's first line differs between zh and en;
#      --unit     yuan and wan print different figures (where it applies), else exit 2 "does not apply";
#      --format   each value it takes gives that format (json parses, csv has a header of fields, md a
#                 table, docx a zip); every value it does not take exits 2;
#      --as-of    a cut before the books began prints something else than today's, else exit 2;
#      --known-at a cut when entry 4 was recorded prints something else than now's, else exit 2.
# A command without a sample invocation below fails the test: add one when you add a command.
set -u
print=0
if [[ ${1:-} == --print ]]; then print=1; shift; fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
readme=$here/../../README.md

# --- the matrix, from the binary -------------------------------------------------------------------------
en() { FUNDFLOW_LANG=en "$bin" "$@"; }
commands=()
while read -r name; do
    if en $name --help | grep -q '^Subcommands:'; then
        while read -r sub; do commands+=("$name $sub"); done < <(en $name --help | sed -n '/^Subcommands:/,/^$/p' |
                                                                 awk 'NR > 1 && NF { print $1 }')
    else
        commands+=("$name")
    fi
done < <(en --help | awk '/^(Posting|Queries|Self-evaluation|Audit|Accounts|Other):$/ { on = 1; next } /^$/ { on = 0 }
                          on && NF { print $1 }')
((${#commands[@]} >= 30)) || fail "only ${#commands[@]} commands found in 'fundflow --help'"

declare -A takes formats
for c in "${commands[@]}"; do
    line=$(en $c --help | tr '\n' ' ' | grep -o 'Global options that apply here: [^;]*;') ||
        fail "'$c --help' does not say which global options apply"
    takes[$c]=$line
    formats[$c]=$(grep -oP -- '--format \K[a-z]+(,[a-z]+)*' <<<"$line")
done
has() { [[ ${takes[$1]} == *"$2,"* || ${takes[$1]} == *"$2;"* || ${takes[$1]} == *"$2 "* ]]; }
cell() { if has "$1" "$2"; then echo "✓"; else echo "—"; fi; }

table() {
    echo "| command | --lang | --unit | --format | --as-of | --known-at |"
    echo "|---|:-:|:-:|---|:-:|:-:|"
    for c in "${commands[@]}"; do
        printf '| `%s` | %s | %s | %s | %s | %s |\n' "$c" "$(cell "$c" --lang)" "$(cell "$c" --unit)" \
            "${formats[$c]:-—}" "$(cell "$c" --as-of)" "$(cell "$c" --known-at)"
    done
}
if ((print)); then table; exit 0; fi

# --- 1. the README's table is the binary's ----------------------------------------------------------------
sed -n '/<!-- options-matrix -->/,/<!-- \/options-matrix -->/p' "$readme" | grep '^|' >"$d/readme-table"
table >"$d/binary-table"
diff -u "$d/readme-table" "$d/binary-table" >"$d/table.diff" ||
    fail "README.md's options table is not the binary's (bash tests/cli/options_matrix.sh --print BIN):
$(cat "$d/table.diff")"

# --- 2. every cell ----------------------------------------------------------------------------------------
fixture=$d/fixture.db
seed_ledger "$fixture" || fail "the fixture ledger could not be made"
G() { "$bin" --db "$fixture" "$@" >/dev/null; }
G contract add P2 --contract K1 --supplier 某建设公司 --amount 100000 --retention-rate 5% --warranty-months 12 \
    --date 2021-02-01 &&
    G pay P2 --level provincial --amount 50000 --date 2021-03-05 --contract K1 --ref 付2021-K1 &&
    G retain P2 --contract K1 --level provincial --amount 1000 --date 2021-03-06 --accepted 2021-03-01 &&
    G project add P3 --name 已关账项目 --date 2020-01-03 && G close-year P3 --year 2020 &&
    G contract amend P001 --contract C001 --amount 1,300,000 --date 2021-03-01 --memo 补充协议一 &&
    G appropriate P2 --level county --amount 1000 --date 2021-01-12 &&
    G user add lisi --role accountant --projects P2 --password-stdin <<<"fixture password" ||
    fail "the fixture's extra postings failed"
entries=$("$bin" --db "$fixture" digest --format json | jq .entries)
spare=$((entries - 1))  # the spare appropriation (the user lisi came after it)
# A --known-at cut inside the fixture's history: when C001 (entry 4) was registered, before everything after it.
early=$("$bin" --db "$fixture" show 4 --format json | jq -r .entry.recorded_at)
seed_sheet || fail "no indicator sheet"
printf 'kind,date,project,level,amount,ref\narrival,2021-02-03,P2,provincial,1000,到2021-x\n' >"$d/import.csv"

declare -A sample=(
    ["project add"]="project add P9 --name 新项目 --date 2021-01-05"
    ["project amend"]="project amend P001 --name 新名称 --date 2021-03-01 --memo 批复更名"
    ["project list"]="project list"
    ["unit add"]="unit add 县局 --name 某县财政局 --date 2021-01-05"
    ["unit list"]="unit list"
    ["contract add"]="contract add P2 --contract K9 --supplier 某公司 --amount 1000 --date 2021-02-01"
    ["contract amend"]="contract amend P2 --contract K1 --amount 120000 --date 2021-04-01 --memo 补充协议一"
    ["contract list"]="contract list"
    [appropriate]="appropriate P2 --level county --amount 1000 --date 2021-01-11"
    [adjust]="adjust P2 --level provincial --amount 1000 --date 2021-02-11 --ref 调1 --memo 追加"
    [arrive]="arrive P2 --level provincial --amount 1000 --date 2021-02-12"
    [pay]="pay P2 --level provincial --amount 100 --date 2021-03-02"
    [refund]="refund P2 --of 付2021-K1 --amount 100 --date 2021-03-20 --ref 退2021-1"
    [retain]="retain P2 --contract K1 --level provincial --amount 100 --date 2021-03-07 --accepted 2021-03-01"
    [release]="release P2 --contract K1 --amount 100 --date 2021-04-01"
    [forfeit]="forfeit P2 --contract K1 --amount 100 --date 2021-04-01 --memo 维修费用"
    [recover]="recover P2 --level provincial --amount 100 --date 2021-06-01 --memo 财政收回"
    [import]="import $d/import.csv"
    [reverse]="reverse $spare --reason 重复录入"
    [correct]="correct $spare --amount 900 --reason 金额录入错误"
    [close-year]="close-year P2 --year 2020"
    [reopen-year]="reopen-year P3 --year 2020 --reason 审计调整"
    ["report execution"]="report execution P001 --year 2020"
    [balance]="balance"
    ["warranty list"]="warranty list"
    [log]="log"
    [show]="show 4"  # C001, amended in 2021: the terms in force and on record depend on the cut
    [export]="export --to csv"
    [evaluate]="evaluate P001 --year 2020 --indicators $d/ind.csv"
    [verify]="verify"
    [digest]="digest"
    [check]="check --grace-days 3650"  # (the seed's deposit fell due in 2022: exit 3 without the grace)
    [init]="init"
    [copy]="copy --from $d/run.db --to $d/run.db.copy"  # (run removes run.db* before each try)
    [serve]="serve --listen 127.0.0.1:0 --check"  # --check: binds and exits (a server never returns)
    ["user add"]="user add wangwu --role accountant --projects P001 --password-stdin"
    ["user list"]="user list"
    ["user disable"]="user disable lisi"
    ["user passwd"]="user passwd lisi --password-stdin"
    ["user role"]="user role lisi --role auditor"
    ["token create"]="token create lisi --expires 30d"
)
# What a command that reads a password (--password-stdin) finds on its standard input; the others ignore it.
printf 'matrix password\n' >"$d/password"

cells=0
problems=()
bad() { problems+=("$*"); }
# Runs a command line on a fresh copy of the fixture (init: on a new file); output in $d/out, $d/err, rc in $rc.
run() {
    local db=$d/run.db
    rm -f "$d"/run.db*
    [[ $1 == init ]] || cp "$fixture" "$db"
    (cd "$d" && "$bin" --db "$db" "$@" >"$d/out" 2>"$d/err" <"$d/password")
    rc=$?
}
# The option must be refused with exit 2 and one line that says it does not apply.
refused() { # COMMAND OPTION VALUE
    local c=$1
    run ${sample[$c]} "$2" "$3" --lang en
    ((rc == 2)) && [[ $(cat "$d/err") == *"does not apply"* ]] ||
        bad "'$c $2 $3' exited $rc, want 2 and 'does not apply': $(head -c 200 "$d/err")"
}
differs() { # COMMAND WHAT ARGS_A -- ARGS_B
    local c=$1 what=$2; shift 2
    local a=() b=()
    while [[ $1 != -- ]]; do a+=("$1"); shift; done; shift; b=("$@")
    run ${sample[$c]} "${a[@]}"; local rc_a=$rc; cp "$d/out" "$d/out.a"
    run ${sample[$c]} "${b[@]}"
    if ((rc_a != 0 || rc != 0)); then
        bad "'$c' with ${a[*]} / ${b[*]} exited $rc_a / $rc: $(head -c 200 "$d/err")"
    elif cmp -s "$d/out.a" "$d/out"; then
        bad "'$c' prints the same with ${a[*]} as with ${b[*]}: $what is ignored"
    fi
}

for c in "${commands[@]}"; do
    [[ -n ${sample[$c]:-} ]] || { bad "no sample invocation for the command '$c' in options_matrix.sh"; continue; }
    run ${sample[$c]} --lang en
    ((rc == 0)) || { bad "the sample '${sample[$c]}' exited $rc: $(head -c 300 "$d/err")"; continue; }

    # --lang: help and an error (a ledger in a directory that does not exist) in each language.
    cells=$((cells + 1))
    [[ $("$bin" $c --help --lang zh | head -1) != $(en $c --help | head -1) ]] ||
        bad "'$c --help' has the same first line in zh and en"
    for lang in zh en; do
        (cd "$d" && "$bin" --db "$d/no/such/dir/x.db" ${sample[$c]} --lang $lang >/dev/null 2>"$d/err" <"$d/password")
        rc=$?
        if ((rc == 0)); then bad "'$c' on a missing directory exited 0"; continue; fi
        if [[ $lang == zh ]]; then
            grep -qP '\p{Han}' <(grep -v "$d" "$d/err"; sed "s|$d[^ ]*||g" "$d/err") ||
                bad "'$c --lang zh' words its error in English: $(cat "$d/err")"
        elif sed "s|$d[^ ]*||g" "$d/err" | grep -qP '\p{Han}'; then
            bad "'$c --lang en' words its error in Chinese: $(cat "$d/err")"
        fi
    done

    # --unit
    cells=$((cells + 1))
    if has "$c" --unit; then differs "$c" --unit --unit yuan -- --unit wan
    else refused "$c" --unit wan; fi

    # --format: each value taken gives that format; the others are refused.
    cells=$((cells + 1))
    for f in table json csv md docx; do
        if [[ ,${formats[$c]}, == *",$f,"* ]]; then
            extra=(); [[ $f == docx ]] && extra=(--output "$d/out.docx" --force)
            run ${sample[$c]} --format $f "${extra[@]}"
            ((rc == 0)) || { bad "'$c --format $f' exited $rc: $(head -c 200 "$d/err")"; continue; }
            case $f in
                json) jq -e . "$d/out" >/dev/null 2>&1 || bad "'$c --format json' is not JSON: $(head -c 200 "$d/out")" ;;
                csv) head -1 "$d/out" | grep -qE '^[^,]+(,[^,]*)+$' ||
                         bad "'$c --format csv' does not start with a CSV header: $(head -1 "$d/out")" ;;
                md) grep -q '^|' "$d/out" || bad "'$c --format md' has no Markdown table" ;;
                docx) [[ $(head -c 2 "$d/out.docx") == PK ]] || bad "'$c --format docx' wrote no zip" ;;
                table) [[ -s $d/out ]] || bad "'$c --format table' printed nothing" ;;
            esac
        else
            run ${sample[$c]} --format $f --lang en
            ((rc == 2)) || bad "'$c --format $f' exited $rc, want 2 (it takes ${formats[$c]:-no --format})"
        fi
    done

    # --as-of and --known-at: a cut before the books began.
    cells=$((cells + 2))
    if has "$c" --as-of; then differs "$c" --as-of --as-of 2019-12-31 -- --as-of 2030-12-31
    else refused "$c" --as-of 2099-12-31; fi
    if has "$c" --known-at; then differs "$c" --known-at --known-at "$early" -- --lang zh
    else refused "$c" --known-at 2099-01-01T00:00:00Z; fi
done

if ((${#problems[@]})); then
    printf 'FAIL: %s\n' "${problems[@]}"
    exit 1
fi
echo "ok options-matrix: ${#commands[@]} commands × 5 options, $cells cells tried, README's table is the binary's"
