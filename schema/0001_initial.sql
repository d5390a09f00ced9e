-- 0001_initial: projects, contracts and the entries journal of a fundflow ledger.
--
-- Invariants enforced here, in the file, whatever program writes to it:
--   * every table is STRICT; money is INTEGER fen in columns named *_fen;
--   * dates are 'YYYY-MM-DD' text that SQLite's date() reproduces (C++ also rejects 2024-02-30);
--   * projects, contracts and entries are append-only: UPDATE and DELETE raise 'append-only';
--   * an entry is reversed at most once (unique index on reverses), a voucher ref is unique per project;
--   * day_totals is a derived cache, maintained by an insert trigger in the same transaction as the
--     entry, guarded against any other write, and recomputed by `fundflow verify`.
-- The hash chain (docs/hash-chain.md) is computed by the program: a trigger cannot protect against the
-- stock sqlite3 client, which may disable triggers; only the chain and an outside digest can.

CREATE TABLE projects (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 64),
    name        TEXT NOT NULL CHECK (length(name) >= 1),
    unit_name   TEXT NOT NULL DEFAULT '',
    func_code   TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE contracts (
    id                 INTEGER PRIMARY KEY,
    project_id         INTEGER NOT NULL REFERENCES projects(id),
    code               TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
    supplier           TEXT NOT NULL CHECK (length(supplier) >= 1),
    amount_fen         INTEGER NOT NULL CHECK (amount_fen > 0),
    retention_rate_bp  INTEGER NOT NULL CHECK (retention_rate_bp BETWEEN 0 AND 10000),
    warranty_months    INTEGER NOT NULL CHECK (warranty_months BETWEEN 0 AND 1200),
    sme                INTEGER NOT NULL CHECK (sme IN (0, 1)),
    UNIQUE (project_id, code)
) STRICT;

CREATE TABLE entries (
    id               INTEGER PRIMARY KEY,  -- 1, 2, 3, ... without gaps: the chain's order
    kind             TEXT NOT NULL CHECK (kind IN ('project', 'contract', 'appropriation', 'adjustment',
                         'arrival', 'payment', 'refund', 'retention', 'release', 'forfeit', 'recovery',
                         'close', 'reversal')),
    effect_kind      TEXT NOT NULL CHECK (effect_kind IN ('project', 'contract', 'appropriation',
                         'adjustment', 'arrival', 'payment', 'refund', 'retention', 'release', 'forfeit',
                         'recovery', 'close')),
    project_id       INTEGER NOT NULL REFERENCES projects(id),
    level            TEXT CHECK (level IN ('central', 'provincial', 'municipal', 'county', 'carryover',
                         'other')),
    amount_fen       INTEGER NOT NULL,
    effective_on     TEXT NOT NULL CHECK (effective_on IS date(effective_on)),
    recorded_at      TEXT NOT NULL CHECK (length(recorded_at) = 27),
    user             TEXT NOT NULL,
    os_user          TEXT NOT NULL,
    contract_id      INTEGER REFERENCES contracts(id),
    ref              TEXT CHECK (ref IS NULL OR length(ref) >= 1),
    memo             TEXT NOT NULL DEFAULT '',
    reverses         INTEGER REFERENCES entries(id),
    accepted_on      TEXT CHECK (accepted_on IS NULL OR accepted_on IS date(accepted_on)),
    due_on           TEXT CHECK (due_on IS NULL OR due_on IS date(due_on)),
    warranty_months  INTEGER,
    prev_hash        TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash             TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL)),
    CHECK (kind = 'reversal' OR kind = effect_kind)
) STRICT;

CREATE UNIQUE INDEX entries_one_reversal ON entries(reverses) WHERE reverses IS NOT NULL;
CREATE UNIQUE INDEX entries_ref ON entries(project_id, ref) WHERE ref IS NOT NULL;
-- Reports: a project's entries of a period, by level and kind, read from the index alone.
CREATE INDEX entries_by_project_date ON entries(project_id, effective_on, level, effect_kind, amount_fen,
                                                recorded_at);
-- A contract's money, read from the index alone (rule checks, balance --by contract).
CREATE INDEX entries_by_contract ON entries(contract_id, effective_on, level, effect_kind, amount_fen, recorded_at,
                                            project_id) WHERE contract_id IS NOT NULL;
-- Warranty deposits: the few entries that withhold, pay out or deduct them.
CREATE INDEX entries_retentions ON entries(contract_id, effective_on)
    WHERE effect_kind IN ('retention', 'release', 'forfeit');
