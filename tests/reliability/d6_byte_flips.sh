#!/usr/bin/env bash
# reliability.md D6: random byte flips in a copy of a ledger file, then `verify --deep` (the chain, the derived
# totals and SQLite's own check of every page and index: a flip is storage damage, not only tampering).
#
#   bash d6_byte_flips.sh FUNDFLOW [FLIPS=1000] [--per-page=3] [--read-all] [--seed N] [--dir DIR]
#
# The ledger: about 50 entries posted with the CLI (two projects, every funding level in use, contracts,
# payments, a retention, a release, refunds, a reversal, a closed year, CJK text), its WAL checkpointed into
# the main file. Each flip: a fresh copy of that file, one byte at a random offset XORed with a random value
# 1–255, then `verify`. FLIPS offsets are drawn from the whole file, then PER_PAGE more from the cell area of
# each page (records and index keys: random offsets alone mostly land in free space). A flip passes if
#   - detected: verify exits 4 (the chain or the derived totals), 1 (SQLite: 'database disk image is
#     malformed', 'file is not a database'…) or 2 (the header no longer says fundflow ledger / schema
#     version), with exactly one 'fundflow: ' line on stderr; or
#   - harmless: verify exits 0 printing the same line as on the untouched file, and every reading command
#     (log whole and filtered, balance by level and by contract, both projects' report execution,
#     warranty list, check, export csv and ledger — run at the same time, as readers do) exits 0 and prints
#     byte for byte what it prints on the untouched file; or
#   - detected on read: as harmless, except that some reading commands fail with one 'fundflow: ' line
#     (SQLite noticed on read what verify does not read); or
#   - unread: verify --deep exits 0 printing the same line (so SQLite's integrity_check — every b-tree, each
#     index against its table, the free list — passed) and the stock sqlite3 client's `.dump` (the schema and
#     every row of every table) is byte for byte the untouched file's: the byte changed is one no query reads
#     (free space, an unused part of a page), and the 10 reads, which could only print the same, are not run
#     (they are most of the test's time, 4× so under ASan). --read-all runs them anyway.
# Failures: a crash (a signal such as 134/139, a sanitizer report, or no answer within 20 s), an error that is
# not one 'fundflow: ' line, and a silent alteration: verify ok but a reading command prints something else.
# Each failure is listed with its offset, XOR value, page and b-tree (sqlite3's dbstat); --seed replays them.
#
# Can this harness fail? Run each time, before the flips (self-test): one chosen edit — a byte inside the memo
# '第 7 笔付款', which `log` and the exports print — is classified twice: with `verify` replaced by one that
# always prints the untouched file's ok line it must come out 'silent' (so the read comparison is live), and
# with the real verify 'detected'. The CTest test reliability/D6-can-fail runs the whole test against a
# fundflow whose verify always says ok, and reliability/D6-can-fail-crash against one that dies of SIGSEGV
# on a corrupt file (where the real one exits 1 or 4); both must fail.
#
# CI figure 1,000 random + 60 targeted flips: about 90 ms of CPU each (a harmless flip runs 11 commands: verify and 10 reads), so
# about 50 s on 2 idle cores; more to soak.
test_id=D6
source "$(dirname "$0")/lib.sh"
flips=${count:-1000}
per_page=3
read_all=0
for a in "${args[@]}"; do
    case $a in
    --per-page=*) per_page=${a#*=} ;;
    --read-all) read_all=1 ;;
    *) fail "unknown option '$a'" ;;
    esac
done
as_of=2024-12-31

