#include "store.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <limits>

#include "chain.hpp"
#include "ledger/error.hpp"

namespace ledger::detail {
namespace {

constexpr int kBusyTimeoutMs = 10000;
// Each connection is used by one thread at a time (a Store is not shared; verify opens its own second
// one), so SQLite need not lock a mutex around every call (27 column reads per entry in a chain walk).
constexpr int kOneThread = SQLITE_OPEN_NOMUTEX;
constexpr const char* kForever = "9999-12-31T23:59:59.999999Z";
// The first effective date a ledger accepts (calendar.hpp): "since the beginning".
const Date kFirstDay{date::year{1900} / 1 / 1};
// At most this many (contract, day, level, kind) sums are remembered in a write transaction (16 bytes each).
constexpr std::size_t kMemoContractDayRows = 32768;

// Column list shared by every query that reads whole entries (see read_entry).
constexpr const char* kEntrySelect =
    "SELECT e.id, e.kind, e.effect_kind, p.code, e.level, e.amount_fen, e.effective_on, e.recorded_at, "
    "e.user, e.os_user, c.code, e.ref, e.memo, e.reverses, e.accepted_on, e.due_on, e.warranty_months, "
    "e.prev_hash, e.hash, p.name, p.unit_name, p.func_code, c.supplier, c.amount_fen, c.retention_rate_bp, "
    "c.warranty_months, c.sme, e.refunds, e.corrects, pu.code "
    "FROM entries e LEFT JOIN projects p ON p.id = e.project_id LEFT JOIN contracts c ON c.id = e.contract_id "
    "LEFT JOIN units pu ON pu.id = p.unit_id ";
// (LEFT JOIN projects: an account entry has no project, schema 5. A money entry whose project row is
// missing reads with an empty project, and its hash then no longer matches.)

std::optional<std::string> optional_text(const sql::Column& column) {
    if (column.isNull()) {
        return std::nullopt;
    }
    return column.getString();
}

ChainRecord read_record(sql::Statement& q) {
    ChainRecord record;
    Entry& e = record.entry;
    e.id = EntryId{q.getColumn(0).getInt64()};
    e.kind = parse_entry_kind(q.getColumn(1).getString());
    e.effect_kind = parse_entry_kind(q.getColumn(2).getString());
    e.project = q.getColumn(3).isNull() ? std::string() : q.getColumn(3).getString();
    if (auto level = optional_text(q.getColumn(4))) {
        e.level = parse_level(*level);
    }
    e.amount = Money::from_fen(q.getColumn(5).getInt64());
    e.effective_on = parse_date(q.getColumn(6).getString());
    e.recorded_at = q.getColumn(7).getString();
    e.user = q.getColumn(8).getString();
    e.os_user = q.getColumn(9).getString();
    e.contract = optional_text(q.getColumn(10));
    e.ref = optional_text(q.getColumn(11));
    e.memo = q.getColumn(12).getString();
    if (!q.getColumn(13).isNull()) {
        e.reverses = EntryId{q.getColumn(13).getInt64()};
    }
    if (auto d = optional_text(q.getColumn(14))) {
        e.accepted_on = parse_date(*d);
    }
    if (auto d = optional_text(q.getColumn(15))) {
        e.due_on = parse_date(*d);
    }
    if (!q.getColumn(16).isNull()) {
        e.warranty_months = q.getColumn(16).getInt();
    }
    e.prev_hash = q.getColumn(17).getString();
    e.hash = q.getColumn(18).getString();
    if (!q.getColumn(27).isNull()) {
        e.refunds = EntryId{q.getColumn(27).getInt64()};
    }
    if (!q.getColumn(28).isNull()) {
        e.corrects = EntryId{q.getColumn(28).getInt64()};
    }
    if (e.kind == EntryKind::project) {
        record.project_record =
            Project{e.project, q.getColumn(19).getString(), q.getColumn(20).getString(), q.getColumn(21).getString(),
                    q.getColumn(29).isNull() ? std::string() : q.getColumn(29).getString()};
    }
    if (e.kind == EntryKind::contract && e.contract) {
        record.contract_record = Contract{e.project,
                                          *e.contract,
                                          q.getColumn(22).getString(),
                                          Money::from_fen(q.getColumn(23).getInt64()),
                                          q.getColumn(24).getInt64(),
                                          q.getColumn(25).getInt(),
                                          q.getColumn(26).getInt() != 0};
    }
    return record;
}

void bind_optional(sql::Statement& q, int index, const std::optional<std::string>& value) {
    if (value) {
        q.bind(index, *value);
    } else {
        q.bind(index);
    }
}

std::string pragma_text(SQLite::Database& db, const char* sql) {
    SQLite::Statement q(db, sql);
    return q.executeStep() ? q.getColumn(0).getString() : std::string();
}

std::int64_t pragma_int(SQLite::Database& db, const char* sql) {
    SQLite::Statement q(db, sql);
    return q.executeStep() ? q.getColumn(0).getInt64() : 0;
}

void refuse_uri(const std::string& path) {
    if (path.rfind("file:", 0) == 0) {
        throw Error(ErrorCode::invalid_input,
                    msg("'{path}' looks like a SQLite URI; give a plain file path (e.g. ./{file})")
                        .with("path", path)
                        .with("file", path.substr(5)));
    }
    if (path.empty() || path == ":memory:") {
        throw Error(ErrorCode::invalid_input, msg("'{path}' is not a ledger file path").with("path", path));
    }
}

// "file:/abs%20path?immutable=1": every byte outside [A-Za-z0-9/._-] percent-encoded.
std::string immutable_uri(const std::string& path) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string uri = "file:";
    for (const char ch : std::filesystem::absolute(path).string()) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '.' ||
            c == '_' || c == '-') {
            uri += ch;
        } else {
            uri += '%';
            uri += kHex[c >> 4];
            uri += kHex[c & 0xF];
        }
    }
    return uri + "?immutable=1";
}

int latest_version() { return migrations().empty() ? 0 : migrations().back().version; }

// Applies each migration newer than the file's user_version in its own transaction, which also sets
// user_version, so a crash leaves the file at a whole version.
void migrate(SQLite::Database& db) {
    const auto version = pragma_int(db, "PRAGMA user_version");
    if (version > latest_version()) {
        throw Error(ErrorCode::invalid_input,
                    msg("the ledger was written by a newer fundflow (schema {version}, this program knows {known}): "
                        "upgrade fundflow")
                        .with("version", std::to_string(version))
                        .with("known", std::to_string(latest_version())));
    }
    for (const auto& m : migrations()) {
        if (m.version <= version) {
            continue;
        }
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        db.exec(m.sql);
        db.exec("PRAGMA user_version = " + std::to_string(m.version));
        transaction.commit();
        spdlog::debug("applied schema migration {} ({})", m.version, m.name);
    }
}

// WAL and synchronous=FULL are the durability promise: set, read back, refuse otherwise.
void set_durability(SQLite::Database& db) {
    const std::string mode = pragma_text(db, "PRAGMA journal_mode = WAL");
    if (mode != "wal") {
        throw Error(ErrorCode::storage, msg("could not put the ledger in WAL mode (journal_mode is '{mode}'); is the "
                                            "file on a file system that supports shared memory?")
                                            .with("mode", mode));
    }
    db.exec("PRAGMA synchronous = FULL");
    if (pragma_int(db, "PRAGMA synchronous") != 2) {
        throw Error(ErrorCode::storage, msg("could not set synchronous=FULL on the ledger"));
    }
    spdlog::debug("ledger opened for writing: journal_mode=wal synchronous=full");
}

bool is_fundflow(SQLite::Database& db) { return pragma_int(db, "PRAGMA application_id") == kApplicationId; }

bool is_blank(SQLite::Database& db) {
    return pragma_int(db, "PRAGMA application_id") == 0 &&
           pragma_int(db, "SELECT count(*) FROM sqlite_schema") == 0;
}

[[noreturn]] void not_a_ledger(const std::string& path) {
    throw Error(ErrorCode::invalid_input,
                msg("'{path}' is not a fundflow ledger; give another --db path, or run 'fundflow init' on a new one")
                    .with("path", path));
}

// PostgreSQL: the database's schema version (its schema_version table), or nullopt when the database
// holds no fundflow ledger.
std::optional<std::int64_t> pg_version(sql::Database& db) {
    if (db.scalar("SELECT CASE WHEN to_regclass('schema_version') IS NULL THEN 0 ELSE 1 END") == 0) {
        return std::nullopt;
    }
    if (db.scalar("SELECT count(*) FROM schema_version WHERE application_id <> " + std::to_string(kApplicationId)) !=
        0) {
        return std::nullopt;
    }
    return db.scalar("SELECT coalesce(max(version), 0) FROM schema_version");
}

std::unique_ptr<sql::Database> pg_connect(const std::string& uri) {
    try {
        return sql::Database::postgres(uri);
    } catch (const sql::PgError& e) {
        throw Error(ErrorCode::storage,
                    msg("could not connect to PostgreSQL at '{uri}' ({reason}); check --db and that the server runs")
                        .with("uri", sql::redacted(uri))
                        .with("reason", e.what()));
    }
}

// `init` on PostgreSQL: an empty database (no table in its schema) gets the whole schema in one
// transaction; a fundflow database of this schema version is left as it is.
void pg_create(const std::string& uri) {
    auto db = pg_connect(uri);
    if (const auto version = pg_version(*db)) {
        if (*version != latest_version()) {
            throw Error(ErrorCode::invalid_input,
                        msg("the PostgreSQL ledger's schema is version {version}, this program knows {known}")
                            .with("version", std::to_string(*version))
                            .with("known", std::to_string(latest_version())));
        }
        return;
    }
    if (db->scalar("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()") != 0) {
        throw Error(ErrorCode::invalid_input,
                    msg("the PostgreSQL database '{uri}' holds other tables; give fundflow an empty database")
                        .with("uri", sql::redacted(uri)));
    }
    db->exec("BEGIN");
    try {
        for (const auto& m : pg_migrations()) {
            db->exec(m.sql);
        }
        db->exec("COMMIT");
    } catch (...) {
        try {
            db->exec("ROLLBACK");
        } catch (...) {
        }
        throw;
    }
}

std::unique_ptr<Store> pg_open(const std::string& uri, bool writable, Store* (*make)(std::unique_ptr<sql::Database>, const std::string&, bool)) {
    auto db = pg_connect(uri);
    const auto version = pg_version(*db);
    if (!version) {
        throw Error(ErrorCode::not_found,
                    msg("no fundflow ledger in the PostgreSQL database '{uri}'; run 'fundflow init --db {uri}' first")
                        .with("uri", sql::redacted(uri)));
    }
    if (*version != latest_version()) {
        throw Error(ErrorCode::invalid_input,
                    msg("the PostgreSQL ledger's schema is version {version}, this program knows {known}")
                        .with("version", std::to_string(*version))
                        .with("known", std::to_string(latest_version())));
    }
    return std::unique_ptr<Store>(make(std::move(db), uri, writable));
}

}  // namespace

