#!/usr/bin/env python3
"""SV3: the service's report bodies are the ledger's, whatever was written in between (issue 13, the body
cache and the read check). Usage: cache_test.py PATH/TO/fundflow [STEPS] [SEED]

A random walk (seeded; the seed is printed) over one ledger: each step is a write (a payment or an arrival
through the API, a payment or a reversal by the CLI in another process, a user added) or a read of one of
the API's report endpoints with random parameters and language. Every read is sent twice (the second is
likely the kept body) and both bodies must be byte for byte what the CLI prints for the same command with
--format json at that moment. A service that kept a body past a write, or keyed it on too little (a
parameter, the language, the date), fails here. Then an edit of an entry behind fundflow's back with the
sqlite3 client must make the next read answer 500 "integrity", and a byte changed in the file by a plain
write (no SQLite commit at all) must do so within 3 seconds (the service's watcher).
"""
import http.client
import os
import random
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import servelib as sl  # noqa: E402

binary = os.path.abspath(sys.argv[1])
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 160
seed = int(sys.argv[3]) if len(sys.argv) > 3 else random.randrange(1 << 30)
rng = random.Random(seed)
C = sl.Checks("SV3")
print(f"SV3 seed {seed} (rerun: cache_test.py FUNDFLOW {steps} {seed})", flush=True)
d = sl.scratch_dir("fundflow-sv3-")
db = os.path.join(d, "ledger.db")
PROJECTS = ("P001", "P002")
sl.seed(binary, db, projects=PROJECTS, budget="100000.00")
sl.make_users(binary, db, names=("acc1", "audi"))
if not sl.accounts_built(binary):
    C.skip("SV3")
    C.finish("skipped")
srv = sl.Server(binary, db).start()
tok = {u: srv.login(u) for u in ("acc1", "audi")}
LEVELS = ("county", "central", "provincial")
DATES = ("2024-02-01", "2024-06-30", "2024-12-31", "2025-03-15")


def cli(*args, lang="zh"):
    env = dict(sl.ENV, FUNDFLOW_LANG=lang)
    p = subprocess.run([binary, "--db", db, *args], capture_output=True, env=env)
    return p.returncode, p.stdout


def random_read():
    """-> (API path, CLI arguments) of one read."""
    p = rng.choice(PROJECTS)
    as_of = rng.choice((None,) + DATES)
    q, a = [], []
    if as_of:
        q.append(f"as_of={as_of}")
        a += ["--as-of", as_of]
    kind = rng.choice(("execution", "balance", "projects", "warranty", "log"))
    if kind == "execution":
        year = rng.choice((2024, 2025))
        return f"/api/v1/projects/{p}/execution?year={year}&" + "&".join(q), \
            ["report", "execution", p, "--year", str(year)] + a
    if kind == "balance":
        by = rng.choice(("level", "project", "contract"))
        which = rng.choice((None, p))
        q.append(f"by={by}")
        if which:
            q.append(f"project={which}")
        return "/api/v1/balance?" + "&".join(q), ["balance"] + ([which] if which else []) + ["--by", by] + a
    if kind == "projects":
        return "/api/v1/projects?" + "&".join(q), ["balance", "--by", "project"] + a
    if kind == "warranty":
        return "/api/v1/warranty?" + "&".join(q), ["warranty", "list"] + a
    kind = rng.choice((None, "payment", "arrival"))
    return f"/api/v1/log?project={p}" + (f"&kind={kind}" if kind else ""), \
        ["log", p] + (["--kind", kind] if kind else [])


