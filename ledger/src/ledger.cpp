#include "ledger/ledger.hpp"

#include <sqlite3.h>

#include <algorithm>

#include "chain.hpp"
#include "store.hpp"

namespace ledger {
namespace {

using detail::at;
using detail::ChainRecord;
using detail::DayChange;
using detail::KindSums;
using detail::Store;

// Maps SQLite's failures to ledger errors with a line that says what to do. Errors raised by the
// rules pass through unchanged.
template <typename F>
auto guarded(F&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const SQLite::Exception& e) {
        const int code = e.getErrorCode() & 0xFF;
        switch (code) {
            case SQLITE_FULL:
                throw Error(ErrorCode::storage, "the disk is full; nothing was written: free space and retry");
            case SQLITE_BUSY:
            case SQLITE_LOCKED:
                throw Error(ErrorCode::storage,
                            "the ledger is busy: another fundflow held its write lock too long; retry");
            case SQLITE_READONLY:
            case SQLITE_PERM:
            case SQLITE_CANTOPEN:
                throw Error(ErrorCode::storage, std::string("the ledger file cannot be written or opened (") +
                                                    e.what() + "); check its permissions and mount");
            case SQLITE_CORRUPT:
            case SQLITE_NOTADB:
                throw Error(ErrorCode::integrity,
                            std::string("the ledger file is damaged (") + e.what() + "); restore it from a copy");
            case SQLITE_IOERR:
                throw Error(ErrorCode::storage, std::string("an I/O error stopped the write; nothing was written (") +
                                                    e.what() + ")");
            default:
                throw Error(ErrorCode::storage, std::string("SQLite failed: ") + e.what());
        }
    }
}

// How each effect kind moves the derived quantities of domain.md §4. A reversal carries the negated
// amount under its original's effect kind, so the same weights cancel the original exactly.
struct Weights {
    int free = 0;         // arrived − executed − outstanding retention − recovered
    int executed = 0;     // (4)
    int budget = 0;       // (2)
    int arrived = 0;      // (3)
    int outstanding = 0;  // a contract's retained − released − forfeited
    int committed = 0;    // a contract's paid + retained
};

Weights weights_of(EntryKind kind) {
    switch (kind) {
        case EntryKind::appropriation:
        case EntryKind::adjustment:
            return Weights{.budget = 1};
        case EntryKind::arrival:
            return Weights{.free = 1, .arrived = 1};
        case EntryKind::payment:
            return Weights{.free = -1, .executed = 1, .committed = 1};
        case EntryKind::refund:
            return Weights{.free = 1, .executed = -1, .committed = -1};
        case EntryKind::retention:
            return Weights{.free = -1, .outstanding = 1, .committed = 1};
        case EntryKind::release:
            return Weights{.executed = 1, .outstanding = -1};
        case EntryKind::forfeit:
            return Weights{.free = 1, .outstanding = -1};
        case EntryKind::recovery:
            return Weights{.free = -1};
        default:
            return Weights{};
    }
}

Money weighted(const KindSums& sums, int Weights::*quantity) {
    Money total;
    for (std::size_t i = 0; i < sums.size(); ++i) {
        const int w = weights_of(static_cast<EntryKind>(i)).*quantity;
        if (w > 0) {
            total += sums[i];
        } else if (w < 0) {
            total -= sums[i];
        }
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

// The lowest value a quantity takes from `day` to the end, given its final value and the later
// day-by-day changes (latest first): end-of-day states, walking backwards.
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

std::string yuan(Money amount) { return format_yuan(amount) + " 元"; }

std::string describe(EntryKind kind, Money amount) {
    return std::string(to_string(kind)) + " of " + yuan(amount < Money{} ? -amount : amount);
}

[[noreturn]] void refuse(const std::string& message) { throw Error(ErrorCode::rejected, message); }

bool is_money_kind(EntryKind kind) {
    switch (kind) {
        case EntryKind::appropriation:
        case EntryKind::adjustment:
        case EntryKind::arrival:
        case EntryKind::payment:
        case EntryKind::refund:
        case EntryKind::retention:
        case EntryKind::release:
        case EntryKind::forfeit:
        case EntryKind::recovery:
            return true;
        default:
            return false;
    }
}

void check_text(std::string_view what, const std::string& value, std::size_t max_bytes, bool required) {
    if (required && value.empty()) {
        throw Error(ErrorCode::invalid_input, std::string(what) + " must not be empty");
    }
    if (value.size() > max_bytes) {
        throw Error(ErrorCode::invalid_input, std::string(what) + " is longer than " + std::to_string(max_bytes) +
                                                  " bytes");
    }
    for (const char ch : value) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 && c != '\t') {
            throw Error(ErrorCode::invalid_input, std::string(what) + " contains a control character");
        }
    }
}

void check_code(std::string_view what, const std::string& code) {
    check_text(what, code, 64, true);
    if (code.find_first_of(" \t") != std::string::npos) {
        throw Error(ErrorCode::invalid_input, std::string(what) + " '" + code + "' must not contain spaces");
    }
}

// What one candidate entry touches, resolved to row ids.
struct Candidate {
    Entry entry;
    std::int64_t project_id = 0;
    std::optional<detail::ContractRow> contract;
};

}  // namespace

