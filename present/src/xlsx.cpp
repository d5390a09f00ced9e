// The forms as one xlsx workbook (libxlsxwriter), laid out like the seed: merged header cells, 万元 with
// 2 decimals, rates in percent.
#include "present/xlsx.hpp"

#include <xlsxwriter.h>

#include <map>

namespace fundflow {
namespace {

// A spreadsheet number is an IEEE binary64 by the file format itself, so this is the one place a figure
// leaves exact integers, at the very end, for display only: hundredths (of 万元, of a percent, of a
// point) become the binary64 nearest the decimal — what a spreadsheet holds for the typed decimal too.
// libxlsxwriter writes it with 16 significant digits (96.74 as 96.73999999999999), which reads back as
// that same binary64; cells are formatted 0.00.
double cell_number(std::int64_t hundredths) { return static_cast<double>(hundredths) / 100; }

std::int64_t wan_hundredths(ledger::Money m) { return ledger::multiply_divide_rounded(m.fen(), 1, 10000); }

struct Formats {
    lxw_format* title;
    lxw_format* title_big;    // the rich title's first run
    lxw_format* title_small;  // its second line: project, unit, function code
    lxw_format* note;         // lines under the table
    lxw_format* dash;         // an absent rate or figure: "-", right-aligned like the numbers
    lxw_format* head;
    lxw_format* text;
    lxw_format* wrap;
    lxw_format* money;
    lxw_format* percent;
    lxw_format* points;
};

Formats make_formats(lxw_workbook* book) {
    const auto base = [&](bool bold) {
        lxw_format* f = workbook_add_format(book);
        format_set_border(f, LXW_BORDER_THIN);
        format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
        format_set_font_name(f, "SimSun");
        if (bold) {
            format_set_bold(f);
        }
        return f;
    };
    Formats f{};
    f.title = workbook_add_format(book);
    format_set_bold(f.title);
    format_set_font_size(f.title, 16);
    format_set_font_name(f.title, "SimHei");
    format_set_align(f.title, LXW_ALIGN_CENTER);
    format_set_align(f.title, LXW_ALIGN_VERTICAL_CENTER);
    format_set_text_wrap(f.title);
    f.title_big = workbook_add_format(book);
    format_set_bold(f.title_big);
    format_set_font_size(f.title_big, 16);
    format_set_font_name(f.title_big, "SimHei");
    f.title_small = workbook_add_format(book);
    format_set_font_size(f.title_small, 10);
    format_set_font_name(f.title_small, "SimSun");
    f.note = workbook_add_format(book);
    format_set_font_name(f.note, "SimSun");
    format_set_font_size(f.note, 11);
    f.head = base(true);
    format_set_align(f.head, LXW_ALIGN_CENTER);
    format_set_text_wrap(f.head);
    f.text = base(false);
    f.dash = base(false);
    format_set_align(f.dash, LXW_ALIGN_RIGHT);
    f.wrap = base(false);
    format_set_text_wrap(f.wrap);
    f.money = base(false);
    format_set_num_format(f.money, "0.00");
    f.percent = base(false);
    format_set_num_format(f.percent, "0.00");
    f.points = base(false);
    format_set_num_format(f.points, "0.00");
    return f;
}

// A4 landscape, one page wide, as the forms are filed.
void print_setup(lxw_worksheet* ws) {
    worksheet_set_paper(ws, 9);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
}

// 填报单位（盖章）/ 负责人 / 填报日期 under a form, left blank to be filled in by hand.
void sign_lines(lxw_worksheet* ws, const Formats& f, lxw_row_t row, lxw_col_t last) {
    const auto third = static_cast<lxw_col_t>((last + 1) / 3);
    worksheet_set_row(ws, row, 24, nullptr);
    worksheet_merge_range(ws, row, 0, row, static_cast<lxw_col_t>(third), "填报单位（盖章）：", f.note);
    worksheet_merge_range(ws, row, static_cast<lxw_col_t>(third + 1), row, static_cast<lxw_col_t>(2 * third), "负责人：",
                          f.note);
    worksheet_merge_range(ws, row, static_cast<lxw_col_t>(2 * third + 1), row, last, "填报日期：　　年　　月　　日",
                          f.note);
}

void execution_sheet(lxw_workbook* book, const Formats& f, const ledger::ExecutionReport& r) {
    lxw_worksheet* ws = workbook_add_worksheet(book, "预算执行情况");
    print_setup(ws);
    // Even widths: the two label columns, then eight figure columns of one width (headers wrap).
    worksheet_set_column(ws, 0, 0, 16, nullptr);
    worksheet_set_column(ws, 1, 1, 12, nullptr);
    worksheet_set_column(ws, 2, 9, 12, nullptr);
    worksheet_set_row(ws, 0, 48, nullptr);
    worksheet_set_row(ws, 1, 20, nullptr);
    worksheet_set_row(ws, 2, 30, nullptr);
    for (lxw_row_t line = 3; line < 10; ++line) {
        worksheet_set_row(ws, line, 20, nullptr);
    }
    // The title (bold, larger, merged across) and, under it, the project, 预算单位 and 功能分类.
    std::string big = std::to_string(r.year) + "年度项目预算执行情况";
    std::string small = "\n项目：" + r.project + " " + r.project_name;
    if (!r.unit_name.empty()) {
        small += "　　预算单位：" + r.unit_name;
    }
    if (!r.func_code.empty()) {
        small += "　　功能分类：" + r.func_code;
    }
    small += "　　截至 " + ledger::to_string(r.as_of) + "　　单位：万元";
    worksheet_merge_range(ws, 0, 0, 0, 9, "", f.title);
    lxw_rich_string_tuple run_big{f.title_big, big.data()};
    lxw_rich_string_tuple run_small{f.title_small, small.data()};
    lxw_rich_string_tuple* runs[] = {&run_big, &run_small, nullptr};
    worksheet_write_rich_string(ws, 0, 0, runs, f.title);
    // Two header rows, as the seed: 财政资金 spans 小计 … 县区级.
    worksheet_merge_range(ws, 1, 0, 2, 0, "项目", f.head);
    worksheet_merge_range(ws, 1, 1, 2, 1, "行次", f.head);
    worksheet_merge_range(ws, 1, 2, 2, 2, "年度总金额\n(万元)", f.head);
    worksheet_merge_range(ws, 1, 3, 1, 7, "财政资金", f.head);
    worksheet_merge_range(ws, 1, 8, 2, 8, "上年结转资金\n(万元)", f.head);
    worksheet_merge_range(ws, 1, 9, 2, 9, "其他资金\n(万元)", f.head);
    const char* sub[] = {"小计", "中央级", "省级", "市级", "县区级"};
    for (lxw_col_t c = 0; c < 5; ++c) {
        worksheet_write_string(ws, 2, static_cast<lxw_col_t>(3 + c), sub[c], f.head);
    }
    std::vector<const ledger::ExecutionFigures*> columns{&r.total, &r.fiscal_subtotal};
    for (ledger::Level l : {ledger::Level::central, ledger::Level::provincial, ledger::Level::municipal,
                            ledger::Level::county, ledger::Level::carryover, ledger::Level::other}) {
        columns.push_back(&r.level(l));
    }
    // Columns of the sheet: total, subtotal, central … county, carryover, other — the seed's order.
    struct Row {
        const char* name;
        const char* line;
        bool rate;
        std::optional<std::int64_t> (*value)(const ledger::ExecutionFigures&);
    };
    static const Row kRows[] = {
        {"全年预算资金", "(2)", false, [](const auto& x) -> std::optional<std::int64_t> { return wan_hundredths(x.full_year_budget); }},
        {"年初预算资金", "(1)", false, [](const auto& x) -> std::optional<std::int64_t> { return wan_hundredths(x.initial_budget); }},
        {"实际到位资金", "(3)", false, [](const auto& x) -> std::optional<std::int64_t> { return wan_hundredths(x.arrived); }},
        {"全年执行资金", "(4)", false, [](const auto& x) -> std::optional<std::int64_t> { return wan_hundredths(x.executed); }},
        {"资金结余", "(5)=(3)-(4)", false, [](const auto& x) -> std::optional<std::int64_t> { return wan_hundredths(x.balance()); }},
        {"预算到位率(%)", "(6)=(3)/(2)", true, [](const auto& x) { return x.arrival_rate().percent_hundredths(); }},
        {"预算执行率(%)", "(7)=(4)/(2)", true, [](const auto& x) { return x.execution_rate().percent_hundredths(); }},
    };
    lxw_row_t row = 3;
    for (const Row& spec : kRows) {
        worksheet_write_string(ws, row, 0, spec.name, f.text);
        worksheet_write_string(ws, row, 1, spec.line, f.text);
        for (std::size_t c = 0; c < columns.size(); ++c) {
            const auto col = static_cast<lxw_col_t>(2 + c);
            if (const auto v = spec.value(*columns[c])) {
                worksheet_write_number(ws, row, col, cell_number(*v), spec.rate ? f.percent : f.money);
            } else {
                worksheet_write_string(ws, row, col, "-", f.dash);
            }
        }
        ++row;
    }
    ++row;
    if (r.total.recovered != ledger::Money{}) {
        const std::string recovered = "其中：已收回 " + ledger::format_wan(r.total.recovered) + " 万元";
        worksheet_write_string(ws, row++, 0, recovered.c_str(), f.note);
    }
    const std::string held = "未付质保金：" + ledger::format_wan(r.retention_outstanding) + " 万元";
    worksheet_write_string(ws, row, 0, held.c_str(), f.note);
    sign_lines(ws, f, row + 2, 9);
}

void evaluation_sheet(lxw_workbook* book, const Formats& f, const ledger::Evaluation& e) {
    lxw_worksheet* ws = workbook_add_worksheet(book, "绩效自评表");
    print_setup(ws);
    const double widths[] = {12, 16, 30, 7, 12, 12, 9, 9, 30};
    for (lxw_col_t c = 0; c < 9; ++c) {
        worksheet_set_column(ws, c, c, widths[c], nullptr);
    }
    const std::string title = "附件1.项目支出绩效自评表  " + e.project + " " + e.project_name + "  " +
                              std::to_string(e.year) + "年度";
    worksheet_set_row(ws, 0, 30, nullptr);
    worksheet_merge_range(ws, 0, 0, 0, 8, title.c_str(), f.title);
    const char* heads[] = {"一级指标", "二级指标", "三级指标", "权重", "目标值", "业绩值", "完成率(%)", "指标得分",
                           "偏差原因分析及改进措施"};
    for (lxw_col_t c = 0; c < 9; ++c) {
        worksheet_write_string(ws, 1, c, heads[c], f.head);
    }
    const lxw_row_t first = 2;
    for (std::size_t i = 0; i < e.lines.size(); ++i) {
        const auto& l = e.lines[i];
        const auto row = static_cast<lxw_row_t>(first + i);
        // Wrapped names and notes need room: libxlsxwriter cannot measure text, so give two lines.
        worksheet_set_row(ws, row, 30, nullptr);
        worksheet_write_string(ws, row, 2, l.indicator.name.c_str(), f.wrap);
        const auto& w = l.indicator.weight;
        worksheet_write_number(ws, row, 3, cell_number(w.units * (w.scale == 0 ? 100 : w.scale == 1 ? 10 : 1)), f.points);
        worksheet_write_string(ws, row, 4, l.indicator.target.c_str(), f.text);
        worksheet_write_string(ws, row, 5, l.actual.c_str(), f.text);
        if (l.completion) {
            worksheet_write_number(ws, row, 6, cell_number(*l.completion), f.percent);
        } else {
            worksheet_write_string(ws, row, 6, "", f.text);
        }
        worksheet_write_number(ws, row, 7, cell_number(l.score), f.points);
        worksheet_write_string(ws, row, 8, l.indicator.note.c_str(), f.wrap);
    }
    // Level-1 and level-2 cells merge over consecutive lines of the same group, as in the seed.
    const auto merge_column = [&](lxw_col_t col, auto&& key) {
        std::size_t start = 0;
        for (std::size_t i = 1; i <= e.lines.size(); ++i) {
            if (i == e.lines.size() || key(e.lines[i]) != key(e.lines[start])) {
                const auto top = static_cast<lxw_row_t>(first + start);
                const auto bottom = static_cast<lxw_row_t>(first + i - 1);
                const std::string text = col == 0 ? e.lines[start].indicator.level1 : e.lines[start].indicator.level2;
                if (top == bottom) {
                    worksheet_write_string(ws, top, col, text.c_str(), f.wrap);
                } else {
                    worksheet_merge_range(ws, top, col, bottom, col, text.c_str(), f.wrap);
                }
                start = i;
            }
        }
    };
    merge_column(0, [](const ledger::ScoredLine& l) { return l.indicator.level1; });
    merge_column(1, [](const ledger::ScoredLine& l) { return l.indicator.level1 + "\x1f" + l.indicator.level2; });
    const auto total_row = static_cast<lxw_row_t>(first + e.lines.size());
    worksheet_merge_range(ws, total_row, 0, total_row, 2, "总分", f.head);
    worksheet_write_number(ws, total_row, 3, cell_number(10000), f.points);
    worksheet_write_string(ws, total_row, 4, "", f.text);
    worksheet_write_string(ws, total_row, 5, "", f.text);
    worksheet_write_string(ws, total_row, 6, "", f.text);
    worksheet_write_number(ws, total_row, 7, cell_number(e.total), f.points);
    const std::string grade = "等级：" + e.grade;
    worksheet_write_string(ws, total_row, 8, grade.c_str(), f.text);
    sign_lines(ws, f, total_row + 2, 8);
}

}  // namespace

void write_xlsx(const std::string& path, const ledger::ExecutionReport& execution,
                const std::optional<ledger::Evaluation>& evaluation) {
    lxw_workbook* book = workbook_new(path.c_str());
    if (book == nullptr) {
        throw ledger::Error(ledger::ErrorCode::storage,
                            ledger::msg("cannot create the workbook '{file}'").with("file", path));
    }
    const Formats f = make_formats(book);
    execution_sheet(book, f, execution);
    if (evaluation) {
        evaluation_sheet(book, f, *evaluation);
    }
    if (const lxw_error error = workbook_close(book); error != LXW_NO_ERROR) {
        // libxlsxwriter's own description (English) is a field.
        throw ledger::Error(ledger::ErrorCode::storage, ledger::msg("cannot write the workbook '{file}': {reason}")
                                                            .with("file", path)
                                                            .with("reason", lxw_strerror(error)));
    }
}

}  // namespace fundflow
