// Private: the canonical byte encoding of an entry and the SHA-256 chain over it. The format is
// specified for auditors in docs/hash-chain.md; any change here is a new format version.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ledger/entry.hpp"

namespace ledger::detail {

inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The terms of an account entry: its row of account_events (schema 5), as stored.
struct AccountRecord {
    std::string user;    // the account acted on
    std::string action;  // create, disable, role, password, token
    std::optional<std::string> role;
    std::optional<std::string> projects;  // sorted codes joined by ','
    std::optional<std::string> password_hash;
    std::optional<std::string> token_sha256;
    std::optional<std::string> token_expires_at;
};

// The bytes hashed for one entry. project_record is given for kind == project (the registered
// project's fields), contract_record for kind == contract, amendment_record for kind == amendment
// (the terms its row in the amendments table sets), account_record for kind == account, unit_record for
// kind == unit (its row of the units table).
std::string canonical_encoding(const Entry& entry, const std::optional<Project>& project_record,
                               const std::optional<Contract>& contract_record,
                               const std::optional<Amendment>& amendment_record,
                               const std::optional<AccountRecord>& account_record = std::nullopt,
                               const std::optional<Unit>& unit_record = std::nullopt);

// Lowercase hex SHA-256 of prev_hash (its 64 ASCII characters) followed by the encoding.
std::string chain_hash(std::string_view prev_hash, std::string_view encoding);

bool is_hex_hash(std::string_view text);

}  // namespace ledger::detail
