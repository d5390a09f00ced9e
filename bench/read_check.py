#!/usr/bin/env python3
"""The cost of the read-time tamper check (issue 11, part 5): each read command of bench/README.md's list on
one ledger, with the check (the default) and without it (FUNDFLOW_READ_CHECK=off), interleaved, medians.

    python3 bench/read_check.py --fundflow BIN --spawn build/bench/fundflow_spawn --db LEDGER [--runs 7]

Prints one line per read: median ms with and without, the difference, and the larger peak RSS. Stdlib only.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--fundflow", required=True)
ap.add_argument("--spawn", required=True)
ap.add_argument("--db", required=True)
ap.add_argument("--runs", type=int, default=7)
args = ap.parse_args()
F = args.fundflow
entries = json.loads(subprocess.check_output([F, "--db", args.db, "digest", "--format", "json"]))["entries"]
cut = max(1, int(entries * 0.99))
known_at = json.loads(subprocess.check_output([F, "--db", args.db, "show", str(cut), "--format", "json"]))["entry"][
    "recorded_at"]
reads = [
    ("report execution P01 --year 2023", ["report", "execution", "P01", "--year", "2023"]),
    ("balance --by level", ["balance", "--by", "level"]),
    ("balance --by level --as-of 2023-06-30", ["balance", "--by", "level", "--as-of", "2023-06-30"]),
    ("balance --by level --known-at T(99 %)", ["balance", "--by", "level", "--known-at", known_at]),
    ("balance P01 --as-of 2023-12-31", ["balance", "P01", "--as-of", "2023-12-31"]),
    ("warranty list", ["warranty", "list"]),
    ("log P01 --from 2023-12-01", ["log", "P01", "--from", "2023-12-01"]),
    ("show 1000", ["show", "1000"]),
    ("digest", ["digest"]),
]
result = os.path.join(tempfile.mkdtemp(), "spawn")


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd, check):
    """(wall seconds, CPU seconds, peak RSS KiB) of one whole process."""
    env = dict(os.environ)
    if not check:
        env["FUNDFLOW_READ_CHECK"] = "off"
    before = cpu()
    subprocess.run([args.spawn, result] + [F, "--db", args.db] + cmd, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    with open(result) as f:
        t, m, code = f.read().split()
    if int(code) != 0:
        raise SystemExit("%s exited %s" % (" ".join(cmd), code))
    return float(t), cpu() - before, int(m)


print("N = %d entries, medians of %d runs (with and without interleaved); wall and CPU (user + sys) per process"
      % (entries, args.runs))
print("%-40s %9s %9s %9s %9s %9s %9s %8s" % ("read", "wall with", "without", "+check", "CPU with", "without",
                                           "+check", "RSS MiB"))
for label, cmd in reads:
    on, off, con, coff, rss = [], [], [], [], 0
    for _ in range(args.runs):
        t, c, m = run(cmd, True)
        on.append(t)
        con.append(c)
        rss = max(rss, m)
        t, c, m = run(cmd, False)
        off.append(t)
        coff.append(c)
    a, b = statistics.median(on) * 1000, statistics.median(off) * 1000
    ca, cb = statistics.median(con) * 1000, statistics.median(coff) * 1000
    print("%-40s %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f %8.1f" % (label, a, b, a - b, ca, cb, ca - cb, rss / 1024),
          flush=True)
