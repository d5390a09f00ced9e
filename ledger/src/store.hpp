// Private: the storage layer. Every SQL statement and every transaction of the library lives behind
// this class, so that the rules in ledger.cpp know no engine. The statements are written once and run on
// SQLite (a file path) or PostgreSQL (a postgresql:// URI) through the statement layer of sql.hpp; only
// opening, migrations, transactions and locks differ by engine.
#pragma once

#include "sql.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "ledger/entry.hpp"
#include "ledger/ledger.hpp"
#include "ledger/report.hpp"

#include "chain.hpp"
#include "guarded.hpp"

namespace ledger::detail {

// A cached statement left mid-result (LIMIT 1, a lookup that stops at the first row) keeps its read
// transaction open: it would pin the WAL against checkpoints and freeze what a long-lived reader sees.
// Every use of a cached statement therefore resets it when the use ends.
struct ResetAfterUse {
    explicit ResetAfterUse(sql::Statement& used) : statement(used) {}
    sql::Statement& statement;
    ResetAfterUse(const ResetAfterUse&) = delete;
    ResetAfterUse& operator=(const ResetAfterUse&) = delete;
    ~ResetAfterUse() { statement.tryReset(); }
};

inline constexpr std::int32_t kApplicationId = 0x46464C47;  // "FFLG"

struct Migration {
    int version;
    const char* name;
    const char* sql;
};
// Generated from schema/*.sql at build time (migrations.cpp.in).
const std::vector<Migration>& migrations();
// schema/postgresql/*.sql: PostgreSQL's schema, the same tables and rules (PL/pgSQL triggers).
const std::vector<Migration>& pg_migrations();

inline constexpr std::size_t kKindCount = 18;
// Signed sums of amount_fen by effect kind, indexed by EntryKind.
using KindSums = std::array<Money, kKindCount>;
inline Money& at(KindSums& sums, EntryKind kind) { return sums[static_cast<std::size_t>(kind)]; }
inline Money at(const KindSums& sums, EntryKind kind) { return sums[static_cast<std::size_t>(kind)]; }

struct ProjectRow {
    std::int64_t id = 0;
    Project project;
};

struct ContractRow {
    std::int64_t id = 0;
    std::int64_t project_id = 0;
    Contract contract;
};

struct Head {
    std::int64_t entries = 0;
    std::string hash;
    std::string recorded_at;  // empty for an empty ledger
};

// The sum of one effect kind on one day.
struct DayChange {
    std::string day;
    EntryKind kind;
    Money amount;
};

struct ContractDay {
    Date day;
    Level level;
    EntryKind kind;
    Money amount;
};

struct RetentionEvent {
    std::string project;
    std::string contract;
    std::string supplier;
    bool sme = false;
    EntryId id{};
    EntryKind kind = EntryKind::retention;  // retention, release or forfeit
    Level level = Level::county;
    Money amount;
    Date effective_on;
    std::optional<Date> accepted_on;
    std::optional<Date> due_on;
};

// One chained row with the records its hash covers.
struct ChainRecord {
    Entry entry;
    std::optional<Project> project_record;
    std::optional<Contract> contract_record;
    std::optional<Amendment> amendment_record;  // kind == amendment: its row of the amendments table
    std::optional<AccountRecord> account_record;  // kind == account: its row of account_events
    std::optional<Unit> unit_record;              // kind == unit: its row of units
};

struct UnitRow {
    std::int64_t id = 0;
    std::int64_t entry_id = 0;
    Unit unit;
};

// A row of account_events with what its entry says: when it was recorded and by whom.
struct AccountEventRow {
    std::int64_t entry_id = 0;
    AccountRecord record;
    std::string recorded_at;
    std::string actor;  // the entry's user
};

// A row of sessions (schema 5): a login session, or a bearer token revoked by a logout.
struct SessionRow {
    std::string token_sha256;
    std::string user;
    std::string created_at;
    std::string last_seen_at;
    bool revoked = false;
};

// A row of login_failures (schema 5).
struct LoginFailures {
    std::int64_t count = 0;
    std::optional<std::string> locked_until;
};

// Sums for reports: one row per (project, level, contract, effect kind).
struct SumRow {
    std::string project;
    Level level;
    std::optional<std::string> contract;
    EntryKind kind;
    Money amount;
};

// A refund that names what it returns (refund --of), with that entry; amounts net of reversals.
struct NamedRefund {
    std::int64_t refund_id = 0;
    EntryKind refund_effect = EntryKind::refund;
    Level refund_level = Level::county;
    Date refund_day;
    Money amount;  // the refund less its reversal
    std::optional<std::int64_t> contract_id;
    std::int64_t target_id = 0;
    EntryKind target_kind = EntryKind::payment;
    std::int64_t target_project_id = 0;
    Level target_level = Level::county;
    Date target_day;
    Money target_amount;  // the payment or release less its reversal
    std::optional<std::int64_t> target_contract_id;
};

class Store {
public:
    static void create(const std::string& path);
    static std::unique_ptr<Store> open(const std::string& path, bool writable);
    // A second, read-only connection to the same file, for work done on another thread (verify).
    std::unique_ptr<Store> reader() const { return open(path_, false); }
    // SQLite's PRAGMA data_version: changes whenever another connection commits to the file; on PostgreSQL
    // the newest entry's id (every write appends an entry).
    std::int64_t data_version() const;
    ~Store();

