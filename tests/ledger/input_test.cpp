// Tests of Chinese input habits (issue 12.2): amounts, rates and dates as typed with a Chinese input
// method (full-width digits and punctuation, 万/亿 units, 年月日), the Chinese words of levels, kinds,
// deposit statuses and balance breakdowns, and what each refusal says.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "error_matchers.hpp"
#include "ledger/calendar.hpp"
#include "ledger/entry.hpp"
#include "ledger/error.hpp"
#include "ledger/money.hpp"
#include "ledger/ledger.hpp"
#include "ledger/words.hpp"
#include "temp_dir.hpp"

namespace {

using ledger::ErrorCode;
using ledger::Money;
using ledger_test::HasCode;

// The full-width form of ASCII text (０–９, ，．％ …): what a Chinese input method types.
std::string full_width(std::string_view ascii) {
    std::string out;
    for (const char c : ascii) {
        if (c > 0x20 && c < 0x7F) {
            const auto cp = static_cast<unsigned>(0xFF01 + (c - 0x21));
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += c;
        }
    }
    return out;
}

ledger::Date ymd(int y, unsigned m, unsigned d) {
    return ledger::Date{date::year{y}, date::month{m}, date::day{d}};
}

}  // namespace

TEST_CASE("Money::parse reads amounts typed with a Chinese input method", "[input][money]") {
    const auto [text, fen] = GENERATE(table<std::string_view, std::int64_t>({
        {"１２３.００", 12300},
        {"１２３．００", 12300},
        {"１，２３４.５６", 123456},
        {"1，234，567", 123456700},
        {"￥1,259,500", 125950000},
        {"¥ 1,259,500.00", 125950000},
        {"￥１２５.９５万元", 125950000},
        {"1亿", 10000000000},
        {"1亿元", 10000000000},
        {"1.5亿", 15000000000},
        {"0.0000000001亿", 1},
        {"1.2345678901亿元", 12345678901},
        {"100 元", 10000},
        {" 125.95 万 ", 125950000},
        {"-５０.００", -5000},
        {"－５０", -5000},
        {"　１００元　", 10000},
        {"92233720368547758.07", std::numeric_limits<std::int64_t>::max()},
        {"922337203.6854775807亿", std::numeric_limits<std::int64_t>::max()},
    }));
    CAPTURE(text);
    CHECK(Money::parse(text).fen() == fen);
}

TEST_CASE("Money::parse refuses finer than a fen, wrong grouping and overflow, naming the text", "[input][money]") {
    SECTION("more decimals than the unit allows is an error, never a rounding") {
        const auto [text, unit] = GENERATE(table<std::string_view, std::string_view>({
            {"１.２３４", "2 decimals of 元"},
            {"1.0000001万", "6 decimals of 万元"},
            {"1.00000000001亿", "10 decimals of 亿元"},
        }));
        CAPTURE(text);
        CHECK_THROWS_MATCHES(Money::parse(text), ledger::Error, HasCode(ErrorCode::invalid_input));
        CHECK_THROWS_WITH(Money::parse(text), Catch::Contains(std::string(text)) && Catch::Contains(std::string(unit)));
    }
    SECTION("thousands separators only between groups of three") {
        const auto text = GENERATE(as<std::string_view>{}, "1,23,4", "１，２３，４", "12,34万", "1，2345");
        CAPTURE(text);
        CHECK_THROWS_MATCHES(Money::parse(text), ledger::Error, HasCode(ErrorCode::invalid_input));
        CHECK_THROWS_WITH(Money::parse(text), Catch::Contains("groups of three"));
    }
    SECTION("other text") {
        const auto text = GENERATE(as<std::string_view>{}, "5百", "一百元", "1亿万", "1万亿", "亿", "1 000", "1.5%",
                                   "¥¥1", "1元元", "1e3亿", "1000亿亿", "￥--1", "-￥-1");
        CAPTURE(text);
        CHECK_THROWS_MATCHES(Money::parse(text), ledger::Error, HasCode(ErrorCode::invalid_input));
    }
    SECTION("beyond int64 fen") {
        const auto text = GENERATE(as<std::string_view>{}, "922337203.6854775808亿", "９２２３３７２０３６８５４８万",
                                   "100000000000亿");
        CAPTURE(text);
        CHECK_THROWS_MATCHES(Money::parse(text), ledger::Error, HasCode(ErrorCode::limit_exceeded));
    }
}

