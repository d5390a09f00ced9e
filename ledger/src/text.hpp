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

}  // namespace ledger::detail
