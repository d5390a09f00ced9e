// ledger/words.hpp — the words a user types for an option's value, in English or Chinese.
//
// One table per vocabulary: parse accepts its words, and its error lists them. (Levels and entry kinds
// are parsed in entry.hpp: parse_level, parse_entry_kind.)
#pragma once

#include <string_view>

#include "ledger/report.hpp"

namespace ledger {

// `warranty list --status`: held (未到期, 在保), due (到期, 已到期), overdue (逾期, 已逾期), partly_released
// (or "partly released"; 部分支付, 部分退还), released (已支付, 已退还), forfeited (已扣除).
// Error{invalid_input} listing the words.
RetentionStatus parse_warranty_status(std::string_view text);
std::string_view chinese_name(RetentionStatus status);  // "未到期", "到期", "逾期", "部分支付", "已支付", "已扣除"

// `balance --by`: "level", "project" or "contract", also 级次 / 资金来源, 项目, 合同; returns the English
// word. Error{invalid_input} listing the words.
std::string_view parse_balance_by(std::string_view text);

}  // namespace ledger
