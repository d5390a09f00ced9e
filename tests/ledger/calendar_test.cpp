// Tests of ledger/calendar.hpp: effective dates (业务日期) with end-of-month month arithmetic, and
// the fixed-width UTC text of recorded instants, whose text order must be their time order.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/calendar.hpp"
#include "ledger/error.hpp"
#include "error_matchers.hpp"


namespace {

using ledger::Date;
using ledger::ErrorCode;
using ledger::Instant;

using ledger_test::HasCode;

Date ymd(int y, unsigned m, unsigned d) {
    return Date{date::year{y}, date::month{m}, date::day{d}};
}

Instant at_utc(Date day, int hours, int minutes, int seconds, long long microseconds) {
    return Instant{date::sys_days{day}} + std::chrono::hours{hours} +
           std::chrono::minutes{minutes} + std::chrono::seconds{seconds} +
           std::chrono::microseconds{microseconds};
}

}  // namespace

TEST_CASE("parse_date accepts valid Gregorian dates", "[calendar]") {
    const auto [text, y, m, d] = GENERATE(table<std::string_view, int, unsigned, unsigned>({
        {"2020-02-29", 2020, 2, 29},
        {"2000-02-29", 2000, 2, 29},
        {"2021-02-28", 2021, 2, 28},
        {"2020-11-30", 2020, 11, 30},
        {"2021-12-31", 2021, 12, 31},
        {"2021-01-01", 2021, 1, 1},
        {"1900-01-01", 1900, 1, 1},
        {"9999-12-31", 9999, 12, 31},
    }));
    CAPTURE(text);
    const Date day = ledger::parse_date(text);
    CHECK(day == ymd(y, m, d));
    CHECK(ledger::year_of(day) == y);
    CHECK(ledger::to_string(day) == text);
}

TEST_CASE("parse_date rejects what is not a YYYY-MM-DD calendar day", "[calendar]") {
    const auto text =
        GENERATE(as<std::string_view>{}, "2020-02-30", "2021-02-29", "1900-02-29", "2020-04-31",
                 "2020-2-30", "20200229", "2020-13-01", "2020-00-10", "2020-01-00", "",
                 "2020-01-01x", "2020/01-01", "2020年1月", "2020-001-01", "+020-01-01",
                 "2020-0a-01", "1899-12-31", "0000-01-01", "10000-01-01", "2020-01-01T00:00:00Z");
    CAPTURE(text);
    CHECK_THROWS_MATCHES(ledger::parse_date(text), ledger::Error,
                         HasCode(ErrorCode::invalid_input));
}

TEST_CASE("to_string writes a date as zero-padded YYYY-MM-DD", "[calendar]") {
    CHECK(ledger::to_string(ymd(2020, 3, 5)) == "2020-03-05");
    CHECK(ledger::to_string(ymd(2022, 11, 20)) == "2022-11-20");
    CHECK(ledger::to_string(ymd(1900, 1, 1)) == "1900-01-01");
}

TEST_CASE("A fiscal year runs from January 1 to December 31", "[calendar]") {
    CHECK(ledger::first_day_of(2020) == ymd(2020, 1, 1));
    CHECK(ledger::last_day_of(2020) == ymd(2020, 12, 31));
    CHECK(ledger::year_of(ymd(2020, 12, 31)) == 2020);
    CHECK(ledger::year_of(ymd(2021, 1, 1)) == 2021);
}

TEST_CASE("add_months clamps to the last day of the month", "[calendar]") {
    const auto [from, months, to] = GENERATE(table<std::string_view, int, std::string_view>({
        {"2020-02-29", 12, "2021-02-28"},
        {"2021-01-31", 1, "2021-02-28"},
        {"2020-11-20", 24, "2022-11-20"},
        {"2020-08-31", 6, "2021-02-28"},
        {"2019-08-31", 6, "2020-02-29"},
        {"2020-01-31", 1, "2020-02-29"},
        {"2020-01-31", 3, "2020-04-30"},
        {"2020-12-15", 1, "2021-01-15"},
        {"2020-05-31", 0, "2020-05-31"},
        {"2020-03-31", -1, "2020-02-29"},
        {"2020-02-29", 48, "2024-02-29"},
        {"2020-11-30", 1200, "2120-11-30"},
    }));
    CAPTURE(from, months);
    CHECK(ledger::to_string(ledger::add_months(ledger::parse_date(from), months)) == to);
}

TEST_CASE("today_local is a valid date within a day of the UTC date", "[calendar]") {
    const Date today = ledger::today_local();
    REQUIRE(today.ok());
    const auto utc_day = date::floor<date::days>(ledger::now_utc());
    const auto distance = date::sys_days{today} - utc_day;
    CHECK(distance >= date::days{-1});
    CHECK(distance <= date::days{1});
}

