// ledger/csv.hpp — RFC 4180 CSV reading for the files accountants bring (indicator sheets, imports).
//
// UTF-8 with or without a BOM, CRLF or LF line ends, quoted fields with doubled quotes and embedded line
// breaks. Each record keeps the line number it starts on, for messages like "ind.csv:4:5: ...".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ledger {

struct CsvRecord {
    int line = 0;  // 1-based line of the record's first character
    std::vector<std::string> fields;
};

// Parses the whole text. Blank lines are skipped. Throws Error{invalid_input} naming the line for an
// unterminated quote or text after a closing quote.
std::vector<CsvRecord> parse_csv(std::string_view text);

}  // namespace ledger
