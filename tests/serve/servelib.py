"""Helpers for the tests of `fundflow serve` (python3 stdlib only): start and stop the server on a ledger file,
send requests, create the test users.

Users are created in ONE place, make_user(): it runs `fundflow user add NAME --role R [--projects P]
--password-stdin` when `fundflow user --help` succeeds (the real user store), and does nothing otherwise (the
stand-in ledger/src/stub_accounts.cpp: any name logs in with 'password1', role by name). accounts_built() tells
the two apart, so that a check that needs the real store reports 'skipped (accounts not built)' instead of
failing, and runs for real once the store is merged.
"""
import atexit
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

PASSWORD = "password1"
# name -> (role, projects)
USERS = {
    "acc1": ("accountant", None),
    "acc2": ("accountant", "P002"),
    "audi": ("auditor", None),
    "admin": ("admin", None),
}

ENV = dict(os.environ, TZ="Asia/Shanghai", LC_ALL="C.UTF-8", FUNDFLOW_USER="servetest")
for k in ("FUNDFLOW_DB", "FUNDFLOW_READ_ONLY", "FUNDFLOW_LOG"):
    ENV.pop(k, None)


def scratch_dir(prefix):
    root = os.environ.get("FUNDFLOW_TEST_TMPDIR") or ("/dev/shm" if os.access("/dev/shm", os.W_OK) else None)
    return tempfile.mkdtemp(prefix=prefix, dir=root)


def run(binary, db, *args, stdin=None, check=True):
    p = subprocess.run([binary, "--db", db, *args], input=stdin, capture_output=True, text=True, env=ENV)
    if check and p.returncode != 0:
        raise RuntimeError(f"fundflow {' '.join(args)}: exit {p.returncode}: {p.stderr.strip()}")
    return p


_built = {}


def accounts_built(binary):
    if binary not in _built:
        # Without the user store, `--help` after an unknown command prints the top-level help (exit 0): the
        # store is there when the help is the user command's own (it names `fundflow user` or `user add`).
        p = subprocess.run([binary, "user", "--help"], capture_output=True, text=True, env=ENV)
        text = p.stdout + p.stderr
        _built[binary] = p.returncode == 0 and ("fundflow user" in text or "user add" in text)
    return _built[binary]


def make_user(binary, db, name, role, projects=None, password=PASSWORD):
    """The one way these tests create a user (see the module's head)."""
    if not accounts_built(binary):
        return False
    args = ["user", "add", name, "--role", role]
    if projects:
        args += ["--projects", projects]
    args.append("--password-stdin")
    run(binary, db, *args, stdin=password + "\n")
    return True


def make_users(binary, db, names=tuple(USERS)):
    for name in names:
        role, projects = USERS[name]
        make_user(binary, db, name, role, projects)


def seed(binary, db, projects=("P001", "P002"), budget="10000000.00"):
    """A ledger with projects, each with a county budget that has all arrived (payments are accepted)."""
    run(binary, db, "init")
    for code in projects:
        run(binary, db, "project", "add", code, "--name", f"测试项目 {code}", "--date", "2024-01-01")
        run(binary, db, "appropriate", code, "--level", "county", "--amount", budget, "--date", "2024-01-02")
        run(binary, db, "arrive", code, "--level", "county", "--amount", budget, "--date", "2024-01-03")


class Server:
    def __init__(self, binary, db, extra=(), log=None):
        """log: a file for the server's stderr (its access log), else it is discarded."""
        self.binary, self.db, self.extra, self.log = binary, db, list(extra), log
        self.proc = None
        self.host = self.port = None

    def start(self, timeout=20):
        self.proc = subprocess.Popen([self.binary, "--db", self.db, "serve", "--listen", "127.0.0.1:0", *self.extra],
                                     stdout=subprocess.PIPE, stderr=open(self.log, "a") if self.log else subprocess.DEVNULL, text=True, env=ENV)
        proc = self.proc
        atexit.register(lambda: proc.poll() is None and proc.kill())  # a test that fails half-way leaves none
        line = self.proc.stdout.readline().strip()
        prefix = "listening on http://"
        if not line.startswith(prefix):
            self.proc.kill()
            raise RuntimeError(f"serve printed {line!r}, not '{prefix}HOST:PORT'")
        self.host, port = line[len(prefix):].rsplit(":", 1)
        self.port = int(port)
        return self

    def stop(self):
        """SIGTERM: drains and must exit 0."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError("serve did not exit within 20 s of SIGTERM")
            if rc != 0:
                raise RuntimeError(f"serve exited {rc} after SIGTERM, want 0")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def request(self, method, path, body=None, token=None, cookie=None, headers=None, timeout=30):
        """-> (status, headers dict (lower-case names), body bytes, parsed JSON or None)."""
        h = dict(headers or {})
        if token is not None:
            h["Authorization"] = f"Bearer {token}"
        if cookie is not None:
            h["Cookie"] = f"fundflow_session={cookie}"
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body, ensure_ascii=False)
            if isinstance(data, str):
                data = data.encode()
            h.setdefault("Content-Type", "application/json")
        c = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            raw = r.read()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
            status = r.status
        finally:
            c.close()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return status, hdrs, raw, parsed

    def login(self, user, password=PASSWORD):
        s, h, raw, j = self.request("POST", "/api/v1/session", {"user": user, "password": password})
        if s != 200:
            raise RuntimeError(f"login {user}: {s} {raw[:200]!r}")
        return j["token"]


def entry_count(binary, db):
    """Entries in the ledger, read by the CLI's digest (its JSON)."""
    p = run(binary, db, "digest", "--format", "json")
    j = json.loads(p.stdout)
    for k in ("entries", "count", "entry_count"):
        if k in j:
            return j[k]
    return j


class Checks:
    """Collects failures; prints figure lines like the reliability suite ('SV1: …')."""

    def __init__(self, test_id):
        self.test_id, self.problems, self.skipped = test_id, [], []

    def problem(self, text):
        if len(self.problems) < 40:
            print(f"  problem: {text}", flush=True)
        self.problems.append(text)

    def expect(self, cond, text):
        if not cond:
            self.problem(text)
        return cond

    def figure(self, text):
        print(f"{self.test_id} {text}", flush=True)

    def skip(self, what):
        self.skipped.append(what)
        print(f"skip: {self.test_id}: {what}: skipped (accounts not built)", flush=True)

    def finish(self, summary):
        if self.problems:
            print(f"FAIL {self.test_id}: {len(self.problems)} problems; first: {self.problems[0]}")
            sys.exit(1)
        sk = f"; skipped (accounts not built): {', '.join(self.skipped)}" if self.skipped else ""
        print(f"{self.test_id}: {summary}{sk}")
        sys.exit(0)