# The ledger (about 50 entries).
build() {
    local i
    F init &&
        F project add P1 --name "县级融媒体中心建设项目" --unit-name 县融媒体中心 --func-code 2070808 --date 2023-01-02 &&
        F project add P2 --name "乡村道路 (Rural roads) 🚧" --date 2023-01-03 &&
        F appropriate P1 --level county --amount 125.95万 --date 2023-01-15 --ref 预2023-01 --memo 年初预算批复 &&
        F arrive P1 --level county --amount 1,259,500.00 --date 2023-03-01 &&
        F contract add P1 --contract C001 --supplier 某传媒设备有限公司 --amount 1259500 --retention-rate 5% --warranty-months 24 --date 2023-04-01 --sme &&
        F pay P1 --level county --amount 1196525 --date 2023-11-30 --contract C001 --ref 付2023-11 &&
        F retain P1 --contract C001 --level county --amount 62975 --date 2023-11-30 --accepted 2023-11-20 &&
        F close-year P1 --year 2023 &&
        F release P1 --contract C001 --amount 30000 --date 2024-12-01 --ref 质保2024 || return 1
    for l in central provincial municipal county other; do
        F appropriate P2 --level "$l" --amount 50万 --date 2024-01-10 --ref "预-$l" &&
            F arrive P2 --level "$l" --amount 30万 --date 2024-02-01 --memo "到位 $l" || return 1
    done
    F contract add P2 --contract R-1 --supplier "路桥公司 \"甲\"" --amount 200000 --retention-rate 3% --date 2024-02-02 || return 1
    for ((i = 1; i <= 24; i++)); do
        contract=()
        ((i % 4 == 0)) && contract=(--contract R-1)
        F pay P2 --level "$(echo central provincial municipal county other | cut -d' ' -f$((i % 5 + 1)))" \
            --amount "$((i * 137)).$((i % 10))$((i % 7))" --date "2024-03-$(printf %02d $i)" --ref "付-$i" \
            --memo "第 $i 笔付款" --user "user$((i % 3))" ${contract[@]+"${contract[@]}"} || return 1
    done
    F refund P2 --level county --amount 100 --date 2024-04-01 --ref 退-1 &&
        F adjust P2 --level central --amount -5万 --date 2024-05-01 --ref 调-1 --memo 调减 &&
        F reverse 30 --reason 重复录入 &&
        F recover P2 --level other --amount 1000 --date 2024-06-01 --memo 收回结余
}
build >"$d/build.out" 2>&1 || fail "building the ledger: $(tail -n 2 "$d/build.out")"
pristine=$d/pristine.db
copy_ledger "$db" "$pristine"
entries=$("$bin" --db "$pristine" digest --format json | jq .entries)
size=$(stat -c %s "$pristine")
work=$d/work.db

