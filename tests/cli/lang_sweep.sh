#!/usr/bin/env bash
# tests/cli/lang_sweep.sh — issue 12.1: everything fundflow prints is in the language asked for.
#
#   bash lang_sweep.sh PATH/TO/fundflow zh|en
#
# Runs every command of every golden file (tests/cli/*.test: some 500 command lines, refusals and bad input
# included) in the one language, whatever --lang the file names, through run_golden.sh --lang-sweep: the
# exit status must be the expected one and no line in the other language (see run_golden.sh for the rule and
# what it sets aside: the values a file typed, quotes, option names, paths, 元/万元, input examples). In zh it
# also reads the --help of every command (found in 'fundflow --help'): no three English words in a row once
# option names, metavariables (TEXT, INT, REQUIRED) and the example command lines are set aside.
set -u
lang=${2:?usage: lang_sweep.sh PATH/TO/fundflow zh|en}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

failed=0
files=0
for f in ${SWEEP_ONLY:-"$here"/*.test}; do
    files=$((files + 1))
    bash "$here/run_golden.sh" --lang-sweep "$lang" "$bin" "$f" >"$d/sweep.out" 2>&1 || { failed=1; cat "$d/sweep.out"; }
done

helps=0
if [[ $lang == zh ]]; then
    commands=()
    while read -r name; do
        commands+=("$name")
        while read -r sub; do commands+=("$name $sub"); done < <(FUNDFLOW_LANG=en "$bin" $name --help |
                                                                 sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
    done < <(FUNDFLOW_LANG=en "$bin" --help | awk '/^(Posting|Queries|Self-evaluation|Audit|Accounts|Other):$/ { on = 1; next }
                                                  /^$/ { on = 0 } on && NF { print $1 }')
    ((${#commands[@]} >= 30)) || fail "only ${#commands[@]} commands found in 'fundflow --help'"
    for c in "" "${commands[@]}"; do
        helps=$((helps + 1))
        "$bin" $c --help --lang zh >"$d/help" 2>&1 || fail "'fundflow $c --help' failed"
        perl -CSD -Mutf8 -ne '
            chomp; my $l = $_;
            next if $l =~ /^\s*fundflow /;                          # an example command line
            $l =~ s{\bfundflow(?: [a-z][a-z-]*)*}{ }g;              # the command words of the usage line
            $l =~ s{(?<!\w)--?[a-z][a-z-]*}{ }g;                     # option names
            $l =~ s{\b(?:TEXT|INT|REQUIRED|UINT|FLOAT|[A-Z][A-Z_]+)\b}{ }g;  # metavariables, CODE, FILE
            $l =~ s{[\x{2018}\x{201C}"\x{0027}][^\x{2019}\x{201D}"\x{0027}]*[\x{2019}\x{201D}"\x{0027}]}{ }g;
            $l =~ s#\{[^}]*\}# #g;                                   # CLI11 choice lists {yuan,wan}
            print "    | $_\n" if $l =~ /\b[A-Za-z]{2,}(?: +[A-Za-z]{2,}){2,}\b/;' "$d/help" >"$d/bad"
        if [[ -s $d/bad ]]; then
            echo "FAIL: 'fundflow $c --help --lang zh' has English:"
            head -5 "$d/bad"
            failed=1
        fi
    done
fi

((failed)) && { echo "FAIL: some output is not in $lang"; exit 1; }
echo "ok lang-sweep-$lang: every command of $files golden files in $lang$( ((helps)) && echo ", and $helps --help pages")"