ExecutionFigures& ExecutionFigures::operator+=(const ExecutionFigures& other) {
    initial_budget += other.initial_budget;
    full_year_budget += other.full_year_budget;
    arrived += other.arrived;
    executed += other.executed;
    return *this;
}

Ledger::Ledger(std::unique_ptr<detail::Store> store) : store_(std::move(store)) {}
Ledger::Ledger(Ledger&&) noexcept = default;
Ledger& Ledger::operator=(Ledger&&) noexcept = default;
Ledger::~Ledger() = default;

void Ledger::create(const std::string& path) {
    guarded([&] { Store::create(path); });
}

Ledger Ledger::open(const std::string& path, Mode mode) {
    return guarded([&] { return Ledger(Store::open(path, mode == Mode::read_write)); });
}

void Ledger::in_transaction(const std::function<void()>& body) {
    guarded([&] { store_->transaction(body); });
}

namespace {

// Checks every invariant of domain.md §4 that the candidate could break, against all entries on
// file (whatever their recorded time). Throws Error{rejected} naming the figures.
void check_invariants(const Store& store, const Candidate& c) {
    const Entry& e = c.entry;
    if (!e.level) {
        return;
    }
    const Weights w = weights_of(e.effect_kind);
    const Level level = *e.level;
    const int year = year_of(e.effective_on);
    const std::string where = std::string(to_string(level)) + " funds on project " + e.project + " in " +
                              std::to_string(year);

    if (w.budget != 0 || w.arrived != 0 || w.free != 0 || w.executed != 0) {
        const KindSums totals = store.level_totals(c.project_id, level, first_day_of(year), last_day_of(year));
        const Money budget = weighted(totals, &Weights::budget) + times(e.amount, w.budget);
        const Money arrived = weighted(totals, &Weights::arrived) + times(e.amount, w.arrived);
        if (w.budget != 0 && budget < Money{}) {
            refuse(describe(e.kind, e.amount) + " would make the full-year budget of " + where + " negative (" +
                   yuan(budget) + ")");
        }
        if ((w.budget != 0 || w.arrived != 0) && arrived > budget) {
            refuse(describe(e.kind, e.amount) + " would bring " + where + " to " + yuan(arrived) +
                   " arrived, beyond the full-year budget of " + yuan(budget));
        }
        const bool lowers_free = times(e.amount, w.free) < Money{};
        const bool lowers_executed = times(e.amount, w.executed) < Money{};
        if (lowers_free || lowers_executed) {
            // A back-dated entry must keep every later day valid too, not only its own.
            const auto later = store.level_changes_after(c.project_id, level, e.effective_on, last_day_of(year));
            if (lowers_free) {
                const Money available = running_minimum(weighted(totals, &Weights::free), later, &Weights::free);
                if (available + times(e.amount, w.free) < Money{}) {
                    refuse(describe(e.kind, e.amount) + " exceeds the free balance of " + where + " (" +
                           yuan(std::max(available, Money{})) + ")");
                }
            }
            if (lowers_executed) {
                const Money executed =
                    running_minimum(weighted(totals, &Weights::executed), later, &Weights::executed);
                if (executed + times(e.amount, w.executed) < Money{}) {
                    refuse(describe(e.kind, e.amount) + " exceeds what was executed from " + where + " (" +
                           yuan(std::max(executed, Money{})) + ")");
                }
            }
        }
    }

    if (c.contract) {
        const auto& contract = *c.contract;
        if (times(e.amount, w.outstanding) < Money{}) {
            const KindSums totals = store.contract_totals(contract.id, level);
            const auto later = store.contract_changes_after(contract.id, level, e.effective_on);
            const Money outstanding =
                running_minimum(weighted(totals, &Weights::outstanding), later, &Weights::outstanding);
            if (outstanding + times(e.amount, w.outstanding) < Money{}) {
                refuse(describe(e.kind, e.amount) + " exceeds the outstanding retention of contract " +
                       contract.contract.code + " (" + yuan(std::max(outstanding, Money{})) + ")");
            }
        }
        if (times(e.amount, w.committed) > Money{}) {
            Money committed;
            for (Level l : store.contract_levels(contract.id)) {
                committed += weighted(store.contract_totals(contract.id, l), &Weights::committed);
            }
            const Money after = committed + e.amount;
            if (after > contract.contract.amount) {
                refuse(describe(e.kind, e.amount) + " would bring contract " + contract.contract.code + " to " +
                       yuan(after) + " paid and retained, beyond its amount of " + yuan(contract.contract.amount));
            }
        }
    }
}

// Fills in id, recorded time and hashes, and writes the entry. Must run inside a transaction.
Entry append(Store& store, Entry entry, std::int64_t project_id, std::optional<std::int64_t> contract_id,
             const std::optional<Project>& project_record, const std::optional<Contract>& contract_record) {
    const detail::Head head = store.head();
    entry.id = EntryId{head.entries + 1};
    // Recorded time never runs backwards along the chain, even if the clock does.
    entry.recorded_at = std::max(to_string(now_utc()), head.recorded_at);
    entry.prev_hash = head.hash;
    entry.hash = detail::chain_hash(entry.prev_hash, detail::canonical_encoding(entry, project_record, contract_record));
    store.insert_entry(entry, project_id, contract_id);
    return entry;
}

bool same_content(const Entry& a, const Entry& b) {
    return a.kind == b.kind && a.level == b.level && a.amount == b.amount && a.effective_on == b.effective_on &&
           a.contract == b.contract && a.memo == b.memo && a.accepted_on == b.accepted_on && a.due_on == b.due_on;
}

Entry base_entry(EntryKind kind, const std::string& project, const Actor& actor) {
    check_text("the user name", actor.user, 128, true);
    Entry e;
    e.kind = kind;
    e.effect_kind = kind;
    e.project = project;
    e.user = actor.user;
    e.os_user = actor.os_user;
    return e;
}

}  // namespace