    bool writable() const { return writable_; }
    // What --db named: a file path, or a PostgreSQL URI.
    const std::string& path() const { return path_; }
    // What a write transaction may touch, for the engines that let writers run side by side (PostgreSQL).
    //   ledger:  anything; it holds the chain's lock from BEGIN (the only scope on SQLite, whose writers take
    //            turns at BEGIN IMMEDIATE anyway).
    //   project: one posting to one project. Its rules are checked under that project's lock (lock_project),
    //            beside writers of other projects; the chain's lock is taken only when the entry is appended
    //            (the first head() or insert_entry) and held to COMMIT. Locks are taken project → chain, never
    //            the other way, so two writers cannot wait for each other.
    enum class Scope { ledger, project };
    // Runs body in BEGIN IMMEDIATE … COMMIT; nested calls join the outer transaction. Refused inside
    // read(): a snapshot cannot become a write.
    void transaction(const std::function<void()>& body, Scope scope = Scope::ledger);
    // Inside a project-scoped transaction: waits for the project's lock (no-op on SQLite, or once the chain's
    // lock is held). A second project in the same transaction takes the chain's lock instead.
    void lock_project(std::int64_t project_id);
    // Runs body in one read transaction: every statement in it sees the one committed state of the file
    // that the first of them saw, whatever other connections commit meanwhile. Nested calls, and calls
    // inside transaction(), join the outer transaction (and see its own uncommitted writes).
    void read(const std::function<void()>& body) const;
    template <typename F>
    auto reading(F&& body) const -> decltype(body());
    // Runs body inside read(), handing it a second, read-only connection (for work on another thread)
    // whose read transaction sees the same state of the file as this one, or nullptr when none could be
    // had (this connection is inside an older snapshot, or an uncommitted write, while others kept
    // committing): body then does that work on this connection. Equal heads (entry count and hash)
    // are equal states, because every write appends an entry in the same transaction and the ledger is
    // append-only. body must finish all use of the second connection before it returns.
    void read_with_second(const std::function<void(const Store* second)>& body) const;

    std::optional<ProjectRow> find_project(std::string_view code) const;
    std::optional<ContractRow> find_contract(std::int64_t project_id, std::string_view code) const;
    // project.unit, when not empty, must be a unit's code (find_unit).
    std::int64_t insert_project(const Project& project);

