#include "ledger/money.hpp"

#include <array>
#include <limits>
#include <utility>

#include "ledger/error.hpp"
#include "ledger/message.hpp"
#include "text.hpp"

namespace ledger {
namespace {

__extension__ using Int128 = __int128;
__extension__ using UInt128 = unsigned __int128;

[[noreturn]] void not_an_amount(std::string_view text, Message why) {
    throw Error(ErrorCode::invalid_input, msg("'{text}' is not an amount like 1,259,500.00 or 125.95万 ({why})")
                                              .with("text", std::string(text))
                                              .with("why", std::move(why)));
}

[[noreturn]] void too_large(std::string_view text) {
    throw Error(ErrorCode::limit_exceeded,
                msg("'{text}' is too large: an amount can be at most 92,233,720,368,547,758.07 元")
                    .with("text", std::string(text)));
}

bool consume_suffix(std::string_view& s, std::string_view suffix) {
    if (s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix) {
        s.remove_suffix(suffix.size());
        return true;
    }
    return false;
}

bool consume_prefix(std::string_view& s, std::string_view prefix) {
    if (s.substr(0, prefix.size()) == prefix) {
        s.remove_prefix(prefix.size());
        return true;
    }
    return false;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A unit after the number and the fen digits it scales by: 1 元 = 10^2 fen, 1 万元 = 10^6, 1 亿元 = 10^10.
struct Unit {
    std::string_view suffix;
    std::size_t scale_digits;
};
constexpr std::array<Unit, 5> kUnits{{
    {"亿元", 10},
    {"亿", 10},
    {"万元", 6},
    {"万", 6},
    {"元", 2},
}};

}  // namespace

Money Money::parse(std::string_view original) {
    // Full-width digits and punctuation (１，２３４．５６) as typed with a Chinese input method read as ASCII.
    const std::string normal = detail::half_width(original);
    std::string_view s = detail::trim_blanks(normal);
    bool negative = false;
    if (consume_prefix(s, "-")) {
        negative = true;
    } else {
        consume_prefix(s, "+");
    }
    s = detail::trim_blanks(s);
    if (consume_prefix(s, "¥") || consume_prefix(s, "￥")) {
        s = detail::trim_blanks(s);
        // The sign may follow the currency sign too: ￥-100.00 as well as -￥100.00.
        if (!negative && consume_prefix(s, "-")) {
            negative = true;
        } else if (!negative) {
            consume_prefix(s, "+");
        }
    }
    s = detail::trim_blanks(s);
    std::size_t scale_digits = 2;
    for (const auto& unit : kUnits) {
        if (consume_suffix(s, unit.suffix)) {
            scale_digits = unit.scale_digits;
            break;
        }
    }
    s = detail::trim_blanks(s);
    if (s.empty()) {
        not_an_amount(original, msg("no digits"));
    }

    std::string_view whole = s;
    std::string_view fraction;
    bool has_point = false;
    if (const auto point = s.find('.'); point != std::string_view::npos) {
        has_point = true;
        whole = s.substr(0, point);
        fraction = s.substr(point + 1);
    }
    if (whole.empty()) {
        not_an_amount(original, msg("no digits before the decimal point"));
    }
    if (has_point && fraction.empty()) {
        not_an_amount(original, msg("no digits after the decimal point"));
    }
    for (char c : fraction) {
        if (!is_digit(c)) {
            not_an_amount(original, msg("unexpected character after the decimal point"));
        }
    }
    // Exact, never rounded: the decimals the unit allows are exactly its fen digits.
    if (fraction.size() > scale_digits) {
        not_an_amount(original, scale_digits == 2   ? msg("more than 2 decimals of 元")
                                : scale_digits == 6 ? msg("more than 6 decimals of 万元")
                                                    : msg("more than 10 decimals of 亿元"));
    }

    // Thousands separators: either none, or every group after the first exactly three digits.
    std::string digits;
    if (whole.find(',') != std::string_view::npos) {
        std::size_t group = 0;
        bool first = true;
        for (std::size_t i = 0; i <= whole.size(); ++i) {
            if (i == whole.size() || whole[i] == ',') {
                if (group == 0 || group > 3 || (!first && group != 3)) {
                    not_an_amount(original, msg("thousands separators must stand between groups of three digits"));
                }
                first = false;
                group = 0;
            } else if (is_digit(whole[i])) {
                digits.push_back(whole[i]);
                ++group;
            } else {
                not_an_amount(original, msg("unexpected character"));
            }
        }
    } else {
        for (char c : whole) {
            if (!is_digit(c)) {
                not_an_amount(original, msg("unexpected character"));
            }
        }
        digits = whole;
    }

    // Accumulate in Int128 so that overflow is detected once, at the end, exactly.
    Int128 value = 0;
    constexpr Int128 kLimit = std::numeric_limits<std::int64_t>::max();
    for (char c : digits) {
        value = value * 10 + (c - '0');
        if (value > kLimit) {
            too_large(original);
        }
    }
    for (std::size_t i = 0; i < scale_digits; ++i) {
        value = value * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
        if (value > kLimit) {
            too_large(original);
        }
    }
    const auto fen = static_cast<std::int64_t>(value);
    return Money{negative ? -fen : fen};
}

Money Money::operator+(Money other) const {
    std::int64_t result = 0;
    if (__builtin_add_overflow(fen_, other.fen_, &result)) {
        throw Error(ErrorCode::limit_exceeded, msg("a sum of amounts exceeds what the ledger can hold"));
    }
    return Money{result};
}

Money Money::operator-(Money other) const {
    std::int64_t result = 0;
    if (__builtin_sub_overflow(fen_, other.fen_, &result)) {
        throw Error(ErrorCode::limit_exceeded, msg("a difference of amounts exceeds what the ledger can hold"));
    }
    return Money{result};
}

Money Money::operator-() const { return Money{} - *this; }

std::int64_t multiply_divide_rounded(std::int64_t value, std::int64_t multiplier, std::int64_t divisor) {
    Int128 numerator = static_cast<Int128>(value) * multiplier;
    Int128 denominator = divisor;
    LEDGER_ASSERT(denominator != 0);
    if (denominator < 0) {
        numerator = -numerator;
        denominator = -denominator;
    }
    const bool negative = numerator < 0;
    const Int128 magnitude = negative ? -numerator : numerator;
    Int128 quotient = magnitude / denominator;
    if ((magnitude % denominator) * 2 >= denominator) {
        ++quotient;
    }
    const Int128 result = negative ? -quotient : quotient;
    if (result > std::numeric_limits<std::int64_t>::max() || result < std::numeric_limits<std::int64_t>::min()) {
        throw Error(ErrorCode::limit_exceeded, msg("a computed amount exceeds what the ledger can hold"));
    }
    return static_cast<std::int64_t>(result);
}

Money Money::apply_ratio(std::int64_t numerator, std::int64_t denominator) const {
    if (denominator <= 0) {
        throw Error(ErrorCode::invalid_input, msg("a ratio needs a positive denominator"));
    }
    return Money{multiply_divide_rounded(fen_, numerator, denominator)};
}

std::optional<std::int64_t> Rate::percent_hundredths() const {
    if (denominator == 0) {
        return std::nullopt;
    }
    // |numerator| × 10^4 fits easily in 128 bits, and the quotient of two int64 ratios × 10^4 fits in
    // int64 unless the rate exceeds ~9 × 10^14 %, which no two amounts of one project produce.
    return multiply_divide_rounded(numerator, 10000, denominator);
}

std::string format_hundredths(std::int64_t value) {
    const bool negative = value < 0;
    const auto magnitude = negative ? -static_cast<UInt128>(value) : static_cast<UInt128>(value);
    const auto whole = static_cast<unsigned long long>(magnitude / 100);
    const auto cents = static_cast<unsigned>(magnitude % 100);
    std::string out = negative ? "-" : "";
    out += std::to_string(whole);
    out += '.';
    out += static_cast<char>('0' + cents / 10);
    out += static_cast<char>('0' + cents % 10);
    return out;
}

std::string format_yuan(Money amount) {
    const std::int64_t fen = amount.fen();
    const bool negative = fen < 0;
    const auto magnitude = negative ? -static_cast<UInt128>(fen) : static_cast<UInt128>(fen);
    const std::string whole = std::to_string(static_cast<unsigned long long>(magnitude / 100));
    std::string grouped;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0) {
            grouped += ',';
        }
        grouped += whole[i];
    }
    const auto cents = static_cast<unsigned>(magnitude % 100);
    std::string out = negative ? "-" : "";
    out += grouped;
    out += '.';
    out += static_cast<char>('0' + cents / 10);
    out += static_cast<char>('0' + cents % 10);
    return out;
}

std::string format_wan(Money amount) {
    // One hundredth of a 万元 is 100 元 = 10,000 fen.
    return format_hundredths(multiply_divide_rounded(amount.fen(), 1, 10000));
}

std::string format_percent(const Rate& rate) {
    const auto hundredths = rate.percent_hundredths();
    return hundredths ? format_hundredths(*hundredths) : "-";
}

}  // namespace ledger
