// ledger/csv.hpp — RFC 4180 CSV reading for the files accountants bring (indicator sheets, imports).
//
// UTF-8 with or without a BOM (a file in another encoding is read through DecodedFile, encoding.hpp), CRLF or LF line ends, quoted fields with doubled quotes and embedded line
// breaks. Each record keeps the line number it starts on, for messages like "ind.csv:4:5: ...".
// CsvReader streams: memory stays bounded by the longest record, whatever the file's size.
#pragma once

#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/error.hpp"
#include "ledger/message.hpp"

namespace ledger {

// A file that is not CSV: Error{invalid_input} with where it happened. what() reads "line L, column C:
// reason"; line() and column() (1-based) let a caller report FILE:LINE:COLUMN.
class CsvError : public Error {
public:
    CsvError(int line, int column, Message reason)
        : Error(ErrorCode::invalid_input, msg("line {line}, column {column}: {reason}")
                                              .with("line", std::to_string(line))
                                              .with("column", std::to_string(column))
                                              .with("reason", reason)),
          line_(line), column_(column), reason_(std::move(reason)) {}
    int line() const noexcept { return line_; }
    int column() const noexcept { return column_; }  // 0: the whole line (its encoding)
    const Message& reason() const noexcept { return reason_; }

private:
    int line_;
    int column_;
    Message reason_;
};

struct CsvRecord {
    int line = 0;  // 1-based line of the record's first character
    std::vector<std::string> fields;
};

class CsvReader {
public:
    explicit CsvReader(std::istream& in) : in_(in) {}
    // The next record, skipping blank lines; nullopt at the end. Throws CsvError for an unterminated
    // quote, text after a closing quote, a quote inside an unquoted field, or a field over 1 MiB.
    std::optional<CsvRecord> next();

private:
    int get();
    int peek();
    int read();
    std::istream& in_;
    int column_ = 1;  // of the field being read
    int line_ = 1;
    bool started_ = false;
};

// Parses a whole text (see CsvReader).
std::vector<CsvRecord> parse_csv(std::string_view text);

}  // namespace ledger