    std::optional<UnitRow> find_unit(std::string_view code) const;
    void insert_unit(std::int64_t entry_id, const Unit& unit);  // after its entry; unit.parent must exist
    std::vector<UnitRow> units() const;                         // in registration order
    std::optional<Unit> unit_record_of(std::int64_t entry_id) const;
    std::int64_t unit_rows() const;
    // The projects of the unit and of every unit below it, by code.
    std::vector<ProjectRow> projects_of_unit(std::int64_t unit_id) const;
    // sums() over every project of the unit and of the units below it at once, by (level, kind); project is
    // empty in the rows. Current knowledge reads the year, month and day totals; --known-at the entries.
    std::vector<SumRow> unit_sums(std::int64_t unit_id, std::optional<Date> from, Date to,
                                  const std::optional<Instant>& known_at) const;
    std::int64_t insert_contract(std::int64_t project_id, const Contract& contract);

    Head head() const;
    // project_id: nullopt only for an account entry.
    void insert_entry(const Entry& entry, std::optional<std::int64_t> project_id,
                      std::optional<std::int64_t> contract_id);
    std::optional<Entry> entry(std::int64_t id) const;
    std::optional<Entry> entry_by_ref(std::int64_t project_id, std::string_view ref) const;
    std::optional<std::int64_t> reversal_of(std::int64_t id) const;
    // What the refunds naming entry `id` return, net of their reversals, and their ids.
    Money refunded(std::int64_t id) const;
    std::vector<std::int64_t> refunds_of(std::int64_t id) const;
    // A project's refunds that name what they return, by refund id (for `check`).
    std::vector<NamedRefund> named_refunds(std::int64_t project_id) const;

    // Rule checks (all entries, whatever their recorded time).
    // Sums of (project, level) entries effective in [from, through], by effect kind.
    KindSums level_totals(std::int64_t project_id, Level level, Date from, Date through) const;
    // Sums of a project's entries effective in [from, through] by (level, effect kind), for every pair
    // that has at least one entry there; from year, month and day totals: at most a year row per
    // year, 22 month rows and 60 day rows per pair, however many entries there are.
    std::map<std::pair<Level, EntryKind>, Money> range_sums(std::int64_t project_id, std::optional<Level> level,
                                                            Date from, Date through) const;
    // Day sums of entries of (project, level) dated in (after, through], latest day first.
    std::vector<DayChange> level_changes_after(std::int64_t project_id, Level level, Date after,
                                               Date through) const;
    // Sums of a project's entries (all levels) effective before `before`, by effect kind.
    KindSums project_totals_before(std::int64_t project_id, Date before) const;
    std::optional<Date> first_day(std::int64_t project_id) const;  // of any money entry
    std::optional<Date> last_day(std::int64_t project_id) const;
    std::optional<int> closed_through(std::int64_t project_id) const;  // latest closed year
    // Entries of a project appended while the year they are dated in was locked (by the close and reopen
    // entries before them in chain order): what only an edit behind fundflow's back can put there. The
    // first `limit`, by id: (entry id, its date, the year the project was closed through then).
    struct LockedYearEntry {
        std::int64_t id = 0;
        Date effective_on;
        int closed_through = 0;
    };
    std::vector<LockedYearEntry> entries_in_locked_years(std::int64_t project_id, int limit) const;
    // A contract's money entries summed by (day, level, effect kind), earliest day first.
    std::vector<ContractDay> contract_days(std::int64_t contract_id) const;
    std::vector<ProjectRow> projects() const;
    std::vector<ContractRow> contracts(std::int64_t project_id) const;

    // Amendments (schema 3). insert_amendment writes the terms of amendment entry a.entry, which must
    // have just been inserted in the same transaction.
    void insert_amendment(const Amendment& a, std::int64_t project_id, std::optional<std::int64_t> contract_id);
    // A project's amendments (contract_id unset: of the project itself; set: of that contract), in
    // (effective date, id) order, whatever their recorded time.
    std::vector<Amendment> amendments(std::int64_t project_id, std::optional<std::int64_t> contract_id) const;
    // The amendments row of one entry, if its project and contract match the entry's.
    std::optional<Amendment> amendment_of(std::int64_t entry_id) const;
    std::int64_t amendment_rows() const;
    // The replacement that corrects entry `id` (its `corrects` column names it).
    std::optional<std::int64_t> correction_of(std::int64_t id) const;

