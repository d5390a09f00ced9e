#!/usr/bin/env python3
"""The driver of bench/run (issue 6): generate, measure, and print every figure beside its goal.

    python3 bench/measure.py --fundflow BIN --ceiling BIN --gen bench/gen --dir DIR
                             [--sizes 100000,1000000] [--runs 5] [--post-runs 20] [--json] [--strict]

For each size N (money entries; bench/gen with 50 projects over 2021–2023) it measures, each figure the
median of --runs runs, the runs of the things compared interleaved (A B A B ...) so that a change of
machine load hits both sides of a ratio alike:

  import     `fundflow --db F init` (not timed), then `fundflow --db F import data.csv`: the whole process,
             rows/s and peak RSS; against fundflow_ceiling, the same rows re-inserted from that ledger with one
             prepared statement per table and a SHA-256 chain in one transaction (its own clock: first insert
             to COMMIT).
  reads      whole processes on the imported ledger: `report execution P01 --year 2023`, `balance --by level`,
             the same `--as-of 2023-06-30`, the same `--known-at T` (T = recorded_at of the entry at 99 % of
             the ledger, so the last 1 % is left out), `warranty list`, `verify`; peak RSS; against
             `ledger -f X bal` on `fundflow export --to ledger`'s journal of the same ledger.
  growth     each read's median at the largest size ÷ at the smallest.
  posting    on a copy of the ledger nearest 100k entries: --post-runs runs of one durable `fundflow pay`
             (start to exit) against as many `sqlite3 COPY "PRAGMA journal_mode=WAL; PRAGMA
             synchronous=FULL; INSERT INTO bench_probe ..."` on another copy of the same file.

Each child runs under fundflow_spawn (--spawn; bench/spawn.cpp), which times it with CLOCK_MONOTONIC from fork
to reap and reads its peak RSS from wait4's ru_maxrss (without --spawn: time.perf_counter() and os.wait4 here,
whose RSS carries this interpreter's own ~20 MiB).
Prints the table (or JSON with --json) on stdout and progress on stderr; writes DIR/results.json.
Exit 0 (1 with --strict when a goal is missed; 2 when a command fails). Stdlib only.
"""
import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

PROJECT, YEAR, MID_YEAR = "P01", "2023", "2023-06-30"
READS = [  # (key, label, arguments after --db)
    ("report", "report execution %s --year %s" % (PROJECT, YEAR), ["report", "execution", PROJECT, "--year", YEAR]),
    ("balance", "balance --by level", ["balance", "--by", "level"]),
    ("as_of", "balance --by level --as-of %s" % MID_YEAR, ["balance", "--by", "level", "--as-of", MID_YEAR]),
    ("known_at", "balance --by level --known-at T(99 %)", None),  # arguments filled in per ledger
    ("warranty", "warranty list", ["warranty", "list"]),
]


