// Renderers of the self-evaluation (绩效自评表) and the whole self-evaluation report (Markdown).
#include "ledger/evaluation.hpp"

#include "present/docx.hpp"
#include "present/json.hpp"
#include "present/output.hpp"
#include "present/render.hpp"
#include "render_parts.hpp"

namespace fundflow {
namespace {

std::string points(std::int64_t hundredths) {
    // Scores as the sheet prints them: 9.5, 11.25, 5 — exact, without trailing zeros.
    return ledger::Decimal{hundredths, 2}.to_string();
}

std::string completion_text(const ledger::ScoredLine& line) {
    return line.completion ? ledger::format_hundredths(*line.completion) + "%" : "";
}

const std::vector<std::string>& sheet_headings(Lang lang) {
    static const std::vector<std::string> kZh{"一级指标", "二级指标", "三级指标", "权重", "目标值",
                                              "业绩值",   "完成率",   "得分",     "偏差原因分析及改进措施"};
    static const std::vector<std::string> kEn{"level 1", "level 2", "indicator", "weight", "target",
                                              "actual",  "completion", "score",  "deviation note"};
    return lang == Lang::zh ? kZh : kEn;
}

std::vector<std::string> sheet_cells(const ledger::ScoredLine& l) {
    return {l.indicator.level1, l.indicator.level2, l.indicator.name,     l.indicator.weight.to_string(),
            l.indicator.target, l.actual,           completion_text(l), points(l.score),
            l.indicator.note};
}

std::string md_cell(std::string text) {
    std::string out;
    for (char c : text) {
        if (c == '|') {
            out += "\\|";
        } else if (c == '\n') {
            out += "<br>";
        } else {
            out += c;
        }
    }
    return out;
}

std::string md_table(const std::vector<std::string>& headings, const std::vector<std::vector<std::string>>& rows) {
    std::string out = "|";
    for (const auto& h : headings) {
        out += " " + md_cell(h) + " |";
    }
    out += "\n|";
    for (std::size_t i = 0; i < headings.size(); ++i) {
        out += " --- |";
    }
    out += "\n";
    for (const auto& row : rows) {
        out += "|";
        for (const auto& c : row) {
            out += " " + md_cell(c) + " |";
        }
        out += "\n";
    }
    return out;
}


}  // namespace

namespace {

// The seed's table: rows (2), (1), (3) … (7); money in 万元, rates in percent.
std::vector<std::vector<std::string>> execution_rows(const ledger::ExecutionReport& r) {
    std::vector<const ledger::ExecutionFigures*> columns{&r.total, &r.fiscal_subtotal};
    for (ledger::Level l : ledger::kLevels) {
        columns.push_back(&r.level(l));
    }
    std::vector<std::vector<std::string>> rows;
    const auto row = [&](const char* name, const char* line, auto&& cell) {
        std::vector<std::string> cells{name, line};
        for (const auto* f : columns) {
            cells.push_back(cell(*f));
        }
        rows.push_back(std::move(cells));
    };
    row("全年预算资金", "(2)", [](const auto& f) { return ledger::format_wan(f.full_year_budget); });
    row("年初预算资金", "(1)", [](const auto& f) { return ledger::format_wan(f.initial_budget); });
    row("实际到位资金", "(3)", [](const auto& f) { return ledger::format_wan(f.arrived); });
    row("全年执行资金", "(4)", [](const auto& f) { return ledger::format_wan(f.executed); });
    row("资金结余", "(5)=(3)-(4)", [](const auto& f) { return ledger::format_wan(f.balance()); });
    row("预算到位率(%)", "(6)=(3)/(2)", [](const auto& f) { return ledger::format_percent(f.arrival_rate()); });
    row("预算执行率(%)", "(7)=(4)/(2)", [](const auto& f) { return ledger::format_percent(f.execution_rate()); });
    return rows;
}

}  // namespace

std::string execution_markdown(const ledger::ExecutionReport& r) {
    return md_table({"项目", "行次", "年度总金额(万元)", "财政资金小计", "中央级", "省级", "市级", "县区级",
                     "上年结转资金(万元)", "其他资金(万元)"},
                    execution_rows(r));
}

void print_evaluation(const RenderOptions& o, const ledger::Evaluation& e) {
    if (o.json()) {
        write(dump_json(evaluation_json(e)));
        return;
    }
    const auto& headings = sheet_headings(o.lang);
    if (o.csv()) {
        write(csv_line(headings));
        for (const auto& l : e.lines) {
            write(csv_line(sheet_cells(l)));
        }
        write(csv_line({o.lang == Lang::zh ? "总分" : "total", "", "", "100", "", "", "", points(e.total), e.grade}));
        return;
    }
    if (o.format_name == "md") {
        print_evaluation_report(e);
        return;
    }
    Table table;
    std::vector<Table::Align> aligns(headings.size(), Table::Align::left);
    for (std::size_t i : {3U, 6U, 7U}) {
        aligns[i] = Table::Align::right;
    }
    table.columns(headings, aligns);
    for (const auto& l : e.lines) {
        table.row(sheet_cells(l));
    }
    table.row({o.lang == Lang::zh ? "总分" : "total", "", "", "100", "", "", "", points(e.total), ""});
    write((o.lang == Lang::zh ? "项目支出绩效自评表  " + e.project + " " + e.project_name + "  " +
                                    std::to_string(e.year) + "年度"
                              : "Performance self-evaluation  " + e.project + " " + e.project_name + "  " +
                                    std::to_string(e.year)) +
          "\n" + table.render() +
          (o.lang == Lang::zh ? "总得分 " + points(e.total) + " 分，等级：" + e.grade + "\n"
                              : "Total " + points(e.total) + ", grade " + e.grade + "\n"));
    // What the form alone does not show (money recovered, deposits past due), as the report words it.
    if (e.execution.total.recovered != ledger::Money{} || !e.execution.deposits_past_due.empty()) {
        write(execution_analysis(o.lang, e.execution) + "\n");
    }
}

std::string execution_heading_line(Lang lang, const ledger::ExecutionReport& r) {
    std::string out;
    const auto add = [&](const char* zh, const char* en, const std::string& value) {
        if (!value.empty()) {
            out += (out.empty() ? "" : "  ") + std::string(lang == Lang::zh ? zh : en) + value;
        }
    };
    add("预算单位：", "Budget unit: ", r.unit_name);
    add("功能分类：", "Function code: ", r.func_code);
    return out;
}

std::string execution_recovered_note(Lang lang, const ledger::ExecutionReport& r, bool markdown) {
    if (r.total.recovered == ledger::Money{}) {
        return "";
    }
    const std::string amount = ledger::format_wan(r.total.recovered);
    return std::string(markdown ? "\n" : "") +
           (lang == Lang::zh ? "其中：已收回 " + amount + " 万元" + (markdown ? "。" : "")
                             : "Of which recovered to the treasury: " + amount + " (10k yuan)" + (markdown ? "." : "")) +
           "\n";
}

std::string execution_analysis(Lang lang, const ledger::ExecutionReport& r) {
    // Every clause is a fact of the ledger as of the form's date: the balance, what of it went back to
    // the treasury, what is held as deposits, and which deposits are past their due date unpaid.
    const auto& f = r.total;
    const bool zh = lang == Lang::zh;
    std::string out = zh ? "资金到位率" + ledger::format_percent(f.arrival_rate()) + "%，预算执行率为" +
                               ledger::format_percent(f.execution_rate()) + "%，资金结余" +
                               ledger::format_wan(f.balance()) + "万元"
                         : "In 10k yuan: arrival rate " + ledger::format_percent(f.arrival_rate()) +
                               "%, execution rate " + ledger::format_percent(f.execution_rate()) + "%, balance " +
                               ledger::format_wan(f.balance());
    std::vector<std::string> parts;
    if (f.recovered != ledger::Money{}) {
        parts.push_back(zh ? "已收回国库" + ledger::format_wan(f.recovered) + "万元"
                           : ledger::format_wan(f.recovered) + " recovered to the treasury");
    }
    ledger::Money past_due;
    for (const auto& d : r.deposits_past_due) {
        past_due += d.outstanding;
    }
    if (r.retention_outstanding > ledger::Money{}) {
        std::string held = zh ? "未付质保金" + ledger::format_wan(r.retention_outstanding) + "万元"
                              : ledger::format_wan(r.retention_outstanding) + " of warranty deposits unpaid";
        const ledger::Money waiting = r.retention_outstanding - past_due;
        if (past_due == ledger::Money{}) {
            held += zh ? "，待质保期满后支付" : ", to be paid when the warranty ends";
        } else if (waiting > ledger::Money{}) {
            held += zh ? "（其中" + ledger::format_wan(waiting) + "万元待质保期满后支付）"
                       : " (" + ledger::format_wan(waiting) + " of it to be paid when the warranty ends)";
        }
        parts.push_back(held);
    }
    if (!parts.empty()) {
        out += zh ? "，其中" : ", of which ";
        for (std::size_t i = 0; i < parts.size(); ++i) {
            out += (i == 0 ? "" : zh ? "，" : "; ") + parts[i];
        }
    }
    out += zh ? "。" : ".";
    for (const auto& d : r.deposits_past_due) {
        out += zh ? "合同" + d.contract + "（" + d.supplier + "）的质保金" + ledger::format_wan(d.outstanding) + "万元已于" +
                        ledger::to_string(d.due) + "到期，截至" + ledger::to_string(r.as_of) + "已逾期" +
                        std::to_string(d.days_past_due) + "天，尚未支付。"
                  : " The deposit of " + ledger::format_wan(d.outstanding) + " on contract " + d.contract + " (" +
                        d.supplier + ") fell due on " + ledger::to_string(d.due) + "; as of " +
                        ledger::to_string(r.as_of) + " it is " + std::to_string(d.days_past_due) +
                        " days overdue and unpaid.";
    }
    return out;
}

std::vector<DocBlock> evaluation_report_blocks(const ledger::Evaluation& e) {
    using Kind = DocBlock::Kind;
    std::vector<DocBlock> doc;
    const auto add = [&](Kind kind, std::string text) { doc.push_back(DocBlock{kind, std::move(text), {}, {}, false}); };
    const auto add_table = [&](std::vector<std::string> headings, std::vector<std::vector<std::string>> rows) {
        doc.push_back(DocBlock{Kind::table, {}, std::move(headings), std::move(rows), false});
    };
    const ledger::ExecutionReport& x = e.execution;
    // "县级融媒体中心建设项目" + "支出绩效自评报告", not "…项目项目支出…".
    const std::string_view suffix = "项目";
    const bool named_project = e.project_name.size() >= suffix.size() &&
                               e.project_name.compare(e.project_name.size() - suffix.size(), suffix.size(), suffix) == 0;
    add(Kind::title, e.project_name + (named_project ? "支出绩效自评报告" : "项目支出绩效自评报告"));
    std::string intro = "项目编号：" + e.project;
    if (!x.unit_name.empty()) {
        intro += "；预算单位：" + x.unit_name;
    }
    if (!x.func_code.empty()) {
        intro += "；功能分类：" + x.func_code;
    }
    add(Kind::paragraph, intro + "；评价年度：" + std::to_string(e.year) + "年度；数据截至" + ledger::to_string(x.as_of) + "。");
    add(Kind::heading1, "一、项目的基本情况");
    add(Kind::heading2, "（一）项目概况");
    add(Kind::placeholder, "项目概况、立项依据、设立的必要性、保证项目实施的措施与制度、项目实施计划。");
    add(Kind::heading2, "（二）预算执行情况");
    add_table({"项目", "行次", "年度总金额(万元)", "财政资金小计", "中央级", "省级", "市级", "县区级",
               "上年结转资金(万元)", "其他资金(万元)"},
              execution_rows(x));
    if (x.total.recovered != ledger::Money{}) {
        add(Kind::paragraph, "其中：已收回 " + ledger::format_wan(x.total.recovered) + " 万元。");
    }
    add(Kind::paragraph, "未付质保金 " + ledger::format_wan(x.retention_outstanding) + " 万元。");
    add(Kind::heading2, "（三）项目绩效目标");
    add(Kind::paragraph, "（1）项目实施期绩效目标");
    add(Kind::placeholder, "项目实施期绩效目标。");
    add(Kind::paragraph, "（2）项目年度目标");
    add(Kind::placeholder, "项目年度目标。");
    add(Kind::heading1, "二、项目绩效情况");
    add(Kind::paragraph, "综合考虑预算执行情况、产出、效益、服务对象满意度各方面因素，通过数据采集及分析，最终评分结果：" +
                             e.project_name + "项目绩效自评价结果为：总得分" + points(e.total) + "分，属于\"" + e.grade +
                             "\"。");
    // Section per level-1 group, in the seed's order, then any other group the sheet has.
    static const std::pair<const char*, const char*> kSections[] = {{"预算执行指标", "预算执行情况"},
                                                                    {"产出指标", "项目产出情况"},
                                                                    {"效益指标", "项目效益情况"},
                                                                    {"满意度指标", "项目满意度情况"}};
    static const char* kNumbers[] = {"（一）", "（二）", "（三）", "（四）", "（五）", "（六）", "（七）", "（八）"};
    std::vector<std::pair<std::string, std::string>> sections;
    for (const auto& [group, title] : kSections) {
        sections.emplace_back(group, title);
    }
    for (const auto& l : e.lines) {
        bool known = false;
        for (const auto& s : sections) {
            known = known || s.first == l.indicator.level1;
        }
        if (!known) {
            sections.emplace_back(l.indicator.level1, l.indicator.level1);
        }
    }
    std::size_t number = 0;
    for (const auto& [group, title] : sections) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& l : e.lines) {
            if (l.indicator.level1 == group) {
                rows.push_back({l.indicator.level2, l.indicator.name, l.indicator.weight.to_string(), l.indicator.target,
                                l.actual, points(l.score)});
            }
        }
        if (rows.empty()) {
            continue;
        }
        add(Kind::heading2, std::string(kNumbers[std::min(number++, std::size(kNumbers) - 1)]) + title);
        add_table({"二级指标", "三级指标", "权重", "目标值", "业绩值", "得分"}, std::move(rows));
    }
    add(Kind::heading1, "三、项目绩效分析");
    add(Kind::paragraph, "1. 项目实施和预算执行情况及分析");
    add(Kind::paragraph, execution_analysis(Lang::zh, x));
    add(Kind::placeholder, "预算执行情况的分析。");
    add(Kind::paragraph, "2. 产出情况及分析");
    add(Kind::placeholder, "产出情况及分析。");
    add(Kind::paragraph, "3. 效益情况及分析");
    add(Kind::placeholder, "效益情况及分析。");
    add(Kind::paragraph, "4. 满意度情况及分析");
    add(Kind::placeholder, "满意度情况及分析。");
    add(Kind::heading1, "四、项目主要经验做法");
    add(Kind::placeholder, "主要经验做法。");
    add(Kind::heading1, "五、项目管理中存在问题及原因分析");
    add(Kind::placeholder, "存在问题及原因分析。");
    add(Kind::heading1, "六、进一步加强项目管理措施及建议");
    add(Kind::placeholder, "措施及建议。");
    add(Kind::heading1, "附件1.项目支出绩效自评表");
    doc.back().landscape = true;  // the nine-column sheet, as filed: a landscape attachment
    std::vector<std::vector<std::string>> rows;
    for (const auto& l : e.lines) {
        rows.push_back(sheet_cells(l));
    }
    rows.push_back({"总分", "", "", "100", "", "", "", points(e.total), "等级：" + e.grade});
    add_table(sheet_headings(Lang::zh), std::move(rows));
    return doc;
}

void print_evaluation_report(const ledger::Evaluation& e) { write(markdown_of(evaluation_report_blocks(e))); }

void write_evaluation_docx(const std::string& path, const ledger::Evaluation& e, bool force) {
    write_docx(path, evaluation_report_blocks(e), force);
}

}  // namespace fundflow
