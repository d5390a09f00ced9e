-- 0002_period_totals: month and year totals beside the day totals, so that a sum over any range of
-- days reads at most a year row per year, twelve month rows and two partial months of day rows per
-- (project, level, effect kind), however many entries the ledger holds (reports and rule checks stay
-- flat as the ledger grows: bench/README.md).
--
-- Like day_totals they are a derived cache: written only by the insert triggers below, in the same
-- transaction as the entry, guarded against any other write, and recomputed by `fundflow verify`.

CREATE TABLE month_totals (
    project_id    INTEGER NOT NULL,
    level         TEXT NOT NULL,
    month         TEXT NOT NULL CHECK (length(month) = 7),  -- 'YYYY-MM'
    effect_kind   TEXT NOT NULL,
    amount_fen    INTEGER NOT NULL,
    PRIMARY KEY (project_id, level, month, effect_kind)
) STRICT, WITHOUT ROWID;

CREATE TABLE year_totals (
    project_id    INTEGER NOT NULL,
    level         TEXT NOT NULL,
    year          INTEGER NOT NULL,
    effect_kind   TEXT NOT NULL,
    amount_fen    INTEGER NOT NULL,
    PRIMARY KEY (project_id, level, year, effect_kind)
) STRICT, WITHOUT ROWID;

-- What the ledger already holds (an upgraded file), before the guards exist.
INSERT INTO month_totals (project_id, level, month, effect_kind, amount_fen)
SELECT project_id, level, substr(effective_on, 1, 7), effect_kind, SUM(amount_fen) FROM day_totals
GROUP BY 1, 2, 3, 4;
INSERT INTO year_totals (project_id, level, year, effect_kind, amount_fen)
SELECT project_id, level, CAST(substr(effective_on, 1, 4) AS INTEGER), effect_kind, SUM(amount_fen) FROM day_totals
GROUP BY 1, 2, 3, 4;

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
CREATE TRIGGER month_totals_no_delete BEFORE DELETE ON month_totals
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
CREATE TRIGGER year_totals_no_delete BEFORE DELETE ON year_totals
BEGIN SELECT RAISE(ABORT, 'year_totals is derived from entries: append-only'); END;

-- Warranty deposits (`warranty list`, retention rules) are read from this index alone: it now carries
-- every column they use, so a listing does not visit the entries table row by row.
DROP INDEX entries_retentions;
CREATE INDEX entries_retentions ON entries(contract_id, effective_on, id, kind, effect_kind, level, amount_fen,
                                           accepted_on, due_on, recorded_at, project_id)
    WHERE effect_kind IN ('retention', 'release', 'forfeit');
