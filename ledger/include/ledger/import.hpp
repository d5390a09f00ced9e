// ledger/import.hpp — loading a CSV of facts (cli.md "The import file"): all rows or none.
//
// The file is read twice, streaming: first every row is checked on its own (kinds, dates, amounts,
// levels, required columns) and every problem is returned with its line and column — nothing is
// written then; second, the rows are posted in order inside one BEGIN IMMEDIATE transaction, so a rule
// refusal at any row leaves the ledger as it was. A row whose voucher ref (or project, contract, close,
// reversal) is already on file with the same content is counted as present, not posted again, so
// running an import twice is safe. Memory stays bounded by the longest row.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ledger/ledger.hpp"

namespace ledger {

struct ImportProblem {
    int line = 0;
    int column = 0;  // 1-based; 0 for the whole row
    std::string message;
};

struct ImportOptions {
    bool dry_run = false;  // check and post everything, then roll back
    // Called every so often while posting: rows done, rows in all.
    std::function<void(std::int64_t done, std::int64_t total)> progress;
};

struct ImportResult {
    std::int64_t rows = 0;     // data rows in the file
    std::int64_t added = 0;    // entries written (or that would be, with dry_run)
    std::int64_t present = 0;  // rows already on file with the same content
    std::vector<ImportProblem> problems;  // when not empty, nothing was written
};

// Throws Error{not_found} for a missing file, and, while posting, the Error of the first row a ledger
// rule refuses, its message starting "line N: " (nothing is written).
ImportResult import_csv(Ledger& ledger, const std::string& path, const Actor& actor, const ImportOptions& options);

}  // namespace ledger
