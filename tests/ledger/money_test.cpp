// Tests of ledger/money.hpp: parsing amounts as accountants write them (domain.md §2), checked
// arithmetic, exact rates and the display helpers (half away from zero, never through floating
// point).
#include <catch2/catch.hpp>

#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "ledger/error.hpp"
#include "error_matchers.hpp"
#include "ledger/money.hpp"


namespace {

using ledger::ErrorCode;
using ledger::Money;
using ledger::Rate;

constexpr std::int64_t kMaxFen = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMinFen = std::numeric_limits<std::int64_t>::min();

using ledger_test::HasCode;

template <typename T>
concept Divisible = requires(T a, T b) {
    a / b;
};

}  // namespace

TEST_CASE("Money::parse reads every form of domain.md as exact fen", "[money]") {
    const auto [text, fen] = GENERATE(table<std::string_view, std::int64_t>({
        {"1259500", 125950000},
        {"1,259,500.00", 125950000},
        {"1,259,500.00元", 125950000},
        {"¥1,259,500", 125950000},
        {"¥1,259,500.00", 125950000},
        {"￥12", 1200},
        {"125.95万", 125950000},
        {"125.95万元", 125950000},
        // 125.9525 万元 = 1,259,525 元 = 125,952,500 fen (4 decimals of 万元 are whole fen).
        {"125.9525万", 125952500},
        {"119.6525万", 119652500},
        {"0.000001万", 1},
        {"1,000万", 1000000000},
        {"100元", 10000},
        {"-5", -500},
        {"+5", 500},
        {"-¥5", -500},
        {"0.5", 50},
        {"0.01", 1},
        {"0", 0},
        {"1,000", 100000},
        {"999", 99900},
        {"1,196,525.00", 119652500},
        {"62975", 6297500},
        {"92233720368547758.07", kMaxFen},
        {"-92233720368547758.07", -kMaxFen},
        {"9223372036854.775807万", kMaxFen},
    }));
    CAPTURE(text);
    CHECK(Money::parse(text).fen() == fen);
}

TEST_CASE("Money::parse rejects what is not an exact amount", "[money]") {
    const auto text = GENERATE(as<std::string_view>{}, "", "1.234", "12,34", "1,2345", ",100",
                               "abc", "1e3", "1.", ".5", "1.2.3", "125.1234567万", "--1", "1 000",
                               "¥", "万", "元", "-", "+", "1,000,", "1,,000", "1,000,00", "0x10",
                               "1.2e2", "1.00元元", "12.3.万", "5-", "+-5", "1,000.001", "1.5%");
    CAPTURE(text);
    CHECK_THROWS_MATCHES(Money::parse(text), ledger::Error, HasCode(ErrorCode::invalid_input));
}

TEST_CASE("Money::parse names the rejected text in its message", "[money]") {
    CHECK_THROWS_WITH(Money::parse("1.234"), Catch::Contains("1.234"));
}

TEST_CASE("Money::parse reports an amount beyond int64 fen as limit_exceeded", "[money]") {
    const auto text =
        GENERATE(as<std::string_view>{}, "92233720368547758.08", "92233720368547758.1",
                 "92233720368547759", "9223372036854.775808万", "9223372036855万",
                 "99999999999999999999999999", "-92233720368547758.09");
    CAPTURE(text);
    CHECK_THROWS_MATCHES(Money::parse(text), ledger::Error, HasCode(ErrorCode::limit_exceeded));
}

TEST_CASE("Money arithmetic is exact and throws limit_exceeded on overflow", "[money]") {
    const Money max = Money::from_fen(kMaxFen);
    const Money min = Money::from_fen(kMinFen);
    const Money one = Money::from_fen(1);

    CHECK((Money::from_fen(119652500) + Money::from_fen(6297500)).fen() == 125950000);
    CHECK((Money::from_fen(125950000) - Money::from_fen(119652500)).fen() == 6297500);
    CHECK((-Money::from_fen(6297500)).fen() == -6297500);
    CHECK((max - max).fen() == 0);
    CHECK((min + max).fen() == -1);

    CHECK_THROWS_MATCHES(max + one, ledger::Error, HasCode(ErrorCode::limit_exceeded));
    CHECK_THROWS_MATCHES(min - one, ledger::Error, HasCode(ErrorCode::limit_exceeded));
    CHECK_THROWS_MATCHES(max - (-one), ledger::Error, HasCode(ErrorCode::limit_exceeded));
    CHECK_THROWS_MATCHES(-min, ledger::Error, HasCode(ErrorCode::limit_exceeded));
    CHECK_THROWS_MATCHES(one - min, ledger::Error, HasCode(ErrorCode::limit_exceeded));

    Money total = max;
    CHECK_THROWS_MATCHES(total += one, ledger::Error, HasCode(ErrorCode::limit_exceeded));
    CHECK(total.fen() == kMaxFen);  // a failed += leaves the amount as it was
    total = min;
    CHECK_THROWS_MATCHES(total -= one, ledger::Error, HasCode(ErrorCode::limit_exceeded));
    CHECK(total.fen() == kMinFen);
}

