// WordprocessingML written by hand into a zip (minizip, the zip library libxlsxwriter already uses).
// The parts are the least Word and LibreOffice need: content types, the package relationship, the
// document, and its styles (so that headings are Word headings and show in the navigation pane).
#include "present/docx.hpp"

#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "ledger/error.hpp"

namespace fundflow {
namespace {

std::string xml_escape(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                // Control characters other than tab and newline are not allowed in XML 1.0.
                if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n') {
                    out += c;
                }
        }
    }
    return out;
}

// A run of text; newlines become Word line breaks.
std::string run(const std::string& text, const std::string& props = "") {
    std::string out = "<w:r>" + (props.empty() ? std::string() : "<w:rPr>" + props + "</w:rPr>");
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find('\n', start);
        out += "<w:t xml:space=\"preserve\">" + xml_escape(text.substr(start, end - start)) + "</w:t>";
        if (end == std::string::npos) {
            break;
        }
        out += "<w:br/>";
        start = end + 1;
    }
    return out + "</w:r>";
}

std::string paragraph(const std::string& style, const std::string& text, const std::string& run_props = "") {
    return "<w:p><w:pPr><w:pStyle w:val=\"" + style + "\"/></w:pPr>" + run(text, run_props) + "</w:p>";
}

// A figure (125.95, 95.00%, -) is right-aligned in its cell, as on the printed forms.
bool is_figure(const std::string& text) {
    if (text.empty()) {
        return false;
    }
    return text.find_first_not_of("0123456789.,-%") == std::string::npos;
}

// Display width of the longest line of a cell: CJK characters count two, others one.
std::size_t display_width(const std::string& text) {
    std::size_t longest = 0;
    std::size_t width = 0;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n') {
            longest = std::max(longest, width);
            width = 0;
        } else if (c < 0x80) {
            ++width;
        } else if (c >= 0xC0) {  // the first byte of a multi-byte character
            width += c >= 0xE0 ? 2 : 1;
        }
    }
    return std::max(longest, width);
}

// Column widths in twips over the text width of the page (A4 less the margins: 8844 twips): each column
// wants its widest body cell (at most 40), or half its heading (headings wrap), and at least 6.
std::vector<long> column_widths(const DocBlock& b, long text_width) {
    const std::size_t columns = b.headings.size();
    std::vector<std::size_t> want(columns, 6);  // room for "100.00" and the cell margins
    for (std::size_t i = 0; i < columns; ++i) {
        want[i] = std::max(want[i], (display_width(b.headings[i]) + 1) / 2 + 1);
        for (const auto& row : b.rows) {
            if (i < row.size()) {
                want[i] = std::max(want[i], std::min<std::size_t>(display_width(row[i]) + 1, 40));
            }
        }
    }
    // Columns of figures get what they need (about 110 twips a half-width character at 9 pt, and the
    // cell's margins); the
    // columns of text share the rest in proportion.
    std::vector<bool> figures(columns, true);
    for (const auto& row : b.rows) {
        for (std::size_t i = 0; i < columns && i < row.size(); ++i) {
            figures[i] = figures[i] && (row[i].empty() || is_figure(row[i]));
        }
    }
    long fixed = 0;
    std::size_t text_units = 0;
    for (std::size_t i = 0; i < columns; ++i) {
        if (figures[i]) {
            fixed += static_cast<long>(want[i]) * 110 + 120;
        } else {
            text_units += want[i];
        }
    }
    const long rest = std::max(text_width - fixed, text_width / 3);
    std::vector<long> twips;
    for (std::size_t i = 0; i < columns; ++i) {
        twips.push_back(figures[i] || text_units == 0
                            ? static_cast<long>(want[i]) * 110 + 120
                            : rest * static_cast<long>(want[i]) / static_cast<long>(text_units));
    }
    return twips;
}

std::string table(const DocBlock& b, long text_width) {
    const std::size_t columns = b.headings.size();
    const std::vector<long> widths = column_widths(b, text_width);
    std::string out =
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"FormTable\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/>"
        "<w:jc w:val=\"center\"/><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>";
    for (std::size_t i = 0; i < columns; ++i) {
        out += "<w:gridCol w:w=\"" + std::to_string(widths[i]) + "\"/>";
    }
    out += "</w:tblGrid>";
    const auto row = [&](const std::vector<std::string>& cells, bool head) {
        out += head ? "<w:tr><w:trPr><w:tblHeader/></w:trPr>" : "<w:tr>";
        for (std::size_t i = 0; i < columns; ++i) {
            const std::string text = i < cells.size() ? cells[i] : std::string();
            out += "<w:tc><w:tcPr><w:tcW w:w=\"" + std::to_string(widths[i]) +
                   "\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr><w:p><w:pPr><w:pStyle w:val=\"TableText\"/>";
            out += head ? "<w:jc w:val=\"center\"/>" : is_figure(text) ? "<w:jc w:val=\"right\"/>" : "";
            out += "</w:pPr>" + run(text, head ? "<w:b/>" : "") + "</w:p></w:tc>";
        }
        out += "</w:tr>";
    };
    row(b.headings, true);
    for (const auto& cells : b.rows) {
        row(cells, false);
    }
    return out + "</w:tbl>";
}

