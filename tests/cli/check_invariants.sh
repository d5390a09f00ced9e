#!/usr/bin/env bash
# `fundflow check` tests every invariant of docs/accounting.md on a file made to break it (issue 11).
#
# A valid ledger is built through fundflow; then, for each invariant, a copy is edited with the stock
# sqlite3 client (triggers off), its derived totals rebuilt and its whole hash chain rewritten with
# docs/hash-chain.md's encoding (tests/tools/verify_chain.py) — a careful tamperer's work, so that plain
# `verify` passes. `check` must still fail (exit 4, "invariants" failed) and print the invariant's line.
# Among them: a carryover refund on file from before schema 3 (effect `refund`) making the carryover's
# executed negative, and a refund on a project that never spent a fen. Needs python3.
#
#   bash check_invariants.sh PATH/TO/fundflow
source "$(dirname "$0")/lib.sh"
python=${PYTHON3:-python3}
command -v "$python" >/dev/null || { echo "skip: check-invariants: no python3 to rewrite the chain with"; exit 0; }
problems=()
problem() { problems+=("$*"); }

{ F init &&
  F project add P1 --name 退回 --date 2021-01-02 &&
  F appropriate P1 --level county --amount 1000 --date 2021-01-10 --ref A1 &&
  F arrive P1 --level county --amount 1000 --date 2021-01-20 --ref R1 &&
  F contract add P1 --contract C1 --supplier 某公司 --amount 800 --date 2021-01-15 &&
  F pay P1 --level county --amount 600 --date 2021-05-01 --contract C1 --ref PAY1 &&
  F pay P1 --level county --amount 300 --date 2021-05-02 --ref PAY2 &&
  F refund P1 --of PAY1 --amount 100 --date 2021-06-01 --ref RF1 &&
  F retain P1 --contract C1 --level county --amount 50 --date 2021-06-02 --accepted 2021-06-01 --warranty-months 60 --ref RT1 &&
  F refund P1 --of PAY1 --amount 100 --date 2022-03-01 --ref RF2 &&
  F release P1 --contract C1 --amount 20 --date 2022-04-01 --ref RL1 &&
  F project add P2 --name 未支付 --date 2021-01-02 &&
  F appropriate P2 --level county --amount 500 --date 2021-01-10 --ref A2 &&
  F arrive P2 --level county --amount 500 --date 2021-01-20 --ref R2 &&
  F pay P2 --level county --amount 10 --date 2021-05-01 --ref PAY3 &&
  F close-year P2 --year 2021 &&
  F project amend P2 --name 未支付（更名） --date 2022-02-01 --memo 更名; } >/dev/null || fail "building the ledger"
F check --as-of 2022-12-31 >"$d/out" 2>"$d/err" || fail "check fails on the valid ledger: $(cat "$d/out" "$d/err")"

rebuild=$(rebuild_totals_sql "$db")
rewrite_chain() {
    "$python" - "$1" "$here/../tools" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import sqlite3
import verify_chain as vc
connection = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
connection.text_factory = bytes
prev = vc.GENESIS
for row in connection.execute(vc.QUERY).fetchall():
    new = vc.chain_hash(prev, vc.encoding(row))
    if row[17].decode() != prev or row[18].decode() != new:
        print(f"UPDATE entries SET prev_hash = '{prev}', hash = '{new}' WHERE id = {row[0]};")
    prev = new
PY
}
id_of() { sqlite3 "$db" "SELECT id FROM entries WHERE ref = '$1'"; }
PAY1=$(id_of PAY1) R1=$(id_of R1)

