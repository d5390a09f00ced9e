// ledger/ledger.hpp — the fundflow ledger: an append-only, hash-chained journal of a county budget
// unit's project money, and the reports derived from it.
//
// Contract:
//   * Every posting is checked against the rules of domain.md §4 before anything is written; a refused
//     posting throws Error{rejected} (or invalid_input / not_found) and leaves the file untouched.
//   * A posting returns only after its transaction committed (WAL, synchronous=FULL, BEGIN IMMEDIATE),
//     so an acknowledged entry survives a crash.
//   * Entries are never updated or deleted (API, and triggers in the file); each carries the SHA-256 of
//     its canonical encoding and of its predecessor's hash (docs/hash-chain.md).
//   * Reads are SQL aggregates over indexes; a read-only Ledger never takes a write lock.
//
// Concurrency (many processes, and many Ledger objects, on one file):
//   * What a reader sees: every public read (each const member below, and each_journal_transaction)
//     sees one committed state of the file, whole: the entries, registrations and derived totals as
//     they stood after some writer's commit, never a part of a later write and never a mix of two
//     states. Several reads see one state together when run inside read_snapshot(). A reader never
//     waits for a writer and never blocks one; it does not see what is committed after its snapshot
//     began (run the read again to see it). verify() checks work it spreads over several connections
//     against that same state.
//   * What a writer is guaranteed: postings are serialised across processes; each posting (or each
//     in_transaction() body) is checked against the state it is appended to, lands whole or not at
//     all, and is durable once the call returns. Reads made inside in_transaction() see the writes
//     made so far in it. A write cannot start inside read_snapshot() (Error{storage}).
//   * Thread-safety: a Ledger object is used by one thread at a time (not shared without a lock);
//     each thread or process opens its own. The library may use other threads inside one call
//     (verify), on connections of its own.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/accounts.hpp"
#include "ledger/calendar.hpp"
#include "ledger/entry.hpp"
#include "ledger/error.hpp"
#include "ledger/lists.hpp"
#include "ledger/money.hpp"
#include "ledger/report.hpp"

namespace ledger {

namespace detail {
class Store;
}

// Who posts: the name given (--user) and the login that ran the program; both are recorded.
struct Actor {
    std::string user;
    std::string os_user;
};

// A money posting of one of the kinds appropriation … recovery (not project, contract, reversal).
struct Posting {
    EntryKind kind = EntryKind::payment;
    std::string project;
    std::optional<Level> level;  // release/forfeit: derived from the contract's retention when absent
    std::optional<Money> amount;  // retention: rate × contract; release: all outstanding, when absent
    Date date;
    std::optional<std::string> contract;
    std::optional<std::string> ref;
    std::string memo;
    std::optional<Date> accepted;          // retention only
    std::optional<int> warranty_months;    // retention only; defaults to the contract's
    // refund only (--of): the payment or release it returns, by voucher ref or entry id ("17", "#17"; a
    // voucher ref wins). Its level, contract and year then decide the refund's: the same year lowers that
    // payment's executed; an earlier year's is a prior refund on the carryover (domain.md §4, §6).
    std::optional<std::string> refunds;
};

struct PostResult {
    Entry entry;
    bool created = true;  // false when an identical posting with the same ref already existed
};

// One load of a file by import_csv (ledger/import.hpp), recorded in the same transaction as the entries
// it added. Append-only, like the entries; not part of the hash chain.
struct ImportRecord {
    std::int64_t id = 0;
    std::string sha256;       // of the file's bytes: 64 lowercase hex digits
    std::string recorded_at;  // UTC, fixed width (calendar.hpp)
    std::string user;         // --user
    std::string os_user;      // the login that ran the program
    std::string file_name;    // as it was given
    std::optional<EntryId> first_entry;  // the entries it added, first to last; none when it added none
    std::optional<EntryId> last_entry;
    std::int64_t rows = 0;     // data rows in the file
    std::int64_t added = 0;    // rows that added an entry
    std::int64_t present = 0;  // rows already on file with the same content
};

// An idempotency key of the service (api.md "Writes"): per user, the entry the key's first request wrote
// and the SHA-256 of that request's content. Written in the entry's transaction; not in the hash chain.
struct IdempotencyRecord {
    std::string user;
    std::string key;             // 1–200 characters
    std::string request_sha256;  // 64 lowercase hex digits
    EntryId entry{};
    std::string recorded_at;
};

// What `correct` changes in the entry it corrects; every field left unset keeps the original's value.
struct Correction {
    std::optional<Money> amount;
    std::optional<Date> date;
    std::optional<Level> level;
    std::optional<std::string> contract;
    std::optional<std::string> memo;
};

struct CorrectionResult {
    Entry reversal;     // cancels the original, dated on the original's date
    Entry replacement;  // the original's content with the changes; keeps its ref, corrects = original
};

class Ledger {
public:
    enum class Mode { read_only, read_write };

