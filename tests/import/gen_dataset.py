#!/usr/bin/env python3
"""A seeded, deterministic import file for fundflow (docs/export.md's columns), and what it must give.

    python3 gen_dataset.py [--entries N] [--projects P] [--seed S] [--years 2021-2023]
                           [--chinese-header] [--bom] [--crlf] [--expect FILE] [--as-of D ...] OUT.csv

Writes OUT.csv: project and contract rows, then money rows (every level, every entry kind, reversals that
name their original's voucher ref in `reverses`, deposits released and forfeited across year ends, payments
from `carryover` in later years, close rows for some projects), dates ascending, every money row with a
unique ref. Amounts, levels and kinds are written in the spellings fundflow accepts (元 with or without
thousands separators and ¥, 万/万元, Chinese level and kind names) so the import's parsers are exercised.

Only valid postings are generated: the generator keeps a model of fundflow's pots (domain.md §4, §6;
docs/accounting.md) — per project the current year's pots per level (budget, arrived, executed, deposits
held, recovered), the carryover pot opened at each year end with what earlier years left, and per contract
its committed money and its deposits by pot — and draws every amount as a fraction of what the model says
is free, so no posting can be refused.

With --expect FILE it also writes, for each --as-of date, the model's figures at the end of that day per
project and level: {"D": {"P": {"level": {"free": fen, "retained": fen, "executed": fen, "recovered": fen,
"receivable": fen}}}} — an independent check of fundflow's own figures (receivable = full-year budget −
arrived) — and under "deposits" each contract's live (not reversed) retention: accepted and due dates, retained,
released, forfeited and outstanding fen. Stdlib only; the same arguments always give the same bytes.
"""
import argparse
import csv
import datetime as dt
import io
import json
import random
import sys

LEVELS = ["central", "provincial", "municipal", "county", "carryover", "other"]
POSTABLE = ["central", "provincial", "municipal", "county", "other"]
LEVEL_ZH = {"central": ["中央级", "中央"], "provincial": ["省级", "省"], "municipal": ["市级", "市"],
            "county": ["县区级", "县", "县级"], "carryover": ["上年结转"], "other": ["其他资金", "其他"]}
KIND_ZH = {"project": "项目", "contract": "合同", "appropriation": "年初预算", "adjustment": "预算调整",
           "arrival": "资金到位", "payment": "支付", "refund": "支付退回", "retention": "质保金预留",
           "release": "质保金支付", "forfeit": "质保金扣除", "recovery": "收回", "reversal": "冲销", "close": "年度关账"}
COLUMNS = ["kind", "date", "project", "level", "amount", "contract", "ref", "memo", "name", "supplier",
           "retention_rate", "warranty_months", "accepted", "reverses", "sme", "unit_name", "func_code"]
COLUMNS_ZH = ["类型", "日期", "项目", "资金来源", "金额", "合同", "凭证号", "摘要", "名称", "供应商", "质保金比例",
              "质保期月数", "验收日期", "冲销凭证号", "中小企业", "预算单位", "功能分类"]
# Projects whose codes are not plain account names (lower case, CJK: the journals spell them in hex) or
# begin with a digit.
ODD_CODES = ["p-lower", "县道2021", "0701-A"]
SUPPLIERS = ["某传媒设备有限公司", "华东建设集团, 第三分公司", "Acme \"Quality\" Builders Ltd", "县城建工程有限公司",
             "某信息技术股份有限公司", "绿源环保科技（集团）有限公司"]
MEMOS = ["办公设备采购", "工程进度款", "监理费, 第2期", "设计费 \"初步设计\"", "材料款", "劳务费", "检测费",
         "Consulting fee; phase 1", "差旅费", ""]


def add_months(d, months):
    """Acceptance date + warranty months, end-of-month clamped (domain.md §5)."""
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m, min(d.day, last))


class Pot:
    __slots__ = ("budget", "arrived", "executed", "held", "recovered")

    def __init__(self):
        self.budget = self.arrived = self.executed = self.held = self.recovered = 0

    @property
    def free(self):
        return self.arrived - self.executed - self.held - self.recovered


