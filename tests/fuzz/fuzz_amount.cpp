// Fuzz target: the amount parser (ledger::Money::parse) and its display helpers.
// Properties: parse either throws ledger::Error (and nothing else) or returns an amount whose
// format_yuan text parses back to the same fen; format_wan / format_hundredths never fail; an
// int64 made from the input's first 8 bytes round-trips through format_yuan as well.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz_common.hpp"
#include "ledger/error.hpp"
#include "ledger/money.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const ledger::Money m = ledger::Money::parse(text);
        const std::string shown = ledger::format_yuan(m);
        ledger::Money back;
        try {
            back = ledger::Money::parse(shown);
        } catch (const ledger::Error& e) {
            std::fprintf(stderr, "format_yuan text '%s' does not parse: %s\n", shown.c_str(), e.what());
            FUZZ_CHECK(false && "format_yuan output re-parses", text);
        }
        FUZZ_CHECK(back.fen() == m.fen(), text);
        // Its full-width form (as a Chinese input method types it: １，２３４．５６) is the same amount.
        std::string wide;
        for (const char c : shown) {
            const unsigned cp = 0xFF01u + static_cast<unsigned>(c - 0x21);
            wide += static_cast<char>(0xE0u | (cp >> 12));
            wide += static_cast<char>(0x80u | ((cp >> 6) & 0x3Fu));
            wide += static_cast<char>(0x80u | (cp & 0x3Fu));
        }
        FUZZ_CHECK(ledger::Money::parse(wide).fen() == m.fen(), text);
        (void)ledger::format_wan(m);
        (void)ledger::format_hundredths(m.fen());
        // The same text with an explicit sign or suffix must agree when it parses.
        if (!text.empty() && text[0] != '-' && text[0] != '+' && m.fen() != INT64_MIN) {
            try {
                const ledger::Money neg = ledger::Money::parse("-" + std::string(text));
                FUZZ_CHECK(neg.fen() == -m.fen(), text);
            } catch (const ledger::Error&) {
            }
        }
    } catch (const ledger::Error&) {
        // refused: fine
    }

    // Formatting side: any int64 (except INT64_MIN, see below) round-trips through format_yuan.
    if (size >= 8) {
        std::int64_t fen;
        std::memcpy(&fen, data, 8);
        const std::string shown = ledger::format_yuan(ledger::Money::from_fen(fen));
        try {
            FUZZ_CHECK(ledger::Money::parse(shown).fen() == fen, shown);
        } catch (const ledger::Error& e) {
            // INT64_MIN has no negation; parse may refuse it with limit_exceeded.
            FUZZ_CHECK(fen == INT64_MIN && e.code() == ledger::ErrorCode::limit_exceeded, shown);
        }
        (void)ledger::format_wan(ledger::Money::from_fen(fen));
        // Rates and ratios: exact, either a value or Error{limit_exceeded}.
        if (size >= 16) {
            std::int64_t other;
            std::memcpy(&other, data + 8, 8);
            try {
                (void)ledger::format_percent(ledger::Rate::of(ledger::Money::from_fen(fen), ledger::Money::from_fen(other)));
            } catch (const ledger::Error& e) {
                FUZZ_CHECK(e.code() == ledger::ErrorCode::limit_exceeded, shown);
            }
            try {
                (void)ledger::Money::from_fen(fen).apply_ratio(other, 10000);
            } catch (const ledger::Error& e) {
                FUZZ_CHECK(e.code() == ledger::ErrorCode::limit_exceeded, shown);
            }
            try {
                (void)(ledger::Money::from_fen(fen) + ledger::Money::from_fen(other));
                (void)(ledger::Money::from_fen(fen) - ledger::Money::from_fen(other));
            } catch (const ledger::Error& e) {
                FUZZ_CHECK(e.code() == ledger::ErrorCode::limit_exceeded, shown);
            }
        }
    }
    return 0;
}
