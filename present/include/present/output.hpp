// present/output.hpp — output primitives: a table aligned by display width (CJK is two columns wide) and an
// RFC 4180 CSV line. (JSON: present/json.hpp.)
#pragma once

#include <cstddef>
#include <functional>
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

}  // namespace fundflow