-- Year locks: a project's close entries.
CREATE INDEX entries_closes ON entries(project_id, effective_on) WHERE kind = 'close';

-- A derived cache, written only by the insert trigger below in the same transaction as the entry:
-- day totals per (project, level, effective day, effect kind) serve the rule checks and the reports of
-- current knowledge without scanning entries. Guards refuse any other write: an insert or update must
-- add exactly the newest entry's amount under its own key.
CREATE TABLE day_totals (
    project_id    INTEGER NOT NULL,
    level         TEXT NOT NULL,
    effective_on  TEXT NOT NULL,
    effect_kind   TEXT NOT NULL,
    amount_fen    INTEGER NOT NULL,
    PRIMARY KEY (project_id, level, effective_on, effect_kind)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER entries_feed_day_totals AFTER INSERT ON entries WHEN new.level IS NOT NULL
BEGIN
    INSERT INTO day_totals (project_id, level, effective_on, effect_kind, amount_fen)
    VALUES (new.project_id, new.level, new.effective_on, new.effect_kind, new.amount_fen)
    ON CONFLICT DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen;
END;

CREATE TRIGGER day_totals_guard_insert BEFORE INSERT ON day_totals
WHEN NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = (SELECT max(id) FROM entries)
                 AND e.project_id = new.project_id AND e.level = new.level
                 AND e.effective_on = new.effective_on AND e.effect_kind = new.effect_kind
                 AND e.amount_fen = new.amount_fen)
BEGIN SELECT RAISE(ABORT, 'day_totals is derived from entries: append-only'); END;
CREATE TRIGGER day_totals_guard_update BEFORE UPDATE ON day_totals
WHEN new.project_id IS NOT old.project_id OR new.level IS NOT old.level
     OR new.effective_on IS NOT old.effective_on OR new.effect_kind IS NOT old.effect_kind
     OR NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = (SELECT max(id) FROM entries)
                    AND e.project_id = new.project_id AND e.level = new.level
                    AND e.effective_on = new.effective_on AND e.effect_kind = new.effect_kind
                    AND new.amount_fen = old.amount_fen + e.amount_fen)
BEGIN SELECT RAISE(ABORT, 'day_totals is derived from entries: append-only'); END;
CREATE TRIGGER day_totals_no_delete BEFORE DELETE ON day_totals
BEGIN SELECT RAISE(ABORT, 'day_totals is derived from entries: append-only'); END;

-- REPLACE (INSERT OR REPLACE) deletes a conflicting row without firing DELETE triggers, so an insert
-- that would collide with an existing row is refused before it happens.
CREATE TRIGGER projects_no_replace BEFORE INSERT ON projects
WHEN EXISTS (SELECT 1 FROM projects WHERE id = new.id OR code = new.code)
BEGIN SELECT RAISE(ABORT, 'projects are append-only'); END;
CREATE TRIGGER contracts_no_replace BEFORE INSERT ON contracts
WHEN EXISTS (SELECT 1 FROM contracts WHERE id = new.id OR (project_id = new.project_id AND code = new.code))
BEGIN SELECT RAISE(ABORT, 'contracts are append-only: a contract change is a new entry'); END;
CREATE TRIGGER entries_no_replace BEFORE INSERT ON entries
WHEN EXISTS (SELECT 1 FROM entries WHERE id = new.id OR hash = new.hash)
  OR (new.ref IS NOT NULL AND EXISTS (SELECT 1 FROM entries WHERE project_id = new.project_id AND ref = new.ref))
  OR (new.reverses IS NOT NULL AND EXISTS (SELECT 1 FROM entries WHERE reverses = new.reverses))
BEGIN SELECT RAISE(ABORT, 'entries are append-only: post a reversal instead'); END;
CREATE TRIGGER projects_no_update BEFORE UPDATE ON projects
BEGIN SELECT RAISE(ABORT, 'projects are append-only'); END;
CREATE TRIGGER projects_no_delete BEFORE DELETE ON projects
BEGIN SELECT RAISE(ABORT, 'projects are append-only'); END;
CREATE TRIGGER contracts_no_update BEFORE UPDATE ON contracts
BEGIN SELECT RAISE(ABORT, 'contracts are append-only: a contract change is a new entry'); END;
CREATE TRIGGER contracts_no_delete BEFORE DELETE ON contracts
BEGIN SELECT RAISE(ABORT, 'contracts are append-only: a contract change is a new entry'); END;
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'entries are append-only: post a reversal instead'); END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'entries are append-only: post a reversal instead'); END;
