-- 0005_accounts: who may use a shared ledger (shared/spec/api.md "Roles", "Authentication").
--
-- Accounts live in the ledger file. Creating a user, disabling one, changing a role or project list,
-- setting a password and creating a bearer token are entries of the new kind 'account' in the hash
-- chain, each naming the actor who did it; their terms sit in the side table account_events and enter
-- the entry's hash (docs/hash-chain.md), as an amendment's terms do. Logins are not facts of the books:
-- sessions and failed-login counts are ordinary mutable tables outside the chain.
--
-- The entries table is rebuilt (SQLite cannot change a CHECK constraint in place) with:
--   * the kind and effect kind 'account';
--   * project_id NULL for an account entry and for no other kind: an account belongs to the ledger, not
--     to a project. An account entry moves no money: no level, amount 0, no contract, ref or links.
-- Rows already on file are copied unchanged, so every hash stays what it was (no column of theirs
-- changes, and the account fields enter the encoding of account entries only).
--
-- Invariants enforced here, in the file:
--   * account_events is STRICT and append-only (UPDATE, DELETE and a REPLACE raise 'append-only'), one
--     row per account entry; each action carries exactly the terms it sets (create: role and password
--     hash; role: role; password: password hash; token: token hash; disable: nothing), a project list
--     only for an accountant;
--   * password hashes are argon2id strings ('$argon2id$…'); token hashes are 64 lowercase hex digits (the
--     SHA-256 of the token, never the token), unique; instants are the fixed-width UTC text of calendar.hpp;
--   * sessions and login_failures are mutable (a session's last-seen time, a revocation, a failure count)
--     and are not part of the chain: they say who is logged in now, not what the books hold.
--
-- The append-only triggers of entries are recreated on the new table; the guards of the derived totals
-- refer to `entries` by name and are recreated after it exists again (as in 0003).

DROP TRIGGER day_totals_guard_insert;
DROP TRIGGER day_totals_guard_update;
DROP TRIGGER month_totals_guard_insert;
DROP TRIGGER month_totals_guard_update;
DROP TRIGGER year_totals_guard_insert;
DROP TRIGGER year_totals_guard_update;

CREATE TABLE entries_v5 (
    id               INTEGER PRIMARY KEY,  -- 1, 2, 3, ... without gaps: the chain's order
    kind             TEXT NOT NULL CHECK (kind IN ('project', 'contract', 'appropriation', 'adjustment',
                         'arrival', 'payment', 'refund', 'retention', 'release', 'forfeit', 'recovery',
                         'close', 'reversal', 'amendment', 'reopen', 'account')),
    effect_kind      TEXT NOT NULL CHECK (effect_kind IN ('project', 'contract', 'appropriation',
                         'adjustment', 'arrival', 'payment', 'refund', 'retention', 'release', 'forfeit',
                         'recovery', 'close', 'amendment', 'reopen', 'prior_refund', 'account')),
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
    reverses         INTEGER REFERENCES entries_v5(id),
    accepted_on      TEXT CHECK (accepted_on IS NULL OR accepted_on IS date(accepted_on)),
    due_on           TEXT CHECK (due_on IS NULL OR due_on IS date(due_on)),
    warranty_months  INTEGER,
    prev_hash        TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash             TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
    refunds          INTEGER REFERENCES entries_v5(id) CHECK (refunds IS NULL OR kind = 'refund'),
    corrects         INTEGER REFERENCES entries_v5(id),
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL)),
    CHECK (kind = 'reversal' OR kind = effect_kind OR (kind = 'refund' AND effect_kind = 'prior_refund')),
    CHECK (effect_kind <> 'prior_refund' OR level = 'carryover'),
    CHECK (corrects IS NULL OR kind IN ('appropriation', 'adjustment', 'arrival', 'payment', 'refund',
                                        'retention', 'release', 'forfeit', 'recovery')),
    CHECK (kind NOT IN ('amendment', 'reopen') OR (level IS NULL AND amount_fen = 0)),
    CHECK ((kind = 'account') = (project_id IS NULL)),
    CHECK (kind <> 'account' OR (level IS NULL AND amount_fen = 0 AND contract_id IS NULL AND ref IS NULL
                                 AND accepted_on IS NULL AND due_on IS NULL AND warranty_months IS NULL))
) STRICT;

