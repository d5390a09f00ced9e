#!/usr/bin/env python3
"""The service's benchmark (issue 13): `fundflow serve` against the CLI doing the same work, on one ledger.

    python3 bench/serve_bench.py --fundflow build/cli/fundflow --db LEDGER [--project P01] [--year 2023]
                                 [--level county] [--seconds 5] [--cli-runs 30] [--threads 1,8,32]

LEDGER is a copy it may write to (postings are added): make one with bench/gen and `fundflow import` (bench/README.md).
Reads: GET /api/v1/projects/P/execution?year=Y with wrk (keep-alive; THREADS connections on min(THREADS, 2)
wrk threads) — requests/s, p50 and p99 from wrk's latency distribution. Postings: POST /api/v1/entries (a
0.01 元 payment, a fresh Idempotency-Key each) with a wrk Lua script, the same connections. The CLI beside them:
`fundflow report execution P --year Y --format json` and `fundflow pay P --level L --amount 0.01 --date D`, one
process each, in sequence (one-process throughput = 1 / median time). Goals (issue 13): reads p99 ≤ 5 ms and
≥ 2,000/s on 2 cores; postings per client ≥ 80 % of the CLI's one-process posting throughput.
Users: tokens of the stand-in (acc1, audi) or, with the real store, made by `fundflow user add` (servelib).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "serve"))
sys.dont_write_bytecode = True
import servelib as sl  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--fundflow", required=True)
ap.add_argument("--db", required=True)
ap.add_argument("--project", default="P01")
ap.add_argument("--year", default="2023")
ap.add_argument("--level", default="county")
ap.add_argument("--date", default="2023-12-31")
ap.add_argument("--seconds", type=int, default=5)
ap.add_argument("--cli-runs", type=int, default=30)
ap.add_argument("--threads", default="1,8,32")
a = ap.parse_args()
binary, db = os.path.abspath(a.fundflow), os.path.abspath(a.db)
threads = [int(x) for x in a.threads.split(",")]

sl.make_users(binary, db, names=("acc1", "audi"))
srv = sl.Server(binary, db).start()
acc1, audi = srv.login("acc1"), srv.login("audi")
url = f"http://{srv.host}:{srv.port}"
read_path = f"/api/v1/projects/{a.project}/execution?year={a.year}"
tmp = tempfile.mkdtemp(prefix="fundflow-serve-bench-")
lua = os.path.join(tmp, "post.lua")
with open(lua, "w") as f:
    f.write(f"""
local n = 0
local tid = 0
local counter = 1
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
request = function()
  n = n + 1
  local body = '{{"kind":"payment","project":"{a.project}","level":"{a.level}","amount":"0.01","date":"{a.date}","memo":"bench"}}'
  local headers = {{}}
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = "Bearer {acc1}"
  headers["Idempotency-Key"] = "bench-" .. os.time() .. "-" .. tid .. "-" .. n .. "-" .. math.random(1e9)
  return wrk.format("POST", "/api/v1/entries", headers, body)
end
local bad = 0
response = function(status, headers, body)
  if status ~= 201 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("NON201 %d\\n", summary.errors.status))
end
""")


def ms(text):
    v, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(conns, extra):
    cmd = ["wrk", "-t", str(min(conns, 2)), "-c", str(conns), "-d", f"{a.seconds}s", "--latency", *extra]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p50, p99, int(non2xx.group(1)) if non2xx else 0


# Check both requests once.
s, _, raw, _ = srv.request("GET", read_path, token=audi)
assert s == 200, (s, raw[:300])
s, _, raw, _ = srv.request("POST", "/api/v1/entries", {"kind": "payment", "project": a.project, "level": a.level,
                                                       "amount": "0.01", "date": a.date}, token=acc1)
assert s == 201, (s, raw[:300])
rows = []
for n in threads:
    r = wrk(n, ["-H", f"Authorization: Bearer {audi}", url + read_path])
    rows.append(("GET execution", n) + r)
    print(f"[serve-bench] read  {n:>2} clients: {r[0]:,.0f}/s p50 {r[1]:.2f} ms p99 {r[2]:.2f} ms", file=sys.stderr)
for n in threads:
    r = wrk(n, ["-s", lua, url + "/api/v1/entries"])
    rows.append(("POST entries", n) + r)
    print(f"[serve-bench] post  {n:>2} clients: {r[0]:,.0f}/s p50 {r[1]:.2f} ms p99 {r[2]:.2f} ms non-2xx {r[3]}",
          file=sys.stderr)
srv.stop()


def cli(args, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.run([binary, "--db", db, *args], capture_output=True, env=sl.ENV)
        times.append((time.perf_counter() - t) * 1000)
        assert p.returncode == 0, p.stderr[-300:]
    times.sort()
    return statistics.median(times), times[int(0.99 * (len(times) - 1))]


rep = cli(["report", "execution", a.project, "--year", a.year, "--format", "json"], a.cli_runs)
pay = cli(["pay", a.project, "--level", a.level, "--amount", "0.01", "--date", a.date], a.cli_runs)
v = subprocess.run([binary, "--db", db, "verify"], capture_output=True, env=sl.ENV)
entries = subprocess.run(["sqlite3", db, "SELECT count(*) FROM entries"], capture_output=True, text=True).stdout.strip()

print(f"fundflow serve benchmark — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} — {os.cpu_count()} cores, "
      f"load average {os.getloadavg()[0]:.1f} at the end — ledger of {int(entries):,} entries — wrk {a.seconds} s per row")
print(f"{'request':<16}{'clients':>8}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
for name, n, rps, p50, p99, bad in rows:
    print(f"{name:<16}{n:>8}{rps:>10,.0f}{p50:>9.2f}{p99:>9.2f}{bad:>9}")
print(f"CLI report execution {a.project} --year {a.year} --format json (one process each): median {rep[0]:.1f} ms, "
      f"p99 {rep[1]:.1f} ms = {1000 / rep[0]:,.0f}/s ({a.cli_runs} runs)")
print(f"CLI pay {a.project} --level {a.level} --amount 0.01 (one process each): median {pay[0]:.1f} ms = "
      f"{1000 / pay[0]:,.0f} postings/s ({a.cli_runs} runs)")
read_best = next(r for r in rows if r[0] == "GET execution" and r[1] == max(threads))
post1 = next(r for r in rows if r[0] == "POST entries" and r[1] == 1)
print(f"goals: reads p99 ≤ 5 ms: {read_best[4]:.2f} ms at {read_best[1]} clients — "
      f"{'pass' if read_best[4] <= 5 else 'MISS'}; reads ≥ 2,000/s: {max(r[2] for r in rows if r[0] == 'GET execution'):,.0f}/s — "
      f"{'pass' if max(r[2] for r in rows if r[0] == 'GET execution') >= 2000 else 'MISS'}; postings of one client ÷ CLI "
      f"one-process: {post1[2] / (1000 / pay[0]):.2f} (goal ≥ 0.8) — {'pass' if post1[2] / (1000 / pay[0]) >= 0.8 else 'MISS'}; "
      f"verify after: exit {v.returncode}")
