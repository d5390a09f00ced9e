// present/json.hpp — the JSON shapes of cli.md ("JSON shapes"), one builder per report structure, and the one
// layout every JSON document of fundflow is written in.
//
// The CLI's `--format json` and the bodies of `fundflow serve` are both dump_json(builder(...)): byte for byte
// the same for the same report. The builders only shape what the ledger computed; none computes a figure.
//   - Keys come in the order cli.md shows them (nlohmann::ordered_json keeps insertion order).
//   - Money is an integer count of fen, in a key ending `_fen`.
//   - Rates, scores and weights are numbers in percent (points) with at most 2 decimals, or null; see
//     hundredths_json for how they are written (95.0, 33.33, 12.5).
//   - Text worded for people (check details, verify's problem) is in the language the builder is given; keys,
//     codes (kinds, levels, verdicts, check names, statuses) never change with the language.
// Every function here is pure: any thread may call any of them at any time.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/evaluation.hpp"
#include "ledger/import.hpp"
#include "ledger/ledger.hpp"
#include "ledger/lists.hpp"

#include "present/render.hpp"

namespace fundflow {

// The document as fundflow writes it: one line, `", "` between members and elements, `": "` after a key,
// then "\n" (the layout of cli.md's examples). Scalars are written by nlohmann-json (strings as UTF-8, escaped
// as JSON requires; a byte that is not UTF-8 — only a tampered file holds one — becomes U+FFFD, so that the
// output is still JSON).
std::string dump_json(const nlohmann::ordered_json& document);

// A number given as exact hundredths (9500 → 95.0, 3333 → 33.33, 50 → 0.5), or null. JSON has no decimal
// type and nlohmann-json none that writes a fixed number of decimals, so the value is the double nearest to
// hundredths / 100, which nlohmann writes in its shortest round-trip form: read back, it is that same double,
// and the one decimal with at most 2 places that it stands for is what is printed (checked for every value
// below 10^8 hundredths and by sampling up to 10^15; beyond 10^13 % the last digit may differ). It is for
// display and for scripts to read: fundflow never computes with it.
nlohmann::ordered_json hundredths_json(std::optional<std::int64_t> hundredths);

// One entry ("id", "kind", "effect_kind", ..., "prev_hash", "hash"); `refunds` and `corrects` only when set.
nlohmann::ordered_json entry_json(const ledger::Entry& entry);
// {"message": ...}: what a command that has nothing but a sentence to say prints (`init`, `wrote F`): text
// worded already, or a message worded here in `lang`.
nlohmann::ordered_json message_json(const std::string& text);
nlohmann::ordered_json message_json(const ledger::Message& message, Lang lang);
// A writing command: {"entry": {...}, "created": bool}.
nlohmann::ordered_json posted_json(const ledger::PostResult& result);
// `correct`: {"reversal": {...}, "entry": {...}, "created": true}.
nlohmann::ordered_json correction_json(const ledger::CorrectionResult& result);
// `report execution`: project, year, as_of, known_at (when given), the eight columns, retention, unit, recovered.
nlohmann::ordered_json execution_json(const ledger::ExecutionReport& report);
// `balance --by project|level|contract` (contract rows: supplier and amount in force, executed, retention).
nlohmann::ordered_json balance_json(const ledger::BalanceReport& report, ledger::BalanceBy by);
// `log`: {"entries": [...]}.
nlohmann::ordered_json log_json(const std::vector<ledger::Entry>& entries);
// `show`: the entry, the extra fields (correction links, amendment terms), reversed_by, the project's and the
// contract's registration when the entry registers one.
nlohmann::ordered_json entry_detail_json(const ledger::Entry& entry, std::optional<ledger::EntryId> reversed_by,
                                         const std::optional<ledger::Project>& project,
                                         const std::optional<ledger::Contract>& contract,
                                         const std::vector<ExtraField>& extra = {});
// `verify`: ok, entries, head; first_bad and problem (worded in `lang`) when not ok.
nlohmann::ordered_json verify_json(const ledger::VerifyResult& result, Lang lang);
// `digest`: entries, head.
nlohmann::ordered_json digest_json(const ledger::Digest& digest);
// `warranty list`.
nlohmann::ordered_json warranty_json(const ledger::WarrantyReport& report);
// `check`: as_of, ok, and per check its name and verdict (codes) and its details (worded in `lang`).
nlohmann::ordered_json check_json(const ledger::CheckReport& report, Lang lang);
// `evaluate`: the scored sheet, total, grade and the execution rate it used.
nlohmann::ordered_json evaluation_json(const ledger::Evaluation& evaluation);
// `import`: rows, added, present, dry_run.
nlohmann::ordered_json import_json(const ledger::ImportResult& result, bool dry_run);
// `project list` and `contract list`.
nlohmann::ordered_json project_list_json(const ledger::ProjectList& list);
nlohmann::ordered_json contract_list_json(const ledger::ContractList& list);

}  // namespace fundflow
