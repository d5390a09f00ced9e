#include "ledger/csv.hpp"

#include <sstream>
#include <utility>

#include "ledger/error.hpp"

namespace ledger {
namespace {
constexpr std::size_t kMaxField = 1 << 20;
}

// A read that meets a byte that is not text (DecodedFile) throws CsvError for the whole line (column 0):
// placed here in the field being read.
int CsvReader::get() {
    try {
        return read();
    } catch (const CsvError& e) {
        if (e.column() != 0) {
            throw;
        }
        throw CsvError(e.line(), column_, e.reason());
    }
}

int CsvReader::peek() {
    try {
        return in_.peek();
    } catch (const CsvError& e) {
        if (e.column() != 0) {
            throw;
        }
        throw CsvError(e.line(), column_, e.reason());
    }
}

int CsvReader::read() {
    const int c = in_.get();
    if (!started_) {
        started_ = true;
        // A UTF-8 byte order mark (EF BB BF) at the very start is not data.
        if (c == 0xEF && in_.peek() == 0xBB) {
            in_.get();
            if (in_.peek() == 0xBF) {
                in_.get();
                return in_.get();
            }
        }
    }
    return c;
}

std::optional<CsvRecord> CsvReader::next() {
    while (true) {
        CsvRecord record;
        record.line = line_;
        std::string field;
        bool quoted = false;
        bool was_quoted = false;
        bool any = false;  // the record has content (a field, a separator or a quote)
        // Problems are placed where their field starts (a quoted field may span lines).
        int field_line = line_;
        const auto fail = [&](Message why) {
            throw CsvError(field_line, static_cast<int>(record.fields.size()) + 1, std::move(why));
        };
        column_ = 1;
        int c = get();
        if (c == EOF) {
            return std::nullopt;
        }
        for (;; c = get()) {
            if (c == EOF) {
                if (quoted) {
                    fail(msg("a quoted field is never closed"));
                }
                break;
            }
            const char ch = static_cast<char>(c);
            if (quoted) {
                if (ch == '"') {
                    if (peek() == '"') {
                        in_.get();
                        field += '"';
                    } else {
                        quoted = false;
                        was_quoted = true;
                    }
                } else {
                    if (ch == '\n') {
                        ++line_;
                    }
                    field += ch;
                }
            } else if (ch == '"') {
                if (!field.empty() || was_quoted) {
                    fail(msg("a quote inside an unquoted field (quote the whole field and double the quote: \"\")"));
                }
                quoted = true;
                any = true;
            } else if (ch == ',') {
                record.fields.push_back(std::move(field));
                column_ = static_cast<int>(record.fields.size()) + 1;
                field.clear();
                was_quoted = false;
                any = true;
                field_line = line_;
            } else if (ch == '\r' && peek() == '\n') {
                continue;  // CRLF: the LF ends the record
            } else if (ch == '\n') {
                ++line_;
                break;
            } else {
                if (was_quoted) {
                    fail(msg("text after a closing quote"));
                }
                field += ch;
                any = true;
            }
            if (field.size() > kMaxField) {
                fail(msg("a field longer than 1 MiB"));
            }
        }
        if (!any && field.empty()) {
            if (c == EOF) {
                return std::nullopt;
            }
            continue;  // a blank line
        }
        record.fields.push_back(std::move(field));
        return record;
    }
}

std::vector<CsvRecord> parse_csv(std::string_view text) {
    std::istringstream in{std::string(text)};
    CsvReader reader(in);
    std::vector<CsvRecord> records;
    while (auto record = reader.next()) {
        records.push_back(std::move(*record));
    }
    return records;
}

}  // namespace ledger