TEST_CASE("parse_instant reads UTC times offsets and bare dates as one instant", "[calendar]") {
    const Instant new_year = Instant{date::sys_days{ymd(2021, 1, 1)}};
    const auto text =
        GENERATE(as<std::string_view>{}, "2021-01-01T00:00:00Z", "2021-01-01T08:00:00+08:00",
                 "2020-12-31T19:00:00-05:00", "2021-01-01T00:00:00.000000Z",
                 "2021-01-01T00:00:00+00:00", "2021-01-01");
    CAPTURE(text);
    CHECK(ledger::parse_instant(text) == new_year);
}

TEST_CASE("parse_instant keeps microseconds", "[calendar]") {
    const Date day = ymd(2021, 1, 10);
    CHECK(ledger::parse_instant("2021-01-10T03:04:05.123456Z") == at_utc(day, 3, 4, 5, 123456));
    CHECK(ledger::parse_instant("2021-01-10T03:04:05.5Z") == at_utc(day, 3, 4, 5, 500000));
    CHECK(ledger::parse_instant("2021-01-10T11:04:05.000001+08:00") == at_utc(day, 3, 4, 5, 1));
}

TEST_CASE("parse_instant rejects what is not a time with a zone", "[calendar]") {
    const auto text = GENERATE(
        as<std::string_view>{}, "", "yesterday", "2021-01-01T00:00:00", "2021-01-01T24:00:00Z",
        "2021-01-01T00:60:00Z", "2021-01-01T00:00:60Z", "2021-01-01T00:00:00+0800",
        "2021-01-01T00:00:00.Z", "2021-13-01T00:00:00Z", "2021-02-29T00:00:00Z",
        "2021-01-01T0:00:00Z", "2021-01-01T00:00:00ZZ", "2021-01-01X00:00:00Z");
    CAPTURE(text);
    CHECK_THROWS_MATCHES(ledger::parse_instant(text), ledger::Error,
                         HasCode(ErrorCode::invalid_input));
}

TEST_CASE("parse_instant rejects an offset that is not a clock offset", "[calendar]") {
    const auto text = GENERATE(as<std::string_view>{}, "2021-01-01T00:00:00+08:60",
                               "2021-01-01T00:00:00+99:00", "2021-01-01T00:00:00-24:00");
    CAPTURE(text);
    CHECK_THROWS_MATCHES(ledger::parse_instant(text), ledger::Error,
                         HasCode(ErrorCode::invalid_input));
}

TEST_CASE("to_string of an instant is 27 characters of UTC with microseconds", "[calendar]") {
    CHECK(ledger::to_string(ledger::parse_instant("2021-01-01T08:00:00+08:00")) ==
          "2021-01-01T00:00:00.000000Z");
    CHECK(ledger::to_string(at_utc(ymd(2021, 1, 10), 3, 4, 5, 123456)) ==
          "2021-01-10T03:04:05.123456Z");
    CHECK(ledger::to_string(at_utc(ymd(2021, 1, 10), 23, 59, 59, 1)) ==
          "2021-01-10T23:59:59.000001Z");

    const auto instant =
        GENERATE(as<std::string_view>{}, "1900-01-01T00:00:00Z", "1970-01-01T00:00:00Z",
                 "2021-06-30T12:34:56.7Z", "9999-12-31T23:59:59.999999Z");
    CAPTURE(instant);
    const std::string text = ledger::to_string(ledger::parse_instant(instant));
    CHECK(text.size() == 27);
    CHECK(ledger::parse_instant(text) == ledger::parse_instant(instant));
}

TEST_CASE("The text order of instants is their time order", "[calendar]") {
    // In time order, including neighbours that differ only in the last digit or across a boundary.
    const std::vector<Instant> instants{
        at_utc(ymd(1969, 12, 31), 23, 59, 59, 999999), at_utc(ymd(1970, 1, 1), 0, 0, 0, 0),
        at_utc(ymd(1999, 12, 31), 23, 59, 59, 999999), at_utc(ymd(2000, 1, 1), 0, 0, 0, 0),
        at_utc(ymd(2021, 1, 10), 3, 4, 5, 9),          at_utc(ymd(2021, 1, 10), 3, 4, 5, 10),
        at_utc(ymd(2021, 1, 10), 3, 4, 5, 100000),     at_utc(ymd(2021, 1, 10), 9, 59, 59, 999999),
        at_utc(ymd(2021, 1, 10), 10, 0, 0, 0),         at_utc(ymd(2021, 2, 1), 0, 0, 0, 0),
        at_utc(ymd(2021, 10, 1), 0, 0, 0, 0),
    };
    for (std::size_t i = 0; i < instants.size(); ++i) {
        for (std::size_t j = 0; j < instants.size(); ++j) {
            CAPTURE(i, j);
            CHECK((instants[i] < instants[j]) ==
                  (ledger::to_string(instants[i]) < ledger::to_string(instants[j])));
        }
    }
}

TEST_CASE("now_utc round-trips through its text", "[calendar]") {
    const Instant now = ledger::now_utc();
    const std::string text = ledger::to_string(now);
    CHECK(text.size() == 27);
    CHECK(ledger::parse_instant(text) == now);
}