reads=(
    "log --format json"
    "log P2 --from 2024-03-05 --to 2024-03-20 --format json"
    "balance --format json --as-of $as_of"
    "balance --by contract --format json --as-of $as_of"
    "report execution P1 --year 2024 --format json --as-of $as_of"
    "report execution P2 --year 2024 --format json --as-of $as_of"
    "warranty list --format json --as-of $as_of"
    "check --as-of $as_of"
    "export --to csv"
    "export --to ledger"
)
# run_reads LEDGER DIR → for reading command n: DIR/n.rc, DIR/n.out, DIR/n.err.
run_reads() {
    local at=$1 out=$2 n=0 cmd
    mkdir -p "$out"
    for cmd in "${reads[@]}"; do
        # shellcheck disable=SC2086 # $cmd is a list of words
        { timeout 20 "$bin" --db "$at" $cmd >"$out/$n.out" 2>"$out/$n.err"; echo $? >"$out/$n.rc"; } &
        n=$((n + 1))
    done
    wait # all at once: they only read (and this halves the time on 2 cores)
}
# flip OFFSET XOR: $work becomes the pristine file with that one byte XORed (and no -wal or -shm).
flip() {
    perl -e 'my ($from, $to, $off, $x) = @ARGV; unlink("$to-wal", "$to-shm");
             open(my $in, "<:raw", $from) or die; local $/; my $bytes = <$in>; close($in);
             substr($bytes, $off, 1) = chr(ord(substr($bytes, $off, 1)) ^ $x) if $x;
             open(my $out, ">:raw", $to) or die; print $out $bytes; close($out) or die' "$pristine" "$work" "$@"
}
sanitizer='AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:|terminate called'
flip 0 0 || fail "copying the ledger"
"$bin" --db "$work" verify --deep >"$d/reference.verify" || fail "verify fails on the untouched ledger"
read -r reference_verify <"$d/reference.verify"
run_reads "$work" "$d/reference"
for ((n = 0; n < ${#reads[@]}; n++)); do
    [[ $(cat "$d/reference/$n.rc") == 0 ]] ||
        fail "'${reads[n]}' fails on the untouched ledger: $(head -c 300 "$d/reference/$n.err")"
done
reference_rcs=$(cat "$d"/reference/*.rc)
sqlite3 -readonly "$work" .dump >"$d/reference.dump" || fail "sqlite3 .dump fails on the untouched ledger"
cat "$d"/reference/*.out >"$d/reference.all"

# first_difference A B → where two outputs first differ, with 40 bytes of context from each (escaped).
first_difference() {
    perl -e 'local $/; open(my $a, "<:raw", $ARGV[0]) or die; open(my $b, "<:raw", $ARGV[1]) or die;
             my ($x, $y) = (<$a> // "", <$b> // ""); my $i = 0; $i++ while $i < length($x) && $i < length($y)
             && substr($x, $i, 1) eq substr($y, $i, 1); my $from = $i > 40 ? $i - 40 : 0;
             my $show = sub { my $t = substr($_[0], $from, 80); $t =~ s/([^\x20-\x7e])/sprintf("\\x%02X", ord($1))/ge; $t };
             print "at byte $i: untouched \"", $show->($x), "\" vs flipped \"", $show->($y), "\""' "$1" "$2"
}

# classify OFFSET XOR → prints detected-verify-<exit>, detected-read, harmless, or a failure: crash, bad-error
# (a failure without exactly one 'fundflow: ' line on stderr) or silent, each followed by details.
classify() {
    local off=$1 x=$2 rc n ref_rc read_failed=0 line=
    flip "$off" "$x" || { echo "error: could not flip byte $off"; return; }
    timeout 20 "$bin" --db "$work" verify --deep >"$d/v.out" 2>"$d/v.err"
    rc=$?
    if is_crash "$rc" "$d/v.err" || ((rc == 124)); then
        echo "crash: verify exited $rc: $(head -c 200 "$d/v.err")"
        return
    elif ((rc == 1 || rc == 2 || rc == 4)); then
        if one_line_error "$d/v.err"; then echo "detected-verify-$rc"; else echo "bad-error: verify exited $rc: $(head -c 300 "$d/v.err" | sed -z 's/\n/\\n/g')"; fi
        return
    elif ((rc != 0)); then
        echo "bad-error: verify exited $rc: $(head -c 200 "$d/v.err")"
        return
    fi
    read -r line <"$d/v.out"
    if [[ $line != "$reference_verify" ]]; then
        echo "silent: verify ok but it prints '${line:0:200}', not '$reference_verify'"
        return
    fi
    if ((!read_all)) && sqlite3 -readonly "$work" .dump 2>/dev/null | cmp -s - "$d/reference.dump"; then
        echo unread
        return
    fi
    rm -rf "$d/flipped"
    run_reads "$work" "$d/flipped"
    # The usual case in one go: same exit codes, no sanitizer report, the same bytes out.
    if [[ $(cat "$d"/flipped/*.rc) == "$reference_rcs" ]] && ! grep -qE "$sanitizer" "$d"/flipped/*.err &&
        cat "$d"/flipped/*.out | cmp -s - "$d/reference.all"; then
        echo harmless
        return
    fi
    for ((n = 0; n < ${#reads[@]}; n++)); do
        read -r rc <"$d/flipped/$n.rc"
        read -r ref_rc <"$d/reference/$n.rc"
        if is_crash "$rc" "$d/flipped/$n.err" || ((rc == 124)); then
            echo "crash: '${reads[n]}' exited $rc: $(head -c 200 "$d/flipped/$n.err")"
            return
        elif ((rc != 0)); then
            if ! one_line_error "$d/flipped/$n.err"; then
                echo "bad-error: '${reads[n]}' exited $rc: $(head -c 300 "$d/flipped/$n.err" | sed -z 's/\n/\\n/g')"
                return
            fi
            read_failed=1
        elif ((ref_rc != 0)) || ! cmp -s "$d/reference/$n.out" "$d/flipped/$n.out"; then
            echo "silent: verify ok, '${reads[n]}' prints other output: $(first_difference "$d/reference/$n.out" "$d/flipped/$n.out")"
            return
        fi
    done
    if ((read_failed)); then echo detected-read; else echo harmless; fi
}

# Self-test, before the flips: an edited memo (a byte inside '第 7 笔付款', which `log` and the exports print)
# must be classed 'silent' when verify always says ok, and 'detected' by the real verify.
memo_off=$(grep -boa "第 7 笔付款" "$pristine" | head -n 1 | cut -d: -f1)
[[ -n $memo_off ]] || fail "self-test: could not find a memo in the file"
real_bin=$bin
fake=$d/fundflow-verify-always-ok
cat >"$fake" <<EOS
#!/usr/bin/env bash
for a in "\$@"; do [[ \$a == verify ]] && { cat "$d/reference.verify"; exit 0; }; done
# Nor do its reads check the newest links and the totals (issue 11): no tamper detection at all.
FUNDFLOW_READ_CHECK=off exec "$real_bin" "\$@"
EOS
chmod +x "$fake"
bin=$fake
result=$(classify $((memo_off + 2)) 1)
bin=$real_bin
[[ $result == silent* ]] || fail "self-test: a changed memo with verify always ok was classed '$result', not silent"
result=$(classify $((memo_off + 2)) 1)
[[ $result == detected* ]] || fail "self-test: a changed memo was classed '$result' by the real verify"

# The flips: FLIPS at random offsets of the whole file, then PER_PAGE in the cell area of every page (where the
# records and index keys are; most of a small ledger's bytes are free space inside pages, so that random flips
# alone reach some b-trees only by luck).
plan=()
for ((i = 0; i < flips; i++)); do
    plan+=("$(((RANDOM * 32768 + RANDOM) % size)) $((RANDOM % 255 + 1))")
done
# "PAGE FIRST END" for every page: its cell content area (b-tree pages) or the whole page (any other).
perl -e 'open(my $f, "<:raw", $ARGV[0]) or die; local $/; my $b = <$f>;
         my $ps = unpack("n", substr($b, 16, 2)); $ps = 65536 if $ps == 1;
         for (my $p = 1; $p * $ps <= length($b); $p++) {
             my $base = ($p - 1) * $ps; my $h = $base + ($p == 1 ? 100 : 0);
             my $type = ord(substr($b, $h, 1)); my $first = $base;
             if ($type == 2 || $type == 5 || $type == 10 || $type == 13) {
                 my $c = unpack("n", substr($b, $h + 5, 2)); $first = $base + ($c == 0 ? 65536 : $c);
             }
             print "$p $first ", $base + $ps, "\n";
         }' "$pristine" >"$d/pages" || fail "reading the page layout"
declare -A page_name
while read -r pg name; do page_name[$pg]=$name; done < <(sqlite3 "$pristine" "SELECT pageno, name FROM dbstat" 2>/dev/null | tr '|' ' ')
pages=$(wc -l <"$d/pages")
page_size=$(sqlite3 "$pristine" "PRAGMA page_size")
while read -r pg first end; do
    for ((i = 0; i < per_page; i++)); do
        plan+=("$((first + (RANDOM * 32768 + RANDOM) % (end - first))) $((RANDOM % 255 + 1)) $pg")
    done
done <"$d/pages"

declare -A tally
failures=()
start=$(now_ms)
for item in "${plan[@]}"; do
    read -r off x pg <<<"$item"
    result=$(classify "$off" "$x")
    kind=${result%%[: ]*}
    tally[$kind]=$((${tally[$kind]:-0} + 1))
    case $kind in
    harmless | unread | detected-*) ;;
    *) failures+=("offset $off xor $x (page $((off / page_size + 1)) ${page_name[$((off / page_size + 1))]:-?}${pg:+, targeted}): $result") ;;
    esac
done
flips_s=$(seconds_since "$start")
summary=""
for k in $(printf '%s\n' "${!tally[@]}" | sort); do summary+="$k ${tally[$k]}, "; done
summary=${summary%, }
if ((${#failures[@]} > 0)); then
    printf '%s\n' "${failures[@]}" | head -n 10
    fail "$flips random + $((pages * per_page)) targeted byte flips in a $size-byte ledger of $entries entries: ${#failures[@]} failures ($summary)"
fi

echo "$test_id: $flips random + $((pages * per_page)) targeted ($per_page in the cells of each of $pages pages) byte flips in a $size-byte ledger of $entries entries in ${flips_s} s: $summary; 0 crashes, 0 silent alterations; self-test: an edited memo is silent to a verify that always says ok, detected by the real one"
