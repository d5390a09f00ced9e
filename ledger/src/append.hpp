// Private: how every entry joins the chain. One place fills in an entry's id, recorded time and hashes and
// writes it, so that postings, registrations and account entries (accounts.cpp) are chained alike.
#pragma once

#include <cstdint>
#include <optional>

#include "chain.hpp"
#include "ledger/entry.hpp"
#include "store.hpp"

namespace ledger::detail {

// The records an entry's hash covers besides its own columns (docs/hash-chain.md §2): the registered
// project or contract, an amendment's terms, an account entry's terms.
struct EntryRecords {
    std::optional<Project> project;
    std::optional<Contract> contract;
    std::optional<Amendment> amendment;
    std::optional<AccountRecord> account;
    std::optional<Unit> unit;
};

// Fills in id (the next one), recorded time (now, never before the head's) and hashes, and writes the
// entry. project_id is nullopt for an account or unit entry only. Must run inside a write transaction; the caller
// writes the side-table row of an amendment or account entry after it, in the same transaction.
Entry append_entry(Store& store, Entry entry, std::optional<std::int64_t> project_id,
                   std::optional<std::int64_t> contract_id, const EntryRecords& records);

}  // namespace ledger::detail
