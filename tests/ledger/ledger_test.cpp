// Tests of ledger/ledger.hpp: the engine on real SQLite files in a temporary directory (or PostgreSQL
// databases, test_db.hpp).
//
// The seed of domain.md §7 gives the exact execution form; each entry kind moves only its own rows;
// every rule of domain.md §4 refuses with Error{rejected} and leaves the file byte-identical; ids
// and hashes form a gapless chain that verify() recomputes, and that a digest kept outside the file
// pins down; edits made behind the library's back (with the SQLite C API, or as the database's owner
// on PostgreSQL: run_sql.hpp) are refused by triggers or caught by verify.
#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "error_matchers.hpp"
#include "run_sql.hpp"
#include "temp_dir.hpp"
#include "ledger/ledger.hpp"


namespace {

using namespace ledger;
namespace fs = std::filesystem;

// -------------------------------------------------------------------------------------------------
// Helpers

using ledger_test::HasCode;

const Actor kActor{"会计张三", "tester"};
const std::string kGenesis(64, '0');

Date ymd(std::string_view text) { return parse_date(text); }
EntryId id(std::int64_t value) { return EntryId{value}; }

// A fresh directory per test, removed with everything in it at the end. The name carries the
// process id, a counter and random digits, so tests that ctest runs in parallel never share a file.
using ledger_test::TempDir;

// A new ledger file, optionally filled by `setup` through a Ledger that is closed again before the
// test goes on (closing checkpoints the WAL into the file, so its bytes are the whole state).
struct Books {
    TempDir dir;
    std::string path;
    explicit Books(const std::function<void(Ledger&)>& setup = {}) : path(dir.ledger("books.db")) {
        Ledger::create(path);
        if (setup) {
            Ledger ledger = open();
            setup(ledger);
        }
    }
    Ledger open(Ledger::Mode mode = Ledger::Mode::read_write) const {
        return Ledger::open(path, mode);
    }
};

using ledger_test::file_bytes;
using ledger_test::ledger_bytes;

// The bytes of a ledger file and of its WAL (empty when absent); on PostgreSQL the database's rows.
std::pair<std::string, std::string> file_state(const std::string& path) {
    return {ledger_bytes(path), ledger_test::wal_bytes(path)};
}

LogFilter everything() {
    LogFilter filter;
    filter.cut.as_of = ymd("9999-12-31");
    return filter;
}

ReadCut as_of(std::string_view text) { return ReadCut{ymd(text), std::nullopt}; }

// Opens the closed ledger at `path`, runs `attempt` (which makes its own assertions about how it
// fails) and checks that it left no trace: same digest, entry count and clean chain while open, and
// the same bytes on disk once closed again.
void attempt_leaves_no_trace(const std::string& path, const std::function<void(Ledger&)>& attempt) {
    const auto file_before = file_state(path);
    {
        Ledger ledger = Ledger::open(path, Ledger::Mode::read_write);
        const Digest before = ledger.digest();
        attempt(ledger);
        const Digest after = ledger.digest();
        CHECK(after.entries == before.entries);
        CHECK(after.head == before.head);
        CHECK(ledger.log(everything()).size() == static_cast<std::size_t>(before.entries));
        CHECK(ledger.verify().ok);
    }
    const bool same_bytes = file_state(path) == file_before;
    INFO("the ledger file must be byte-identical after a refused call");
    CHECK(same_bytes);
}

void require_refused_without_trace(const std::string& path, ErrorCode code,
                                   const std::function<void(Ledger&)>& attempt) {
    attempt_leaves_no_trace(
        path, [&](Ledger& ledger) { CHECK_THROWS_MATCHES(attempt(ledger), Error, HasCode(code)); });
}

using ledger_test::run_sql;
using ledger_test::tamper;

// -------------------------------------------------------------------------------------------------
// Postings

Posting posting(EntryKind kind, std::string_view amount, std::string_view date,
                Level level = Level::county) {
    Posting p;
    p.kind = kind;
    p.project = "P1";
    p.level = level;
    p.amount = Money::parse(amount);
    p.date = ymd(date);
    return p;
}

Posting on_contract(std::string contract, Posting p) {
    p.contract = std::move(contract);
    return p;
}

// A retention of the contract's default amount (rate × contract amount) at county level.
Posting retention(std::string contract, std::string_view date, std::string_view accepted) {
    Posting p;
    p.kind = EntryKind::retention;
    p.project = "P1";
    p.level = Level::county;
    p.contract = std::move(contract);
    p.date = ymd(date);
    p.accepted = ymd(accepted);
    return p;
}

// A release of everything the contract still holds, from the level it was withheld at.
Posting release_all(std::string contract, std::string_view date) {
    Posting p;
    p.kind = EntryKind::release;
    p.project = "P1";
    p.contract = std::move(contract);
    p.date = ymd(date);
    return p;
}

Contract contract(std::string code, std::string_view amount, std::int64_t rate_bp,
                  int warranty_months) {
    return Contract{
        "P1", std::move(code), "某科技有限公司", Money::parse(amount), rate_bp, warranty_months,
        true};
}

void add_project(Ledger& ledger) {
    ledger.add_project(Project{"P1", "县级融媒体中心建设项目", "某县融媒体中心", "2070199"},
                       kActor);
}

// domain.md §7 as entries #1–#6, all at county level in 2020: project, contract C1 of 1,259,500.00
// with 5 % retention and 24 months of warranty, appropriation, arrival, payment 1,196,525.00,
// retention.
void post_seed(Ledger& ledger) {
    add_project(ledger);
    ledger.add_contract(contract("C1", "1,259,500.00", 500, 24), kActor);
    ledger.post(posting(EntryKind::appropriation, "1,259,500.00", "2020-01-15"), kActor);
    ledger.post(posting(EntryKind::arrival, "125.95万", "2020-03-01"), kActor);
    ledger.post(on_contract("C1", posting(EntryKind::payment, "1,196,525.00", "2020-11-30")),
                kActor);
    ledger.post(retention("C1", "2020-11-30", "2020-11-20"), kActor);
}

// Entries #1–#3 of a small case: project P1, 1,000.00 appropriated and arrived at county level in
// 2021, so the free balance is 1,000.00.
void post_small(Ledger& ledger) {
    add_project(ledger);
    ledger.post(posting(EntryKind::appropriation, "1,000.00", "2021-01-10"), kActor);
    ledger.post(posting(EntryKind::arrival, "1,000.00", "2021-02-01"), kActor);
}

// -------------------------------------------------------------------------------------------------
// Reading the figures back

void check_figures(const ExecutionFigures& f, std::int64_t initial, std::int64_t full_year,
                   std::int64_t arrived, std::int64_t executed) {
    CHECK(f.initial_budget.fen() == initial);
    CHECK(f.full_year_budget.fen() == full_year);
    CHECK(f.arrived.fen() == arrived);
    CHECK(f.executed.fen() == executed);
    CHECK(f.balance().fen() == arrived - executed);
}

std::string figures_text(const ExecutionFigures& f) {
    std::ostringstream out;
    out << f.initial_budget.fen() << ' ' << f.full_year_budget.fen() << ' ' << f.arrived.fen()
        << ' ' << f.executed.fen();
    return out.str();
}

// Rows (1)–(5) of every column of the form, one line each.
std::string form_text(const ExecutionReport& report) {
    std::ostringstream out;
    for (Level level : kLevels) {
        out << to_string(level) << ": " << figures_text(report.level(level)) << '\n';
    }
    out << "subtotal: " << figures_text(report.fiscal_subtotal) << '\n';
    out << "total: " << figures_text(report.total) << '\n';
    return out.str();
}

// Everything a reader sees of project P1 in one year: the form, the outstanding retention and the
// balances by level and by contract.
std::string state_text(const Ledger& ledger, int year) {
    const ReadCut cut{last_day_of(year), std::nullopt};
    const ExecutionReport report = ledger.execution_report("P1", year, cut);
    std::ostringstream out;
    out << form_text(report) << "retention outstanding: " << report.retention_outstanding.fen()
        << '\n';
    for (BalanceBy by : {BalanceBy::level, BalanceBy::contract}) {
        for (const BalanceRow& row : ledger.balances(std::string("P1"), by, cut).rows) {
            if (row.arrived == Money{} && row.executed == Money{} &&
                row.retention_outstanding == Money{} && row.recovered == Money{}) {
                continue;  // a contract whose entries cancel out shows as a row of zeros
            }
            out << row.project << ' ' << (row.level ? to_string(*row.level) : "-") << ' '
                << row.contract.value_or("-") << ": arrived " << row.arrived.fen() << " executed "
                << row.executed.fen() << " retained " << row.retention_outstanding.fen()
                << " recovered " << row.recovered.fen() << '\n';
        }
    }
    return out.str();
}

// The level row of P1 in the balances as of a date.
BalanceRow level_row(const Ledger& ledger, Level level, std::string_view date) {
    for (const BalanceRow& row :
         ledger.balances(std::string("P1"), BalanceBy::level, as_of(date)).rows) {
        if (row.level == level) {
            return row;
        }
    }
    return BalanceRow{"P1", level, std::nullopt, {}, {}, {}, {}};
}

bool is_lower_hex_64(const std::string& text) {
    return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](char c) {
        return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    });
    return text;
}

}  // namespace

// =================================================================================================
// The seed and the form

TEST_CASE("The seed case of domain.md gives the exact execution form", "[ledger]") {
    Books books(post_seed);
    const Ledger ledger = books.open(Ledger::Mode::read_only);
    const ExecutionReport report = ledger.execution_report("P1", 2020, as_of("2020-12-31"));

    CHECK(report.project == "P1");
    CHECK(report.project_name == "县级融媒体中心建设项目");
    CHECK(report.year == 2020);
    CHECK(report.as_of == ymd("2020-12-31"));
    CHECK(report.retention_outstanding.fen() == 6297500);

    // 县区级, 财政资金小计 and 年度总金额 are equal.
    for (const ExecutionFigures* figures :
         {&report.level(Level::county), &report.fiscal_subtotal, &report.total}) {
        check_figures(*figures, 125950000, 125950000, 125950000, 119652500);
        CHECK(figures->balance().fen() == 6297500);
        CHECK(figures->arrival_rate().percent_hundredths() == std::optional<std::int64_t>{10000});
        CHECK(figures->execution_rate().percent_hundredths() == std::optional<std::int64_t>{9500});
        // As printed in 万元: (2) 125.95, (1) 125.95, (3) 125.95, (4) 119.65, (5) 6.30, (6) 100.00,
        // (7) 95.00.
        CHECK(format_wan(figures->full_year_budget) == "125.95");
        CHECK(format_wan(figures->initial_budget) == "125.95");
        CHECK(format_wan(figures->arrived) == "125.95");
        CHECK(format_wan(figures->executed) == "119.65");
        CHECK(format_wan(figures->balance()) == "6.30");
        CHECK(format_percent(figures->arrival_rate()) == "100.00");
        CHECK(format_percent(figures->execution_rate()) == "95.00");
    }
    for (Level level : kLevels) {
        if (level == Level::county) {
            continue;
        }
        CAPTURE(to_string(level));
        check_figures(report.level(level), 0, 0, 0, 0);
        CHECK_FALSE(report.level(level).arrival_rate().defined());
        CHECK_FALSE(report.level(level).execution_rate().defined());
        CHECK(format_percent(report.level(level).execution_rate()) == "-");
    }
}