    // Creates a new ledger file, or upgrades an existing fundflow ledger to this program's schema.
    // Throws Error{invalid_input} for a file that is not a fundflow ledger (left untouched), or for a
    // path SQLite would read as a URI ("file:…").
    static void create(const std::string& path);

    // Opens an existing ledger. read_only opens the file with SQLITE_OPEN_READONLY and never writes;
    // read_write checks WAL and synchronous=FULL and applies pending migrations. Throws
    // Error{not_found} when there is no file, Error{invalid_input} when it is not a fundflow ledger
    // or is newer than this program.
    static Ledger open(const std::string& path, Mode mode);

    // `fundflow copy`: the whole ledger at `from` into a new or empty ledger at `to`, entry by entry with
    // the same ids, recorded times and hashes, with every registration's record, amendment, account,
    // unit, import record and idempotency key (logins are not copied: they are not facts of the books).
    // The source's chain is checked as it is read (Error{integrity} at its first bad entry); everything is
    // written in one transaction, and the copy is verified before it counts: its digest must be the
    // source's. On any failure nothing is left at `to` (a file it created is removed; an empty ledger
    // given stays empty). Error{invalid_input} when `to` holds entries. `progress(done, total)` is called
    // every few thousand entries.
    struct CopyResult {
        Digest digest;
        std::int64_t imports = 0;
        std::int64_t idempotency_keys = 0;
    };
    static CopyResult copy(const std::string& from, const std::string& to,
                           const std::function<void(std::int64_t done, std::int64_t total)>& progress = {});

    Ledger(Ledger&&) noexcept;
    Ledger& operator=(Ledger&&) noexcept;
    ~Ledger();

    // Writing. Each is its own transaction unless called inside in_transaction().
    // Registrations are entries too, dated `on` (default: today), so the chain covers them.
    PostResult add_project(const Project& project, const Actor& actor, std::optional<Date> on = std::nullopt);
    PostResult add_contract(const Contract& contract, const Actor& actor, std::optional<Date> on = std::nullopt);
    // Registers a budget unit (预算单位) under its parent (none: a root of the tree) by an entry of kind unit.
    // Error{rejected} for a code already taken, Error{not_found} for an unknown parent, Error{invalid_input}
    // for a code that reads as a money unit (yuan, wan, 元, 万元: `--unit` takes both).
    PostResult add_unit(const Unit& unit, const Actor& actor, std::optional<Date> on = std::nullopt);
    // Posts a money entry after checking every invariant of docs/accounting.md (Error{rejected} naming
    // the figures; Error{invalid_input}, Error{not_found} for bad input). A refund naming a payment
    // (Posting::refunds) returns at most what is left of it; one naming nothing is bounded by its pot,
    // and on the carryover level is a prior refund (年初余额调整), bounded by what earlier years executed.
    PostResult post(const Posting& posting, const Actor& actor);
    // Cancels one earlier money entry exactly (same level, contract and amount, opposite sign), dated
    // `on` (never before the original; default: the original's date, so its year's form is corrected).
    // A payment or release with refunds against it is refused until they are reversed.
    PostResult reverse(EntryId id, const std::string& reason, const Actor& actor, std::optional<Date> on = std::nullopt);

    // Locks year N of a project (and every year before it, so that year N's carryover cannot change):
    // later postings dated in a locked year are refused. Records the year's closing figures in the
    // chain as a close entry dated N-12-31. Refuses a year not yet ended or already closed.
    PostResult close_year(std::string_view project, int year, const Actor& actor);

