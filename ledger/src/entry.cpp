#include "ledger/entry.hpp"

#include <optional>
#include <string>

#include "ledger/error.hpp"
#include "ledger/message.hpp"
#include "text.hpp"

namespace ledger {
namespace {

struct LevelName {
    Level level;
    std::string_view id;
    std::string_view chinese;
};
constexpr std::array<LevelName, 6> kLevelNames{{
    {Level::central, "central", "中央级"},
    {Level::provincial, "provincial", "省级"},
    {Level::municipal, "municipal", "市级"},
    {Level::county, "county", "县区级"},
    {Level::carryover, "carryover", "上年结转"},
    {Level::other, "other", "其他资金"},
}};

struct LevelAlias {
    std::string_view text;
    Level level;
};
constexpr std::array<LevelAlias, 12> kLevelAliases{{
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
}};

struct KindName {
    EntryKind kind;
    std::string_view id;
    std::string_view chinese;
};
constexpr std::array<KindName, 18> kKindNames{{
    {EntryKind::project, "project", "项目"},
    {EntryKind::contract, "contract", "合同"},
    {EntryKind::appropriation, "appropriation", "年初预算"},
    {EntryKind::adjustment, "adjustment", "预算调整"},
    {EntryKind::arrival, "arrival", "资金到位"},
    {EntryKind::payment, "payment", "支付"},
    {EntryKind::refund, "refund", "支付退回"},
    {EntryKind::retention, "retention", "质保金预留"},
    {EntryKind::release, "release", "质保金支付"},
    {EntryKind::forfeit, "forfeit", "质保金扣除"},
    {EntryKind::recovery, "recovery", "收回"},
    {EntryKind::close, "close", "年度关账"},
    {EntryKind::reversal, "reversal", "冲销"},
    {EntryKind::amendment, "amendment", "变更"},
    {EntryKind::reopen, "reopen", "重开年度"},
    {EntryKind::account, "account", "账户"},
    {EntryKind::unit, "unit", "预算单位"},
    {EntryKind::prior_refund, "prior_refund", "年初余额调整"},
}};

struct KindAlias {
    std::string_view text;
    EntryKind kind;
};
constexpr std::array<KindAlias, 4> kKindAliases{{
    {"年初预算批复", EntryKind::appropriation},
    {"合同变更", EntryKind::amendment},
    {"项目变更", EntryKind::amendment},
    {"质保金退还", EntryKind::release},
}};

}  // namespace

std::string_view to_string(Level level) { return kLevelNames[static_cast<std::size_t>(level)].id; }

std::string_view chinese_name(Level level) { return kLevelNames[static_cast<std::size_t>(level)].chinese; }

Level parse_level(std::string_view text) {
    for (const auto& name : kLevelNames) {
        if (name.id == text) {
            return name.level;
        }
    }
    for (const auto& alias : kLevelAliases) {
        if (alias.text == text) {
            return alias.level;
        }
    }
    std::string ids;
    std::string names;
    for (const auto& name : kLevelNames) {
        ids += (ids.empty() ? "" : ", ") + std::string(name.id);
        names += (names.empty() ? "" : ", ") + std::string(name.chinese);
    }
    throw Error(ErrorCode::invalid_input, msg("'{text}' is not a funding level: use {ids} (or {names})")
                                              .with("text", std::string(text))
                                              .with("ids", ids)
                                              .with("names", names));
}

std::string_view to_string(EntryKind kind) { return kKindNames[static_cast<std::size_t>(kind)].id; }

std::string_view chinese_name(EntryKind kind) { return kKindNames[static_cast<std::size_t>(kind)].chinese; }

EntryKind parse_entry_kind(std::string_view text) {
    for (const auto& name : kKindNames) {
        if (name.id == text || name.chinese == text) {
            return name.kind;
        }
    }
    for (const auto& alias : kKindAliases) {
        if (alias.text == text) {
            return alias.kind;
        }
    }
    std::string ids;
    std::string names;
    for (const auto& name : kKindNames) {
        if (name.kind == EntryKind::prior_refund) {
            continue;  // an effect, not a kind anyone posts
        }
        ids += (ids.empty() ? "" : ", ") + std::string(name.id);
        names += (names.empty() ? "" : ", ") + std::string(name.chinese);
    }
    throw Error(ErrorCode::invalid_input, msg("'{text}' is not an entry kind: use {ids} (or {names})")
                                              .with("text", std::string(text))
                                              .with("ids", ids)
                                              .with("names", names));
}

namespace {

// A decimal number: digits with at most one point and `max_decimals` decimals, as value × 10^max_decimals;
// nullopt for anything else or above `limit`.
std::optional<std::int64_t> scaled_decimal(std::string_view text, int max_decimals, std::int64_t limit) {
    if (text.empty() || text.front() == '.' || text.back() == '.') {
        return std::nullopt;
    }
    std::int64_t value = 0;
    int decimals = -1;
    for (const char c : text) {
        if (c == '.') {
            if (decimals >= 0) {
                return std::nullopt;
            }
            decimals = 0;
        } else if (c >= '0' && c <= '9') {
            if (decimals >= 0 && ++decimals > max_decimals) {
                return std::nullopt;
            }
            value = value * 10 + (c - '0');
            if (value > limit * 10000) {  // far beyond the limit whatever decimals follow: stop before overflow
                return std::nullopt;
            }
        } else {
            return std::nullopt;
        }
    }
    for (int d = decimals < 0 ? 0 : decimals; d < max_decimals; ++d) {
        value *= 10;
    }
    if (value > limit) {
        return std::nullopt;
    }
    return value;
}

// 500 → "5%", 350 → "3.5%", 5 → "0.05%": basis points as an accountant writes the percent.
std::string percent_text(std::int64_t bp) {
    std::string text = std::to_string(bp / 100);
    const auto hundredths = bp % 100;
    if (hundredths != 0) {
        text += '.';
        text += static_cast<char>('0' + hundredths / 10);
        if (hundredths % 10 != 0) {
            text += static_cast<char>('0' + hundredths % 10);
        }
    }
    return text + "%";
}

[[noreturn]] void not_a_rate(std::string_view text) {
    throw Error(ErrorCode::invalid_input,
                msg("'{text}' is not a retention rate like 5% (0 to 100, at most 2 decimals)")
                    .with("text", std::string(text)));
}

}  // namespace

std::int64_t parse_rate_bp(std::string_view original) {
    // Full-width digits and signs (５％, ５．５％) read as ASCII; blanks around, and before the sign, are fine.
    const std::string normal = detail::half_width(original);
    std::string_view text = detail::trim_blanks(normal);
    if (!text.empty() && text.back() == '%') {
        text.remove_suffix(1);
        const auto bp = scaled_decimal(detail::trim_blanks(text), 2, 10000);
        if (!bp) {
            not_a_rate(original);
        }
        return *bp;
    }
    // A bare number: 0 is 0 in any unit; anything else is ambiguous (0.05 of the amount is 5 %, and 5 is
    // 5 % only if percent was meant), so it is refused with what it likely means.
    const auto bp = scaled_decimal(text, 2, 10000);
    if (bp && *bp == 0) {
        return 0;
    }
    // As a fraction of the whole (0.05 → 5 %): at most 4 decimals make whole hundredths of a percent.
    if (const auto fraction = scaled_decimal(text, 4, 9999); fraction) {
        throw Error(ErrorCode::invalid_input,
                    msg("'{text}' has no percent sign: as a fraction it means {percent}; write {percent} (or "
                        "{text}% if that is meant)")
                        .with("text", std::string(text))
                        .with("percent", percent_text(*fraction)));
    }
    if (bp) {
        throw Error(ErrorCode::invalid_input,
                    msg("'{text}' has no percent sign: write {text}% if {text} percent is meant")
                        .with("text", std::string(text)));
    }
    not_a_rate(original);
}

Contract terms_in_force(Contract registered, const std::vector<Amendment>& amendments, Date on) {
    for (const auto& a : amendments) {
        if (a.effective_on > on || !a.contract || *a.contract != registered.code) {
            continue;
        }
        registered.supplier = a.supplier.value_or(registered.supplier);
        registered.amount = a.amount.value_or(registered.amount);
        registered.retention_rate_bp = a.retention_rate_bp.value_or(registered.retention_rate_bp);
        registered.warranty_months = a.warranty_months.value_or(registered.warranty_months);
        registered.sme = a.sme.value_or(registered.sme);
    }
    return registered;
}

Project terms_in_force(Project registered, const std::vector<Amendment>& amendments, Date on) {
    for (const auto& a : amendments) {
        if (a.effective_on > on || a.contract) {
            continue;
        }
        registered.name = a.name.value_or(registered.name);
        registered.unit_name = a.unit_name.value_or(registered.unit_name);
        registered.func_code = a.func_code.value_or(registered.func_code);
    }
    return registered;
}

}  // namespace ledger