TEST_CASE("A report of a past year is cut at the year's end and a later year starts empty",
          "[ledger]") {
    Books books(post_seed);
    const Ledger ledger = books.open(Ledger::Mode::read_only);
    const ExecutionReport report = ledger.execution_report("P1", 2020, as_of("2023-06-30"));
    CHECK(report.as_of == ymd("2020-12-31"));
    check_figures(report.total, 125950000, 125950000, 125950000, 119652500);

    const ExecutionReport before_payment = ledger.execution_report("P1", 2020, as_of("2020-11-29"));
    CHECK(before_payment.as_of == ymd("2020-11-29"));
    check_figures(before_payment.total, 125950000, 125950000, 125950000, 0);
    CHECK(before_payment.retention_outstanding.fen() == 0);

    const ExecutionReport next_year = ledger.execution_report("P1", 2021, as_of("2021-12-31"));
    check_figures(next_year.level(Level::county), 0, 0, 0, 0);
}

TEST_CASE("A report known at an earlier instant leaves out entries recorded after it", "[ledger]") {
    Books books;
    Instant known_at{};
    {
        Ledger ledger = books.open();
        add_project(ledger);
        ledger.post(posting(EntryKind::appropriation, "1,000.00", "2021-01-10"), kActor);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        known_at = now_utc();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        ledger.post(posting(EntryKind::arrival, "600.00", "2021-01-10"), kActor);
    }
    const Ledger ledger = books.open(Ledger::Mode::read_only);
    const ExecutionReport then =
        ledger.execution_report("P1", 2021, ReadCut{ymd("2021-12-31"), known_at});
    check_figures(then.level(Level::county), 100000, 100000, 0, 0);
    const ExecutionReport now = ledger.execution_report("P1", 2021, as_of("2021-12-31"));
    check_figures(now.level(Level::county), 100000, 100000, 60000, 0);
}

TEST_CASE("Balances show arrived executed outstanding retention and free balance", "[ledger]") {
    Books books(post_seed);
    const Ledger ledger = books.open(Ledger::Mode::read_only);

    const BalanceRow county = level_row(ledger, Level::county, "2020-12-31");
    CHECK(county.arrived.fen() == 125950000);
    CHECK(county.executed.fen() == 119652500);
    CHECK(county.retention_outstanding.fen() == 6297500);
    CHECK(county.recovered.fen() == 0);
    CHECK(county.balance().fen() == 6297500);
    CHECK(county.free_balance().fen() == 0);

    const BalanceReport by_contract =
        ledger.balances(std::string("P1"), BalanceBy::contract, as_of("2020-12-31"));
    REQUIRE(by_contract.rows.size() == 1);
    CHECK(by_contract.rows[0].contract == std::optional<std::string>{"C1"});
    CHECK(by_contract.rows[0].executed.fen() == 119652500);
    CHECK(by_contract.rows[0].retention_outstanding.fen() == 6297500);

    const BalanceReport by_project =
        ledger.balances(std::nullopt, BalanceBy::project, as_of("2020-12-31"));
    REQUIRE(by_project.rows.size() == 1);
    CHECK(by_project.rows[0].project == "P1");
    CHECK_FALSE(by_project.rows[0].level.has_value());
    CHECK(by_project.rows[0].arrived.fen() == 125950000);
    CHECK(by_project.rows[0].free_balance().fen() == 0);
}

// =================================================================================================
// Retention defaults

TEST_CASE("A retention defaults to rate times contract amount and falls due after the warranty",
          "[ledger]") {
    Books books(post_seed);
    const Ledger ledger = books.open(Ledger::Mode::read_only);
    const Entry retained = ledger.entry(id(6));
    CHECK(retained.kind == EntryKind::retention);
    CHECK(retained.amount.fen() == 6297500);  // 5 % of 1,259,500.00 = 62,975.00
    CHECK(retained.level == std::optional<Level>{Level::county});
    CHECK(retained.contract == std::optional<std::string>{"C1"});
    REQUIRE(retained.accepted_on.has_value());
    CHECK(to_string(*retained.accepted_on) == "2020-11-20");
    CHECK(retained.warranty_months == std::optional<int>{24});
    REQUIRE(retained.due_on.has_value());
    CHECK(to_string(*retained.due_on) == "2022-11-20");
}

TEST_CASE("A retention due date is clamped to the end of the month", "[ledger]") {
    const auto [accepted, months_override, due] =
        GENERATE(table<std::string_view, std::optional<int>, std::string_view>({
            {"2020-02-29", 12, "2021-02-28"},
            {"2020-08-31", std::nullopt, "2021-02-28"},  // the contract's 6 months
            {"2021-01-31", 1, "2021-02-28"},
        }));
    CAPTURE(accepted, months_override);
    Books books([](Ledger& ledger) {
        post_small(ledger);
        ledger.add_contract(contract("C2", "500.00", 500, 6), kActor);
    });
    Ledger ledger = books.open();
    Posting p = retention("C2", "2021-03-01", accepted);
    p.warranty_months = months_override;
    const Entry retained = ledger.post(p, kActor).entry;
    CHECK(retained.amount.fen() == 2500);
    CHECK(retained.warranty_months == std::optional<int>{months_override.value_or(6)});
    REQUIRE(retained.due_on.has_value());
    CHECK(to_string(*retained.due_on) == due);
    CHECK(ledger.entry(retained.id).due_on == retained.due_on);
}

TEST_CASE("A default retention rounds rate times amount half away from zero", "[ledger]") {
    Books books([](Ledger& ledger) {
        post_small(ledger);
        ledger.add_contract(contract("C2", "333.33", 500, 12), kActor);
    });
    Ledger ledger = books.open();
    // 5 % of 333.33 = 16.6665 → 16.67.
    CHECK(ledger.post(retention("C2", "2021-03-01", "2021-03-01"), kActor).entry.amount.fen() ==
          1667);
}

// =================================================================================================
// What each kind does to the form

TEST_CASE("An adjustment changes only the full-year budget", "[ledger]") {
    SECTION("an increase") {
        Books books(post_seed);
        Ledger ledger = books.open();
        ledger.post(posting(EntryKind::adjustment, "10,000.00", "2020-12-01"), kActor);
        const ExecutionReport report = ledger.execution_report("P1", 2020, as_of("2020-12-31"));
        check_figures(report.level(Level::county), 125950000, 126950000, 125950000, 119652500);
        check_figures(report.total, 125950000, 126950000, 125950000, 119652500);
        CHECK(report.level(Level::county).arrival_rate().percent_hundredths() ==
              std::optional<std::int64_t>{9921});
        CHECK(report.level(Level::county).execution_rate().percent_hundredths() ==
              std::optional<std::int64_t>{9425});
        CHECK(report.retention_outstanding.fen() == 6297500);
    }
    SECTION("a decrease down to what arrived") {
        Books books([](Ledger& ledger) {
            add_project(ledger);
            ledger.post(posting(EntryKind::appropriation, "1,000.00", "2021-01-10"), kActor);
            ledger.post(posting(EntryKind::arrival, "600.00", "2021-02-01"), kActor);
        });
        Ledger ledger = books.open();
        ledger.post(posting(EntryKind::adjustment, "-400.00", "2021-06-01"), kActor);
        const ExecutionReport report = ledger.execution_report("P1", 2021, as_of("2021-12-31"));
        check_figures(report.level(Level::county), 100000, 60000, 60000, 0);
        CHECK(report.level(Level::county).arrival_rate().percent_hundredths() ==
              std::optional<std::int64_t>{10000});
    }
}

TEST_CASE("A refund lowers executed and raises the free balance", "[ledger]") {
    Books books(post_seed);
    Ledger ledger = books.open();
    ledger.post(posting(EntryKind::refund, "1,000.00", "2020-12-10"), kActor);
    const ExecutionReport report = ledger.execution_report("P1", 2020, as_of("2020-12-31"));
    check_figures(report.level(Level::county), 125950000, 125950000, 125950000, 119552500);
    CHECK(report.total.balance().fen() == 6397500);
    CHECK(report.retention_outstanding.fen() == 6297500);
    CHECK(level_row(ledger, Level::county, "2020-12-31").free_balance().fen() == 100000);
}

TEST_CASE("A release raises executed and lowers the outstanding retention", "[ledger]") {
    Books books(post_seed);
    Ledger ledger = books.open();
    // No amount and no level: everything outstanding, from the level it was withheld at.
    const Entry released = ledger.post(release_all("C1", "2020-12-20"), kActor).entry;
    CHECK(released.amount.fen() == 6297500);
    CHECK(released.level == std::optional<Level>{Level::county});

    const ExecutionReport report = ledger.execution_report("P1", 2020, as_of("2020-12-31"));
    check_figures(report.level(Level::county), 125950000, 125950000, 125950000, 125950000);
    CHECK(report.level(Level::county).execution_rate().percent_hundredths() ==
          std::optional<std::int64_t>{10000});
    CHECK(report.retention_outstanding.fen() == 0);
    const BalanceRow county = level_row(ledger, Level::county, "2020-12-31");
    CHECK(county.retention_outstanding.fen() == 0);
    CHECK(county.free_balance().fen() == 0);
}

TEST_CASE("A partial release leaves the rest of the retention outstanding", "[ledger]") {
    Books books(post_seed);
    Ledger ledger = books.open();
    ledger.post(on_contract("C1", posting(EntryKind::release, "20,000.00", "2020-12-20")), kActor);
    const ExecutionReport report = ledger.execution_report("P1", 2020, as_of("2020-12-31"));
    CHECK(report.total.executed.fen() == 121652500);
    CHECK(report.retention_outstanding.fen() == 4297500);
    CHECK(ledger.post(release_all("C1", "2020-12-21"), kActor).entry.amount.fen() == 4297500);
}

