#include "workload.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace fundflow_bench {
namespace {

using ledger::Date;
using ledger::EntryKind;
using ledger::Money;

constexpr std::int64_t kFenPerYuan = 100;
// A level's initial budget per year is sized so that the expected payments of its share of the
// steps roughly exhaust it (mean payment ≈ 324,000 元, see random_payment); shortfalls are covered by
// early arrivals and budget adjustments, as in real life.
constexpr std::int64_t kBudgetPerStepFen = 300000 * kFenPerYuan;

constexpr std::array<const char*, 6> kSuppliers{"县建筑工程有限公司", "市广电网络股份有限公司", "省信息技术有限公司",
                                                "县融媒体设备供应站", "华东系统集成有限公司", "县道路养护中心"};

std::string zero_padded(std::int64_t value, std::size_t width) {
    std::string digits = std::to_string(value);
    if (digits.size() < width) {
        digits.insert(0, width - digits.size(), '0');
    }
    return digits;
}

date::sys_days day_number(Date day) { return date::sys_days{day}; }

}  // namespace

std::uint64_t Random::next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31U);
}

std::int64_t Random::between(std::int64_t low, std::int64_t high) {
    if (high < low) {
        throw std::logic_error("Random::between: empty range");
    }
    const auto span = static_cast<std::uint64_t>(high - low) + 1U;
    return low + static_cast<std::int64_t>(next() % span);
}

Workload::Workload(Shape shape, ledger::Actor actor)
    : shape_(std::move(shape)), actor_(std::move(actor)), random_(shape_.seed) {
    if (shape_.projects < 1 || shape_.levels.empty() || shape_.years < 1 || shape_.first_year < 1901 ||
        shape_.first_year + shape_.years > 9999) {
        throw std::invalid_argument("the workload needs at least one project, level and year");
    }
    const std::int64_t streams = static_cast<std::int64_t>(shape_.projects) *
                                 static_cast<std::int64_t>(shape_.levels.size());
    const std::int64_t per_level_year = shape_.entries / (streams * shape_.years);
    if (per_level_year < 20) {
        throw std::invalid_argument("too few entries (" + std::to_string(shape_.entries) + ") for " +
                                    std::to_string(streams) + " project levels over " + std::to_string(shape_.years) +
                                    " years: give at least 20 per level and year");
    }
    total_days_ = (day_number(ledger::last_day_of(shape_.first_year + shape_.years - 1)) -
                   day_number(ledger::first_day_of(shape_.first_year)))
                      .count() +
                  1;
    year_budget_fen_ = per_level_year * kBudgetPerStepFen;
    figures_.resize(static_cast<std::size_t>(streams * shape_.years));
    active_.resize(static_cast<std::size_t>(streams));
    vouchers_.resize(static_cast<std::size_t>(shape_.projects));
    contracts_registered_.resize(static_cast<std::size_t>(shape_.projects));
}

std::string Workload::project_code(int project) const { return "XM" + zero_padded(project + 1, 3); }

std::size_t Workload::stream(int project, std::size_t level_index) const {
    return static_cast<std::size_t>(project) * shape_.levels.size() + level_index;
}

std::size_t Workload::figures_index(int project, std::size_t level_index, int year) const {
    if (year < shape_.first_year || year >= shape_.first_year + shape_.years) {
        throw std::out_of_range("year " + std::to_string(year) + " is outside the workload");
    }
    const auto year_index = static_cast<std::size_t>(year - shape_.first_year);
    return year_index * active_.size() + stream(project, level_index);
}

Figures& Workload::figures_mutable(int project, std::size_t level_index, int year) {
    return figures_.at(figures_index(project, level_index, year));
}

const Figures& Workload::figures(int project, std::size_t level_index, int year) const {
    return figures_.at(figures_index(project, level_index, year));
}

Money Workload::retention_outstanding(int project) const {
    Money total;
    for (const auto& c : contracts_) {
        if (c.project == project) {
            total += c.outstanding;
        }
    }
    return total;
}

Date Workload::date_of(std::int64_t step) const {
    const std::int64_t day = step * total_days_ / shape_.entries;
    return Date{day_number(ledger::first_day_of(shape_.first_year)) + date::days{day}};
}

