#!/usr/bin/env bash
# reliability.md T2: tampering with the stock sqlite3 client (`.dbconfig enable_trigger off`), over
# several ledgers (seeds) and every position:
#   a. edit one entry's amount (or, for a registration, its memo)  → `verify` exits 4 naming that entry;
#   b. edit a project's name / a contract's supplier, amount or SME flag → `verify` exits 4 naming the
#      entry that registered it;
#   c. delete the newest entries (also rebuilding the derived totals so that nothing but the chain could
#      notice)                                                    → `verify --digest D` exits 4, D taken before;
#   d. restore an older copy of the file                          → `verify --digest D` exits 4, D taken before
#      (plain verify passes: the older chain is consistent);
#   e. cut a registration entry loose from its record             → `verify` exits 4 (never a crash).
# Rewriting the whole chain consistently needs the hash code and is caught the same way as (d).
# Every failing verify must print exactly one line on stderr. Seeds: FUNDFLOW_T2_SEEDS (default 3).
source "$(dirname "$0")/lib.sh"
seeds=${FUNDFLOW_T2_SEEDS:-3}
problems=()
cases=0
problem() { problems+=("$*"); }

# verify on $1 (extra args after) must exit 4 with one line on stderr containing $2 (may be empty).
expect_broken() {
    local at=$1 want=$2 what=$3; shift 3
    local rc
    "$bin" --db "$at" verify "$@" >"$d/out" 2>"$d/err"; rc=$?
    cases=$((cases + 1))
    if ((rc != 4)); then
        problem "$what: verify${*:+ $*} exited $rc, want 4 ($(head -c 200 "$d/err"))"
    elif ! one_line_error "$d/err"; then
        problem "$what: stderr is not one 'fundflow: ' line: $(head -c 300 "$d/err")"
    elif [[ -n $want ]] && ! grep -qF -- "$want" "$d/err"; then
        problem "$what: the message does not name '$want': $(cat "$d/err")"
    fi
}
expect_ok() {
    local at=$1 what=$2; shift 2
    "$bin" --db "$at" verify "$@" >"$d/out" 2>"$d/err" || problem "$what: verify $* failed: $(cat "$d/err")"
}
# What a careful tamperer does after deleting entries: drop the records they registered and recompute the
# derived totals, so that only the chain (and a digest kept outside) can tell.
rebuild_totals="DELETE FROM contracts WHERE id NOT IN (SELECT contract_id FROM entries WHERE kind = 'contract' AND contract_id IS NOT NULL); DELETE FROM projects WHERE id NOT IN (SELECT project_id FROM entries WHERE kind = 'project'); DELETE FROM day_totals; INSERT INTO day_totals SELECT project_id, level, effective_on, effect_kind, SUM(amount_fen) FROM entries WHERE level IS NOT NULL GROUP BY 1, 2, 3, 4"

# Seed 1 is the seed ledger of lib.sh; the others add a random but valid history (RANDOM is seeded).
build() {
    local seed=$1 at=$2 i k amount
    seed_ledger "$at" || fail "seed $seed: posting the seed ledger"
    "$bin" --db "$at" digest >"$at.digest.$("$bin" --db "$at" digest --format json | jq .entries)"
    RANDOM=$seed
    for ((i = 0; i < seed * 3; i++)); do
        amount=$((RANDOM % 900 + 1)).$((RANDOM % 10))$((RANDOM % 10))
        case $((RANDOM % 4)) in
        0) "$bin" --db "$at" arrive P2 --level provincial --amount "$amount" --date 2021-04-0$((RANDOM % 9 + 1)) ;;
        1) "$bin" --db "$at" pay P2 --level provincial --amount "$amount" --date 2021-05-1$((RANDOM % 9)) --memo "付款 $i" --user "user$((RANDOM % 3))" ;;
        2) "$bin" --db "$at" adjust P2 --level provincial --amount "$amount" --date 2021-06-01 --ref "调$seed-$i" --memo 追加 ;;
        3) "$bin" --db "$at" contract add P2 --contract "R-$seed-$i" --supplier "供应商 $i" --amount "$amount" --retention-rate 3% --date 2021-02-01 $( ((RANDOM % 2)) && echo --sme) ;;
        esac >/dev/null 2>&1
        k=$("$bin" --db "$at" digest --format json | jq .entries)
        "$bin" --db "$at" digest >"$at.digest.$k"
        copy_ledger "$at" "$at.copy.$k"
    done
}