PostResult Ledger::add_project(const Project& project, const Actor& actor, std::optional<Date> on) {
    check_code("the project code", project.code);
    check_text("the project name", project.name, 512, true);
    check_text("the unit name", project.unit_name, 512, false);
    check_text("the function code", project.func_code, 64, false);
    return guarded([&] {
        PostResult result;
        store_->transaction([&] {
            if (store_->find_project(project.code)) {
                refuse("project " + project.code + " already exists");
            }
            const std::int64_t id = store_->insert_project(project);
            Entry e = base_entry(EntryKind::project, project.code, actor);
            e.effective_on = on.value_or(today_local());
            result.entry = append(*store_, std::move(e), id, std::nullopt, project, std::nullopt);
        });
        return result;
    });
}

PostResult Ledger::add_contract(const Contract& contract, const Actor& actor, std::optional<Date> on) {
    check_code("the contract code", contract.code);
    check_text("the supplier", contract.supplier, 512, true);
    if (contract.amount <= Money{}) {
        throw Error(ErrorCode::invalid_input, "a contract amount must be positive");
    }
    if (contract.retention_rate_bp < 0 || contract.retention_rate_bp > 10000) {
        throw Error(ErrorCode::invalid_input, "a retention rate must lie between 0 % and 100 %");
    }
    if (contract.warranty_months < 0 || contract.warranty_months > 1200) {
        throw Error(ErrorCode::invalid_input, "warranty months must lie between 0 and 1200");
    }
    return guarded([&] {
        PostResult result;
        store_->transaction([&] {
            const auto project = store_->find_project(contract.project);
            if (!project) {
                throw Error(ErrorCode::not_found, "no project " + contract.project + "; add it with 'fundflow project add'");
            }
            if (store_->find_contract(project->id, contract.code)) {
                refuse("contract " + contract.code + " already exists on project " + contract.project);
            }
            const std::int64_t id = store_->insert_contract(project->id, contract);
            Entry e = base_entry(EntryKind::contract, contract.project, actor);
            e.effective_on = on.value_or(today_local());
            e.contract = contract.code;
            result.entry = append(*store_, std::move(e), project->id, id, std::nullopt, contract);
        });
        return result;
    });
}