cases=0
# broken N 'SQL' 'the line check must print'
broken() {
    local n=$1 sql=$2 want=$3 t=$d/broken.db sql2 rc
    cases=$((cases + 1))
    copy_ledger "$db" "$t"
    tamper "$t" "$sql" "$rebuild" || { problem "invariant $n: the edit failed: $sql"; return; }
    sql2=$(rewrite_chain "$t") || { problem "invariant $n: rewriting the chain failed"; return; }
    tamper "$t" "$sql2"
    "$bin" --db "$t" verify >/dev/null 2>"$d/err" || { problem "invariant $n: verify no longer passes (the rewrite is wrong): $(cat "$d/err")"; return; }
    "$bin" --db "$t" check --as-of 2022-12-31 --lang en >"$d/out" 2>"$d/err"; rc=$?
    if ((rc == 0)); then
        problem "invariant $n: check passes a file that breaks it ($sql)"
    elif ! grep -q '^fail  invariants' "$d/out"; then
        problem "invariant $n: check exited $rc without failing 'invariants': $(cat "$d/out")"
    elif ! grep -qF -- "$want" "$d/out"; then
        problem "invariant $n: check does not say '$want': $(cat "$d/out")"
    fi
}
broken 1 "UPDATE entries SET amount_fen = -amount_fen WHERE ref = 'A2'" "full-year budget is negative"
broken 2 "UPDATE entries SET amount_fen = 60000 WHERE ref = 'R2'" "exceeds the full-year budget"
broken 3 "UPDATE entries SET level = 'carryover', effective_on = '2022-01-10' WHERE ref = 'A2'" \
    "budget or arrivals were posted to the derived carryover level"
broken 4 "UPDATE entries SET amount_fen = 100000 WHERE ref = 'PAY3'" "the free balance falls to"
broken 5 "UPDATE entries SET amount_fen = 90100 WHERE ref = 'RF1'" "P1 in 2021: executed falls to -1.00 元"
# Before schema 3 a carryover refund had effect `refund`: one that returns more than the carryover paid
# makes its (4) negative (the door of issue 11).
broken 5 "UPDATE entries SET kind = 'refund', effect_kind = 'refund', level = 'carryover', effective_on = '2022-02-01' WHERE ref = 'PAY3'" \
    "P2 in 2022: executed falls to -10.00 元"
broken 6 "UPDATE entries SET amount_fen = 100000 WHERE ref = 'PAY3'" "the balance (5) is negative"
# A prior refund of 1,000.00 on a project whose earlier years executed nothing.
broken 7 "UPDATE entries SET kind = 'refund', effect_kind = 'prior_refund', level = 'carryover', effective_on = '2022-02-01', amount_fen = 100000 WHERE ref = 'PAY3'" \
    "prior-year refunds through 2022 return 1,000.00 元 more than the years before executed"
broken 8 "UPDATE entries SET amount_fen = 50100 WHERE ref = 'RF2'" "refunds of entry #$PAY1 (601.00 元) exceed it"
broken 8 "UPDATE entries SET refunds = $R1 WHERE ref = 'RF1'" "names entry #$R1, which is not a payment or release"
broken 8 "UPDATE entries SET effective_on = '2021-04-01' WHERE ref = 'RF1'" "is dated before the payment #$PAY1"
broken 8 "UPDATE entries SET effect_kind = 'refund', level = 'county' WHERE ref = 'RF2'" "of an earlier year but is booked as refund on county"
broken 8 "UPDATE entries SET contract_id = NULL WHERE ref = 'RF1'" "is on another contract than #$PAY1"
broken 10 "UPDATE entries SET refunds = NULL, amount_fen = 70000 WHERE ref = 'RF1'" "executed in county funds of 2021 falls to -100.00 元"
broken 10 "UPDATE entries SET refunds = NULL, amount_fen = 70000 WHERE ref = 'RF1'" "refunds exceed its payments"
broken 10 "UPDATE entries SET refunds = NULL, amount_fen = 60000 WHERE ref = 'RF2'" \
    "prior-year refunds through 2022 return 100.00 元 more than it was paid in the years before"
broken 11 "UPDATE contracts SET amount_fen = 10000 WHERE code = 'C1'" "exceed its amount 100.00 元"
broken 12 "UPDATE entries SET amount_fen = 10000 WHERE ref = 'RL1'" "more released or forfeited than retained"
# An entry appended after its year was closed: dated back into 2021 once P2 was closed through 2021.
broken 14 "UPDATE entries SET effective_on = '2021-06-01' WHERE kind = 'amendment'" \
    "is dated 2021-06-01 but was appended while P2 was closed through 2021"

if ((${#problems[@]})); then
    printf '  %s\n' "${problems[@]}"
    fail "${#problems[@]} of $cases broken files not flagged as they should be"
fi
echo "ok check-invariants: $cases files, each breaking one invariant of docs/accounting.md behind a rewritten chain, all flagged by check"
