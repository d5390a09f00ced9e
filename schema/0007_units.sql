-- 0007_units: budget units (预算单位) in a tree, and the unit a project belongs to (issue 14, cli.md "Storage
-- engines and units").
--
-- A unit is registered by an entry of the new kind 'unit' in the hash chain; its terms (code, name, parent)
-- sit in the side table units and enter the entry's hash (docs/hash-chain.md), as an account's do. A unit
-- belongs to the ledger, not to a project: its entry has no project, level, amount, contract or ref. A unit
-- never moves to another parent and its code never changes (a unit is append-only, like a project).
-- projects gains unit_id: the unit a project was registered under (NULL: none, as every project registered
-- before schema 7). It enters the hash of the project's entry as project.unit only when set, so every
-- existing hash stays what it was.
--
-- The entries table is rebuilt (SQLite cannot change a CHECK constraint in place) with the kind and effect
-- kind 'unit', and project_id NULL for an account or unit entry and no other kind. Rows on file are copied
-- unchanged. The append-only triggers and the guards of the derived totals are recreated (as in 0005).

DROP TRIGGER day_totals_guard_insert;
DROP TRIGGER day_totals_guard_update;
DROP TRIGGER month_totals_guard_insert;
DROP TRIGGER month_totals_guard_update;
DROP TRIGGER year_totals_guard_insert;
DROP TRIGGER year_totals_guard_update;

CREATE TABLE entries_v7 (
    id               INTEGER PRIMARY KEY,  -- 1, 2, 3, ... without gaps: the chain's order
    kind             TEXT NOT NULL CHECK (kind IN ('project', 'contract', 'appropriation', 'adjustment',
                         'arrival', 'payment', 'refund', 'retention', 'release', 'forfeit', 'recovery',
                         'close', 'reversal', 'amendment', 'reopen', 'account', 'unit')),
    effect_kind      TEXT NOT NULL CHECK (effect_kind IN ('project', 'contract', 'appropriation',
                         'adjustment', 'arrival', 'payment', 'refund', 'retention', 'release', 'forfeit',
                         'recovery', 'close', 'amendment', 'reopen', 'prior_refund', 'account', 'unit')),
    project_id       INTEGER REFERENCES projects(id),
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
    reverses         INTEGER REFERENCES entries_v7(id),
    accepted_on      TEXT CHECK (accepted_on IS NULL OR accepted_on IS date(accepted_on)),
    due_on           TEXT CHECK (due_on IS NULL OR due_on IS date(due_on)),
    warranty_months  INTEGER,
    prev_hash        TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash             TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
    refunds          INTEGER REFERENCES entries_v7(id) CHECK (refunds IS NULL OR kind = 'refund'),
    corrects         INTEGER REFERENCES entries_v7(id),
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL)),
    CHECK (kind = 'reversal' OR kind = effect_kind OR (kind = 'refund' AND effect_kind = 'prior_refund')),
    CHECK (effect_kind <> 'prior_refund' OR level = 'carryover'),
    CHECK (corrects IS NULL OR kind IN ('appropriation', 'adjustment', 'arrival', 'payment', 'refund',
                                        'retention', 'release', 'forfeit', 'recovery')),
    CHECK (kind NOT IN ('amendment', 'reopen') OR (level IS NULL AND amount_fen = 0)),
    CHECK ((kind IN ('account', 'unit')) = (project_id IS NULL)),
    CHECK (kind NOT IN ('account', 'unit') OR (level IS NULL AND amount_fen = 0 AND contract_id IS NULL AND ref IS NULL
                                 AND accepted_on IS NULL AND due_on IS NULL AND warranty_months IS NULL))
) STRICT;

INSERT INTO entries_v7 (id, kind, effect_kind, project_id, level, amount_fen, effective_on, recorded_at, user,
                        os_user, contract_id, ref, memo, reverses, accepted_on, due_on, warranty_months,
                        prev_hash, hash, refunds, corrects)
SELECT id, kind, effect_kind, project_id, level, amount_fen, effective_on, recorded_at, user, os_user,
       contract_id, ref, memo, reverses, accepted_on, due_on, warranty_months, prev_hash, hash, refunds, corrects
FROM entries ORDER BY id;

DROP TABLE entries;
ALTER TABLE entries_v7 RENAME TO entries;

CREATE UNIQUE INDEX entries_one_reversal ON entries(reverses) WHERE reverses IS NOT NULL;
CREATE UNIQUE INDEX entries_one_correction ON entries(corrects) WHERE corrects IS NOT NULL;
CREATE UNIQUE INDEX entries_ref ON entries(project_id, ref, ifnull(corrects, 0)) WHERE ref IS NOT NULL;
CREATE INDEX entries_refunds ON entries(refunds) WHERE refunds IS NOT NULL;
CREATE INDEX entries_by_project_date ON entries(project_id, effective_on, level, effect_kind, amount_fen,
                                                recorded_at);
CREATE INDEX entries_by_contract ON entries(contract_id, effective_on, level, effect_kind, amount_fen, recorded_at,
                                            project_id) WHERE contract_id IS NOT NULL;
CREATE INDEX entries_retentions ON entries(contract_id, effective_on, id, kind, effect_kind, level, amount_fen,
                                           accepted_on, due_on, recorded_at, project_id)
    WHERE effect_kind IN ('retention', 'release', 'forfeit');
CREATE INDEX entries_closes ON entries(project_id, id) WHERE kind IN ('close', 'reopen');
CREATE INDEX entries_amendments ON entries(project_id, contract_id, effective_on, id) WHERE kind = 'amendment';

