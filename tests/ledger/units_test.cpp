// Tests of budget units (预算单位, schema 7, issue 14): the tree, projects belonging to units, and the
// consolidated reads. The consolidation is checked as a property over random trees and random books: for
// every unit and year, each column of `unit_execution_report` is the sum of the forms of the projects that a
// walk of the tree written here (not the library's recursive query) finds below the unit, and `unit_balances`
// by level the sum of those projects' balances. Registration rules and tamper evidence follow.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "ledger/ledger.hpp"
#include "error_matchers.hpp"
#include "run_sql.hpp"
#include "temp_dir.hpp"

namespace {

using namespace ledger;

const Actor kClerk{"会计张三", "zhang"};

Date day(int year, unsigned month, unsigned d) { return Date{date::year{year} / date::month{month} / date::day{d}}; }

Posting posting(const std::string& project, EntryKind kind, Level level, std::int64_t fen, Date on) {
    Posting p;
    p.kind = kind;
    p.project = project;
    p.level = level;
    p.amount = Money::from_fen(fen);
    p.date = on;
    return p;
}

using ledger_test::HasCode;
using ledger_test::run_sql;

void add(ExecutionFigures& sum, const ExecutionFigures& f) { sum += f; }

void check_same(const ExecutionFigures& got, const ExecutionFigures& want) {
    CHECK(got.initial_budget == want.initial_budget);
    CHECK(got.full_year_budget == want.full_year_budget);
    CHECK(got.arrived == want.arrived);
    CHECK(got.executed == want.executed);
    CHECK(got.recovered == want.recovered);
}

}  // namespace

TEST_CASE("units: consolidated forms and balances are the sums of the projects below, on random trees",
          "[units][property]") {
    for (unsigned seed = 1; seed <= 6; ++seed) {
        CAPTURE(seed);
        std::mt19937 random(seed);
        const auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(random); };
        ledger_test::TempDir dir;
        const std::string path = dir.ledger("units.db");
        Ledger::create(path);
        Ledger l = Ledger::open(path, Ledger::Mode::read_write);

        // A random tree: each unit's parent is an earlier unit or none.
        const int n_units = 3 + pick(8);
        std::vector<std::string> codes;
        std::map<std::string, std::string> parent_of;
        for (int u = 0; u < n_units; ++u) {
            const std::string code = "U" + std::to_string(u);
            const std::string parent = u == 0 || pick(4) == 0 ? "" : codes[static_cast<std::size_t>(pick(u))];
            l.add_unit(Unit{code, "单位" + std::to_string(u), parent}, kClerk, day(2019, 1, 1));
            codes.push_back(code);
            parent_of[code] = parent;
        }
        // Projects in random units (some in none), with money over two years on random levels.
        const int n_projects = 2 + pick(10);
        std::map<std::string, std::string> unit_of;
        for (int p = 0; p < n_projects; ++p) {
            const std::string code = "P" + std::to_string(p);
            const std::string unit = pick(5) == 0 ? "" : codes[static_cast<std::size_t>(pick(n_units))];
            l.add_project(Project{code, "项目" + std::to_string(p), "", "", unit}, kClerk, day(2019, 1, 2));
            unit_of[code] = unit;
            for (int year : {2020, 2021}) {
                for (Level level : {Level::central, Level::county, Level::other}) {
                    if (pick(3) == 0) {
                        continue;
                    }
                    const std::int64_t budget = 10000 + pick(1000000);
                    const std::int64_t arrived = budget / (1 + pick(3));
                    const std::int64_t paid = arrived / (1 + pick(4));
                    l.post(posting(code, EntryKind::appropriation, level, budget, day(year, 1, 10)), kClerk);
                    l.post(posting(code, EntryKind::arrival, level, arrived, day(year, 3, 1)), kClerk);
                    l.post(posting(code, EntryKind::payment, level, paid, day(year, 6, 1)), kClerk);
                }
            }
        }
        REQUIRE(l.verify().ok);

        // The model's walk: a project is below U when U is its unit or an ancestor of its unit.
        const auto below = [&](const std::string& u) {
            std::set<std::string> projects;
            for (const auto& [project, unit] : unit_of) {
                for (std::string at = unit; !at.empty(); at = parent_of[at]) {
                    if (at == u) {
                        projects.insert(project);
                        break;
                    }
                }
            }
            return projects;
        };
        for (const std::string& u : codes) {
            CAPTURE(u);
            const std::set<std::string> projects = below(u);
            const auto listed = l.projects_of_unit(u);
            CHECK(std::set<std::string>(listed.begin(), listed.end()) == projects);
            // Year ends, mid-year cut-offs (month and day totals) and a --known-at cut (the entries themselves).
            const auto middle = l.entry(EntryId{l.verify().digest.entries / 2});
            std::vector<std::pair<int, ReadCut>> cuts;
            for (int year : {2020, 2021, 2022}) {
                cuts.emplace_back(year, ReadCut{day(year, 12, 31), std::nullopt});
                cuts.emplace_back(year, ReadCut{day(year, 6, 15), std::nullopt});
                cuts.emplace_back(year, ReadCut{day(year, 12, 31), parse_instant(middle.recorded_at)});
            }
            for (const auto& [year, cut] : cuts) {
                CAPTURE(year, to_string(cut.as_of), cut.known_at.has_value());
                const ExecutionReport got = l.unit_execution_report(u, year, cut);
                ExecutionReport want;
                for (const auto& p : projects) {
                    const ExecutionReport one = l.execution_report(p, year, cut);
                    for (Level level : kLevels) {
                        add(want.levels[static_cast<std::size_t>(level)], one.level(level));
                    }
                    add(want.total, one.total);
                    add(want.fiscal_subtotal, one.fiscal_subtotal);
                }
                CHECK(got.project == u);
                for (Level level : kLevels) {
                    check_same(got.level(level), want.level(level));
                }
                check_same(got.total, want.total);
                check_same(got.fiscal_subtotal, want.fiscal_subtotal);
                // The carryover of 2021 and 2022 is not zero unless nothing was left: it is summed, not lost.
                const BalanceReport balances = l.unit_balances(u, BalanceBy::level, cut);
                std::map<Level, Money> arrived;
                for (const auto& p : projects) {
                    for (const auto& row : l.balances(p, BalanceBy::level, cut).rows) {
                        arrived[*row.level] += row.arrived - row.executed;
                    }
                }
                std::map<Level, Money> got_balance;
                for (const auto& row : balances.rows) {
                    CHECK(row.project == u);
                    got_balance[*row.level] += row.arrived - row.executed;
                }
                CHECK(got_balance == arrived);
                const BalanceReport by_project = l.unit_balances(u, BalanceBy::project, cut);
                std::set<std::string> rows;
                for (const auto& row : by_project.rows) {
                    rows.insert(row.project);
                }
                CHECK(std::includes(projects.begin(), projects.end(), rows.begin(), rows.end()));
            }
        }
    }
}

