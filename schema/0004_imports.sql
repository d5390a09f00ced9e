-- 0004_imports: a record of every file loaded by `fundflow import`, so that loading the same bytes a
-- second time is refused unless the accountant says so (--again): the file's SHA-256, when (UTC) and by
-- whom, its name as given, the entries it added and its row counts.
--
-- Invariants enforced here, in the file:
--   * STRICT; append-only: UPDATE and DELETE raise 'append-only' (as the ledger tables of 0001), and
--     so does an INSERT that would REPLACE a row;
--   * sha256 is 64 lowercase hex digits; recorded_at is the fixed-width UTC text of calendar.hpp;
--   * the entry range is both ends or neither, names entries that exist, holds the entries the import
--     added (at least one per row added: a correction row adds a reversal and its replacement), and
--     added + present = the file's data rows.
-- A record is written in the same transaction as the entries it imported, so an import that was killed
-- or refused leaves none. It is not part of the hash chain (docs/hash-chain.md): it guards against
-- loading a file twice by mistake, not against tampering.

CREATE TABLE imports (
    id              INTEGER PRIMARY KEY,
    sha256          TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    recorded_at     TEXT NOT NULL CHECK (length(recorded_at) = 27),
    user            TEXT NOT NULL,
    os_user         TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    first_entry_id  INTEGER REFERENCES entries(id),
    last_entry_id   INTEGER REFERENCES entries(id),
    row_count       INTEGER NOT NULL CHECK (row_count >= 0),
    added_count     INTEGER NOT NULL CHECK (added_count >= 0),
    present_count   INTEGER NOT NULL CHECK (present_count >= 0),
    CHECK ((first_entry_id IS NULL) = (added_count = 0)),
    CHECK ((first_entry_id IS NULL) = (last_entry_id IS NULL)),
    CHECK (first_entry_id IS NULL OR last_entry_id - first_entry_id + 1 >= added_count),
    CHECK (added_count + present_count = row_count)
) STRICT;

-- "Was this file imported before?": one probe per import.
CREATE INDEX imports_by_sha256 ON imports(sha256);

CREATE TRIGGER imports_no_replace BEFORE INSERT ON imports
WHEN EXISTS (SELECT 1 FROM imports WHERE id = new.id)
BEGIN SELECT RAISE(ABORT, 'imports are append-only'); END;
CREATE TRIGGER imports_no_update BEFORE UPDATE ON imports
BEGIN SELECT RAISE(ABORT, 'imports are append-only'); END;
CREATE TRIGGER imports_no_delete BEFORE DELETE ON imports
BEGIN SELECT RAISE(ABORT, 'imports are append-only'); END;
