// ledger/import.hpp — loading a CSV of facts (cli.md "The import file"): all rows or none.
//
// The file is read twice, streaming: first every row is checked on its own (kinds, dates, amounts,
// levels, required columns) and every problem is returned with its line and column — nothing is
// written then; second, the rows are posted in order inside one BEGIN IMMEDIATE transaction, so a rule
// refusal at any row leaves the ledger as it was. A row whose voucher ref (or project, contract, close,
// reversal) is already on file with the same content is counted as present, not posted again.
//
// Importing twice is safe in two more ways, each checked inside that transaction (so two imports of one
// file at once cannot both land): a file whose bytes (SHA-256) were imported before is refused unless
// ImportOptions::again, and a row without a voucher ref that repeats an entry — on file, or posted by an
// earlier row of the file — is refused as a probable duplicate unless ImportOptions::allow_duplicates.
// Both refusals are returned as data (ImportResult), with nothing written; the load itself is recorded
// (Ledger::record_import) in the transaction that writes its rows. Memory stays bounded by the longest
// row (and the line of each entry added, 4 bytes a row).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ledger/ledger.hpp"

namespace ledger {

struct ImportProblem {
    int line = 0;
    int column = 0;  // 1-based; 0 for the whole row
    Message message;
};

struct ImportOptions {
    bool dry_run = false;  // check and post everything, then roll back
    bool again = false;    // load a file whose bytes were imported before
    bool allow_duplicates = false;  // post rows without a voucher ref that repeat an entry
    std::string encoding = "utf-8";  // of the file: utf-8 or gb18030 (GBK) (ledger/encoding.hpp, parse_encoding)
    // Called every so often while posting: rows done, rows in all.
    std::function<void(std::int64_t done, std::int64_t total)> progress;
};

// A row without a voucher ref that repeats an entry (Ledger::entries_repeated_by: the same kind, date,
// project, level, amount, contract and memo as the entry the row would post).
struct ImportDuplicate {
    int line = 0;
    Entry entry;            // the entry repeated: on file, or the one an earlier row of the file posts
    int earlier_line = 0;   // > 0 when the entry is the one line `earlier_line` of this file posts
    std::optional<EntryId> reversed_by;  // the entry (on file) was since reversed by this one
};

struct ImportResult {
    std::int64_t rows = 0;     // data rows in the file
    std::int64_t added = 0;    // entries written (or that would be, with dry_run)
    std::int64_t present = 0;  // rows already on file with the same content
    std::vector<ImportProblem> problems;  // when not empty, nothing was written
    std::string sha256;        // of the file's bytes (once its rows passed their checks)
    // Earlier loads of the same bytes, earliest first. Without options.again that is a refusal:
    // already_imported is set, no row is posted and nothing is written.
    std::vector<ImportRecord> earlier_imports;
    bool already_imported = false;
    // Rows refused as probable duplicates (the first 1000; duplicate_rows counts them all): when not
    // empty, nothing was written. They are left out while the rest is checked, so that every one is found.
    std::vector<ImportDuplicate> duplicates;
    std::int64_t duplicate_rows = 0;
    // With duplicates: the row a ledger rule refused after them (it may lean on a row left out), where
    // checking stopped. Without duplicates a rule refusal is thrown, as before.
    std::optional<ImportProblem> stopped;
    // The load as recorded; none on a dry run, a refusal, or a load that added no entry (every row was on
    // file: it changed nothing and leaves the file as it was).
    std::optional<ImportRecord> record;
    bool refused() const { return !problems.empty() || already_imported || !duplicates.empty(); }
};

// Throws Error{not_found} for a missing file, and, while posting, the Error of the first row a ledger
// rule refuses, its message starting "line N: " (nothing is written) — unless probable duplicates were
// found before that row: then they are returned, with the row in ImportResult::stopped. Refusals of the
// import as a whole (problems, already_imported, duplicates) are returned, not thrown.
ImportResult import_csv(Ledger& ledger, const std::string& path, const Actor& actor, const ImportOptions& options);

// One row of the import format given as (column, value) pairs, column names as in a file's header
// (English or Chinese) — the service's POST /api/v1/entries. The row is checked as a file's row is: every
// problem is returned (line 1, column = the pair's place, 1-based) and nothing is written. Otherwise it is
// posted in one transaction, with `idempotency_key` (per actor.user) recorded beside its entry: the same key
// again returns that entry (created false), or, when the request's content differs, conflict and nothing
// written. A row already on file (the same voucher ref and content) returns that entry, created false.
struct RowPosting {
    std::vector<ImportProblem> problems;
    std::optional<Entry> entry;  // the entry written or found
    bool created = false;
    bool conflict = false;
};
RowPosting post_import_row(Ledger& ledger, const std::vector<std::pair<std::string, std::string>>& cells,
                           const Actor& actor, const std::optional<std::string>& idempotency_key);

// The import format's column names, English and Chinese, in the file format's order.
std::vector<std::pair<std::string, std::string>> import_column_names();

}  // namespace ledger
