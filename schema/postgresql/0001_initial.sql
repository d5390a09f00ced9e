-- PostgreSQL 0001: the ledger on a database server (issue 14; design: docs/design-postgresql-units.md).
--
-- The same facts as the SQLite file (schema/0001–0006), laid out for many writers:
--   * a posting is written in two steps (the design's "link after commit"): its content goes to `postings`
--     in the writer's own transaction, under an advisory lock on its project; right after that commit a
--     writer links every committed posting not yet linked into the chain (`entries`: id = chain position,
--     prev_hash, hash), in one short transaction under the chain's advisory lock;
--   * every row carries its unit (`unit_id`), the distribution key should the database ever be sharded;
--     unit 0 is the implicit root of a ledger without units;
--   * values keep the text the chain encodes (docs/hash-chain.md): dates as DATE ('YYYY-MM-DD' out), the
--     recorded instant as the 27-character UTC text, money as BIGINT fen.
-- Append-only, enforced here twice: the triggers below refuse UPDATE, DELETE and TRUNCATE on every table of
-- facts for everybody, table owner included; and the application's role (fundflow_app, at the end) has only
-- SELECT and INSERT on them. The derived totals and the login state are the only tables it may change.

CREATE TABLE schema_version (
    version     INTEGER PRIMARY KEY,
    applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE FUNCTION fundflow_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: post a reversal instead', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- Units (预算单位): a tree. Unit 0 is the root every unit and every project without a unit hangs from.
CREATE TABLE units (
    id         BIGINT PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 0 AND 64),
    name       TEXT NOT NULL,
    parent_id  BIGINT REFERENCES units(id) CHECK ((id = 0) = (parent_id IS NULL)),
    CHECK ((id = 0) = (code = ''))
);
INSERT INTO units (id, code, name, parent_id) VALUES (0, '', '', NULL);

CREATE TABLE projects (
    id         BIGINT PRIMARY KEY,
    unit_id    BIGINT NOT NULL DEFAULT 0 REFERENCES units(id),
    code       TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 64),
    name       TEXT NOT NULL CHECK (length(name) >= 1),
    unit_name  TEXT NOT NULL DEFAULT '',
    func_code  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE contracts (
    id                 BIGINT PRIMARY KEY,
    unit_id            BIGINT NOT NULL DEFAULT 0 REFERENCES units(id),
    project_id         BIGINT NOT NULL REFERENCES projects(id),
    code               TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
    supplier           TEXT NOT NULL CHECK (length(supplier) >= 1),
    amount_fen         BIGINT NOT NULL CHECK (amount_fen > 0),
    retention_rate_bp  INTEGER NOT NULL CHECK (retention_rate_bp BETWEEN 0 AND 10000),
    warranty_months    INTEGER NOT NULL CHECK (warranty_months BETWEEN 0 AND 1200),
    sme                SMALLINT NOT NULL CHECK (sme IN (0, 1)),
    UNIQUE (project_id, code)
);

-- The content of every entry, committed by its writer. posting_id orders nothing but the link pass.
CREATE TABLE postings (
    posting_id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id          BIGINT NOT NULL DEFAULT 0 REFERENCES units(id),
    kind             TEXT NOT NULL CHECK (kind IN ('project', 'contract', 'appropriation', 'adjustment',
                         'arrival', 'payment', 'refund', 'retention', 'release', 'forfeit', 'recovery',
                         'close', 'reversal', 'amendment', 'reopen', 'account', 'unit')),
    effect_kind      TEXT NOT NULL CHECK (effect_kind IN ('project', 'contract', 'appropriation',
                         'adjustment', 'arrival', 'payment', 'refund', 'retention', 'release', 'forfeit',
                         'recovery', 'close', 'amendment', 'reopen', 'prior_refund', 'account', 'unit')),
    project_id       BIGINT REFERENCES projects(id),
    level            TEXT CHECK (level IN ('central', 'provincial', 'municipal', 'county', 'carryover', 'other')),
    amount_fen       BIGINT NOT NULL,
    effective_on     DATE NOT NULL,
    recorded_at      TEXT NOT NULL CHECK (length(recorded_at) = 27),
    "user"           TEXT NOT NULL,
    os_user          TEXT NOT NULL,
    contract_id      BIGINT REFERENCES contracts(id),
    ref              TEXT CHECK (ref IS NULL OR length(ref) >= 1),
    memo             TEXT NOT NULL DEFAULT '',
    reverses         BIGINT,  -- entry ids (chain positions): checked by the writer under the project's lock
    refunds          BIGINT,
    corrects         BIGINT,
    accepted_on      DATE,
    due_on           DATE,
    warranty_months  INTEGER,
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL)),
    CHECK (kind = 'reversal' OR kind = effect_kind OR (kind = 'refund' AND effect_kind = 'prior_refund')),
    CHECK (effect_kind <> 'prior_refund' OR level = 'carryover'),
    CHECK (kind NOT IN ('amendment', 'reopen', 'unit') OR (level IS NULL AND amount_fen = 0)),
    CHECK ((kind IN ('account', 'unit')) = (project_id IS NULL))
);
CREATE UNIQUE INDEX postings_one_reversal ON postings(reverses) WHERE reverses IS NOT NULL;
CREATE UNIQUE INDEX postings_ref ON postings(project_id, ref, coalesce(corrects, 0)) WHERE ref IS NOT NULL;
CREATE INDEX postings_by_project_date ON postings(project_id, effective_on);
CREATE INDEX postings_by_contract ON postings(contract_id, effective_on);

