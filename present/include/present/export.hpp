// `fundflow export --to csv|json|ledger|hledger|beancount`: the whole ledger (or one project) as text
// that fundflow re-imports (csv), that scripts read (json), or that ledger-cli, hledger and Beancount
// read and balance to fundflow's own figures (docs/export.md).
#pragma once

#include <cstdio>
#include <optional>
#include <string>

#include "ledger/ledger.hpp"

namespace fundflow {

// Each writes what the cut (--as-of, --known-at) sees.
void export_csv(const ledger::Ledger& ledger, const std::optional<std::string>& project, const ledger::ReadCut& cut,
                std::FILE* out);
void export_json(const ledger::Ledger& ledger, const std::optional<std::string>& project, const ledger::ReadCut& cut,
                 std::FILE* out);
enum class JournalSyntax { ledger, hledger, beancount };
void export_journal(const ledger::Ledger& ledger, const std::optional<std::string>& project, const ledger::ReadCut& cut,
                    JournalSyntax syntax, std::FILE* out);

}  // namespace fundflow