Store::Store(std::unique_ptr<sql::Database> db, std::string path, bool writable)
    : db_(std::move(db)), path_(std::move(path)), writable_(writable) {}

Store::~Store() = default;

void Store::create(const std::string& path) {
    if (sql::is_postgres_uri(path)) {
        pg_create(path);
        return;
    }
    refuse_uri(path);
    const bool existed = std::filesystem::exists(path);
    std::unique_ptr<SQLite::Database> db;
    try {
        db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | kOneThread,
                                                kBusyTimeoutMs);
        if (existed && !is_fundflow(*db) && !is_blank(*db)) {
            not_a_ledger(path);
        }
    } catch (const SQLite::Exception& e) {
        if (e.getErrorCode() == SQLITE_NOTADB) {
            not_a_ledger(path);
        }
        throw;
    }
    set_durability(*db);
    db->exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    migrate(*db);
}

std::unique_ptr<Store> Store::open(const std::string& path, bool writable) {
    if (sql::is_postgres_uri(path)) {
        return pg_open(path, writable, [](std::unique_ptr<sql::Database> db, const std::string& uri, bool w) {
            return new Store(std::move(db), uri, w);
        });
    }
    refuse_uri(path);
    if (!std::filesystem::exists(path)) {
        throw Error(ErrorCode::not_found,
                    msg("no ledger at '{path}'; run 'fundflow init --db {path}' first, or give --db").with("path", path));
    }
    std::unique_ptr<SQLite::Database> db;
    try {
        try {
            db = std::make_unique<SQLite::Database>(path, (writable ? SQLite::OPEN_READWRITE : SQLite::OPEN_READONLY) | kOneThread,
                                                    kBusyTimeoutMs);
            if (!is_fundflow(*db)) {
                not_a_ledger(path);
            }
        } catch (const SQLite::Exception& e) {
            // A WAL ledger on read-only media (a read-only mount, chattr +i on its folder) cannot get
            // the shared-memory file that readers use. When the log holds nothing, the main file is the
            // whole ledger and can be read as immutable; otherwise reading it there would be stale.
            // A reader without write access to the -shm file (another user's ledger, `su nobody`) gets
            // SQLITE_READONLY on its first read instead: the same case.
            const int primary = e.getErrorCode() & 0xFF;
            if (writable || (primary != SQLITE_CANTOPEN && primary != SQLITE_READONLY)) {
                throw;
            }
            std::error_code ec;
            const auto wal_size = std::filesystem::file_size(path + "-wal", ec);
            if (!ec && wal_size > 0) {
                throw Error(ErrorCode::storage, msg("'{path}' is on read-only media and its write-ahead log (-wal) "
                                                    "holds changes not yet in the main file; copy the ledger's files "
                                                    "to a writable folder to read them")
                                                    .with("path", path));
            }
            db = std::make_unique<SQLite::Database>(immutable_uri(path), SQLite::OPEN_READONLY | SQLite::OPEN_URI | kOneThread,
                                                    kBusyTimeoutMs);
            spdlog::debug("read-only media: reading {} as immutable", path);
            if (!is_fundflow(*db)) {
                not_a_ledger(path);
            }
        }
    } catch (const SQLite::Exception& e) {
        if (e.getErrorCode() == SQLITE_NOTADB) {
            not_a_ledger(path);
        }
        throw;
    }
    if (writable) {
        set_durability(*db);
        migrate(*db);
    } else {
        const auto version = pragma_int(*db, "PRAGMA user_version");
        if (version != latest_version()) {
            throw Error(ErrorCode::invalid_input,
                        (version < latest_version()
                             ? msg("the ledger's schema is version {version}, this program reads {known}: run "
                                   "'fundflow init' to upgrade it")
                             : msg("the ledger's schema is version {version}, this program reads {known}: upgrade "
                                   "fundflow"))
                            .with("version", std::to_string(version))
                            .with("known", std::to_string(latest_version())));
        }
    }
    db->exec("PRAGMA foreign_keys = ON");
    if (writable) {
        // A large import writes more pages than SQLite's default 2 MiB cache holds; spilled pages go to
        // the log mid-transaction and are read back. 16 MiB keeps most of an import's working set (the
        // index pages it touches) in memory; a reader keeps the default, small footprint.
        db->exec("PRAGMA cache_size = -16384");
        // Each INSERT fires triggers that write several tables, so SQLite keeps a statement journal of
        // the pages it changes (to undo that statement alone if a trigger aborts it). On disk that is
        // ~18 small writes per entry; in memory it is a copy. Durability is the WAL's, not this file's.
        db->exec("PRAGMA temp_store = MEMORY");
    }
    return std::unique_ptr<Store>(new Store(std::make_unique<sql::Database>(std::move(db)), path, writable));
}

sql::Statement& Store::prepared(int slot, const char* sql) const {
    const auto index = static_cast<std::size_t>(slot);
    if (statements_.size() <= index) {
        statements_.resize(index + 1);
    }
    auto& statement = statements_[index];
    if (!statement) {
        statement = std::make_unique<sql::Statement>(*db_, sql, true);
    }
    statement->reset();
    statement->clearBindings();
    return *statement;
}

void Store::lock_chain() const {
    if (db_->postgres() && transaction_depth_ > 0 && !chain_locked_) {
        db_->exec("SELECT pg_advisory_xact_lock(" + std::to_string(kApplicationId) + ")");
        chain_locked_ = true;
    }
}

void Store::lock_project(std::int64_t project_id) {
    if (!db_->postgres() || transaction_depth_ == 0 || chain_locked_ || locked_project_ == project_id) {
        return;
    }
    if (locked_project_) {  // a second project: the chain's lock covers both, in the one safe order
        lock_chain();
        return;
    }
    // The two-key form: its own space, apart from the chain's one-key lock.
    db_->exec("SELECT pg_advisory_xact_lock(" + std::to_string(kApplicationId) + ", " + std::to_string(project_id) +
              ")");
    locked_project_ = project_id;
}

void Store::transaction(const std::function<void()>& body, Scope scope) {
    if (!writable_) {
        throw Error(ErrorCode::invalid_input, msg("the ledger is open read-only; nothing was written"));
    }
    if (transaction_depth_ > 0) {
        body();
        return;
    }
    if (read_depth_ > 0) {
        throw Error(ErrorCode::storage, msg("a write was started inside a read snapshot; nothing was written"));
    }
    if (db_->postgres()) {
        // Advisory locks scoped to the transaction (see Scope): the chain's tail is read and extended under
        // the chain's lock, a project's rules checked under its own. READ COMMITTED: every statement after a
        // lock sees every commit made before it was granted.
        db_->exec("BEGIN ISOLATION LEVEL READ COMMITTED");
        memo_ = Memo{};
        ++transaction_depth_;
        chain_locked_ = false;
        locked_project_.reset();
        try {
            if (scope == Scope::ledger) {
                lock_chain();
            }
            body();
            --transaction_depth_;
            memo_ = Memo{};
            db_->exec("COMMIT");
            chain_locked_ = false;
            locked_project_.reset();
        } catch (...) {
            if (transaction_depth_ > 0) {
                --transaction_depth_;
            }
            chain_locked_ = false;
            locked_project_.reset();
            memo_ = Memo{};
            try {
                db_->exec("ROLLBACK");
            } catch (...) {
            }
            throw;
        }
        return;
    }
    SQLite::Transaction transaction(db_->lite(), SQLite::TransactionBehavior::IMMEDIATE);
    memo_ = Memo{};
    ++transaction_depth_;
    try {
        body();
    } catch (...) {
        --transaction_depth_;
        memo_ = Memo{};
        throw;  // the Transaction's destructor rolls back
    }
    --transaction_depth_;
    memo_ = Memo{};
    transaction.commit();
}

