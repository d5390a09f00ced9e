#!/usr/bin/env python3
"""Re-check the hash chain of a fundflow ledger file, written from docs/hash-chain.md alone.

    python3 verify_chain.py LEDGER.db [--digest N:HEX] [--dump N]

Exit 0 and print 'ok: N entries, head HEX' when every entry's prev_hash and hash are what the document
says (and, with --digest, the ledger extends that digest); exit 1 naming the first entry that is not;
exit 2 on bad usage or a file that cannot be read. --dump N prints the canonical encoding of entry N.

Standard library only (sqlite3, hashlib), so an auditor can run it anywhere Python 3 runs. It opens the
file read-only and never writes to it. Text columns are read as raw bytes, exactly as stored.
"""
import hashlib
import sqlite3
import sys

GENESIS = "0" * 64
HEADER = b"fundflow-entry-v1\n"

QUERY = """
SELECT e.id, e.kind, e.effect_kind, p.code, e.level, e.amount_fen, e.effective_on, e.recorded_at,
       e.user, e.os_user, c.code, e.ref, e.memo, e.reverses, e.accepted_on, e.due_on, e.warranty_months,
       e.prev_hash, e.hash,
       p.name, p.unit_name, p.func_code,
       c.supplier, c.amount_fen, c.retention_rate_bp, c.warranty_months, c.sme,
       e.contract_id,
       e.refunds, e.corrects,
       a.entry_id, a.name, a.unit_name, a.func_code, a.supplier, a.amount_fen, a.retention_rate_bp,
       a.warranty_months, a.sme,
       ae.entry_id, ae.user, ae.action, ae.role, ae.projects, ae.password_hash, ae.token_sha256,
       ae.token_expires_at,
       pu.code, un.entry_id, un.code, un.name, upar.code
FROM entries e
LEFT JOIN projects p ON p.id = e.project_id
LEFT JOIN contracts c ON c.id = e.contract_id
LEFT JOIN amendments a ON a.entry_id = e.id AND a.project_id = e.project_id
                      AND a.contract_id IS e.contract_id
LEFT JOIN account_events ae ON ae.entry_id = e.id
LEFT JOIN units pu ON pu.id = p.unit_id
LEFT JOIN units un ON un.entry_id = e.id
LEFT JOIN units upar ON upar.id = un.parent_id
ORDER BY e.id
"""
# Files of schema 6 and before have no units table (and no unit entries, no project's unit).
QUERY_BEFORE_7 = QUERY.replace("pu.code, un.entry_id, un.code, un.name, upar.code",
                               "NULL, NULL, NULL, NULL, NULL").replace("""LEFT JOIN units pu ON pu.id = p.unit_id
LEFT JOIN units un ON un.entry_id = e.id
LEFT JOIN units upar ON upar.id = un.parent_id
""", "")
# Files of schema 4 and before have no account_events table (and no account entries).
QUERY_BEFORE_5 = QUERY_BEFORE_7.replace("""ae.entry_id, ae.user, ae.action, ae.role, ae.projects, ae.password_hash, ae.token_sha256,
       ae.token_expires_at""", "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL").replace(
    "LEFT JOIN account_events ae ON ae.entry_id = e.id\n", "")


class Broken(Exception):
    """The file does not hold a chain the document describes."""


