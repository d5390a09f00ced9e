// ledger/report.hpp — report structures: data first, rendered by the CLI (table, JSON, CSV) or later
// by other renderers. Every figure is exact; rates are exact ratios.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ledger/calendar.hpp"
#include "ledger/entry.hpp"
#include "ledger/message.hpp"
#include "ledger/money.hpp"

namespace ledger {

// What a read sees: entries effective on or before as_of, and (when set) recorded at or before known_at.
struct ReadCut {
    Date as_of = today_local();
    std::optional<Instant> known_at;
};

// Rows (1)–(7) of the 预算执行情况 form for one column.
struct ExecutionFigures {
    Money initial_budget;    // (1) 年初预算
    Money full_year_budget;  // (2) 全年预算 = (1) + adjustments
    Money arrived;           // (3) 实际到位
    Money executed;          // (4) 全年执行 = payments − refunds + releases
    Money recovered;         // 其中：已收回 — recovered to the treasury in the year (part of (5))
    Money balance() const { return arrived - executed; }                              // (5)
    Rate arrival_rate() const { return Rate::of(arrived, full_year_budget); }          // (6)
    Rate execution_rate() const { return Rate::of(executed, full_year_budget); }       // (7)
    ExecutionFigures& operator+=(const ExecutionFigures& other);
};

// An outstanding warranty deposit whose due date has passed by the form's date (the 自评报告 says so).
struct DepositPastDue {
    std::string contract;
    std::string supplier;
    Money outstanding;
    Date due;
    std::int64_t days_past_due = 0;  // days from the due date to the form's date (as_of), > 0
};

struct ExecutionReport {
    std::string project;
    std::string project_name;
    std::string unit_name;  // 预算单位, as registered (amended) on the form's date; may be empty
    std::string func_code;  // 功能分类 (e.g. 2070808); may be empty
    int year = 0;
    Date as_of;  // the effective cut-off actually applied (never later than the year's end)
    std::optional<Instant> known_at;
    std::array<ExecutionFigures, kLevels.size()> levels{};  // indexed by Level
    ExecutionFigures fiscal_subtotal;                        // 财政资金小计: central … county
    ExecutionFigures total;                                  // 年度总金额
    Money retention_outstanding;  // retained − released − forfeited, as of as_of
    std::vector<DepositPastDue> deposits_past_due;  // outstanding deposits due before as_of, first due first
    const ExecutionFigures& level(Level l) const { return levels[static_cast<std::size_t>(l)]; }
};

enum class BalanceBy { level, project, contract };

struct BalanceRow {
    std::string project;
    std::optional<Level> level;           // absent in --by project rows
    std::optional<std::string> contract;  // --by contract rows only
    Money arrived;
    Money executed;
    Money retention_outstanding;
    Money recovered;
    Money balance() const { return arrived - executed; }
    Money free_balance() const { return arrived - executed - retention_outstanding - recovered; }
};

struct BalanceReport {
    Date as_of;
    std::optional<Instant> known_at;
    std::vector<BalanceRow> rows;
    // --by contract: each row's contract terms in force at as_of (amendments applied), by (project, code).
    std::map<std::pair<std::string, std::string>, Contract> contract_terms;
};

// A warranty deposit's state as of a date (domain.md §5).
enum class RetentionStatus { held, due, overdue, partly_released, released, forfeited };
std::string_view to_string(RetentionStatus status);  // "held", …, "partly released"
RetentionStatus parse_retention_status(std::string_view text);  // also "partly_released"; Error{invalid_input}

// One retention entry with what was released and forfeited of it (releases and forfeits of a contract
// settle its deposits first-due first).
struct WarrantyRow {
    std::string project;
    std::string contract;
    std::string supplier;
    bool sme = false;
    EntryId entry{};     // the retention entry
    Level level = Level::county;  // where the money is held as of the date: carryover after its year
    Level original_level = Level::county;  // the level the retention was withheld from (its entry's level)
    Money retained;
    Money released;
    Money forfeited;
    Money outstanding() const { return retained - released - forfeited; }
    Date accepted;
    Date due;
    RetentionStatus status = RetentionStatus::held;
    std::int64_t days_to_due = 0;  // negative once past due
    std::optional<Date> released_on;   // the last release that settled part of it, as of the date
    std::optional<Date> forfeited_on;  // the last forfeit that settled part of it, as of the date
    // overdue only: days past the due date as of the date (the grace period is not subtracted)
    std::optional<std::int64_t> days_late;
};

struct WarrantyFilter {
    std::optional<std::string> project;
    std::optional<RetentionStatus> status;
    std::optional<Date> due_before;     // due on or before
    std::optional<int> due_within_days;  // due within this many days of as_of (still outstanding)
    int grace_days = 30;
    ReadCut cut;
};

struct WarrantyReport {
    Date as_of;
    std::optional<Instant> known_at;
    int grace_days = 30;
    std::vector<WarrantyRow> rows;  // by due date
};

// `fundflow check`: named checks an auditor runs in one go.
enum class Verdict { pass, warn, fail };
std::string_view to_string(Verdict verdict);

struct CheckResult {
    std::string name;  // chain, invariants, retentions_overdue, retentions_due, years_closed
    Verdict verdict = Verdict::pass;
    std::vector<Message> details;
};

struct CheckReport {
    Date as_of;
    std::vector<CheckResult> checks;
    bool integrity_failed = false;  // chain or invariants failed
    bool overdue = false;           // a retention is overdue
};

struct LogFilter {
    std::optional<std::string> project;
    std::optional<EntryKind> kind;
    std::optional<Date> from;
    std::optional<Date> to;
    std::optional<std::string> user;  // the --user name recorded on the entry, exactly
    std::optional<std::string> contract;      // entries of this contract (with `project`: of that project's)
    std::optional<Level> level;
    std::optional<std::string> ref;           // voucher reference, exactly
    std::optional<Instant> recorded_from;     // recorded at or after
    std::optional<Instant> recorded_to;       // recorded at or before (besides cut.known_at)
    std::optional<std::string> posted_by;     // the --user name OR the login (os_user), exactly
    // Paging (the service's log): entries after this id, at most `limit` of them.
    std::optional<EntryId> after_id;
    std::optional<std::int64_t> limit;
    ReadCut cut;
};

struct Digest {
    std::int64_t entries = 0;
    std::string head;  // 64 hex digits; the genesis value (64 zeros) for an empty ledger
    friend bool operator==(const Digest&, const Digest&) = default;  // the same ledger state
};

struct VerifyResult {
    bool ok = true;
    Digest digest;                    // what the chain adds up to (up to the first bad entry if !ok)
    std::optional<EntryId> first_bad;  // the first entry that fails, when one does
    Message problem;                   // one line naming what is wrong, when !ok
};

}  // namespace ledger