TEST_CASE("A forfeit frees the balance without touching the form", "[ledger]") {
    Books books(post_seed);
    const Posting pay_the_deposit_elsewhere =
        posting(EntryKind::payment, "62,975.00", "2020-12-21");
    // While the deposit is held, its money is not free.
    require_refused_without_trace(books.path, ErrorCode::rejected, [&](Ledger& ledger) {
        ledger.post(pay_the_deposit_elsewhere, kActor);
    });

    Ledger ledger = books.open();
    const std::string form_before =
        form_text(ledger.execution_report("P1", 2020, as_of("2020-12-31")));
    Posting forfeit = on_contract("C1", posting(EntryKind::forfeit, "62,975.00", "2020-12-20"));
    forfeit.level.reset();  // derived from the contract's retention
    CHECK(ledger.post(forfeit, kActor).entry.level == std::optional<Level>{Level::county});

    const ExecutionReport report = ledger.execution_report("P1", 2020, as_of("2020-12-31"));
    CHECK(form_text(report) == form_before);
    CHECK(report.retention_outstanding.fen() == 0);
    CHECK(level_row(ledger, Level::county, "2020-12-31").free_balance().fen() == 6297500);
    CHECK(ledger.post(pay_the_deposit_elsewhere, kActor).created);
}

TEST_CASE("A recovery lowers the free balance without touching the form", "[ledger]") {
    Books books([](Ledger& ledger) {
        post_small(ledger);
        ledger.post(posting(EntryKind::payment, "600.00", "2021-03-01"), kActor);
    });
    Ledger ledger = books.open();
    const std::string form_before =
        form_text(ledger.execution_report("P1", 2021, as_of("2021-12-31")));
    ledger.post(posting(EntryKind::recovery, "100.00", "2021-06-01"), kActor);

    const ExecutionReport report = ledger.execution_report("P1", 2021, as_of("2021-12-31"));
    CHECK(form_text(report) == form_before);
    check_figures(report.level(Level::county), 100000, 100000, 100000, 60000);
    const BalanceRow county = level_row(ledger, Level::county, "2021-12-31");
    CHECK(county.recovered.fen() == 10000);
    CHECK(county.free_balance().fen() == 30000);
    CHECK_THROWS_MATCHES(ledger.post(posting(EntryKind::payment, "300.01", "2021-06-02"), kActor),
                         Error, HasCode(ErrorCode::rejected));
    CHECK(ledger.post(posting(EntryKind::payment, "300.00", "2021-06-02"), kActor).created);
}

TEST_CASE("A retention changes no row of the form but earmarks the balance", "[ledger]") {
    Books books([](Ledger& ledger) {
        add_project(ledger);
        ledger.add_contract(contract("C1", "1,259,500.00", 500, 24), kActor);
        ledger.post(posting(EntryKind::appropriation, "1,259,500.00", "2020-01-15"), kActor);
        ledger.post(posting(EntryKind::arrival, "1,259,500.00", "2020-03-01"), kActor);
        ledger.post(on_contract("C1", posting(EntryKind::payment, "1,196,525.00", "2020-11-30")),
                    kActor);
    });
    Ledger ledger = books.open();
    const std::string form_before =
        form_text(ledger.execution_report("P1", 2020, as_of("2020-12-31")));
    CHECK(level_row(ledger, Level::county, "2020-12-31").free_balance().fen() == 6297500);

    ledger.post(retention("C1", "2020-11-30", "2020-11-20"), kActor);
    const ExecutionReport report = ledger.execution_report("P1", 2020, as_of("2020-12-31"));
    CHECK(form_text(report) == form_before);
    CHECK(report.retention_outstanding.fen() == 6297500);
    CHECK(level_row(ledger, Level::county, "2020-12-31").free_balance().fen() == 0);
}

// =================================================================================================
// Refusals of domain.md §4: Error{rejected}, and nothing written

TEST_CASE("A payment beyond the free balance is refused and leaves no trace", "[ledger]") {
    Books books(post_small);
    require_refused_without_trace(books.path, ErrorCode::rejected, [](Ledger& ledger) {
        ledger.post(posting(EntryKind::payment, "1,000.01", "2021-03-01"), kActor);
    });
    Ledger ledger = books.open();
    CHECK(ledger.post(posting(EntryKind::payment, "1,000.00", "2021-03-01"), kActor).created);
}

TEST_CASE("A payment from a level without money is refused even if another level has some",
          "[ledger]") {
    Books books(post_small);
    require_refused_without_trace(books.path, ErrorCode::rejected, [](Ledger& ledger) {
        ledger.post(posting(EntryKind::payment, "1.00", "2021-03-01", Level::provincial), kActor);
    });
}

TEST_CASE("A payment draws on its own year's money only", "[ledger]") {
    Books books(post_small);  // 1,000.00 arrived in 2021
    require_refused_without_trace(books.path, ErrorCode::rejected, [](Ledger& ledger) {
        ledger.post(posting(EntryKind::payment, "1.00", "2022-01-05"), kActor);
    });
}

TEST_CASE("A retention beyond the free balance is refused and leaves no trace", "[ledger]") {
    Books books([](Ledger& ledger) {
        post_small(ledger);
        ledger.add_contract(contract("C2", "5,000.00", 500, 12), kActor);
        ledger.post(on_contract("C2", posting(EntryKind::payment, "950.00", "2021-03-01")), kActor);
    });
    // The contract could hold 5 % of 5,000.00 = 250.00, but only 50.00 of the level is free.
    require_refused_without_trace(books.path, ErrorCode::rejected, [](Ledger& ledger) {
        ledger.post(retention("C2", "2021-03-02", "2021-03-01"), kActor);
    });
    require_refused_without_trace(books.path, ErrorCode::rejected, [](Ledger& ledger) {
        Posting p = retention("C2", "2021-03-02", "2021-03-01");
        p.amount = Money::parse("50.01");
        ledger.post(p, kActor);
    });
    Ledger ledger = books.open();
    Posting p = retention("C2", "2021-03-02", "2021-03-01");
    p.amount = Money::parse("50.00");
    CHECK(ledger.post(p, kActor).created);
}

TEST_CASE("An arrival beyond the full-year budget is refused and leaves no trace", "[ledger]") {
    Books books([](Ledger& ledger) {
        add_project(ledger);
        ledger.post(posting(EntryKind::appropriation, "1,000.00", "2021-01-10"), kActor);
        ledger.post(posting(EntryKind::arrival, "600.00", "2021-02-01"), kActor);
    });
    require_refused_without_trace(books.path, ErrorCode::rejected, [](Ledger& ledger) {
        ledger.post(posting(EntryKind::arrival, "400.01", "2021-03-01"), kActor);
    });
    require_refused_without_trace(books.path, ErrorCode::rejected, [](Ledger& ledger) {
        ledger.post(posting(EntryKind::arrival, "0.01", "2021-03-01", Level::central), kActor);
    });
    Ledger ledger = books.open();
    CHECK(ledger.post(posting(EntryKind::arrival, "400.00", "2021-03-01"), kActor).created);
}

TEST_CASE("A negative adjustment below what arrived is refused and leaves no trace", "[ledger]") {
    Books books([](Ledger& ledger) {
        add_project(ledger);
        ledger.post(posting(EntryKind::appropriation, "1,000.00", "2021-01-10"), kActor);
        ledger.post(posting(EntryKind::arrival, "800.00", "2021-02-01"), kActor);
        ledger.post(posting(EntryKind::appropriation, "50.00", "2021-01-10", Level::central),
                    kActor);
    });
    require_refused_without_trace(books.path, ErrorCode::rejected, [](Ledger& ledger) {
        ledger.post(posting(EntryKind::adjustment, "-200.01", "2021-06-01"), kActor);
    });
    // Nothing arrived at central level, but a budget never goes below zero.
    require_refused_without_trace(books.path, ErrorCode::rejected, [](Ledger& ledger) {
        ledger.post(posting(EntryKind::adjustment, "-50.01", "2021-06-01", Level::central), kActor);
    });
    Ledger ledger = books.open();
    CHECK(ledger.post(posting(EntryKind::adjustment, "-200.00", "2021-06-01"), kActor).created);
}

TEST_CASE("A release or forfeit beyond the outstanding retention is refused and leaves no trace",
          "[ledger]") {
    const EntryKind kind = GENERATE(EntryKind::release, EntryKind::forfeit);
    CAPTURE(to_string(kind));
    Books books(post_seed);  // 62,975.00 retained on C1
    require_refused_without_trace(books.path, ErrorCode::rejected, [&](Ledger& ledger) {
        ledger.post(on_contract("C1", posting(kind, "62,975.01", "2020-12-20")), kActor);
    });
    Ledger ledger = books.open();
    CHECK(ledger.post(on_contract("C1", posting(kind, "62,975.00", "2020-12-20")), kActor).created);
}

TEST_CASE("A release or forfeit on a contract with nothing retained is refused and leaves no trace",
          "[ledger]") {
    Books books([](Ledger& ledger) {
        post_small(ledger);
        ledger.add_contract(contract("C2", "500.00", 500, 12), kActor);
        ledger.post(on_contract("C2", posting(EntryKind::payment, "400.00", "2021-03-01")), kActor);
    });
    const auto attempt = GENERATE(as<std::string_view>{}, "release all", "release 1.00 at county",
                                  "release 1.00 without level", "forfeit 1.00 at county");
    CAPTURE(attempt);
    require_refused_without_trace(books.path, ErrorCode::rejected, [&](Ledger& ledger) {
        if (attempt == "release all") {
            ledger.post(release_all("C2", "2021-12-01"), kActor);
        } else {
            Posting p = on_contract(
                "C2", posting(attempt.front() == 'r' ? EntryKind::release : EntryKind::forfeit,
                              "1.00", "2021-12-01"));
            if (attempt == "release 1.00 without level") {
                p.level.reset();
            }
            ledger.post(p, kActor);
        }
    });
}

TEST_CASE("A back-dated payment that would overdraw a later day is refused and leaves no trace",
          "[ledger]") {
    // Day by day at county level: 03-01 +100 arrived, 03-10 −100 paid, 04-01 +100 arrived. The year
    // ends with 100.00 free, but 50.00 paid on 03-05 would leave 03-10 at −50.00.
    Books books([](Ledger& ledger) {
        add_project(ledger);
        ledger.post(posting(EntryKind::appropriation, "200.00", "2021-01-10"), kActor);
        ledger.post(posting(EntryKind::arrival, "100.00", "2021-03-01"), kActor);
        ledger.post(posting(EntryKind::payment, "100.00", "2021-03-10"), kActor);
        ledger.post(posting(EntryKind::arrival, "100.00", "2021-04-01"), kActor);
    });
    const auto date =
        GENERATE(as<std::string_view>{}, "2021-03-05", "2021-03-10", "2021-02-15", "2021-03-31");
    CAPTURE(date);
    require_refused_without_trace(books.path, ErrorCode::rejected, [&](Ledger& ledger) {
        ledger.post(posting(EntryKind::payment, "50.00", date), kActor);
    });
    // From the day the second arrival lands, the money is there.
    Ledger ledger = books.open();
    CHECK(ledger.post(posting(EntryKind::payment, "50.00", "2021-04-01"), kActor).created);
}

