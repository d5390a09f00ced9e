// The ledger as double-entry transactions (ledger/journal.hpp has the chart of accounts).
#include "ledger/journal.hpp"

#include <map>

namespace ledger {
namespace {

std::string account(const std::string& project, Level level, const char* leaf, const char* root) {
    std::string a = std::string(root) + ":" + account_component(project) + ":" + account_component(level);
    if (leaf != nullptr) {
        a += ":";
        a += leaf;
    }
    return a;
}

std::string assets(const std::string& p, Level l, const char* leaf) { return account(p, l, leaf, "Assets"); }
std::string expenses(const std::string& p, Level l) { return account(p, l, nullptr, "Expenses"); }
std::string equity(const std::string& p, Level l, const char* leaf) { return account(p, l, leaf, "Equity"); }

// The two sides of one entry: `debit` receives the signed amount, `credit` gives it.
std::pair<std::string, std::string> sides(const Entry& e) {
    const std::string& p = e.project;
    const Level l = *e.level;
    switch (e.effect_kind) {
        case EntryKind::appropriation:
        case EntryKind::adjustment:
            return {assets(p, l, "Receivable"), equity(p, l, "Budget")};
        case EntryKind::arrival:
            return {assets(p, l, "Free"), assets(p, l, "Receivable")};
        case EntryKind::payment:
            return {expenses(p, l), assets(p, l, "Free")};
        case EntryKind::refund:
            return {assets(p, l, "Free"), expenses(p, l)};
        case EntryKind::prior_refund:
            // An earlier year's payment returned: its expense was closed with that year, so the money
            // comes back as an adjustment of the carryover's opening balance (年初余额调整).
            return {assets(p, l, "Free"), equity(p, l, "Adjusted")};
        case EntryKind::retention:
            return {assets(p, l, "Retained"), assets(p, l, "Free")};
        case EntryKind::release:
            return {expenses(p, l), assets(p, l, "Retained")};
        case EntryKind::forfeit:
            return {assets(p, l, "Free"), assets(p, l, "Retained")};
        case EntryKind::recovery:
            return {equity(p, l, "Returned"), assets(p, l, "Free")};
        default:
            LEDGER_ASSERT(false);
    }
    return {};
}

}  // namespace

std::string account_component(const std::string& code) {
    bool plain = !code.empty() && ((code[0] >= 'A' && code[0] <= 'Z') || (code[0] >= '0' && code[0] <= '9'));
    for (char c : code) {
        plain = plain && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
    }
    if (plain) {
        return code;
    }
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out = "X";
    for (char c : code) {
        const auto b = static_cast<unsigned char>(c);
        out += kHex[b >> 4];
        out += kHex[b & 0xF];
    }
    return out;
}

std::string account_component(Level level) {
    static const char* kNames[] = {"Central", "Provincial", "Municipal", "County", "Carryover", "Other"};
    return kNames[static_cast<std::size_t>(level)];
}

namespace {

void each_journal_transaction_in_snapshot(const Ledger& ledger, const std::optional<std::string>& project,
                                          const ReadCut& cut,
                                          const std::function<void(const JournalTransaction&)>& visit) {
    LogFilter filter;
    filter.project = project;
    filter.cut = cut;
    std::map<std::string, std::pair<int, int>> years;  // project → first and last year with money
    ledger.each_entry(filter, [&](const Entry& e) {
        if (!e.level) {
            return;  // registrations and year closes carry no money
        }
        const auto [debit, credit] = sides(e);
        JournalTransaction t;
        t.date = e.effective_on;
        t.payee = e.project;
        t.narration = std::string(chinese_name(e.kind)) + (e.ref ? " " + *e.ref : "") + (e.memo.empty() ? "" : " " + e.memo);
        t.entry = e.id;
        t.postings = {{debit, e.amount}, {credit, -e.amount}};
        visit(t);
        auto [it, fresh] = years.try_emplace(e.project, year_of(e.effective_on), year_of(e.effective_on));
        if (!fresh) {
            it->second.first = std::min(it->second.first, year_of(e.effective_on));
            it->second.second = std::max(it->second.second, year_of(e.effective_on));
        }
    });
    // Year ends: money left in a level moves to carryover; unarrived budget lapses; the year's executed
    // and recovered are closed, so Expenses and Returned count the current year only, as fundflow's do.
    // Every year that ended by the cut's date is closed (balances as of the cut are of its year's pots).
    for (const auto& [code, span] : years) {
        for (int year = span.first; year < year_of(cut.as_of); ++year) {
            const ReadCut end{last_day_of(year), cut.known_at};
            JournalTransaction t;
            t.date = first_day_of(year + 1);
            t.payee = code;
            t.narration = "年度结转 " + std::to_string(year);
            const auto add = [&](const std::string& from, const std::string& to, Money amount) {
                if (amount != Money{}) {
                    t.postings.push_back({from, -amount});
                    t.postings.push_back({to, amount});
                }
            };
            for (const BalanceRow& row : ledger.balances(code, BalanceBy::level, end).rows) {
                const Level l = *row.level;
                if (l != Level::carryover) {
                    add(assets(code, l, "Free"), assets(code, Level::carryover, "Free"), row.free_balance());
                    add(assets(code, l, "Retained"), assets(code, Level::carryover, "Retained"), row.retention_outstanding);
                }
                add(expenses(code, l), equity(code, l, "Closed"), row.executed);
                add(equity(code, l, "Returned"), equity(code, l, "Closed"), row.recovered);
            }
            const ExecutionReport report = ledger.execution_report(code, year, end);
            for (Level l : kLevels) {
                if (l != Level::carryover) {
                    add(assets(code, l, "Receivable"), equity(code, l, "Budget"),
                        report.level(l).full_year_budget - report.level(l).arrived);
                }
            }
            if (!t.postings.empty()) {
                visit(t);
            }
        }
    }
}

}  // namespace

void each_journal_transaction(const Ledger& ledger, const std::optional<std::string>& project, const ReadCut& cut,
                              const std::function<void(const JournalTransaction&)>& visit) {
    // The entries and the year-end balances are read from one state of the file.
    ledger.read_snapshot([&] { each_journal_transaction_in_snapshot(ledger, project, cut, visit); });
}

}  // namespace ledger