    // Reopens year N of a project (重开年度): unlocks N and every later year, so the project is closed
    // through N-1 afterwards. A chained entry of kind reopen dated N-12-31 whose memo is the reason.
    // Refuses (Error{rejected}) a year that is not closed.
    PostResult reopen_year(std::string_view project, int year, const std::string& reason, const Actor& actor);

    // Corrects a money entry (更正): in one transaction, the reversal of entry `id` and its replacement
    // (the original's content with `changes` applied), which keeps the original's voucher ref and names
    // the original in `corrects`. Every rule applies to the result; a refusal writes nothing. Refuses a
    // reversal, a registration or other non-money entry, and an entry already reversed or corrected;
    // a replacement can be corrected again. Throws Error{not_found} for an unknown id.
    CorrectionResult correct(EntryId id, const Correction& changes, const std::string& reason, const Actor& actor);

    // Amends a contract (amendment.contract set) or a project from amendment.effective_on on: a chained
    // entry of kind amendment (no level, amount 0) whose terms go to the amendments table and into its
    // hash. Rules and reports use the terms in force on each date. Refuses (Error{rejected}) a contract
    // amount below what is paid and retained on any day from the effective date on, and a date in a
    // closed year; Error{invalid_input} for an amendment that sets nothing or a term out of range.
    PostResult amend(const Amendment& amendment, const std::string& memo, const Actor& actor);

    // Runs body inside one BEGIN IMMEDIATE transaction: every posting in it lands, or none does.
    void in_transaction(const std::function<void()>& body);
    // Runs body as one read: every read of this Ledger inside it sees the same committed state of the
    // file (the state at the first read in it). Inside in_transaction() it joins the write.
    void read_snapshot(const std::function<void()>& body) const;

    // Imports (ledger/import.hpp). The loads of a file with this SHA-256 (64 lowercase hex digits),
    // earliest first. Inside in_transaction() it sees what the transaction wrote.
    std::vector<ImportRecord> imports_of(std::string_view sha256) const;
    // Appends the record of a load (its id and recorded time are filled in and returned). Meant to run
    // inside in_transaction(), with the entries the import added, so that a load that does not commit
    // leaves no record. Throws Error{invalid_input} for a record its table would refuse (bad hash,
    // counts that do not add up, an entry range that is not the entries added).
    ImportRecord record_import(const ImportRecord& record);
    // The service's idempotency keys. Meant to run inside in_transaction() with the posting, so that the
    // key lands with its entry or not at all. record_idempotency throws Error{invalid_input} for a key out
    // of bounds or a hash that is not one, and fills in recorded_at.
    std::optional<IdempotencyRecord> idempotency_record(std::string_view user, std::string_view key) const;
    void record_idempotency(const IdempotencyRecord& record);
    // The money entries on file that `posting` would repeat, earliest first (at most 16): same kind,
    // date, project, level, amount, contract and memo as the entry post() would write now. What post()
    // derives is compared as it would derive it (a retention's amount from the contract's rate, a
    // release's level and amount from what is outstanding); where it cannot derive it now (nothing is
    // outstanding any more, a closed year), what the posting states is compared and the rest is not.
    // The posting's voucher ref is ignored. Reversed entries are included (see reversed_by()). Writes
    // nothing; throws only Error{storage} (or Error{integrity} for a damaged file).
    std::vector<EntryId> entries_repeated_by(const Posting& posting, const Actor& actor);

