// Output primitives of the fundflow CLI: a table aligned by display width (CJK is two columns wide),
// an RFC 4180 CSV writer, and a small JSON writer that writes exact decimals (money as integer fen,
// rates as percent with two decimals) without passing through binary floating point.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fundflow {

// Columns a UTF-8 string takes in a terminal: East Asian wide and fullwidth characters count 2.
std::size_t display_width(std::string_view text);

class Table {
public:
    enum class Align { left, right };
    void columns(std::vector<std::string> headings, std::vector<Align> aligns);
    void row(const std::vector<std::string>& cells);
    std::string render() const;  // two spaces between columns, a rule under the headings
    // The same, a line at a time.
    void write(const std::function<void(std::string_view)>& out) const;

private:
    static constexpr char kCellEnd = '\x1f';
    std::vector<std::string> headings_;
    std::vector<Align> aligns_;
    std::vector<std::size_t> widths_;
    std::vector<std::string> rows_;
};

std::string csv_line(const std::vector<std::string>& cells);

// Builds one JSON document. Calls must nest properly; keys are written only inside objects.
class Json {
public:
    Json& begin_object();
    Json& end_object();
    Json& begin_array();
    Json& end_array();
    Json& key(std::string_view name);
    Json& string(std::string_view value);
    Json& integer(std::int64_t value);
    Json& boolean(bool value);
    Json& null();
    // A number given as exact hundredths (9500 → 95.00), or null.
    Json& hundredths(std::optional<std::int64_t> value);
    Json& optional_string(const std::optional<std::string>& value);
    std::string str() const { return out_ + "\n"; }

private:
    void separate();
    std::string out_;
    std::vector<bool> first_;  // per open container: nothing written in it yet
    bool after_key_ = false;
};

}  // namespace fundflow
