// Private: the accounting rules of domain.md §4–§6 as arithmetic over derived quantities.
//
// Money lives in pots: one per (project, fiscal year, level). The carryover pot of year Y opens with
// everything dated before Y — arrived less executed less recovered, with the deposits still held — so
// that carryover is derived, never typed. A contract's deposits live in pots of the same shape. A
// posting is valid when no pot it touches goes below zero on its own day or any later day, in its year
// and in the carryover pots of every later year.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ledger/message.hpp"
#include "store.hpp"

namespace ledger::detail {

// How each effect kind moves the derived quantities. A reversal carries the negated amount under its
// original's effect kind, so the same weights cancel the original exactly.
struct Weights {
    int free = 0;         // arrived − executed − outstanding retention − recovered
    int executed = 0;     // (4) = payments − refunds + releases
    int budget = 0;       // (2)
    int arrived = 0;      // (3)
    int outstanding = 0;  // retained − released − forfeited
    int committed = 0;    // a contract's paid + retained
    int carry = 0;        // what a year leaves to the next: arrived − executed − recovered
    int opening = 0;      // 年初余额调整: the carryover column's (2) and (3) of the entry's year
    int paid = 0;         // what a contract paid out, net: payments − refunds (any year's) + releases
};

Weights weights_of(EntryKind kind);
Money weighted(const KindSums& sums, int Weights::*quantity);
Money times(Money amount, int weight);

// The lowest end-of-day value a project pot's quantity (free or executed) takes over the end of
// `after` and every later day of `year`.
Money pot_minimum(const Store& store, std::int64_t project_id, Level level, int year, Date after,
                  int Weights::*quantity);

// The same for a contract's pot of deposits (quantity: outstanding).
Money contract_pot_minimum(const std::vector<ContractDay>& days, Level pot, int year, Date after,
                           int Weights::*quantity);

struct Candidate {
    Entry entry;
    std::int64_t project_id = 0;
    std::optional<ContractRow> contract;
};

// Through every year T from `from` to `through`: what was executed before T less the prior-year refunds
// (年初余额调整) dated in T or earlier — the money earlier years paid out that is still there to be
// returned. Returns the lowest value and its year. For a contract when `days` is given.
struct Headroom {
    Money amount;
    int year = 0;
};
Headroom prior_refund_headroom(const Store& store, std::int64_t project_id, int from, int through);
Headroom contract_prior_refund_headroom(const std::vector<ContractDay>& days, int from, int through);

// The lowest end-of-day value of a contract's executed money in one (level, year) pot over the end of
// `after` and every later day of the year (its same-year refunds never exceed its payments there).
Money contract_executed_minimum(const std::vector<ContractDay>& days, Level level, int year, Date after);

// The first day, from `from` on, on which a contract's paid and retained money exceeds its amount in
// force, with `delta` more committed from `from` on. Paid and retained on day t counts every refund or
// reversal whatever its date, and payments and retentions dated on or before t; so without amendments
// this is the total against the registered amount, and with them each day meets that day's amount.
struct CommitmentExcess {
    Date day;
    Money committed;
    Money amount;
};
std::optional<CommitmentExcess> commitment_excess(const std::vector<ContractDay>& days, const Contract& registered,
                                                  const std::vector<Amendment>& amendments, Date from, Money delta);

// Throws Error{rejected} naming the figures when the candidate would break an invariant.
void check_invariants(const Store& store, const Candidate& candidate);

// Refuses (Error{rejected}) an entry dated in a closed year of its project.
void check_year_open(const Store& store, std::int64_t project_id, const std::string& project, Date day);

// Every invariant recomputed over a whole project, for `fundflow check`: one line per problem.
std::vector<Message> audit_project(const Store& store, const ProjectRow& project);

std::string yuan(Money amount);  // "1,196,525.00 元": a plain field of a message
// "payment of 200.00 元", "adjustment of -1,000.01 元" (an adjustment keeps its sign, other kinds are
// shown positive): a phrase, {kind} of {amount}.
Message describe(EntryKind kind, Money amount);
// "county funds on project P001 in 2020": the pot a rule speaks of.
Message pot_phrase(Level level, const std::string& project, int year);
[[noreturn]] void refuse(Message message);  // throws Error{rejected}

}  // namespace ledger::detail