std::int64_t Workload::steps_left_in_year(std::int64_t step) const {
    const int year = ledger::year_of(date_of(step));
    // Steps of day index d are those with step × total_days / entries == d; the next year starts at
    // the first step whose day index reaches first_day(year + 1).
    const std::int64_t next_year_day =
        (day_number(ledger::last_day_of(year)) - day_number(ledger::first_day_of(shape_.first_year))).count() + 1;
    const std::int64_t next_year_step = (next_year_day * shape_.entries + total_days_ - 1) / total_days_;
    return std::min(next_year_step, shape_.entries) - step;
}

std::int64_t Workload::pending_steps() const {
    std::int64_t steps = 0;
    for (const auto& r : releases_) {
        steps += contracts_[r.contract].forfeit_planned ? 2 : 1;
    }
    return steps;
}

Money Workload::random_payment() {
    const std::int64_t band = random_.between(0, 999);
    if (band < 700) {
        return Money::from_fen(random_.between(5000 * kFenPerYuan, 100000 * kFenPerYuan));
    }
    if (band < 950) {
        return Money::from_fen(random_.between(100000 * kFenPerYuan, 1000000 * kFenPerYuan));
    }
    return Money::from_fen(random_.between(1000000 * kFenPerYuan, 5000000 * kFenPerYuan));
}

std::string Workload::next_ref(int project, int year) {
    auto& last = vouchers_[static_cast<std::size_t>(project)];
    ++last;
    std::string ref = "V";
    ref += std::to_string(year);
    ref += '-';
    ref += zero_padded(last, 7);
    return ref;
}

void Workload::wrote(EntryKind kind) {
    ++counts_[static_cast<std::size_t>(kind)];
    ++written_;
    last_kind_ = kind;
}

void Workload::post(ledger::Ledger& ledger, const ledger::Posting& posting) {
    ledger.post(posting, actor_);
    wrote(posting.kind);
}

EntryKind Workload::step(ledger::Ledger& ledger) {
    if (done()) {
        throw std::logic_error("the workload has written all its entries");
    }
    const Date date = date_of(written_);
    const std::int64_t before = written_;

    const int registered = static_cast<int>(counts_[static_cast<std::size_t>(EntryKind::project)]);
    if (registered < shape_.projects) {
        const ledger::Project project{project_code(registered), "县融媒体中心建设项目（第" + std::to_string(registered + 1) + "期）",
                                      "县融媒体中心", "2070899"};
        ledger.add_project(project, actor_, date);
        wrote(EntryKind::project);
        return last_kind_;
    }

    const int year = ledger::year_of(date);
    const int quarter = static_cast<int>((static_cast<unsigned>(date.month()) - 1U) / 3U) + 1;
    if (year != opened_year_ || quarter != opened_quarter_) {
        const bool new_year = year != opened_year_;
        opened_year_ = year;
        opened_quarter_ = quarter;
        for (int p = 0; p < shape_.projects; ++p) {
            for (std::size_t l = 0; l < shape_.levels.size(); ++l) {
                if (new_year) {
                    agenda_.push_back(Opening{p, l, false});
                }
                agenda_.push_back(Opening{p, l, true});
            }
        }
    }

    if (!releases_.empty() && pending_steps() >= steps_left_in_year(written_)) {
        // The year is ending: settle the deposits withheld in it.
        release_next(ledger, date);
    }
    while (written_ == before && !agenda_.empty()) {
        const Opening opening = agenda_.front();
        agenda_.pop_front();
        open_level(ledger, opening, date);
    }
    if (written_ == before && !releases_.empty() && releases_.front().due_step <= written_) {
        release_next(ledger, date);
    }
    if (written_ == before) {
        random_posting(ledger, date);
    }
    if (written_ != before + 1) {
        throw std::logic_error("the workload wrote " + std::to_string(written_ - before) + " entries in one step");
    }
    return last_kind_;
}

bool Workload::open_level(ledger::Ledger& ledger, const Opening& opening, Date date) {
    const int year = ledger::year_of(date);
    Figures& f = figures_mutable(opening.project, opening.level_index, year);
    ledger::Posting p;
    p.project = project_code(opening.project);
    p.level = shape_.levels[opening.level_index];
    p.date = date;
    p.ref = next_ref(opening.project, year);
    if (!opening.quarterly) {
        if (f.initial_budget != Money{}) {
            return false;
        }
        const Money amount = Money::from_fen(year_budget_fen_);
        p.kind = EntryKind::appropriation;
        p.amount = amount;
        p.memo = "年初预算批复";
        post(ledger, p);
        f.initial_budget += amount;
        f.full_year_budget += amount;
        return true;
    }
    // Each quarter (the first included) a quarter of the initial budget arrives, unless early
    // arrivals already brought the level to its full-year budget.
    const Money amount = std::min(Money::from_fen(f.initial_budget.fen() / 4), f.full_year_budget - f.arrived);
    if (amount <= Money{}) {
        return false;
    }
    p.kind = EntryKind::arrival;
    p.amount = amount;
    p.memo = "资金到位";
    post(ledger, p);
    f.arrived += amount;
    f.free += amount;
    return true;
}

