// Fuzz target: the date parser (ledger::parse_date), parse_instant and add_months.
// Properties: parse_date either throws ledger::Error (and nothing else) or returns an ok() date in
// 1900..9999 whose to_string parses back to it (and is the input text when that is YYYY-MM-DD);
// add_months of such a date stays ok() or throws ledger::Error; parse_instant either throws
// ledger::Error or returns an instant whose to_string parses back to the same instant.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_common.hpp"
#include "ledger/calendar.hpp"
#include "ledger/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const ledger::Date d = ledger::parse_date(text);
        FUZZ_CHECK(d.ok(), text);
        const int y = ledger::year_of(d);
        FUZZ_CHECK(y >= 1900 && y <= 9999, text);
        // Every accepted form (2023/6/1, 2023年6月1日, full width, ...) names the day its YYYY-MM-DD names,
        // and that form is its own text.
        FUZZ_CHECK(ledger::parse_date(ledger::to_string(d)) == d, text);
        if (text.size() == 10 && text[4] == '-' && text[7] == '-' &&
            text.find_first_not_of("0123456789-") == std::string_view::npos) {
            FUZZ_CHECK(ledger::to_string(d) == text, text);
        }
        FUZZ_CHECK(ledger::first_day_of(y) <= d && d <= ledger::last_day_of(y), text);
        for (int months : {1, -1, 12, -12, 13, 1200}) {
            try {
                const ledger::Date moved = ledger::add_months(d, months);
                FUZZ_CHECK(moved.ok(), text);
            } catch (const ledger::Error&) {
            }
        }
        // The date is also an instant (its midnight UTC).
        const ledger::Instant at = ledger::parse_instant(ledger::to_string(d));
        FUZZ_CHECK(ledger::parse_date(ledger::to_string(at).substr(0, 10)) == d, text);
    } catch (const ledger::Error&) {
    }
    try {
        const ledger::Instant at = ledger::parse_instant(text);
#ifdef FUZZ_TOLERATE_KNOWN
        // KNOWN FINDING: parse_instant accepts offsets that move the instant outside 1900-01-01..9999-12-31 UTC;
        // to_string then aborts (after 9999) or gives text parse_instant refuses (before 1900). Skipped only
        // with FUZZ_TOLERATE_KNOWN=1, to fuzz past it until it is fixed.
        if (at < date::sys_days{date::year{1900} / 1 / 1} || at >= date::sys_days{date::year{10000} / 1 / 1}) {
            return 0;
        }
#endif
        const std::string shown = ledger::to_string(at);
        try {
            FUZZ_CHECK(ledger::parse_instant(shown) == at, shown);
        } catch (const ledger::Error& e) {
            std::fprintf(stderr, "to_string(instant) '%s' does not parse back: %s\n", shown.c_str(), e.what());
            FUZZ_CHECK(false && "to_string(parse_instant(text)) parses back", text);
        }
    } catch (const ledger::Error&) {
    }
    return 0;
}
