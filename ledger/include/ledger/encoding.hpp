// ledger/encoding.hpp — the text encodings of the files accountants bring (import CSVs, indicator sheets).
//
// The ledger reads UTF-8 (a BOM is fine). Excel and WPS on a Chinese Windows save CSV as GBK/GB18030 by
// default: such a file is refused with one line saying so and how to proceed (--encoding gb18030, or save
// it as UTF-8), and with the encoding given it is converted (glibc iconv) before it is parsed. GB18030 is
// a superset of GBK and GB2312, so one conversion covers the three. A problem names the first bad line.
#pragma once

#include <fstream>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/message.hpp"

namespace ledger {

enum class Encoding { utf8, gb18030 };

// "utf-8" (or utf8) and "gb18030" (or gbk, gb2312, cp936), any case; Error{invalid_input} otherwise.
Encoding parse_encoding(std::string_view name);

struct EncodingProblem {
    int line = 0;                // 1-based line of the first byte that is not text in the encoding
    bool looks_gb18030 = false;  // UTF-8 was expected, and the line reads as GBK/GB18030
    Message message;             // what is wrong and what to do (without the line: the caller places it)
};

// nullopt when `bytes` are UTF-8 (with or without a BOM); else where they are not, and whether the
// file looks like GBK/GB18030.
std::optional<EncodingProblem> check_utf8(std::string_view bytes);

// GB18030 (GBK, GB2312) bytes as UTF-8; a sequence that is no character throws Error{invalid_input}
// naming its line.
std::string gb18030_to_utf8(std::string_view bytes);

// The UTF-8 text of `bytes` read in `encoding`: UTF-8 is checked (check_utf8) and returned as it is,
// GB18030 converted. Throws Error{invalid_input} naming the first bad line.
std::string to_utf8(std::string_view bytes, Encoding encoding);

// A file read as UTF-8 text, converted from `encoding` block by block as it is read (memory stays
// bounded; a multibyte character split between blocks is carried over). At the first byte that is not
// text in the encoding, a read throws CsvError (ledger/csv.hpp) with that line, column 0, and the
// message of check_utf8 (or of gb18030_to_utf8). `!file` when the file cannot be opened.
class DecodedFile : public std::istream {
public:
    DecodedFile(const std::string& path, Encoding encoding);
    ~DecodedFile() override;
    DecodedFile(const DecodedFile&) = delete;
    DecodedFile& operator=(const DecodedFile&) = delete;

private:
    class Buffer;
    std::ifstream file_;
    std::unique_ptr<Buffer> buffer_;
};

}  // namespace ledger
