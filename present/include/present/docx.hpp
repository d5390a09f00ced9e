// A report as a Word document (.docx, WordprocessingML in a zip written through minizip): the 自评报告
// the finance bureau takes. The document model is small — a title, two levels of headings, paragraphs,
// placeholders to fill in and tables — and the Markdown report is rendered from the same model.
#pragma once

#include <string>
#include <vector>

#include "ledger/evaluation.hpp"

namespace fundflow {

struct DocBlock {
    enum class Kind { title, heading1, heading2, paragraph, placeholder, table } kind = Kind::paragraph;
    std::string text;                               // all but tables
    std::vector<std::string> headings;              // tables: the header row
    std::vector<std::vector<std::string>> rows;     // tables: the body
    bool landscape = false;  // this block and all after it on landscape pages (a wide attachment)
};

// The blocks as Markdown: one blank line between blocks.
std::string markdown_of(const std::vector<DocBlock>& blocks);

// Writes the blocks as an A4 .docx (宋体/仿宋/黑体 as official documents use, tables as real Word tables
// with borders). Refuses (Error{rejected}) an existing file unless `force`; writes a temporary file beside
// it and renames it into place, so a failed write leaves no half document. Error{storage} on I/O failure.
void write_docx(const std::string& path, const std::vector<DocBlock>& blocks, bool force);

// The 自评报告 (render_evaluation.cpp): the seed's sections, the execution form, the scored sheet.
std::vector<DocBlock> evaluation_report_blocks(const ledger::Evaluation& evaluation);

// `evaluate --format docx --output FILE [--force]`.
void write_evaluation_docx(const std::string& path, const ledger::Evaluation& evaluation, bool force);

}  // namespace fundflow