TEST_CASE("Money has no way in or out through floating point and no operator/", "[money]") {
    STATIC_REQUIRE_FALSE(std::is_constructible_v<Money, double>);
    STATIC_REQUIRE_FALSE(std::is_constructible_v<Money, float>);
    STATIC_REQUIRE_FALSE(std::is_constructible_v<Money, long double>);
    STATIC_REQUIRE_FALSE(std::is_convertible_v<double, Money>);
    // Fen come in only through the named from_fen, not by an implicit integer conversion.
    STATIC_REQUIRE_FALSE(std::is_convertible_v<std::int64_t, Money>);
    STATIC_REQUIRE_FALSE(std::is_convertible_v<Money, double>);
    STATIC_REQUIRE_FALSE(Divisible<Money>);
    STATIC_REQUIRE(Money::from_fen(5).fen() == 5);
    STATIC_REQUIRE(Money{}.fen() == 0);
}

TEST_CASE("Money compares by its fen", "[money]") {
    CHECK(Money::from_fen(1) > Money{});
    CHECK(Money::from_fen(-1) < Money{});
    CHECK(Money::parse("125.95万") == Money::parse("1,259,500.00"));
    CHECK(Money::parse("0.01") != Money::parse("0.02"));
}

TEST_CASE("format_yuan writes 元 with 2 decimals and thousands separators", "[money]") {
    const auto [fen, text] = GENERATE(table<std::int64_t, std::string_view>({
        {119652500, "1,196,525.00"},
        {125950000, "1,259,500.00"},
        {-125950000, "-1,259,500.00"},
        {6297500, "62,975.00"},
        {-1, "-0.01"},
        {0, "0.00"},
        {12, "0.12"},
        {10000, "100.00"},
        {99999, "999.99"},
        {100000, "1,000.00"},
        {100000000, "1,000,000.00"},
        {kMaxFen, "92,233,720,368,547,758.07"},
        {kMinFen, "-92,233,720,368,547,758.08"},
    }));
    CAPTURE(fen);
    CHECK(ledger::format_yuan(Money::from_fen(fen)) == text);
}

TEST_CASE("format_yuan output parses back to the same amount", "[money]") {
    const auto fen = GENERATE(std::int64_t{0}, std::int64_t{1}, std::int64_t{-1},
                              std::int64_t{119652500}, std::int64_t{-6297500}, kMaxFen);
    CAPTURE(fen);
    CHECK(Money::parse(ledger::format_yuan(Money::from_fen(fen))).fen() == fen);
}

TEST_CASE("format_wan writes 万元 with 2 decimals rounded half away from zero", "[money]") {
    const auto [fen, text] = GENERATE(table<std::int64_t, std::string_view>({
        {119652500, "119.65"},  // 119.6525 → 119.65
        {6297500, "6.30"},      // 6.2975 → 6.30
        {125950000, "125.95"},
        {-6297500, "-6.30"},
        {1000000, "1.00"},
        {50, "0.00"},
        {4999, "0.00"},
        {5000, "0.01"},  // exactly half a hundredth of a 万元 rounds away from zero
        {-5000, "-0.01"},
        {-4999, "0.00"},  // no negative zero
        {14999, "0.01"},
        {15000, "0.02"},
        {0, "0.00"},
    }));
    CAPTURE(fen);
    CHECK(ledger::format_wan(Money::from_fen(fen)) == text);
}

TEST_CASE("format_hundredths writes a percentage with 2 decimals", "[money]") {
    const auto [value, text] = GENERATE(table<std::int64_t, std::string_view>({
        {9500, "95.00"},
        {10000, "100.00"},
        {3333, "33.33"},
        {5, "0.05"},
        {-5, "-0.05"},
        {-12345, "-123.45"},
        {0, "0.00"},
    }));
    CAPTURE(value);
    CHECK(ledger::format_hundredths(value) == text);
}

TEST_CASE("Rate::percent_hundredths is the exact ratio rounded once half away from zero",
          "[money]") {
    const auto [numerator, denominator,
                hundredths] = GENERATE(table<std::int64_t, std::int64_t, std::int64_t>({
        {119652500, 125950000, 9500},  // the seed's execution rate is exactly 95 %, not 94.998 %
        {125950000, 125950000, 10000},
        {1, 3, 3333},
        {2, 3, 6667},
        {-2, 3, -6667},
        {1, -3, -3333},
        {1, 8, 1250},
        {1, 20000, 1},  // 0.005 % → 0.01 %
        {-1, 20000, -1},
        {1, 20001, 0},
        {0, 5, 0},
        {3, 2, 15000},
    }));
    CAPTURE(numerator, denominator);
    const Rate rate{numerator, denominator};
    CHECK(rate.defined());
    CHECK(rate.percent_hundredths() == std::optional<std::int64_t>{hundredths});
}

