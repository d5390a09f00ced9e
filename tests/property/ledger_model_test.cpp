// Property test (RapidCheck): random sequences of postings, reversals and year closes against an
// independent in-memory model. The model knows nothing of fundflow's pots code: it keeps the accepted
// entries in a list and, for every candidate, recomputes every invariant of domain.md §4–§6 by brute
// force over every day of every year. fundflow must accept exactly what the model accepts, refuse
// with the same kind of error, and report the same figures afterwards.
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ledger/ledger.hpp"

namespace {

using ledger::Date;
using ledger::EntryKind;
using ledger::Level;
using ledger::Money;

struct W {
    int free, executed, budget, arrived, outstanding, committed, carry;
    int opening;  // 年初余额调整: raises the carryover column's budget and arrival of its year
};

// domain.md §4: what each kind does to the derived quantities.
W weights(EntryKind k) {
    switch (k) {
        case EntryKind::appropriation:
        case EntryKind::adjustment:
            return {0, 0, 1, 0, 0, 0, 0, 0};
        case EntryKind::arrival:
            return {1, 0, 0, 1, 0, 0, 1, 0};
        case EntryKind::payment:
            return {-1, 1, 0, 0, 0, 1, -1, 0};
        case EntryKind::refund:
            return {1, -1, 0, 0, 0, -1, 1, 0};
        case EntryKind::prior_refund:  // an earlier year's payment returned: the carryover grows instead
            return {1, 0, 0, 0, 0, -1, 1, 1};
        case EntryKind::retention:
            return {-1, 0, 0, 0, 1, 1, 0, 0};
        case EntryKind::release:
            return {0, 1, 0, 0, -1, 0, -1, 0};
        case EntryKind::forfeit:
            return {1, 0, 0, 0, -1, 0, 0, 0};
        case EntryKind::recovery:
            return {-1, 0, 0, 0, 0, 0, -1, 0};
        default:
            return {0, 0, 0, 0, 0, 0, 0, 0};
    }
}

struct ModelEntry {
    std::int64_t id;
    EntryKind effect;
    Level level;
    std::int64_t amount;  // signed effect
    Date date;
    int contract;  // -1: none
    bool reversal;
    bool reversed;
    std::int64_t refunds = 0;   // a refund naming what it returns (and that refund's reversal): its id
    std::int64_t reverses = 0;  // a reversal: the id of the entry it cancels
};

constexpr int kYears[] = {2020, 2021, 2022};
const std::int64_t kContractAmount[] = {100000, 50000};

Date day_at(int index) {
    const int year = kYears[index / 10 % 3];
    static constexpr unsigned kMonths[] = {1, 3, 4, 6, 7, 9, 10, 11, 12, 12};
    static constexpr unsigned kDays[] = {10, 1, 15, 30, 1, 15, 1, 20, 1, 31};
    return Date{date::year{year}, date::month{kMonths[index % 10]}, date::day{kDays[index % 10]}};
}

struct Model {
    std::vector<ModelEntry> entries;
    int closed_through = 0;

    static std::int64_t sum(const std::vector<ModelEntry>& es, int W::*q, auto&& keep) {
        std::int64_t total = 0;
        for (const auto& e : es) {
            if (keep(e)) {
                total += weights(e.effect).*q * e.amount;
            }
        }
        return total;
    }

    // The value of a pot at the end of day t (t = nullopt: the opening, before any day of the year).
    static std::int64_t pot(const std::vector<ModelEntry>& es, Level level, int year, std::optional<Date> t, int W::*q,
                            int contract) {
        const Date start = ledger::first_day_of(year);
        return sum(es, q, [&](const ModelEntry& e) {
            if (contract >= 0 && e.contract != contract) {
                return false;
            }
            const bool in_year = ledger::year_of(e.date) == year && (!t || e.date <= *t);
            if (level == Level::carryover) {
                // Carryover opens with what every earlier year left (for free, and a contract's deposits).
                const bool carries = q == &W::free || q == &W::outstanding;
                return (carries && e.date < start) || (in_year && e.level == Level::carryover);
            }
            return in_year && e.level == level;
        });
    }

