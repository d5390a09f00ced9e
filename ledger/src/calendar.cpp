#include "ledger/calendar.hpp"

#include <charconv>
#include <ctime>
#include <utility>

#include "ledger/error.hpp"
#include "ledger/message.hpp"
#include "text.hpp"

namespace ledger {
namespace {

bool parse_fixed(std::string_view text, std::size_t pos, std::size_t width, int& out) {
    if (pos + width > text.size()) {
        return false;
    }
    for (std::size_t i = pos; i < pos + width; ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
    }
    const auto result = std::from_chars(text.data() + pos, text.data() + pos + width, out);
    return result.ec == std::errc{};
}

[[noreturn]] void not_a_date(std::string_view text, Message why) {
    throw Error(ErrorCode::invalid_input, msg("'{text}' is not a date like 2020-11-30 ({why})")
                                              .with("text", std::string(text))
                                              .with("why", std::move(why)));
}

// Reads 1 to `max_width` digits at `pos`; advances it.
bool read_number(std::string_view text, std::size_t& pos, std::size_t max_width, int& out) {
    std::size_t end = pos;
    while (end < text.size() && end - pos < max_width && text[end] >= '0' && text[end] <= '9') {
        ++end;
    }
    if (end == pos || (end < text.size() && text[end] >= '0' && text[end] <= '9')) {
        return false;
    }
    const auto result = std::from_chars(text.data() + pos, text.data() + end, out);
    pos = end;
    return result.ec == std::errc{};
}

bool consume(std::string_view text, std::size_t& pos, std::string_view what) {
    if (text.substr(pos, what.size()) == what) {
        pos += what.size();
        return true;
    }
    return false;
}

// Year, month and day of the forms accountants type: 2023-06-01, 2023-6-1, 2023/6/1, 2023.6.1 (one
// separator throughout) and 2023年6月1日 (or 号); false for anything else.
bool split_date(std::string_view text, int& y, int& m, int& d) {
    std::size_t pos = 0;
    if (!read_number(text, pos, 4, y) || pos != 4) {
        return false;
    }
    if (consume(text, pos, "年")) {
        if (!read_number(text, pos, 2, m) || !consume(text, pos, "月") || !read_number(text, pos, 2, d)) {
            return false;
        }
        return (consume(text, pos, "日") || consume(text, pos, "号")) && pos == text.size();
    }
    if (pos >= text.size() || (text[pos] != '-' && text[pos] != '/' && text[pos] != '.')) {
        return false;
    }
    const char separator = text[pos++];
    if (!read_number(text, pos, 2, m) || pos >= text.size() || text[pos++] != separator ||
        !read_number(text, pos, 2, d)) {
        return false;
    }
    return pos == text.size();
}

std::string two_digits(unsigned value) {
    std::string out(2, '0');
    out[0] = static_cast<char>('0' + value / 10 % 10);
    out[1] = static_cast<char>('0' + value % 10);
    return out;
}

}  // namespace

Date parse_date(std::string_view original) {
    // Full-width digits and separators (２０２３－６－１) read as ASCII.
    const std::string normal = detail::half_width(original);
    const std::string_view text = detail::trim_blanks(normal);
    int y = 0;
    int m = 0;
    int d = 0;
    if (!split_date(text, y, m, d)) {
        not_a_date(original, msg("expected YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日"));
    }
    const Date day{date::year{y}, date::month{static_cast<unsigned>(m)}, date::day{static_cast<unsigned>(d)}};
    if (!day.ok()) {
        not_a_date(original, msg("no such day in the calendar"));
    }
    if (y < 1900) {
        not_a_date(original, msg("years before 1900 are not accepted"));
    }
    return day;
}

std::string to_string(Date day) {
    LEDGER_ASSERT(day.ok());
    const int y = static_cast<int>(day.year());
    LEDGER_ASSERT(y >= 1000);
    LEDGER_ASSERT(y <= 9999);
    return std::to_string(y) + "-" + two_digits(static_cast<unsigned>(day.month())) + "-" +
           two_digits(static_cast<unsigned>(day.day()));
}

int year_of(Date day) { return static_cast<int>(day.year()); }

Date first_day_of(int year) { return Date{date::year{year}, date::January, date::day{1}}; }

Date last_day_of(int year) { return Date{date::year{year}, date::December, date::day{31}}; }

Date add_months(Date day, int months) {
    const date::year_month ym = date::year_month{day.year(), day.month()} + date::months{months};
    const date::year_month_day_last last{ym.year(), date::month_day_last{ym.month()}};
    const date::day d = day.day() > last.day() ? last.day() : day.day();
    return Date{ym.year(), ym.month(), d};
}

Date today_local() {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    return Date{date::year{local.tm_year + 1900}, date::month{static_cast<unsigned>(local.tm_mon + 1)},
                date::day{static_cast<unsigned>(local.tm_mday)}};
}

std::string to_string(Instant instant) {
    const auto days = date::floor<date::days>(instant);
    const date::hh_mm_ss time{instant - days};
    std::string micros = std::to_string(time.subseconds().count());
    micros.insert(0, 6 - micros.size(), '0');
    return to_string(Date{days}) + "T" + two_digits(static_cast<unsigned>(time.hours().count())) + ":" +
           two_digits(static_cast<unsigned>(time.minutes().count())) + ":" +
           two_digits(static_cast<unsigned>(time.seconds().count())) + "." + micros + "Z";
}

Instant parse_instant(std::string_view text) {
    const auto bad = [&] {
        throw Error(ErrorCode::invalid_input,
                    msg("'{text}' is not a time like 2021-01-01T00:00:00Z (UTC, or with an offset such as +08:00)")
                        .with("text", std::string(text)));
    };
    if (text.size() < 10) {
        bad();
    }
    const Date day = parse_date(text.substr(0, 10));
    Instant result = date::sys_days{day};
    if (text.size() == 10) {
        return result;
    }
    int hh = 0;
    int mm = 0;
    int ss = 0;
    if (text.size() < 20 || (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':' ||
        !parse_fixed(text, 11, 2, hh) || !parse_fixed(text, 14, 2, mm) || !parse_fixed(text, 17, 2, ss) ||
        hh > 23 || mm > 59 || ss > 59) {
        bad();
    }
    result += std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss};
    std::size_t pos = 19;
    if (text[pos] == '.') {
        ++pos;
        long long fraction = 0;
        int digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (digits < 6) {
                fraction = fraction * 10 + (text[pos] - '0');
                ++digits;
            }
            ++pos;
        }
        if (digits == 0) {
            bad();
        }
        for (; digits < 6; ++digits) {
            fraction *= 10;
        }
        result += std::chrono::microseconds{fraction};
    }
    const std::string_view zone = text.substr(pos);
    if (zone == "Z") {
        return result;
    }
    int oh = 0;
    int om = 0;
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' || !parse_fixed(zone, 1, 2, oh) ||
        !parse_fixed(zone, 4, 2, om) || oh > 23 || om > 59) {
        bad();
    }
    const auto offset = std::chrono::hours{oh} + std::chrono::minutes{om};
    result = zone[0] == '+' ? result - offset : result + offset;
    // An offset can carry the UTC instant outside the years every date of the ledger lies in.
    if (result < Instant{date::sys_days{first_day_of(1900)}} ||
        result >= Instant{date::sys_days{first_day_of(9999)} + date::days{365}}) {
        bad();
    }
    return result;
}

Instant now_utc() { return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()); }

}  // namespace ledger
