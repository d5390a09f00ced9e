#!/usr/bin/env bash
# Issue 11 (part 5): reads notice tampering cheaply. Every read command checks, in the snapshot of its read,
# the newest 1,000 links of the chain and the day/month/year totals of the years it reports against their
# entries; on a mismatch it still prints its output, warns with one line on stderr
# ('fundflow: warning: …; run 'fundflow verify'') and exits 4. Cases, each on a fresh copy of lib.sh's seed
# ledger (12 entries), edited with the stock sqlite3 client, triggers off:
#   a. an entry's amount (#3, the arrival of 2020)  → every read command prints, warns, exits 4;
#   b. the same edit with FUNDFLOW_READ_CHECK=3 (only the 3 newest links are checked, as for an entry older
#      than the newest 1,000): the forms of 2020 still catch it from their totals (report execution P001
#      --year 2020, balance P001 --as-of 2020-12-31, evaluate), and `log` (links only) does not;
#   c. a year total alone (entries intact)         → report execution of that year warns, exits 4;
# and on the intact ledger every read exits 0 with an empty stderr, as does the tampered one with
# FUNDFLOW_READ_CHECK=off (the benchmark's switch). Before issue 11 each of (a)-(c) exited 0 with a clean form.
source "$(dirname "$0")/lib.sh"
seed_ledger "$db" || fail "posting the seed ledger"
have_sheet=1
seed_sheet || have_sheet=0

# The read commands and their arguments, one a line (evaluate only when the seed sheet could be cut out).
reads() {
    echo "report execution P001 --year 2020"
    echo "balance"
    echo "balance P001 --as-of 2020-12-31"
    echo "warranty list"
    echo "log"
    echo "show 4"
    echo "export --to csv"
    echo "export --to ledger"
    echo "digest"
    ((have_sheet)) && echo "evaluate P001 --year 2020 --indicators $d/ind.csv"
}
problems=()
problem() { problems+=("$*"); }
runs=0

# expect_clean AT CMD...: exit 0, something on stdout, nothing on stderr.
expect_clean() {
    local at=$1; shift
    local rc
    # shellcheck disable=SC2068
    "$bin" --db "$at" $@ >"$d/out" 2>"$d/err"; rc=$?
    runs=$((runs + 1))
    ((rc == 0)) || problem "$(basename "$at"): '$*' exited $rc, want 0 ($(head -c 200 "$d/err"))"
    [[ -s $d/out ]] || problem "$(basename "$at"): '$*' printed nothing"
    [[ ! -s $d/err ]] || problem "$(basename "$at"): '$*' wrote to stderr: $(head -c 200 "$d/err")"
}
# expect_warned AT WANT CMD...: the output printed, one warning line naming WANT, exit 4.
expect_warned() {
    local at=$1 want=$2; shift 2
    local rc
    # shellcheck disable=SC2068
    FUNDFLOW_LANG=en "$bin" --db "$at" $@ >"$d/out" 2>"$d/err"; rc=$?  # the warning's English is checked
    runs=$((runs + 1))
    if ((rc != 4)); then
        problem "$(basename "$at"): '$*' exited $rc, want 4 (stderr: $(head -c 200 "$d/err"))"
    elif [[ ! -s $d/out ]]; then
        problem "$(basename "$at"): '$*' printed nothing; the output must stand beside the warning"
    elif ! perl -0777 -ne "exit(/\\Afundflow: warning: [^\\n]+; run 'fundflow verify'\\n\\z/ ? 0 : 1)" "$d/err"; then
        problem "$(basename "$at"): '$*': stderr is not one 'fundflow: warning: …; run 'fundflow verify'' line: $(head -c 300 "$d/err")"
    elif ! grep -qF -- "$want" "$d/err"; then
        problem "$(basename "$at"): '$*': the warning does not say '$want': $(cat "$d/err")"
    fi
}

while read -r cmd; do expect_clean "$db" $cmd; done < <(reads)
clean_form=$("$bin" --db "$db" report execution P001 --year 2020)

# a. An amount edited behind fundflow's back.
copy_ledger "$db" "$d/a.db"
tamper "$d/a.db" "UPDATE entries SET amount_fen = amount_fen + 100 WHERE id = 3;"
while read -r cmd; do expect_warned "$d/a.db" "entry #3 was altered" $cmd; done < <(reads)
# The form itself reads the year totals, which the edit left as they were: it looks clean.
form=$("$bin" --db "$d/a.db" report execution P001 --year 2020 2>/dev/null)
[[ $form == "$clean_form" ]] || problem "a.db: the form changed with the edited amount; the case no longer shows a form that looks clean"
while read -r cmd; do FUNDFLOW_READ_CHECK=off expect_clean "$d/a.db" $cmd; done < <(reads)

# b. The same edit, out of reach of the links checked: the totals of the year reported catch it.
export FUNDFLOW_READ_CHECK=3
expect_warned "$d/a.db" "the day totals of 2020 differ" report execution P001 --year 2020
expect_warned "$d/a.db" "the day totals of 2020 differ" balance P001 --as-of 2020-12-31
((have_sheet)) && expect_warned "$d/a.db" "the day totals of 2020 differ" evaluate P001 --year 2020 --indicators "$d/ind.csv"
expect_clean "$d/a.db" log
expect_clean "$d/a.db" report execution P2 --year 2021
unset FUNDFLOW_READ_CHECK

# c. A year total edited alone: the entries and the chain are intact.
copy_ledger "$db" "$d/c.db"
tamper "$d/c.db" "UPDATE year_totals SET amount_fen = amount_fen + 100 WHERE year = 2021 AND effect_kind = 'arrival';"
expect_warned "$d/c.db" "the year totals of 2021 differ" report execution P2 --year 2021
expect_clean "$d/c.db" report execution P001 --year 2020
expect_clean "$d/c.db" log

((${#problems[@]} == 0)) || fail "${#problems[@]} problems, first: ${problems[0]}$(printf '\n  %s' "${problems[@]:1:5}")"
echo "ok read-tamper: $runs read commands: every read on an edited amount printed, warned in one line and exited 4; an older edit caught by the totals of the year reported; a year total edited alone caught; intact ledger and FUNDFLOW_READ_CHECK=off: exit 0, stderr empty"
