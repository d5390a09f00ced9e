// present/render.hpp: renderers write into a string under capture_output, one capture per thread.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ledger/calendar.hpp"

#include "present/render.hpp"

using fundflow::capture_output;
using fundflow::RenderOptions;

namespace {

ledger::Digest digest(std::int64_t entries) {
    ledger::Digest d;
    d.entries = entries;
    d.head = std::string(64, 'b');
    return d;
}

}  // namespace

TEST_CASE("capture_output returns what the renderers wrote, in every format", "[render]") {
    RenderOptions o;
    CHECK(capture_output([&] { fundflow::print_digest(o, digest(5)); }) == "5:" + std::string(64, 'b') + "\n");
    o.format_name = "json";
    CHECK(capture_output([&] { fundflow::print_digest(o, digest(5)); }) ==
          "{\"entries\": 5, \"head\": \"" + std::string(64, 'b') + "\"}\n");
    o.format_name = "csv";
    CHECK(capture_output([&] { fundflow::print_digest(o, digest(5)); }) ==
          "entries,head\r\n5," + std::string(64, 'b') + "\r\n");
}

TEST_CASE("a table is captured whole: title, headings, rule and rows", "[render]") {
    RenderOptions o;
    o.lang = fundflow::Lang::en;
    ledger::BalanceReport report;
    report.as_of = ledger::parse_date("2020-12-31");
    ledger::BalanceRow row;
    row.project = "P001";
    row.arrived = ledger::Money::from_fen(125950000);
    report.rows.push_back(row);
    const std::string text = capture_output([&] { fundflow::print_balance(o, report, ledger::BalanceBy::project); });
    CHECK(text.rfind("Balances  as of 2020-12-31  unit: yuan\nproject", 0) == 0);
    CHECK(text.find("\n-----") != std::string::npos);
    CHECK(text.find("P001") != std::string::npos);
    CHECK(text.find("1,259,500.00") != std::string::npos);
    CHECK(text.back() == '\n');
}

TEST_CASE("captures nest, and an exception leaves the outer capture in place", "[render]") {
    RenderOptions o;
    std::string inner;
    const std::string outer = capture_output([&] {
        fundflow::print_line(o, "before");
        inner = capture_output([&] { fundflow::print_line(o, "inside"); });
        CHECK_THROWS_AS(capture_output([&] {
                            fundflow::print_line(o, "lost");
                            throw std::runtime_error("refused");
                        }),
                        std::runtime_error);
        fundflow::print_line(o, "after");
    });
    CHECK(inner == "inside\n");
    CHECK(outer == "before\nafter\n");
}

TEST_CASE("each thread captures its own output", "[render]") {
    constexpr int kThreads = 8;
    constexpr int kLines = 2000;
    std::vector<std::string> results(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([t, &results] {
            RenderOptions o;
            o.format_name = t % 2 == 0 ? "json" : "table";
            results[static_cast<std::size_t>(t)] = capture_output([&] {
                for (int i = 0; i < kLines; ++i) {
                    fundflow::print_digest(o, digest(t));
                }
            });
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    for (int t = 0; t < kThreads; ++t) {
        RenderOptions o;
        o.format_name = t % 2 == 0 ? "json" : "table";
        const std::string one = capture_output([&] { fundflow::print_digest(o, digest(t)); });
        std::string expected;
        for (int i = 0; i < kLines; ++i) {
            expected += one;
        }
        CHECK(results[static_cast<std::size_t>(t)] == expected);
    }
}