PostResult Ledger::post(const Posting& p, const Actor& actor) {
    if (!is_money_kind(p.kind)) {
        throw Error(ErrorCode::invalid_input,
                    std::string(to_string(p.kind)) + " is not posted this way (use its own command)");
    }
    if (p.amount) {
        if (p.kind == EntryKind::adjustment ? *p.amount == Money{} : *p.amount <= Money{}) {
            throw Error(ErrorCode::invalid_input,
                        "'" + format_yuan(*p.amount) + "' is not a valid amount here: " +
                            (p.kind == EntryKind::adjustment ? "an adjustment must not be zero"
                                                             : "amounts must be positive (post a reversal to undo)"));
        }
    } else if (p.kind != EntryKind::retention && p.kind != EntryKind::release) {
        throw Error(ErrorCode::invalid_input, "an amount is needed for " + std::string(to_string(p.kind)));
    }
    const bool needs_contract =
        p.kind == EntryKind::retention || p.kind == EntryKind::release || p.kind == EntryKind::forfeit;
    if (needs_contract && !p.contract) {
        throw Error(ErrorCode::invalid_input, std::string(to_string(p.kind)) + " needs --contract");
    }
    if (p.kind == EntryKind::retention && !p.accepted) {
        throw Error(ErrorCode::invalid_input, "a retention needs the acceptance date (--accepted)");
    }
    if (p.ref) {
        check_text("the voucher reference", *p.ref, 128, true);
    }
    check_text("the memo", p.memo, 2000, false);

    return guarded([&] {
        PostResult result;
        store_->transaction([&] {
            Candidate c;
            const auto project = store_->find_project(p.project);
            if (!project) {
                throw Error(ErrorCode::not_found, "no project " + p.project + "; add it with 'fundflow project add'");
            }
            c.project_id = project->id;
            if (p.contract) {
                c.contract = store_->find_contract(project->id, *p.contract);
                if (!c.contract) {
                    throw Error(ErrorCode::not_found, "no contract " + *p.contract + " on project " + p.project +
                                                          "; add it with 'fundflow contract add'");
                }
            }
            Entry& e = c.entry;
            e = base_entry(p.kind, p.project, actor);
            e.effective_on = p.date;
            e.contract = p.contract;
            e.ref = p.ref;
            e.memo = p.memo;
            e.level = p.level;

            if ((p.kind == EntryKind::release || p.kind == EntryKind::forfeit) && !e.level) {
                // The deposit is paid out of the level it was withheld from.
                std::vector<Level> held;
                for (Level l : store_->contract_levels(c.contract->id)) {
                    if (weighted(store_->contract_totals(c.contract->id, l), &Weights::outstanding) > Money{}) {
                        held.push_back(l);
                    }
                }
                if (held.empty()) {
                    refuse(std::string(to_string(p.kind)) + " on contract " + *p.contract +
                           ": it has no outstanding retention (0.00 元)");
                }
                if (held.size() > 1) {
                    throw Error(ErrorCode::invalid_input, "contract " + *p.contract +
                                                              " holds retentions at several levels; give --level");
                }
                e.level = held.front();
            }
            if (!e.level) {
                throw Error(ErrorCode::invalid_input, std::string(to_string(p.kind)) + " needs --level");
            }
            if (p.amount) {
                e.amount = *p.amount;
            } else if (p.kind == EntryKind::retention) {
                e.amount = c.contract->contract.amount.apply_ratio(c.contract->contract.retention_rate_bp, 10000);
                if (e.amount <= Money{}) {
                    throw Error(ErrorCode::invalid_input,
                                "contract " + *p.contract + " has no retention rate; give --amount");
                }
            } else {
                e.amount = weighted(store_->contract_totals(c.contract->id, *e.level), &Weights::outstanding);
                if (e.amount <= Money{}) {
                    refuse("release on contract " + *p.contract + ": it has no outstanding retention (0.00 元)");
                }
            }
            if (p.kind == EntryKind::retention) {
                e.accepted_on = p.accepted;
                e.warranty_months = p.warranty_months.value_or(c.contract->contract.warranty_months);
                if (*e.warranty_months < 0 || *e.warranty_months > 1200) {
                    throw Error(ErrorCode::invalid_input, "warranty months must lie between 0 and 1200");
                }
                e.due_on = add_months(*p.accepted, *e.warranty_months);
            }

            if (p.ref) {
                if (auto existing = store_->entry_by_ref(c.project_id, *p.ref)) {
                    if (same_content(*existing, e)) {
                        result = PostResult{*existing, false};
                        return;
                    }
                    refuse("voucher " + *p.ref + " on project " + p.project + " is already entry #" +
                           std::to_string(static_cast<std::int64_t>(existing->id)) + " (" +
                           describe(existing->kind, existing->amount) + " on " + to_string(existing->effective_on) +
                           ") with different content; use a new --ref");
                }
            }
            check_invariants(*store_, c);
            result.entry = append(*store_, std::move(c.entry), c.project_id,
                                  c.contract ? std::optional<std::int64_t>(c.contract->id) : std::nullopt,
                                  std::nullopt, std::nullopt);
        });
        return result;
    });
}