// Fonts: 宋体 for tables, 仿宋 for the body, 黑体 for level-1 headings, 楷体 for level-2, the title in
// 宋体 bold 二号 (22 pt); body 三号 (16 pt) at 28 pt line spacing, first lines indented two characters.
std::string fonts(const char* east_asian, const char* latin = "Times New Roman") {
    return std::string("<w:rFonts w:ascii=\"") + latin + "\" w:hAnsi=\"" + latin + "\" w:eastAsia=\"" + east_asian +
           "\" w:cs=\"" + latin + "\"/>";
}

std::string styles_xml() {
    return std::string(
               "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
               "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
               "<w:docDefaults><w:rPrDefault><w:rPr>") +
           fonts("仿宋") +
           "<w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/><w:lang w:val=\"zh-CN\" w:eastAsia=\"zh-CN\"/></w:rPr>"
           "</w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"560\" w:lineRule=\"exact\"/>"
           "</w:pPr></w:pPrDefault></w:docDefaults>"
           "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>"
           "<w:pPr><w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/><w:jc w:val=\"both\"/></w:pPr></w:style>"
           "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/>"
           "<w:pPr><w:spacing w:before=\"240\" w:after=\"240\" w:line=\"240\" w:lineRule=\"auto\"/>"
           "<w:ind w:firstLine=\"0\" w:firstLineChars=\"0\"/><w:jc w:val=\"center\"/><w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr>" +
           fonts("宋体") +
           "<w:b/><w:sz w:val=\"44\"/><w:szCs w:val=\"44\"/></w:rPr></w:style>"
           "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/>"
           "<w:next w:val=\"Normal\"/><w:pPr><w:keepNext/><w:outlineLvl w:val=\"1\"/></w:pPr><w:rPr>" +
           fonts("黑体") +
           "</w:rPr></w:style>"
           "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/><w:basedOn w:val=\"Normal\"/>"
           "<w:next w:val=\"Normal\"/><w:pPr><w:keepNext/><w:outlineLvl w:val=\"2\"/></w:pPr><w:rPr>" +
           fonts("楷体") +
           "<w:b/></w:rPr></w:style>"
           "<w:style w:type=\"paragraph\" w:styleId=\"Placeholder\"><w:name w:val=\"Placeholder\"/>"
           "<w:basedOn w:val=\"Normal\"/><w:rPr><w:color w:val=\"808080\"/></w:rPr></w:style>"
           "<w:style w:type=\"paragraph\" w:styleId=\"TableText\"><w:name w:val=\"Table Text\"/>"
           "<w:pPr><w:spacing w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\" w:firstLineChars=\"0\"/>"
           "</w:pPr><w:rPr>" +
           fonts("宋体") +
           "<w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/></w:rPr></w:style>"
           "<w:style w:type=\"table\" w:styleId=\"FormTable\"><w:name w:val=\"Form Table\"/><w:tblPr><w:tblBorders>"
           "<w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
           "<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
           "<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
           "<w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
           "<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
           "<w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
           "</w:tblBorders><w:tblCellMar><w:left w:w=\"60\" w:type=\"dxa\"/><w:right w:w=\"60\" w:type=\"dxa\"/>"
           "</w:tblCellMar></w:tblPr></w:style>"
           "</w:styles>";
}

// A4 (11906 × 16838 twips) with the margins of GB/T 9704: 37 mm top, 35 mm bottom, 28 / 26 mm sides.
std::string section(bool landscape) {
    return landscape ? "<w:sectPr><w:pgSz w:w=\"16838\" w:h=\"11906\" w:orient=\"landscape\"/>"
                       "<w:pgMar w:top=\"1588\" w:right=\"2098\" w:bottom=\"1474\" w:left=\"1984\" w:header=\"851\" "
                       "w:footer=\"992\" w:gutter=\"0\"/></w:sectPr>"
                     : "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
                       "<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1588\" w:header=\"851\" "
                       "w:footer=\"992\" w:gutter=\"0\"/></w:sectPr>";
}

