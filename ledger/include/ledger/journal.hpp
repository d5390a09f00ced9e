// ledger/journal.hpp — the ledger as double-entry transactions, for ledger-cli, hledger and Beancount.
//
// Chart of accounts, per project P and funding level L (account components as in docs/export.md):
//   Assets:P:L:Receivable   budget not yet arrived        (appropriation/adjustment +, arrival −)
//   Assets:P:L:Free         the free balance               (arrival +, payment −, refund +, ...)
//   Assets:P:L:Retained     warranty deposits held         (retention +, release −, forfeit −)
//   Expenses:P:L            executed this year             (payment +, refund −, release +)
//   Equity:P:L:Budget       budget authority               (appropriation/adjustment −)
//   Equity:P:L:Returned     recovered to the treasury this year (recovery +)
//   Equity:P:L:Closed       where each year's executed and recovered are closed
//   Equity:P:L:Adjusted     年初余额调整: earlier years' payments returned (prior refund −, on the
//                           carryover level only; the refund's Free + is its other side)
// On the first day of each year a closing transaction moves every level's free balance and deposits to
// the carryover level (domain.md §6), lets unarrived budget lapse, and closes Expenses and Returned. So
// at any date each tool's balance of Free, Retained, Expenses, Returned and Receivable equals fundflow's
// `balance` (and budget less arrived) for the same project, level and date.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ledger/ledger.hpp"

namespace ledger {

struct JournalPosting {
    std::string account;
    Money amount;
};

struct JournalTransaction {
    Date date;
    std::string payee;      // the project code
    std::string narration;  // kind in Chinese and memo, e.g. "支付 设备款"
    std::optional<EntryId> entry;  // absent for year-end closing transactions
    std::vector<JournalPosting> postings;  // they sum to zero
};

// An account component for a project code: the code itself when every tool accepts it ([A-Z0-9] then
// letters, digits, '-'), else "X" followed by the code's bytes in hex.
std::string account_component(const std::string& project_code);
std::string account_component(Level level);  // "County", "Carryover", ...

// Calls `visit` for every money entry of the project (all projects when absent) that the cut sees, in
// entry order, then for the year-end closing transactions up to the cut's year. Registrations and closes
// carry no money and are skipped.
void each_journal_transaction(const Ledger& ledger, const std::optional<std::string>& project, const ReadCut& cut,
                              const std::function<void(const JournalTransaction&)>& visit);

}  // namespace ledger