PostResult Ledger::reverse(EntryId id, const std::string& reason, const Actor& actor) {
    check_text("the reason", reason, 2000, true);
    return guarded([&] {
        PostResult result;
        store_->transaction([&] {
            const auto original = store_->entry(static_cast<std::int64_t>(id));
            const std::string name = "entry #" + std::to_string(static_cast<std::int64_t>(id));
            if (!original) {
                throw Error(ErrorCode::not_found, "no " + name + "; see 'fundflow log'");
            }
            if (original->kind == EntryKind::reversal) {
                refuse(name + " is itself a reversal and cannot be reversed; post the original again instead");
            }
            if (!is_money_kind(original->kind)) {
                refuse(name + " registers a " + std::string(to_string(original->kind)) + " and cannot be reversed");
            }
            if (const auto by = store_->reversal_of(static_cast<std::int64_t>(id))) {
                refuse(name + " was already reversed by entry #" + std::to_string(*by));
            }
            Candidate c;
            const auto project = store_->find_project(original->project);
            LEDGER_ASSERT(project.has_value());
            c.project_id = project->id;
            if (original->contract) {
                c.contract = store_->find_contract(project->id, *original->contract);
                LEDGER_ASSERT(c.contract.has_value());
            }
            Entry& e = c.entry;
            e = base_entry(EntryKind::reversal, original->project, actor);
            e.effect_kind = original->effect_kind;
            e.level = original->level;
            e.amount = -original->amount;
            e.effective_on = original->effective_on;
            e.contract = original->contract;
            e.memo = reason;
            e.reverses = id;
            check_invariants(*store_, c);
            result.entry = append(*store_, std::move(c.entry), c.project_id,
                                  c.contract ? std::optional<std::int64_t>(c.contract->id) : std::nullopt,
                                  std::nullopt, std::nullopt);
        });
        return result;
    });
}