class Contract:
    def __init__(self, code, amount, rate_bp, months):
        self.code, self.amount, self.rate_bp, self.months = code, amount, rate_bp, months
        self.deposit = amount * rate_bp // 10000  # exact by construction
        self.committed = 0        # payments − refunds + retentions (≤ amount)
        self.paid = 0             # payments − refunds on it
        self.held = {}            # pot level → deposit held there (this year; 'carryover' = earlier years)
        self.retention = None     # the live retention: dict(ref, level, year, due, amount, touched)


class Project:
    def __init__(self, gen, code, first_year, levels):
        self.gen, self.code, self.first_year, self.levels = gen, code, first_year, levels
        self.year = None
        self.pots = {}
        self.contracts = []
        self.entries = []  # reversible money entries: dict(ref, kind, level, year, amount, contract, date)
        self.rows = []     # (date, seq, row dict)
        self.snapshots = {}
        self.deposit_snapshots = {}

    def pot(self, level):
        return self.pots.setdefault(level, Pot())

    def roll_to(self, year):
        """Year end (domain.md §6): what every pot leaves, free and held, opens next year's carryover pot."""
        if self.year is None:
            self.year = year
            return
        while self.year < year:
            carried = sum(p.arrived - p.executed - p.recovered for p in self.pots.values())
            held = sum(p.held for p in self.pots.values())
            self.pots = {}
            c = self.pot("carryover")
            c.budget = c.arrived = carried
            c.held = held
            for k in self.contracts:
                total = sum(k.held.values())
                k.held = {"carryover": total} if total else {}
            self.year += 1

    def deposits(self):
        """The live retention of each contract, as `warranty list` shows it (reversed ones are not listed)."""
        out = {}
        for k in self.contracts:
            r = k.retention
            if r:
                out[k.code] = {"accepted": r["accepted"].isoformat(), "due": r["due"].isoformat(),
                               "retained": r["amount"], "released": r["released"], "forfeited": r["forfeited"],
                               "outstanding": sum(k.held.values())}
        return out

    def snapshot(self):
        out = {}
        for level, p in self.pots.items():
            figures = {"free": p.free, "retained": p.held, "executed": p.executed, "recovered": p.recovered,
                       "receivable": p.budget - p.arrived}
            if any(figures.values()) or level == "carryover":
                out[level] = figures
        return out