    // Reading.
    Project project(std::string_view code) const;  // Error{not_found}
    std::optional<Project> find_project(std::string_view code) const;
    std::optional<Contract> find_contract(std::string_view project, std::string_view code) const;
    std::optional<Entry> entry_by_ref(std::string_view project, std::string_view ref) const;
    std::optional<int> closed_through(std::string_view project) const;  // the latest closed year
    Contract contract(std::string_view project, std::string_view code) const;  // Error{not_found}
    // Terms in force on a date: the registration overlaid by the amendments effective by then.
    // The terms in force on `on`, as the books stood at known_at (amendments recorded later left out).
    Contract contract_in_force(std::string_view project, std::string_view code, Date on,
                               const std::optional<Instant>& known_at = std::nullopt) const;  // Error{not_found}
    Project project_in_force(std::string_view code, Date on,
                             const std::optional<Instant>& known_at = std::nullopt) const;  // Error{not_found}
    // The amendments of a project (contract unset) or of one of its contracts, in (date, id) order.
    std::vector<Amendment> amendments(std::string_view project, const std::optional<std::string>& contract) const;
    // The amendment terms written by entry `id` (kind amendment), if any.
    std::optional<Amendment> amendment(EntryId id) const;
    std::optional<EntryId> corrected_by(EntryId id) const;  // the replacement naming it in `corrects`
    ExecutionReport execution_report(std::string_view project, int year, const ReadCut& cut) const;
    BalanceReport balances(const std::optional<std::string>& project, BalanceBy by, const ReadCut& cut) const;
    // Units: the tree in registration order (a parent before its children), one unit (Error{not_found}),
    // and the codes of the projects of a unit and of every unit below it.
    std::vector<Unit> units() const;
    Unit unit(std::string_view code) const;
    // The unit a unit entry registered (`show`), or nullopt for an entry of another kind.
    std::optional<Unit> unit_registered_by(EntryId id) const;
    std::vector<std::string> projects_of_unit(std::string_view code) const;
    // The consolidated form of every project of the unit and of the units below it (`report execution
    // --unit`): each column the sum of the projects' forms of that year; project and project_name are the
    // unit's code and name; deposits past due are left to each project's form (evaluate). A unit without
    // projects: zeros.
    ExecutionReport unit_execution_report(std::string_view unit, int year, const ReadCut& cut) const;
    // `balance --unit`: by level, one row per level summing the unit's projects (project: the unit's code);
    // by project or contract, the rows of the unit's projects.
    BalanceReport unit_balances(std::string_view unit, BalanceBy by, const ReadCut& cut) const;
    WarrantyReport warranty(const WarrantyFilter& filter) const;
    std::vector<Entry> log(const LogFilter& filter) const;
    // `project list`: every project, its terms in force and totals as of cut (ledger/lists.hpp).
    ProjectList project_list(const ReadCut& cut) const;
    // `contract list` (合同台账): every contract of one project (Error{not_found}) or of all, as of cut.
    ContractList contract_list(const std::optional<std::string>& project, const ReadCut& cut) const;
    // The same entries, one at a time (memory stays flat over a large ledger).
    void each_entry(const LogFilter& filter, const std::function<void(const Entry&)>& visit) const;
    Entry entry(EntryId id) const;  // Error{not_found}
    std::optional<EntryId> reversed_by(EntryId id) const;

    // Integrity. verify() recomputes the whole chain and the derived totals; with a digest (head hash,
    // optionally "N:" before it) it also proves that the ledger still contains and extends it. `deep`
    // adds SQLite's check of every page and index of the file (integrity_check), which catches storage
    // damage the chain cannot see (an index out of step with its table) but reads the file several
    // times over: seconds per million entries. Everything it reads, on its connections, is one state of
    // the file: a writer committing meanwhile never makes it report a problem.
    VerifyResult verify(std::optional<std::string_view> digest = std::nullopt, bool deep = false) const;
    Digest digest() const;
    // The chain, every invariant recomputed from the entries, overdue and soon-due deposits, unclosed
    // past years. Never throws for a failed check: it reports it.
    CheckReport check(const ReadCut& cut, int grace_days = 30) const;

    // A read command's cheap tamper check, meant to run in the same read_snapshot() as its read: the
    // newest `links` entries of the chain (each hash recomputed from its encoding, each link to the one
    // before), and, for each year given, that project's day, month and year totals of that year
    // against the sums of its entries (as many rows as that year has entries; unknown projects are
    // skipped). Returns the first problem found, or nullopt. It does not replace verify(): older
    // entries, other years and deleted newest entries are verify's.
    struct ReportedYear {
        std::string project;
        int year = 0;
    };
    static constexpr std::int64_t kSpotCheckLinks = 1000;
    // A number that changes whenever another connection (another Ledger, process or tool) commits to the
    // file; the same number means nobody else wrote since it was read (SQLite's data_version). A
    // long-lived reader (the service) re-runs spot_check only when it changed.
    std::int64_t data_version() const;
    std::optional<Message> spot_check(const std::vector<ReportedYear>& years,
                                          std::int64_t links = kSpotCheckLinks) const;