Project Ledger::project(std::string_view code) const {
    return guarded([&] {
        const auto row = store_->find_project(code);
        if (!row) {
            throw Error(ErrorCode::not_found, "no project " + std::string(code) + "; see 'fundflow balance --by project'");
        }
        return row->project;
    });
}

ExecutionReport Ledger::execution_report(std::string_view code, int year, const ReadCut& cut) const {
    if (year < 1900 || year > 9999) {
        throw Error(ErrorCode::invalid_input, "'" + std::to_string(year) + "' is not a fiscal year like 2020");
    }
    return guarded([&] {
        const auto row = store_->find_project(code);
        if (!row) {
            throw Error(ErrorCode::not_found, "no project " + std::string(code) + "; see 'fundflow balance --by project'");
        }
        ExecutionReport report;
        report.project = row->project.code;
        report.project_name = row->project.name;
        report.year = year;
        report.as_of = std::min(cut.as_of, last_day_of(year));
        report.known_at = cut.known_at;
        for (const auto& sum : store_->sums(row->id, first_day_of(year), report.as_of, cut.known_at, false)) {
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
                default:
                    f.executed += times(sum.amount, weights_of(sum.kind).executed);
                    break;
            }
        }
        for (Level l : kLevels) {
            if (is_fiscal(l)) {
                report.fiscal_subtotal += report.level(l);
            }
            report.total += report.level(l);
        }
        for (const auto& sum : store_->sums(row->id, std::nullopt, report.as_of, cut.known_at, false)) {
            report.retention_outstanding += times(sum.amount, weights_of(sum.kind).outstanding);
        }
        return report;
    });
}

BalanceReport Ledger::balances(const std::optional<std::string>& code, BalanceBy by, const ReadCut& cut) const {
    return guarded([&] {
        std::optional<std::int64_t> project_id;
        if (code) {
            const auto row = store_->find_project(*code);
            if (!row) {
                throw Error(ErrorCode::not_found, "no project " + *code + "; see 'fundflow balance --by project'");
            }
            project_id = row->id;
        }
        BalanceReport report;
        report.as_of = cut.as_of;
        for (const auto& sum : store_->sums(project_id, std::nullopt, cut.as_of, cut.known_at, by == BalanceBy::contract)) {
            const std::optional<Level> level = by == BalanceBy::project ? std::nullopt : std::optional<Level>(sum.level);
            // Rows arrive ordered by project (and contract), so a new row starts when the key changes.
            if (report.rows.empty() || report.rows.back().project != sum.project || report.rows.back().level != level ||
                report.rows.back().contract != sum.contract) {
                report.rows.push_back(BalanceRow{sum.project, level, sum.contract, {}, {}, {}, {}});
            }
            BalanceRow& r = report.rows.back();
            const Weights w = weights_of(sum.kind);
            r.arrived += times(sum.amount, w.arrived);
            r.executed += times(sum.amount, w.executed);
            r.retention_outstanding += times(sum.amount, w.outstanding);
            if (sum.kind == EntryKind::recovery) {
                r.recovered += sum.amount;
            }
        }
        return report;
    });
}

std::vector<Entry> Ledger::log(const LogFilter& filter) const {
    return guarded([&] { return store_->log(filter); });
}

Entry Ledger::entry(EntryId id) const {
    return guarded([&] {
        auto e = store_->entry(static_cast<std::int64_t>(id));
        if (!e) {
            throw Error(ErrorCode::not_found,
                        "no entry #" + std::to_string(static_cast<std::int64_t>(id)) + "; see 'fundflow log'");
        }
        return *e;
    });
}

