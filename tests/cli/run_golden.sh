#!/usr/bin/env bash
# Runs one golden file (*.test) against the real fundflow binary on a fresh ledger in a temp dir.
#
#   bash run_golden.sh [--update] PATH/TO/fundflow FILE.test
#
# The format is ledger-cli's (see house-style.md), adapted to a program that keeps its data in a file:
#
#   # a comment; blank lines are ignored
#   fundflow init                          a setup command: run, output ignored, must exit 0
#   fundflow pay P1 ... -> 3               a setup command that must exit 3
#   shell sqlite3 ledger.db "..."          a setup shell line (bash, in the temp dir, the binary in
#                                          $FUNDFLOW_BIN), must exit 0
#   stdin a password                       the standard input of the next fundflow command, setup or test:
#                                          the rest of the line and a newline (otherwise it is /dev/null)
#   test report execution P1 --year 2020 -> 0
#   expected stdout, line by line
#   __ERROR__
#   expected stderr (if this part is absent, stderr must be empty)
#   end test
#
# Arguments are split like a shell does (quotes work, '#' starts a comment, $(cat file) is expanded in
# the temp dir); every fundflow command gets `--db ledger.db` first unless it names --db itself. The
# temp dir is the working directory, TZ is Asia/Shanghai, FUNDFLOW_USER is zhangsan, FUNDFLOW_DB,
# FUNDFLOW_READ_ONLY, FUNDFLOW_LOG and FUNDFLOW_LANG are unset (a test that pins stderr runs in English).
#
# Before comparing, the volatile parts of both streams are masked, keeping their width so tables stay
# aligned: 64-hex hashes (not the all-zero genesis hash) become 64 'x', a 16-hex hash prefix after
# 'hash ' (哈希) or before '…' 16 'x', the 12-hex hash column at the end of a `log` line 12 'x';
# recorded-at timestamps of today (UTC) become YYYY-MM-DDThh:mm:ss.ffffffZ (or ...ssZ); today's local
# date becomes TODAY-DATE; the login name (recorded as os_user) becomes as many '*'. A carriage return
# is shown as the two characters \r (CSV lines end in CRLF). Under a login of another length than the
# one the files were recorded with (root), column padding is ignored in the comparison.
#
# Every command that exits nonzero, setup or test, must print exactly one line on stderr, starting
# with 'fundflow: ' (cli.md: one line saying what was wrong and what to do). A command that exits 0
# must print nothing on stderr.
#
# --lang-sweep zh|en runs every command of FILE (setup and test) in that language instead, whatever --lang it
# names, and checks what it prints rather than the expected text: the exit status is the one expected (a language
# never changes an outcome), and no line is in the other language — in zh no three English words in a row and
# every stderr line Chinese; in en no Chinese character — once the values the file itself typed (names, memos,
# codes), quoted text, option names, the units 元/万元 and a parenthesised Chinese gloss are set aside. JSON and
# CSV output (keys and codes) is not checked.
#
# FUNDFLOW_TEST_DB=postgresql://… (a PostgreSQL server where the URI's role may create databases, e.g. the
# owner URI scripts/pg-cluster.sh prints) runs the file on that engine instead: a fresh database is created for
# it (and dropped after), its URI stands for ledger.db on every command line, and is written back as ledger.db
# in the output, so the same expected text holds on both engines. A `shell` line gets the URI for
# `--db ledger.db`; one that still touches the file (sqlite3 edits behind fundflow's back, cp, chmod) ends the
# file's run there, with a note: what follows tests the SQLite file itself.
#
# --update rewrites FILE with the actual output of every test whose exit status is the expected one
# (review the diff before keeping it!); a test with another exit status is left as written.
set -u
shopt -u patsub_replacement 2>/dev/null  # bash 5.2: '&' in a ${x//a/b} replacement (a URI's) stays '&'
update=0
sweep=
if [[ ${1:-} == --update ]]; then update=1; shift; fi
if [[ ${1:-} == --lang-sweep ]]; then sweep=${2:?--lang-sweep needs zh or en}; shift 2; fi
bin=${1:?usage: run_golden.sh [--update] PATH/TO/fundflow FILE.test}
file=${2:?usage: run_golden.sh [--update] PATH/TO/fundflow FILE.test}
[[ -x $bin ]] || { echo "FAIL: '$bin' is not an executable"; exit 1; }
[[ -r $file ]] || { echo "FAIL: cannot read '$file'"; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
name=$(basename "$file" .test)

# A RAM disk when there is one: every posting is an fsync (synchronous=FULL). FUNDFLOW_TEST_TMPDIR overrides.
if [[ -n ${FUNDFLOW_TEST_TMPDIR:-} ]]; then root=$FUNDFLOW_TEST_TMPDIR
elif [[ -d /dev/shm && -w /dev/shm ]]; then root=/dev/shm
else root=${TMPDIR:-/tmp}; fi
work=$(mktemp -d "$root/fundflow-golden-$name-XXXXXX")
cleanup() { chattr -R -i "$work" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work" || exit 1
db_word=ledger.db  # what stands for the ledger on a command line
engine_db=${FUNDFLOW_TEST_DB:-}
if [[ $engine_db == postgres://* || $engine_db == postgresql://* ]]; then
    ((update == 0)) || { echo "FAIL: --update records the SQLite run; unset FUNDFLOW_TEST_DB"; exit 1; }
    pg_name="golden_${name//-/_}_$$"
    db_word=$(perl -e '$u = shift; $d = shift; $u =~ s{^(postgres(?:ql)?://[^/?]*/)[^?]*}{$1$d}; print $u' "$engine_db" "$pg_name")
    psql "$engine_db" -qAtX -v ON_ERROR_STOP=1 -c "CREATE DATABASE $pg_name" >/dev/null ||
        { echo "FAIL: could not create database $pg_name on $engine_db"; exit 1; }
    cleanup() { psql "$engine_db" -qAtX -c "DROP DATABASE IF EXISTS $pg_name WITH (FORCE)" >/dev/null 2>&1; rm -rf "$work"; }
fi
export TZ=Asia/Shanghai FUNDFLOW_USER=zhangsan LC_ALL=C.UTF-8 FUNDFLOW_BIN=$bin
unset FUNDFLOW_DB FUNDFLOW_READ_ONLY FUNDFLOW_LOG FUNDFLOW_LANG
login=$(id -un 2>/dev/null || echo "uid$(id -u)")
recorded_login=root  # the login the golden files were recorded under (CI runs as root)

# Masks stdin to stdout (see above). Dates are passed in so that a run across midnight masks both days.
mask() {
    MASK_UTC="$1" MASK_LOCAL="$2" MASK_LOGIN="$login" perl -pe '
        BEGIN { %utc = map { $_ => 1 } split / /, $ENV{MASK_UTC}; %local = map { $_ => 1 } split / /, $ENV{MASK_LOCAL};
                $login = $ENV{MASK_LOGIN}; }
        s{\r}{\\r}g;
        s{\b(\d{4}-\d\d-\d\d)T\d\d:\d\d:\d\d(\.\d{6})?Z}{ $utc{$1} ? "YYYY-MM-DDThh:mm:ss" . ($2 ? ".ffffff" : "") . "Z" : $& }ge;
        s{(?<![0-9A-Za-z])([0-9a-f]{64})(?![0-9A-Za-z])}{ my $h = $1; $h =~ /^0+$/ ? $h : "x" x 64 }ge;
        s{(\bhash |哈希 )[0-9a-f]{16}(?![0-9A-Za-z])}{$1 . "x" x 16}ge;
        s{(?<![0-9A-Za-z])[0-9a-f]{16}…}{"x" x 16 . "…"}ge;
        s{(  )[0-9a-f]{12}$}{$1 . "x" x 12}e;
        s{(?<![0-9A-Za-z-])(\d{4}-\d\d-\d\d)(?![0-9A-Za-z])}{ $local{$1} ? "TODAY-DATE" : $1 }ge;
        if ($login ne "") {
            $stars = "*" x length($login);
            s{ \(\Q$login\E\)}{ ($stars)}g;
            s{"os_user": "\Q$login\E"}{"os_user": "$stars"}g;
            s{^((?:登录名|login)(?:\s+|,))\Q$login\E(?=\\r$|$)}{$1$stars};
        }'
}
utc_today() { TZ=UTC printf '%(%Y-%m-%d)T' -1; }
local_today() { printf '%(%Y-%m-%d)T' -1; }

# Splits $1 like a shell would into the global array `words`. The files are ours: eval is fine.
split_words() { eval "words=($1)"; }

# The values the file types on its command lines (names, memos, codes): set aside by the language check.
typed_values=$work/typed-values
grep -E '^(fundflow|test|shell)([[:space:]]|$)' "$file" >"$typed_values"

# --lang-sweep: the language check of one command's output (see the top); prints the offending lines.
check_language() { # FILE STREAM(out|err)
    SWEEP=$sweep STREAM=$2 TYPED=$typed_values perl -CSD -Mutf8 -ne '
        BEGIN {
            open(my $t, "<:encoding(UTF-8)", $ENV{TYPED}) or die;
            local $/; my $typed = <$t>;
            %cjk = map { $_ => 1 } ($typed =~ /(\p{Han}[\p{Han}\p{P}\w]*)/g);
            %ascii = map { lc($_) => 1 } ($typed =~ /([A-Za-z][A-Za-z_]+)/g);
        }
        chomp; my $l = $_;
        $l =~ s{[\x{2018}\x{201C}"\x{0027}][^\x{2019}\x{201D}"\x{0027}]*[\x{2019}\x{201D}"\x{0027}]}{ }g;  # quoted text
        $l =~ s{(?<!\w)--?[a-z][a-z-]*}{ }g;                    # option names
        $l =~ s{\S*/\S*}{ }g;                                     # paths
        if ($ENV{SWEEP} eq "zh") {
            $l =~ s{\b([A-Za-z][A-Za-z_]+)\b}{ $ascii{lc $1} ? " " : $1 }ge;
            my $bad = $l =~ /\b[A-Za-z]{2,}(?: +[A-Za-z]{2,}){2,}\b/;
            $bad ||= $ENV{STREAM} eq "err" && $_ !~ /\p{Han}/;
            print "$_\n" if $bad;
        } else {
            $l =~ s{(, |\(or |use )\p{Han}+}{$1}g;                 # Chinese words an input accepts: use held, 未到期
            $l =~ s{\d[\d,.]*[万亿]|YYYY年M月D日}{ }g;              # input examples: 125.95万
            for my $v (sort { length($b) <=> length($a) } keys %cjk) { $l =~ s{\Q$v\E}{ }g; }
            $l =~ s{\((?:[\p{Han}\p{P}\s\d]|, )+\)}{ }g;            # a parenthesised gloss: (预算执行情况)
            $l =~ s{万?元}{ }g;
            print "$_\n" if $l =~ /\p{Han}/;
        }' "$1"
}

# Runs fundflow with the words; sets rc and fills out/err (masked) files.
run_fundflow() {
    local u1 l1 u2 l2 has_db=0 w input
    if [[ -n $sweep ]]; then  # every command in the sweep's language: drop the --lang the file names
        local kept=() all=("$@") i  # (a --lang that is neither zh nor en stays: its refusal is the test)
        for ((i = 0; i < ${#all[@]}; i++)); do
            w=${all[i]}
            if [[ $w == --lang && ${all[i + 1]:-} =~ ^(zh|en)$ ]]; then ((i++)); continue; fi
            [[ $w =~ ^--lang=(zh|en)$ ]] && continue
            kept+=("$w")
        done
        set -- "${kept[@]}"
        run_lang=$sweep
    fi
    if [[ $db_word != ledger.db ]]; then  # another engine: its URI for ledger.db
        local swapped=()
        for w in "$@"; do
            if [[ $w == ledger.db ]]; then swapped+=("$db_word"); elif [[ $w == --db=ledger.db ]]; then swapped+=("--db=$db_word")
            else swapped+=("$w"); fi
        done
        set -- "${swapped[@]}"
    fi
    for w in "$@"; do [[ $w == --db || $w == --db=* ]] && has_db=1; done
    u1=$(utc_today); l1=$(local_today)
    if ((has_stdin)); then printf '%s\n' "$next_stdin" >stdin.txt; else : >stdin.txt; fi
    if ((has_stdin)); then input=stdin.txt; else input=/dev/null; fi
    has_stdin=0 next_stdin=
    if ((has_db)); then FUNDFLOW_LANG=$run_lang "$bin" "$@" >raw.out 2>raw.err <"$input"
    else FUNDFLOW_LANG=$run_lang "$bin" --db "$db_word" "$@" >raw.out 2>raw.err <"$input"; fi
    rc=$?
    if [[ $db_word != ledger.db ]]; then
        DB_WORD=$db_word perl -pi -e 's{\Q$ENV{DB_WORD}\E}{ledger.db}g' raw.out raw.err
    fi
    u2=$(utc_today); l2=$(local_today)
    mask "$u1 $u2" "$l1 $l2" <raw.out >act.out
    mask "$u1 $u2" "$l1 $l2" <raw.err >act.err
    if [[ -n $sweep ]]; then
        local structured=0 bad
        [[ " $* " == *" --format json "* || " $* " == *" --format csv "* || " $* " == *" --format=json "* ||
           " $* " == *" --format=csv "* || " $* " == *" --to "* || " $* " == *" digest "* ]] && structured=1
        bad=$( { ((structured)) || check_language raw.out out; check_language raw.err err; } )
        if [[ -n $bad ]]; then
            fail "$lineno" "'$*' in --lang $sweep prints the other language:"
            printf '%s\n' "$bad" | head -5 | sed 's/^/    | /'
        fi
    fi
}

failures=0
tests=0
run_lang=
has_stdin=0 next_stdin=
fail() { echo "FAIL $name.test:$1: $2"; failures=$((failures + 1)); }

# Exactly one line on stderr beginning 'fundflow: ' for a nonzero exit; nothing for exit 0.
check_stderr_shape() {
    local where=$1 what=$2
    if ((rc != 0)); then
        if ! perl -0777 -ne 'exit(/\Afundflow: [^\n]+\n\z/ ? 0 : 1)' raw.err; then
            fail "$where" "'$what' exited $rc but stderr is not exactly one line starting 'fundflow: ':"
            sed 's/^/    | /' raw.err
        fi
    elif [[ -s raw.err ]]; then
        fail "$where" "'$what' exited 0 but wrote to stderr:"
        sed 's/^/    | /' raw.err
    fi
}

# Padding-insensitive comparison, used only when the login differs from the recorded one (its width
# changes the `log` table's user column).
squeeze() { perl -pe 's/\*+/*/g; s/ {2,}/  /g; s/-{3,}/---/g; s/ +$//' "$1"; }
same_output() { # expected actual
    cmp -s "$1" "$2" && return 0
    if [[ $login != "$recorded_login" ]] && cmp -s <(squeeze "$1") <(squeeze "$2"); then
        echo "note: $name.test: compared ignoring column padding (login '$login' is not '$recorded_login')"
        return 0
    fi
    return 1
}

new=$work/updated.test
: >"$new"
state=outside
lineno=0
while IFS= read -r line || [[ -n $line ]]; do
    lineno=$((lineno + 1))
    case $state in
    outside)
        if [[ $line =~ ^test(([[:space:]]+.*[^[:space:]])?)[[:space:]]+-\>[[:space:]]*([0-9]+)[[:space:]]*$ ]] ||
           [[ $line =~ ^test(([[:space:]]+.*[^[:space:]])?)[[:space:]]*$ ]]; then
            test_args=${BASH_REMATCH[1]# }
            test_args=${test_args#"${test_args%%[![:space:]]*}"}
            want_rc=${BASH_REMATCH[3]:-0}
            test_line=$lineno
            state=stdout
            : >exp.out; : >exp.err; has_err=0
        elif [[ $line =~ ^fundflow([[:space:]]+(.*))?$ ]]; then
            rest=${BASH_REMATCH[2]:-}
            setup_rc=0
            if [[ $rest =~ ^(.*[^[:space:]])[[:space:]]+-\>[[:space:]]*([0-9]+)[[:space:]]*$ ]]; then
                rest=${BASH_REMATCH[1]}; setup_rc=${BASH_REMATCH[2]}
            fi
            split_words "$rest"
            run_fundflow "${words[@]}"
            if ((rc != setup_rc)); then
                fail "$lineno" "setup 'fundflow $rest' exited $rc, want $setup_rc"
                sed 's/^/    | /' raw.err
            fi
            check_stderr_shape "$lineno" "fundflow $rest"
        elif [[ $line =~ ^stdin[[:space:]](.*)$ ]]; then
            has_stdin=1 next_stdin=${BASH_REMATCH[1]}
        elif [[ $line =~ ^shell[[:space:]]+(.*)$ ]]; then
            shell_line=${BASH_REMATCH[1]}
            if [[ $db_word != ledger.db ]]; then
                shell_line=${shell_line//--db ledger.db/--db \'$db_word\'}
                if [[ $shell_line == *ledger.db* || $shell_line == *sqlite3* ]]; then
                    echo "note: $name.test: stopped at line $lineno on this engine: the rest edits the SQLite file"
                    break
                fi
            fi
            if ! bash -c "$shell_line" >shell.out 2>&1 </dev/null; then
                fail "$lineno" "setup shell line failed: ${BASH_REMATCH[1]}"
                sed 's/^/    | /' shell.out
            fi
        elif [[ $line =~ ^[[:space:]]*(#.*)?$ ]]; then
            :
        else
            fail "$lineno" "not a setup line, comment or 'test ... -> N': $line"
        fi
        [[ $state == outside ]] && printf '%s\n' "$line" >>"$new"
        ;;
    stdout | stderr)
        if [[ $line == "end test" ]]; then
            tests=$((tests + 1))
            split_words "$test_args"
            # A test that pins stderr pins the English (the msgid; the Chinese is i18n.sh's to check): unless it
            # names --lang itself, it runs with FUNDFLOW_LANG=en. Stdout keeps the default language otherwise.
            run_lang=
            ((has_err)) && [[ " $test_args " != *" --lang zh "* && " $test_args " != *" --lang en "* ]] && run_lang=en
            run_fundflow "${words[@]}"
            run_lang=
            ok=1
            if ((rc != want_rc)); then
                fail "$test_line" "'$test_args' exited $rc, want $want_rc"
                ok=0
            fi
            if [[ -n $sweep ]]; then
                check_stderr_shape "$test_line" "$test_args"
                state=outside
                continue
            fi
            if ! same_output exp.out act.out; then
                fail "$test_line" "'$test_args': stdout differs (--- expected, +++ actual)"
                diff -u exp.out act.out | tail -n +3 | sed 's/^/    /'
                ok=0
            fi
            if ! same_output exp.err act.err; then
                fail "$test_line" "'$test_args': stderr differs (--- expected, +++ actual)"
                diff -u exp.err act.err | tail -n +3 | sed 's/^/    /'
                ok=0
            fi
            check_stderr_shape "$test_line" "$test_args"
            {
                if ((update && rc == want_rc)); then
                    printf 'test%s -> %s\n' "${test_args:+ $test_args}" "$rc"
                    cat act.out
                    [[ -s act.out && $(tail -c1 act.out | od -An -c | tr -d ' ') != '\n' ]] && echo
                    if [[ -s act.err ]]; then echo "__ERROR__"; cat act.err; fi
                else
                    printf 'test%s -> %s\n' "${test_args:+ $test_args}" "$want_rc"
                    cat exp.out
                    ((has_err)) && { echo "__ERROR__"; cat exp.err; }
                fi
                echo "end test"
            } >>"$new"
            state=outside
        elif [[ $line == "__ERROR__" && $state == stdout ]]; then
            state=stderr; has_err=1
        elif [[ $state == stdout ]]; then
            printf '%s\n' "$line" >>exp.out
        else
            printf '%s\n' "$line" >>exp.err
        fi
        ;;
    esac
done <"$file"
[[ $state == outside ]] || fail "$test_line" "the test block has no 'end test'"

if ((update)); then
    if ! cmp -s "$new" "$file"; then
        cp "$new" "$file"
        echo "updated $file"
    fi
fi
if ((failures > 0)); then
    echo "$name: $failures problem(s) in $tests tests"
    exit 1
fi
echo "ok $name: $tests tests"