TEST_CASE("A rate whose denominator is zero is undefined and shows as -", "[money]") {
    const auto numerator = GENERATE(std::int64_t{0}, std::int64_t{5}, std::int64_t{-5});
    CAPTURE(numerator);
    const Rate rate = Rate::of(Money::from_fen(numerator), Money{});
    CHECK_FALSE(rate.defined());
    CHECK(rate.percent_hundredths() == std::nullopt);
    CHECK(ledger::format_percent(rate) == "-");
}

TEST_CASE("format_percent writes a defined rate with 2 decimals", "[money]") {
    CHECK(ledger::format_percent(
              Rate::of(Money::from_fen(119652500), Money::from_fen(125950000))) == "95.00");
    CHECK(ledger::format_percent(
              Rate::of(Money::from_fen(125950000), Money::from_fen(125950000))) == "100.00");
    CHECK(ledger::format_percent(Rate::of(Money{}, Money::from_fen(125950000))) == "0.00");
    CHECK(ledger::format_percent(Rate{2, 3}) == "66.67");
}

TEST_CASE("Money::apply_ratio multiplies exactly and rounds half away from zero", "[money]") {
    const auto [fen, numerator, denominator, result] =
        GENERATE(table<std::int64_t, std::int64_t, std::int64_t, std::int64_t>({
            {125950000, 500, 10000, 6297500},  // 5 % of 1,259,500.00 = 62,975.00
            {33333, 500, 10000, 1667},         // 5 % of 333.33 = 16.6665 → 16.67
            {33329, 500, 10000, 1666},         // 16.6645 → 16.66
            {1, 1, 2, 1},
            {-1, 1, 2, -1},
            {3, 1, 2, 2},
            {-3, 1, 2, -2},
            {5, 1, 4, 1},
            {-5, 1, 4, -1},
            {kMaxFen, 10000, 10000, kMaxFen},  // exact in 128 bits, no intermediate overflow
            {125950000, 0, 10000, 0},
        }));
    CAPTURE(fen, numerator, denominator);
    CHECK(Money::from_fen(fen).apply_ratio(numerator, denominator).fen() == result);
}

TEST_CASE(
    "Money::apply_ratio refuses a denominator that is not positive and a result that does not fit",
    "[money]") {
    const Money amount = Money::from_fen(125950000);
    CHECK_THROWS_MATCHES(amount.apply_ratio(500, 0), ledger::Error,
                         HasCode(ErrorCode::invalid_input));
    CHECK_THROWS_MATCHES(amount.apply_ratio(500, -10000), ledger::Error,
                         HasCode(ErrorCode::invalid_input));
    CHECK_THROWS_MATCHES(Money::from_fen(kMaxFen).apply_ratio(2, 1), ledger::Error,
                         HasCode(ErrorCode::limit_exceeded));
}

TEST_CASE("multiply_divide_rounded is exact in 128 bits and rounds half away from zero",
          "[money]") {
    const auto [value, multiplier, divisor, result] =
        GENERATE(table<std::int64_t, std::int64_t, std::int64_t, std::int64_t>({
            {7, 1, 2, 4},
            {-7, 1, 2, -4},
            {7, 1, -2, -4},
            {-7, -1, 2, 4},
            {1, 1, -2, -1},
            {5, 1, 3, 2},
            {4, 1, 3, 1},
            {-4, 1, 3, -1},
            {119652500, 10000, 125950000, 9500},
            {kMaxFen, kMaxFen, kMaxFen, kMaxFen},
            {kMinFen, 1, 1, kMinFen},
            {0, kMaxFen, 1, 0},
        }));
    CAPTURE(value, multiplier, divisor);
    CHECK(ledger::multiply_divide_rounded(value, multiplier, divisor) == result);
}

TEST_CASE("multiply_divide_rounded throws limit_exceeded when the result does not fit", "[money]") {
    CHECK_THROWS_MATCHES(ledger::multiply_divide_rounded(kMaxFen, 2, 1), ledger::Error,
                         HasCode(ErrorCode::limit_exceeded));
    CHECK_THROWS_MATCHES(ledger::multiply_divide_rounded(kMinFen, -1, 1), ledger::Error,
                         HasCode(ErrorCode::limit_exceeded));
    CHECK_THROWS_MATCHES(ledger::multiply_divide_rounded(kMaxFen, kMaxFen, 2), ledger::Error,
                         HasCode(ErrorCode::limit_exceeded));
}
