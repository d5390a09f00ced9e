// bench/workload.hpp — a deterministic, realistic stream of ledger entries for fundflow_bench.
//
// A Workload writes one entry per step() through the public API only (Ledger::add_project,
// add_contract, post), for a few projects × funding levels × fiscal years, with effective dates
// spread evenly and ascending over the years. The mix is what a county finance office posts: an
// appropriation and a first arrival per level and year before any spending, quarterly arrivals, then
// mostly payments (8 in 10 against contracts of 2–20 million 元, so a few dozen payments each), some
// refunds, budget adjustments and recoveries; each contract ends with a retention (质保金) that is
// released about two weeks later, or partly forfeited first. Every money posting carries a voucher ref.
//
// The workload keeps a model of every figure it causes (per project, level and year), so that every
// posting it makes is valid by construction (a refusal is a bug, in the workload or the library) and
// the reports can be checked against it afterwards.
//
// Retentions are released within the year they were withheld: domain.md §6 moves outstanding
// retentions to the derived carryover column of the next year, and the benchmark measures cost, not
// carryover rules. Not thread-safe; one Workload drives one Ledger.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "ledger/ledger.hpp"

namespace fundflow_bench {

// splitmix64: a small, fast, reproducible generator (integers only).
class Random {
public:
    explicit Random(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next();
    // A uniformly drawn value in [low, high]; high must not be below low.
    std::int64_t between(std::int64_t low, std::int64_t high);
    bool chance_per_mille(int per_mille) { return between(0, 999) < per_mille; }

private:
    std::uint64_t state_;
};

struct Shape {
    int projects = 4;
    std::vector<ledger::Level> levels{ledger::Level::central, ledger::Level::provincial, ledger::Level::county};
    int first_year = 2024;
    int years = 1;
    std::int64_t entries = 100000;  // entries written in total, registrations included
    std::uint64_t seed = 20240101;
};

// What the model expects the ledger to report for one (project, level, year).
struct Figures {
    ledger::Money initial_budget;
    ledger::Money full_year_budget;
    ledger::Money arrived;
    ledger::Money executed;
    ledger::Money free;  // arrived − executed − outstanding retention − recovered, in this year
    ledger::Money recovered;
};

class Workload {
public:
    // Throws std::invalid_argument when the shape is too small to open every level of every year.
    Workload(Shape shape, ledger::Actor actor);

    // Writes the next entry (exactly one) through the library and returns its kind. Throws what the
    // library throws; the workload never asks for a posting the rules would refuse.
    ledger::EntryKind step(ledger::Ledger& ledger);

    bool done() const { return written_ >= shape_.entries; }
    std::int64_t written() const { return written_; }
    const Shape& shape() const { return shape_; }
    std::int64_t count(ledger::EntryKind kind) const { return counts_[static_cast<std::size_t>(kind)]; }

    std::string project_code(int project) const;
    const Figures& figures(int project, std::size_t level_index, int year) const;
    // Retained − released − forfeited on all of a project's contracts (every year).
    ledger::Money retention_outstanding(int project) const;

private:
    struct ContractState {
        int project = 0;
        std::size_t level_index = 0;
        std::string code;
        ledger::Money amount;
        ledger::Money cap;  // amount − the retention: what payments may reach before the retention
        ledger::Money committed;
        ledger::Money outstanding;
        bool forfeit_planned = false;
    };
    struct PendingRelease {
        std::size_t contract = 0;
        std::int64_t due_step = 0;
    };
    // A step of the opening of a level's year (appropriation, then arrival) or a quarterly arrival.
    struct Opening {
        int project = 0;
        std::size_t level_index = 0;
        bool quarterly = false;
    };

    ledger::Date date_of(std::int64_t step) const;
    std::int64_t steps_left_in_year(std::int64_t step) const;
    std::int64_t pending_steps() const;
    std::size_t stream(int project, std::size_t level_index) const;
    std::size_t figures_index(int project, std::size_t level_index, int year) const;
    Figures& figures_mutable(int project, std::size_t level_index, int year);
    ledger::Money random_payment();
    std::string next_ref(int project, int year);

    // Each writes one entry (or returns false when there is nothing to write).
    bool open_level(ledger::Ledger& ledger, const Opening& opening, ledger::Date date);
    void fund(ledger::Ledger& ledger, int project, std::size_t level_index, ledger::Date date, ledger::Money need);
    void release_next(ledger::Ledger& ledger, ledger::Date date);
    void random_posting(ledger::Ledger& ledger, ledger::Date date);
    void pay(ledger::Ledger& ledger, int project, std::size_t level_index, ledger::Date date,
             std::optional<std::size_t> contract, ledger::Money amount);
    void post(ledger::Ledger& ledger, const ledger::Posting& posting);
    void wrote(ledger::EntryKind kind);

    Shape shape_;
    ledger::Actor actor_;
    Random random_;
    std::int64_t written_ = 0;
    std::int64_t total_days_ = 0;
    std::int64_t year_budget_fen_ = 0;  // each level's initial budget for a year
    int opened_year_ = 0;
    int opened_quarter_ = 0;
    std::deque<Opening> agenda_;
    std::vector<Figures> figures_;          // [(year − first_year) × streams + stream]
    std::vector<ContractState> contracts_;  // every contract ever registered
    std::vector<std::array<std::optional<std::size_t>, 2>> active_;  // per stream: contracts being paid
    std::deque<PendingRelease> releases_;
    std::vector<std::int64_t> vouchers_;  // per project: the last voucher number used
    std::vector<int> contracts_registered_;  // per project
    std::array<std::int64_t, 13> counts_{};
    ledger::EntryKind last_kind_ = ledger::EntryKind::project;
};

}  // namespace fundflow_bench