// Brings money to a level that cannot pay `need`: an early arrival while the budget allows one, else
// a budget adjustment (追加预算) that the next arrival can draw on.
void Workload::fund(ledger::Ledger& ledger, int project, std::size_t level_index, Date date, Money need) {
    const int year = ledger::year_of(date);
    Figures& f = figures_mutable(project, level_index, year);
    ledger::Posting p;
    p.project = project_code(project);
    p.level = shape_.levels[level_index];
    p.date = date;
    p.ref = next_ref(project, year);
    const Money quarter_budget = Money::from_fen(std::max(f.initial_budget.fen() / 4, year_budget_fen_ / 4));
    if (f.initial_budget == Money{}) {
        p.kind = EntryKind::appropriation;
        p.amount = Money::from_fen(year_budget_fen_);
        p.memo = "年初预算批复";
        post(ledger, p);
        f.initial_budget += *p.amount;
        f.full_year_budget += *p.amount;
    } else if (f.arrived < f.full_year_budget) {
        p.kind = EntryKind::arrival;
        p.amount = std::min(f.full_year_budget - f.arrived, std::max(quarter_budget, need - f.free));
        p.memo = "资金提前到位";
        post(ledger, p);
        f.arrived += *p.amount;
        f.free += *p.amount;
    } else {
        p.kind = EntryKind::adjustment;
        p.amount = std::max(quarter_budget, need);
        p.memo = "追加预算";
        post(ledger, p);
        f.full_year_budget += *p.amount;
    }
}

void Workload::release_next(ledger::Ledger& ledger, Date date) {
    const PendingRelease pending = releases_.front();
    ContractState& c = contracts_[pending.contract];
    const int year = ledger::year_of(date);
    Figures& f = figures_mutable(c.project, c.level_index, year);
    ledger::Posting p;
    p.project = project_code(c.project);
    p.contract = c.code;
    p.date = date;
    p.ref = next_ref(c.project, year);
    if (c.forfeit_planned) {
        // A defect found in the warranty: a fifth of the deposit is kept, the rest released later.
        const Money amount = Money::from_fen(c.outstanding.fen() / 5);
        p.kind = EntryKind::forfeit;
        p.level = shape_.levels[c.level_index];
        p.amount = amount;
        p.memo = "质保金扣除（维修费）";
        post(ledger, p);
        c.outstanding -= amount;
        f.free += amount;
        c.forfeit_planned = false;
        return;
    }
    // Level and amount left out: the library takes the level the deposit was withheld from, and
    // releases all of it.
    p.kind = EntryKind::release;
    p.memo = "质保金支付";
    post(ledger, p);
    f.executed += c.outstanding;
    c.outstanding = Money{};
    releases_.pop_front();
}