TEST_CASE("Every amount parses back from format_yuan, in ASCII and in full width", "[input][money]") {
    // A cheap property: amounts spread over the whole range, both signs, and the edges.
    std::int64_t fen = 1;
    for (int i = 0; i < 200; ++i) {
        for (const std::int64_t value : {fen, -fen, fen - 1, fen + 7}) {
            const Money m = Money::from_fen(value);
            const std::string text = ledger::format_yuan(m);
            CAPTURE(text);
            CHECK(Money::parse(text) == m);
            CHECK(Money::parse(full_width(text)) == m);
            CHECK(Money::parse("￥" + text + "元") == Money::parse(text));
        }
        fen = fen < std::numeric_limits<std::int64_t>::max() / 3 ? fen * 3 + (i % 7) : 1 + i;
    }
    for (const std::int64_t value : {std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min() + 1}) {
        const Money m = Money::from_fen(value);
        CHECK(Money::parse(full_width(ledger::format_yuan(m))) == m);
    }
}

TEST_CASE("parse_date reads the date forms accountants type", "[input][calendar]") {
    const auto [text, y, m, d] = GENERATE(table<std::string_view, int, unsigned, unsigned>({
        {"2023-06-01", 2023, 6, 1},
        {"2023-6-1", 2023, 6, 1},
        {"2023/6/1", 2023, 6, 1},
        {"2023/06/01", 2023, 6, 1},
        {"2023.6.1", 2023, 6, 1},
        {"2023年6月1日", 2023, 6, 1},
        {"2023年06月01日", 2023, 6, 1},
        {"2023年6月1号", 2023, 6, 1},
        {"２０２３年６月１日", 2023, 6, 1},
        {"２０２３－０６－０１", 2023, 6, 1},
        {"２０２３／６／１", 2023, 6, 1},
        {"2020年2月29日", 2020, 2, 29},
        {" 2023-6-1 ", 2023, 6, 1},
        {"1900.1.1", 1900, 1, 1},
    }));
    CAPTURE(text);
    CHECK(ledger::parse_date(text) == ymd(y, m, d));
}

TEST_CASE("parse_date refuses a day that is not in the calendar, naming it", "[input][calendar]") {
    const auto text = GENERATE(as<std::string_view>{}, "2023年2月30日", "2021/2/29", "2023.4.31", "２０２３年１３月１日",
                               "1899年12月31日", "2023年6月1", "2023年6月", "23年6月1日", "2023-6/1", "2023.06-01",
                               "2023年6月1日日", "2023年6月001日", "2023-6-1T00");
    CAPTURE(text);
    CHECK_THROWS_MATCHES(ledger::parse_date(text), ledger::Error, HasCode(ErrorCode::invalid_input));
    CHECK_THROWS_WITH(ledger::parse_date(text), Catch::Contains(std::string(text)));
}

TEST_CASE("parse_date says why a well-formed day is refused", "[input][calendar]") {
    CHECK_THROWS_WITH(ledger::parse_date("2023年2月30日"), Catch::Contains("no such day in the calendar"));
    CHECK_THROWS_WITH(ledger::parse_date("1899/12/31"), Catch::Contains("before 1900"));
}

TEST_CASE("A rate needs its percent sign; a bare number says what it likely means", "[input][rate]") {
    SECTION("taken") {
        const auto [text, bp] = GENERATE(table<std::string_view, std::int64_t>({
            {"5%", 500},
            {"５％", 500},
            {"5 %", 500},
            {"５．５％", 550},
            {"0.05%", 5},
            {"0", 0},
            {"0.00", 0},
            {"0%", 0},
        }));
        CAPTURE(text);
        CHECK(ledger::parse_rate_bp(text) == bp);
    }
    SECTION("a bare fraction is refused with its meaning as a fraction and as a percent") {
        CHECK_THROWS_MATCHES(ledger::parse_rate_bp("0.05"), ledger::Error, HasCode(ErrorCode::invalid_input));
        CHECK_THROWS_WITH(ledger::parse_rate_bp("0.05"), Catch::Contains("write 5%") && Catch::Contains("0.05%"));
        CHECK_THROWS_WITH(ledger::parse_rate_bp("0.035"), Catch::Contains("write 3.5%"));
        CHECK_THROWS_WITH(ledger::parse_rate_bp("０.０５"), Catch::Contains("write 5%"));
    }
    SECTION("a bare number of percent is refused, asking for the sign") {
        const auto text = GENERATE(as<std::string_view>{}, "5", "1", "12.5", "100");
        CAPTURE(text);
        CHECK_THROWS_MATCHES(ledger::parse_rate_bp(text), ledger::Error, HasCode(ErrorCode::invalid_input));
        CHECK_THROWS_WITH(ledger::parse_rate_bp(text), Catch::Contains(std::string(text) + "%"));
    }
    SECTION("not a rate") {
        const auto text = GENERATE(as<std::string_view>{}, "101%", "５％％", "百分之五", "5 5%", "150", "0.00001", "-0.05");
        CAPTURE(text);
        CHECK_THROWS_MATCHES(ledger::parse_rate_bp(text), ledger::Error, HasCode(ErrorCode::invalid_input));
    }
}

