-- 0003_amendments: what issue 11 needs in the file — refunds that name what they return, corrections
-- that keep a voucher's ref, contract and project amendments, and reopened years.
--
-- The entries table is rebuilt (SQLite cannot change a CHECK constraint in place) with:
--   * new kinds: 'amendment' (合同变更 / 项目变更: new terms of a contract, or a project's new name, from
--     an effective date on; its terms are in the amendments table) and 'reopen' (重开年度: unlocks a
--     closed year, with a reason);
--   * a new effect kind 'prior_refund' (年初余额调整, 以前年度支出收回): a refund that returns a payment or
--     release of an earlier year. It lands on the carryover level and raises that year's carryover budget
--     and arrival instead of lowering execution (domain.md §4, §6). A refund of the same year keeps the
--     effect kind 'refund';
--   * `refunds`: the payment or release a refund returns (`refund --of`), when it names one;
--   * `corrects`: the entry a replacement corrects (`fundflow correct`). The replacement keeps the
--     original's voucher ref, so a ref is unique per project among entries correcting the same thing:
--     an original and its replacement may share it, two originals may not. Each entry is corrected at
--     most once.
-- Rows already on file are copied unchanged: their hashes cover exactly the columns they had (the new
-- columns are NULL and enter the canonical encoding only when set: docs/hash-chain.md).
--
-- The append-only triggers are recreated on the new table; the guards of the derived totals refer to
-- `entries` by name and are recreated after it exists again.

DROP TRIGGER day_totals_guard_insert;
DROP TRIGGER day_totals_guard_update;
DROP TRIGGER month_totals_guard_insert;
DROP TRIGGER month_totals_guard_update;
DROP TRIGGER year_totals_guard_insert;
DROP TRIGGER year_totals_guard_update;

CREATE TABLE entries_v3 (
    id               INTEGER PRIMARY KEY,  -- 1, 2, 3, ... without gaps: the chain's order
    kind             TEXT NOT NULL CHECK (kind IN ('project', 'contract', 'appropriation', 'adjustment',
                         'arrival', 'payment', 'refund', 'retention', 'release', 'forfeit', 'recovery',
                         'close', 'reversal', 'amendment', 'reopen')),
    effect_kind      TEXT NOT NULL CHECK (effect_kind IN ('project', 'contract', 'appropriation',
                         'adjustment', 'arrival', 'payment', 'refund', 'retention', 'release', 'forfeit',
                         'recovery', 'close', 'amendment', 'reopen', 'prior_refund')),
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
    reverses         INTEGER REFERENCES entries_v3(id),
    accepted_on      TEXT CHECK (accepted_on IS NULL OR accepted_on IS date(accepted_on)),
    due_on           TEXT CHECK (due_on IS NULL OR due_on IS date(due_on)),
    warranty_months  INTEGER,
    prev_hash        TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash             TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
    refunds          INTEGER REFERENCES entries_v3(id) CHECK (refunds IS NULL OR kind = 'refund'),
    corrects         INTEGER REFERENCES entries_v3(id),
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL)),
    CHECK (kind = 'reversal' OR kind = effect_kind OR (kind = 'refund' AND effect_kind = 'prior_refund')),
    CHECK (effect_kind <> 'prior_refund' OR level = 'carryover'),
    CHECK (corrects IS NULL OR kind IN ('appropriation', 'adjustment', 'arrival', 'payment', 'refund',
                                        'retention', 'release', 'forfeit', 'recovery')),
    CHECK (kind NOT IN ('amendment', 'reopen') OR (level IS NULL AND amount_fen = 0))
) STRICT;

INSERT INTO entries_v3 (id, kind, effect_kind, project_id, level, amount_fen, effective_on, recorded_at, user,
                        os_user, contract_id, ref, memo, reverses, accepted_on, due_on, warranty_months,
                        prev_hash, hash)
SELECT id, kind, effect_kind, project_id, level, amount_fen, effective_on, recorded_at, user, os_user,
       contract_id, ref, memo, reverses, accepted_on, due_on, warranty_months, prev_hash, hash
FROM entries ORDER BY id;

DROP TABLE entries;
ALTER TABLE entries_v3 RENAME TO entries;

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
-- Year locks: a project's close and reopen entries, in chain order.
CREATE INDEX entries_closes ON entries(project_id, id) WHERE kind IN ('close', 'reopen');
-- Amendments of a project or contract.
CREATE INDEX entries_amendments ON entries(project_id, contract_id, effective_on, id) WHERE kind = 'amendment';

-- The terms an amendment entry sets, from its effective date on; NULL leaves a term as it was. A
-- project amendment has no contract and sets only project terms; a contract amendment only contract
-- terms. Append-only, and covered by the amendment entry's hash.
CREATE TABLE amendments (
    entry_id           INTEGER PRIMARY KEY REFERENCES entries(id),
    project_id         INTEGER NOT NULL REFERENCES projects(id),
    contract_id        INTEGER REFERENCES contracts(id),
    name               TEXT CHECK (name IS NULL OR length(name) >= 1),
    unit_name          TEXT,
    func_code          TEXT,
    supplier           TEXT CHECK (supplier IS NULL OR length(supplier) >= 1),
    amount_fen         INTEGER CHECK (amount_fen IS NULL OR amount_fen > 0),
    retention_rate_bp  INTEGER CHECK (retention_rate_bp IS NULL OR retention_rate_bp BETWEEN 0 AND 10000),
    warranty_months    INTEGER CHECK (warranty_months IS NULL OR warranty_months BETWEEN 0 AND 1200),
    sme                INTEGER CHECK (sme IS NULL OR sme IN (0, 1)),
    CHECK (contract_id IS NOT NULL OR (supplier IS NULL AND amount_fen IS NULL AND retention_rate_bp IS NULL
                                       AND warranty_months IS NULL AND sme IS NULL)),
    CHECK (contract_id IS NULL OR (name IS NULL AND unit_name IS NULL AND func_code IS NULL))
) STRICT;

CREATE TRIGGER amendments_no_replace BEFORE INSERT ON amendments
WHEN EXISTS (SELECT 1 FROM amendments WHERE entry_id = new.entry_id)
BEGIN SELECT RAISE(ABORT, 'amendments are append-only'); END;
CREATE TRIGGER amendments_no_update BEFORE UPDATE ON amendments
BEGIN SELECT RAISE(ABORT, 'amendments are append-only'); END;
CREATE TRIGGER amendments_no_delete BEFORE DELETE ON amendments
BEGIN SELECT RAISE(ABORT, 'amendments are append-only'); END;

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