-- The chain: one row per linked posting. id is the entry's id everywhere (1, 2, 3, ... without gaps).
CREATE TABLE entries (
    id          BIGINT PRIMARY KEY CHECK (id >= 1),
    posting_id  BIGINT NOT NULL UNIQUE REFERENCES postings(posting_id),
    unit_id     BIGINT NOT NULL DEFAULT 0 REFERENCES units(id),
    prev_hash   TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash        TEXT NOT NULL UNIQUE CHECK (length(hash) = 64)
);

-- The terms of registrations and changes, by posting (they enter the entry's hash like its columns).
CREATE TABLE amendments (
    posting_id         BIGINT PRIMARY KEY REFERENCES postings(posting_id),
    unit_id            BIGINT NOT NULL DEFAULT 0 REFERENCES units(id),
    project_id         BIGINT NOT NULL REFERENCES projects(id),
    contract_id        BIGINT REFERENCES contracts(id),
    name               TEXT CHECK (name IS NULL OR length(name) >= 1),
    unit_name          TEXT,
    func_code          TEXT,
    supplier           TEXT CHECK (supplier IS NULL OR length(supplier) >= 1),
    amount_fen         BIGINT CHECK (amount_fen IS NULL OR amount_fen > 0),
    retention_rate_bp  INTEGER CHECK (retention_rate_bp IS NULL OR retention_rate_bp BETWEEN 0 AND 10000),
    warranty_months    INTEGER CHECK (warranty_months IS NULL OR warranty_months BETWEEN 0 AND 1200),
    sme                SMALLINT CHECK (sme IS NULL OR sme IN (0, 1))
);

CREATE TABLE account_events (
    posting_id        BIGINT PRIMARY KEY REFERENCES postings(posting_id),
    unit_id           BIGINT NOT NULL DEFAULT 0 REFERENCES units(id),
    "user"            TEXT NOT NULL CHECK (length("user") BETWEEN 1 AND 64),
    action            TEXT NOT NULL CHECK (action IN ('create', 'disable', 'role', 'password', 'token')),
    role              TEXT CHECK (role IS NULL OR role IN ('accountant', 'auditor', 'admin')),
    projects          TEXT CHECK (projects IS NULL OR length(projects) >= 1),
    password_hash     TEXT CHECK (password_hash IS NULL OR password_hash LIKE '$argon2id$%'),
    token_sha256      TEXT UNIQUE CHECK (token_sha256 IS NULL OR token_sha256 ~ '^[0-9a-f]{64}$'),
    token_expires_at  TEXT CHECK (token_expires_at IS NULL OR length(token_expires_at) = 27)
);

CREATE TABLE imports (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id         BIGINT NOT NULL DEFAULT 0 REFERENCES units(id),
    sha256          TEXT NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    recorded_at     TEXT NOT NULL CHECK (length(recorded_at) = 27),
    "user"          TEXT NOT NULL,
    os_user         TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    first_entry_id  BIGINT,
    last_entry_id   BIGINT,
    row_count       BIGINT NOT NULL CHECK (row_count >= 0),
    added_count     BIGINT NOT NULL CHECK (added_count >= 0),
    present_count   BIGINT NOT NULL CHECK (present_count >= 0),
    CHECK (added_count + present_count = row_count)
);

CREATE TABLE idempotency_keys (
    "user"          TEXT NOT NULL CHECK (length("user") BETWEEN 1 AND 128),
    key             TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    unit_id         BIGINT NOT NULL DEFAULT 0 REFERENCES units(id),
    request_sha256  TEXT NOT NULL CHECK (request_sha256 ~ '^[0-9a-f]{64}$'),
    posting_id      BIGINT NOT NULL REFERENCES postings(posting_id),
    recorded_at     TEXT NOT NULL CHECK (length(recorded_at) = 27),
    PRIMARY KEY ("user", key)
);

-- Derived totals (verify recomputes them from the postings): kept by the writer under its project's lock.
CREATE TABLE year_totals (
    unit_id      BIGINT NOT NULL DEFAULT 0,
    project_id   BIGINT NOT NULL REFERENCES projects(id),
    level        TEXT NOT NULL,
    year         INTEGER NOT NULL,
    effect_kind  TEXT NOT NULL,
    amount_fen   BIGINT NOT NULL,
    PRIMARY KEY (project_id, level, year, effect_kind)
);

-- Who is logged in now: not facts of the books, mutable.
CREATE TABLE sessions (
    token_sha256  TEXT PRIMARY KEY CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
    "user"        TEXT NOT NULL,
    created_at    TEXT NOT NULL CHECK (length(created_at) = 27),
    last_seen_at  TEXT NOT NULL CHECK (length(last_seen_at) = 27),
    revoked       BOOLEAN NOT NULL DEFAULT false
);
CREATE TABLE login_failures (
    "user"        TEXT PRIMARY KEY,
    count         INTEGER NOT NULL CHECK (count >= 0),
    locked_until  TEXT CHECK (locked_until IS NULL OR length(locked_until) = 27)
);

-- Append-only, for everybody: a row trigger for UPDATE and DELETE, a statement trigger for TRUNCATE.
DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['units', 'projects', 'contracts', 'postings', 'entries', 'amendments',
                             'account_events', 'imports', 'idempotency_keys', 'schema_version'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW '
                       'EXECUTE FUNCTION fundflow_append_only()', t || '_append_only', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT '
                       'EXECUTE FUNCTION fundflow_append_only()', t || '_no_truncate', t);
    END LOOP;
END;
$$;

-- The application's role (docs/postgresql.md): fundflow logs in as a role that is a member of fundflow_app.
-- It may read everything, add facts, and change only the derived totals and the login state. It owns
-- nothing, so it cannot drop or disable a trigger either.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fundflow_app') THEN
        CREATE ROLE fundflow_app NOLOGIN;
    END IF;
END;
$$;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT SELECT, INSERT ON units, projects, contracts, postings, entries, amendments, account_events, imports,
                        idempotency_keys, schema_version TO fundflow_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON year_totals, sessions, login_failures TO fundflow_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO fundflow_app;

INSERT INTO schema_version (version) VALUES (1);
