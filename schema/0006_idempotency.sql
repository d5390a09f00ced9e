-- 0006_idempotency: the keys of the service's postings (api.md "Writes": Idempotency-Key). A client that
-- retries a POST /api/v1/entries after a lost answer, a timeout or a restart of the server sends the same
-- key; the key, per authenticated user, names the entry its first request wrote, and the SHA-256 of that
-- request's content tells a retry (same content: the first entry again) from a reuse (other content: 409).
--
-- A key is written in the same transaction as its entry, so an entry acknowledged with 201 always has its
-- key, and a request that did not commit left neither. Append-only like the ledger's other tables; not part
-- of the hash chain (it guards against posting twice, not against tampering).

CREATE TABLE idempotency_keys (
    user            TEXT NOT NULL CHECK (length(user) BETWEEN 1 AND 128),
    key             TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    request_sha256  TEXT NOT NULL CHECK (length(request_sha256) = 64 AND request_sha256 NOT GLOB '*[^0-9a-f]*'),
    entry_id        INTEGER NOT NULL REFERENCES entries(id),
    recorded_at     TEXT NOT NULL CHECK (length(recorded_at) = 27),
    PRIMARY KEY (user, key)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER idempotency_keys_no_replace BEFORE INSERT ON idempotency_keys
WHEN EXISTS (SELECT 1 FROM idempotency_keys WHERE user = new.user AND key = new.key)
BEGIN SELECT RAISE(ABORT, 'idempotency keys are append-only'); END;
CREATE TRIGGER idempotency_keys_no_update BEFORE UPDATE ON idempotency_keys
BEGIN SELECT RAISE(ABORT, 'idempotency keys are append-only'); END;
CREATE TRIGGER idempotency_keys_no_delete BEFORE DELETE ON idempotency_keys
BEGIN SELECT RAISE(ABORT, 'idempotency keys are append-only'); END;