INSERT INTO entries_v5 (id, kind, effect_kind, project_id, level, amount_fen, effective_on, recorded_at, user,
                        os_user, contract_id, ref, memo, reverses, accepted_on, due_on, warranty_months,
                        prev_hash, hash, refunds, corrects)
SELECT id, kind, effect_kind, project_id, level, amount_fen, effective_on, recorded_at, user, os_user,
       contract_id, ref, memo, reverses, accepted_on, due_on, warranty_months, prev_hash, hash, refunds, corrects
FROM entries ORDER BY id;

DROP TABLE entries;
ALTER TABLE entries_v5 RENAME TO entries;

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
CREATE TABLE account_events (
    entry_id          INTEGER PRIMARY KEY REFERENCES entries(id),
    user              TEXT NOT NULL CHECK (length(user) BETWEEN 1 AND 64),
    action            TEXT NOT NULL CHECK (action IN ('create', 'disable', 'role', 'password', 'token')),
    role              TEXT CHECK (role IS NULL OR role IN ('accountant', 'auditor', 'admin')),
    projects          TEXT CHECK (projects IS NULL OR length(projects) >= 1),
    password_hash     TEXT CHECK (password_hash IS NULL OR password_hash GLOB '$argon2id$*'),
    token_sha256      TEXT CHECK (token_sha256 IS NULL OR (length(token_sha256) = 64
                                                           AND token_sha256 NOT GLOB '*[^0-9a-f]*')),
    token_expires_at  TEXT CHECK (token_expires_at IS NULL OR length(token_expires_at) = 27),
    CHECK ((action IN ('create', 'role')) = (role IS NOT NULL)),
    CHECK (projects IS NULL OR role = 'accountant'),
    CHECK ((action IN ('create', 'password')) = (password_hash IS NOT NULL)),
    CHECK ((action = 'token') = (token_sha256 IS NOT NULL)),
    CHECK (token_expires_at IS NULL OR action = 'token')
) STRICT;

-- An account's events in chain order (its state is their fold); a token by its hash.
CREATE INDEX account_events_by_user ON account_events(user, entry_id);
CREATE UNIQUE INDEX account_events_token ON account_events(token_sha256) WHERE token_sha256 IS NOT NULL;

CREATE TRIGGER account_events_no_replace BEFORE INSERT ON account_events
WHEN EXISTS (SELECT 1 FROM account_events WHERE entry_id = new.entry_id)
BEGIN SELECT RAISE(ABORT, 'account_events are append-only'); END;
CREATE TRIGGER account_events_no_update BEFORE UPDATE ON account_events
BEGIN SELECT RAISE(ABORT, 'account_events are append-only'); END;
CREATE TRIGGER account_events_no_delete BEFORE DELETE ON account_events
BEGIN SELECT RAISE(ABORT, 'account_events are append-only'); END;

-- Login sessions, and bearer tokens revoked by a logout: the SHA-256 of the token (never the token), its
-- user, when it was created and last used (UTC, calendar.hpp form), and whether it was revoked. Mutable:
-- the last-seen time moves, a logout revokes. Not chained.
CREATE TABLE sessions (
    token_sha256  TEXT PRIMARY KEY CHECK (length(token_sha256) = 64 AND token_sha256 NOT GLOB '*[^0-9a-f]*'),
    user          TEXT NOT NULL,
    created_at    TEXT NOT NULL CHECK (length(created_at) = 27),
    last_seen_at  TEXT NOT NULL CHECK (length(last_seen_at) = 27),
    revoked       INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
) STRICT, WITHOUT ROWID;

-- Failed logins in a row per user name (known or not, so that a lockout does not tell which names
-- exist), and the instant until which the name is locked out. Mutable; a success clears it. Not chained.
CREATE TABLE login_failures (
    user          TEXT PRIMARY KEY,
    count         INTEGER NOT NULL CHECK (count >= 0),
    locked_until  TEXT CHECK (locked_until IS NULL OR length(locked_until) = 27)
) STRICT, WITHOUT ROWID;
