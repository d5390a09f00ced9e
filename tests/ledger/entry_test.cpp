// Tests of ledger/entry.hpp: funding levels and their Chinese names (domain.md §3), entry kinds
// (§4) and retention rates in basis points (§5).
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/entry.hpp"
#include "ledger/error.hpp"
#include "error_matchers.hpp"


namespace {

using ledger::EntryKind;
using ledger::ErrorCode;
using ledger::Level;

using ledger_test::HasCode;

}  // namespace

TEST_CASE("parse_level accepts every level id and to_string gives it back", "[entry]") {
    const auto [text, level] = GENERATE(table<std::string_view, Level>({
        {"central", Level::central},
        {"provincial", Level::provincial},
        {"municipal", Level::municipal},
        {"county", Level::county},
        {"carryover", Level::carryover},
        {"other", Level::other},
    }));
    CAPTURE(text);
    CHECK(ledger::parse_level(text) == level);
    CHECK(ledger::to_string(level) == text);
}

TEST_CASE("parse_level accepts every Chinese name of domain.md", "[entry]") {
    const auto [text, level] = GENERATE(table<std::string_view, Level>({
        {"中央", Level::central},
        {"中央级", Level::central},
        {"省", Level::provincial},
        {"省级", Level::provincial},
        {"市", Level::municipal},
        {"市级", Level::municipal},
        {"县", Level::county},
        {"县级", Level::county},
        {"县区级", Level::county},
        {"上年结转", Level::carryover},
        {"其他", Level::other},
        {"其他资金", Level::other},
    }));
    CAPTURE(text);
    CHECK(ledger::parse_level(text) == level);
}

TEST_CASE("The Chinese name of a level is its form column and parses back", "[entry]") {
    const auto [level, name] = GENERATE(table<Level, std::string_view>({
        {Level::central, "中央级"},
        {Level::provincial, "省级"},
        {Level::municipal, "市级"},
        {Level::county, "县区级"},
        {Level::carryover, "上年结转"},
        {Level::other, "其他资金"},
    }));
    CAPTURE(name);
    CHECK(ledger::chinese_name(level) == name);
    CHECK(ledger::parse_level(ledger::chinese_name(level)) == level);
}

TEST_CASE("parse_level rejects what is not a funding level and lists the ids", "[entry]") {
    const auto text = GENERATE(as<std::string_view>{}, "galactic", "", "County", "county ",
                               " county", "县区", "central,county", "财政资金");
    CAPTURE(text);
    CHECK_THROWS_MATCHES(ledger::parse_level(text), ledger::Error,
                         HasCode(ErrorCode::invalid_input));
    CHECK_THROWS_WITH(ledger::parse_level(text),
                      Catch::Contains("county") && Catch::Contains("carryover"));
}

TEST_CASE("The levels are in the form's column order and central to county are fiscal", "[entry]") {
    STATIC_REQUIRE(ledger::kLevels.size() == 6);
    STATIC_REQUIRE(ledger::kLevels[0] == Level::central);
    STATIC_REQUIRE(ledger::kLevels[3] == Level::county);
    STATIC_REQUIRE(ledger::kLevels[4] == Level::carryover);
    STATIC_REQUIRE(ledger::kLevels[5] == Level::other);
    STATIC_REQUIRE(ledger::is_fiscal(Level::central));
    STATIC_REQUIRE(ledger::is_fiscal(Level::provincial));
    STATIC_REQUIRE(ledger::is_fiscal(Level::municipal));
    STATIC_REQUIRE(ledger::is_fiscal(Level::county));
    STATIC_REQUIRE_FALSE(ledger::is_fiscal(Level::carryover));
    STATIC_REQUIRE_FALSE(ledger::is_fiscal(Level::other));
}

TEST_CASE("parse_entry_kind accepts the English id and the Chinese name of every kind", "[entry]") {
    const auto [english, chinese, kind] =
        GENERATE(table<std::string_view, std::string_view, EntryKind>({
            {"project", "项目", EntryKind::project},
            {"contract", "合同", EntryKind::contract},
            {"appropriation", "年初预算批复", EntryKind::appropriation},
            {"adjustment", "预算调整", EntryKind::adjustment},
            {"arrival", "资金到位", EntryKind::arrival},
            {"payment", "支付", EntryKind::payment},
            {"refund", "支付退回", EntryKind::refund},
            {"retention", "质保金预留", EntryKind::retention},
            {"release", "质保金支付", EntryKind::release},
            {"forfeit", "质保金扣除", EntryKind::forfeit},
            {"recovery", "收回", EntryKind::recovery},
            {"close", "年度关账", EntryKind::close},
            {"reversal", "冲销", EntryKind::reversal},
        }));
    CAPTURE(english, chinese);
    CHECK(ledger::parse_entry_kind(english) == kind);
    CHECK(ledger::parse_entry_kind(chinese) == kind);
    CHECK(ledger::to_string(kind) == english);
    CHECK(ledger::parse_entry_kind(ledger::chinese_name(kind)) == kind);
}

TEST_CASE("parse_entry_kind rejects what is not an entry kind", "[entry]") {
    const auto text = GENERATE(as<std::string_view>{}, "pay", "", "Payment", "payment ", "支付 ",
                               "付款", "transfer");
    CAPTURE(text);
    CHECK_THROWS_MATCHES(ledger::parse_entry_kind(text), ledger::Error,
                         HasCode(ErrorCode::invalid_input));
}

TEST_CASE("parse_rate_bp reads a retention rate as basis points", "[entry]") {
    const auto [text, bp] = GENERATE(table<std::string_view, std::int64_t>({
        {"5%", 500},
        {"2.5%", 250},
        {"0.05%", 5},
        {"3.25%", 325},
        {"12.5%", 1250},
        {"5 %", 500},
        {"５％", 500},
        {" 3.5 % ", 350},
        {"0", 0},
        {"0%", 0},
        {"100%", 10000},
        {"100.00%", 10000},
        {"005%", 500},
    }));
    CAPTURE(text);
    CHECK(ledger::parse_rate_bp(text) == bp);
}

TEST_CASE("parse_rate_bp rejects rates outside 0 to 100 percent or with more than 2 decimals",
          "[entry]") {
    const auto text =
        GENERATE(as<std::string_view>{}, "101%", "100.01%", "5.123%", "abc", "-1%", "", "%", "5.%",
                 ".5%", "5%%", "1.2.3%", "+5%", "5‰", "99999999999999999999999%");
    CAPTURE(text);
    CHECK_THROWS_MATCHES(ledger::parse_rate_bp(text), ledger::Error,
                         HasCode(ErrorCode::invalid_input));
}
