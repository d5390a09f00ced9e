#include "ledger/words.hpp"

#include <array>
#include <string>

#include "ledger/error.hpp"
#include "ledger/message.hpp"

namespace ledger {
namespace {

struct StatusWord {
    std::string_view text;
    RetentionStatus status;
};
constexpr std::array<StatusWord, 19> kStatusWords{{
    {"held", RetentionStatus::held},
    {"未到期", RetentionStatus::held},
    {"在保", RetentionStatus::held},
    {"due", RetentionStatus::due},
    {"到期", RetentionStatus::due},
    {"已到期", RetentionStatus::due},
    {"overdue", RetentionStatus::overdue},
    {"逾期", RetentionStatus::overdue},
    {"已逾期", RetentionStatus::overdue},
    {"partly_released", RetentionStatus::partly_released},
    {"partly released", RetentionStatus::partly_released},
    {"partly-released", RetentionStatus::partly_released},
    {"部分支付", RetentionStatus::partly_released},
    {"部分退还", RetentionStatus::partly_released},
    {"released", RetentionStatus::released},
    {"已支付", RetentionStatus::released},
    {"已退还", RetentionStatus::released},
    {"forfeited", RetentionStatus::forfeited},
    {"已扣除", RetentionStatus::forfeited},
}};
constexpr std::array<std::string_view, 6> kStatusChinese{"未到期", "到期", "逾期", "部分支付", "已支付", "已扣除"};

struct ByWord {
    std::string_view text;
    std::string_view by;
};
constexpr std::array<ByWord, 7> kByWords{{
    {"level", "level"},
    {"project", "project"},
    {"contract", "contract"},
    {"级次", "level"},
    {"资金来源", "level"},
    {"项目", "project"},
    {"合同", "contract"},
}};

}  // namespace

RetentionStatus parse_warranty_status(std::string_view text) {
    for (const auto& word : kStatusWords) {
        if (word.text == text) {
            return word.status;
        }
    }
    std::string words;
    for (const auto& word : kStatusWords) {
        words += (words.empty() ? "" : ", ") + std::string(word.text);
    }
    throw Error(ErrorCode::invalid_input, msg("'{text}' is not a warranty deposit status: use {words}")
                                              .with("text", std::string(text))
                                              .with("words", words));
}

std::string_view chinese_name(RetentionStatus status) { return kStatusChinese[static_cast<std::size_t>(status)]; }

std::string_view parse_balance_by(std::string_view text) {
    for (const auto& word : kByWords) {
        if (word.text == text) {
            return word.by;
        }
    }
    std::string words;
    for (const auto& word : kByWords) {
        words += (words.empty() ? "" : ", ") + std::string(word.text);
    }
    throw Error(ErrorCode::invalid_input, msg("'{text}' is not a way to break down the balance: use {words}")
                                              .with("text", std::string(text))
                                              .with("words", words));
}

}  // namespace ledger
