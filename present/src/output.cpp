#include "present/output.hpp"

#include <algorithm>

namespace fundflow {
namespace {

// Decodes one UTF-8 code point; malformed bytes count as one column each.
char32_t next_code_point(std::string_view text, std::size_t& i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    int length = 1;
    char32_t cp = byte;
    if (byte >= 0xF0 && byte < 0xF8) {
        length = 4;
        cp = byte & 0x07;
    } else if (byte >= 0xE0) {
        length = 3;
        cp = byte & 0x0F;
    } else if (byte >= 0xC0) {
        length = 2;
        cp = byte & 0x1F;
    } else if (byte >= 0x80) {
        ++i;
        return 0xFFFD;
    }
    if (i + static_cast<std::size_t>(length) > text.size()) {
        ++i;
        return 0xFFFD;
    }
    for (int k = 1; k < length; ++k) {
        cp = (cp << 6) | (static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]) & 0x3F);
    }
    i += static_cast<std::size_t>(length);
    return cp;
}

bool is_wide(char32_t cp) {
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
           (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
           (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
           (cp >= 0x20000 && cp <= 0x3FFFD);
}

}  // namespace

std::size_t display_width(std::string_view text) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < text.size();) {
        const char32_t cp = next_code_point(text, i);
        if (cp >= 0x300 && cp <= 0x36F) {
            continue;  // combining marks take no column
        }
        width += is_wide(cp) ? 2U : 1U;
    }
    return width;
}

void Table::columns(std::vector<std::string> headings, std::vector<Align> aligns) {
    headings_ = std::move(headings);
    aligns_ = std::move(aligns);
    aligns_.resize(headings_.size(), Align::left);
    widths_.assign(headings_.size(), 0);
    for (std::size_t i = 0; i < headings_.size(); ++i) {
        widths_[i] = display_width(headings_[i]);
    }
}

void Table::row(const std::vector<std::string>& cells) {
    // A row is kept as one string, its cells separated by kCellEnd (text never holds control characters:
    // the ledger refuses them), and the column widths are measured as rows come: a table of 24,000
    // deposits takes the bytes of its text, not 13 strings a row.
    std::string joined;
    for (std::size_t i = 0; i < headings_.size(); ++i) {
        const std::string& cell = i < cells.size() ? cells[i] : std::string();
        widths_[i] = std::max(widths_[i], display_width(cell));
        joined += cell;
        joined += kCellEnd;
    }
    rows_.push_back(std::move(joined));
}

void Table::write(const std::function<void(std::string_view)>& out) const {
    std::string text;  // one line at a time: a long table is never held twice
    const auto line = [&](const auto& cell_at) {
        text.clear();
        for (std::size_t i = 0; i < headings_.size(); ++i) {
            const std::string_view cell = cell_at(i);
            const std::size_t pad = widths_[i] - display_width(cell);
            const bool last = i + 1 == headings_.size();
            if (aligns_[i] == Align::right) {
                text.append(pad, ' ');
                text += cell;
            } else {
                text += cell;
                if (!last) {
                    text.append(pad, ' ');
                }
            }
            if (!last) {
                text += "  ";
            }
        }
        while (!text.empty() && text.back() == ' ') {
            text.pop_back();
        }
        text += '\n';
        out(text);
    };
    line([&](std::size_t i) { return std::string_view(headings_[i]); });
    std::size_t total = 0;
    for (std::size_t w : widths_) {
        total += w;
    }
    out(std::string(total + 2 * (widths_.empty() ? 0 : widths_.size() - 1), '-') + "\n");
    std::vector<std::string_view> cells(headings_.size());
    for (const std::string& r : rows_) {
        std::size_t start = 0;
        for (auto& cell : cells) {
            const std::size_t end = r.find(kCellEnd, start);
            cell = std::string_view(r).substr(start, end - start);
            start = end + 1;
        }
        line([&](std::size_t i) { return cells[i]; });
    }
}

std::string Table::render() const {
    std::string out;
    write([&](std::string_view text) { out += text; });
    return out;
}

std::string csv_line(const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        const std::string& cell = cells[i];
        if (cell.find_first_of(",\"\r\n") != std::string::npos) {
            out += '"';
            for (char c : cell) {
                if (c == '"') {
                    out += '"';
                }
                out += c;
            }
            out += '"';
        } else {
            out += cell;
        }
    }
    return out + "\r\n";
}

}  // namespace fundflow