TEST_CASE("units: registration rules, the tree in order, and the project's unit in its hash", "[units]") {
    ledger_test::TempDir dir;
    const std::string path = dir.ledger("units.db");
    Ledger::create(path);
    {
        Ledger l = Ledger::open(path, Ledger::Mode::read_write);
        l.add_unit(Unit{"省厅", "某省财政厅", ""}, kClerk, day(2020, 1, 1));
        l.add_unit(Unit{"市局", "某市财政局", "省厅"}, kClerk, day(2020, 1, 1));
        CHECK_THROWS_MATCHES(l.add_unit(Unit{"市局", "again", ""}, kClerk), Error,
                             HasCode(ErrorCode::rejected));
        CHECK_THROWS_MATCHES(l.add_unit(Unit{"县局", "x", "无此单位"}, kClerk), Error,
                             HasCode(ErrorCode::not_found));
        for (const char* money : {"yuan", "wan", "元", "万元"}) {
            CHECK_THROWS_MATCHES(l.add_unit(Unit{money, "x", ""}, kClerk), Error,
                                 HasCode(ErrorCode::invalid_input));
        }
        CHECK_THROWS_MATCHES(l.add_unit(Unit{"A B", "x", ""}, kClerk), Error,
                             HasCode(ErrorCode::invalid_input));
        CHECK_THROWS_MATCHES(l.add_project(Project{"P9", "x", "", "", "无此单位"}, kClerk), Error,
                             HasCode(ErrorCode::not_found));
        CHECK_FALSE(l.find_project("P9"));  // nothing written
        l.add_project(Project{"P1", "项目", "", "", "市局"}, kClerk, day(2020, 1, 2));
        l.add_project(Project{"P2", "无单位项目", "", ""}, kClerk, day(2020, 1, 2));
        const auto units = l.units();
        REQUIRE(units.size() == 2);
        CHECK(units[0].code == "省厅");
        CHECK(units[0].parent.empty());
        CHECK(units[1].parent == "省厅");
        CHECK(l.project("P1").unit == "市局");
        CHECK(l.project("P2").unit.empty());
        CHECK(l.projects_of_unit("省厅") == std::vector<std::string>{"P1"});
        CHECK(l.verify().digest.entries == 4);
        CHECK(l.verify().ok);
        // A unit without projects consolidates to zeros.
        l.add_unit(Unit{"空", "无项目单位", "省厅"}, kClerk, day(2020, 1, 1));
        CHECK(l.unit_execution_report("空", 2020, ReadCut{day(2020, 12, 31), std::nullopt}).total.arrived == Money{});
    }
    SECTION("moving a project to another unit behind fundflow's back breaks its entry's hash") {
        REQUIRE(run_sql(path, "DROP TRIGGER projects_no_update; UPDATE projects SET unit_id = "
                              "(SELECT id FROM units WHERE code = '省厅') WHERE code = 'P1'") == "");
        const auto result = Ledger::open(path, Ledger::Mode::read_only).verify();
        CHECK_FALSE(result.ok);
        CHECK(result.first_bad == EntryId{3});
    }
    SECTION("moving a unit under another parent breaks its entry's hash") {
        REQUIRE(run_sql(path, "DROP TRIGGER units_no_update; UPDATE units SET parent_id = NULL WHERE code = '市局'") ==
                "");
        const auto result = Ledger::open(path, Ledger::Mode::read_only).verify();
        CHECK_FALSE(result.ok);
        CHECK(result.first_bad == EntryId{2});
    }
    SECTION("a unit row without its entry is found") {
        REQUIRE(run_sql(path, "DROP TRIGGER units_no_replace; INSERT INTO units (entry_id, code, name) VALUES "
                              "(3, '假', '伪造')") == "");
        CHECK_FALSE(Ledger::open(path, Ledger::Mode::read_only).verify().ok);
    }
    SECTION("the database refuses to edit or delete a unit") {
        CHECK(run_sql(path, "UPDATE units SET name = 'x'").find("append-only") != std::string::npos);
        CHECK(run_sql(path, "DELETE FROM units").find("append-only") != std::string::npos);
        CHECK(run_sql(path, "INSERT INTO units (entry_id, code, name) VALUES (3, 'X', 'x')").find("append-only") !=
              std::string::npos);
    }
}