TEST_CASE("A back-dated retention that would overdraw a later day is refused", "[ledger]") {
    Books books([](Ledger& ledger) {
        add_project(ledger);
        ledger.add_contract(contract("C2", "2,000.00", 500, 12), kActor);
        ledger.post(posting(EntryKind::appropriation, "200.00", "2021-01-10"), kActor);
        ledger.post(posting(EntryKind::arrival, "100.00", "2021-03-01"), kActor);
        ledger.post(posting(EntryKind::payment, "100.00", "2021-03-10"), kActor);
        ledger.post(posting(EntryKind::arrival, "100.00", "2021-04-01"), kActor);
    });
    require_refused_without_trace(books.path, ErrorCode::rejected, [](Ledger& ledger) {
        Posting p = retention("C2", "2021-03-05", "2021-03-05");
        p.amount = Money::parse("50.00");
        ledger.post(p, kActor);
    });
}

TEST_CASE("A refund beyond what was executed is refused and leaves no trace", "[ledger]") {
    Books books(post_seed);
    require_refused_without_trace(books.path, ErrorCode::rejected, [](Ledger& ledger) {
        ledger.post(posting(EntryKind::refund, "1,196,525.01", "2020-12-10"), kActor);
    });
    // Before the payment's date nothing was executed yet.
    require_refused_without_trace(books.path, ErrorCode::rejected, [](Ledger& ledger) {
        ledger.post(posting(EntryKind::refund, "1.00", "2020-11-29"), kActor);
    });
}

TEST_CASE("A recovery beyond the free balance is refused and leaves no trace", "[ledger]") {
    Books books(post_seed);  // free balance 0: the rest is the retention
    require_refused_without_trace(books.path, ErrorCode::rejected, [](Ledger& ledger) {
        ledger.post(posting(EntryKind::recovery, "0.01", "2020-12-31"), kActor);
    });
}

TEST_CASE("A contract paid and retained beyond its amount is refused and leaves no trace",
          "[ledger]") {
    Books books([](Ledger& ledger) {
        post_small(ledger);
        ledger.add_contract(contract("C2", "500.00", 500, 12), kActor);
        ledger.post(on_contract("C2", posting(EntryKind::payment, "480.00", "2021-03-01")), kActor);
    });
    const auto attempt =
        GENERATE(as<std::string_view>{}, "default retention of 25.00", "payment of 20.01");
    CAPTURE(attempt);
    require_refused_without_trace(books.path, ErrorCode::rejected, [&](Ledger& ledger) {
        if (attempt == "payment of 20.01") {
            ledger.post(on_contract("C2", posting(EntryKind::payment, "20.01", "2021-03-02")),
                        kActor);
        } else {
            ledger.post(retention("C2", "2021-03-02", "2021-03-01"), kActor);
        }
    });
    Ledger ledger = books.open();
    CHECK(ledger.post(on_contract("C2", posting(EntryKind::payment, "20.00", "2021-03-02")), kActor)
              .created);
}

TEST_CASE("Reversing a refund must not push a contract beyond its amount", "[ledger]") {
    // Contract of 500.00: paid 500.00, refunded 100.00, paid 100.00 again → 500.00 paid. Undoing
    // the refund would make it 600.00 paid on a 500.00 contract, which no posting could do
    // directly.
    EntryId refund{};
    Books books([&](Ledger& ledger) {
        post_small(ledger);
        ledger.add_contract(contract("C2", "500.00", 0, 12), kActor);
        ledger.post(on_contract("C2", posting(EntryKind::payment, "500.00", "2021-03-01")), kActor);
        refund =
            ledger
                .post(on_contract("C2", posting(EntryKind::refund, "100.00", "2021-03-02")), kActor)
                .entry.id;
        ledger.post(on_contract("C2", posting(EntryKind::payment, "100.00", "2021-03-03")), kActor);
        // The direct way is refused:
        CHECK_THROWS_MATCHES(
            ledger.post(on_contract("C2", posting(EntryKind::payment, "100.00", "2021-03-04")),
                        kActor),
            Error, HasCode(ErrorCode::rejected));
    });
    require_refused_without_trace(books.path, ErrorCode::rejected, [&](Ledger& ledger) {
        ledger.reverse(refund, "误录退款", kActor);
    });
}

TEST_CASE("A second reversal of the same entry is refused and leaves no trace", "[ledger]") {
    Books books([](Ledger& ledger) {
        post_seed(ledger);
        ledger.reverse(id(5), "重复录入", kActor);  // #7
    });
    require_refused_without_trace(books.path, ErrorCode::rejected,
                                  [](Ledger& ledger) { ledger.reverse(id(5), "again", kActor); });
}

TEST_CASE("A reversal of a reversal is refused and leaves no trace", "[ledger]") {
    Books books([](Ledger& ledger) {
        post_seed(ledger);
        ledger.reverse(id(5), "重复录入", kActor);  // #7
    });
    require_refused_without_trace(books.path, ErrorCode::rejected, [](Ledger& ledger) {
        ledger.reverse(id(7), "undo the undo", kActor);
    });
}

TEST_CASE("A reversal that would break the ledger is refused and leaves no trace", "[ledger]") {
    // #3 appropriation: arrived would exceed the budget. #4 arrival: its money was spent.
    // #6 retention: it was released (#7), so the outstanding retention would go negative.
    const std::int64_t reversed = GENERATE(3, 4, 6);
    CAPTURE(reversed);
    Books books([](Ledger& ledger) {
        post_seed(ledger);
        ledger.post(release_all("C1", "2020-12-20"), kActor);  // #7
    });
    require_refused_without_trace(books.path, ErrorCode::rejected, [&](Ledger& ledger) {
        ledger.reverse(id(reversed), "冲销", kActor);
    });
}

TEST_CASE("Registrations of projects and contracts cannot be reversed or repeated", "[ledger]") {
    Books books(post_seed);
    const auto attempt = GENERATE(as<std::string_view>{}, "reverse project", "reverse contract",
                                  "project again", "contract again");
    CAPTURE(attempt);
    require_refused_without_trace(books.path, ErrorCode::rejected, [&](Ledger& ledger) {
        if (attempt == "reverse project") {
            ledger.reverse(id(1), "冲销", kActor);
        } else if (attempt == "reverse contract") {
            ledger.reverse(id(2), "冲销", kActor);
        } else if (attempt == "project again") {
            ledger.add_project(Project{"P1", "another name", "", ""}, kActor);
        } else {
            ledger.add_contract(contract("C1", "10.00", 0, 0), kActor);
        }
    });
}

// =================================================================================================
// Voucher references

TEST_CASE("The same voucher reference with different content is refused and leaves no trace",
          "[ledger]") {
    const auto change =
        GENERATE(as<std::string_view>{}, "amount", "date", "memo", "level", "kind", "contract");
    CAPTURE(change);
    Books books([](Ledger& ledger) {
        post_small(ledger);
        ledger.add_contract(contract("C2", "500.00", 0, 0), kActor);
        Posting p = posting(EntryKind::payment, "100.00", "2021-03-01");
        p.ref = "付-001";
        p.memo = "设备款";
        ledger.post(p, kActor);
    });
    require_refused_without_trace(books.path, ErrorCode::rejected, [&](Ledger& ledger) {
        Posting p = posting(EntryKind::payment, "100.00", "2021-03-01");
        p.ref = "付-001";
        p.memo = "设备款";
        if (change == "amount") {
            p.amount = Money::parse("100.01");
        } else if (change == "date") {
            p.date = ymd("2021-03-02");
        } else if (change == "memo") {
            p.memo = "设备款 (2)";
        } else if (change == "level") {
            p.level = Level::central;
        } else if (change == "kind") {
            p.kind = EntryKind::recovery;
        } else {
            p.contract = "C2";
        }
        ledger.post(p, kActor);
    });
}

TEST_CASE("The same voucher reference with the same content returns the first entry", "[ledger]") {
    Books books(post_small);
    Posting p = posting(EntryKind::payment, "100.00", "2021-03-01");
    p.ref = "付-001";
    p.memo = "设备款";
    PostResult first;
    {
        Ledger ledger = books.open();
        first = ledger.post(p, kActor);
        CHECK(first.created);
        CHECK(first.entry.ref == std::optional<std::string>{"付-001"});
    }
    attempt_leaves_no_trace(books.path, [&](Ledger& ledger) {
        const PostResult again = ledger.post(p, kActor);
        CHECK_FALSE(again.created);
        CHECK(again.entry.id == first.entry.id);
        CHECK(again.entry.hash == first.entry.hash);
        CHECK(again.entry.amount == first.entry.amount);
    });
    Ledger ledger = books.open();
    CHECK(ledger.log(everything()).size() == 4);
}

TEST_CASE(
    "Retrying a release of all outstanding retention with the same reference returns the first "
    "entry",
    "[ledger]") {
    // A safe retry (domain.md §4): the first release emptied the deposit, so "all outstanding" now
    // means 0.00, but the retry is the same voucher and must return the first entry instead of
    // being refused.
    Books books(post_seed);
    Posting p = release_all("C1", "2020-12-20");
    p.ref = "质保-001";
    PostResult first;
    {
        Ledger ledger = books.open();
        first = ledger.post(p, kActor);
        REQUIRE(first.created);
        CHECK(first.entry.amount.fen() == 6297500);
    }
    attempt_leaves_no_trace(books.path, [&](Ledger& ledger) {
        PostResult again;
        CHECK_NOTHROW(again = ledger.post(p, kActor));
        CHECK_FALSE(again.created);
        CHECK(again.entry.id == first.entry.id);
    });
}

// =================================================================================================
// Not found and invalid input

TEST_CASE("A posting to an unknown project or contract is not_found and leaves no trace",
          "[ledger]") {
    Books books(post_seed);
    const auto attempt = GENERATE(as<std::string_view>{}, "unknown project", "unknown contract",
                                  "contract of another project", "contract on unknown project");
    CAPTURE(attempt);
    if (attempt == "contract of another project") {
        Ledger ledger = books.open();
        ledger.add_project(Project{"P2", "另一个项目", "", ""}, kActor);
    }
    require_refused_without_trace(books.path, ErrorCode::not_found, [&](Ledger& ledger) {
        if (attempt == "unknown project") {
            Posting p = posting(EntryKind::appropriation, "1.00", "2020-12-01");
            p.project = "NOPE";
            ledger.post(p, kActor);
        } else if (attempt == "unknown contract") {
            ledger.post(retention("C9", "2020-12-01", "2020-12-01"), kActor);
        } else if (attempt == "contract of another project") {
            Posting p = release_all("C1", "2020-12-20");
            p.project = "P2";
            ledger.post(p, kActor);
        } else {
            Contract c = contract("C2", "10.00", 0, 0);
            c.project = "NOPE";
            ledger.add_contract(c, kActor);
        }
    });
}

