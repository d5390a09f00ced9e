// ledger/entry.hpp — funding levels, entry kinds and the entry record (domain.md §3, §4).
//
// An Entry is one appended fact. Entries are immutable once written: a correction is a new reversal
// entry. The creation of a project and of a contract is an entry too, so that the hash chain covers
// them (docs/hash-chain.md).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/calendar.hpp"
#include "ledger/money.hpp"

namespace ledger {

enum class EntryId : std::int64_t {};

// The columns of the 预算执行情况 form, in the form's order after the subtotal.
enum class Level { central, provincial, municipal, county, carryover, other };
inline constexpr std::array<Level, 6> kLevels{Level::central,  Level::provincial, Level::municipal,
                                              Level::county,   Level::carryover,  Level::other};
inline constexpr bool is_fiscal(Level level) { return level <= Level::county; }

std::string_view to_string(Level level);     // "county"
std::string_view chinese_name(Level level);  // "县区级"
// Accepts an id or a Chinese name (县, 县级, 县区级, ...); throws Error{invalid_input} listing the ids.
Level parse_level(std::string_view text);

enum class EntryKind {
    project,        // 项目: a project was registered (no money)
    contract,       // 合同: a contract was registered (no money on the form)
    appropriation,  // 年初预算批复
    adjustment,     // 预算调整 (±)
    arrival,        // 资金到位
    payment,        // 支付
    refund,         // 支付退回
    retention,      // 质保金预留
    release,        // 质保金支付
    forfeit,        // 质保金扣除
    recovery,       // 收回
    close,          // 年度关账
    reversal,       // 冲销
    amendment,      // 合同变更 / 项目变更: new terms of a contract or project from a date on (no money)
    reopen,         // 重开年度: unlocks a closed year (no money)
    account,        // 账户: a user created, disabled, given a role or password, or a token (no project, no
                    // money; ledger/accounts.hpp)
    unit,           // 预算单位: a budget unit was registered in the tree of units (no project, no money;
                    // schema 7, Ledger::add_unit)
    // Effect kind only (the entry's kind is refund): a refund returning a payment or release of an
    // earlier year, a 年初余额调整 of the carryover (domain.md §4, §6).
    prior_refund,
};

std::string_view to_string(EntryKind kind);     // "payment"
std::string_view chinese_name(EntryKind kind);  // "支付"
// English or Chinese (支付, 年初预算 or 年初预算批复, 合同变更, ...); Error{invalid_input} listing both.
EntryKind parse_entry_kind(std::string_view text);

// One row of the ledger as read back, with its project and contract codes resolved.
struct Entry {
    // An account entry (kind account) belongs to no project: `project` is empty, `level` unset, amount 0.
    EntryId id{};
    EntryKind kind = EntryKind::payment;
    // What the entry does to the figures: its own kind, or for a reversal the kind it reverses
    // (whose effect it cancels with the opposite sign).
    EntryKind effect_kind = EntryKind::payment;
    std::string project;
    std::optional<Level> level;
    Money amount;  // signed effect: a reversal of a payment of 100 carries -100
    Date effective_on;
    std::string recorded_at;  // UTC, fixed width (calendar.hpp)
    std::string user;         // who said they posted it (--user)
    std::string os_user;      // the login that ran the program
    std::optional<std::string> contract;
    std::optional<std::string> ref;
    std::string memo;
    std::optional<EntryId> reverses;
    std::optional<EntryId> refunds;   // refund: the payment or release it returns (--of), when named
    std::optional<EntryId> corrects;  // a replacement posted by `correct`: the entry it corrects
    std::optional<Date> accepted_on;  // retention: acceptance (验收) date
    std::optional<Date> due_on;       // retention: release due date
    std::optional<int> warranty_months;
    std::string prev_hash;  // 64 hex digits
    std::string hash;       // 64 hex digits
};

// A project as registered.
struct Project {
    std::string code;
    std::string name;
    std::string unit_name;
    std::string func_code;
    std::string unit = {};  // the code of the budget unit (预算单位) it belongs to; empty: none (schema 7)
};

// A budget unit (预算单位) in the tree of units: county → city → province (schema 7). A unit never moves and
// its code never changes.
struct Unit {
    std::string code;
    std::string name;
    std::string parent;  // the parent unit's code; empty for a root
};

// A contract as registered. The retention rate is in basis points (5 % = 500).
struct Contract {
    std::string project;
    std::string code;
    std::string supplier;
    Money amount;
    std::int64_t retention_rate_bp = 0;
    int warranty_months = 0;
    bool sme = false;
};

// An amendment (变更): new terms of a contract (补充协议) or of a project from its effective date on.
// Each term left unset stays as it was; terms in force at date D are the registration overlaid by
// every amendment effective on or before D, in (effective date, entry id) order (docs/accounting.md).
// A contract amendment sets only contract terms, a project amendment only project terms.
struct Amendment {
    std::string project;
    std::optional<std::string> contract;  // set: amends this contract; unset: amends the project
    Date effective_on;
    std::optional<EntryId> entry;  // the amendment entry, once written
    // Project terms.
    std::optional<std::string> name;
    std::optional<std::string> unit_name;
    std::optional<std::string> func_code;
    // Contract terms.
    std::optional<std::string> supplier;
    std::optional<Money> amount;
    std::optional<std::int64_t> retention_rate_bp;
    std::optional<int> warranty_months;
    std::optional<bool> sme;

    bool sets_nothing() const {
        return !name && !unit_name && !func_code && !supplier && !amount && !retention_rate_bp && !warranty_months &&
               !sme;
    }
};

// The registration overlaid by the amendments given (in (effective date, id) order) effective on or
// before `on`.
Contract terms_in_force(Contract registered, const std::vector<Amendment>& amendments, Date on);
Project terms_in_force(Project registered, const std::vector<Amendment>& amendments, Date on);

// Parses a retention rate in percent → basis points: "5%", "2.5%", "5 %", "５％" (full-width), and a bare
// "0". A bare number other than 0 is ambiguous and refused with its likely meaning ("0.05" has no
// percent sign: as a fraction it means 5%); more than 2 decimals or outside 0–100 % throws too. All
// Error{invalid_input} naming the text.
std::int64_t parse_rate_bp(std::string_view text);

}  // namespace ledger