void Workload::random_posting(ledger::Ledger& ledger, Date date) {
    const int year = ledger::year_of(date);
    const auto project = static_cast<int>(random_.between(0, shape_.projects - 1));
    const auto level_index =
        static_cast<std::size_t>(random_.between(0, static_cast<std::int64_t>(shape_.levels.size()) - 1));
    Figures& f = figures_mutable(project, level_index, year);
    ledger::Posting p;
    p.project = project_code(project);
    p.level = shape_.levels[level_index];
    p.date = date;

    const std::int64_t roll = random_.between(0, 999);
    if (roll < 40) {
        // A supplier returns an overpayment (支付退回).
        const Money most = std::min(f.executed, Money::from_fen(20000 * kFenPerYuan));
        if (most >= Money::from_fen(100 * kFenPerYuan)) {
            p.kind = EntryKind::refund;
            p.amount = Money::from_fen(random_.between(100 * kFenPerYuan, most.fen()));
            p.ref = next_ref(project, year);
            p.memo = "支付退回";
            post(ledger, p);
            f.executed -= *p.amount;
            f.free += *p.amount;
            return;
        }
    } else if (roll < 50) {
        p.kind = EntryKind::adjustment;
        p.amount = Money::from_fen(std::max(f.initial_budget.fen() / 20, std::int64_t{100} * kFenPerYuan));
        p.ref = next_ref(project, year);
        p.memo = "预算追加";
        post(ledger, p);
        f.full_year_budget += *p.amount;
        return;
    } else if (roll < 56) {
        const Money amount = Money::from_fen(random_.between(1000 * kFenPerYuan, 50000 * kFenPerYuan));
        if (f.free >= amount) {
            p.kind = EntryKind::recovery;
            p.amount = amount;
            p.ref = next_ref(project, year);
            p.memo = "结余资金收回";
            post(ledger, p);
            f.free -= amount;
            f.recovered += amount;
            return;
        }
    }

    Money amount = random_payment();
    if (!random_.chance_per_mille(800)) {
        pay(ledger, project, level_index, date, std::nullopt, amount);
        return;
    }
    auto& slot = active_[stream(project, level_index)][static_cast<std::size_t>(random_.between(0, 1))];
    if (!slot) {
        auto& number = contracts_registered_[static_cast<std::size_t>(project)];
        ++number;
        ledger::Contract contract;
        contract.project = project_code(project);
        contract.code = "HT" + std::to_string(year) + "-" + zero_padded(project + 1, 3) + "-" + zero_padded(number, 4);
        contract.supplier = kSuppliers[static_cast<std::size_t>(random_.between(0, static_cast<std::int64_t>(kSuppliers.size()) - 1))];
        contract.amount = Money::from_fen(random_.between(2000000, 20000000) * kFenPerYuan);
        contract.retention_rate_bp = random_.chance_per_mille(500) ? 500 : 300;
        contract.warranty_months = random_.chance_per_mille(500) ? 12 : 24;
        contract.sme = random_.chance_per_mille(600);
        ledger.add_contract(contract, actor_, date);
        wrote(EntryKind::contract);
        const Money retention = contract.amount.apply_ratio(contract.retention_rate_bp, 10000);
        contracts_.push_back(ContractState{project, level_index, contract.code, contract.amount,
                                           contract.amount - retention, Money{}, Money{}, false});
        slot = contracts_.size() - 1;
        return;
    }
    ContractState& c = contracts_[*slot];
    if (c.committed < c.cap) {
        pay(ledger, project, level_index, date, *slot, std::min(amount, c.cap - c.committed));
        return;
    }
    // The works are accepted: withhold the deposit, unless the year is too close to its end to
    // release it within the year; then the payment goes without a contract.
    const std::int64_t room = steps_left_in_year(written_) - pending_steps() - static_cast<std::int64_t>(agenda_.size());
    if (room < 8) {
        pay(ledger, project, level_index, date, std::nullopt, amount);
        return;
    }
    const Money retention = c.amount - c.cap;
    if (f.free < retention) {
        fund(ledger, project, level_index, date, retention);
        return;
    }
    p.kind = EntryKind::retention;
    p.contract = c.code;
    p.accepted = date;  // amount and warranty come from the contract
    p.ref = next_ref(project, year);
    p.memo = "质保金预留";
    post(ledger, p);
    f.free -= retention;
    c.committed += retention;
    c.outstanding += retention;
    c.forfeit_planned = random_.chance_per_mille(125);
    // Released about two weeks later; step() settles what is still pending before the year ends.
    releases_.push_back(PendingRelease{*slot, written_ + shape_.entries / (std::int64_t{26} * shape_.years) + 1});
    slot.reset();
}

void Workload::pay(ledger::Ledger& ledger, int project, std::size_t level_index, Date date,
                   std::optional<std::size_t> contract, Money amount) {
    const int year = ledger::year_of(date);
    Figures& f = figures_mutable(project, level_index, year);
    if (f.free < amount) {
        fund(ledger, project, level_index, date, amount);
        return;
    }
    ledger::Posting p;
    p.kind = EntryKind::payment;
    p.project = project_code(project);
    p.level = shape_.levels[level_index];
    p.amount = amount;
    p.date = date;
    p.ref = next_ref(project, year);
    if (contract) {
        ContractState& c = contracts_[*contract];
        p.contract = c.code;
        p.memo = "合同进度款";
        post(ledger, p);
        c.committed += amount;
    } else {
        p.memo = "零星支出";
        post(ledger, p);
    }
    f.executed += amount;
    f.free -= amount;
}

}  // namespace fundflow_bench