def log(msg):
    print("[bench %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


class Failed(Exception):
    pass


def spawn(cmd, stdout=subprocess.DEVNULL, env=None):
    """Runs cmd to its exit: (seconds, peak RSS in KiB, stdout text or None). Raises Failed on a non-zero exit.

    Through fundflow_spawn (--spawn) when given: it forks from ~1 MiB, so the child's ru_maxrss is its own;
    a child forked by this Python process inherits the interpreter's ~20 MiB high-water mark in ru_maxrss
    (Linux carries the pre-exec RSS over), so without it the RSS figures are a floor of ~20 MiB."""
    errpath = os.path.join(ARGS.dir, ".stderr")
    resultpath = os.path.join(ARGS.dir, ".spawn")
    with open(errpath, "w+b") as err:
        out = subprocess.PIPE if stdout is str else stdout
        full = [ARGS.spawn, resultpath] + cmd if ARGS.spawn else cmd
        start = time.perf_counter()
        p = subprocess.Popen(full, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        text = p.stdout.read() if out is subprocess.PIPE else None
        _, status, usage = os.wait4(p.pid, 0)
        seconds, rss = time.perf_counter() - start, usage.ru_maxrss
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.stdout:
            p.stdout.close()
        if ARGS.spawn and p.returncode == 0:
            with open(resultpath) as f:
                t, m, code = f.read().split()
            seconds, rss, p.returncode = float(t), int(m), int(code)
        if p.returncode != 0:
            err.seek(0)
            raise Failed("%s exited %d: %s" % (" ".join(cmd), p.returncode,
                                                err.read().decode("utf-8", "replace").strip()[:2000]))
    return seconds, rss, (text.decode("utf-8") if text is not None else None)


def sh(cmd):
    """An untimed step; raises Failed on a non-zero exit."""
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise Failed("%s exited %d: %s" % (" ".join(cmd), r.returncode, r.stderr.decode("utf-8", "replace")[:2000]))
    return r.stdout.decode("utf-8")


def rm_db(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def copy_db(src, dst):
    """A consistent copy of a WAL ledger (its log folded in first)."""
    sh(["sqlite3", src, "PRAGMA wal_checkpoint(TRUNCATE);"])
    rm_db(dst)
    shutil.copyfile(src, dst)


class Results:
    def __init__(self):
        self.samples = {}  # (key, size) -> {"s": [...], "rss": [...]}

    def add(self, key, size, seconds, rss):
        s = self.samples.setdefault((key, size), {"s": [], "rss": []})
        s["s"].append(seconds)
        s["rss"].append(rss)

    def median(self, key, size):
        s = self.samples.get((key, size))
        return statistics.median(s["s"]) if s else None

    def rss(self, key, size):
        s = self.samples.get((key, size))
        return max(s["rss"]) / 1024 if s else None  # MiB, the largest of the runs


def generate(size):
    """bench/gen's data set of `size` entries; reused from an earlier run in the same --dir."""
    csv = os.path.join(ARGS.dir, "data-%d.csv" % size)
    with open(ARGS.gen, "rb") as f:
        stamp = hashlib.sha256(f.read() + (" %d %d" % (size, ARGS.seed)).encode()).hexdigest()
    stamp_path = csv + ".stamp"
    if os.path.exists(csv) and os.path.exists(stamp_path) and open(stamp_path).read() == stamp:
        log("N=%d: reusing %s" % (size, csv))
    else:
        log("N=%d: generating %s" % (size, csv))
        sh([sys.executable, ARGS.gen, csv, "--entries", str(size), "--projects", "50", "--seed", str(ARGS.seed)])
        with open(stamp_path, "w") as f:
            f.write(stamp)
    return csv


def measure_size(size, res, info):
    F, d = ARGS.fundflow, ARGS.dir
    csv = generate(size)
    db = os.path.join(d, "ledger-%d.db" % size)
    ceiling_db = os.path.join(d, "ceiling-%d.db" % size)

    # ---- import vs ceiling, interleaved ----
    rows = None
    for r in range(ARGS.runs):
        rm_db(db)
        sh([F, "--db", db, "init"])
        seconds, rss, out = spawn([F, "--db", db, "import", csv, "--format", "json"], stdout=str)
        summary = json.loads(out)
        if summary.get("added") != summary.get("rows") or not summary.get("rows"):
            raise Failed("the import of %s said %s" % (csv, out.strip()))
        rows = summary["rows"]
        res.add("import", size, seconds, rss)
        rm_db(ceiling_db)
        sh([F, "--db", ceiling_db, "init"])
        _, crss, out = spawn([ARGS.ceiling, db, ceiling_db, "--json"], stdout=str)
        c = json.loads(out)
        if c["rows"] != rows:
            raise Failed("the ceiling wrote %d rows, the import %d" % (c["rows"], rows))
        res.add("ceiling", size, c["seconds"], crss)
        log("N=%d: import run %d/%d: fundflow %.1f s (%.0f rows/s, %.1f MiB), ceiling %.1f s (%.0f rows/s)" % (
            size, r + 1, ARGS.runs, seconds, rows / seconds, rss / 1024, c["seconds"], rows / c["seconds"]))
    rm_db(ceiling_db)
    info["rows"][size] = rows

    # ---- reads vs ledger-cli, interleaved ----
    entries = json.loads(sh([F, "--db", db, "digest", "--format", "json"]))["entries"]
    cut = max(1, int(entries * 0.99))
    known_at = json.loads(sh([F, "--db", db, "show", str(cut), "--format", "json"]))["entry"]["recorded_at"]
    info["known_at"][size] = {"entry": cut, "entries": entries, "recorded_at": known_at}
    journal = os.path.join(d, "ledger-%d.ledger" % size)
    sh([F, "--db", db, "export", "--to", "ledger", "--output", journal])
    reads = [(k, args if args else ["balance", "--by", "level", "--known-at", known_at]) for k, _, args in READS]
    reads.append(("verify", ["verify"]))
    for r in range(ARGS.runs):
        for key, args in reads:
            seconds, rss, _ = spawn([F, "--db", db] + args)
            res.add(key, size, seconds, rss)
        seconds, rss, _ = spawn(["ledger", "-f", journal, "bal"])
        res.add("ledger", size, seconds, rss)
        log("N=%d: reads run %d/%d: report %.0f ms, balance %.0f ms, verify %.0f ms, ledger bal %.0f ms" % (
            size, r + 1, ARGS.runs, 1000 * res.samples[("report", size)]["s"][-1],
            1000 * res.samples[("balance", size)]["s"][-1], 1000 * res.samples[("verify", size)]["s"][-1],
            1000 * seconds))
    if not ARGS.keep:
        os.remove(journal)


def post_level(db):
    """The level of P01 with the most free money at the end of 2023 (a payment of 0.01 there is valid)."""
    bal = json.loads(sh([ARGS.fundflow, "--db", db, "balance", PROJECT, "--by", "level", "--as-of", YEAR + "-12-31",
                         "--format", "json"]))
    rows = [r for r in bal["rows"] if r["project"] == PROJECT]
    best = max(rows, key=lambda r: r["free_balance_fen"], default=None)
    return best["level"] if best and best["free_balance_fen"] >= ARGS.post_runs + 1 else None


def measure_posting(size, res, info):
    F, d = ARGS.fundflow, ARGS.dir
    src = os.path.join(d, "ledger-%d.db" % size)
    post, probe = os.path.join(d, "post.db"), os.path.join(d, "probe.db")
    copy_db(src, post)
    copy_db(src, probe)
    sh(["sqlite3", probe, "CREATE TABLE bench_probe (id INTEGER PRIMARY KEY, v INTEGER);"])
    level = post_level(post)
    if level:
        cmd = lambda r: [F, "--db", post, "pay", PROJECT, "--level", level, "--amount", "0.01", "--date",
                         YEAR + "-12-31", "--memo", "bench"]
        info["posting"] = "pay %s --level %s --amount 0.01 --date %s-12-31 on a copy of the %d-entry ledger" % (
            PROJECT, level, YEAR, size)
    else:  # no free money anywhere on P01: an appropriation adjustment needs none
        cmd = lambda r: [F, "--db", post, "adjust", PROJECT, "--level", "county", "--amount", "0.01", "--date",
                         YEAR + "-12-31", "--ref", "bench-%d" % r, "--memo", "bench"]
        info["posting"] = "adjust %s (P01 has no free money) on a copy of the %d-entry ledger" % (PROJECT, size)
    bare = ["sqlite3", "-batch", probe,
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; INSERT INTO bench_probe (v) VALUES (1);"]
    for r in range(ARGS.post_runs):
        seconds, rss, _ = spawn(cmd(r))
        res.add("post", size, seconds, rss)
        seconds, rss, _ = spawn(bare)
        res.add("sqlite3", size, seconds, rss)
    n = int(sh(["sqlite3", probe, "SELECT count(*) FROM bench_probe"]))
    if n != ARGS.post_runs:
        raise Failed("bench_probe holds %d rows after %d inserts" % (n, ARGS.post_runs))
    log("N=%d: %d durable postings: fundflow %.1f ms, sqlite3 %.1f ms (medians)" % (
        size, ARGS.post_runs, 1000 * res.median("post", size), 1000 * res.median("sqlite3", size)))
    rm_db(post)
    rm_db(probe)


def spawn_floor(res):
    for _ in range(max(ARGS.runs, 11)):
        seconds, rss, _ = spawn(["/bin/true"])
        res.add("true", 0, seconds, rss)


# ---- the table ----------------------------------------------------------------------------------------

def short(n):
    if n >= 1000000 and n % 1000000 == 0:
        return "%dM" % (n // 1000000)
    if n >= 1000 and n % 1000 == 0:
        return "%dk" % (n // 1000)
    return str(n)


def figures(res, info):
    sizes = ARGS.sizes
    small, large = sizes[0], sizes[-1]
    at_large = "" if large == 1000000 else " (goal is at 1M; measured at %s)" % short(large)
    out = []  # dict(section, name, values {size: v} or {"": v}, unit, goal, test)

    def row(section, name, values, unit, goal=None, test=None, note=""):
        out.append(dict(section=section, name=name, values=values, unit=unit, goal=goal, test=test, note=note))

    def per_size(f):
        return {s: f(s) for s in sizes}

    rate = lambda key: per_size(lambda s: info["rows"][s] / res.median(key, s))
    ms = lambda key: per_size(lambda s: 1000 * res.median(key, s))
    row("import", "fundflow import (whole process)", rate("import"), "rows/s")
    row("import", "ceiling: prepared INSERTs + SHA-256 chain", rate("ceiling"), "rows/s")
    row("import", "fundflow ÷ ceiling", per_size(lambda s: res.median("ceiling", s) / res.median("import", s)), "×",
        "≥ 0.5", lambda v: v >= 0.5)
    row("import", "import peak RSS", per_size(lambda s: res.rss("import", s)), "MiB", "≤ 64", lambda v: v <= 64)
    if len(sizes) > 1:
        row("import", "import peak RSS %s ÷ %s" % (short(large), short(small)),
            {"": res.rss("import", large) / res.rss("import", small)}, "×", "≤ 1.10", lambda v: v <= 1.10)
    for key, label, _ in READS:
        row("reads", label, ms(key), "ms", *(("≤ 50", lambda v: v <= 50) if key == "warranty" else (None, None)),
            note=at_large if key == "warranty" else "")
    row("reads", "ledger -f <export> bal", ms("ledger"), "ms")
    row("reads", "ledger bal ÷ report execution",
        per_size(lambda s: res.median("ledger", s) / res.median("report", s)), "×", "≥ 500", lambda v: v >= 500)
    row("reads", "ledger bal ÷ balance --by level",
        per_size(lambda s: res.median("ledger", s) / res.median("balance", s)), "×", "≥ 500", lambda v: v >= 500)
    row("reads", "reads' peak RSS (largest of the 5 reads)",
        per_size(lambda s: max(res.rss(k, s) for k, _, _ in READS)), "MiB", "≤ 16", lambda v: v <= 16)
    row("reads", "ledger bal peak RSS", per_size(lambda s: res.rss("ledger", s)), "MiB")
    if len(sizes) > 1:
        for key, label, _ in READS:
            g = res.median(key, large) / res.median(key, small)
            if key == "warranty":  # a listing of every deposit: it grows with them; no goal in issue 6
                row("growth", "%s %s ÷ %s" % (label, short(large), short(small)), {"": g}, "×")
            else:
                row("growth", "%s %s ÷ %s" % (label, short(large), short(small)), {"": g}, "×", "≤ 1.5",
                    lambda v: v <= 1.5)
    ps = info["post_size"]
    post, bare = res.median("post", ps), res.median("sqlite3", ps)
    row("posting", "one durable posting: fundflow (start to exit)", {"": 1000 * post}, "ms")
    row("posting", "one INSERT by the sqlite3 CLI, same pragmas, same file", {"": 1000 * bare}, "ms")
    row("posting", "fundflow ÷ sqlite3", {"": post / bare}, "×", "≤ 2", lambda v: v <= 2,
        note=" (on the %s ledger, %d runs)" % (short(ps), ARGS.post_runs))
    row("verify", "verify", ms("verify"), "ms")
    row("verify", "verify at %s" % short(large), {"": 1000 * res.median("verify", large)}, "ms", "≤ 1500",
        lambda v: v <= 1500, note=at_large)
    row("verify", "verify peak RSS", per_size(lambda s: res.rss("verify", s)), "MiB")
    row("other", "process spawn floor (/bin/true)", {"": 1000 * res.median("true", 0)}, "ms")
    row("other", "its peak RSS (the floor of the RSS figures)", {"": res.rss("true", 0)}, "MiB")
    for f in out:
        vals = [v for v in f["values"].values() if v is not None]
        f["verdict"] = ("pass" if all(f["test"](v) for v in vals) else "MISS") if f["test"] else ""
    return out


def fmt(v, unit):
    if v is None:
        return "-"
    if unit == "rows/s":
        return "{:,.0f}".format(v)
    if unit == "MiB":
        return "%.1f" % v
    if unit == "ms":
        return "%.1f" % v if v < 100 else "{:,.0f}".format(v)
    return "%.2f" % v if v < 100 else "{:,.0f}".format(v)


def table(figs, info):
    sizes = ARGS.sizes
    heads = ["N=" + short(s) for s in sizes]
    lines = ["fundflow benchmark (issue 6) — %s — %s — medians of %d runs (%d for the posting)" % (
        info["date"], info["machine"], ARGS.runs, ARGS.post_runs)]
    w = max(len(f["name"]) for f in figs) + 2
    head = "%-*s %-7s" % (w, "figure", "unit") + "".join("%12s" % h for h in heads) + "%12s" % "" + "  %-8s %s" % (
        "goal", "verdict")
    if sizes != [100000, 1000000]:
        lines.append("(issue 6's goals are set for N = 100k and 1M; at N = %s the verdicts are only indicative)" %
                     " and ".join(short(s) for s in sizes))
    lines += [head, "-" * len(head)]
    section = None
    for f in figs:
        if f["section"] != section:
            section = f["section"]
            lines.append("[%s]" % section)
        cells = "".join("%12s" % fmt(f["values"].get(s), f["unit"]) if s in f["values"] else "%12s" % ""
                        for s in sizes)
        cells += "%12s" % (fmt(f["values"][""], f["unit"]) if "" in f["values"] else "")
        lines.append("%-*s %-7s%s  %-8s %s%s" % (w, f["name"], f["unit"], cells, f["goal"] or "", f["verdict"],
                                                  f["note"]))
    k = info["known_at"][sizes[-1]]
    lines.append("")
    lines.append("rows per size: %s; known-at T: recorded_at of entry %d of %d (%s) at N=%s; posting: %s" % (
        ", ".join("%s=%d" % (short(s), info["rows"][s]) for s in sizes), k["entry"], k["entries"], k["recorded_at"],
        short(sizes[-1]), info["posting"]))
    misses = [f["name"] for f in figs if f["verdict"] == "MISS"]
    lines.append("goals met: %d of %d%s" % (sum(f["verdict"] == "pass" for f in figs), sum(bool(f["verdict"]) for f in figs),
                                            ("; missed: " + "; ".join(misses)) if misses else ""))
    return "\n".join(lines)


def machine():
    cpu = platform.processor() or ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return "%s, %d cores, %s" % (cpu or "unknown CPU", os.cpu_count() or 0, platform.platform(terse=True))


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fundflow", required=True)
    ap.add_argument("--ceiling", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--spawn", help="fundflow_spawn, the launcher that times a child and reads its own peak RSS")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--post-runs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("--keep", action="store_true", help="keep the exported journals")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    ARGS = ap.parse_args()
    ARGS.sizes = sorted({int(s.replace("_", "").replace(",", "")) for s in ARGS.sizes.split(",") if s})
    if ARGS.runs < 1 or ARGS.post_runs < 1 or not ARGS.sizes:
        ap.error("--runs, --post-runs and --sizes must be positive")
    ARGS.fundflow, ARGS.ceiling = os.path.abspath(ARGS.fundflow), os.path.abspath(ARGS.ceiling)
    ARGS.dir, ARGS.gen = os.path.abspath(ARGS.dir), os.path.abspath(ARGS.gen)
    if ARGS.spawn:
        ARGS.spawn = os.path.abspath(ARGS.spawn)
    else:
        log("no --spawn: peak RSS figures include this interpreter's ~20 MiB (see spawn())")
    os.makedirs(ARGS.dir, exist_ok=True)
    os.environ.setdefault("FUNDFLOW_USER", "bench")
    for var in ("FUNDFLOW_DB", "FUNDFLOW_READ_ONLY", "FUNDFLOW_LOG"):
        os.environ.pop(var, None)
    info = {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
            "rows": {}, "known_at": {}}
    res = Results()
    started = time.monotonic()
    try:
        spawn_floor(res)
        for size in ARGS.sizes:
            measure_size(size, res, info)
        info["post_size"] = min(ARGS.sizes, key=lambda s: abs(s - 100000))
        measure_posting(info["post_size"], res, info)
    except Failed as e:
        print("bench: FAILED: %s" % e, file=sys.stderr)
        return 2
    figs = figures(res, info)
    log("done in %.0f s" % (time.monotonic() - started))
    doc = {"date": info["date"], "machine": info["machine"], "sizes": ARGS.sizes, "runs": ARGS.runs,
           "post_runs": ARGS.post_runs, "rows": info["rows"], "known_at": info["known_at"], "posting": info["posting"],
           "figures": [{k: f[k] for k in ("section", "name", "unit", "goal", "verdict", "note")} |
                       {"values": {str(s): v for s, v in f["values"].items()}} for f in figs],
           "samples": [{"key": k, "size": s, "seconds": v["s"], "peak_rss_kib": v["rss"]}
                       for (k, s), v in sorted(res.samples.items())]}
    with open(os.path.join(ARGS.dir, "results.json"), "w") as f:
        json.dump(doc, f, indent=1)
    text = table(figs, info)
    with open(os.path.join(ARGS.dir, "results.txt"), "w") as f:
        f.write(text + "\n")
    print(json.dumps(doc, indent=1) if ARGS.json else text)
    return 1 if ARGS.strict and any(f["verdict"] == "MISS" for f in figs) else 0


if __name__ == "__main__":
    sys.exit(main())