class Generator:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.ref_seq = 0
        self.seq = 0
        self.counts = {}

    def ref(self, project):
        self.ref_seq += 1
        return "V%s-%05d" % (project.code if project.code.isascii() else "X", self.ref_seq)

    # ---- spellings ----------------------------------------------------------------------------------
    def amount_text(self, fen):
        if fen < 0:  # adjustments (调减): the sign first, then any spelling
            return "-" + self.amount_text(-fen)
        r = self.rng.random()
        if r < 0.70:
            return "%d.%02d" % divmod(fen, 100)
        if r < 0.78:
            return "{:,}.{:02d}".format(*divmod(fen, 100))
        if r < 0.84:
            return "¥{:,}.{:02d}".format(*divmod(fen, 100))
        if r < 0.90:
            wan, rest = divmod(fen, 1000000)
            text = ("%d.%06d" % (wan, rest)).rstrip("0").rstrip(".")
            return text + ("万" if self.rng.random() < 0.5 else "万元")
        if fen % 100 == 0:
            return str(fen // 100)
        if fen % 10 == 0:
            return "%d.%d" % (fen // 100, fen % 100 // 10)
        return "%d.%02d元" % divmod(fen, 100)

    def level_text(self, level):
        return self.rng.choice(LEVEL_ZH[level]) if self.rng.random() < 0.15 else level

    def kind_text(self, kind):
        return KIND_ZH[kind] if self.rng.random() < 0.15 else kind

    def emit(self, owner, date, **cells):
        self.seq += 1
        kind = cells["kind"]
        self.counts[kind] = self.counts.get(kind, 0) + 1
        cells["kind"] = self.kind_text(kind)
        if "level" in cells and cells["level"]:
            cells["level"] = self.level_text(cells["level"])
        if "amount" in cells and isinstance(cells["amount"], int):
            cells["amount"] = self.amount_text(cells["amount"])
        cells.setdefault("date", date.isoformat())
        owner.rows.append((date, self.seq, cells))

    def money(self, project, date, kind, level, amount, contract=None, memo=None, **extra):
        ref = self.ref(project)
        self.emit(project, date, kind=kind, project=project.code, level=level, amount=amount,
                  contract=contract.code if contract else "", ref=ref,
                  memo=memo if memo is not None else self.rng.choice(MEMOS), **extra)
        return ref

    def remember(self, project, ref, kind, level, amount, date, contract=None):
        project.entries.append(dict(ref=ref, kind=kind, level=level, year=date.year, amount=amount,
                                    contract=contract, date=date, reversed=False))

    # ---- one fen amount in [low, high], some round, most with cents ---------------------------------
    def draw(self, low, high):
        if high < low:
            return 0
        fen = self.rng.randint(low, high)
        r = self.rng.random()
        if r < 0.15 and fen >= 100 * 100 and (fen // 10000) * 10000 >= low:
            fen = fen // 10000 * 10000
        elif r < 0.25 and (fen // 10) * 10 >= low:
            fen = fen // 10 * 10
        return fen

    # ---- actions: each returns True when it wrote a row ----------------------------------------------
    def appropriate(self, p, date):
        for level in p.levels:
            amount = self.draw(200000 * 100, 3000000 * 100)
            p.pot(level).budget += amount
            ref = self.money(p, date, "appropriation", level, amount, memo="年初预算批复")
            self.remember(p, ref, "appropriation", level, amount, date)
        return True

    def arrive(self, p, date):
        choices = [l for l in p.levels if p.pot(l).budget - p.pot(l).arrived >= 100 * 100]
        if not choices:
            return False
        level = self.rng.choice(choices)
        pot = p.pot(level)
        remaining = pot.budget - pot.arrived
        amount = remaining if (date.month >= 11 or self.rng.random() < 0.2) else self.draw(remaining // 5, remaining // 2)
        pot.arrived += amount
        ref = self.money(p, date, "arrival", level, amount)
        self.remember(p, ref, "arrival", level, amount, date)
        return True

    def adjust(self, p, date):
        level = self.rng.choice(p.levels)
        pot = p.pot(level)
        if self.rng.random() < 0.6:
            amount = self.draw(10000 * 100, 500000 * 100)
            memo = "预算追加"
        else:
            room = (pot.budget - pot.arrived) // 2
            if room < 1000 * 100:
                return False
            amount = -self.draw(1000 * 100, room)
            memo = "预算调减"
        pot.budget += amount
        ref = self.money(p, date, "adjustment", level, amount, memo=memo)
        self.remember(p, ref, "adjustment", level, amount, date)
        return True

    def spendable(self, p, minimum):
        levels = [l for l in p.pots if p.pots[l].free >= minimum]
        return self.rng.choice(sorted(levels)) if levels else None

    def pay(self, p, date):
        level = self.spendable(p, 500 * 100)
        if level is None:
            return False
        pot = p.pot(level)
        amount = self.draw(100 * 100, min(pot.free // 4, 400000 * 100))
        if amount <= 0:
            return False
        pot.executed += amount
        ref = self.money(p, date, "payment", level, amount)
        self.remember(p, ref, "payment", level, amount, date)
        return True

    def new_contract(self, p, date):
        code = "HT%s-%03d" % (date.year, len(p.contracts) + 1)
        amount = self.rng.randint(5, 80) * 10000 * 100  # whole 万元: every rate gives whole fen
        rate_bp = self.rng.choice([300, 500, 500, 250, 0 if self.rng.random() < 0.1 else 500])
        months = self.rng.choice([6, 12, 12, 24, 18])
        k = Contract(code, amount, rate_bp, months)
        p.contracts.append(k)
        rate = "%g%%" % (rate_bp / 100) if rate_bp or self.rng.random() < 0.5 else ""
        self.emit(p, date, kind="contract", project=p.code, contract=code, supplier=self.rng.choice(SUPPLIERS),
                  amount=amount, retention_rate=rate, warranty_months=str(months),
                  sme=self.rng.choice(["1", "0", "是", "否", ""]))
        return True

    def pay_contract(self, p, date):
        waiting = [k for k in p.contracts if k.retention is None and k.deposit > 0 and
                   k.committed + k.deposit == k.amount]
        if waiting and self.retain(p, date, self.rng.choice(waiting)):
            return True
        live = [k for k in p.contracts if k.retention is None and k.committed + k.deposit < k.amount]
        if not live:
            return self.new_contract(p, date)
        k = self.rng.choice(live)
        level = self.spendable(p, 1000 * 100)
        if level is None:
            return False
        pot = p.pot(level)
        left = k.amount - k.deposit - k.committed
        amount = left if pot.free // 2 >= left else self.draw(min(left, 1000 * 100), min(left, pot.free // 2))
        if amount <= 0:
            return False
        pot.executed += amount
        k.committed += amount
        k.paid += amount
        ref = self.money(p, date, "payment", level, amount, contract=k)
        self.remember(p, ref, "payment", level, amount, date, contract=k)
        if k.committed + k.deposit == k.amount and k.deposit > 0:
            self.retain(p, date, k)
        return True

    def retain(self, p, date, k):
        levels = [l for l in sorted(p.pots) if p.pots[l].free >= k.deposit]
        if not levels:
            return False
        level = self.rng.choice(levels)
        pot = p.pot(level)
        accepted = date - dt.timedelta(days=self.rng.randint(0, 25))
        months = k.months
        extra = {}
        if self.rng.random() < 0.2:
            months = self.rng.choice([3, 6, 9])
            extra["warranty_months"] = str(months)
        pot.held += k.deposit
        k.held[level] = k.held.get(level, 0) + k.deposit
        k.committed += k.deposit
        amount = "" if self.rng.random() < 0.3 else k.deposit  # empty: the contract's rate × amount
        ref = self.money(p, date, "retention", level, amount, contract=k, accepted=accepted.isoformat(), **extra)
        k.retention = dict(ref=ref, level=level, year=date.year, due=add_months(accepted, months),
                           amount=k.deposit, touched=False, accepted=accepted, released=0, forfeited=0)
        self.remember(p, ref, "retention", level, k.deposit, date, contract=k)
        return True

    def settle(self, p, date, kind):
        """A release (or a forfeit) of a deposit that fell due."""
        due = [k for k in p.contracts if k.retention and sum(k.held.values()) > 0 and
               (k.retention["due"] <= date or kind == "forfeit")]
        if not due:
            return False
        k = self.rng.choice(due)
        (level, held), = k.held.items()
        pot = p.pot(level)
        if kind == "release":
            amount = held if self.rng.random() < 0.7 else self.draw(held // 3, held - 1)
            pot.held -= amount
            pot.executed += amount
            memo = "质保期满支付"
        else:
            amount = self.draw(held // 10, held // 2)
            if amount <= 0:
                return False
            pot.held -= amount
            memo = "质量问题扣除"
        k.held[level] = held - amount
        if not k.held[level]:
            del k.held[level]
        k.retention["touched"] = True
        k.retention["released" if kind == "release" else "forfeited"] += amount
        # The level may be left out: fundflow settles carried deposits first, else the one level held.
        shown = level if self.rng.random() < 0.5 else ""
        text = "" if (kind == "release" and amount == held and self.rng.random() < 0.5) else amount
        ref = self.money(p, date, kind, shown, text, contract=k, memo=memo)
        self.remember(p, ref, kind, level, amount, date, contract=k)
        return True

    def refund(self, p, date):
        levels = [l for l in sorted(p.pots) if p.pots[l].executed >= 1000 * 100]
        if not levels:
            return False
        level = self.rng.choice(levels)
        pot = p.pot(level)
        amount = self.draw(100 * 100, pot.executed // 20)
        if amount <= 0:
            return False
        payers = [k for k in p.contracts if k.paid >= amount]
        k = self.rng.choice(payers) if payers and self.rng.random() < 0.4 else None
        pot.executed -= amount
        if k:
            k.committed -= amount
            k.paid -= amount
        ref = self.money(p, date, "refund", level, amount, contract=k, memo="支付退回")
        self.remember(p, ref, "refund", level, amount, date, contract=k)
        return True

    def recover(self, p, date):
        level = self.spendable(p, 1000 * 100)
        if level is None:
            return False
        pot = p.pot(level)
        amount = self.draw(100 * 100, pot.free // 10)
        if amount <= 0:
            return False
        pot.recovered += amount
        ref = self.money(p, date, "recovery", level, amount, memo="收回财政")
        self.remember(p, ref, "recovery", level, amount, date)
        return True

    def reverse(self, p, date):
        recent = [e for e in p.entries[-40:] if not e["reversed"]]
        self.rng.shuffle(recent)
        for e in recent:
            if self.try_reverse(p, date, e):
                return True
        return False

    def try_reverse(self, p, date, e):
        kind, a, k = e["kind"], e["amount"], e["contract"]
        later = date.year > e["year"]
        if later and kind in ("appropriation", "adjustment", "arrival"):
            return False  # budget and arrivals are reversed in their own year only
        # A correction in a later year lands on the carryover level, where the original's money went.
        level = "carryover" if later else e["level"]
        pot = p.pot(level)
        if kind in ("appropriation", "adjustment"):
            if pot.budget - a < pot.arrived or pot.budget - a < 0:
                return False
            pot.budget -= a
        elif kind == "arrival":
            if pot.free < a:
                return False
            pot.arrived -= a
        elif kind == "payment":
            if level != "carryover" and pot.executed < a:
                return False
            pot.executed -= a
            if k:
                k.committed -= a
                k.paid -= a
        elif kind == "refund":
            if pot.free < a or (k and k.committed + a > k.amount):
                return False
            pot.executed += a
            if k:
                k.committed += a
                k.paid += a
        elif kind == "retention":
            r = k.retention
            if r is None or r["ref"] != e["ref"] or r["touched"] or k.held.get(level, 0) != a:
                return False
            pot.held -= a
            del k.held[level]
            k.committed -= a
            k.retention = None  # it will be withheld again once the contract is paid to its deposit
        elif kind == "release":
            if (level != "carryover" and pot.executed < a) or k.retention is None or sum(
                    v for l, v in k.held.items() if l != level):
                return False
            pot.executed -= a
            pot.held += a
            k.held[level] = k.held.get(level, 0) + a
            k.retention["released"] -= a
        elif kind == "forfeit":
            if pot.free < a or k.retention is None or sum(v for l, v in k.held.items() if l != level):
                return False
            pot.held += a
            k.held[level] = k.held.get(level, 0) + a
            k.retention["forfeited"] -= a
        elif kind == "recovery":
            pot.recovered -= a
        else:
            return False
        e["reversed"] = True
        if later:
            self.counts["~ of which a %s of an earlier year" % kind] = self.counts.get(
                "~ of which a %s of an earlier year" % kind, 0) + 1
        self.emit(p, date, kind="reversal", project=p.code, reverses=e["ref"],
                  memo=self.rng.choice(["重复录入", "金额录错, 冲销后重录", "wrong level"]))
        return True

    # ---- one project over its years ------------------------------------------------------------------
    def run_project(self, p, per_year, first, last, snapshot_dates, closes):
        pending = sorted(snapshot_dates)
        register = dt.date(p.first_year, 1, self.rng.randint(2, 6))

        def take_snapshots(before):
            while pending and pending[0] < before:
                d = pending.pop(0)
                if d >= register:
                    p.roll_to(d.year)
                    p.snapshots[d.isoformat()] = p.snapshot()
                    p.deposit_snapshots[d.isoformat()] = p.deposits()

        self.emit(p, register, kind="project", project=p.code, name=self.project_name(p),
                  unit_name=self.rng.choice(["县融媒体中心", "县交通运输局", "县教育局", ""]),
                  func_code=self.rng.choice(["2070808", "2140104", "2050203", ""]))
        actions = [(self.arrive, 12), (self.pay, 34), (self.pay_contract, 22), (self.refund, 4), (self.adjust, 4),
                   (self.reverse, 6), (self.release, 5), (self.forfeit, 1), (self.recover, 2)]
        for year in range(p.first_year, last + 1):
            start = dt.date(year, 1, 8)
            take_snapshots(start)
            p.roll_to(year)
            self.appropriate(p, start)
            span = (dt.date(year, 12, 31) - start).days
            days = sorted(start + dt.timedelta(days=self.rng.randint(1, span)) for _ in range(per_year))
            for day in days:
                take_snapshots(day)
                for _ in range(6):  # an infeasible draw tries another action
                    action = self.rng.choices([a for a, _ in actions], [w for _, w in actions])[0]
                    if action(p, day):
                        break
            end = dt.date(year, 12, 31)
            take_snapshots(end)
            if year < last and p.code in closes:
                self.emit(p, end, kind="close", project=p.code)
        take_snapshots(dt.date(9999, 1, 1))

    def release(self, p, date):
        return self.settle(p, date, "release")

    def forfeit(self, p, date):
        return self.settle(p, date, "forfeit")

    def project_name(self, p):
        return self.rng.choice(["县级融媒体中心建设项目", "乡村道路 (Rural roads) 🚧", "农村饮水安全工程, 二期",
                                "学校\"薄弱环节\"改善", "Smart county platform"]) + " " + p.code

    def run(self):
        a = self.args
        first, last = a.first_year, a.last_year
        codes = ["P%02d" % (i + 1) for i in range(a.projects - len(ODD_CODES))] + ODD_CODES
        late = set(codes[3:5])  # two projects start a year later
        level_sets = []
        for i, code in enumerate(codes):
            levels = [POSTABLE[i % 5]] + self.rng.sample(POSTABLE, self.rng.randint(1, 3))
            level_sets.append(sorted(set(levels), key=POSTABLE.index))
        projects = [Project(self, code, first + (code in late), levels) for code, levels in zip(codes, level_sets)]
        project_years = sum(last - p.first_year + 1 for p in projects)
        per_year = max(10, a.entries // project_years)
        closes = set(codes[::2])
        dates = [dt.date.fromisoformat(d) for d in a.as_of]
        for p in projects:
            self.run_project(p, per_year, first, last, dates, closes)
        rows = sorted((r for p in projects for r in p.rows), key=lambda r: (r[0], r[1]))
        out = io.StringIO(newline="")
        w = csv.writer(out, lineterminator="\r\n" if a.crlf else "\n")
        w.writerow(COLUMNS_ZH if a.chinese_header else COLUMNS)
        for _, _, cells in rows:
            w.writerow([cells.get(c, "") for c in COLUMNS])
        with open(a.out, "w", encoding="utf-8", newline="") as f:
            f.write(("\ufeff" if a.bom else "") + out.getvalue())
        if a.expect:
            expect = {d: {p.code: p.snapshots[d] for p in projects if d in p.snapshots} for d in a.as_of}
            deposits = {d: {p.code: p.deposit_snapshots[d] for p in projects if p.deposit_snapshots.get(d)}
                        for d in a.as_of}
            with open(a.expect, "w", encoding="utf-8") as f:
                json.dump({"rows": len(rows), "counts": self.counts, "as_of": expect, "deposits": deposits}, f, ensure_ascii=False,
                          sort_keys=True, indent=0)
        money = sum(n for k, n in self.counts.items() if k not in ("project", "contract", "close") and k[0] != "~")
        print("generated %d rows (%d money entries and reversals, %d projects): %s" % (
            len(rows), money, len(projects), ", ".join("%s %d" % kv for kv in sorted(self.counts.items()))),
            file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--entries", type=int, default=10500, help="money entries to aim for (default 10500)")
    ap.add_argument("--projects", type=int, default=24)
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("--years", default="2021-2023")
    ap.add_argument("--chinese-header", action="store_true")
    ap.add_argument("--bom", action="store_true")
    ap.add_argument("--crlf", action="store_true")
    ap.add_argument("--expect")
    ap.add_argument("--as-of", nargs="*", default=["2021-12-31", "2022-06-30", "2023-12-31"])
    a = ap.parse_args()
    a.first_year, a.last_year = (int(y) for y in a.years.split("-"))
    if a.projects < len(ODD_CODES) + 5:
        ap.error("at least %d projects" % (len(ODD_CODES) + 5))
    Generator(a).run()


if __name__ == "__main__":
    main()
