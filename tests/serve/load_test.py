#!/usr/bin/env python3
"""SV2: load and a crash under it (issue 13, item 7). Usage: load_test.py PATH/TO/fundflow [PER_CLIENT]

8 client threads post PER_CLIENT (250) payments each to `fundflow serve` over HTTP, every one with its own
Idempotency-Key, while 2 reader threads poll GET /api/v1/projects/P001/execution. When a third of the payments
are acknowledged the server is killed with SIGKILL and started again on the same file (on a new port); the
clients retry every request not acknowledged, with the same key, until it is. Afterwards, read from the file
with sqlite3: every acknowledged entry is there exactly once and is the entry its key names, every client's
payments are there exactly once (by memo), the sum of the payments is exact in fen; `fundflow verify` exits 0;
no 5xx answer at any time (connection errors only while the server is down).
"""
import http.client
import json
import os
import shutil
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import servelib as sl  # noqa: E402

binary = os.path.abspath(sys.argv[1])
per_client = int(sys.argv[2]) if len(sys.argv) > 2 else int(os.environ.get("FUNDFLOW_SV2_PER_CLIENT", "250"))
CLIENTS, READERS = 8, 2
C = sl.Checks("SV2")
d = sl.scratch_dir("fundflow-sv2-")
db = os.path.join(d, "ledger.db")
sl.seed(binary, db, projects=("P001",), budget="100000000.00")
sl.make_users(binary, db, names=("acc1", "audi", "admin"))  # acc2 is limited to P002, not made here
lock = threading.Lock()
state = {"srv": sl.Server(binary, db).start(), "down": False}
token = {}
for u in ("acc1", "audi"):
    token[u] = state["srv"].login(u)
stats = dict(requests=0, acked=0, created=0, replayed=0, retried=0, conn_errors=0, reads=0, read_errors=0, http5xx=0)
acks = {}  # key -> (status, entry id)
done = threading.Event()
t0 = time.time()


def amount_fen(c, n):
    return 100 + 37 * c + (n % 89)  # 1.00 .. 2.00 元


def bump(k, v=1):
    with lock:
        stats[k] += v


def post(c, n):
    key = f"sv2-c{c}-n{n}"
    fen = amount_fen(c, n)
    body = {"kind": "payment", "project": "P001", "level": "county", "amount": f"{fen // 100}.{fen % 100:02d}",
            "date": "2024-06-01", "memo": f"load c{c} n{n}"}
    attempt = 0
    while True:
        srv = state["srv"]
        attempt += 1
        if attempt > 1:
            bump("retried")
        bump("requests")
        try:
            s, _, raw, j = srv.request("POST", "/api/v1/entries", body, token=token["acc1"],
                                       headers={"Idempotency-Key": key}, timeout=30)
        except (OSError, http.client.HTTPException):
            bump("conn_errors")
            if time.time() - t0 > 150:
                C.problem(f"{key}: still not acknowledged after 150 s")
                return
            time.sleep(0.05)
            continue
        if s >= 500:
            bump("http5xx")
            C.problem(f"{key}: {s} {raw[:200]!r}")
            time.sleep(0.05)
            continue
        if s in (200, 201):
            with lock:
                acks[key] = (s, j["entry"]["id"], fen, body["memo"])
                stats["acked"] += 1
                stats["created" if s == 201 else "replayed"] += 1
            return
        C.problem(f"{key}: {s} {raw[:200]!r}, want 201 (or 200 on a retry)")
        return


def client(c):
    for n in range(per_client):
        post(c, n)


def reader():
    while not done.is_set():
        srv = state["srv"]
        try:
            s, _, raw, j = srv.request("GET", "/api/v1/projects/P001/execution?year=2024", token=token["audi"])
        except (OSError, http.client.HTTPException):
            bump("read_errors")
            time.sleep(0.05)
            continue
        bump("reads")
        if s >= 500:
            bump("http5xx")
            C.problem(f"read: {s} {raw[:200]!r}")
        elif s != 200:
            C.problem(f"read: {s} {raw[:200]!r}, want 200")
        time.sleep(0.01)


threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
readers = [threading.Thread(target=reader) for _ in range(READERS)]
for t in threads + readers:
    t.start()
# The crash: at a third of the payments acknowledged, kill -9 and start again on the same file.
total = CLIENTS * per_client
while stats["acked"] < total // 3 and any(t.is_alive() for t in threads):
    time.sleep(0.01)