TEST_CASE("Reversing an unknown entry is not_found and leaves no trace", "[ledger]") {
    Books books(post_seed);
    const std::int64_t missing = GENERATE(0, 7, 1000, -1);
    CAPTURE(missing);
    require_refused_without_trace(books.path, ErrorCode::not_found, [&](Ledger& ledger) {
        ledger.reverse(id(missing), "冲销", kActor);
    });
}

TEST_CASE("Reading an unknown entry project or report is not_found", "[ledger]") {
    Books books(post_seed);
    const Ledger ledger = books.open(Ledger::Mode::read_only);
    CHECK_THROWS_MATCHES(ledger.entry(id(0)), Error, HasCode(ErrorCode::not_found));
    CHECK_THROWS_MATCHES(ledger.entry(id(7)), Error, HasCode(ErrorCode::not_found));
    CHECK_THROWS_MATCHES(ledger.project("NOPE"), Error, HasCode(ErrorCode::not_found));
    CHECK_THROWS_MATCHES(ledger.execution_report("NOPE", 2020, as_of("2020-12-31")), Error,
                         HasCode(ErrorCode::not_found));
    CHECK_THROWS_MATCHES(
        ledger.balances(std::string("NOPE"), BalanceBy::level, as_of("2020-12-31")), Error,
        HasCode(ErrorCode::not_found));
    CHECK_THROWS_MATCHES(ledger.execution_report("P1", 1899, as_of("2020-12-31")), Error,
                         HasCode(ErrorCode::invalid_input));
    CHECK(ledger.project("P1").name == "县级融媒体中心建设项目");
    CHECK_FALSE(ledger.reversed_by(id(5)).has_value());
}

TEST_CASE("A zero or negative amount is invalid_input and leaves no trace", "[ledger]") {
    const EntryKind kind = GENERATE(EntryKind::appropriation, EntryKind::arrival,
                                    EntryKind::payment, EntryKind::refund, EntryKind::retention,
                                    EntryKind::release, EntryKind::forfeit, EntryKind::recovery);
    const auto amount = GENERATE(as<std::string_view>{}, "0", "-0.01", "-100");
    CAPTURE(to_string(kind), amount);
    static const Books books(post_seed);  // read-only use: every refusal leaves it as it is
    require_refused_without_trace(books.path, ErrorCode::invalid_input, [&](Ledger& ledger) {
        Posting p = on_contract("C1", posting(kind, amount, "2020-12-15"));
        p.accepted = ymd("2020-12-01");
        ledger.post(p, kActor);
    });
}

TEST_CASE("A zero adjustment is invalid_input and leaves no trace", "[ledger]") {
    Books books(post_seed);
    require_refused_without_trace(books.path, ErrorCode::invalid_input, [](Ledger& ledger) {
        ledger.post(posting(EntryKind::adjustment, "0.00", "2020-12-15"), kActor);
    });
}

TEST_CASE("A retention without an acceptance date is invalid_input and leaves no trace",
          "[ledger]") {
    Books books(post_small);
    {
        Ledger ledger = books.open();
        ledger.add_contract(contract("C2", "500.00", 500, 12), kActor);
    }
    require_refused_without_trace(books.path, ErrorCode::invalid_input, [](Ledger& ledger) {
        Posting p = retention("C2", "2021-03-01", "2021-03-01");
        p.accepted.reset();
        ledger.post(p, kActor);
    });
}

TEST_CASE("Every other malformed posting or registration is invalid_input and leaves no trace",
          "[ledger]") {
    struct Attempt {
        std::string_view what;
        std::function<void(Ledger&)> run;
    };
    static const std::vector<Attempt> attempts{
        {"payment without amount",
         [](Ledger& l) {
             Posting p = posting(EntryKind::payment, "1.00", "2020-12-15");
             p.amount.reset();
             l.post(p, kActor);
         }},
        {"payment without level",
         [](Ledger& l) {
             Posting p = posting(EntryKind::payment, "1.00", "2020-12-15");
             p.level.reset();
             l.post(p, kActor);
         }},
        {"retention without contract",
         [](Ledger& l) {
             Posting p = retention("C1", "2020-12-15", "2020-12-01");
             p.contract.reset();
             l.post(p, kActor);
         }},
        {"release without contract",
         [](Ledger& l) {
             Posting p = release_all("C1", "2020-12-15");
             p.contract.reset();
             l.post(p, kActor);
         }},
        {"forfeit without contract",
         [](Ledger& l) { l.post(posting(EntryKind::forfeit, "1.00", "2020-12-15"), kActor); }},
        {"retention with no rate and no amount",
         [](Ledger& l) { l.post(retention("C0", "2020-12-15", "2020-12-01"), kActor); }},
        {"retention with negative warranty",
         [](Ledger& l) {
             Posting p = retention("C0", "2020-12-15", "2020-12-01");
             p.amount = Money::parse("1.00");
             p.warranty_months = -1;
             l.post(p, kActor);
         }},
        {"kind reversal through post",
         [](Ledger& l) { l.post(posting(EntryKind::reversal, "1.00", "2020-12-15"), kActor); }},
        {"kind project through post",
         [](Ledger& l) { l.post(posting(EntryKind::project, "1.00", "2020-12-15"), kActor); }},
        {"kind contract through post",
         [](Ledger& l) { l.post(posting(EntryKind::contract, "1.00", "2020-12-15"), kActor); }},
        {"kind close through post",
         [](Ledger& l) { l.post(posting(EntryKind::close, "1.00", "2020-12-15"), kActor); }},
        {"empty user",
         [](Ledger& l) {
             l.post(posting(EntryKind::appropriation, "1.00", "2020-12-15"), Actor{"", "tester"});
         }},
        {"empty voucher reference",
         [](Ledger& l) {
             Posting p = posting(EntryKind::appropriation, "1.00", "2020-12-15");
             p.ref = "";
             l.post(p, kActor);
         }},
        {"control character in memo",
         [](Ledger& l) {
             Posting p = posting(EntryKind::appropriation, "1.00", "2020-12-15");
             p.memo = "line\nbreak";
             l.post(p, kActor);
         }},
        {"reversal without reason", [](Ledger& l) { l.reverse(id(5), "", kActor); }},
        {"project with empty code",
         [](Ledger& l) {
             l.add_project(Project{"", "名称", "", ""}, kActor);
         }},
        {"project code with a space",
         [](Ledger& l) {
             l.add_project(Project{"P 2", "名称", "", ""}, kActor);
         }},
        {"project without name",
         [](Ledger& l) {
             l.add_project(Project{"P2", "", "", ""}, kActor);
         }},
        {"contract of zero amount",
         [](Ledger& l) { l.add_contract(contract("C2", "0", 500, 12), kActor); }},
        {"contract of negative amount",
         [](Ledger& l) { l.add_contract(contract("C2", "-1", 500, 12), kActor); }},
        {"contract rate above 100 %",
         [](Ledger& l) { l.add_contract(contract("C2", "10.00", 10001, 12), kActor); }},
        {"contract rate below 0",
         [](Ledger& l) { l.add_contract(contract("C2", "10.00", -1, 12), kActor); }},
        {"contract warranty below 0",
         [](Ledger& l) { l.add_contract(contract("C2", "10.00", 500, -1), kActor); }},
        {"contract warranty above 1200",
         [](Ledger& l) { l.add_contract(contract("C2", "10.00", 500, 1201), kActor); }},
        {"contract without supplier",
         [](Ledger& l) {
             Contract c = contract("C2", "10.00", 500, 12);
             c.supplier.clear();
             l.add_contract(c, kActor);
         }},
    };
    static const Books books([](Ledger& ledger) {
        post_seed(ledger);
        ledger.add_contract(contract("C0", "1,000.00", 0, 12), kActor);  // #7: no retention rate
    });
    const std::size_t index = GENERATE(range(std::size_t{0}, attempts.size()));
    CAPTURE(attempts[index].what);
    require_refused_without_trace(books.path, ErrorCode::invalid_input, attempts[index].run);
}

// =================================================================================================
// Reversals

TEST_CASE("A reversal cancels its entry exactly", "[ledger]") {
    const auto [kind, amount, contract_code] =
        GENERATE(table<EntryKind, std::string_view, std::string_view>({
            {EntryKind::appropriation, "100.00", ""},
            {EntryKind::adjustment, "100.00", ""},
            {EntryKind::adjustment, "-100.00", ""},
            {EntryKind::arrival, "100.00", ""},
            {EntryKind::payment, "100.00", ""},
            {EntryKind::payment, "100.00", "C2"},
            {EntryKind::refund, "100.00", ""},
            {EntryKind::retention, "default", "C2"},
            {EntryKind::release, "100.00", "C1"},
            {EntryKind::forfeit, "100.00", "C1"},
            {EntryKind::recovery, "100.00", ""},
        }));
    CAPTURE(to_string(kind), amount, contract_code);
    // The seed plus room: 20,000.00 more budget of which 10,000.00 arrived, and a second contract.
    Books books([](Ledger& ledger) {
        post_seed(ledger);
        ledger.add_contract(contract("C2", "10,000.00", 500, 12), kActor);
        ledger.post(posting(EntryKind::appropriation, "20,000.00", "2020-12-01"), kActor);
        ledger.post(posting(EntryKind::arrival, "10,000.00", "2020-12-01"), kActor);
    });
    Ledger ledger = books.open();
    const std::string before = state_text(ledger, 2020);

    Posting p = kind == EntryKind::retention ? retention("C2", "2020-12-15", "2020-12-01")
                                             : posting(kind, amount, "2020-12-15");
    if (!contract_code.empty()) {
        p.contract = std::string(contract_code);
    }
    const Entry original = ledger.post(p, kActor).entry;
    CHECK(state_text(ledger, 2020) != before);

    const PostResult reversed = ledger.reverse(original.id, "录入错误", kActor);
    CHECK(reversed.created);
    CHECK(state_text(ledger, 2020) == before);

    const Entry& r = reversed.entry;
    CHECK(r.kind == EntryKind::reversal);
    CHECK(r.effect_kind == kind);
    CHECK(r.amount.fen() == -original.amount.fen());
    CHECK(r.effective_on == original.effective_on);
    CHECK(r.level == original.level);
    CHECK(r.contract == original.contract);
    CHECK(r.reverses == std::optional<EntryId>{original.id});
    CHECK(r.memo == "录入错误");
    CHECK(ledger.reversed_by(original.id) == std::optional<EntryId>{r.id});
    CHECK_FALSE(ledger.reversed_by(r.id).has_value());
    CHECK(ledger.verify().ok);
}

