#include "ledger/entry.hpp"

#include "ledger/error.hpp"

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
constexpr std::array<KindName, 16> kKindNames{{
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
    {EntryKind::prior_refund, "prior_refund", "年初余额调整"},
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
    throw Error(ErrorCode::invalid_input,
                "'" + std::string(text) +
                    "' is not a funding level: use central, provincial, municipal, county, carryover or other "
                    "(or 中央级, 省级, 市级, 县区级, 上年结转, 其他资金)");
}

std::string_view to_string(EntryKind kind) { return kKindNames[static_cast<std::size_t>(kind)].id; }

std::string_view chinese_name(EntryKind kind) { return kKindNames[static_cast<std::size_t>(kind)].chinese; }

EntryKind parse_entry_kind(std::string_view text) {
    for (const auto& name : kKindNames) {
        if (name.id == text || name.chinese == text) {
            return name.kind;
        }
    }
    if (text == "年初预算批复") {
        return EntryKind::appropriation;
    }
    throw Error(ErrorCode::invalid_input,
                msg("'{text}' is not an entry kind: use appropriation, adjustment, arrival, payment, refund, retention, "
                    "release, forfeit, recovery, close, reversal, project or contract")
                    .with("text", std::string(text)));
}

std::int64_t parse_rate_bp(std::string_view original) {
    std::string_view text = original;
    if (!text.empty() && text.back() == '%') {
        text.remove_suffix(1);
    }
    const auto bad = [&] {
        throw Error(ErrorCode::invalid_input,
                    msg("'{text}' is not a retention rate like 5% (0 to 100, at most 2 decimals)")
                        .with("text", std::string(original)));
    };
    std::int64_t whole = 0;
    std::int64_t hundredths = 0;
    int decimals = -1;
    if (text.empty()) {
        bad();
    }
    for (char c : text) {
        if (c == '.') {
            if (decimals >= 0) {
                bad();
            }
            decimals = 0;
        } else if (c >= '0' && c <= '9') {
            if (decimals < 0) {
                whole = whole * 10 + (c - '0');
                if (whole > 100) {
                    bad();
                }
            } else {
                if (++decimals > 2) {
                    bad();
                }
                hundredths = hundredths * 10 + (c - '0');
            }
        } else {
            bad();
        }
    }
    if (decimals == 0 || text.front() == '.') {
        bad();
    }
    if (decimals == 1) {
        hundredths *= 10;
    }
    const std::int64_t bp = whole * 100 + hundredths;
    if (bp > 10000) {
        bad();
    }
    return bp;
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
