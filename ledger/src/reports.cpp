// The reading side: the budget execution form, balances and the warranty schedule, each computed by
// SQL aggregates (day_totals for current knowledge, the entries' covering index for --known-at).
#include <algorithm>
#include <map>
#include <set>

#include "guarded.hpp"
#include "ledger/ledger.hpp"
#include "rules.hpp"
#include "store.hpp"

namespace ledger {
namespace {

using detail::guarded;
using detail::times;
using detail::weights_of;

detail::ProjectRow require_project(const detail::Store& store, std::string_view code) {
    auto row = store.find_project(code);
    if (!row) {
        throw Error(ErrorCode::not_found,
                    msg("no project {project}; see 'fundflow balance --by project'").with("project", std::string(code)));
    }
    return *row;
}

detail::UnitRow require_unit(const detail::Store& store, std::string_view code) {
    auto row = store.find_unit(code);
    if (!row) {
        throw Error(ErrorCode::not_found, msg("there is no budget unit {unit}; see 'fundflow unit list', add it "
                                              "with 'fundflow unit add'")
                                              .with("unit", std::string(code)));
    }
    return *row;
}

// The form's columns (year, as_of set) from the sums of one scope — a project, or every project of a unit —
// over a date range: the year to the as-of date, every earlier year (the carryover), everything to the as-of
// date (the deposits outstanding). Each figure is a weighted sum of those sums, so a unit's form is its
// projects' forms added up.
void fill_figures(ExecutionReport& report,
                  const std::function<std::vector<detail::SumRow>(std::optional<Date> from, Date to)>& sums) {
    for (const auto& sum : sums(first_day_of(report.year), report.as_of)) {
        ExecutionFigures& f = report.levels[static_cast<std::size_t>(sum.level)];
        switch (sum.kind) {
            case EntryKind::appropriation:
                f.initial_budget += sum.amount;
                f.full_year_budget += sum.amount;
                break;
            case EntryKind::adjustment:
                f.full_year_budget += sum.amount;
                break;
            case EntryKind::arrival:
                f.arrived += sum.amount;
                break;
            case EntryKind::recovery:
                f.recovered += sum.amount;  // stays in (5): recovered money was arrived and not executed
                break;
            default:
                f.executed += times(sum.amount, weights_of(sum.kind).executed);
                // A prior refund (年初余额调整) raises the carryover's budget and arrival instead.
                f.full_year_budget += times(sum.amount, weights_of(sum.kind).opening);
                f.arrived += times(sum.amount, weights_of(sum.kind).opening);
                break;
        }
    }
    // Carryover (domain.md §6): what every earlier year left unexecuted and unrecovered is this
    // year's carryover budget and arrival; it has no initial budget.
    Money carried;
    for (const auto& sum : sums(std::nullopt, last_day_of(report.year - 1))) {
        carried += times(sum.amount, weights_of(sum.kind).carry);
    }
    ExecutionFigures& carryover = report.levels[static_cast<std::size_t>(Level::carryover)];
    carryover.full_year_budget += carried;
    carryover.arrived += carried;
    for (Level l : kLevels) {
        if (is_fiscal(l)) {
            report.fiscal_subtotal += report.level(l);
        }
        report.total += report.level(l);
    }
    for (const auto& sum : sums(std::nullopt, report.as_of)) {
        report.retention_outstanding += times(sum.amount, weights_of(sum.kind).outstanding);
    }
}

// The rows of `balance --by level` or `--by project` (report.as_of set) from the sums of a scope by project:
// each project's (or the unit's) pots of the as-of date's year.
void add_pot_rows(BalanceReport& report, BalanceBy by, int year,
                  const std::function<std::vector<detail::SumRow>(std::optional<Date> from, Date to)>& sums) {
    // Balances are per fiscal year: the pots of the as-of date's year, the carryover pot opening with
    // what earlier years left (domain.md §6).
    std::map<std::string, std::array<BalanceRow, kLevels.size()>> pots;
    const auto pot = [&](const std::string& project, Level level) -> BalanceRow& {
        auto& row = pots[project][static_cast<std::size_t>(level)];
        row.project = project;
        row.level = level;
        return row;
    };
    for (const auto& sum : sums(first_day_of(year), report.as_of)) {
        BalanceRow& r = pot(sum.project, sum.level);
        const detail::Weights w = weights_of(sum.kind);
        r.arrived += times(sum.amount, w.arrived) + times(sum.amount, w.opening);
        r.executed += times(sum.amount, w.executed);
        r.retention_outstanding += times(sum.amount, w.outstanding);
        if (sum.kind == EntryKind::recovery) {
            r.recovered += sum.amount;
        }
    }
    for (const auto& sum : sums(std::nullopt, last_day_of(year - 1))) {
        BalanceRow& r = pot(sum.project, Level::carryover);
        r.arrived += times(sum.amount, weights_of(sum.kind).carry);
        r.retention_outstanding += times(sum.amount, weights_of(sum.kind).outstanding);
    }
    for (auto& [project, levels] : pots) {
        BalanceRow total{project, std::nullopt, std::nullopt, {}, {}, {}, {}};
        for (const BalanceRow& r : levels) {
            if (r.project.empty()) {
                continue;  // a level this project never used
            }
            total.arrived += r.arrived;
            total.executed += r.executed;
            total.retention_outstanding += r.retention_outstanding;
            total.recovered += r.recovered;
            if (by == BalanceBy::level) {
                report.rows.push_back(r);
            }
        }
        if (by == BalanceBy::project) {
            report.rows.push_back(total);
        }
    }
}

}  // namespace

std::vector<Unit> Ledger::units() const {
    return detail::read_guarded(*store_, [&] {
        std::vector<Unit> units;
        for (auto& row : store_->units()) {
            units.push_back(std::move(row.unit));
        }
        return units;
    });
}

Unit Ledger::unit(std::string_view code) const {
    return detail::read_guarded(*store_, [&] { return require_unit(*store_, code).unit; });
}

std::optional<Unit> Ledger::unit_registered_by(EntryId id) const {
    return detail::read_guarded(*store_, [&] { return store_->unit_record_of(static_cast<std::int64_t>(id)); });
}

std::vector<std::string> Ledger::projects_of_unit(std::string_view code) const {
    return detail::read_guarded(*store_, [&] {
        std::vector<std::string> codes;
        for (const auto& row : store_->projects_of_unit(require_unit(*store_, code).id)) {
            codes.push_back(row.project.code);
        }
        return codes;
    });
}

ExecutionReport Ledger::unit_execution_report(std::string_view code, int year, const ReadCut& cut) const {
    if (year < 1901 || year > 9999) {
        throw Error(ErrorCode::invalid_input,
                    msg("'{year}' is not a fiscal year like 2020").with("year", std::to_string(year)));
    }
    return detail::read_guarded(*store_, [&] {
        const auto unit = require_unit(*store_, code);
        ExecutionReport report;
        report.project = unit.unit.code;
        report.project_name = unit.unit.name;
        report.unit_name = unit.unit.name;
        report.year = year;
        report.as_of = std::min(cut.as_of, last_day_of(year));
        report.known_at = cut.known_at;
        // The same sums as one project's form, taken over every project of the unit and the units below at
        // once: a few aggregate reads, however many projects. (Deposits past due are per project: evaluate.)
        fill_figures(report, [&](std::optional<Date> from, Date to) {
            return store_->unit_sums(unit.id, from, to, cut.known_at);
        });
        return report;
    });
}

BalanceReport Ledger::unit_balances(std::string_view code, BalanceBy by, const ReadCut& cut) const {
    return detail::read_guarded(*store_, [&] {
        const auto unit = require_unit(*store_, code);
        if (by == BalanceBy::level) {
            // The unit's pots at once, from the sums over all its projects (as its execution form).
            BalanceReport report;
            report.as_of = cut.as_of;
            report.known_at = cut.known_at;
            add_pot_rows(report, by, year_of(cut.as_of), [&](std::optional<Date> from, Date to) {
                auto rows = store_->unit_sums(unit.id, from, to, cut.known_at);
                for (auto& row : rows) {
                    row.project = unit.unit.code;
                }
                return rows;
            });
            return report;
        }
        // By project or contract: the rows of the unit's projects.
        std::set<std::string> projects;
        for (const auto& row : store_->projects_of_unit(unit.id)) {
            projects.insert(row.project.code);
        }
        BalanceReport all = balances(std::nullopt, by, cut);
        BalanceReport report;
        report.as_of = all.as_of;
        report.known_at = all.known_at;
        for (auto& row : all.rows) {
            if (projects.count(row.project) != 0) {
                report.rows.push_back(std::move(row));
            }
        }
        for (auto& [key, terms] : all.contract_terms) {
            if (projects.count(key.first) != 0) {
                report.contract_terms.emplace(key, std::move(terms));
            }
        }
        return report;
    });
}

ExecutionFigures& ExecutionFigures::operator+=(const ExecutionFigures& other) {
    initial_budget += other.initial_budget;
    full_year_budget += other.full_year_budget;
    arrived += other.arrived;
    executed += other.executed;
    recovered += other.recovered;
    return *this;
}

ExecutionReport Ledger::execution_report(std::string_view code, int year, const ReadCut& cut) const {
    if (year < 1901 || year > 9999) {
        throw Error(ErrorCode::invalid_input,
                    msg("'{year}' is not a fiscal year like 2020").with("year", std::to_string(year)));
    }
    return detail::read_guarded(*store_, [&] {
        const auto row = require_project(*store_, code);
        ExecutionReport report;
        report.project = row.project.code;
        report.year = year;
        report.as_of = std::min(cut.as_of, last_day_of(year));
        // The name, unit and function code in force on the form's date (项目变更).
        const Project terms = terms_in_force(row.project, store_->amendments(row.id, std::nullopt), report.as_of);
        report.project_name = terms.name;
        report.unit_name = terms.unit_name;
        report.func_code = terms.func_code;
        report.known_at = cut.known_at;
        fill_figures(report, [&](std::optional<Date> from, Date to) {
            return store_->sums(row.id, from, to, cut.known_at, false);
        });
        // Deposits still held after their due date: the self-evaluation must not call them "to be paid
        // when the warranty ends". The warranty schedule settles releases first-due first (same read).
        WarrantyFilter filter;
        filter.project = report.project;
        filter.cut = ReadCut{report.as_of, cut.known_at};
        for (const WarrantyRow& deposit : warranty(filter).rows) {
            if (deposit.outstanding() > Money{} && deposit.days_to_due < 0) {
                report.deposits_past_due.push_back(
                    DepositPastDue{deposit.contract, deposit.supplier, deposit.outstanding(), deposit.due,
                                   -deposit.days_to_due});
            }
        }
        return report;
    });
}

BalanceReport Ledger::balances(const std::optional<std::string>& code, BalanceBy by, const ReadCut& cut) const {
    return detail::read_guarded(*store_, [&] {
        std::optional<std::int64_t> project_id;
        if (code) {
            project_id = require_project(*store_, *code).id;
        }
        BalanceReport report;
        report.as_of = cut.as_of;
        report.known_at = cut.known_at;
        if (by == BalanceBy::contract) {
            // A contract's money: what was executed on it and what it still holds, all years to date.
            for (const auto& sum : store_->sums(project_id, std::nullopt, cut.as_of, cut.known_at, true)) {
                if (report.rows.empty() || report.rows.back().project != sum.project ||
                    report.rows.back().contract != sum.contract) {
                    report.rows.push_back(BalanceRow{sum.project, std::nullopt, sum.contract, {}, {}, {}, {}});
                }
                // What the contract was paid, net: an earlier year's payment returned counts too.
                report.rows.back().executed += times(sum.amount, weights_of(sum.kind).paid);
                report.rows.back().retention_outstanding += times(sum.amount, weights_of(sum.kind).outstanding);
            }
            // The supplier and amount in force at the as-of date (合同变更).
            for (const auto& row : report.rows) {
                const auto project = row.contract ? store_->find_project(row.project) : std::nullopt;
                const auto contract = project ? store_->find_contract(project->id, *row.contract) : std::nullopt;
                if (contract) {
                    report.contract_terms.emplace(
                        std::pair(row.project, *row.contract),
                        terms_in_force(contract->contract, store_->amendments(project->id, contract->id), cut.as_of));
                }
            }
            return report;
        }
        add_pot_rows(report, by, year_of(cut.as_of), [&](std::optional<Date> from, Date to) {
            return store_->sums(project_id, from, to, cut.known_at, false);
        });
        return report;
    });
}

std::string_view to_string(RetentionStatus status) {
    switch (status) {
        case RetentionStatus::held:
            return "held";
        case RetentionStatus::due:
            return "due";
        case RetentionStatus::overdue:
            return "overdue";
        case RetentionStatus::partly_released:
            return "partly released";
        case RetentionStatus::released:
            return "released";
        case RetentionStatus::forfeited:
            return "forfeited";
    }
    return "held";
}

RetentionStatus parse_retention_status(std::string_view text) {
    for (auto status : {RetentionStatus::held, RetentionStatus::due, RetentionStatus::overdue,
                        RetentionStatus::partly_released, RetentionStatus::released, RetentionStatus::forfeited}) {
        if (text == to_string(status)) {
            return status;
        }
    }
    if (text == "partly_released" || text == "partly-released") {
        return RetentionStatus::partly_released;
    }
    throw Error(ErrorCode::invalid_input,
                msg("'{text}' is not a deposit status: use {words}")
                    .with("text", std::string(text))
                    .with("words", msg("held, due, overdue, partly_released, released or forfeited")));
}

WarrantyReport Ledger::warranty(const WarrantyFilter& filter) const {
    if (filter.grace_days < 0 || filter.grace_days > 3650) {
        throw Error(ErrorCode::invalid_input, msg("--grace-days must lie between 0 and 3650"));
    }
    if (filter.due_within_days && (*filter.due_within_days < 0 || *filter.due_within_days > 36500)) {
        throw Error(ErrorCode::invalid_input, msg("--due-within must be a number of days from 0 to 36500"));
    }
    return detail::read_guarded(*store_, [&] {
        std::optional<std::int64_t> project_id;
        if (filter.project) {
            project_id = require_project(*store_, *filter.project).id;
        }
        const Date as_of = filter.cut.as_of;
        WarrantyReport report;
        report.as_of = as_of;
        report.known_at = filter.cut.known_at;
        report.grace_days = filter.grace_days;
        std::vector<WarrantyRow> rows;
        std::vector<Date> withheld_on;  // per row: the retention's effective date
        std::vector<Date> settled_on;   // per row: the date its last fen was released or forfeited
        // One contract at a time (events come by contract): its releases and forfeits settle its
        // deposits first-due first. Only one contract's events are held at once.
        std::vector<detail::RetentionEvent> events;
        const auto settle = [&] {
            const std::size_t first_row = rows.size();
            std::vector<std::size_t> by_due;
            // The supplier in force at the as-of date (合同变更).
            std::optional<Contract> terms;
            if (!events.empty()) {
                const auto project = store_->find_project(events.front().project);
                const auto contract =
                    project ? store_->find_contract(project->id, events.front().contract) : std::nullopt;
                if (contract) {
                    terms = terms_in_force(contract->contract, store_->amendments(project->id, contract->id), as_of);
                }
            }
            for (const auto& e : events) {
                if (e.kind == EntryKind::retention) {
                    WarrantyRow row;
                    row.project = e.project;
                    row.contract = e.contract;
                    row.supplier = terms ? terms->supplier : e.supplier;
                    row.sme = terms ? terms->sme : e.sme;
                    row.entry = e.id;
                    row.level = e.level;  // moved to carryover below if it outlived its year
                    row.original_level = e.level;
                    row.retained = e.amount;
                    row.accepted = e.accepted_on.value_or(e.effective_on);
                    row.due = e.due_on.value_or(e.effective_on);
                    rows.push_back(row);
                    withheld_on.push_back(e.effective_on);
                    settled_on.push_back(e.effective_on);
                    by_due.push_back(rows.size() - 1);
                    std::stable_sort(by_due.begin(), by_due.end(),
                                     [&](std::size_t a, std::size_t b) { return rows[a].due < rows[b].due; });
                    continue;
                }
                Money left = e.amount;
                for (std::size_t k = 0; k < by_due.size() && left > Money{}; ++k) {
                    WarrantyRow& row = rows[by_due[k]];
                    const Money take = std::min(left, row.outstanding());
                    if (take <= Money{}) {
                        continue;
                    }
                    (e.kind == EntryKind::release ? row.released : row.forfeited) += take;
                    (e.kind == EntryKind::release ? row.released_on : row.forfeited_on) = e.effective_on;
                    settled_on[by_due[k]] = e.effective_on;
                    left -= take;
                }
                if (left > Money{} && rows.size() > first_row) {
                    // More settled than withheld can only come from a file edited behind fundflow's
                    // back; show it on the latest deposit rather than hide it (check reports it).
                    (e.kind == EntryKind::release ? rows.back().released : rows.back().forfeited) += left;
                }
            }
            events.clear();
        };
        store_->each_retention_event(project_id, as_of, filter.cut.known_at, [&](const detail::RetentionEvent& e) {
            if (!events.empty() && (events.front().project != e.project || events.front().contract != e.contract)) {
                settle();
            }
            events.push_back(e);
        });
        settle();
        std::vector<std::size_t> shown;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            WarrantyRow& row = rows[i];
            // A deposit still held after its year ends moves with its money to the carryover level.
            const int year = year_of(withheld_on[i]);
            if (year_of(as_of) > year && (row.outstanding() > Money{} || year_of(settled_on[i]) > year)) {
                row.level = Level::carryover;
            }
            row.days_to_due = (date::sys_days{row.due} - date::sys_days{as_of}).count();
            if (row.outstanding() > Money{}) {
                if (row.days_to_due > 0) {
                    row.status = row.released + row.forfeited > Money{} ? RetentionStatus::partly_released
                                                                         : RetentionStatus::held;
                } else if (-row.days_to_due <= filter.grace_days) {
                    row.status = RetentionStatus::due;
                } else {
                    row.status = RetentionStatus::overdue;
                    row.days_late = -row.days_to_due;
                }
            } else {
                row.status = row.released > Money{} ? RetentionStatus::released : RetentionStatus::forfeited;
            }
            if (filter.status && row.status != *filter.status) {
                continue;
            }
            if (filter.due_before && row.due > *filter.due_before) {
                continue;
            }
            if (filter.due_within_days && (row.outstanding() <= Money{} || row.days_to_due > *filter.due_within_days)) {
                continue;
            }
            shown.push_back(i);
        }
        // First due first; then by project, contract and the order the deposits were withheld in.
        std::sort(shown.begin(), shown.end(), [&](std::size_t a, std::size_t b) {
            const WarrantyRow& x = rows[a];
            const WarrantyRow& y = rows[b];
            return std::tie(x.due, x.project, x.contract, withheld_on[a], x.entry) <
                   std::tie(y.due, y.project, y.contract, withheld_on[b], y.entry);
        });
        report.rows.reserve(shown.size());
        for (const std::size_t i : shown) {
            report.rows.push_back(std::move(rows[i]));
        }
        return report;
    });
}

}  // namespace ledger