acked_at_kill = stats["acked"]
state["srv"].kill9()
t_kill = time.time()
new = sl.Server(binary, db).start()
state["srv"] = new
down_ms = (time.time() - t_kill) * 1000
for t in threads:
    t.join()
done.set()
for t in readers:
    t.join()
elapsed = time.time() - t0
# Replays: 50 acknowledged keys sent again with the same content -> 200 and the same entry; with other content -> 409.
replays = conflicts = 0
for k in range(50):
    c, n = k % CLIENTS, (k * 37) % per_client
    key = f"sv2-c{c}-n{n}"
    fen = amount_fen(c, n)
    body = {"kind": "payment", "project": "P001", "level": "county", "amount": f"{fen // 100}.{fen % 100:02d}",
            "date": "2024-06-01", "memo": f"load c{c} n{n}"}
    s, _, raw, j = state["srv"].request("POST", "/api/v1/entries", body, token=token["acc1"],
                                        headers={"Idempotency-Key": key})
    replays += 1
    C.expect(s == 200 and j["entry"]["id"] == acks.get(key, (0, None))[1],
             f"replay of {key}: {s} {raw[:160]!r}, want 200 and entry {acks.get(key, (0, None))[1]}")
    s, _, raw, j = state["srv"].request("POST", "/api/v1/entries", dict(body, amount="9.99"), token=token["acc1"],
                                        headers={"Idempotency-Key": key})
    conflicts += 1
    C.expect(s == 409 and j.get("error") == "conflict", f"{key} with other content: {s} {raw[:160]!r}, want 409")
state["srv"].stop()  # SIGTERM: drains, exit 0

# The file, as sqlite3 sees it.
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
rows = con.execute("SELECT id, memo, amount_fen FROM entries WHERE kind = 'payment' AND memo LIKE 'load c%'").fetchall()
con.close()
by_memo = {}
for eid, memo, fen in rows:
    by_memo.setdefault(memo, []).append((eid, fen))
dups = sum(len(v) - 1 for v in by_memo.values())
C.expect(dups == 0, f"{dups} duplicate payments: {[m for m, v in by_memo.items() if len(v) > 1][:5]}")
missing = 0
for c in range(CLIENTS):
    for n in range(per_client):
        key = f"sv2-c{c}-n{n}"
        a = acks.get(key)
        got = by_memo.get(f"load c{c} n{n}", [])
        if a is None:
            C.problem(f"{key} never acknowledged")
            continue
        if len(got) != 1:
            missing += 1
            C.problem(f"{key} acknowledged as entry {a[1]}: {len(got)} entries with its memo, want 1")
        elif got[0][0] != a[1] or got[0][1] != a[2]:
            C.problem(f"{key} acknowledged as entry {a[1]} ({a[2]} fen), the file has {got[0]}")
want_sum = sum(amount_fen(c, n) for c in range(CLIENTS) for n in range(per_client))
got_sum = sum(fen for _, _, fen in rows)
C.expect(got_sum == want_sum, f"sum of payments {got_sum} fen, want {want_sum}")
C.expect(len(acks) == total, f"{len(acks)} of {total} acknowledged")
v = sl.run(binary, db, "verify", check=False)
C.expect(v.returncode == 0, f"fundflow verify: exit {v.returncode}: {v.stdout[-300:]} {v.stderr[-300:]}")
C.expect(stats["http5xx"] == 0, f"{stats['http5xx']} 5xx answers")
C.figure(f"{stats['requests']} POSTs by {CLIENTS} clients ({total} payments), {stats['reads']} reads by {READERS} "
         f"readers; kill -9 at {acked_at_kill} acknowledged, back on a new port in {down_ms:.0f} ms; "
         f"{stats['conn_errors']} + {stats['read_errors']} connection errors; {stats['retried']} retries "
         f"({stats['replayed']} answered 200 with the first entry: committed before the kill, not acknowledged); "
         f"afterwards {replays} acknowledged keys sent again: 200 and the same entry; with other content: 409")
shutil.rmtree(d, ignore_errors=True)
C.finish(f"{total} payments acknowledged ({stats['created']} 201 + {stats['replayed']} 200 on retry), each in the "
         f"ledger exactly once, duplicates {dups}, sum {got_sum} fen exact, 0 5xx, verify ok, {elapsed:.1f} s")
