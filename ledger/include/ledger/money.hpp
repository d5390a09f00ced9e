// ledger/money.hpp — amounts of CNY as whole fen, and exact rates between them.
//
// Money is a signed 64-bit count of fen (0.01 元). Arithmetic is exact and checked: a result outside
// int64 throws Error{limit_exceeded}. There is no way in or out through floating point, and no
// operator/: rates are exact ratios (Rate) rounded once, at display. Values are plain data and are
// safe to share between threads.
#pragma once

#include <compare>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ledger {

class Money {
public:
    constexpr Money() = default;
    static constexpr Money from_fen(std::int64_t fen) noexcept { return Money{fen}; }

    // Parses an amount as accountants write it (domain.md §2): "1259500", "1,259,500.00", "¥1,259,500",
    // "￥1,259,500", "125.95万", "125.95万元", "1亿", "1.5亿元", "100元", with an optional leading sign, blanks
    // around the parts, and full-width digits and punctuation ("１，２３４．５６", "，" between thousands).
    // Exact: at most 2 decimals of 元, 6 of 万元, 10 of 亿元 (anything finer than a fen is refused, never
    // rounded); thousands separators only in groups of three. Throws Error{invalid_input} naming the
    // text for anything else, Error{limit_exceeded} when the amount does not fit.
    static Money parse(std::string_view text);

    template <std::floating_point F>
    Money(F) = delete;

    constexpr std::int64_t fen() const noexcept { return fen_; }
    constexpr auto operator<=>(const Money&) const = default;

    Money operator+(Money other) const;  // throws Error{limit_exceeded} on overflow
    Money operator-(Money other) const;  // throws Error{limit_exceeded} on overflow
    Money operator-() const;             // throws Error{limit_exceeded} for INT64_MIN
    Money& operator+=(Money other) { return *this = *this + other; }
    Money& operator-=(Money other) { return *this = *this - other; }

    // amount × numerator / denominator, rounded half away from zero (e.g. a retention of 5 % of a
    // contract: apply_ratio(500, 10000)). Throws Error{limit_exceeded} if the result does not fit,
    // Error{invalid_input} for a denominator that is not positive.
    Money apply_ratio(std::int64_t numerator, std::int64_t denominator) const;

private:
    constexpr explicit Money(std::int64_t fen) noexcept : fen_{fen} {}
    std::int64_t fen_ = 0;
};

// An exact ratio of two amounts (arrival rate, execution rate). Undefined when the denominator is 0.
struct Rate {
    std::int64_t numerator = 0;
    std::int64_t denominator = 0;

    static constexpr Rate of(Money part, Money whole) noexcept { return Rate{part.fen(), whole.fen()}; }
    constexpr bool defined() const noexcept { return denominator != 0; }
    // The rate in hundredths of a percent (9500 for 95.00 %), rounded once, half away from zero;
    // nullopt when undefined.
    std::optional<std::int64_t> percent_hundredths() const;  // Error{limit_exceeded} beyond int64
};

// value × multiplier / divisor, exact in 128 bits and rounded once, half away from zero (四舍五入).
// divisor must not be 0; throws Error{limit_exceeded} when the result does not fit in int64.
std::int64_t multiply_divide_rounded(std::int64_t value, std::int64_t multiplier, std::int64_t divisor);

// Display helpers over exact values; none of them goes through floating point.
std::string format_yuan(Money amount);               // "1,196,525.00", "-0.01"
std::string format_wan(Money amount);                // 万元, 2 decimals, half away: "119.65"
std::string format_hundredths(std::int64_t value);   // 9500 → "95.00", -5 → "-0.05"
std::string format_percent(const Rate& rate);        // "95.00", or "-" when undefined

}  // namespace ledger
