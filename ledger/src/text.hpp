// Private: what text the ledger accepts. Well-formed UTF-8 (no overlongs, no surrogates, nothing above
// U+10FFFF) without control characters (C0 but tab, DEL, C1): what is stored is what every output prints.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ledger/message.hpp"

namespace ledger::detail {

// Why the text is not acceptable, or nullopt.
inline std::optional<Message> text_problem(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                return msg("a control character");
            }
            ++i;
            continue;
        }
        std::size_t length = 0;
        char32_t cp = 0;
        if (c >= 0xC2 && c <= 0xDF) {
            length = 2;
            cp = c & 0x1Fu;
        } else if (c >= 0xE0 && c <= 0xEF) {
            length = 3;
            cp = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4;
            cp = c & 0x07u;
        }
        bool ok = length != 0 && i + length <= text.size();
        for (std::size_t k = 1; ok && k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            ok = (next & 0xC0u) == 0x80u;
            cp = (cp << 6) | (next & 0x3Fu);
        }
        if (!ok || (length == 3 && cp < 0x800) || (length == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF)) {
            return msg("not UTF-8 text (a GB18030 file? convert it: iconv -f GB18030 -t UTF-8)");
        }
        if (cp >= 0x80 && cp <= 0x9F) {
            return msg("a control character");
        }
        i += length;
    }
    return std::nullopt;
}

// The number of characters (Unicode code points) of UTF-8 text: what a limit "at most N characters" counts,
// so that 50 汉字 weigh as much as 50 letters. Bytes that are not a lead byte (continuations) are not counted.
inline std::size_t char_count(std::string_view text) {
    std::size_t count = 0;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0u) != 0x80u) {
            ++count;
        }
    }
    return count;
}

// Full-width forms typed with a Chinese input method, as their ASCII: U+FF01–U+FF5E (０–９, ，．％－＋／：
// and the full-width letters) become U+0021–U+007E, the ideographic space U+3000 a space. Everything else
// (汉字, ￥ U+FFE5) is kept as it is. The result is what the parsers of amounts, rates and dates read.
inline std::string half_width(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto b0 = static_cast<unsigned char>(text[i]);
        if (b0 == 0xEF && i + 2 < text.size()) {
            const auto b1 = static_cast<unsigned char>(text[i + 1]);
            const auto b2 = static_cast<unsigned char>(text[i + 2]);
            // U+FF01–U+FF3F is EF BC 81–BF, U+FF40–U+FF5E is EF BD 80–9E.
            if (b1 == 0xBC && b2 >= 0x81 && b2 <= 0xBF) {
                out += static_cast<char>(b2 - 0x81 + 0x21);
                i += 2;
                continue;
            }
            if (b1 == 0xBD && b2 >= 0x80 && b2 <= 0x9E) {
                out += static_cast<char>(b2 - 0x80 + 0x60);
                i += 2;
                continue;
            }
        }
        if (b0 == 0xE3 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
            static_cast<unsigned char>(text[i + 2]) == 0x80) {
            out += ' ';
            i += 2;
            continue;
        }
        out += text[i];
    }
    return out;
}

// Without leading and trailing spaces and tabs (after half_width, the ideographic space is one).
inline std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace ledger::detail