for ((seed = 1; seed <= seeds; seed++)); do
    base=$d/seed$seed.db
    build "$seed" "$base"
    expect_ok "$base" "seed $seed untouched"
    n=$("$bin" --db "$base" digest --format json | jq .entries)
    "$bin" --db "$base" digest >"$d/head.digest"
    t=$d/t.db

    # a. every entry, one at a time.
    for ((id = 1; id <= n; id++)); do
        copy_ledger "$base" "$t"
        if [[ $(sqlite3 "$t" "SELECT level IS NULL FROM entries WHERE id = $id") == 1 ]]; then
            tamper "$t" "UPDATE entries SET memo = memo || '改' WHERE id = $id"
        else
            tamper "$t" "UPDATE entries SET amount_fen = amount_fen + 1 WHERE id = $id"
        fi
        expect_broken "$t" "entry #$id" "seed $seed, a. entry #$id edited"
    done

    # b. the records behind the registrations.
    while IFS='|' read -r code entry; do
        copy_ledger "$base" "$t"
        tamper "$t" "UPDATE projects SET name = name || '（改）' WHERE code = '$code'"
        expect_broken "$t" "entry #$entry" "seed $seed, b. name of project $code"
    done < <(sqlite3 "$base" "SELECT p.code, e.id FROM projects p JOIN entries e ON e.project_id = p.id AND e.kind = 'project'")
    while IFS='|' read -r cid entry; do
        for change in "supplier = supplier || ' 分公司'" "amount_fen = amount_fen + 100" "sme = 1 - sme" "retention_rate_bp = retention_rate_bp + 1"; do
            copy_ledger "$base" "$t"
            tamper "$t" "UPDATE contracts SET $change WHERE id = $cid"
            expect_broken "$t" "entry #$entry" "seed $seed, b. contract id $cid: $change"
        done
    done < <(sqlite3 "$base" "SELECT c.id, e.id FROM contracts c JOIN entries e ON e.contract_id = c.id AND e.kind = 'contract'")

    # c. delete the newest 1, 2 and 5 entries, with and without rebuilding the totals.
    for cut in 1 2 5; do
        ((cut < n)) || continue
        for rebuild in 0 1; do
            copy_ledger "$base" "$t"
            tamper "$t" "DELETE FROM entries WHERE id > $((n - cut)); $( ((rebuild)) && echo "$rebuild_totals")"
            expect_broken "$t" "" "seed $seed, c. newest $cut deleted (totals rebuilt: $rebuild)" --digest "$(cat "$d/head.digest")"
            if ((rebuild)); then
                expect_ok "$t" "seed $seed, c. after a consistent deletion plain verify (sanity)"
            fi
        done
    done

    # d. an older copy restored over the file.
    for copy in "$base".copy.*; do
        [[ -e $copy ]] || continue
        k=${copy##*.}
        ((k < n)) || continue
        copy_ledger "$copy" "$t"
        expect_ok "$t" "seed $seed, d. older copy $k on its own"
        expect_ok "$t" "seed $seed, d. older copy $k against its own digest" --digest "$(cat "$base.digest.$k")"
        expect_broken "$t" "" "seed $seed, d. older copy $k restored" --digest "$(cat "$d/head.digest")"
    done
done

# e. registrations cut loose from their records (seed ledger: entry 5 registers contract C001).
base=$d/seed1.db
copy_ledger "$base" "$t"; tamper "$t" "UPDATE entries SET contract_id = NULL WHERE kind = 'contract'"
expect_broken "$t" "" "e. a contract registration without its contract"
copy_ledger "$base" "$t"; tamper "$t" "PRAGMA foreign_keys = OFF" "UPDATE entries SET contract_id = 999 WHERE kind = 'contract'"
expect_broken "$t" "" "e. a contract registration pointing at no contract"
copy_ledger "$base" "$t"; tamper "$t" "UPDATE entries SET kind = 'contract', effect_kind = 'contract' WHERE id = 1"
expect_broken "$t" "" "e. a project registration relabelled as a contract"
copy_ledger "$base" "$t"; tamper "$t" "UPDATE entries SET kind = 'payment', effect_kind = 'payment' WHERE id = 1"
expect_broken "$t" "entry #1" "e. a project registration relabelled as a payment"
copy_ledger "$base" "$t"; tamper "$t" "UPDATE entries SET level = 'county', amount_fen = 100 WHERE id = 1; $rebuild_totals"
expect_broken "$t" "entry #1" "e. money slipped into a registration"

if ((${#problems[@]} > 0)); then
    printf '  %s\n' "${problems[@]}"
    fail "${#problems[@]} of $cases tampered files were not reported as verify exit 4 (one line)"
fi
echo "ok t2-tamper: $cases tampered files over $seeds seeds, each caught with exit 4"