std::optional<EntryId> Ledger::reversed_by(EntryId id) const {
    return guarded([&]() -> std::optional<EntryId> {
        if (auto by = store_->reversal_of(static_cast<std::int64_t>(id))) {
            return EntryId{*by};
        }
        return std::nullopt;
    });
}

Digest Ledger::digest() const {
    return guarded([&] {
        const auto head = store_->head();
        return Digest{head.entries, head.hash};
    });
}

VerifyResult Ledger::verify(std::optional<std::string_view> digest) const {
    // A digest is "HEX" or "N:HEX" (as 'fundflow digest' prints it).
    std::optional<std::int64_t> digest_entries;
    std::string digest_hash;
    if (digest) {
        std::string_view text = *digest;
        if (const auto colon = text.find(':'); colon != std::string_view::npos) {
            const std::string count(text.substr(0, colon));
            if (count.empty() || count.find_first_not_of("0123456789") != std::string::npos || count.size() > 18) {
                throw Error(ErrorCode::invalid_input, "'" + std::string(*digest) + "' is not a digest like 7:5f3a…");
            }
            digest_entries = std::stoll(count);
            text = text.substr(colon + 1);
        }
        digest_hash = std::string(text);
        std::transform(digest_hash.begin(), digest_hash.end(), digest_hash.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        if (!detail::is_hex_hash(digest_hash)) {
            throw Error(ErrorCode::invalid_input, "'" + std::string(*digest) +
                                                      "' is not a digest: expected the 64 hex digits 'fundflow digest' "
                                                      "printed, optionally after 'N:'");
        }
    }
    return guarded([&] {
        VerifyResult result;
        result.digest = Digest{0, std::string(detail::kGenesisHash)};
        bool digest_found = digest && digest_hash == detail::kGenesisHash && digest_entries.value_or(0) == 0;
        const auto fail = [&](std::optional<EntryId> id, std::string problem) {
            result.ok = false;
            result.first_bad = id;
            result.problem = std::move(problem);
        };
        try {
            store_->for_each_chain_record([&](const ChainRecord& r) {
                const std::int64_t id = static_cast<std::int64_t>(r.entry.id);
                const std::int64_t expected = result.digest.entries + 1;
                if (id != expected) {
                    fail(EntryId{expected}, "entry #" + std::to_string(expected) +
                                                " is missing: ids jump to #" + std::to_string(id));
                    return false;
                }
                if (r.entry.prev_hash != result.digest.head) {
                    fail(r.entry.id, "entry #" + std::to_string(id) +
                                         " does not follow the entry before it (its prev_hash differs)");
                    return false;
                }
                const std::string computed = detail::chain_hash(
                    r.entry.prev_hash, detail::canonical_encoding(r.entry, r.project_record, r.contract_record));
                if (computed != r.entry.hash) {
                    fail(r.entry.id, "entry #" + std::to_string(id) +
                                         " was altered: its contents no longer match its hash");
                    return false;
                }
                result.digest = Digest{id, r.entry.hash};
                if (digest && r.entry.hash == digest_hash && digest_entries.value_or(id) == id) {
                    digest_found = true;
                }
                return true;
            });
        } catch (const Error& e) {
            if (e.code() != ErrorCode::integrity) {
                throw;
            }
            fail(EntryId{result.digest.entries + 1}, e.what());
        }
        if (!result.ok) {
            return result;
        }
        for (const auto& problem : store_->unregistered_records()) {
            fail(std::nullopt, problem);
            return result;
        }
        for (const auto& problem : store_->derived_totals_problems()) {
            fail(std::nullopt, problem + " (the file was edited outside fundflow)");
            return result;
        }
        if (digest && !digest_found) {
            fail(std::nullopt, "the ledger does not extend the digest " +
                                   (digest_entries ? std::to_string(*digest_entries) + ":" : std::string()) +
                                   digest_hash.substr(0, 16) +
                                   "…: entries it covered were removed or rewritten, or an older copy was restored");
        }
        return result;
    });
}

}  // namespace ledger