std::string document_xml(const std::vector<DocBlock>& blocks) {
    std::string body;
    bool landscape = false;
    for (const auto& b : blocks) {
        if (b.landscape && !landscape) {
            // What came before ends a portrait section; the rest (a wide attachment) is landscape.
            body += "<w:p><w:pPr>" + section(false) + "</w:pPr></w:p>";
            landscape = true;
        }
        switch (b.kind) {
            case DocBlock::Kind::title:
                body += paragraph("Title", b.text);
                break;
            case DocBlock::Kind::heading1:
                body += paragraph("Heading1", b.text);
                break;
            case DocBlock::Kind::heading2:
                body += paragraph("Heading2", b.text);
                break;
            case DocBlock::Kind::paragraph:
                body += paragraph("Normal", b.text);
                break;
            case DocBlock::Kind::placeholder:
                body += paragraph("Placeholder", "【待填写】" + b.text);
                break;
            case DocBlock::Kind::table:
                body += table(b, landscape ? 16838 - 1984 - 2098 : 11906 - 1588 - 1474);
                body += "<w:p><w:pPr><w:spacing w:line=\"240\" w:lineRule=\"auto\"/></w:pPr></w:p>";
                break;
        }
    }
    return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
           "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
           "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>" +
           body + section(landscape) + "</w:body></w:document>";
}

const char* const kContentTypes =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "</Types>";

const char* const kPackageRels =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"word/document.xml\"/></Relationships>";

const char* const kDocumentRels =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
    "Target=\"styles.xml\"/></Relationships>";

[[noreturn]] void cannot_write(const std::string& path) {
    throw ledger::Error(ledger::ErrorCode::storage, ledger::msg("cannot write '{file}'").with("file", path));
}

}  // namespace

std::string markdown_of(const std::vector<DocBlock>& blocks) {
    const auto cell = [](const std::string& text) {
        std::string out;
        for (char c : text) {
            out += c == '|' ? std::string("\\|") : c == '\n' ? std::string("<br>") : std::string(1, c);
        }
        return out;
    };
    std::string out;
    for (const auto& b : blocks) {
        if (!out.empty()) {
            out += "\n";
        }
        switch (b.kind) {
            case DocBlock::Kind::title:
                out += "# " + b.text + "\n";
                break;
            case DocBlock::Kind::heading1:
                out += "## " + b.text + "\n";
                break;
            case DocBlock::Kind::heading2:
                out += "### " + b.text + "\n";
                break;
            case DocBlock::Kind::paragraph:
                out += b.text + "\n";
                break;
            case DocBlock::Kind::placeholder:
                out += "> 【待填写】" + b.text + "\n";
                break;
            case DocBlock::Kind::table: {
                out += "|";
                for (const auto& h : b.headings) {
                    out += " " + cell(h) + " |";
                }
                out += "\n|";
                for (std::size_t i = 0; i < b.headings.size(); ++i) {
                    out += " --- |";
                }
                out += "\n";
                for (const auto& row : b.rows) {
                    out += "|";
                    for (const auto& c : row) {
                        out += " " + cell(c) + " |";
                    }
                    out += "\n";
                }
                break;
            }
        }
    }
    return out;
}

void write_docx(const std::string& path, const std::vector<DocBlock>& blocks, bool force) {
    std::error_code ec;
    if (!force && std::filesystem::exists(path, ec)) {
        throw ledger::Error(ledger::ErrorCode::invalid_input,
                            ledger::msg("'{file}' exists already; nothing was written (add --force to overwrite it, or "
                                        "give another --output)")
                                .with("file", path));
    }
    const std::string temporary = path + ".part";
    zipFile zip = zipOpen64(temporary.c_str(), APPEND_STATUS_CREATE);
    if (zip == nullptr) {
        cannot_write(path);
    }
    const auto add = [&](const char* name, const std::string& data) {
        zip_fileinfo info{};
        bool ok = zipOpenNewFileInZip64(zip, name, &info, nullptr, 0, nullptr, 0, nullptr, Z_DEFLATED,
                                        Z_DEFAULT_COMPRESSION, 0) == ZIP_OK;
        ok = ok && zipWriteInFileInZip(zip, data.data(), static_cast<unsigned>(data.size())) == ZIP_OK;
        ok = zipCloseFileInZip(zip) == ZIP_OK && ok;
        return ok;
    };
    const bool ok = add("[Content_Types].xml", kContentTypes) && add("_rels/.rels", kPackageRels) &&
                    add("word/_rels/document.xml.rels", kDocumentRels) && add("word/styles.xml", styles_xml()) &&
                    add("word/document.xml", document_xml(blocks));
    if (zipClose(zip, nullptr) != ZIP_OK || !ok) {
        std::remove(temporary.c_str());
        cannot_write(path);
    }
    std::filesystem::rename(temporary, path, ec);
    if (ec) {
        std::remove(temporary.c_str());
        cannot_write(path);
    }
}

}  // namespace fundflow