    // Reports.
    std::vector<SumRow> sums(const std::optional<std::int64_t>& project_id, std::optional<Date> from, Date to,
                             const std::optional<Instant>& known_at, bool by_contract) const;
    // sums() as known when entry #known was the newest: today's totals less the entries after it.
    std::vector<SumRow> sums_less_later_entries(const std::optional<std::int64_t>& project_id,
                                                std::optional<Date> from, Date to, std::int64_t known) const;
    std::vector<Entry> log(const LogFilter& filter) const;
    void each_entry(const LogFilter& filter, const std::function<void(const Entry&)>& visit) const;
    // Retentions, releases and forfeits effective by as_of (and recorded by known_at), leaving out
    // entries reversed within the same cut and the reversals themselves; by contract (id), day, id.
    void each_retention_event(const std::optional<std::int64_t>& project_id, Date as_of,
                              const std::optional<Instant>& known_at,
                              const std::function<void(const RetentionEvent&)>& visit) const;
    std::vector<RetentionEvent> retention_events(const std::optional<std::int64_t>& project_id, Date as_of,
                                                 const std::optional<Instant>& known_at) const;

    // Integrity.
    // The chained rows with id >= first_id, in id order, until visit returns false.
    void for_each_chain_record(const std::function<bool(const ChainRecord&)>& visit,
                               std::int64_t first_id = 1) const;
    std::vector<Message> derived_totals_problems() const;
    // The day, month and year totals of one project's year against the sums of its entries of that year
    // (an index range read: as many rows as that year has entries). Empty when they agree.
    std::vector<Message> year_totals_problems(std::int64_t project_id, int year) const;
    // SQLite's own check of the file's pages and indexes (an index out of step with its table would
    // make rules and reports read wrong rows while every hash still matches). Empty when "ok".
    std::vector<std::string> file_problems() const;
    // Every contract as (project code, contract code).
    std::vector<std::pair<std::string, std::string>> contract_codes() const;

    // Accounts (schema/0005_accounts.sql; accounts.cpp). insert_account_event writes the terms of account
    // entry `entry_id`, which must have just been inserted in the same transaction.
    void insert_account_event(std::int64_t entry_id, const AccountRecord& record);
    // The events of one account (or of every account), in chain order.
    std::vector<AccountEventRow> account_events(std::optional<std::string_view> user) const;
    // The row of account entry `entry_id`, if there is one.
    std::optional<AccountRecord> account_record_of(std::int64_t entry_id) const;
    std::int64_t account_event_rows() const;
    // The token event whose hash is `token_sha256`, if any.
    std::optional<AccountEventRow> token_event(std::string_view token_sha256) const;
    std::optional<SessionRow> session(std::string_view token_sha256) const;
    void insert_session(const SessionRow& session);
    void touch_session(std::string_view token_sha256, std::string_view last_seen_at);
    void revoke_session(std::string_view token_sha256);
    // Deletes the login sessions last seen before `cutoff` (they can never authenticate again); a bearer
    // token's revocation stays.
    void forget_sessions_before(std::string_view cutoff);
    LoginFailures login_failures(std::string_view user) const;
    // Writes the row (count 0 and no lock: deletes it).
    void set_login_failures(std::string_view user, const LoginFailures& failures);

    // Imports (schema/0004_imports.sql): the loads of a file by its SHA-256, earliest first; a new one.
    std::vector<ImportRecord> imports_of(std::string_view sha256) const;
    std::vector<ImportRecord> imports() const;  // every one, by id
    std::vector<IdempotencyRecord> idempotency_records() const;
    std::int64_t insert_import(const ImportRecord& record);
    std::optional<IdempotencyRecord> idempotency_record(std::string_view user, std::string_view key) const;
    void insert_idempotency(const IdempotencyRecord& record);
    // Ids of a project's entries of `kind` (never a reversal) on `day` with this contract (none: none)
    // and memo, and this level and amount where given; earliest first, at most `limit`.
    std::vector<std::int64_t> same_entries(std::int64_t project_id, EntryKind kind, Date day,
                                           std::optional<Level> level, std::optional<Money> amount,
                                           std::optional<std::int64_t> contract_id, std::string_view memo,
                                           int limit) const;