def as_bytes(value):
    """A column value as the bytes of its canonical text (§1 of the document)."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).encode("ascii")
    if isinstance(value, str):
        return value.encode("utf-8")
    raise Broken(f"a value of type {type(value).__name__} where text or an integer belongs")


def field(name, value):
    """NAME:LEN:VALUE\\n, or NAME:-\\n for NULL (§2)."""
    if value is None:
        return name.encode("ascii") + b":-\n"
    data = as_bytes(value)
    return name.encode("ascii") + b":" + str(len(data)).encode("ascii") + b":" + data + b"\n"


def encoding(row):
    (entry_id, kind, effect_kind, project, level, amount_fen, effective_on, recorded_at, user, os_user,
     contract, ref, memo, reverses, accepted_on, due_on, warranty_months, _prev, _hash,
     p_name, p_unit_name, p_func_code, c_supplier, c_amount_fen, c_rate_bp, c_months, c_sme,
     _contract_id, refunds, corrects,
     a_entry, a_name, a_unit_name, a_func_code, a_supplier, a_amount_fen, a_rate_bp, a_months, a_sme,
     u_entry, u_user, u_action, u_role, u_projects, u_password_hash, u_token_sha256, u_token_expires_at,
     p_unit, n_entry, n_code, n_name, n_parent) = row
    # Only an account entry (schema 5) and a unit entry (schema 7) have no project: `project:-`.
    if project is None and kind not in (b"account", b"unit"):
        raise Broken(f"entry #{entry_id} names no registered project")
    out = bytearray(HEADER)
    for name, value in (("id", entry_id), ("kind", kind), ("effect_kind", effect_kind),
                        ("project", project), ("level", level), ("amount_fen", amount_fen),
                        ("effective_on", effective_on), ("recorded_at", recorded_at), ("user", user),
                        ("os_user", os_user), ("contract", contract), ("ref", ref), ("memo", memo),
                        ("reverses", reverses), ("accepted_on", accepted_on), ("due_on", due_on),
                        ("warranty_months", warranty_months)):
        if value is None and name in ("id", "kind", "effect_kind", "amount_fen", "effective_on",
                                      "recorded_at", "user", "os_user", "memo"):
            raise Broken(f"entry #{entry_id} has no {name}")
        out += field(name, value)
    # Schema-3 fields: written only when set (§2).
    for name, value in (("refunds", refunds), ("corrects", corrects)):
        if value is not None:
            out += field(name, value)
    if kind == b"project":
        for name, value in (("project.name", p_name), ("project.unit_name", p_unit_name),
                            ("project.func_code", p_func_code)):
            if value is None:
                raise Broken(f"entry #{entry_id} registers a project without its record")
            out += field(name, value)
        # Schema 7: the project's budget unit, only when it has one (§2).
        if p_unit is not None:
            out += field("project.unit", p_unit)
    elif kind == b"contract":
        if contract is None:
            raise Broken(f"entry #{entry_id} registers a contract without its record")
        if c_sme not in (0, 1):
            raise Broken(f"entry #{entry_id}: the contract's sme flag is {c_sme!r}, not 0 or 1")
        for name, value in (("contract.supplier", c_supplier), ("contract.amount_fen", c_amount_fen),
                            ("contract.retention_rate_bp", c_rate_bp),
                            ("contract.warranty_months", c_months), ("contract.sme", c_sme)):
            if value is None:
                raise Broken(f"entry #{entry_id} registers a contract without its record")
            out += field(name, value)
    elif kind == b"amendment":
        if a_entry is None:
            raise Broken(f"entry #{entry_id} is an amendment without its terms")
        if a_sme not in (None, 0, 1):
            raise Broken(f"entry #{entry_id}: the amendment's sme flag is {a_sme!r}, not 0, 1 or NULL")
        for name, value in (("amendment.name", a_name), ("amendment.unit_name", a_unit_name),
                            ("amendment.func_code", a_func_code), ("amendment.supplier", a_supplier),
                            ("amendment.amount_fen", a_amount_fen),
                            ("amendment.retention_rate_bp", a_rate_bp),
                            ("amendment.warranty_months", a_months), ("amendment.sme", a_sme)):
            out += field(name, value)
    elif kind == b"account":
        if u_entry is None:
            raise Broken(f"entry #{entry_id} is an account entry without its terms")
        out += field("account.user", u_user)
        out += field("account.action", u_action)
        # Each term only when it is set (§2, "An account entry").
        for name, value in (("account.role", u_role), ("account.projects", u_projects),
                            ("account.password_hash", u_password_hash),
                            ("account.token_sha256", u_token_sha256),
                            ("account.token_expires_at", u_token_expires_at)):
            if value is not None:
                out += field(name, value)
    elif kind == b"unit":
        if n_entry is None or n_code is None or n_name is None:
            raise Broken(f"entry #{entry_id} registers a budget unit without its record")
        out += field("unit.code", n_code)
        out += field("unit.name", n_name)
        out += field("unit.parent", n_parent)  # NULL for a root: unit.parent:-
    return bytes(out)


def chain_hash(prev_hash, data):
    """lowercase hex SHA-256 of the 64 ASCII hex characters of prev_hash followed by the encoding (§3)."""
    return hashlib.sha256(prev_hash.encode("ascii") + data).hexdigest()


def text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def verify(path, digest=None, dump=None):
    """Returns (entries, head) of an intact chain; raises Broken otherwise."""
    want_count, want_hash = None, None
    if digest is not None:
        count, colon, hex_part = digest.rpartition(":")
        want_hash = (hex_part if colon else digest).lower()
        if colon:
            if not count.isdigit():
                raise ValueError(f"'{digest}' is not a digest like 7:5f3a...")
            want_count = int(count)
        if len(want_hash) != 64 or any(ch not in "0123456789abcdef" for ch in want_hash):
            raise ValueError(f"'{digest}' is not a digest: 64 hex digits, optionally after 'N:'")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.text_factory = bytes
    try:
        has_accounts = connection.execute(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'account_events'").fetchone()[0]
        has_units = connection.execute(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'units'").fetchone()[0]
        query = QUERY if has_units else QUERY_BEFORE_7 if has_accounts else QUERY_BEFORE_5
        rows = connection.execute(query).fetchall()
    finally:
        connection.close()
    prev = GENESIS
    count = 0
    found = digest is not None and want_hash == GENESIS and want_count in (None, 0)
    for row in rows:
        entry_id, stored_prev, stored_hash = row[0], text(row[17]), text(row[18])
        if entry_id != count + 1:
            raise Broken(f"entry #{count + 1} is missing: ids jump to #{entry_id}")
        if stored_prev != prev:
            raise Broken(f"entry #{entry_id}: prev_hash is not the hash of the entry before it")
        data = encoding(row)
        if dump == entry_id:
            sys.stdout.buffer.write(data)
        computed = chain_hash(prev, data)
        if computed != stored_hash:
            raise Broken(f"entry #{entry_id}: its contents no longer match its hash "
                         f"(stored {stored_hash[:16]}..., computed {computed[:16]}...)")
        prev = stored_hash
        count = entry_id
        if want_hash == stored_hash and want_count in (None, entry_id):
            found = True
    if digest is not None and not found:
        raise Broken(f"the ledger does not extend the digest {digest}")
    return count, prev


def main(argv):
    args = list(argv[1:])
    digest, dump = None, None
    try:
        if "--digest" in args:
            i = args.index("--digest")
            digest = args[i + 1]
            del args[i:i + 2]
        if "--dump" in args:
            i = args.index("--dump")
            dump = int(args[i + 1])
            del args[i:i + 2]
        (path,) = args
    except (IndexError, ValueError):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        count, head = verify(path, digest, dump)
    except Broken as e:
        print(f"verify_chain: broken: {e}", file=sys.stderr)
        return 1
    except (sqlite3.Error, ValueError) as e:
        print(f"verify_chain: cannot check '{path}': {e}", file=sys.stderr)
        return 2
    if dump is None:
        print(f"ok: {count} entries, head {head}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