payments = []  # entry ids of payments, for reversals
reads = writes = compared = 0
for step in range(steps):
    r = rng.random()
    if r < 0.2:
        p, fen = rng.choice(PROJECTS), rng.randrange(100, 100000)
        kind = rng.choice(("payment", "arrival"))
        s, _, raw, j = srv.request("POST", "/api/v1/entries",
                                   {"kind": kind, "project": p, "level": "county", "amount": f"{fen // 100}.{fen % 100:02d}",
                                    "date": rng.choice(DATES[:3])}, token=tok["acc1"])
        C.expect(s in (201, 422), f"step {step}: POST {kind} answered {s}: {raw[:200]!r}")
        if s == 201 and kind == "payment":
            payments.append(j["entry"]["id"])
        writes += 1
    elif r < 0.3:
        p = rng.choice(PROJECTS)
        rc, out = cli("pay", p, "--level", "county", "--amount", f"{rng.randrange(1, 500)}.00", "--date", "2024-07-01",
                      "--format", "json")
        C.expect(rc in (0, 3, 4), f"step {step}: CLI pay exit {rc}")
        writes += 1
    elif r < 0.35 and payments:
        rc, _ = cli("reverse", str(payments.pop(rng.randrange(len(payments)))), "--reason", "sv3")
        writes += 1
    else:
        path, args = random_read()
        lang = rng.choice(("zh", "en"))
        full = path + ("&" if "?" in path else "?") + f"lang={lang}"
        rc, want = cli(*args, "--format", "json", lang=lang)
        for attempt in (1, 2):
            s, _, raw, _ = srv.request("GET", full, token=tok["audi"])
            if rc == 0:
                C.expect(s == 200 and raw == want,
                         f"step {step} ({attempt}): GET {full} answered {s} and {len(raw)} bytes, not the CLI's "
                         f"{len(want)} bytes of '{' '.join(args)}': {raw[:160]!r} vs {want[:160]!r}")
                compared += 1
            else:
                C.expect(s >= 400, f"step {step}: GET {full} answered {s}, the CLI failed with exit {rc}")
        reads += 1

# An edit through SQLite behind fundflow's back (triggers off): the very next read refuses.
path = "/api/v1/projects/P001/execution?year=2024"
s, _, _, _ = srv.request("GET", path, token=tok["audi"])
C.expect(s == 200, f"the form before the edits answered {s}")
subprocess.run(["sqlite3", db, ".dbconfig enable_trigger off",
                "UPDATE entries SET amount_fen = amount_fen + 1 WHERE id = (SELECT max(id) FROM entries "
                "WHERE kind = 'payment' AND project_id = (SELECT id FROM projects WHERE code = 'P001'));"],
               check=True, capture_output=True)
s, _, raw, j = srv.request("GET", path, token=tok["audi"])
C.expect(s == 500 and j and j.get("error") == "integrity",
         f"after an UPDATE of the newest P001 payment the form answered {s}: {raw[:200]!r}")
subprocess.run(["sqlite3", db, ".dbconfig enable_trigger off",
                "UPDATE entries SET amount_fen = amount_fen - 1 WHERE id = (SELECT max(id) FROM entries "
                "WHERE kind = 'payment' AND project_id = (SELECT id FROM projects WHERE code = 'P001'));"],
               check=True, capture_output=True)
srv.stop()

# A byte of a recent entry's memo changed by a plain write() while the service runs: no SQLite commit, no
# data_version, no new head. The watcher's check (every second) must catch it within 3 s.
marker = f"sv3-marker-{seed:x}"
cli("pay", "P002", "--level", "county", "--amount", "1.00", "--date", "2024-07-01", "--memo", marker)
cli("pay", "P002", "--level", "county", "--amount", "1.00", "--date", "2024-07-01")  # the head is another entry
subprocess.run([binary, "--db", db, "verify"], check=True, capture_output=True, env=sl.ENV)
subprocess.run(["sqlite3", db, "PRAGMA wal_checkpoint(TRUNCATE);"], check=True, capture_output=True)
srv = sl.Server(binary, db).start()
tok["audi"] = srv.login("audi")
# One keep-alive connection, so one worker that has already checked the file: only the watcher can notice.
conn = http.client.HTTPConnection(srv.host, srv.port, timeout=30)


def get_kept_alive():
    conn.request("GET", path, headers={"Authorization": f"Bearer {tok['audi']}"})
    reply = conn.getresponse()
    return reply.status, reply.read()


for _ in range(3):
    s, _ = get_kept_alive()
    C.expect(s == 200, f"the form after the repair answered {s}")
with open(db, "r+b") as f:
    data = f.read()
    at = data.find(marker.encode())
    C.expect(at >= 0 and data.find(marker.encode(), at + 1) < 0, "the memo is not in the file exactly once")
    f.seek(at)
    f.write(b"S")
t0 = time.time()
refused = None
while time.time() - t0 < 3:
    s, raw = get_kept_alive()
    if s == 500:
        refused = time.time() - t0
        break
    C.expect(s == 200, f"during the watch the form answered {s}: {raw[:200]!r}")
    time.sleep(0.05)
C.expect(refused is not None, "a memo byte written behind SQLite's back was still served 3 s later")
srv.stop()
C.finish(f"{steps} steps (seed {seed}): {writes} writes, {reads} reads, {compared} bodies byte-equal to the CLI's; "
         f"an UPDATE behind fundflow's back refused on the next read; a memo byte written to the file refused after "
         f"{refused if refused is not None else float('nan'):.2f} s")