    // Lists (lists.cpp; statement slots 100–129). The first and last effective dates of a project's
    // money entries effective by as_of and recorded by known_at; nullopt when it has none.
    std::optional<std::pair<Date, Date>> money_date_span(std::int64_t project_id, Date as_of,
                                                         const std::optional<Instant>& known_at) const;
    // The projects and contracts registered (their project/contract entry) effective by as_of and
    // recorded by known_at: (project id, contract id or 0 for the project itself).
    std::set<std::pair<std::int64_t, std::int64_t>> registered(Date as_of,
                                                               const std::optional<Instant>& known_at) const;

private:
    Store(std::unique_ptr<sql::Database> db, std::string path, bool writable);
    sql::Statement& prepared(int slot, const char* sql) const;
    static std::vector<ImportRecord> import_rows(sql::Statement& q);

    // What the rule checks read, remembered for the length of one write transaction. Under BEGIN
    // IMMEDIATE this connection is the only writer, and every write goes through insert_project,
    // insert_contract and insert_entry, which update what is remembered; so a remembered value is the
    // value SQL would return. It starts empty with each transaction and is dropped when the transaction
    // ends (commit or rollback). Outside a write transaction nothing is remembered. This is what keeps a
    // large import's checks from re-reading the same sums for every row.
    struct Memo {
        std::optional<Head> head;
        std::map<std::string, ProjectRow, std::less<>> projects;
        std::map<std::pair<std::int64_t, std::string>, ContractRow> contracts;
        std::map<std::tuple<std::int64_t, Level, int>, KindSums> year_sums;  // (project, level, year)
        std::map<std::pair<std::int64_t, int>, KindSums> sums_before_year;    // (project, year)
        std::map<std::int64_t, std::optional<Date>> last_days;
        std::map<std::int64_t, std::optional<int>> closed_through;
        std::map<std::int64_t, std::vector<ContractDay>> contract_days;
        std::size_t contract_day_rows = 0;  // bounded (kMemoContractDayRows) to keep an import's memory flat
    };
    bool remembering() const { return transaction_depth_ > 0; }
    bool in_any_transaction() const { return transaction_depth_ > 0 || read_depth_ > 0; }
    // The bare BEGIN and COMMIT of one read transaction (read() and read_with_second() count depth).
    void begin_read() const;
    void end_read() const noexcept;
    void remember_entry(const Entry& entry, std::optional<std::int64_t> project_id,
                        std::optional<std::int64_t> contract_id);

    std::unique_ptr<sql::Database> db_;
    std::string path_;
    bool writable_;
    int transaction_depth_ = 0;
    mutable int read_depth_ = 0;
    mutable std::vector<std::unique_ptr<sql::Statement>> statements_;
    mutable Memo memo_;
    // PostgreSQL write transaction: whether it holds the chain's advisory lock, and the project it locked.
    void lock_chain() const;
    mutable bool chain_locked_ = false;
    std::optional<std::int64_t> locked_project_;
};

template <typename F>
auto Store::reading(F&& body) const -> decltype(body()) {
    using Result = decltype(body());
    if constexpr (std::is_void_v<Result>) {
        read([&] { body(); });
    } else {
        std::optional<Result> result;
        read([&] { result.emplace(body()); });
        return std::move(*result);
    }
}

// A public read of the Ledger: one read transaction, SQLite's failures mapped to ledger errors.
// The amendments known at known_at (all of them without a cut): terms_in_force() then applies those effective
// by its date. An amendment recorded later was not in the books then, whatever date it takes effect.
std::vector<Amendment> known_amendments(const Store& store, std::vector<Amendment> amendments,
                                        const std::optional<Instant>& known_at);

template <typename F>
auto read_guarded(const Store& store, F&& body) -> decltype(body()) {
    return guarded([&] { return store.reading(std::forward<F>(body)); });
}

}  // namespace ledger::detail