TEST_CASE("Reversing the seed's payment takes it off the form", "[ledger]") {
    Books books(post_seed);
    Ledger ledger = books.open();
    const Entry reversal = ledger.reverse(id(5), "重复录入", kActor).entry;
    CHECK(reversal.id == id(7));
    CHECK(reversal.amount.fen() == -119652500);
    const ExecutionReport report = ledger.execution_report("P1", 2020, as_of("2020-12-31"));
    check_figures(report.level(Level::county), 125950000, 125950000, 125950000, 0);
    CHECK(report.retention_outstanding.fen() == 6297500);
    CHECK(ledger.entry(id(7)).reverses == std::optional<EntryId>{id(5)});
}

// =================================================================================================
// The chain: ids, hashes, digests

TEST_CASE("Entry ids are gapless and each entry chains to the previous hash", "[ledger]") {
    Books books;
    Ledger ledger = books.open();
    std::vector<EntryId> ids;
    ids.push_back(
        ledger.add_project(Project{"P1", "县级融媒体中心建设项目", "", ""}, kActor).entry.id);
    ids.push_back(ledger.add_contract(contract("C1", "1,259,500.00", 500, 24), kActor).entry.id);
    ids.push_back(
        ledger.post(posting(EntryKind::appropriation, "1,259,500.00", "2020-01-15"), kActor)
            .entry.id);
    // A refused posting does not use up an id.
    CHECK_THROWS_MATCHES(ledger.post(posting(EntryKind::payment, "1.00", "2020-02-01"), kActor),
                         Error, HasCode(ErrorCode::rejected));
    CHECK_THROWS_MATCHES(ledger.post(posting(EntryKind::payment, "0", "2020-02-01"), kActor), Error,
                         HasCode(ErrorCode::invalid_input));
    ids.push_back(
        ledger.post(posting(EntryKind::arrival, "1,259,500.00", "2020-03-01"), kActor).entry.id);
    ids.push_back(ledger.reverse(id(4), "到位金额有误", kActor).entry.id);

    REQUIRE(ids.size() == 5);
    std::set<std::string> hashes;
    std::string previous_hash = kGenesis;
    std::string previous_recorded_at;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto expected = static_cast<std::int64_t>(i + 1);
        CAPTURE(expected);
        CHECK(ids[i] == id(expected));
        const Entry e = ledger.entry(id(expected));
        CHECK(e.id == id(expected));
        CHECK(e.prev_hash == previous_hash);
        CHECK(is_lower_hex_64(e.hash));
        CHECK(e.recorded_at >= previous_recorded_at);
        hashes.insert(e.hash);
        previous_hash = e.hash;
        previous_recorded_at = e.recorded_at;
    }
    CHECK(hashes.size() == ids.size());

    const std::vector<Entry> log = ledger.log(everything());
    REQUIRE(log.size() == ids.size());
    for (std::size_t i = 0; i < log.size(); ++i) {
        CHECK(log[i].id == ids[i]);
    }
    CHECK(ledger.digest().entries == 5);
    CHECK(ledger.digest().head == previous_hash);
}

TEST_CASE("An entry records who posted it when and what it says", "[ledger]") {
    Books books(post_small);
    Ledger ledger = books.open();
    Posting p = posting(EntryKind::payment, "123.45", "2021-03-01");
    p.ref = "付-009";
    p.memo = "设备款";
    const Entry posted = ledger.post(p, Actor{"会计李四", "lisi"}).entry;
    const Entry read = ledger.entry(posted.id);
    CHECK(read.kind == EntryKind::payment);
    CHECK(read.effect_kind == EntryKind::payment);
    CHECK(read.project == "P1");
    CHECK(read.level == std::optional<Level>{Level::county});
    CHECK(read.amount.fen() == 12345);
    CHECK(read.effective_on == ymd("2021-03-01"));
    CHECK(read.user == "会计李四");
    CHECK(read.os_user == "lisi");
    CHECK(read.ref == std::optional<std::string>{"付-009"});
    CHECK(read.memo == "设备款");
    CHECK_FALSE(read.contract.has_value());
    CHECK_FALSE(read.reverses.has_value());
    CHECK(read.recorded_at.size() == 27);
    CHECK(parse_instant(read.recorded_at) <= now_utc());
    CHECK(read.hash == posted.hash);
    CHECK(read.prev_hash == posted.prev_hash);

    const Entry project = ledger.entry(id(1));
    CHECK(project.kind == EntryKind::project);
    CHECK_FALSE(project.level.has_value());
    CHECK(project.amount.fen() == 0);
}

TEST_CASE("log filters entries by project kind dates and user", "[ledger]") {
    Books books([](Ledger& ledger) {
        post_seed(ledger);
        ledger.add_project(Project{"P2", "另一个项目", "", ""}, Actor{"会计李四", "lisi"});  // #7
        Posting p = posting(EntryKind::appropriation, "10.00", "2020-06-01");
        p.project = "P2";
        ledger.post(p, Actor{"会计李四", "lisi"});  // #8
    });
    const Ledger ledger = books.open(Ledger::Mode::read_only);
    const auto ids_of = [](const std::vector<Entry>& entries) {
        std::vector<std::int64_t> ids;
        for (const Entry& e : entries) {
            ids.push_back(static_cast<std::int64_t>(e.id));
        }
        return ids;
    };
    CHECK(ids_of(ledger.log(everything())) == std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8});

    LogFilter by_project = everything();
    by_project.project = "P2";
    CHECK(ids_of(ledger.log(by_project)) == std::vector<std::int64_t>{7, 8});

    LogFilter by_kind = everything();
    by_kind.kind = EntryKind::appropriation;
    CHECK(ids_of(ledger.log(by_kind)) == std::vector<std::int64_t>{3, 8});

    LogFilter by_dates = everything();
    by_dates.from = ymd("2020-03-01");
    by_dates.to = ymd("2020-11-30");
    CHECK(ids_of(ledger.log(by_dates)) == std::vector<std::int64_t>{4, 5, 6, 8});

    LogFilter by_user = everything();
    by_user.user = "会计李四";
    CHECK(ids_of(ledger.log(by_user)) == std::vector<std::int64_t>{7, 8});

    LogFilter as_of_date = everything();
    as_of_date.cut.as_of = ymd("2020-03-01");
    CHECK(ids_of(ledger.log(as_of_date)) == std::vector<std::int64_t>{3, 4});
}

TEST_CASE("A fresh ledger verifies and its digest is the genesis", "[ledger]") {
    Books books;
    const Ledger ledger = books.open(Ledger::Mode::read_only);
    const Digest digest = ledger.digest();
    CHECK(digest.entries == 0);
    CHECK(digest.head == kGenesis);
    const VerifyResult result = ledger.verify();
    CHECK(result.ok);
    CHECK(result.digest.entries == 0);
    CHECK(result.digest.head == kGenesis);
    CHECK(ledger.verify(kGenesis).ok);
    CHECK(ledger.verify("0:" + kGenesis).ok);
    CHECK(ledger.log(everything()).empty());
}

TEST_CASE("verify with a digest proves the ledger still contains and extends it", "[ledger]") {
    Books books;
    Digest older;
    {
        Ledger ledger = books.open();
        add_project(ledger);
        ledger.add_contract(contract("C1", "1,259,500.00", 500, 24), kActor);
        ledger.post(posting(EntryKind::appropriation, "1,259,500.00", "2020-01-15"), kActor);
        older = ledger.digest();
        ledger.post(posting(EntryKind::arrival, "125.95万", "2020-03-01"), kActor);
        ledger.post(on_contract("C1", posting(EntryKind::payment, "1,196,525.00", "2020-11-30")),
                    kActor);
        ledger.post(retention("C1", "2020-11-30", "2020-11-20"), kActor);
    }
    const Ledger ledger = books.open(Ledger::Mode::read_only);
    const Digest current = ledger.digest();
    CHECK(older.entries == 3);
    CHECK(older.head == ledger.entry(id(3)).hash);
    CHECK(current.entries == 6);
    CHECK(current.head == ledger.entry(id(6)).hash);

    const VerifyResult plain = ledger.verify();
    CHECK(plain.ok);
    CHECK(plain.digest.entries == current.entries);
    CHECK(plain.digest.head == current.head);
    CHECK_FALSE(plain.first_bad.has_value());

    for (const std::string& good :
         {current.head, "6:" + current.head, upper(current.head), older.head, "3:" + older.head}) {
        CAPTURE(good);
        CHECK(ledger.verify(good).ok);
    }

    const auto made_up =
        std::string("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    for (const std::string& bad :
         {made_up, "6:" + made_up, "5:" + current.head, "4:" + older.head}) {
        CAPTURE(bad);
        const VerifyResult result = ledger.verify(bad);
        CHECK_FALSE(result.ok);
        CHECK_FALSE(result.problem.empty());
        CHECK_FALSE(result.first_bad.has_value());
    }
    for (const std::string& malformed : {std::string("xyz"), std::string("6:"), "x:" + current.head,
                                         current.head.substr(1), ":" + current.head}) {
        CAPTURE(malformed);
        CHECK_THROWS_MATCHES(ledger.verify(malformed), Error, HasCode(ErrorCode::invalid_input));
    }
}

// =================================================================================================
// Files, modes and transactions

TEST_CASE("Opening a missing ledger is not_found and creates nothing", "[ledger]") {
    TempDir dir;
    const std::string path = dir.ledger("missing.db");  // PostgreSQL: a database without a ledger
    const auto mode = GENERATE(Ledger::Mode::read_only, Ledger::Mode::read_write);
    CHECK_THROWS_MATCHES(Ledger::open(path, mode), Error, HasCode(ErrorCode::not_found));
    CHECK_FALSE(fs::exists(path));
    CHECK(ledger_bytes(path).empty());
}

TEST_CASE("A file that is not SQLite is refused as invalid_input and left unchanged", "[ledger][sqlite-only]") {
    TempDir dir;
    const std::string path = dir.file("notes.txt");
    const std::size_t repeat = GENERATE(std::size_t{1}, std::size_t{500});
    CAPTURE(repeat);
    {
        std::ofstream out(path, std::ios::binary);
        for (std::size_t i = 0; i < repeat; ++i) {
            out << "项目支出绩效自评报告: this is not a ledger\n";
        }
    }
    const std::string before = file_bytes(path);
    CHECK_THROWS_MATCHES(Ledger::create(path), Error, HasCode(ErrorCode::invalid_input));
    CHECK(file_bytes(path) == before);
    CHECK_THROWS_MATCHES(Ledger::open(path, Ledger::Mode::read_write), Error,
                         HasCode(ErrorCode::invalid_input));
    CHECK_THROWS_MATCHES(Ledger::open(path, Ledger::Mode::read_only), Error,
                         HasCode(ErrorCode::invalid_input));
    CHECK(file_bytes(path) == before);
    CHECK_FALSE(fs::exists(path + "-wal"));
}