TEST_CASE("A refused level or kind lists every word of its table", "[input][entry]") {
    try {
        ledger::parse_level("乡级");
        FAIL("乡级 was taken");
    } catch (const ledger::Error& e) {
        for (const auto level : ledger::kLevels) {
            CHECK_THAT(e.what(), Catch::Contains(std::string(ledger::to_string(level))) &&
                                     Catch::Contains(std::string(ledger::chinese_name(level))));
        }
        CHECK(e.message().text() == std::string("'{text}' is not a funding level: use {ids} (or {names})"));
    }
    try {
        ledger::parse_entry_kind("付款");
        FAIL("付款 was taken");
    } catch (const ledger::Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("payment") && Catch::Contains("支付") && Catch::Contains("冲销") &&
                                 Catch::Contains("reopen"));
        CHECK_THAT(e.what(), !Catch::Contains("prior_refund"));
    }
    CHECK(ledger::parse_entry_kind("合同变更") == ledger::EntryKind::amendment);
    CHECK(ledger::parse_entry_kind("质保金退还") == ledger::EntryKind::release);
}

TEST_CASE("parse_warranty_status takes the English and Chinese status words", "[input][words]") {
    using ledger::RetentionStatus;
    const auto [text, status] = GENERATE(table<std::string_view, RetentionStatus>({
        {"held", RetentionStatus::held},
        {"未到期", RetentionStatus::held},
        {"due", RetentionStatus::due},
        {"到期", RetentionStatus::due},
        {"overdue", RetentionStatus::overdue},
        {"逾期", RetentionStatus::overdue},
        {"partly_released", RetentionStatus::partly_released},
        {"partly released", RetentionStatus::partly_released},
        {"部分支付", RetentionStatus::partly_released},
        {"released", RetentionStatus::released},
        {"已退还", RetentionStatus::released},
        {"已支付", RetentionStatus::released},
        {"forfeited", RetentionStatus::forfeited},
        {"已扣除", RetentionStatus::forfeited},
    }));
    CAPTURE(text);
    CHECK(ledger::parse_warranty_status(text) == status);
    CHECK(ledger::parse_warranty_status(ledger::chinese_name(status)) == status);
    CHECK(ledger::parse_warranty_status(ledger::to_string(status)) == status);
}

TEST_CASE("A refused status or breakdown lists the words", "[input][words]") {
    CHECK_THROWS_MATCHES(ledger::parse_warranty_status("late"), ledger::Error, HasCode(ErrorCode::invalid_input));
    CHECK_THROWS_WITH(ledger::parse_warranty_status("late"),
                      Catch::Contains("overdue") && Catch::Contains("逾期") && Catch::Contains("已扣除"));
    CHECK(ledger::parse_balance_by("级次") == "level");
    CHECK(ledger::parse_balance_by("资金来源") == "level");
    CHECK(ledger::parse_balance_by("项目") == "project");
    CHECK(ledger::parse_balance_by("合同") == "contract");
    CHECK(ledger::parse_balance_by("contract") == "contract");
    CHECK_THROWS_WITH(ledger::parse_balance_by("供应商"), Catch::Contains("级次") && Catch::Contains("contract"));
}

TEST_CASE("Text limits count characters, not bytes", "[input][ledger]") {
    ledger_test::TempDir dir;
    const std::string path = dir.ledger("books.db");
    ledger::Ledger::create(path);
    ledger::Ledger l = ledger::Ledger::open(path, ledger::Ledger::Mode::read_write);
    const ledger::Actor actor{"会计张三", "tester"};
    std::string name;
    for (int i = 0; i < 512; ++i) {
        name += "项";  // 3 bytes each: 1,536 bytes, 512 characters
    }
    l.add_project(ledger::Project{"P1", name, "", ""}, actor, ledger::parse_date("2021-01-02"));
    CHECK(l.digest().entries == 1);
    try {
        l.add_project(ledger::Project{"P2", name + "目", "", ""}, actor, ledger::parse_date("2021-01-02"));
        FAIL("a name of 513 characters was taken");
    } catch (const ledger::Error& e) {
        CHECK(e.code() == ErrorCode::invalid_input);
        CHECK_THAT(e.what(), Catch::Contains("at most 512 characters"));
        CHECK(e.message().text() == std::string("{what} is too long: at most {max} characters"));
    }
    // A code of 64 汉字 is 192 bytes, within the 64 the schema's length() counts too.
    std::string code;
    for (int i = 0; i < 64; ++i) {
        code += "码";
    }
    l.add_project(ledger::Project{code, "长代码项目", "", ""}, actor, ledger::parse_date("2021-01-02"));
    CHECK_THROWS_WITH(l.add_project(ledger::Project{code + "码", "x", "", ""}, actor, ledger::parse_date("2021-01-02")),
                      Catch::Contains("at most 64 characters"));
    CHECK(l.digest().entries == 2);
}
