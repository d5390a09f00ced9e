#include "ledger/csv.hpp"

#include "ledger/error.hpp"

namespace ledger {

std::vector<CsvRecord> parse_csv(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") {
        text.remove_prefix(3);
    }
    std::vector<CsvRecord> records;
    CsvRecord record;
    std::string field;
    int line = 1;
    record.line = 1;
    bool quoted = false;       // inside a quoted field
    bool was_quoted = false;   // the current field was quoted (and closed)
    bool record_empty = true;  // nothing but line ends so far
    const auto end_field = [&] {
        record.fields.push_back(std::move(field));
        field.clear();
        was_quoted = false;
    };
    const auto end_record = [&] {
        end_field();
        if (!(record_empty && record.fields.size() == 1 && record.fields[0].empty())) {
            records.push_back(std::move(record));
        }
        record = CsvRecord{};
        record.line = line;
        record_empty = true;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                    was_quoted = true;
                }
            } else {
                if (c == '\n') {
                    ++line;
                }
                field += c;
            }
            continue;
        }
        if (c == '"') {
            if (!field.empty() || was_quoted) {
                throw Error(ErrorCode::invalid_input,
                            "line " + std::to_string(line) + ": a quote inside an unquoted field (quote the whole field "
                                                             "and double the quote: \"\")");
            }
            quoted = true;
            record_empty = false;
        } else if (c == ',') {
            end_field();
            record_empty = false;
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            continue;  // CRLF: the LF ends the record
        } else if (c == '\n') {
            ++line;
            end_record();
        } else {
            if (was_quoted) {
                throw Error(ErrorCode::invalid_input,
                            "line " + std::to_string(line) + ": text after a closing quote");
            }
            field += c;
            record_empty = false;
        }
    }
    if (quoted) {
        throw Error(ErrorCode::invalid_input,
                    "line " + std::to_string(record.line) + ": a quoted field is never closed");
    }
    if (!field.empty() || !record.fields.empty() || was_quoted) {
        end_record();
    }
    return records;
}

}  // namespace ledger