void Store::begin_read() const {
    // A deferred BEGIN takes no lock; the snapshot is fixed by the first read in it, which is the
    // head read here: from then on every statement sees that state, and a writer's COMMIT (WAL) is
    // neither blocked by it nor seen by it.
    // PostgreSQL: REPEATABLE READ fixes the snapshot at the first statement, as SQLite's WAL does.
    db_->exec(db_->postgres() ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN DEFERRED");
    try {
        (void)head();
    } catch (...) {
        end_read();
        throw;
    }
}

void Store::end_read() const noexcept {
    // Nothing was written: COMMIT and ROLLBACK end a read transaction alike. Cached statements were
    // reset after their use; ROLLBACK ends any left running.
    if (db_->postgres()) {
        try {
            db_->exec("COMMIT");
        } catch (...) {
            try {
                db_->exec("ROLLBACK");
            } catch (...) {
            }
        }
        return;
    }
    if (sqlite3_exec(db_->lite().getHandle(), "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
        sqlite3_exec(db_->lite().getHandle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

void Store::read(const std::function<void()>& body) const {
    if (in_any_transaction()) {
        body();
        return;
    }
    begin_read();
    ++read_depth_;
    try {
        body();
    } catch (...) {
        --read_depth_;
        end_read();
        throw;
    }
    --read_depth_;
    end_read();
}

void Store::read_with_second(const std::function<void(const Store* second)>& body) const {
    // Writers commit between this connection's first read and the second's only in the instant
    // between the two: a few attempts give the same state unless a writer commits continuously.
    constexpr int kAttempts = 20;
    const bool nested = in_any_transaction();
    auto second = reader();
    for (int attempt = 1;; ++attempt) {
        bool done = false;
        read([&] {
            const Head mine = head();
            second->begin_read();
            struct EndRead {
                const Store& store;
                ~EndRead() { store.end_read(); }
            } end_second{*second};
            const Head theirs = second->head();
            const bool same = theirs.entries == mine.entries && theirs.hash == mine.hash;
            if (same || nested || attempt == kAttempts) {
                spdlog::debug("second reader: {} after {} attempt(s)", same ? "same state" : "none", attempt);
                ++second->read_depth_;
                struct Leave {
                    const Store& store;
                    ~Leave() { --store.read_depth_; }
                } leave{*second};
                body(same ? second.get() : nullptr);
                done = true;
            }
        });
        if (done) {
            return;
        }
    }
}

void Store::remember_entry(const Entry& e, std::optional<std::int64_t> project,
                           std::optional<std::int64_t> contract_id) {
    memo_.head = Head{static_cast<std::int64_t>(e.id), e.hash, e.recorded_at};
    if (!project) {
        return;  // an account entry: no project, no money
    }
    const std::int64_t project_id = *project;
    if (e.kind == EntryKind::close) {
        if (auto it = memo_.closed_through.find(project_id); it != memo_.closed_through.end()) {
            it->second = std::max(it->second.value_or(year_of(e.effective_on)), year_of(e.effective_on));
        }
    }
    if (e.kind == EntryKind::reopen) {
        if (auto it = memo_.closed_through.find(project_id); it != memo_.closed_through.end()) {
            it->second = year_of(e.effective_on) - 1;
        }
    }
    if (!e.level) {
        return;
    }
    const int year = year_of(e.effective_on);
    if (auto it = memo_.year_sums.find({project_id, *e.level, year}); it != memo_.year_sums.end()) {
        at(it->second, e.effect_kind) += e.amount;
    }
    for (auto it = memo_.sums_before_year.upper_bound({project_id, year});
         it != memo_.sums_before_year.end() && it->first.first == project_id; ++it) {
        at(it->second, e.effect_kind) += e.amount;
    }
    if (auto it = memo_.last_days.find(project_id); it != memo_.last_days.end()) {
        it->second = std::max(it->second.value_or(e.effective_on), e.effective_on);
    }
    if (contract_id) {
        if (auto it = memo_.contract_days.find(*contract_id); it != memo_.contract_days.end()) {
            auto& days = it->second;
            const Date day = e.effective_on;
            const auto same = std::find_if(days.begin(), days.end(), [&](const ContractDay& d) {
                return d.day == day && d.level == *e.level && d.kind == e.effect_kind;
            });
            if (same != days.end()) {
                same->amount += e.amount;
            } else {
                const auto later = std::upper_bound(days.begin(), days.end(), day,
                                                    [](const Date& d, const ContractDay& x) { return d < x.day; });
                days.insert(later, ContractDay{day, *e.level, e.effect_kind, e.amount});
                ++memo_.contract_day_rows;
            }
        }
    }
}

std::optional<ProjectRow> Store::find_project(std::string_view code) const {
    if (remembering()) {
        if (const auto it = memo_.projects.find(code); it != memo_.projects.end()) {
            return it->second;
        }
    }
    auto& q = prepared(0,
                       "SELECT p.id, p.code, p.name, p.unit_name, p.func_code, u.code FROM projects p "
                       "LEFT JOIN units u ON u.id = p.unit_id WHERE p.code = ?");
    const ResetAfterUse reset{q};
    q.bind(1, std::string(code));
    if (!q.executeStep()) {
        return std::nullopt;
    }
    ProjectRow row{q.getColumn(0).getInt64(),
                   Project{q.getColumn(1).getString(), q.getColumn(2).getString(), q.getColumn(3).getString(),
                           q.getColumn(4).getString(), optional_text(q.getColumn(5)).value_or(std::string())}};
    if (remembering()) {
        memo_.projects.emplace(row.project.code, row);
    }
    return row;
}

std::optional<ContractRow> Store::find_contract(std::int64_t project_id, std::string_view code) const {
    if (remembering()) {
        if (const auto it = memo_.contracts.find(std::pair(project_id, std::string(code))); it != memo_.contracts.end()) {
            return it->second;
        }
    }
    auto& q = prepared(1,
                       "SELECT c.id, p.code, c.code, c.supplier, c.amount_fen, c.retention_rate_bp, c.warranty_months, "
                       "c.sme FROM contracts c JOIN projects p ON p.id = c.project_id "
                       "WHERE c.project_id = ? AND c.code = ?");
    const ResetAfterUse reset{q};
    q.bind(1, project_id);
    q.bind(2, std::string(code));
    if (!q.executeStep()) {
        return std::nullopt;
    }
    ContractRow row{q.getColumn(0).getInt64(), project_id,
                    Contract{q.getColumn(1).getString(), q.getColumn(2).getString(), q.getColumn(3).getString(),
                             Money::from_fen(q.getColumn(4).getInt64()), q.getColumn(5).getInt64(),
                             q.getColumn(6).getInt(), q.getColumn(7).getInt() != 0}};
    if (remembering()) {
        memo_.contracts.emplace(std::pair(project_id, row.contract.code), row);
    }
    return row;
}

std::int64_t Store::insert_project(const Project& p) {
    auto& q = prepared(2,
                       "INSERT INTO projects (code, name, unit_name, func_code, unit_id) "
                       "VALUES (?, ?, ?, ?, (SELECT id FROM units WHERE code = ?)) RETURNING id");
    const ResetAfterUse reset{q};
    q.bind(1, p.code);
    q.bind(2, p.name);
    q.bind(3, p.unit_name);
    q.bind(4, p.func_code);
    if (p.unit.empty()) {
        q.bind(5);
    } else {
        if (!find_unit(p.unit)) {
            throw Error(ErrorCode::not_found, msg("there is no budget unit {unit}; see 'fundflow unit list', add it "
                                                  "with 'fundflow unit add'")
                                                  .with("unit", p.unit));
        }
        q.bind(5, p.unit);
    }
    const std::int64_t id = sql::insert_returning_id(q);
    if (remembering()) {
        memo_.projects.insert_or_assign(p.code, ProjectRow{id, p});
    }
    return id;
}

std::int64_t Store::insert_contract(std::int64_t project_id, const Contract& c) {
    auto& q = prepared(3,
                       "INSERT INTO contracts (project_id, code, supplier, amount_fen, retention_rate_bp, "
                       "warranty_months, sme) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
    const ResetAfterUse reset{q};
    q.bind(1, project_id);
    q.bind(2, c.code);
    q.bind(3, c.supplier);
    q.bind(4, c.amount.fen());
    q.bind(5, c.retention_rate_bp);
    q.bind(6, c.warranty_months);
    q.bind(7, c.sme ? 1 : 0);
    const std::int64_t id = sql::insert_returning_id(q);
    if (remembering()) {
        memo_.contracts.insert_or_assign(std::pair(project_id, c.code), ContractRow{id, project_id, c});
    }
    return id;
}

Head Store::head() const {
    lock_chain();  // in a write transaction on PostgreSQL: the tail read is the tail extended
    if (remembering() && memo_.head) {
        return *memo_.head;
    }
    auto& q = prepared(4, "SELECT id, hash, recorded_at FROM entries ORDER BY id DESC LIMIT 1");
    const ResetAfterUse reset{q};
    Head head{0, std::string(kGenesisHash), ""};
    if (q.executeStep()) {
        head = Head{q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString()};
    }
    if (remembering()) {
        memo_.head = head;
    }
    return head;
}

void Store::insert_entry(const Entry& e, std::optional<std::int64_t> project_id,
                         std::optional<std::int64_t> contract_id) {
    lock_chain();
    auto& q = prepared(5,
                       "INSERT INTO entries (id, kind, effect_kind, project_id, level, amount_fen, effective_on, "
                       "recorded_at, user, os_user, contract_id, ref, memo, reverses, accepted_on, due_on, "
                       "warranty_months, prev_hash, hash, refunds, corrects) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const ResetAfterUse reset{q};
    q.bind(1, static_cast<std::int64_t>(e.id));
    q.bind(2, std::string(to_string(e.kind)));
    q.bind(3, std::string(to_string(e.effect_kind)));
    if (project_id) {
        q.bind(4, *project_id);
    } else {
        q.bind(4);
    }
    bind_optional(q, 5, e.level ? std::optional<std::string>(std::string(to_string(*e.level))) : std::nullopt);
    q.bind(6, e.amount.fen());
    q.bind(7, to_string(e.effective_on));
    q.bind(8, e.recorded_at);
    q.bind(9, e.user);
    q.bind(10, e.os_user);
    if (contract_id) {
        q.bind(11, *contract_id);
    } else {
        q.bind(11);
    }
    bind_optional(q, 12, e.ref);
    q.bind(13, e.memo);
    if (e.reverses) {
        q.bind(14, static_cast<std::int64_t>(*e.reverses));
    } else {
        q.bind(14);
    }
    bind_optional(q, 15, e.accepted_on ? std::optional<std::string>(to_string(*e.accepted_on)) : std::nullopt);
    bind_optional(q, 16, e.due_on ? std::optional<std::string>(to_string(*e.due_on)) : std::nullopt);
    if (e.warranty_months) {
        q.bind(17, *e.warranty_months);
    } else {
        q.bind(17);
    }
    q.bind(18, e.prev_hash);
    q.bind(19, e.hash);
    for (const auto& [index, id] : {std::pair{20, e.refunds}, std::pair{21, e.corrects}}) {
        if (id) {
            q.bind(index, static_cast<std::int64_t>(*id));
        } else {
            q.bind(index);
        }
    }
    q.exec();
    if (remembering()) {
        remember_entry(e, project_id, contract_id);
    }
}

std::optional<Entry> Store::entry(std::int64_t id) const {
    auto& q = prepared(6, (std::string(kEntrySelect) + "WHERE e.id = ?").c_str());
    const ResetAfterUse reset{q};
    q.bind(1, id);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return read_record(q).entry;
}

std::optional<Entry> Store::entry_by_ref(std::int64_t project_id, std::string_view ref) const {
    // Usually a voucher is new: one probe of the entries_ref index says so; the entry is read only when
    // there is one.
    std::optional<std::int64_t> id;
    {
        // The live entry of a voucher: a corrected voucher's newest replacement.
        auto& q = prepared(7, "SELECT max(id) FROM entries WHERE project_id = ? AND ref = ?");
        const ResetAfterUse reset{q};
        q.bind(1, project_id);
        q.bind(2, std::string(ref));
        if (q.executeStep() && !q.getColumn(0).isNull()) {
            id = q.getColumn(0).getInt64();
        }
    }
    return id ? entry(*id) : std::nullopt;
}

std::optional<std::int64_t> Store::reversal_of(std::int64_t id) const {
    auto& q = prepared(8, "SELECT id FROM entries WHERE reverses = ?");
    const ResetAfterUse reset{q};
    q.bind(1, id);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return q.getColumn(0).getInt64();
}

// Slots 60–62: apart from the next free numbers, which parallel work on this file may take too (two
// statements in one slot would run each other's SQL).
Money Store::refunded(std::int64_t id) const {
    auto& q = prepared(60,
                       "SELECT COALESCE(SUM(amount_fen), 0) FROM entries WHERE refunds = ?1 "
                       "OR reverses IN (SELECT id FROM entries WHERE refunds = ?1)");
    const ResetAfterUse reset{q};
    q.bind(1, id);
    return q.executeStep() ? Money::from_fen(q.getColumn(0).getInt64()) : Money{};
}

std::vector<std::int64_t> Store::refunds_of(std::int64_t id) const {
    auto& q = prepared(61,
                       "SELECT r.id FROM entries r WHERE r.refunds = ? "
                       "AND NOT EXISTS (SELECT 1 FROM entries v WHERE v.reverses = r.id) ORDER BY r.id");
    const ResetAfterUse reset{q};
    q.bind(1, id);
    std::vector<std::int64_t> ids;
    while (q.executeStep()) {
        ids.push_back(q.getColumn(0).getInt64());
    }
    return ids;
}

std::vector<NamedRefund> Store::named_refunds(std::int64_t project_id) const {
    auto& q = prepared(62,
                       "SELECT r.id, r.effect_kind, r.level, r.effective_on, "
                       "r.amount_fen + COALESCE((SELECT v.amount_fen FROM entries v WHERE v.reverses = r.id), 0), "
                       "r.contract_id, t.id, t.kind, t.project_id, t.level, t.effective_on, "
                       "t.amount_fen + COALESCE((SELECT v.amount_fen FROM entries v WHERE v.reverses = t.id), 0), "
                       "t.contract_id "
                       "FROM entries r JOIN entries t ON t.id = r.refunds "
                       "WHERE r.project_id = ? AND r.refunds IS NOT NULL ORDER BY r.id");
    const ResetAfterUse reset{q};
    q.bind(1, project_id);
    std::vector<NamedRefund> rows;
    const auto optional_id = [&](int column) -> std::optional<std::int64_t> {
        if (q.getColumn(column).isNull()) {
            return std::nullopt;
        }
        return q.getColumn(column).getInt64();
    };
    const auto level_at = [&](int column) {
        return q.getColumn(column).isNull() ? Level::county : parse_level(q.getColumn(column).getString());
    };
    while (q.executeStep()) {
        NamedRefund r;
        r.refund_id = q.getColumn(0).getInt64();
        r.refund_effect = parse_entry_kind(q.getColumn(1).getString());
        r.refund_level = level_at(2);
        r.refund_day = parse_date(q.getColumn(3).getString());
        r.amount = Money::from_fen(q.getColumn(4).getInt64());
        r.contract_id = optional_id(5);
        r.target_id = q.getColumn(6).getInt64();
        r.target_kind = parse_entry_kind(q.getColumn(7).getString());
        r.target_project_id = q.getColumn(8).getInt64();
        r.target_level = level_at(9);
        r.target_day = parse_date(q.getColumn(10).getString());
        r.target_amount = Money::from_fen(q.getColumn(11).getInt64());
        r.target_contract_id = optional_id(12);
        rows.push_back(r);
    }
    return rows;
}

namespace {

// A range of days cut into whole years, whole months and loose days, so that its sum reads the coarsest
// totals that fit: [2021-03-15, 2023-02-10] → days 03-15…03-31, months 2021-04…2021-12, year 2022,
// month 2023-01, days 2023-02-01…02-10.
struct Pieces {
    std::vector<std::pair<Date, Date>> days;
    std::vector<std::pair<std::string, std::string>> months;  // 'YYYY-MM', both ends included
    std::optional<std::pair<int, int>> years;
};

Date month_end(Date d) { return Date{d.year() / d.month() / date::last}; }
Date next_day(Date d) { return Date{date::sys_days{d} + date::days{1}}; }
std::string month_text(Date d) { return to_string(d).substr(0, 7); }

Pieces cut_into_pieces(Date from, Date to) {
    Pieces pieces;
    Date cur = from;
    if (cur > to) {
        return pieces;
    }
    // Loose days up to the end of the first month.
    if (cur.day() != date::day{1}) {
        const Date end = std::min(to, month_end(cur));
        pieces.days.emplace_back(cur, end);
        if (end == to) {
            return pieces;
        }
        cur = next_day(end);
    }
    // Whole months up to the end of the first year (or to the last whole month before `to`).
    const auto whole_months_from = [&](Date start) {
        Date last = start;  // the last whole month's first day
        Date probe = start;
        while (probe.year() == start.year() && month_end(probe) <= to) {
            last = probe;
            probe = next_day(month_end(probe));
        }
        pieces.months.emplace_back(month_text(start), month_text(last));
        return next_day(month_end(last));
    };
    if (cur.month() != date::January) {
        if (month_end(cur) > to) {
            pieces.days.emplace_back(cur, to);
            return pieces;
        }
        cur = whole_months_from(cur);
        if (cur > to) {
            return pieces;
        }
        if (cur.month() != date::January) {  // `to` falls in this year
            pieces.days.emplace_back(cur, to);
            return pieces;
        }
    }
    // Whole years.
    const int last_whole_year = to == last_day_of(year_of(to)) ? year_of(to) : year_of(to) - 1;
    if (last_whole_year >= year_of(cur)) {
        pieces.years.emplace(year_of(cur), last_whole_year);
        if (last_whole_year == year_of(to)) {
            return pieces;
        }
        cur = first_day_of(last_whole_year + 1);
    }
    // Whole months of the last year, then loose days.
    if (month_end(cur) <= to) {
        cur = whole_months_from(cur);
        if (cur > to) {
            return pieces;
        }
    }
    pieces.days.emplace_back(cur, to);
    return pieces;
}

}  // namespace

std::map<std::pair<Level, EntryKind>, Money> Store::range_sums(std::int64_t project_id, std::optional<Level> level,
                                                               Date from, Date through) const {
    // "level IN (six values)": one index seek per level (the key is project, level, period, kind);
    // a single level is bound six times.
    constexpr const char* kLevelsIn = "level IN (?2, ?3, ?4, ?5, ?6, ?7)";
    std::map<std::pair<Level, EntryKind>, Money> sums;
    const auto run = [&](sql::Statement& q, const auto& low, const auto& high) {
        const ResetAfterUse reset{q};
        q.bind(1, project_id);
        for (int i = 0; i < 6; ++i) {
            q.bind(2 + i, std::string(to_string(level ? *level : kLevels[static_cast<std::size_t>(i)])));
        }
        q.bind(8, low);
        q.bind(9, high);
        while (q.executeStep()) {
            Money& sum = sums[{parse_level(q.getColumn(0).getString()), parse_entry_kind(q.getColumn(1).getString())}];
            sum += Money::from_fen(q.getColumn(2).getInt64());
        }
    };
    const Pieces pieces = cut_into_pieces(from, through);
    if (pieces.years) {
        static const std::string sql = std::string("SELECT level, effect_kind, SUM(amount_fen) FROM year_totals "
                                                   "WHERE project_id = ?1 AND ") +
                                       kLevelsIn + " AND year BETWEEN ?8 AND ?9 GROUP BY level, effect_kind";
        run(prepared(19, sql.c_str()), pieces.years->first, pieces.years->second);
    }
    for (const auto& [low, high] : pieces.months) {
        static const std::string sql = std::string("SELECT level, effect_kind, SUM(amount_fen) FROM month_totals "
                                                   "WHERE project_id = ?1 AND ") +
                                       kLevelsIn + " AND month BETWEEN ?8 AND ?9 GROUP BY level, effect_kind";
        run(prepared(20, sql.c_str()), low, high);
    }
    for (const auto& [low, high] : pieces.days) {
        static const std::string sql = std::string("SELECT level, effect_kind, SUM(amount_fen) FROM day_totals "
                                                   "WHERE project_id = ?1 AND ") +
                                       kLevelsIn + " AND effective_on BETWEEN ?8 AND ?9 GROUP BY level, effect_kind";
        run(prepared(21, sql.c_str()), to_string(low), to_string(high));
    }
    return sums;
}

KindSums Store::level_totals(std::int64_t project_id, Level level, Date from, Date through) const {
    const bool whole_year = from == first_day_of(year_of(from)) && through == last_day_of(year_of(from));
    if (whole_year && remembering()) {
        if (const auto it = memo_.year_sums.find({project_id, level, year_of(from)}); it != memo_.year_sums.end()) {
            return it->second;
        }
    }
    KindSums sums{};
    for (const auto& [key, amount] : range_sums(project_id, level, from, through)) {
        at(sums, key.second) += amount;
    }
    if (whole_year && remembering()) {
        memo_.year_sums.emplace(std::tuple(project_id, level, year_of(from)), sums);
    }
    return sums;
}

std::vector<DayChange> Store::level_changes_after(std::int64_t project_id, Level level, Date after,
                                                  Date through) const {
    auto& q = prepared(10,
                       "SELECT effective_on, effect_kind, amount_fen FROM day_totals "
                       "WHERE project_id = ? AND level = ? AND effective_on > ? AND effective_on <= ? "
                       "ORDER BY effective_on DESC");
    const ResetAfterUse reset{q};
    q.bind(1, project_id);
    q.bind(2, std::string(to_string(level)));
    q.bind(3, to_string(after));
    q.bind(4, to_string(through));
    std::vector<DayChange> changes;
    while (q.executeStep()) {
        changes.push_back(DayChange{q.getColumn(0).getString(), parse_entry_kind(q.getColumn(1).getString()),
                                    Money::from_fen(q.getColumn(2).getInt64())});
    }
    return changes;
}

KindSums Store::project_totals_before(std::int64_t project_id, Date before) const {
    KindSums sums{};
    if (before <= kFirstDay) {
        return sums;
    }
    const bool year_start = before == first_day_of(year_of(before));
    if (year_start && remembering()) {
        if (const auto it = memo_.sums_before_year.find({project_id, year_of(before)});
            it != memo_.sums_before_year.end()) {
            return it->second;
        }
    }
    const Date through{date::sys_days{before} - date::days{1}};
    for (const auto& [key, amount] : range_sums(project_id, std::nullopt, kFirstDay, through)) {
        at(sums, key.second) += amount;
    }
    if (year_start && remembering()) {
        memo_.sums_before_year.emplace(std::pair(project_id, year_of(before)), sums);
    }
    return sums;
}

std::optional<Date> Store::first_day(std::int64_t project_id) const {
    // entries_by_project_date leads with (project_id, effective_on): one step to either end.
    auto& q = prepared(12, "SELECT min(effective_on) FROM entries WHERE project_id = ? AND level IS NOT NULL");
    const ResetAfterUse reset{q};
    q.bind(1, project_id);
    if (!q.executeStep() || q.getColumn(0).isNull()) {
        return std::nullopt;
    }
    return parse_date(q.getColumn(0).getString());
}

std::optional<Date> Store::last_day(std::int64_t project_id) const {
    if (remembering()) {
        if (const auto it = memo_.last_days.find(project_id); it != memo_.last_days.end()) {
            return it->second;
        }
    }
    auto& q = prepared(13, "SELECT max(effective_on) FROM entries WHERE project_id = ? AND level IS NOT NULL");
    const ResetAfterUse reset{q};
    q.bind(1, project_id);
    std::optional<Date> last;
    if (q.executeStep() && !q.getColumn(0).isNull()) {
        last = parse_date(q.getColumn(0).getString());
    }
    if (remembering()) {
        memo_.last_days.emplace(project_id, last);
    }
    return last;
}

std::optional<int> Store::closed_through(std::int64_t project_id) const {
    if (remembering()) {
        if (const auto it = memo_.closed_through.find(project_id); it != memo_.closed_through.end()) {
            return it->second;
        }
    }
    // Close N locks N and every year before it; reopen N unlocks N and every year after it. The
    // sequence of both, in chain order, decides (index entries_closes).
    auto& q = prepared(17,
                       "SELECT kind, effective_on FROM entries WHERE project_id = ? AND kind IN ('close', 'reopen') "
                       "ORDER BY id");
    const ResetAfterUse reset{q};
    q.bind(1, project_id);
    std::optional<int> closed;
    while (q.executeStep()) {
        const int year = year_of(parse_date(q.getColumn(1).getString()));
        closed = q.getColumn(0).getString() == "close" ? year : year - 1;
    }
    if (remembering()) {
        memo_.closed_through.emplace(project_id, closed);
    }
    return closed;
}

std::vector<Store::LockedYearEntry> Store::entries_in_locked_years(std::int64_t project_id, int limit) const {
    // Each close or reopen entry sets what is locked until the next one (Store::closed_through); an entry
    // appended in between must be dated after the year locked then. The range read per lock is the
    // project's entries dated in locked years (index entries_by_project_date), filtered by id.
    sql::Statement q(*db_,
                        "WITH locks AS (SELECT id, CAST(substr(effective_on, 1, 4) AS INTEGER) - "
                        "CASE WHEN kind = 'reopen' THEN 1 ELSE 0 END AS through, lead(id) OVER (ORDER BY id) AS until FROM entries "
                        "WHERE project_id = ?1 AND kind IN ('close', 'reopen')) "
                        "SELECT e.id, e.effective_on, l.through FROM locks l JOIN entries e "
                        "ON e.project_id = ?1 AND e.effective_on <= CAST(l.through AS TEXT) || '-12-31' "
                        "AND e.id > l.id AND (l.until IS NULL OR e.id < l.until) "
                        "WHERE e.kind NOT IN ('close', 'reopen') ORDER BY e.id LIMIT ?2");
    q.bind(1, project_id);
    q.bind(2, limit);
    std::vector<LockedYearEntry> found;
    while (q.executeStep()) {
        found.push_back(LockedYearEntry{q.getColumn(0).getInt64(), parse_date(q.getColumn(1).getString()),
                                        q.getColumn(2).getInt()});
    }
    return found;
}

std::vector<ContractDay> Store::contract_days(std::int64_t contract_id) const {
    if (remembering()) {
        if (const auto it = memo_.contract_days.find(contract_id); it != memo_.contract_days.end()) {
            return it->second;
        }
    }
    auto& q = prepared(18,
                       "SELECT effective_on, level, effect_kind, SUM(amount_fen) FROM entries "
                       "WHERE contract_id = ? AND level IS NOT NULL GROUP BY effective_on, level, effect_kind "
                       "ORDER BY effective_on");
    const ResetAfterUse reset{q};
    q.bind(1, contract_id);
    std::vector<ContractDay> days;
    while (q.executeStep()) {
        days.push_back(ContractDay{parse_date(q.getColumn(0).getString()), parse_level(q.getColumn(1).getString()),
                                   parse_entry_kind(q.getColumn(2).getString()),
                                   Money::from_fen(q.getColumn(3).getInt64())});
    }
    if (remembering()) {
        // Bounded: past the limit the remembered days start over, so that an import's memory stays flat
        // however many contracts it touches (a contract read again is one indexed query).
        if (memo_.contract_day_rows + days.size() > kMemoContractDayRows) {
            memo_.contract_days.clear();
            memo_.contract_day_rows = 0;
        }
        memo_.contract_day_rows += days.size();
        memo_.contract_days.emplace(contract_id, days);
    }
    return days;
}

namespace {

std::vector<ProjectRow> project_rows(sql::Statement& q) {
    std::vector<ProjectRow> rows;
    while (q.executeStep()) {
        rows.push_back(ProjectRow{q.getColumn(0).getInt64(),
                                  Project{q.getColumn(1).getString(), q.getColumn(2).getString(),
                                          q.getColumn(3).getString(), q.getColumn(4).getString(),
                                          optional_text(q.getColumn(5)).value_or(std::string())}});
    }
    return rows;
}

}  // namespace

std::vector<ProjectRow> Store::projects() const {
    sql::Statement q(*db_,
                        "SELECT p.id, p.code, p.name, p.unit_name, p.func_code, u.code FROM projects p "
                        "LEFT JOIN units u ON u.id = p.unit_id ORDER BY p.code");
    return project_rows(q);
}

std::vector<ProjectRow> Store::projects_of_unit(std::int64_t unit_id) const {
    sql::Statement q(*db_,
                        "WITH RECURSIVE below(id) AS (SELECT CAST(? AS BIGINT) UNION ALL "
                        "SELECT u.id FROM units u JOIN below b ON u.parent_id = b.id) "
                        "SELECT p.id, p.code, p.name, p.unit_name, p.func_code, u.code FROM projects p "
                        "JOIN below b ON p.unit_id = b.id JOIN units u ON u.id = p.unit_id ORDER BY p.code");
    q.bind(1, unit_id);
    return project_rows(q);
}

std::vector<SumRow> Store::unit_sums(std::int64_t unit_id, std::optional<Date> from, Date to,
                                     const std::optional<Instant>& known_at) const {
    // The unit's projects, as a subquery each statement below starts from.
    static const std::string kScope =
        "project_id IN (WITH RECURSIVE below(id) AS (SELECT CAST(?1 AS BIGINT) UNION ALL SELECT u.id FROM units u JOIN below b "
        "ON u.parent_id = b.id) SELECT p.id FROM projects p JOIN below b ON p.unit_id = b.id) ";
    std::map<std::pair<Level, EntryKind>, Money> sums;
    const auto run = [&](int slot, const std::string& sql, const std::string& low, const std::string& high,
                         const std::optional<std::string>& recorded_by = std::nullopt) {
        auto& q = prepared(slot, sql.c_str());
        const ResetAfterUse reset{q};
        q.bind(1, unit_id);
        q.bind(2, low);
        q.bind(3, high);
        if (recorded_by) {
            q.bind(4, *recorded_by);
        }
        while (q.executeStep()) {
            sums[{parse_level(q.getColumn(0).getString()), parse_entry_kind(q.getColumn(1).getString())}] +=
                Money::from_fen(q.getColumn(2).getInt64());
        }
    };
    const Date low = from.value_or(kFirstDay);
    const bool current = !known_at || to_string(*known_at) >= head().recorded_at;
    if (!current) {
        static const std::string sql = "SELECT level, effect_kind, SUM(amount_fen) FROM entries WHERE " + kScope +
                                       "AND effective_on BETWEEN ?2 AND ?3 AND recorded_at <= ?4 "
                                       "AND level IS NOT NULL GROUP BY level, effect_kind";
        run(113, sql, to_string(low), to_string(to), to_string(*known_at));
    } else {
        const Pieces pieces = cut_into_pieces(low, to);
        if (pieces.years) {
            static const std::string sql = "SELECT level, effect_kind, SUM(amount_fen) FROM year_totals WHERE " +
                                           kScope + "AND year BETWEEN CAST(?2 AS INTEGER) AND CAST(?3 AS INTEGER) GROUP BY level, effect_kind";
            run(114, sql, std::to_string(pieces.years->first), std::to_string(pieces.years->second));
        }
        for (const auto& [month_low, month_high] : pieces.months) {
            static const std::string sql = "SELECT level, effect_kind, SUM(amount_fen) FROM month_totals WHERE " +
                                           kScope + "AND month BETWEEN ?2 AND ?3 GROUP BY level, effect_kind";
            run(115, sql, month_low, month_high);
        }
        for (const auto& [day_low, day_high] : pieces.days) {
            static const std::string sql = "SELECT level, effect_kind, SUM(amount_fen) FROM day_totals WHERE " +
                                           kScope + "AND effective_on BETWEEN ?2 AND ?3 GROUP BY level, effect_kind";
            run(116, sql, to_string(day_low), to_string(day_high));
        }
    }
    std::vector<SumRow> rows;
    for (const auto& [key, amount] : sums) {
        rows.push_back(SumRow{std::string(), key.first, std::nullopt, key.second, amount});
    }
    return rows;
}

namespace {

constexpr const char* kUnitSelect =
    "SELECT u.id, u.entry_id, u.code, u.name, parent.code FROM units u LEFT JOIN units parent ON parent.id = u.parent_id ";

UnitRow read_unit(sql::Statement& q) {
    return UnitRow{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(),
                   Unit{q.getColumn(2).getString(), q.getColumn(3).getString(),
                        optional_text(q.getColumn(4)).value_or(std::string())}};
}

}  // namespace

std::optional<UnitRow> Store::find_unit(std::string_view code) const {
    auto& q = prepared(110, (std::string(kUnitSelect) + "WHERE u.code = ?").c_str());
    const ResetAfterUse reset{q};
    q.bind(1, std::string(code));
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return read_unit(q);
}

void Store::insert_unit(std::int64_t entry_id, const Unit& unit) {
    auto& q = prepared(111,
                       "INSERT INTO units (entry_id, code, name, parent_id) "
                       "VALUES (?, ?, ?, (SELECT id FROM units WHERE code = ?))");
    const ResetAfterUse reset{q};
    q.bind(1, entry_id);
    q.bind(2, unit.code);
    q.bind(3, unit.name);
    if (unit.parent.empty()) {
        q.bind(4);
    } else {
        q.bind(4, unit.parent);
    }
    q.exec();
}

std::vector<UnitRow> Store::units() const {
    sql::Statement q(*db_, std::string(kUnitSelect) + "ORDER BY u.id");
    std::vector<UnitRow> rows;
    while (q.executeStep()) {
        rows.push_back(read_unit(q));
    }
    return rows;
}

std::optional<Unit> Store::unit_record_of(std::int64_t entry_id) const {
    auto& q = prepared(112, (std::string(kUnitSelect) + "WHERE u.entry_id = ?").c_str());
    const ResetAfterUse reset{q};
    q.bind(1, entry_id);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return read_unit(q).unit;
}

std::int64_t Store::unit_rows() const {
    sql::Statement q(*db_, "SELECT count(*) FROM units");
    q.executeStep();
    return q.getColumn(0).getInt64();
}

std::vector<ContractRow> Store::contracts(std::int64_t project_id) const {
    sql::Statement q(*db_,
                        "SELECT c.id, p.code, c.code, c.supplier, c.amount_fen, c.retention_rate_bp, c.warranty_months, "
                        "c.sme FROM contracts c JOIN projects p ON p.id = c.project_id WHERE c.project_id = ? "
                        "ORDER BY c.code");
    q.bind(1, project_id);
    std::vector<ContractRow> rows;
    while (q.executeStep()) {
        rows.push_back(ContractRow{q.getColumn(0).getInt64(), project_id,
                                   Contract{q.getColumn(1).getString(), q.getColumn(2).getString(),
                                            q.getColumn(3).getString(), Money::from_fen(q.getColumn(4).getInt64()),
                                            q.getColumn(5).getInt64(), q.getColumn(6).getInt(),
                                            q.getColumn(7).getInt() != 0}});
    }
    return rows;
}

std::vector<SumRow> Store::sums(const std::optional<std::int64_t>& project_id, std::optional<Date> from, Date to,
                                const std::optional<Instant>& known_at, bool by_contract) const {
    // What the ledger knows now (or knew at an instant no earlier than its latest posting) is read from
    // the year, month and day totals: bounded by the calendar, not by the number of entries. A
    // --known-at read of an earlier instant, and sums by contract, look at the entries themselves
    // through the covering indexes entries_by_project_date and entries_by_contract.
    const Head now = head();
    const bool current = !known_at || to_string(*known_at) >= now.recorded_at;
    if (!by_contract && !current) {
        // Recorded times never run backwards along the chain, so "recorded by T" is "id <= n" for the
        // last such id. When fewer entries were recorded after T than before, the totals of today less
        // those later entries (read by id, from the end of the table) are cheaper than the entries.
        const std::string cut = to_string(*known_at);
        auto& at_id = prepared(23, "SELECT recorded_at FROM entries WHERE id = ?");
        const auto recorded = [&](std::int64_t id) {
            const ResetAfterUse reset{at_id};
            at_id.bind(1, id);
            return at_id.executeStep() ? at_id.getColumn(0).getString() : std::string(kForever);
        };
        std::int64_t low = 0;            // recorded by T
        std::int64_t high = now.entries;  // recorded after T
        while (high - low > 1) {
            const std::int64_t mid = low + (high - low) / 2;
            (recorded(mid) <= cut ? low : high) = mid;
        }
        if (now.entries - low <= low) {
            return sums_less_later_entries(project_id, from, to, low);
        }
    }
    if (!by_contract && current) {
        std::vector<SumRow> rows;
        const auto add = [&](const ProjectRow& project) {
            for (const auto& [key, amount] : range_sums(project.id, std::nullopt, from.value_or(kFirstDay), to)) {
                rows.push_back(SumRow{project.project.code, key.first, std::nullopt, key.second, amount});
            }
        };
        if (project_id) {
            auto& q = prepared(22, "SELECT code FROM projects WHERE id = ?");
            const ResetAfterUse reset{q};
            q.bind(1, *project_id);
            if (q.executeStep()) {
                add(ProjectRow{*project_id, Project{q.getColumn(0).getString(), {}, {}, {}}});
            }
        } else {
            for (const auto& project : projects()) {
                add(project);
            }
        }
        return rows;
    }
    const char* sql =
        by_contract
            ? "SELECT p.code, e.level, c.code, e.effect_kind, SUM(e.amount_fen) FROM entries e "
              "JOIN projects p ON p.id = e.project_id JOIN contracts c ON c.id = e.contract_id "
              "WHERE e.project_id BETWEEN ?1 AND ?5 AND e.effective_on >= ?2 AND e.effective_on <= ?3 "
              "AND e.recorded_at <= ?4 AND e.level IS NOT NULL "
              "GROUP BY p.code, e.level, c.code, e.effect_kind ORDER BY p.code, c.code, e.level"
            : "SELECT p.code, e.level, NULL, e.effect_kind, SUM(e.amount_fen) FROM entries e "
              "JOIN projects p ON p.id = e.project_id "
              "WHERE e.project_id BETWEEN ?1 AND ?5 AND e.effective_on >= ?2 AND e.effective_on <= ?3 "
              "AND e.recorded_at <= ?4 AND e.level IS NOT NULL "
              "GROUP BY p.code, e.level, e.effect_kind ORDER BY p.code, e.level";
    auto& q = prepared(by_contract ? 14 : 15, sql);
    const ResetAfterUse reset{q};
    // One project is the range [id, id]; all of them [min, max]. (An "?1 IS NULL OR" filter would make
    // SQLite visit every project's rows.)
    q.bind(1, project_id.value_or(std::numeric_limits<std::int64_t>::min()));
    q.bind(5, project_id.value_or(std::numeric_limits<std::int64_t>::max()));
    q.bind(2, from ? to_string(*from) : std::string("0000-00-00"));
    q.bind(3, to_string(to));
    q.bind(4, known_at ? to_string(*known_at) : std::string(kForever));
    std::vector<SumRow> rows;
    while (q.executeStep()) {
        rows.push_back(SumRow{q.getColumn(0).getString(), parse_level(q.getColumn(1).getString()),
                              optional_text(q.getColumn(2)), parse_entry_kind(q.getColumn(3).getString()),
                              Money::from_fen(q.getColumn(4).getInt64())});
    }
    return rows;
}

std::vector<SumRow> Store::sums_less_later_entries(const std::optional<std::int64_t>& project_id,
                                                   std::optional<Date> from, Date to, std::int64_t known) const {
    std::map<std::tuple<std::string, Level, EntryKind>, Money> totals;
    for (auto& row : sums(project_id, from, to, std::nullopt, false)) {
        totals[{row.project, row.level, row.kind}] += row.amount;
    }
    // NOT INDEXED: read the later entries by id (the table's own order), not through a project index.
    auto& q = prepared(24,
                       "SELECT p.code, e.level, e.effect_kind, SUM(e.amount_fen), min(e.project_id) FROM entries e NOT INDEXED "
                       "JOIN projects p ON p.id = e.project_id "
                       "WHERE e.id > ?1 AND e.project_id BETWEEN ?2 AND ?3 AND e.effective_on >= ?4 "
                       "AND e.effective_on <= ?5 AND e.level IS NOT NULL GROUP BY p.code, e.level, e.effect_kind");
    const ResetAfterUse reset{q};
    q.bind(1, known);
    q.bind(2, project_id.value_or(std::numeric_limits<std::int64_t>::min()));
    q.bind(3, project_id.value_or(std::numeric_limits<std::int64_t>::max()));
    q.bind(4, from ? to_string(*from) : std::string("0000-00-00"));
    q.bind(5, to_string(to));
    struct Later {
        std::tuple<std::string, Level, EntryKind> key;
        std::int64_t project_id;
    };
    std::vector<Later> later;
    while (q.executeStep()) {
        Later l{{q.getColumn(0).getString(), parse_level(q.getColumn(1).getString()),
                 parse_entry_kind(q.getColumn(2).getString())},
                q.getColumn(4).getInt64()};
        totals[l.key] -= Money::from_fen(q.getColumn(3).getInt64());
        later.push_back(std::move(l));
    }
    // A sum that is now zero is shown only if an entry of it was known by then (as a read of the
    // entries would show it).
    auto& known_any = prepared(25,
                               "SELECT EXISTS (SELECT 1 FROM entries WHERE project_id = ?1 AND effective_on >= ?2 "
                               "AND effective_on <= ?3 AND level = ?4 AND effect_kind = ?5 AND id <= ?6)");
    for (const auto& l : later) {
        const auto it = totals.find(l.key);
        if (it == totals.end() || it->second != Money{}) {
            continue;
        }
        const ResetAfterUse reset_known{known_any};
        known_any.bind(1, l.project_id);
        known_any.bind(2, from ? to_string(*from) : std::string("0000-00-00"));
        known_any.bind(3, to_string(to));
        known_any.bind(4, std::string(to_string(std::get<1>(l.key))));
        known_any.bind(5, std::string(to_string(std::get<2>(l.key))));
        known_any.bind(6, known);
        if (!known_any.executeStep() || known_any.getColumn(0).getInt() == 0) {
            totals.erase(it);
        }
    }
    std::vector<SumRow> rows;
    for (const auto& [key, amount] : totals) {
        rows.push_back(SumRow{std::get<0>(key), std::get<1>(key), std::nullopt, std::get<2>(key), amount});
    }
    return rows;
}

std::vector<Entry> Store::log(const LogFilter& f) const {
    std::vector<Entry> entries;
    each_entry(f, [&](const Entry& e) { entries.push_back(e); });
    return entries;
}

void Store::each_entry(const LogFilter& f, const std::function<void(const Entry&)>& visit) const {
    std::string sql = std::string(kEntrySelect) +
                      "WHERE (CAST(?1 AS TEXT) IS NULL OR p.code = ?1) AND (CAST(?2 AS TEXT) IS NULL OR e.kind = ?2) "
                      "AND e.effective_on >= ?3 AND e.effective_on <= ?4 AND (CAST(?5 AS TEXT) IS NULL OR e.user = ?5) "
                      "AND e.recorded_at <= ?6 AND (CAST(?7 AS TEXT) IS NULL OR c.code = ?7) AND (CAST(?8 AS TEXT) IS NULL OR e.level = ?8) "
                      "AND (CAST(?9 AS TEXT) IS NULL OR e.ref = ?9) AND e.recorded_at >= ?10 "
                      "AND (CAST(?11 AS TEXT) IS NULL OR e.user = ?11 OR e.os_user = ?11) "
                      // Account entries (no project) only when their kind is asked for: the log is the books.
                      "AND (e.project_id IS NOT NULL OR e.kind = ?2) AND e.id > ?12 ORDER BY e.id LIMIT ?13";
    sql::Statement q(*db_, sql);
    bind_optional(q, 1, f.project);
    bind_optional(q, 2, f.kind ? std::optional<std::string>(std::string(to_string(*f.kind))) : std::nullopt);
    q.bind(3, f.from ? to_string(*f.from) : std::string("0000-00-00"));
    const Date to = f.to && *f.to < f.cut.as_of ? *f.to : f.cut.as_of;
    q.bind(4, to_string(to));
    bind_optional(q, 5, f.user);
    std::optional<Instant> recorded_to = f.cut.known_at;
    if (f.recorded_to && (!recorded_to || *f.recorded_to < *recorded_to)) {
        recorded_to = f.recorded_to;
    }
    q.bind(6, recorded_to ? to_string(*recorded_to) : std::string(kForever));
    bind_optional(q, 7, f.contract);
    bind_optional(q, 8, f.level ? std::optional<std::string>(std::string(to_string(*f.level))) : std::nullopt);
    bind_optional(q, 9, f.ref);
    q.bind(10, f.recorded_from ? to_string(*f.recorded_from) : std::string());
    bind_optional(q, 11, f.posted_by);
    q.bind(12, f.after_id ? static_cast<std::int64_t>(*f.after_id) : std::int64_t{0});
    q.bind(13, f.limit ? *f.limit : std::numeric_limits<std::int64_t>::max());  // none
    while (q.executeStep()) {
        visit(read_record(q).entry);
    }
}

void Store::each_retention_event(const std::optional<std::int64_t>& project_id, Date as_of,
                                 const std::optional<Instant>& known_at,
                                 const std::function<void(const RetentionEvent&)>& visit) const {
    // The effect_kind condition matches the partial index entries_retentions. For one project the
    // contracts lead (contracts(project_id, code), then the index by contract): a project's few deposits are
    // read, not every project's, which the execution report of each request paid for. Prepared once
    // per connection (slots 92, 93).
#define FUNDFLOW_RETENTION_SELECT(project_condition)                                                           \
    "SELECT p.code, c.code, c.supplier, c.sme, e.id, e.effect_kind, e.level, e.amount_fen, "                   \
    "e.effective_on, e.accepted_on, e.due_on FROM entries e "                                                  \
    "JOIN contracts c ON c.id = e.contract_id JOIN projects p ON p.id = e.project_id "                         \
    "WHERE e.effect_kind IN ('retention', 'release', 'forfeit') AND e.kind != 'reversal' " project_condition   \
    " AND e.effective_on <= ?2 AND e.recorded_at <= ?3 "                                                       \
    "AND NOT EXISTS (SELECT 1 FROM entries r WHERE r.reverses = e.id AND r.effective_on <= ?2 "                \
    "AND r.recorded_at <= ?3) "                                                                                \
    "ORDER BY e.contract_id, e.effective_on, e.id"
    auto& q = project_id ? prepared(92, FUNDFLOW_RETENTION_SELECT("AND c.project_id = ?1"))
                         : prepared(93, FUNDFLOW_RETENTION_SELECT("AND CAST(?1 AS BIGINT) IS NULL"));
#undef FUNDFLOW_RETENTION_SELECT
    if (project_id) {
        q.bind(1, *project_id);
    } else {
        q.bind(1);
    }
    q.bind(2, to_string(as_of));
    q.bind(3, known_at ? to_string(*known_at) : std::string(kForever));
    while (q.executeStep()) {
        RetentionEvent e;
        e.project = q.getColumn(0).getString();
        e.contract = q.getColumn(1).getString();
        e.supplier = q.getColumn(2).getString();
        e.sme = q.getColumn(3).getInt() != 0;
        e.id = EntryId{q.getColumn(4).getInt64()};
        e.kind = parse_entry_kind(q.getColumn(5).getString());
        e.level = parse_level(q.getColumn(6).getString());
        e.amount = Money::from_fen(q.getColumn(7).getInt64());
        e.effective_on = parse_date(q.getColumn(8).getString());
        if (auto d = optional_text(q.getColumn(9))) {
            e.accepted_on = parse_date(*d);
        }
        if (auto d = optional_text(q.getColumn(10))) {
            e.due_on = parse_date(*d);
        }
        visit(e);
    }
}

std::vector<RetentionEvent> Store::retention_events(const std::optional<std::int64_t>& project_id, Date as_of,
                                                    const std::optional<Instant>& known_at) const {
    std::vector<RetentionEvent> events;
    each_retention_event(project_id, as_of, known_at, [&](const RetentionEvent& e) { events.push_back(e); });
    return events;
}

void Store::for_each_chain_record(const std::function<bool(const ChainRecord&)>& visit,
                                  std::int64_t first_id) const {
    sql::Statement q(*db_, std::string(kEntrySelect) + "WHERE e.id >= ? ORDER BY e.id");
    q.bind(1, first_id);
    while (q.executeStep()) {
        ChainRecord record;
        try {
            record = read_record(q);
            if (record.entry.kind == EntryKind::amendment) {
                record.amendment_record = amendment_of(static_cast<std::int64_t>(record.entry.id));
            }
            if (record.entry.kind == EntryKind::account) {
                record.account_record = account_record_of(static_cast<std::int64_t>(record.entry.id));
            }
            if (record.entry.kind == EntryKind::unit) {
                record.unit_record = unit_record_of(static_cast<std::int64_t>(record.entry.id));
            }
        } catch (const Error& e) {
            throw Error(ErrorCode::integrity, msg("entry #{id} holds a value fundflow never writes: {problem}")
                                                  .with("id", std::to_string(q.getColumn(0).getInt64()))
                                                  .with("problem", e.message()));
        }
        if (!visit(record)) {
            return;
        }
    }
}

namespace {

constexpr const char* kAmendmentSelect =
    "SELECT a.entry_id, p.code, c.code, e.effective_on, a.name, a.unit_name, a.func_code, a.supplier, "
    "a.amount_fen, a.retention_rate_bp, a.warranty_months, a.sme "
    "FROM amendments a JOIN entries e ON e.id = a.entry_id JOIN projects p ON p.id = a.project_id "
    "LEFT JOIN contracts c ON c.id = a.contract_id ";

Amendment read_amendment(sql::Statement& q) {
    Amendment a;
    a.entry = EntryId{q.getColumn(0).getInt64()};
    a.project = q.getColumn(1).getString();
    a.contract = optional_text(q.getColumn(2));
    a.effective_on = parse_date(q.getColumn(3).getString());
    a.name = optional_text(q.getColumn(4));
    a.unit_name = optional_text(q.getColumn(5));
    a.func_code = optional_text(q.getColumn(6));
    a.supplier = optional_text(q.getColumn(7));
    if (!q.getColumn(8).isNull()) {
        a.amount = Money::from_fen(q.getColumn(8).getInt64());
    }
    if (!q.getColumn(9).isNull()) {
        a.retention_rate_bp = q.getColumn(9).getInt64();
    }
    if (!q.getColumn(10).isNull()) {
        a.warranty_months = q.getColumn(10).getInt();
    }
    if (!q.getColumn(11).isNull()) {
        a.sme = q.getColumn(11).getInt() != 0;
    }
    return a;
}

}  // namespace

void Store::insert_amendment(const Amendment& a, std::int64_t project_id, std::optional<std::int64_t> contract_id) {
    LEDGER_ASSERT(a.entry.has_value());
    sql::Statement q(*db_,
                        "INSERT INTO amendments (entry_id, project_id, contract_id, name, unit_name, func_code, "
                        "supplier, amount_fen, retention_rate_bp, warranty_months, sme) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, static_cast<std::int64_t>(*a.entry));
    q.bind(2, project_id);
    if (contract_id) {
        q.bind(3, *contract_id);
    } else {
        q.bind(3);
    }
    bind_optional(q, 4, a.name);
    bind_optional(q, 5, a.unit_name);
    bind_optional(q, 6, a.func_code);
    bind_optional(q, 7, a.supplier);
    if (a.amount) {
        q.bind(8, a.amount->fen());
    } else {
        q.bind(8);
    }
    if (a.retention_rate_bp) {
        q.bind(9, *a.retention_rate_bp);
    } else {
        q.bind(9);
    }
    if (a.warranty_months) {
        q.bind(10, *a.warranty_months);
    } else {
        q.bind(10);
    }
    if (a.sme) {
        q.bind(11, *a.sme ? 1 : 0);
    } else {
        q.bind(11);
    }
    q.exec();
}

std::vector<Amendment> Store::amendments(std::int64_t project_id, std::optional<std::int64_t> contract_id) const {
    // Prepared once per connection (slot 91): the warranty list and every execution report ask this once per
    // contract, and preparing it cost more than running it.
    static const std::string sql =
        std::string(kAmendmentSelect) + "WHERE a.project_id = ?1 AND a.contract_id IS ?2 ORDER BY e.effective_on, e.id";
    auto& q = prepared(91, sql.c_str());
    q.bind(1, project_id);
    if (contract_id) {
        q.bind(2, *contract_id);
    } else {
        q.bind(2);
    }
    std::vector<Amendment> rows;
    while (q.executeStep()) {
        rows.push_back(read_amendment(q));
    }
    return rows;
}

std::optional<Amendment> Store::amendment_of(std::int64_t entry_id) const {
    // The row must name the entry's own project and contract: a row moved to another contract is as
    // altered as a row whose terms changed.
    sql::Statement q(*db_, std::string(kAmendmentSelect) +
                                  "WHERE a.entry_id = ? AND a.project_id = e.project_id "
                                  "AND a.contract_id IS e.contract_id");
    q.bind(1, entry_id);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return read_amendment(q);
}

std::int64_t Store::amendment_rows() const {
    sql::Statement q(*db_, "SELECT count(*) FROM amendments");
    return q.executeStep() ? q.getColumn(0).getInt64() : 0;
}

std::optional<std::int64_t> Store::correction_of(std::int64_t id) const {
    sql::Statement q(*db_, "SELECT id FROM entries WHERE corrects = ?");
    q.bind(1, id);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return q.getColumn(0).getInt64();
}

// The columns of the totals both engines have (PostgreSQL's rows also carry their unit).
#define FUNDFLOW_DAY_TOTALS "SELECT project_id, level, effective_on, effect_kind, amount_fen FROM day_totals"
#define FUNDFLOW_MONTH_TOTALS "SELECT project_id, level, month, effect_kind, amount_fen FROM month_totals"
#define FUNDFLOW_YEAR_TOTALS "SELECT project_id, level, year, effect_kind, amount_fen FROM year_totals"
std::vector<Message> Store::derived_totals_problems() const {
    std::vector<Message> problems;
    // Each cache must equal the sums recomputed from the entries, in both directions.
    sql::Statement levels(
        *db_,
        "WITH actual AS (SELECT project_id, level, effective_on, effect_kind, SUM(amount_fen) AS amount_fen "
        "FROM entries WHERE level IS NOT NULL GROUP BY 1, 2, 3, 4) "
        "SELECT (SELECT count(*) FROM (SELECT * FROM actual EXCEPT " FUNDFLOW_DAY_TOTALS ") AS a) + "
        "(SELECT count(*) FROM (" FUNDFLOW_DAY_TOTALS " EXCEPT SELECT * FROM actual) AS b)");
    if (levels.executeStep() && levels.getColumn(0).getInt64() != 0) {
        problems.push_back(msg("the day totals differ from the sums of the entries"));
    }
    // Month and year totals must be the day totals summed by month and by year (the day totals were
    // just checked against the entries).
    sql::Statement periods(
        *db_,
        "WITH months AS (SELECT project_id, level, substr(effective_on, 1, 7), effect_kind, SUM(amount_fen) "
        "FROM day_totals GROUP BY 1, 2, 3, 4), "
        "years AS (SELECT project_id, level, CAST(substr(effective_on, 1, 4) AS INTEGER), effect_kind, "
        "SUM(amount_fen) FROM day_totals GROUP BY 1, 2, 3, 4) "
        "SELECT (SELECT count(*) FROM (SELECT * FROM months EXCEPT " FUNDFLOW_MONTH_TOTALS ") AS a) + "
        "(SELECT count(*) FROM (" FUNDFLOW_MONTH_TOTALS " EXCEPT SELECT * FROM months) AS b), "
        "(SELECT count(*) FROM (SELECT * FROM years EXCEPT " FUNDFLOW_YEAR_TOTALS ") AS c) + "
        "(SELECT count(*) FROM (" FUNDFLOW_YEAR_TOTALS " EXCEPT SELECT * FROM years) AS d)");
#undef FUNDFLOW_DAY_TOTALS
#undef FUNDFLOW_MONTH_TOTALS
#undef FUNDFLOW_YEAR_TOTALS
    if (periods.executeStep()) {
        if (periods.getColumn(0).getInt64() != 0) {
            problems.push_back(msg("the month totals differ from the sums of the entries"));
        }
        if (periods.getColumn(1).getInt64() != 0) {
            problems.push_back(msg("the year totals differ from the sums of the entries"));
        }
    }
    return problems;
}

std::vector<Message> Store::year_totals_problems(std::int64_t project_id, int year) const {
    // The entries of (project, year) are one range of the covering index entries_by_project_date, read
    // in its order (no sort); the totals rows of that year are ranges of their primary keys. The sums
    // are compared here rather than by EXCEPT in SQL, which sorted the entries once per comparison
    // (five times the cost at 1M entries).
    using Key = std::tuple<std::string, std::string, std::string>;  // (period, level, effect kind)
    std::map<Key, std::int64_t> days;
    std::map<Key, std::int64_t> months;
    std::map<Key, std::int64_t> years;
    const std::string y = std::to_string(year);
    {
        auto& q = prepared(40,
                           "SELECT effective_on, level, effect_kind, SUM(amount_fen) FROM entries "
                           "WHERE project_id = ?1 AND effective_on >= ?2 AND effective_on <= ?3 AND level IS NOT NULL "
                           "GROUP BY effective_on, level, effect_kind");
        const ResetAfterUse reset{q};
        q.bind(1, project_id);
        q.bind(2, y + "-01-01");
        q.bind(3, y + "-12-31");
        while (q.executeStep()) {
            const std::string day = q.getColumn(0).getString();
            const std::string level = q.getColumn(1).getString();
            const std::string kind = q.getColumn(2).getString();
            const std::int64_t fen = q.getColumn(3).getInt64();
            days[Key{day, level, kind}] = fen;
            // Money is checked arithmetic: a sum that overflows is itself a sign of an edited file.
            const auto add = [&](std::map<Key, std::int64_t>& sums, std::string period) {
                auto& sum = sums[Key{std::move(period), level, kind}];
                sum = (Money::from_fen(sum) + Money::from_fen(fen)).fen();
            };
            add(months, day.substr(0, 7));
            add(years, y);
        }
    }
    // Every level named, so that each totals table is read by its primary key (project, level, period).
    const auto differs = [&](int slot, const char* sql, const std::string& from, const std::string& to,
                             const std::map<Key, std::int64_t>& want) {
        auto& q = prepared(slot, sql);
        const ResetAfterUse reset{q};
        q.bind(1, project_id);
        q.bind(2, from);
        q.bind(3, to);
        std::size_t rows = 0;
        while (q.executeStep()) {
            ++rows;
            const auto it = want.find(Key{q.getColumn(0).getString(), q.getColumn(1).getString(),
                                          q.getColumn(2).getString()});
            if (it == want.end() || it->second != q.getColumn(3).getInt64()) {
                return true;
            }
        }
        return rows != want.size();
    };
    std::vector<Message> problems;
    if (differs(41,
                "SELECT effective_on, level, effect_kind, amount_fen FROM day_totals WHERE project_id = ?1 "
                "AND level IN ('central', 'provincial', 'municipal', 'county', 'carryover', 'other') "
                "AND effective_on >= ?2 AND effective_on <= ?3",
                y + "-01-01", y + "-12-31", days)) {
        problems.push_back(msg("the day totals of {year} differ from the sums of the entries").with("year", y));
    }
    if (differs(42,
                "SELECT month, level, effect_kind, amount_fen FROM month_totals WHERE project_id = ?1 "
                "AND level IN ('central', 'provincial', 'municipal', 'county', 'carryover', 'other') "
                "AND month >= ?2 AND month <= ?3",
                y + "-01", y + "-12", months)) {
        problems.push_back(msg("the month totals of {year} differ from the sums of the entries").with("year", y));
    }
    if (differs(43,
                "SELECT CAST(year AS TEXT), level, effect_kind, amount_fen FROM year_totals WHERE project_id = ?1 "
                "AND level IN ('central', 'provincial', 'municipal', 'county', 'carryover', 'other') "
                "AND year >= CAST(?2 AS INTEGER) AND year <= CAST(?3 AS INTEGER)",
                y, y, years)) {
        problems.push_back(msg("the year totals of {year} differ from the sums of the entries").with("year", y));
    }
    return problems;
}

std::vector<std::string> Store::file_problems() const {
    std::vector<std::string> problems;
    if (db_->postgres()) {
        return problems;  // the server checks its own pages (data checksums, if the cluster has them on)
    }
    sql::Statement q(*db_, "PRAGMA integrity_check(20)");
    while (q.executeStep()) {
        const std::string line = q.getColumn(0).getString();
        if (line != "ok") {
            problems.push_back(line);
        }
    }
    return problems;
}

std::vector<std::pair<std::string, std::string>> Store::contract_codes() const {
    sql::Statement q(*db_, "SELECT p.code, c.code FROM contracts c JOIN projects p ON p.id = c.project_id");
    std::vector<std::pair<std::string, std::string>> codes;
    while (q.executeStep()) {
        codes.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString());
    }
    return codes;
}


std::vector<ImportRecord> Store::imports_of(std::string_view sha256) const {
    sql::Statement q(*db_,
                        "SELECT id, sha256, recorded_at, user, os_user, file_name, first_entry_id, last_entry_id, "
                        "row_count, added_count, present_count FROM imports WHERE sha256 = ? ORDER BY id");
    q.bind(1, std::string(sha256));
    return import_rows(q);
}

std::vector<ImportRecord> Store::imports() const {
    sql::Statement q(*db_,
                        "SELECT id, sha256, recorded_at, user, os_user, file_name, first_entry_id, last_entry_id, "
                        "row_count, added_count, present_count FROM imports ORDER BY id");
    return import_rows(q);
}

std::vector<IdempotencyRecord> Store::idempotency_records() const {
    sql::Statement q(*db_,
                        "SELECT user, key, request_sha256, entry_id, recorded_at FROM idempotency_keys "
                        "ORDER BY recorded_at, user, key");
    std::vector<IdempotencyRecord> records;
    while (q.executeStep()) {
        records.push_back(IdempotencyRecord{q.getColumn(0).getString(), q.getColumn(1).getString(),
                                            q.getColumn(2).getString(), EntryId{q.getColumn(3).getInt64()},
                                            q.getColumn(4).getString()});
    }
    return records;
}

std::vector<ImportRecord> Store::import_rows(sql::Statement& q) {
    std::vector<ImportRecord> records;
    while (q.executeStep()) {
        ImportRecord r;
        r.id = q.getColumn(0).getInt64();
        r.sha256 = q.getColumn(1).getString();
        r.recorded_at = q.getColumn(2).getString();
        r.user = q.getColumn(3).getString();
        r.os_user = q.getColumn(4).getString();
        r.file_name = q.getColumn(5).getString();
        if (!q.getColumn(6).isNull()) {
            r.first_entry = EntryId{q.getColumn(6).getInt64()};
        }
        if (!q.getColumn(7).isNull()) {
            r.last_entry = EntryId{q.getColumn(7).getInt64()};
        }
        r.rows = q.getColumn(8).getInt64();
        r.added = q.getColumn(9).getInt64();
        r.present = q.getColumn(10).getInt64();
        records.push_back(std::move(r));
    }
    return records;
}

std::int64_t Store::insert_import(const ImportRecord& r) {
    sql::Statement q(*db_,
                        "INSERT INTO imports (sha256, recorded_at, user, os_user, file_name, first_entry_id, "
                        "last_entry_id, row_count, added_count, present_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "RETURNING id");
    q.bind(1, r.sha256);
    q.bind(2, r.recorded_at);
    q.bind(3, r.user);
    q.bind(4, r.os_user);
    q.bind(5, r.file_name);
    if (r.first_entry && r.last_entry) {
        q.bind(6, static_cast<std::int64_t>(*r.first_entry));
        q.bind(7, static_cast<std::int64_t>(*r.last_entry));
    } else {
        q.bind(6);
        q.bind(7);
    }
    q.bind(8, r.rows);
    q.bind(9, r.added);
    q.bind(10, r.present);
    return sql::insert_returning_id(q);
}

std::int64_t Store::data_version() const {
    if (db_->postgres()) {
        // Every write appends an entry (append-only): the head's id changes when anybody commits one.
        return db_->scalar("SELECT coalesce(max(id), 0) FROM entries");
    }
    return db_->lite().execAndGet("PRAGMA data_version").getInt64();
}

std::optional<IdempotencyRecord> Store::idempotency_record(std::string_view user, std::string_view key) const {
    sql::Statement q(*db_,
                        "SELECT request_sha256, entry_id, recorded_at FROM idempotency_keys WHERE user = ? AND key = ?");
    q.bind(1, std::string(user));
    q.bind(2, std::string(key));
    if (!q.executeStep()) {
        return std::nullopt;
    }
    IdempotencyRecord r;
    r.user = user;
    r.key = key;
    r.request_sha256 = q.getColumn(0).getString();
    r.entry = EntryId{q.getColumn(1).getInt64()};
    r.recorded_at = q.getColumn(2).getString();
    return r;
}

void Store::insert_idempotency(const IdempotencyRecord& r) {
    sql::Statement q(*db_,
                        "INSERT INTO idempotency_keys (user, key, request_sha256, entry_id, recorded_at) "
                        "VALUES (?, ?, ?, ?, ?)");
    q.bind(1, r.user);
    q.bind(2, r.key);
    q.bind(3, r.request_sha256);
    q.bind(4, static_cast<std::int64_t>(r.entry));
    q.bind(5, r.recorded_at);
    q.exec();
}

std::vector<std::int64_t> Store::same_entries(std::int64_t project_id, EntryKind kind, Date day,
                                              std::optional<Level> level, std::optional<Money> amount,
                                              std::optional<std::int64_t> contract_id, std::string_view memo,
                                              int limit) const {
    // The project and day lead entries_by_project_date (level, effect kind and amount follow in it), so
    // this reads the few entries of that project and day, however large the ledger. (Slot 90: far from
    // the others, which other branches extend from 26 on.)
    auto& q = prepared(90,
                       "SELECT id FROM entries WHERE project_id = ?1 AND effective_on = ?2 AND kind = ?3 "
                       "AND effect_kind = ?3 AND (CAST(?4 AS TEXT) IS NULL OR level = ?4) AND (CAST(?5 AS BIGINT) IS NULL OR amount_fen = ?5) "
                       "AND contract_id IS ?6 AND memo = ?7 ORDER BY id LIMIT ?8");
    const ResetAfterUse reset{q};
    q.bind(1, project_id);
    q.bind(2, to_string(day));
    q.bind(3, std::string(to_string(kind)));
    bind_optional(q, 4, level ? std::optional<std::string>(std::string(to_string(*level))) : std::nullopt);
    if (amount) {
        q.bind(5, amount->fen());
    } else {
        q.bind(5);
    }
    if (contract_id) {
        q.bind(6, *contract_id);
    } else {
        q.bind(6);
    }
    q.bind(7, std::string(memo));
    q.bind(8, limit);
    std::vector<std::int64_t> ids;
    while (q.executeStep()) {
        ids.push_back(q.getColumn(0).getInt64());
    }
    return ids;
}

std::optional<std::pair<Date, Date>> Store::money_date_span(std::int64_t project_id, Date as_of,
                                                            const std::optional<Instant>& known_at) const {
    auto& q = prepared(100,
                       "SELECT min(effective_on), max(effective_on) FROM entries WHERE project_id = ?1 "
                       "AND level IS NOT NULL AND effective_on <= ?2 AND recorded_at <= ?3");
    const ResetAfterUse reset{q};
    q.bind(1, project_id);
    q.bind(2, to_string(as_of));
    q.bind(3, known_at ? to_string(*known_at) : std::string(kForever));
    if (!q.executeStep() || q.getColumn(0).isNull()) {
        return std::nullopt;
    }
    return std::pair(parse_date(q.getColumn(0).getString()), parse_date(q.getColumn(1).getString()));
}

std::set<std::pair<std::int64_t, std::int64_t>> Store::registered(Date as_of,
                                                                 const std::optional<Instant>& known_at) const {
    auto& q = prepared(101,
                       "SELECT project_id, coalesce(contract_id, 0) FROM entries WHERE kind IN ('project', 'contract') "
                       "AND effective_on <= ?1 AND recorded_at <= ?2");
    const ResetAfterUse reset{q};
    q.bind(1, to_string(as_of));
    q.bind(2, known_at ? to_string(*known_at) : std::string(kForever));
    std::set<std::pair<std::int64_t, std::int64_t>> known;
    while (q.executeStep()) {
        known.emplace(q.getColumn(0).getInt64(), q.getColumn(1).getInt64());
    }
    return known;
}

}  // namespace ledger::detail