TEST_CASE("A SQLite file of another program is refused as invalid_input and left unchanged",
          "[ledger][sqlite-only]") {
    TempDir dir;
    const std::string path = dir.file("other.db");
    {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db,
                             "CREATE TABLE notes(text TEXT); INSERT INTO notes VALUES ('keep me');",
                             nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
    }
    const std::string before = file_bytes(path);
    CHECK_THROWS_MATCHES(Ledger::create(path), Error, HasCode(ErrorCode::invalid_input));
    CHECK_THROWS_MATCHES(Ledger::open(path, Ledger::Mode::read_write), Error,
                         HasCode(ErrorCode::invalid_input));
    CHECK_THROWS_MATCHES(Ledger::open(path, Ledger::Mode::read_only), Error,
                         HasCode(ErrorCode::invalid_input));
    const bool unchanged = file_bytes(path) == before;
    CHECK(unchanged);
}

TEST_CASE("A path SQLite would read as a URI or memory is invalid_input", "[ledger][sqlite-only]") {
    TempDir dir;
    for (const std::string& path :
         {std::string("file:x.db"), "file:" + dir.file("x.db"),
          "file:" + dir.file("x.db") + "?mode=memory", std::string(":memory:"), std::string()}) {
        CAPTURE(path);
        CHECK_THROWS_MATCHES(Ledger::create(path), Error, HasCode(ErrorCode::invalid_input));
        CHECK_THROWS_MATCHES(Ledger::open(path, Ledger::Mode::read_write), Error,
                             HasCode(ErrorCode::invalid_input));
        CHECK_THROWS_MATCHES(Ledger::open(path, Ledger::Mode::read_only), Error,
                             HasCode(ErrorCode::invalid_input));
    }
    CHECK_FALSE(fs::exists(dir.file("x.db")));
    CHECK_FALSE(fs::exists("file:x.db"));
}

TEST_CASE("create on an existing ledger keeps its entries and an empty file becomes a ledger",
          "[ledger]") {
    Books books(post_seed);
    const Digest before = books.open(Ledger::Mode::read_only).digest();
    const std::string form_before = state_text(books.open(Ledger::Mode::read_only), 2020);
    Ledger::create(books.path);  // rewrites the header's change counter, nothing else
    {
        const Ledger ledger = books.open(Ledger::Mode::read_only);
        CHECK(ledger.digest().entries == before.entries);
        CHECK(ledger.digest().head == before.head);
        CHECK(ledger.verify().ok);
        CHECK(state_text(ledger, 2020) == form_before);
    }

    const std::string empty = books.dir.ledger("empty.db");  // PostgreSQL: an empty database
    if (!ledger_test::is_pg(empty)) {
        std::ofstream touch(empty);
    }
    Ledger::create(empty);
    const Ledger ledger = Ledger::open(empty, Ledger::Mode::read_write);
    CHECK(ledger.digest().entries == 0);
    CHECK(ledger.verify().ok);
}

TEST_CASE("in_transaction rolls back every posting when its body throws", "[ledger]") {
    Books books(add_project);
    SECTION("an exception of the caller") {
        attempt_leaves_no_trace(books.path, [](Ledger& ledger) {
            CHECK_THROWS_WITH(ledger.in_transaction([&] {
                ledger.post(posting(EntryKind::appropriation, "1,000.00", "2021-01-10"), kActor);
                ledger.post(posting(EntryKind::arrival, "1,000.00", "2021-02-01"), kActor);
                CHECK(ledger.digest().entries == 3);  // visible inside the transaction
                throw std::runtime_error("the import file ended early");
            }),
                              "the import file ended early");
        });
    }
    SECTION("a refusal of the last posting") {
        attempt_leaves_no_trace(books.path, [](Ledger& ledger) {
            CHECK_THROWS_MATCHES(ledger.in_transaction([&] {
                ledger.post(posting(EntryKind::appropriation, "1,000.00", "2021-01-10"), kActor);
                ledger.post(posting(EntryKind::arrival, "1,000.00", "2021-02-01"), kActor);
                ledger.post(posting(EntryKind::payment, "1,000.01", "2021-03-01"), kActor);
            }),
                                 Error, HasCode(ErrorCode::rejected));
        });
    }
    SECTION("a body that succeeds commits every posting, each checked against the ones before it") {
        {
            Ledger ledger = books.open();
            ledger.in_transaction([&] {
                ledger.post(posting(EntryKind::appropriation, "1,000.00", "2021-01-10"), kActor);
                ledger.post(posting(EntryKind::arrival, "1,000.00", "2021-02-01"), kActor);
                ledger.post(posting(EntryKind::payment, "1,000.00", "2021-03-01"), kActor);
            });
        }
        const Ledger ledger = books.open(Ledger::Mode::read_only);
        CHECK(ledger.digest().entries == 4);
        CHECK(ledger.verify().ok);
        check_figures(ledger.execution_report("P1", 2021, as_of("2021-12-31")).total, 100000,
                      100000, 100000, 100000);
    }
}

TEST_CASE("A read-only ledger reads the same figures as a writable one", "[ledger]") {
    Books books(post_seed);
    const std::string expected = state_text(books.open(), 2020);
    const auto file_before = file_state(books.path);
    {
        const Ledger ledger = books.open(Ledger::Mode::read_only);
        CHECK(state_text(ledger, 2020) == expected);
        CHECK(ledger.verify().ok);
        CHECK(ledger.digest().entries == 6);
    }
    const bool unchanged = file_state(books.path).first == file_before.first;
    CHECK(unchanged);
}

TEST_CASE("A read-only ledger refuses to post with an Error and writes nothing", "[ledger]") {
    Books books(post_seed);
    const std::string before = ledger_bytes(books.path);
    // The attempt runs in a child process, so that an abort instead of an Error fails this test
    // only.
    const auto attempt =
        GENERATE(as<std::string_view>{}, "post", "reverse", "add_project", "in_transaction");
    CAPTURE(attempt);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // Catch's handler would report the abort as this test's failure a second time, from the
        // child.
        std::signal(SIGABRT, SIG_DFL);
        int status = 2;  // the posting went through
        try {
            Ledger ledger = Ledger::open(books.path, Ledger::Mode::read_only);
            if (attempt == "post") {
                ledger.post(posting(EntryKind::appropriation, "1.00", "2020-12-01"), kActor);
            } else if (attempt == "reverse") {
                ledger.reverse(id(5), "冲销", kActor);
            } else if (attempt == "add_project") {
                ledger.add_project(Project{"P2", "另一个项目", "", ""}, kActor);
            } else {
                ledger.in_transaction([] {});
            }
        } catch (const Error&) {
            status = 0;
        } catch (...) {
            status = 3;
        }
        std::_Exit(status);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    const bool exited = WIFEXITED(status);
    const int exit_code = exited ? WEXITSTATUS(status) : -1;
    const int killed_by = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    INFO("child exit code 0: Error thrown, 2: posting accepted, 3: another exception");
    CHECK(killed_by == 0);  // SIGABRT (6) when a LEDGER_ASSERT fires instead of an Error
    CHECK(exit_code == 0);

    const Ledger ledger = books.open(Ledger::Mode::read_only);
    CHECK(ledger.digest().entries == 6);
    CHECK(ledger.verify().ok);
    const bool unchanged = ledger_bytes(books.path) == before;
    CHECK(unchanged);
}

// =================================================================================================
// Tampering behind the library's back

TEST_CASE("verify names the first entry altered outside fundflow", "[ledger]") {
    const auto [sql, first_bad] = GENERATE(table<std::string_view, std::int64_t>({
        {"DROP TRIGGER entries_no_update; UPDATE entries SET amount_fen = amount_fen + 1 WHERE id "
         "= 3;",
         3},
        {"DROP TRIGGER entries_no_update; UPDATE entries SET memo = '改过' WHERE id = 3;", 3},
        {"DROP TRIGGER entries_no_update; UPDATE entries SET effective_on = '2020-01-16' WHERE id "
         "= 3;",
         3},
        {"DROP TRIGGER entries_no_update; UPDATE entries SET \"user\" = 'someone else' WHERE id = 5;",
         5},
        {"DROP TRIGGER projects_no_update; UPDATE projects SET name = '另一个名字';", 1},
        {"DROP TRIGGER contracts_no_update; UPDATE contracts SET amount_fen = amount_fen * 2;", 2},
    }));
    CAPTURE(sql);
    Books books(post_seed);
    {
        const Ledger ledger = books.open(Ledger::Mode::read_only);
        REQUIRE(ledger.verify().ok);
    }
    REQUIRE(run_sql(books.path, std::string(sql)) == std::string());

    const Ledger ledger = books.open(Ledger::Mode::read_only);
    const VerifyResult result = ledger.verify();
    CHECK_FALSE(result.ok);
    CHECK(result.first_bad == std::optional<EntryId>{id(first_bad)});
    CHECK_THAT(result.problem.english(), Catch::Contains("#" + std::to_string(first_bad)));
    CHECK(result.digest.entries == first_bad - 1);
}

TEST_CASE("Deleting the newest entry with the caches repaired is caught only by an older digest",
          "[ledger]") {
    Books books(post_seed);
    Digest kept;
    {
        const Ledger ledger = books.open(Ledger::Mode::read_only);
        kept = ledger.digest();
    }
    REQUIRE(kept.entries == 6);
    // Someone who knows the schema drops its guards, deletes the retention and recomputes the
    // derived totals.
    REQUIRE(
        run_sql(books.path,
                "DROP TRIGGER entries_no_delete;"
                "DROP TRIGGER day_totals_no_delete; DROP TRIGGER day_totals_guard_insert;"
                "DROP TRIGGER month_totals_no_delete; DROP TRIGGER month_totals_guard_insert;"
                "DROP TRIGGER year_totals_no_delete; DROP TRIGGER year_totals_guard_insert;"
                "DELETE FROM entries WHERE id = (SELECT max(id) FROM entries);"
                "DELETE FROM day_totals;"
                "INSERT INTO day_totals SELECT project_id, level, effective_on, effect_kind, "
                "SUM(amount_fen)"
                "  FROM entries WHERE level IS NOT NULL GROUP BY 1, 2, 3, 4;"
                "DELETE FROM month_totals;"
                "INSERT INTO month_totals SELECT project_id, level, substr(effective_on, 1, 7), effect_kind, "
                "SUM(amount_fen) FROM day_totals GROUP BY 1, 2, 3, 4;"
                "DELETE FROM year_totals;"
                "INSERT INTO year_totals SELECT project_id, level, CAST(substr(effective_on, 1, 4) AS INTEGER), "
                "effect_kind, SUM(amount_fen) FROM day_totals GROUP BY 1, 2, 3, 4;") ==
        std::string());

    const Ledger ledger = books.open(Ledger::Mode::read_only);
    const VerifyResult alone = ledger.verify();
    INFO(alone.problem);
    CHECK(alone.ok);  // a shorter chain is still a valid chain
    CHECK(alone.digest.entries == 5);

    for (const std::string& digest : {"6:" + kept.head, kept.head}) {
        CAPTURE(digest);
        const VerifyResult with_digest = ledger.verify(digest);
        CHECK_FALSE(with_digest.ok);
        CHECK_FALSE(with_digest.problem.empty());
    }
    CHECK(ledger.verify("5:" + ledger.entry(id(5)).hash).ok);
}

