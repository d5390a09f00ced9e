#include "rules.hpp"

#include <algorithm>
#include <map>

#include "ledger/error.hpp"
#include "ledger/kinds.hpp"

namespace ledger::detail {
namespace {

// End-of-day states walking backwards from the final value over later day changes (latest first).
Money running_minimum(Money end_value, const std::vector<DayChange>& later, int Weights::*quantity) {
    Money current = end_value;
    Money lowest = current;
    for (std::size_t i = 0; i < later.size();) {
        const std::string& day = later[i].day;
        for (; i < later.size() && later[i].day == day; ++i) {
            current -= times(later[i].amount, weights_of(later[i].kind).*quantity);
        }
        lowest = std::min(lowest, current);
    }
    return lowest;
}

int last_year_of(const std::vector<ContractDay>& days) {
    return days.empty() ? 0 : year_of(days.back().day);
}

}  // namespace

std::string yuan(Money amount) { return format_yuan(amount) + " 元"; }

Message describe(EntryKind kind, Money amount) {
    // An adjustment's sign is its meaning (追加/调减); other kinds are positive by rule.
    return msg("{kind} of {amount}")
        .with("kind", kind_name(kind))
        .with("amount", yuan(kind == EntryKind::adjustment || amount >= Money{} ? amount : -amount));
}

Message pot_phrase(Level level, const std::string& project, int year) {
    return msg("{level} funds on project {project} in {year}")
        .with("level", level_name(level))
        .with("project", project)
        .with("year", std::to_string(year));
}

void refuse(Message message) { throw Error(ErrorCode::rejected, std::move(message)); }

Weights weights_of(EntryKind kind) {
    switch (kind) {
        case EntryKind::appropriation:
        case EntryKind::adjustment:
            return Weights{.budget = 1};
        case EntryKind::arrival:
            return Weights{.free = 1, .arrived = 1, .carry = 1};
        case EntryKind::payment:
            return Weights{.free = -1, .executed = 1, .committed = 1, .carry = -1, .paid = 1};
        case EntryKind::refund:
            return Weights{.free = 1, .executed = -1, .committed = -1, .carry = 1, .paid = -1};
        case EntryKind::prior_refund:
            // An earlier year's payment returned (年初余额调整): the money comes back into this year's
            // carryover — its budget and arrival rise, its executed does not fall (domain.md §4, §6).
            return Weights{.free = 1, .committed = -1, .carry = 1, .opening = 1, .paid = -1};
        case EntryKind::retention:
            return Weights{.free = -1, .outstanding = 1, .committed = 1};
        case EntryKind::release:
            return Weights{.executed = 1, .outstanding = -1, .carry = -1, .paid = 1};
        case EntryKind::forfeit:
            return Weights{.free = 1, .outstanding = -1};
        case EntryKind::recovery:
            return Weights{.free = -1, .carry = -1};
        default:
            return Weights{};
    }
}

Money weighted(const KindSums& sums, int Weights::*quantity) {
    Money total;
    for (std::size_t i = 0; i < sums.size(); ++i) {
        total += times(sums[i], weights_of(static_cast<EntryKind>(i)).*quantity);
    }
    return total;
}

Money times(Money amount, int weight) {
    if (weight > 0) {
        return amount;
    }
    if (weight < 0) {
        return -amount;
    }
    return Money{};
}

Money pot_minimum(const Store& store, std::int64_t project_id, Level level, int year, Date after,
                  int Weights::*quantity) {
    Money end = weighted(store.level_totals(project_id, level, first_day_of(year), last_day_of(year)), quantity);
    if (level == Level::carryover && quantity == &Weights::free) {
        end += weighted(store.project_totals_before(project_id, first_day_of(year)), &Weights::free);
    }
    return running_minimum(end, store.level_changes_after(project_id, level, after, last_day_of(year)), quantity);
}

Money contract_pot_minimum(const std::vector<ContractDay>& days, Level pot, int year, Date after,
                           int Weights::*quantity) {
    const Date start = first_day_of(year);
    const Date end = last_day_of(year);
    const Date cut = after;
    Money at_cut;
    std::map<Date, Money> later;
    for (const auto& d : days) {
        const bool in_year = d.day >= start && d.day <= end;
        const bool counts = pot == Level::carryover ? d.day < start || (in_year && d.level == Level::carryover)
                                                    : in_year && d.level == pot;
        if (!counts) {
            continue;
        }
        const Money value = times(d.amount, weights_of(d.kind).*quantity);
        if (d.day <= cut) {
            at_cut += value;
        } else if (d.day <= end) {
            later[d.day] += value;
        }
    }
    Money current = at_cut;
    Money lowest = current;
    for (const auto& [day, value] : later) {
        current += value;
        lowest = std::min(lowest, current);
    }
    return lowest;
}

Headroom prior_refund_headroom(const Store& store, std::int64_t project_id, int from, int through) {
    Headroom lowest{Money{}, 0};
    for (int year = from; year <= through; ++year) {
        const Money executed_before =
            weighted(store.project_totals_before(project_id, first_day_of(year)), &Weights::executed);
        const Money returned = at(store.project_totals_before(project_id, first_day_of(year + 1)), EntryKind::prior_refund);
        const Money headroom = executed_before - returned;
        if (lowest.year == 0 || headroom < lowest.amount) {
            lowest = Headroom{headroom, year};
        }
    }
    return lowest;
}

Headroom contract_prior_refund_headroom(const std::vector<ContractDay>& days, int from, int through) {
    Headroom lowest{Money{}, 0};
    for (int year = from; year <= through; ++year) {
        Money headroom;
        for (const auto& d : days) {
            if (d.day < first_day_of(year)) {
                headroom += times(d.amount, weights_of(d.kind).executed);
            }
            if (d.kind == EntryKind::prior_refund && year_of(d.day) <= year) {
                headroom -= d.amount;
            }
        }
        if (lowest.year == 0 || headroom < lowest.amount) {
            lowest = Headroom{headroom, year};
        }
    }
    return lowest;
}

Money contract_executed_minimum(const std::vector<ContractDay>& days, Level level, int year, Date after) {
    Money current;
    std::map<Date, Money> later;
    for (const auto& d : days) {
        if (d.level != level || year_of(d.day) != year) {
            continue;
        }
        const Money value = times(d.amount, weights_of(d.kind).executed);
        if (d.day <= after) {
            current += value;
        } else {
            later[d.day] += value;
        }
    }
    Money lowest = current;
    for (const auto& [day, value] : later) {
        current += value;
        lowest = std::min(lowest, current);
    }
    return lowest;
}

std::optional<CommitmentExcess> commitment_excess(const std::vector<ContractDay>& days, const Contract& registered,
                                                  const std::vector<Amendment>& amendments, Date from, Money delta) {
    std::vector<Date> points{from};
    for (const auto& d : days) {
        if (d.day > from) {
            points.push_back(d.day);
        }
    }
    for (const auto& a : amendments) {
        if (a.effective_on > from) {
            points.push_back(a.effective_on);
        }
    }
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    if (amendments.empty()) {
        // One amount, and what is committed never falls from one day to the next: the last day decides.
        points.erase(points.begin(), points.end() - 1);
    }
    for (const Date t : points) {
        Money committed = delta;
        for (const auto& d : days) {
            const Money value = times(d.amount, weights_of(d.kind).committed);
            if (value < Money{} || d.day <= t) {
                committed += value;
            }
        }
        const Money amount = terms_in_force(registered, amendments, t).amount;
        if (committed > amount) {
            return CommitmentExcess{t, committed, amount};
        }
    }
    return std::nullopt;
}

void check_year_open(const Store& store, std::int64_t project_id, const std::string& project, Date day) {
    if (const auto closed = store.closed_through(project_id); closed && year_of(day) <= *closed) {
        refuse(msg("year {year} of project {project} is closed (closed through {closed}): nothing dated in it can be "
                   "posted; date the entry in an open year")
                   .with("year", std::to_string(year_of(day)))
                   .with("project", project)
                   .with("closed", std::to_string(*closed)));
    }
}

void check_invariants(const Store& store, const Candidate& c) {
    const Entry& e = c.entry;
    if (!e.level) {
        return;
    }
    const Weights w = weights_of(e.effect_kind);
    const Level level = *e.level;
    const int year = year_of(e.effective_on);
    const Message where = pot_phrase(level, e.project, year);
    const Message what = describe(e.kind, e.amount);

    LEDGER_ASSERT(level != Level::carryover || (w.budget == 0 && w.arrived == 0));  // refused by post()
    if (w.budget != 0 || w.arrived != 0) {
        const KindSums totals = store.level_totals(c.project_id, level, first_day_of(year), last_day_of(year));
        const Money budget = weighted(totals, &Weights::budget) + times(e.amount, w.budget);
        const Money arrived = weighted(totals, &Weights::arrived) + times(e.amount, w.arrived);
        if (w.budget != 0 && budget < Money{}) {
            refuse(msg("{what} would make the full-year budget of {pot} negative ({budget})")
                       .with("what", what)
                       .with("pot", where)
                       .with("budget", yuan(budget)));
        }
        if (arrived > budget) {
            refuse(msg("{what} would bring {pot} to {arrived} arrived, beyond the full-year budget of {budget}")
                       .with("what", what)
                       .with("pot", where)
                       .with("arrived", yuan(arrived))
                       .with("budget", yuan(budget)));
        }
    }

    const Money free_delta = times(e.amount, w.free);
    if (free_delta < Money{}) {
        // A back-dated entry must keep every later day valid too, not only its own.
        const Money available = pot_minimum(store, c.project_id, level, year, e.effective_on, &Weights::free);
        if (available + free_delta < Money{}) {
            refuse(msg("{what} exceeds the free balance of {pot} ({free})")
                       .with("what", what)
                       .with("pot", where)
                       .with("free", yuan(std::max(available, Money{}))));
        }
        // What year N leaves unspent is year N+1's carryover, and so on: none may be overdrawn.
        if (const auto last = store.last_day(c.project_id)) {
            for (int later = year + 1; later <= year_of(*last); ++later) {
                const Money carried =
                    pot_minimum(store, c.project_id, Level::carryover, later, last_day_of(later - 1), &Weights::free);
                if (carried + free_delta < Money{}) {
                    refuse(msg("{what} would overdraw the carryover of project {project} in {year}, of which only "
                               "{free} is free")
                               .with("what", what)
                               .with("project", e.project)
                               .with("year", std::to_string(later))
                               .with("free", yuan(std::max(carried, Money{}))));
                }
            }
        }
    }
    const Money executed_delta = times(e.amount, w.executed);
    // Refunds never exceed what a year's pot paid out, the carryover pot included: an earlier year's
    // money returned is a prior refund (年初余额调整), which raises the carryover instead.
    if (executed_delta < Money{}) {
        const Money executed = pot_minimum(store, c.project_id, level, year, e.effective_on, &Weights::executed);
        if (executed + executed_delta < Money{}) {
            if (level == Level::carryover && e.kind == EntryKind::reversal) {
                refuse(msg("{what} exceeds what was executed from {pot} ({executed}); to return an earlier year's "
                           "payment post 'refund --of' it")
                           .with("what", what)
                           .with("pot", where)
                           .with("executed", yuan(std::max(executed, Money{}))));
            }
            refuse(msg("{what} exceeds what was executed from {pot} ({executed})")
                       .with("what", what)
                       .with("pot", where)
                       .with("executed", yuan(std::max(executed, Money{}))));
        }
    }
    // Prior refunds return what earlier years executed, never more: through every year T, those dated
    // in T or earlier ≤ what was executed before T. A prior refund uses up that room from its own year
    // on; anything lowering executed (a refund, a reversed payment) shrinks it for the later years.
    const Money opening_delta = times(e.amount, w.opening);
    const auto last = store.last_day(c.project_id);
    const int last_year = std::max(year, last ? year_of(*last) : year);
    if (opening_delta > Money{} || (executed_delta < Money{} && last_year > year)) {
        const int from = opening_delta > Money{} ? year : year + 1;
        const Headroom room = prior_refund_headroom(store, c.project_id, from, last_year);
        const Money change = executed_delta < Money{} ? executed_delta : -opening_delta;
        if (room.amount + change < Money{}) {
            refuse((opening_delta > Money{}
                        ? msg("{what} returns more than the earlier years of project {project} executed: through "
                              "{year}, {left} of their payments and releases is left to return; name the payment "
                              "with --of, or post less")
                        : msg("{what} would leave less than the earlier years of project {project} executed: through "
                              "{year}, {left} of their payments and releases is left to return; name the payment "
                              "with --of, or post less"))
                       .with("what", what)
                       .with("project", e.project)
                       .with("year", std::to_string(room.year))
                       .with("left", yuan(std::max(room.amount, Money{}))));
        }
    }

    if (!c.contract) {
        return;
    }
    const auto& contract = *c.contract;
    const auto days = store.contract_days(contract.id);
    // The same bounds for the contract's own money: its refunds never exceed its payments.
    if (executed_delta < Money{}) {
        const Money executed = contract_executed_minimum(days, level, year, e.effective_on);
        if (executed + executed_delta < Money{}) {
            refuse(msg("{what} exceeds what contract {contract} was paid from {pot} ({paid})")
                       .with("what", what)
                       .with("contract", contract.contract.code)
                       .with("pot", where)
                       .with("paid", yuan(std::max(executed, Money{}))));
        }
    }
    const int contract_last_year = std::max(year, last_year_of(days));
    if (opening_delta > Money{} || (executed_delta < Money{} && contract_last_year > year)) {
        const int from = opening_delta > Money{} ? year : year + 1;
        const Headroom room = contract_prior_refund_headroom(days, from, contract_last_year);
        const Money change = executed_delta < Money{} ? executed_delta : -opening_delta;
        if (room.amount + change < Money{}) {
            refuse((opening_delta > Money{}
                        ? msg("{what} returns more than contract {contract} was paid in earlier years: through "
                              "{year}, {left} is left to return")
                        : msg("{what} would leave less than contract {contract} was paid in earlier years: through "
                              "{year}, {left} is left to return"))
                       .with("what", what)
                       .with("contract", contract.contract.code)
                       .with("year", std::to_string(room.year))
                       .with("left", yuan(std::max(room.amount, Money{}))));
        }
    }
    const Money outstanding_delta = times(e.amount, w.outstanding);
    if (outstanding_delta < Money{}) {
        const Money held = contract_pot_minimum(days, level, year, e.effective_on, &Weights::outstanding);
        if (held + outstanding_delta < Money{}) {
            const bool carried =
                level != Level::carryover &&
                contract_pot_minimum(days, Level::carryover, year, e.effective_on, &Weights::outstanding) > Money{};
            refuse((carried ? msg("{what} exceeds the outstanding retention of contract {contract} held in {level} "
                                  "funds of {year} ({held}); its deposit was carried over from an earlier year: post "
                                  "to level carryover (omit --level)")
                            : msg("{what} exceeds the outstanding retention of contract {contract} held in {level} "
                                  "funds of {year} ({held})"))
                       .with("what", what)
                       .with("contract", contract.contract.code)
                       .with("level", level_name(level))
                       .with("year", std::to_string(year))
                       .with("held", yuan(std::max(held, Money{}))));
        }
        for (int later = year + 1; later <= last_year_of(days); ++later) {
            const Money carried =
                contract_pot_minimum(days, Level::carryover, later, last_day_of(later - 1), &Weights::outstanding);
            if (carried + outstanding_delta < Money{}) {
                refuse(msg("{what} would undo a release or forfeit of contract {contract} already posted in {year}")
                           .with("what", what)
                           .with("contract", contract.contract.code)
                           .with("year", std::to_string(later)));
            }
        }
    }
    const Money committed_delta = times(e.amount, w.committed);
    if (committed_delta > Money{}) {  // a payment, a retention, or the reversal of a refund
        // Against the amount in force on each day from the entry's on (amendments, 补充协议).
        const auto amendments = store.amendments(c.project_id, contract.id);
        if (const auto excess =
                commitment_excess(days, contract.contract, amendments, e.effective_on, committed_delta)) {
            refuse((amendments.empty()
                        ? msg("{what} would bring contract {contract} to {committed} paid and retained, beyond its "
                              "amount of {amount}")
                        : msg("{what} would bring contract {contract} to {committed} paid and retained, beyond its "
                              "amount of {amount} in force on {day}")
                              .with("day", to_string(excess->day)))
                       .with("what", what)
                       .with("contract", contract.contract.code)
                       .with("committed", yuan(excess->committed))
                       .with("amount", yuan(excess->amount)));
        }
    }
}

std::vector<Message> audit_project(const Store& store, const ProjectRow& project) {
    std::vector<Message> problems;
    const auto first = store.first_day(project.id);
    const auto last = store.last_day(project.id);
    const std::string& code = project.project.code;
    for (const auto& locked : store.entries_in_locked_years(project.id, 20)) {
        problems.push_back(msg("entry #{id} of {project} is dated {day} but was appended while {project} was closed "
                               "through {closed}: a closed year's figures changed after its close")
                               .with("id", std::to_string(locked.id))
                               .with("project", code)
                               .with("day", to_string(locked.effective_on))
                               .with("closed", std::to_string(locked.closed_through)));
    }
    if (first && last) {
        for (int year = year_of(*first); year <= year_of(*last); ++year) {
            const Date before = last_day_of(year - 1);
            for (Level level : kLevels) {
                const Message where = msg("{level} funds of {project} in {year}")
                                          .with("level", level_name(level))
                                          .with("project", code)
                                          .with("year", std::to_string(year));
                const KindSums totals = store.level_totals(project.id, level, first_day_of(year), last_day_of(year));
                const Money budget = weighted(totals, &Weights::budget);
                const Money arrived = weighted(totals, &Weights::arrived);
                if (level == Level::carryover && (budget != Money{} || arrived != Money{})) {
                    problems.push_back(
                        msg("{pot}: budget or arrivals were posted to the derived carryover level").with("pot", where));
                }
                if (budget < Money{}) {
                    problems.push_back(msg("{pot}: full-year budget is negative ({budget})")
                                           .with("pot", where)
                                           .with("budget", yuan(budget)));
                }
                if (arrived > budget && level != Level::carryover) {
                    problems.push_back(msg("{pot}: arrived {arrived} exceeds the full-year budget {budget}")
                                           .with("pot", where)
                                           .with("arrived", yuan(arrived))
                                           .with("budget", yuan(budget)));
                }
                const Money free = pot_minimum(store, project.id, level, year, before, &Weights::free);
                if (free < Money{}) {
                    problems.push_back(
                        msg("{pot}: the free balance falls to {free}").with("pot", where).with("free", yuan(free)));
                }
                const Money executed = pot_minimum(store, project.id, level, year, before, &Weights::executed);
                if (executed < Money{}) {
                    problems.push_back(
                        msg("{pot}: executed falls to {executed} (refunds exceed the payments and releases of the year)")
                            .with("pot", where)
                            .with("executed", yuan(executed)));
                }
                Money balance = arrived + weighted(totals, &Weights::opening) - weighted(totals, &Weights::executed);
                if (level == Level::carryover) {
                    balance += weighted(store.project_totals_before(project.id, first_day_of(year)), &Weights::carry);
                }
                if (balance < Money{}) {
                    problems.push_back(msg("{pot}: the balance (5) is negative ({balance})")
                                           .with("pot", where)
                                           .with("balance", yuan(balance)));
                }
            }
            const Headroom room = prior_refund_headroom(store, project.id, year, year);
            if (room.amount < Money{}) {
                problems.push_back(msg("project {project}: prior-year refunds through {year} return {excess} more "
                                       "than the years before executed")
                                       .with("project", code)
                                       .with("year", std::to_string(year))
                                       .with("excess", yuan(-room.amount)));
            }
        }
    }
    // A refund that names what it returns: a payment or release of the same project, not later than it,
    // whose refunds (net of reversals) never exceed it (net of its reversal), with the effect its year says.
    std::map<std::int64_t, Money> refunded;
    std::map<std::int64_t, Money> target_net;
    for (const auto& r : store.named_refunds(project.id)) {
        const Message name =
            msg("refund #{id} of {project}").with("id", std::to_string(r.refund_id)).with("project", code);
        const std::string target = "#" + std::to_string(r.target_id);
        if ((r.target_kind != EntryKind::payment && r.target_kind != EntryKind::release) ||
            r.target_project_id != project.id) {
            problems.push_back(msg("{refund} names entry {target}, which is not a payment or release of the project")
                                   .with("refund", name)
                                   .with("target", target));
            continue;
        }
        if (r.refund_day < r.target_day) {
            problems.push_back(msg("{refund} is dated before the {kind} {target} it returns")
                                   .with("refund", name)
                                   .with("kind", kind_name(r.target_kind))
                                   .with("target", target));
        }
        const bool same_year = year_of(r.refund_day) == year_of(r.target_day);
        if (same_year ? (r.refund_effect != EntryKind::refund || r.refund_level != r.target_level)
                      : (r.refund_effect != EntryKind::prior_refund || r.refund_level != Level::carryover)) {
            problems.push_back((same_year ? msg("{refund} returns {target} of its own year but is booked as {kind} on "
                                                "{level}")
                                          : msg("{refund} returns {target} of an earlier year but is booked as {kind} "
                                                "on {level}"))
                                   .with("refund", name)
                                   .with("target", target)
                                   .with("kind", kind_name(r.refund_effect))
                                   .with("level", level_name(r.refund_level)));
        }
        if (r.contract_id != r.target_contract_id) {
            problems.push_back(msg("{refund} is on another contract than {target}, which it returns")
                                   .with("refund", name)
                                   .with("target", target));
        }
        refunded[r.target_id] += r.amount;
        target_net[r.target_id] = r.target_amount;
    }
    for (const auto& [target, amount] : refunded) {
        if (amount > target_net[target]) {
            problems.push_back(msg("project {project}: refunds of entry #{id} ({refunded}) exceed it ({net}, net of "
                                   "its reversal)")
                                   .with("project", code)
                                   .with("id", std::to_string(target))
                                   .with("refunded", yuan(amount))
                                   .with("net", yuan(target_net[target])));
        }
    }
    for (const auto& contract : store.contracts(project.id)) {
        const auto days = store.contract_days(contract.id);
        if (days.empty()) {
            continue;
        }
        if (const auto excess = commitment_excess(days, contract.contract, store.amendments(project.id, contract.id),
                                                  days.front().day, Money{})) {
            problems.push_back(msg("contract {contract} of {project}: paid and retained {committed} exceed its amount "
                                   "{amount} on {day}")
                                   .with("contract", contract.contract.code)
                                   .with("project", code)
                                   .with("committed", yuan(excess->committed))
                                   .with("amount", yuan(excess->amount))
                                   .with("day", to_string(excess->day)));
        }
        Money paid;
        for (const auto& d : days) {
            paid += times(d.amount, weights_of(d.kind).paid);
        }
        if (paid < Money{}) {
            problems.push_back(msg("contract {contract} of {project}: refunds exceed its payments (paid {paid})")
                                   .with("contract", contract.contract.code)
                                   .with("project", code)
                                   .with("paid", yuan(paid)));
        }
        for (int year = year_of(days.front().day); year <= last_year_of(days); ++year) {
            const Headroom room = contract_prior_refund_headroom(days, year, year);
            if (room.amount < Money{}) {
                problems.push_back(msg("contract {contract} of {project}: prior-year refunds through {year} return "
                                       "{excess} more than it was paid in the years before")
                                       .with("contract", contract.contract.code)
                                       .with("project", code)
                                       .with("year", std::to_string(year))
                                       .with("excess", yuan(-room.amount)));
            }
            for (Level level : kLevels) {
                const Money executed = contract_executed_minimum(days, level, year, last_day_of(year - 1));
                if (executed < Money{}) {
                    problems.push_back(msg("contract {contract} of {project}: executed in {level} funds of {year} "
                                           "falls to {executed} (refunds exceed its payments)")
                                           .with("contract", contract.contract.code)
                                           .with("project", code)
                                           .with("level", level_name(level))
                                           .with("year", std::to_string(year))
                                           .with("executed", yuan(executed)));
                }
                const Money held =
                    contract_pot_minimum(days, level, year, last_day_of(year - 1), &Weights::outstanding);
                if (held < Money{}) {
                    problems.push_back(msg("contract {contract} of {project}: more released or forfeited than "
                                           "retained in {level} funds of {year} ({held})")
                                           .with("contract", contract.contract.code)
                                           .with("project", code)
                                           .with("level", level_name(level))
                                           .with("year", std::to_string(year))
                                           .with("held", yuan(held)));
                }
            }
        }
    }
    return problems;
}

}  // namespace ledger::detail
