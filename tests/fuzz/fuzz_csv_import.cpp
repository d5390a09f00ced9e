// Fuzz target: CSV reading for imports and indicator sheets (ledger::parse_csv, ledger::CsvReader).
// Properties: parse_csv either throws ledger::Error (and nothing else) or returns records whose
// lines are >= 1 and increasing; the streaming CsvReader gives exactly the same records (or the same
// refusal); writing the records back with every field quoted and parsing again gives the same fields.
// (ledger::import_csv itself needs a Ledger/SQLite store and is not fuzzed here.)
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.hpp"
#include "ledger/csv.hpp"
#include "ledger/error.hpp"

namespace {

std::string quote_all(const std::vector<ledger::CsvRecord>& records) {
    std::string out;
    for (const auto& r : records) {
        for (std::size_t i = 0; i < r.fields.size(); ++i) {
            if (i) out += ',';
            out += '"';
            for (char c : r.fields[i]) {
                if (c == '"') out += '"';
                out += c;
            }
            out += '"';
        }
        out += '\n';
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::optional<std::vector<ledger::CsvRecord>> whole;
    try {
        whole = ledger::parse_csv(text);
    } catch (const ledger::Error&) {
    }

    // The streaming reader must agree record for record.
    std::vector<ledger::CsvRecord> streamed;
    bool stream_ok = true;
    try {
        std::istringstream in{std::string(text)};
        ledger::CsvReader reader(in);
        while (auto r = reader.next()) streamed.push_back(std::move(*r));
    } catch (const ledger::Error&) {
        stream_ok = false;
    }
    FUZZ_CHECK(stream_ok == whole.has_value(), text);
    if (!whole) return 0;
    FUZZ_CHECK(streamed.size() == whole->size(), text);
    int last = 0;
    for (std::size_t i = 0; i < whole->size(); ++i) {
        const auto& r = (*whole)[i];
        FUZZ_CHECK(r.line > last, text);
        last = r.line;
        FUZZ_CHECK(!r.fields.empty(), text);
        FUZZ_CHECK(streamed[i].line == r.line && streamed[i].fields == r.fields, text);
    }

    // Round trip through a fully quoted rendering.
    const std::string again = quote_all(*whole);
    std::vector<ledger::CsvRecord> reparsed;
    try {
        reparsed = ledger::parse_csv(again);
    } catch (const ledger::Error& e) {
        std::fprintf(stderr, "quoted rendering refused: %s\n", e.what());
        FUZZ_CHECK(false && "quoted rendering parses", text);
    }
    FUZZ_CHECK(reparsed.size() == whole->size(), text);
    for (std::size_t i = 0; i < reparsed.size(); ++i) {
        FUZZ_CHECK(reparsed[i].fields == (*whole)[i].fields, text);
    }
    return 0;
}
