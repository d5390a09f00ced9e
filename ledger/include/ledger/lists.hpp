// ledger/lists.hpp — the accountant's and auditor's lists (issue 12 item 3): every project with its
// totals (project list), every contract with what was paid and withheld on it (合同台账), and the
// year-close entry's figures read back from its memo. Data only: the CLI renders them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ledger/entry.hpp"
#include "ledger/message.hpp"
#include "ledger/money.hpp"
#include "ledger/report.hpp"

namespace ledger {

// One project of `fundflow project list`: its terms in force at the as-of date and its totals over
// every year up to it (all levels; carryover is derived, so it is not counted twice).
struct ProjectListRow {
    Project project;                // name, 预算单位 and 功能分类 in force at as_of (项目变更 applied)
    std::optional<int> first_year;  // the years with money entries, first and last; none without any
    std::optional<int> last_year;
    Money budget;     // Σ appropriations + adjustments (年初预算 + 预算调整), every year
    Money arrived;    // Σ arrivals (资金到位)
    Money executed;   // payments − refunds (any year's) + releases
    Money recovered;  // Σ recoveries (收回)
    Money retention_outstanding;  // retained − released − forfeited
    Money balance() const { return arrived - executed - recovered; }  // what the project still holds
};

struct ProjectList {
    Date as_of;
    std::optional<Instant> known_at;
    std::vector<ProjectListRow> rows;  // by project code
};

// One contract of the 合同台账, as of a date.
struct ContractListRow {
    std::string project;
    Contract terms;          // in force at as_of (合同变更 applied): supplier, amount, rate, SME
    Money paid;              // payments − refunds (any year's): what went to the supplier outside the deposit
    Money retained;          // Σ retentions (质保金预留)
    Money released;          // Σ releases (质保金支付)
    Money forfeited;         // Σ forfeits (质保金扣除)
    Money outstanding() const { return retained - released - forfeited; }
    // 进度: (paid + retained) over the amount in force, an exact ratio (undefined for an amount of 0).
    Rate progress() const { return Rate::of(paid + retained, terms.amount); }
};

struct ContractList {
    Date as_of;
    std::optional<Instant> known_at;
    std::vector<ContractListRow> rows;  // by project, then contract code
};

// The figures a close entry records in its memo (Ledger::close_year), read back. nullopt for any other
// entry, or a memo that is not of that form.
struct CloseFigures {
    int year = 0;
    Money carried_in;
    Money arrived;
    Money executed;
    Money recovered;
    Money carried_out;
    Money retention_outstanding;
    std::optional<Money> prior_refunds;  // recorded only when there were some
};
std::optional<CloseFigures> close_figures(const Entry& entry);

// The close entry's memo in words and figures (amounts in 万元), a catalogue template:
// "Year 2020 closed: carried in 0.00, arrived 125.95, …". nullopt where close_figures() is.
std::optional<Message> close_memo_message(const Entry& entry);

}  // namespace ledger
