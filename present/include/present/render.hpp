// present/render.hpp — the renderers: each takes a report structure from the ledger library and writes it as a
// table, JSON (cli.md shapes, built by present/json.hpp), CSV or Markdown. No renderer computes a figure; they
// only format. They write through one function (write(), present/src/render_parts.hpp): to stdout, or into a
// string while capture_output() runs on the same thread — how a server puts a form into a page or a body.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ledger/evaluation.hpp"
#include "ledger/import.hpp"
#include "ledger/ledger.hpp"

#include "present/i18n.hpp"

namespace fundflow {

enum class Unit { yuan, wan };
// The language of headings and words: the one enum of present/i18n.hpp.
using Lang = Language;

struct RenderOptions {
    std::string format_name = "table";  // table | json | csv
    Unit unit = Unit::yuan;
    Lang lang = Lang::zh;
    bool json() const { return format_name == "json"; }
    bool csv() const { return format_name == "csv"; }
};

// Runs body and returns everything the renderers (print_*, the Markdown report) wrote meanwhile on this thread,
// instead of writing it to stdout. Other threads are not affected: each captures its own. Captures nest (the
// inner one gets what is written while it runs). If body throws, the exception propagates, the text is
// dropped and writing goes back to where it went before. (export_*, write_xlsx and write_docx write to the
// file or stream they are given, not through here.)
std::string capture_output(const std::function<void()>& body);


void print_line(const RenderOptions& options, const std::string& text);
void print_posted(const RenderOptions& options, const ledger::PostResult& result);
void print_execution(const RenderOptions& options, const ledger::ExecutionReport& report);
void print_balance(const RenderOptions& options, const ledger::BalanceReport& report, ledger::BalanceBy by);
void print_log(const RenderOptions& options, const std::vector<ledger::Entry>& entries);
// A further row of `show` (correction links, amendment terms): its JSON key, table label and value.
struct ExtraField {
    std::string key;
    std::string label;
    std::string value;
};
void print_entry_detail(const RenderOptions& options, const ledger::Entry& entry,
                        std::optional<ledger::EntryId> reversed_by, const std::optional<ledger::Project>& project,
                        const std::optional<ledger::Contract>& contract,
                        const std::vector<ExtraField>& extra = {});
// The rows `show` adds to an entry: what corrected it or what it corrects, an amendment's terms, the
// amendments of a registration in force on as_of.
std::vector<ExtraField> entry_extras(const RenderOptions& o, const ledger::Ledger& l, const ledger::Entry& e,
                                     ledger::Date as_of);
// The two entries of `fundflow correct`: the reversal, then the replacement.
void print_correction(const RenderOptions& options, const ledger::CorrectionResult& result);
void print_verify(const RenderOptions& options, const ledger::VerifyResult& result);
// `fundflow copy`: what was copied where, with the digest both ledgers now share. JSON {"from", "to",
// "entries", "head", "imports", "idempotency_keys"}.
void print_copied(const RenderOptions& options, const std::string& from, const std::string& to,
                  const ledger::Ledger::CopyResult& result);
void print_digest(const RenderOptions& options, const ledger::Digest& digest);
void print_warranty(const RenderOptions& options, const ledger::WarrantyReport& report);
void print_check(const RenderOptions& options, const ledger::CheckReport& report);
void print_evaluation(const RenderOptions& options, const ledger::Evaluation& evaluation);
void print_import(const RenderOptions& options, const ledger::ImportResult& result, bool dry_run);
// The whole self-evaluation report in the seed's sections, as Markdown.
void print_evaluation_report(const ledger::Evaluation& evaluation);
// The 预算执行情况 table as Markdown (万元).
std::string execution_markdown(const ledger::ExecutionReport& report);
// The execution form's heading line "预算单位：… 功能分类：…" (empty when neither is registered), and the
// note "其中：已收回 X 万元" under the table (empty when nothing was recovered in the year; markdown: a
// paragraph starting with a blank line).
std::string execution_heading_line(Lang lang, const ledger::ExecutionReport& report);
std::string execution_recovered_note(Lang lang, const ledger::ExecutionReport& report, bool markdown = false);
// The 自评报告's sentence on budget execution, true to the ledger: balance, 已收回国库, deposits held and
// deposits past their due date unpaid (with the days as of the form's date).
std::string execution_analysis(Lang lang, const ledger::ExecutionReport& report);

}  // namespace fundflow