    static bool valid(const std::vector<ModelEntry>& es) {
        std::set<Date> days;
        for (const auto& e : es) {
            days.insert(e.date);
        }
        for (int year = 2019; year <= 2023; ++year) {
            std::vector<std::optional<Date>> points{std::nullopt};
            for (const Date& d : days) {
                if (ledger::year_of(d) == year) {
                    points.emplace_back(d);
                }
            }
            for (Level level : ledger::kLevels) {
                const auto in_level_year = [&](const ModelEntry& e) {
                    return e.level == level && ledger::year_of(e.date) == year;
                };
                const std::int64_t budget = sum(es, &W::budget, in_level_year);
                const std::int64_t arrived = sum(es, &W::arrived, in_level_year);
                if (budget < 0 || arrived > budget) {
                    return false;
                }
                for (const auto& t : points) {
                    // Executed never goes below zero, in any pot (the carryover's too), nor any contract's.
                    if (pot(es, level, year, t, &W::free, -1) < 0 || pot(es, level, year, t, &W::executed, -1) < 0) {
                        return false;
                    }
                    for (int c = 0; c < 2; ++c) {
                        if (pot(es, level, year, t, &W::outstanding, c) < 0 ||
                            pot(es, level, year, t, &W::executed, c) < 0) {
                            return false;
                        }
                    }
                }
            }
            // No money from nothing: what comes back from earlier years (prior refunds dated in this year
            // or before) never exceeds what those years paid out — for the project and each contract.
            for (int c = -1; c < 2; ++c) {
                const auto of_contract = [&](const ModelEntry& e) { return c < 0 || e.contract == c; };
                std::int64_t paid_before = 0;
                std::int64_t returned = 0;
                for (const auto& e : es) {
                    if (!of_contract(e)) {
                        continue;
                    }
                    if (ledger::year_of(e.date) < year) {
                        paid_before += weights(e.effect).executed * e.amount;
                    }
                    if (e.effect == EntryKind::prior_refund && ledger::year_of(e.date) <= year) {
                        returned += e.amount;
                    }
                }
                if (returned > paid_before) {
                    return false;
                }
            }
        }
        // A named payment or release is returned at most once over: its refunds ≤ what is left of it.
        std::map<std::int64_t, std::int64_t> left;
        for (const auto& e : es) {
            if (!e.reversal && (e.effect == EntryKind::payment || e.effect == EntryKind::release)) {
                left[e.id] += e.amount;
            }
            if (e.reversal && (e.effect == EntryKind::payment || e.effect == EntryKind::release)) {
                left[e.reverses] += e.amount;
            }
        }
        for (const auto& e : es) {
            if (e.refunds != 0) {
                left[e.refunds] -= e.amount;
            }
        }
        for (const auto& [id, amount] : left) {
            if (amount < 0) {
                return false;
            }
        }
        for (int c = 0; c < 2; ++c) {
            if (sum(es, &W::committed, [&](const ModelEntry& e) { return e.contract == c; }) > kContractAmount[c]) {
                return false;
            }
        }
        return true;
    }
};

enum class Outcome { accepted, rejected, invalid };

Outcome outcome_of(const std::function<void()>& post) {
    try {
        post();
        return Outcome::accepted;
    } catch (const ledger::Error& e) {
        if (e.code() == ledger::ErrorCode::rejected) {
            return Outcome::rejected;
        }
        RC_ASSERT(e.code() == ledger::ErrorCode::invalid_input);
        return Outcome::invalid;
    }
}

std::filesystem::path scratch_file() {
    static int counter = 0;
    const auto dir = std::filesystem::exists("/dev/shm") ? std::filesystem::path("/dev/shm")
                                                         : std::filesystem::temp_directory_path();
    return dir / ("fundflow-model-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".db");
}

void remove_ledger(const std::filesystem::path& path) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(path.string() + suffix);
    }
}

}  // namespace