    // Accounts (ledger/accounts.hpp, api.md "Roles" and "Authentication"). Each writing member below
    // appends one chained entry of kind account (no project, no level, amount 0) naming `actor`, whose
    // terms go to the account_events table and into its hash. A name is 1–64 characters without blanks
    // or control characters; a password 8–1024 bytes and at least 8 characters.
    //
    // Creates a user. Error{invalid_input}: a bad name or password, an unknown role, projects given for
    // a role other than accountant; Error{not_found}: a project that does not exist; Error{rejected}:
    // the name is taken (by a disabled user too).
    PostResult add_user(const std::string& name, Role role, const std::vector<std::string>& projects,
                        const std::string& password, const Actor& actor);
    // Disables a user: its sessions and tokens stop working at once, it cannot log in. Error{not_found}
    // for an unknown user; Error{rejected} for one already disabled.
    PostResult disable_user(const std::string& name, const Actor& actor);
    // A new password (argon2id). Error{not_found}, Error{invalid_input} (password), Error{rejected}
    // (disabled user).
    PostResult set_password(const std::string& name, const std::string& password, const Actor& actor);
    // A new role and project list (projects: accountants only; empty: every project). Errors as add_user,
    // and Error{rejected} for a disabled user.
    PostResult set_role(const std::string& name, Role role, const std::vector<std::string>& projects,
                        const Actor& actor);
    // Every user, by name, as the fold of its account entries; one user, or nullopt.
    std::vector<Account> users() const;
    std::optional<Account> find_user(std::string_view name) const;
    // A bearer token for `name`: 32 random bytes as 64 lowercase hex digits, returned once; the chained
    // entry records only its SHA-256 and its expiry (now + expires_days; nullopt: never). Error{not_found},
    // Error{rejected} (disabled user), Error{invalid_input} (expires_days outside 1–3650).
    std::string create_token(const std::string& name, std::optional<int> expires_days, const Actor& actor);
    // The terms of account entry `id` (nullopt for an entry of another kind), and the entry that created a
    // bearer token, found by the token's SHA-256 (nullopt for a session token or an unknown one).
    std::optional<AccountEvent> account_event(EntryId id) const;
    std::optional<AccountEvent> token_event(std::string_view token) const;
    // Not chained (tables sessions and login_failures). One argon2id verification whether the user exists
    // or not (an unknown name is checked against a fixed hash). kLoginFailuresBeforeLock failures in a row
    // for a name (known or not) lock it for kLockDuration: then even the right password gives `locked`,
    // without a verification; a success clears the count. A disabled user fails like a wrong password.
    // Needs a read_write Ledger (Error{invalid_input} otherwise).
    LoginResult login(std::string_view name, std::string_view password);
    // The principal a session or bearer token stands for, or nullopt (unknown, revoked, idle longer than
    // kSessionIdle, token expired, user disabled or gone). Looks the token up by its SHA-256 and compares
    // hashes in constant time, never the token itself. Refreshes a session's last-seen time at most once a
    // minute (on a read_write Ledger; a read_only one only checks). Role and projects are the user's now.
    std::optional<Principal> authenticate(std::string_view token);
    // Revokes a session or a `token create` token at once (a no-op for an unknown token). A bearer token's
    // revocation is a row of sessions (revoked), not a chained entry.
    void logout(std::string_view token);
    // The clock of logins, lockouts, sessions and token expiry (default: the system's UTC clock). For
    // tests, and for a service that must agree with another clock. Recorded times of entries keep theirs.
    void set_clock(std::function<Instant()> now);

private:
    explicit Ledger(std::unique_ptr<detail::Store> store);
    // post(), or with write == false the entry it would append (level, amount and due date derived)
    // before the rules of domain.md §4 are checked, writing nothing. `corrects`: see post() below.
    PostResult post_or_derive(const Posting& posting, const Actor& actor, bool write,
                              std::optional<EntryId> corrects = std::nullopt);
    CheckReport check_in_snapshot(const ReadCut& cut, int grace_days) const;
    // post(), for a replacement posted by correct(): the voucher ref is the original's, not a retry.
    PostResult post(const Posting& posting, const Actor& actor, std::optional<EntryId> corrects);
    Instant now() const;
    std::unique_ptr<detail::Store> store_;
    std::function<Instant()> clock_;  // empty: now_utc()
};

}  // namespace ledger