CREATE TRIGGER entries_feed_day_totals AFTER INSERT ON entries WHEN new.level IS NOT NULL
BEGIN
    INSERT INTO day_totals (project_id, level, effective_on, effect_kind, amount_fen)
    VALUES (new.project_id, new.level, new.effective_on, new.effect_kind, new.amount_fen)
    ON CONFLICT DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen;
END;

CREATE TRIGGER entries_feed_period_totals AFTER INSERT ON entries WHEN new.level IS NOT NULL
BEGIN
    INSERT INTO month_totals (project_id, level, month, effect_kind, amount_fen)
    VALUES (new.project_id, new.level, substr(new.effective_on, 1, 7), new.effect_kind, new.amount_fen)
    ON CONFLICT DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen;
    INSERT INTO year_totals (project_id, level, year, effect_kind, amount_fen)
    VALUES (new.project_id, new.level, CAST(substr(new.effective_on, 1, 4) AS INTEGER), new.effect_kind,
            new.amount_fen)
    ON CONFLICT DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen;
END;

CREATE TRIGGER entries_no_replace BEFORE INSERT ON entries
WHEN EXISTS (SELECT 1 FROM entries WHERE id = new.id OR hash = new.hash)
  OR (new.ref IS NOT NULL AND new.corrects IS NULL
      AND EXISTS (SELECT 1 FROM entries WHERE project_id = new.project_id AND ref = new.ref))
  OR (new.reverses IS NOT NULL AND EXISTS (SELECT 1 FROM entries WHERE reverses = new.reverses))
  OR (new.corrects IS NOT NULL AND EXISTS (SELECT 1 FROM entries WHERE corrects = new.corrects))
BEGIN SELECT RAISE(ABORT, 'entries are append-only: post a reversal instead'); END;
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'entries are append-only: post a reversal instead'); END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'entries are append-only: post a reversal instead'); END;

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

CREATE TRIGGER month_totals_guard_insert BEFORE INSERT ON month_totals
WHEN NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = (SELECT max(id) FROM entries)
                 AND e.project_id = new.project_id AND e.level = new.level
                 AND substr(e.effective_on, 1, 7) = new.month AND e.effect_kind = new.effect_kind
                 AND e.amount_fen = new.amount_fen)
BEGIN SELECT RAISE(ABORT, 'month_totals is derived from entries: append-only'); END;
CREATE TRIGGER month_totals_guard_update BEFORE UPDATE ON month_totals
WHEN new.project_id IS NOT old.project_id OR new.level IS NOT old.level
     OR new.month IS NOT old.month OR new.effect_kind IS NOT old.effect_kind
     OR NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = (SELECT max(id) FROM entries)
                    AND e.project_id = new.project_id AND e.level = new.level
                    AND substr(e.effective_on, 1, 7) = new.month AND e.effect_kind = new.effect_kind
                    AND new.amount_fen = old.amount_fen + e.amount_fen)
BEGIN SELECT RAISE(ABORT, 'month_totals is derived from entries: append-only'); END;

CREATE TRIGGER year_totals_guard_insert BEFORE INSERT ON year_totals
WHEN NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = (SELECT max(id) FROM entries)
                 AND e.project_id = new.project_id AND e.level = new.level
                 AND CAST(substr(e.effective_on, 1, 4) AS INTEGER) = new.year
                 AND e.effect_kind = new.effect_kind AND e.amount_fen = new.amount_fen)
BEGIN SELECT RAISE(ABORT, 'year_totals is derived from entries: append-only'); END;
CREATE TRIGGER year_totals_guard_update BEFORE UPDATE ON year_totals
WHEN new.project_id IS NOT old.project_id OR new.level IS NOT old.level
     OR new.year IS NOT old.year OR new.effect_kind IS NOT old.effect_kind
     OR NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = (SELECT max(id) FROM entries)
                    AND e.project_id = new.project_id AND e.level = new.level
                    AND CAST(substr(e.effective_on, 1, 4) AS INTEGER) = new.year
                    AND e.effect_kind = new.effect_kind
                    AND new.amount_fen = old.amount_fen + e.amount_fen)
BEGIN SELECT RAISE(ABORT, 'year_totals is derived from entries: append-only'); END;

-- The terms an account entry sets. `user` is the account acted on (the entry's own `user` column is the
-- actor). `projects`: an accountant's project codes, sorted, joined by ',' (codes never contain one);
-- NULL on a create or role event is every project. Covered by the account entry's hash.

CREATE TABLE units (
    id         INTEGER PRIMARY KEY,
    entry_id   INTEGER NOT NULL UNIQUE REFERENCES entries(id),
    code       TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 64
                                          AND code NOT IN ('yuan', 'wan', '元', '万元')),
    name       TEXT NOT NULL CHECK (length(name) >= 1),
    parent_id  INTEGER REFERENCES units(id) CHECK (parent_id IS NULL OR parent_id < id)
) STRICT;
CREATE INDEX units_by_parent ON units(parent_id, id);

CREATE TRIGGER units_no_replace BEFORE INSERT ON units
WHEN EXISTS (SELECT 1 FROM units WHERE id = new.id OR code = new.code OR entry_id = new.entry_id)
  OR NOT EXISTS (SELECT 1 FROM entries WHERE id = new.entry_id AND kind = 'unit')
BEGIN SELECT RAISE(ABORT, 'units are append-only, each registered by its own unit entry'); END;
CREATE TRIGGER units_no_update BEFORE UPDATE ON units
BEGIN SELECT RAISE(ABORT, 'units are append-only'); END;
CREATE TRIGGER units_no_delete BEFORE DELETE ON units
BEGIN SELECT RAISE(ABORT, 'units are append-only'); END;

ALTER TABLE projects ADD COLUMN unit_id INTEGER REFERENCES units(id);
CREATE INDEX projects_by_unit ON projects(unit_id, id) WHERE unit_id IS NOT NULL;