TEST_CASE("Random postings, reversals and closes keep every invariant and match an independent model",
          "[property]") {
    rc::prop("fundflow accepts exactly what the model accepts and reports the model's figures", [] {
        const auto path = scratch_file();
        remove_ledger(path);
        ledger::Ledger::create(path.string());
        auto book = ledger::Ledger::open(path.string(), ledger::Ledger::Mode::read_write);
        const ledger::Actor actor{"model", "model"};
        book.add_project(ledger::Project{"P", "model project", "", ""}, actor, day_at(0));
        book.add_contract(ledger::Contract{"P", "C0", "S0", Money::from_fen(kContractAmount[0]), 500, 12, false},
                          actor, day_at(0));
        book.add_contract(ledger::Contract{"P", "C1", "S1", Money::from_fen(kContractAmount[1]), 300, 24, true},
                          actor, day_at(0));
        Model model;
        const Level levels[] = {Level::county, Level::provincial, Level::carryover};

        // Most sequences open with budget and money so that spending, deposits and carryover happen.
        const int prelude = *rc::gen::inRange(1, 4);
        const int steps = prelude * 2 + *rc::gen::inRange(5, 60);
        for (int step = 0; step < steps; ++step) {
            const int op = step < prelude * 2 ? step % 2 * 2  // appropriation, then arrival
                                              : *rc::gen::weightedElement<int>({{1, 0}, {1, 1}, {2, 2}, {6, 3}, {2, 4},
                                                                                {3, 5}, {3, 6}, {1, 7}, {1, 8}, {3, 9},
                                                                                {1, 10}, {3, 11}});
            const Level level =
                step < prelude * 2 ? Level::county : levels[*rc::gen::weightedElement<int>({{8, 0}, {2, 1}, {2, 2}})];
            const std::int64_t amount = step < prelude * 2 ? 100000
                                        : op <= 2          ? *rc::gen::inRange<std::int64_t>(1000, 60000)
                                                           : *rc::gen::inRange<std::int64_t>(1, 20000);
            // The prelude funds one year's county money on one day, so the arrival meets its budget.
            const Date day = step < prelude * 2 ? day_at(step / 2 * 10) : day_at(*rc::gen::inRange(0, 30));
            const int contract = *rc::gen::inRange(-1, 2);

            if (op == 10) {  // close a year
                const int year = *rc::gen::element(2020, 2021);
                const Outcome got = outcome_of([&] { book.close_year("P", year, actor); });
                RC_LOG() << "close " << year << ": got " << static_cast<int>(got) << "\n";
                const Outcome want = year <= model.closed_through ? Outcome::rejected : Outcome::accepted;
                RC_ASSERT(got == want);
                if (got == Outcome::accepted) {
                    model.closed_through = year;
                }
                continue;
            }
            if (op == 9) {  // reverse an earlier entry
                if (model.entries.empty()) {
                    continue;
                }
                const std::size_t index = *rc::gen::inRange<std::size_t>(0, model.entries.size());
                const ModelEntry target = model.entries[index];
                std::vector<ModelEntry> candidate = model.entries;
                candidate.push_back({0, target.effect, target.level, -target.amount, target.date, target.contract,
                                     true, false, target.refunds, target.id});
                const bool ok = !target.reversal && !target.reversed &&
                                ledger::year_of(target.date) > model.closed_through && Model::valid(candidate);
                ledger::PostResult posted;
                const Outcome got = outcome_of([&] { posted = book.reverse(ledger::EntryId{target.id}, "model", actor); });
                RC_LOG() << "reverse #" << target.id << ": got " << static_cast<int>(got) << " want ok=" << ok << "\n";
                RC_ASSERT(got == (ok ? Outcome::accepted : Outcome::rejected));
                if (ok) {
                    candidate[index].reversed = true;
                    candidate.back().id = static_cast<std::int64_t>(posted.entry.id);
                    model.entries = std::move(candidate);
                }
                continue;
            }
            if (op == 11) {  // a refund naming the payment or release it returns (refund --of)
                if (model.entries.empty()) {
                    continue;
                }
                // Mostly a payment or release (else any entry: those must be refused), for part of it or a
                // little more than it.
                std::vector<std::size_t> returnable;
                for (std::size_t i = 0; i < model.entries.size(); ++i) {
                    const auto& e = model.entries[i];
                    if (!e.reversal && (e.effect == EntryKind::payment || e.effect == EntryKind::release)) {
                        returnable.push_back(i);
                    }
                }
                const bool any_entry = returnable.empty() || *rc::gen::weightedElement<int>({{4, 0}, {1, 1}}) == 1;
                const ModelEntry target =
                    any_entry ? model.entries[*rc::gen::inRange<std::size_t>(0, model.entries.size())]
                              : model.entries[returnable[*rc::gen::inRange<std::size_t>(0, returnable.size())]];
                const std::int64_t refund_amount =
                    target.amount > 0 ? *rc::gen::inRange<std::int64_t>(1, target.amount + 2) : amount;
                const bool by_id = *rc::gen::arbitrary<bool>();
                ledger::Posting p;
                p.kind = EntryKind::refund;
                p.project = "P";
                p.amount = Money::from_fen(refund_amount);
                p.date = day;
                p.refunds = (by_id ? "#" : "") + std::to_string(target.id);
                // Same year: the payment's own level loses executed; an earlier year's: the carryover grows.
                const bool prior = ledger::year_of(day) > ledger::year_of(target.date);
                std::vector<ModelEntry> candidate = model.entries;
                candidate.push_back({0, prior ? EntryKind::prior_refund : EntryKind::refund,
                                     prior ? Level::carryover : target.level, refund_amount, day, target.contract,
                                     false, false, target.id, 0});
                Outcome want = Outcome::accepted;
                if (target.reversal || (target.effect != EntryKind::payment && target.effect != EntryKind::release) ||
                    day < target.date || ledger::year_of(day) <= model.closed_through || !Model::valid(candidate)) {
                    want = Outcome::rejected;
                }
                ledger::PostResult posted;
                const Outcome got = outcome_of([&] { posted = book.post(p, actor); });
                RC_LOG() << "refund --of #" << target.id << " " << refund_amount << " " << ledger::to_string(day) << ": got "
                         << static_cast<int>(got) << " want " << static_cast<int>(want) << "\n";
                RC_ASSERT(got == want);
                if (got == Outcome::accepted) {
                    RC_ASSERT(posted.entry.effect_kind == candidate.back().effect);
                    RC_ASSERT(posted.entry.level == candidate.back().level);
                    candidate.back().id = static_cast<std::int64_t>(posted.entry.id);
                    model.entries = std::move(candidate);
                }
                continue;
            }
            static constexpr EntryKind kKinds[] = {EntryKind::appropriation, EntryKind::adjustment, EntryKind::arrival,
                                                   EntryKind::payment,       EntryKind::refund,     EntryKind::retention,
                                                   EntryKind::release,       EntryKind::forfeit,    EntryKind::recovery};
            const EntryKind kind = kKinds[op];
            const bool contract_kind =
                kind == EntryKind::retention || kind == EntryKind::release || kind == EntryKind::forfeit;
            const int used_contract = contract_kind                                               ? std::max(contract, 0)
                                      : kind == EntryKind::payment || kind == EntryKind::refund ? contract
                                                                                                : -1;
            const std::int64_t signed_amount =
                kind == EntryKind::adjustment && *rc::gen::arbitrary<bool>() ? -amount : amount;

            ledger::Posting p;
            p.kind = kind;
            p.project = "P";
            p.level = level;
            p.amount = Money::from_fen(signed_amount);
            p.date = day;
            if (used_contract >= 0) {
                p.contract = "C" + std::to_string(used_contract);
            }
            if (kind == EntryKind::retention) {
                p.accepted = day;
            }
            std::vector<ModelEntry> candidate = model.entries;
            // A refund naming nothing on the carryover returns an earlier year's money (年初余额调整).
            const EntryKind effect =
                kind == EntryKind::refund && level == Level::carryover ? EntryKind::prior_refund : kind;
            candidate.push_back({0, effect, level, signed_amount, day, used_contract, false, false, 0, 0});
            Outcome want = Outcome::accepted;
            const W w = weights(kind);
            if (level == Level::carryover && (w.budget != 0 || w.arrived != 0)) {
                want = Outcome::invalid;
            } else if (ledger::year_of(day) <= model.closed_through) {
                want = Outcome::rejected;
            } else if (!Model::valid(candidate)) {
                want = Outcome::rejected;
            }
            ledger::PostResult posted;
            const Outcome got = outcome_of([&] { posted = book.post(p, actor); });
            if (std::getenv("MODEL_DEBUG") != nullptr) {
                std::fprintf(stderr, "%s %s %lld %s c%d got %d want %d\n", std::string(ledger::to_string(kind)).c_str(), std::string(ledger::to_string(level)).c_str(), static_cast<long long>(signed_amount), ledger::to_string(day).c_str(), used_contract, static_cast<int>(got), static_cast<int>(want));
            }
            RC_LOG() << ledger::to_string(kind) << " " << ledger::to_string(level) << " " << signed_amount << " "
                     << ledger::to_string(day) << " contract " << used_contract << ": got "
                     << static_cast<int>(got) << " want " << static_cast<int>(want) << "\n";
            RC_ASSERT(got == want);
            if (got == Outcome::accepted) {
                candidate.back().id = static_cast<std::int64_t>(posted.entry.id);
                model.entries = std::move(candidate);
            }
        }

        // The figures: every column of every year's form, and every pot's free balance at year end.
        for (int year : kYears) {
            const Date end = ledger::last_day_of(year);
            const auto report = book.execution_report("P", year, ledger::ReadCut{end, std::nullopt});
            for (Level level : ledger::kLevels) {
                const auto& f = report.level(level);
                const auto keep = [&](const ModelEntry& e) {
                    return e.level == level && ledger::year_of(e.date) == year;
                };
                std::int64_t initial = 0;
                for (const auto& e : model.entries) {
                    if (keep(e) && e.effect == EntryKind::appropriation) {
                        initial += e.amount;
                    }
                }
                std::int64_t budget = Model::sum(model.entries, &W::budget, keep) + Model::sum(model.entries, &W::opening, keep);
                std::int64_t arrived = Model::sum(model.entries, &W::arrived, keep) + Model::sum(model.entries, &W::opening, keep);
                if (level == Level::carryover) {
                    const std::int64_t carried = Model::sum(model.entries, &W::carry, [&](const ModelEntry& e) {
                        return e.date < ledger::first_day_of(year);
                    });
                    budget += carried;
                    arrived += carried;
                }
                RC_ASSERT(f.initial_budget.fen() == initial);
                RC_ASSERT(f.full_year_budget.fen() == budget);
                RC_ASSERT(f.arrived.fen() == arrived);
                RC_ASSERT(f.executed.fen() == Model::sum(model.entries, &W::executed, keep));
            }
            RC_ASSERT(report.retention_outstanding.fen() ==
                      Model::sum(model.entries, &W::outstanding, [&](const ModelEntry& e) { return e.date <= end; }));
            const auto balances = book.balances(std::string("P"), ledger::BalanceBy::level, ledger::ReadCut{end, std::nullopt});
            for (const auto& row : balances.rows) {
                RC_ASSERT(row.free_balance().fen() == Model::pot(model.entries, *row.level, year, end, &W::free, -1));
            }
        }
        int accepted = 0;
        for (const auto& e : model.entries) {
            accepted += e.reversal ? 0 : 1;
        }
        RC_CLASSIFY(accepted >= 12, "12+ postings accepted");
        RC_CLASSIFY(accepted >= 20, "20+ postings accepted");
        RC_CLASSIFY(model.closed_through > 0, "a year closed");
        const auto any = [&](auto&& keep) { return std::any_of(model.entries.begin(), model.entries.end(), keep); };
        RC_CLASSIFY(any([](const ModelEntry& e) { return e.effect == EntryKind::prior_refund && !e.reversal; }),
                    "a prior refund");
        RC_CLASSIFY(any([](const ModelEntry& e) { return e.refunds != 0 && !e.reversal; }), "a refund naming its payment");
        RC_CLASSIFY(any([](const ModelEntry& e) { return e.effect == EntryKind::refund && e.contract >= 0; }),
                    "a contract refund");
        RC_ASSERT(book.verify().ok);
        RC_ASSERT(!book.check(ledger::ReadCut{ledger::last_day_of(2022), std::nullopt}).integrity_failed);
        remove_ledger(path);
    });
}
