#!/usr/bin/env python3
"""fundflow's balances against ledger-cli's, hledger's and Beancount's, per account, to the fen.

    python3 compare_balances.py --fundflow BIN --db DB --expect EXPECT.json
                                [--ledger F] [--hledger F] [--beancount F] DATE...

For each DATE and every project and level, fundflow's figures — `balance --by level --format json --as-of D`
(free_balance_fen, retention_outstanding_fen, executed_fen, recovered_fen) and `report execution P --year Y
--as-of D --format json` (full_year_budget_fen − arrived_fen per level) — become the accounts of docs/export.md:

    Assets:P:L:Free  Assets:P:L:Retained  Expenses:P:L  Equity:P:L:Returned  Assets:P:L:Receivable

and are compared with
  - the generator's model (EXPECT.json, written by bench/gen --expect): fundflow against an independent
    reckoning of the same facts;
  - each tool's balance of that account in the journal `fundflow export --to ...` wrote, as of the end of D
    (ledger and hledger: -e D+1, the end date being exclusive; Beancount: bean-query ... WHERE date <= D).
The accounts compared are the union of those fundflow reports and those the tool shows (an account absent on
one side counts 0 there). Amounts are parsed as exact decimals and compared as integers of fen. Prints one line
per source with the number of accounts compared and the mismatches (the first few in detail); exits 1 if any.
"""
import argparse
import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal

LEVELS = ["central", "provincial", "municipal", "county", "carryover", "other"]
LEAVES = {"free_balance_fen": "Free", "retention_outstanding_fen": "Retained", "executed_fen": None,
          "recovered_fen": "Returned"}
MODEL = {"free": "Free", "retained": "Retained", "executed": None, "recovered": "Returned", "receivable": "Receivable"}


def component(code):
    """docs/export.md: the code itself when it suits every tool ([A-Z0-9] then letters, digits, '-'), else X+hex."""
    ok = code and (code[0].isascii() and (code[0].isupper() or code[0].isdigit()))
    ok = ok and all(c.isascii() and (c.isalnum() or c == "-") for c in code)
    return code if ok else "X" + code.encode("utf-8").hex().upper()


def account(code, level, leaf):
    p, l = component(code), level.capitalize()
    if leaf is None:
        return "Expenses:%s:%s" % (p, l)
    root = "Equity" if leaf == "Returned" else "Assets"
    return "%s:%s:%s:%s" % (root, p, l, leaf)


def tracked(name):
    parts = name.split(":")
    if parts[0] == "Expenses":
        return len(parts) == 3
    if parts[0] == "Assets":
        return len(parts) == 4 and parts[3] in ("Free", "Retained", "Receivable")
    if parts[0] == "Equity":
        return len(parts) == 4 and parts[3] == "Returned"
    return False


def fen(text):
    text = text.strip()
    for unit in ("CNY",):
        text = text.replace(unit, "").strip()
    if text in ("", "0"):
        return 0
    value = Decimal(text) * 100
    if value != value.to_integral_value():
        raise ValueError("not a whole number of fen: %r" % text)
    return int(value)


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit("FAIL: %s exited %d: %s" % (" ".join(cmd), r.returncode, r.stderr.strip()[:2000]))
    if r.stderr.strip():
        sys.exit("FAIL: %s printed on stderr: %s" % (" ".join(cmd), r.stderr.strip()[:2000]))
    return r.stdout


def fundflow_accounts(a, date, projects, inconsistent):
    out = {}
    arrived_executed = {}
    bal = json.loads(run([a.fundflow, "--db", a.db, "balance", "--by", "level", "--format", "json", "--as-of", date]))
    if bal.get("as_of") != date:
        sys.exit("FAIL: balance --as-of %s says as_of %r" % (date, bal.get("as_of")))
    for row in bal["rows"]:
        for key, leaf in LEAVES.items():
            out[account(row["project"], row["level"], leaf)] = row[key]
        # The identity of docs/export.md: arrived = free + retained + recovered + executed.
        arrived_executed[(row["project"], row["level"])] = (row["arrived_fen"], row["executed_fen"])
        parts = sum(row[k] for k in LEAVES)
        if parts != row["arrived_fen"]:
            sys.exit("FAIL: balance %s %s as of %s: arrived %d ≠ free + retained + recovered + executed %d" % (
                row["project"], row["level"], date, row["arrived_fen"], parts))
    year = date[:4]
    for code in projects:
        rep = json.loads(run([a.fundflow, "--db", a.db, "report", "execution", code, "--year", year, "--format",
                              "json", "--as-of", date]))
        for level in LEVELS:
            col = rep["columns"][level]
            # The form and the balance agree on what arrived and what was executed.
            mine = arrived_executed.get((code, level), (0, 0))
            if (col["arrived_fen"], col["executed_fen"]) != mine:
                inconsistent.append("%s %s as of %s: report execution says arrived %d, executed %d; balance %d, %d"
                                    % (code, level, date, col["arrived_fen"], col["executed_fen"], *mine))
            receivable = col["full_year_budget_fen"] - col["arrived_fen"]
            if level == "carryover":
                if receivable != 0:
                    sys.exit("FAIL: report execution %s %s: carryover budget ≠ arrived" % (code, year))
                continue
            if receivable or col["full_year_budget_fen"] or col["arrived_fen"]:
                out[account(code, level, "Receivable")] = receivable
    return out


def model_accounts(expect, date):
    out = {}
    for code, levels in expect["as_of"][date].items():
        for level, figures in levels.items():
            for key, leaf in MODEL.items():
                if key == "receivable" and level == "carryover":
                    continue
                out[account(code, level, leaf)] = figures[key]
    return out