TEST_CASE("Deleting the newest entry without repairing the caches is caught by verify alone",
          "[ledger]") {
    Books books(post_seed);
    REQUIRE(run_sql(books.path,
                    "DROP TRIGGER entries_no_delete; DELETE FROM entries WHERE id = (SELECT "
                    "max(id) FROM entries);") == std::string());
    const Ledger ledger = books.open(Ledger::Mode::read_only);
    const VerifyResult result = ledger.verify();
    CHECK_FALSE(result.ok);
    CHECK_FALSE(result.problem.empty());
}

TEST_CASE("An edited derived total is caught by verify", "[ledger]") {
    const auto sql = GENERATE(
        as<std::string_view>{},
        "DROP TRIGGER day_totals_guard_update;"
        "UPDATE day_totals SET amount_fen = amount_fen - 100 WHERE effect_kind = 'payment';",
        "DROP TRIGGER day_totals_guard_insert;"
        "INSERT INTO day_totals VALUES (1, 'county', '2020-12-02', 'payment', 1);",
        "DROP TRIGGER month_totals_guard_update;"
        "UPDATE month_totals SET amount_fen = amount_fen - 100 WHERE effect_kind = 'payment';",
        "DROP TRIGGER year_totals_guard_insert;"
        "INSERT INTO year_totals VALUES (1, 'county', 2019, 'payment', 1);");
    CAPTURE(sql);
    Books books(post_seed);
    REQUIRE(run_sql(books.path, std::string(sql)) == std::string());
    const Ledger ledger = books.open(Ledger::Mode::read_only);
    const VerifyResult result = ledger.verify();
    CHECK_FALSE(result.ok);
    CHECK_FALSE(result.first_bad.has_value());
    CHECK_THAT(result.problem.english(), Catch::Contains("totals"));
}

namespace {

// The statements a writer outside fundflow tries, which the database's triggers refuse.
std::vector<std::string> refused_edits() {
    std::vector<std::string> sql = {
        "UPDATE entries SET memo = 'x' WHERE id = 5", "UPDATE entries SET amount_fen = 0",
        "DELETE FROM entries WHERE id = 6", "DELETE FROM entries", "UPDATE projects SET name = 'x'",
        "DELETE FROM projects", "UPDATE contracts SET amount_fen = 1", "DELETE FROM contracts",
        // The derived totals are guarded the same way.
        "UPDATE day_totals SET amount_fen = amount_fen - 100", "DELETE FROM day_totals",
        "INSERT INTO day_totals VALUES (1, 'county', '2020-12-01', 'payment', 100)",
        "UPDATE month_totals SET amount_fen = amount_fen - 100", "DELETE FROM year_totals",
        "INSERT INTO month_totals VALUES (1, 'county', '2020-12', 'payment', 100)",
        "INSERT INTO year_totals VALUES (1, 'county', 2020, 'payment', 100)"};
    if (ledger_test::on_postgres()) {
        // PostgreSQL has no REPLACE; an insert that collides with a row is refused by the same triggers, and
        // TRUNCATE (which fires no row trigger) by a statement trigger.
        sql.insert(sql.end(), {"INSERT INTO projects (id, code, name, unit_name, func_code) VALUES (1, 'P001', 'x', '', '')",
                               "INSERT INTO entries SELECT * FROM entries WHERE id = 6",
                               "INSERT INTO entries SELECT * FROM entries WHERE id = 6 ON CONFLICT (id) DO UPDATE SET memo = 'x'",
                               "TRUNCATE entries CASCADE", "TRUNCATE projects, contracts, entries CASCADE",
                               "TRUNCATE day_totals"});
    } else {
        // REPLACE deletes a conflicting row without firing DELETE triggers: refused too.
        sql.insert(sql.end(), {"REPLACE INTO projects (id, code, name, unit_name, func_code) VALUES (1, 'P001', 'x', '', '')",
                               "INSERT OR REPLACE INTO entries SELECT * FROM entries WHERE id = 6"});
    }
    return sql;
}

}  // namespace

TEST_CASE("Triggers refuse UPDATE and DELETE on entries projects and contracts", "[ledger]") {
    const auto sql = GENERATE(from_range(refused_edits()));
    CAPTURE(sql);
    Books books(post_seed);
    const std::string before = ledger_bytes(books.path);
    const std::string refusal = run_sql(books.path, sql);
    CHECK_THAT(refusal, Catch::Contains("append-only"));
    if (ledger_test::is_pg(books.path)) {  // the ledger's own refusal, even to the tables' owner
        CHECK_THAT(refusal, Catch::StartsWith("[FF001]"));
    }
    const bool unchanged = ledger_bytes(books.path) == before;
    CHECK(unchanged);
    const Ledger ledger = books.open(Ledger::Mode::read_only);
    CHECK(ledger.verify().ok);
    CHECK(ledger.digest().entries == 6);
}

// =================================================================================================
// Carryover (domain.md §6)

TEST_CASE(
    "Year N's unexecuted balance is year N+1's carryover and a later release is executed from it",
    "[ledger]") {
    // The seed leaves 62,975.00 unexecuted in 2020, all of it the retention. In 2021 the carryover
    // column has budget = arrived = 62,975.00 and no initial budget; releasing the deposit in 2021
    // shows as carryover executed there (domain.md §6), not as county money that never arrived in
    // 2021.
    Books books(post_seed);
    Ledger ledger = books.open();
    const ExecutionReport before = ledger.execution_report("P1", 2021, as_of("2021-12-31"));
    check_figures(before.level(Level::carryover), 0, 6297500, 6297500, 0);
    check_figures(before.level(Level::county), 0, 0, 0, 0);

    ledger.post(release_all("C1", "2021-06-30"), kActor);
    const ExecutionReport after = ledger.execution_report("P1", 2021, as_of("2021-12-31"));
    check_figures(after.level(Level::carryover), 0, 6297500, 6297500, 6297500);
    check_figures(after.level(Level::county), 0, 0, 0, 0);
    check_figures(after.total, 0, 6297500, 6297500, 6297500);
    CHECK(after.retention_outstanding.fen() == 0);
}

// -------------------------------------------------------------------------------------------------
// One snapshot per read (issue 11): the concurrency contract of ledger.hpp.

TEST_CASE("Reads inside read_snapshot see one state while another connection commits", "[ledger]") {
    Books books(post_seed);
    const Ledger reader = books.open(Ledger::Mode::read_only);
    Ledger writer = books.open();
    const Money budget_before = reader.execution_report("P1", 2020, as_of("2020-12-31")).total.full_year_budget;
    Digest inside_first;
    Digest inside_second;
    Money budget_inside;
    bool verified_inside = false;
    std::size_t contracts_seen = 0;
    reader.read_snapshot([&] {
        inside_first = reader.digest();
        writer.add_contract(contract("C2", "1,000.00", 500, 12), kActor);
        writer.post(posting(EntryKind::appropriation, "0.01", "2020-03-02"), kActor);
        inside_second = reader.digest();
        budget_inside = reader.execution_report("P1", 2020, as_of("2020-12-31")).total.full_year_budget;
        // verify's second connection must see this snapshot too, not the newer file: with the new
        // contract seen by one read and not by another it would raise a false alarm.
        verified_inside = reader.verify().ok;
        contracts_seen = reader.log(everything()).size();
    });
    CHECK(inside_second.entries == inside_first.entries);
    CHECK(inside_second.head == inside_first.head);
    CHECK(budget_inside == budget_before);
    CHECK(verified_inside);
    CHECK(contracts_seen == static_cast<std::size_t>(inside_first.entries));
    // After the snapshot, the next read sees the writer's commits.
    CHECK(reader.digest().entries == inside_first.entries + 2);
    CHECK(reader.execution_report("P1", 2020, as_of("2020-12-31")).total.full_year_budget ==
          budget_before + Money::parse("0.01"));
    CHECK(reader.verify().ok);
}

TEST_CASE("A write cannot start inside a read snapshot, and a read inside a write sees the write",
          "[ledger]") {
    Books books(post_seed);
    Ledger ledger = books.open();
    const Digest before = ledger.digest();
    CHECK_THROWS_MATCHES(ledger.read_snapshot([&] {
        ledger.post(posting(EntryKind::appropriation, "0.01", "2020-03-02"), kActor);
    }),
                         Error, HasCode(ErrorCode::storage));
    CHECK(ledger.digest().entries == before.entries);
    ledger.in_transaction([&] {
        ledger.post(posting(EntryKind::appropriation, "0.01", "2020-03-02"), kActor);
        CHECK(ledger.digest().entries == before.entries + 1);
        ledger.read_snapshot([&] { CHECK(ledger.log(everything()).size() == static_cast<std::size_t>(before.entries + 1)); });
        CHECK(ledger.verify().ok);
    });
    CHECK(ledger.digest().entries == before.entries + 1);
}

TEST_CASE("spot_check finds an altered newest entry and a year's totals out of step", "[ledger]") {
    Books books(post_seed);
    {
        const Ledger ledger = books.open(Ledger::Mode::read_only);
        CHECK_FALSE(ledger.spot_check({{"P1", 2020}}).has_value());
        CHECK_FALSE(ledger.spot_check({{"nope", 2020}}, 0).has_value());
    }
    REQUIRE(tamper(books.path, "UPDATE entries SET amount_fen = amount_fen + 1 WHERE id = 4") == std::string());
    const Ledger ledger = books.open(Ledger::Mode::read_only);
    const auto links = ledger.spot_check({});
    REQUIRE(links.has_value());
    CHECK_THAT(links->english(), Catch::Contains("entry #4 was altered"));
    // Out of reach of the links checked (the 2 newest), the year's totals still tell.
    const auto totals = ledger.spot_check({{"P1", 2020}}, 2);
    REQUIRE(totals.has_value());
    CHECK_THAT(totals->english(), Catch::Contains("the day totals of 2020 differ"));
    CHECK_FALSE(ledger.spot_check({{"P1", 2021}}, 2).has_value());
}