def deposits(a, expect, date, report, details):
    """`warranty list` against the model: each contract's live retention, its dates, amounts and status."""
    rows = json.loads(run([a.fundflow, "--db", a.db, "warranty", "list", "--format", "json", "--as-of", date]))["rows"]
    got = {}
    for r in rows:
        key = (r["project"], r["contract"])
        if key in got:
            got[key] = "listed twice"
            continue
        got[key] = (r["accepted"], r["due"], r["retained_fen"], r["released_fen"], r["forfeited_fen"],
                    r["outstanding_fen"], r["status"])
    want = {}
    as_of = dt.date.fromisoformat(date)
    for code, contracts in expect["deposits"][date].items():
        for contract, k in contracts.items():
            days = (dt.date.fromisoformat(k["due"]) - as_of).days
            if k["outstanding"] > 0:
                status = ("partly released" if k["released"] + k["forfeited"] else "held") if days > 0 else \
                    "due" if -days <= 30 else "overdue"
            else:
                status = "released" if k["released"] else "forfeited"
            want[(code, contract)] = (k["accepted"], k["due"], k["retained"], k["released"], k["forfeited"],
                                      k["outstanding"], status)
    bad = [(key, got.get(key), want.get(key)) for key in sorted(set(got) | set(want)) if got.get(key) != want.get(key)]
    report["deposits"][0] += len(set(got) | set(want))
    report["deposits"][1] += len(bad)
    for key, x, y in bad[:details]:
        print("  mismatch of warranty list as of %s: %s %s: fundflow %s, model %s" % (date, key[0], key[1], x, y))


def next_day(date):
    return (dt.date.fromisoformat(date) + dt.timedelta(days=1)).isoformat()


def ledger_accounts(path, date):
    text = run(["ledger", "-f", path, "balance", "--flat", "--no-total", "--no-color", "-e", next_day(date),
                "--balance-format", "%(account)\t%(quantity(scrub(display_total)))\n"])
    out = {}
    for line in text.splitlines():
        name, amount = line.split("\t")
        out[name] = fen(amount)
    return out


def hledger_accounts(path, date):
    text = run(["hledger", "-f", path, "balance", "--flat", "--no-total", "-e", next_day(date), "-O", "csv"])
    out = {}
    import csv as _csv
    rows = list(_csv.reader(text.splitlines()))
    if rows[0] != ["account", "balance"]:
        sys.exit("FAIL: hledger's CSV header: %r" % rows[0])
    for name, amount in rows[1:]:
        out[name] = fen(amount)
    return out


def beancount_accounts(path, date):
    text = run(["bean-query", "-f", "csv", path,
                "SELECT account, sum(number) AS total WHERE date <= %s GROUP BY account ORDER BY account" % date])
    out = {}
    lines = text.splitlines()
    if [c.strip() for c in lines[0].split(",")] != ["account", "total"]:
        sys.exit("FAIL: bean-query's CSV header: %r" % lines[0])
    for line in lines[1:]:
        name, amount = (c.strip() for c in line.split(","))
        out[name] = fen(amount)
    return out


def compare(name, mine, theirs, date, report, details):
    keys = {k for k in set(mine) | set(theirs) if tracked(k)}
    bad = [(k, mine.get(k, 0), theirs.get(k, 0)) for k in sorted(keys) if mine.get(k, 0) != theirs.get(k, 0)]
    report[name][0] += len(keys)
    report[name][1] += len(bad)
    for k, x, y in bad[:details]:
        print("  mismatch %s as of %s: %s fundflow %s, %s %s (difference %s)" % (
            name, date, k, yuan(x), name, yuan(y), yuan(x - y)))
    if len(bad) > details:
        print("  ... and %d more mismatches of %s as of %s" % (len(bad) - details, name, date))
    return len(keys)


def yuan(f):
    sign = "-" if f < 0 else ""
    return "%s%d.%02d" % (sign, abs(f) // 100, abs(f) % 100)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fundflow", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--expect", required=True)
    ap.add_argument("--ledger")
    ap.add_argument("--hledger")
    ap.add_argument("--beancount")
    ap.add_argument("--details", type=int, default=12)
    ap.add_argument("dates", nargs="+")
    a = ap.parse_args()
    expect = json.load(open(a.expect, encoding="utf-8"))
    tools = [(n, f, p) for n, f, p in (("ledger", ledger_accounts, a.ledger), ("hledger", hledger_accounts, a.hledger),
                                       ("beancount", beancount_accounts, a.beancount)) if p]
    report = {n: [0, 0] for n in ["model", "deposits", "forms"] + [t[0] for t in tools]}
    for date in a.dates:
        projects = sorted(expect["as_of"][date])
        inconsistent = []
        mine = fundflow_accounts(a, date, projects, inconsistent)
        report["forms"][0] += len(projects) * len(LEVELS)
        report["forms"][1] += len(inconsistent)
        for line in inconsistent[:a.details]:
            print("  mismatch of report and balance: " + line)
        deposits(a, expect, date, report, a.details)
        n = compare("model", mine, model_accounts(expect, date), date, report, a.details)
        print("as of %s: %d accounts of %d projects" % (date, n, len(projects)))
        for name, fetch, path in tools:
            compare(name, mine, fetch(path, date), date, report, a.details)
    what = {"deposits": "deposits (warranty list)", "forms": "project levels (report execution vs balance)"}
    for name, (n, bad) in report.items():
        print("%-10s %d %s compared over %d dates, %d mismatches" % (
            name + ":", n, what.get(name, "accounts"), len(a.dates), bad))
    total = sum(bad for _, bad in report.values())
    counts = "/".join(str(report[t[0]][0]) for t in tools)
    print("SUMMARY %d %d %s %d %d %d" % (len(tools), len(a.dates), counts or "0", report["model"][0],
                                          report["deposits"][0], total))
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
