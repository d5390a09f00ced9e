// Renderers of the self-evaluation (绩效自评表) and the whole self-evaluation report (Markdown).
#include <cstdio>

#include "ledger/evaluation.hpp"
#include "output.hpp"
#include "render.hpp"

namespace fundflow {
namespace {

void write(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

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

std::string placeholder(const char* what) { return std::string("> 【待填写】") + what + "\n"; }

}  // namespace

std::string execution_markdown(const ledger::ExecutionReport& r) {
    // The seed's table: rows (2), (1), (3) … (7); money in 万元, rates in percent.
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
    return md_table({"项目", "行次", "年度总金额(万元)", "财政资金小计", "中央级", "省级", "市级", "县区级",
                     "上年结转资金(万元)", "其他资金(万元)"},
                    rows);
}

void print_evaluation(const RenderOptions& o, const ledger::Evaluation& e) {
    if (o.json()) {
        Json j;
        j.begin_object().key("project").string(e.project).key("year").integer(e.year).key("rows").begin_array();
        for (const auto& l : e.lines) {
            j.begin_object();
            j.key("level1").string(l.indicator.level1);
            j.key("level2").string(l.indicator.level2);
            j.key("name").string(l.indicator.name);
            // Weights carry at most 2 decimals (the sheet is refused otherwise).
            const auto& w = l.indicator.weight;
            j.key("weight").hundredths(w.units * (w.scale == 0 ? 100 : w.scale == 1 ? 10 : 1));
            j.key("target").string(l.indicator.target);
            j.key("actual").string(l.actual);
            j.key("completion_rate").hundredths(l.completion);
            j.key("score").hundredths(l.score);
            j.key("note").string(l.indicator.note);
            j.end_object();
        }
        j.end_array();
        j.key("total").hundredths(e.total).key("grade").string(e.grade);
        j.key("execution_rate").hundredths(e.execution.total.execution_rate().percent_hundredths());
        j.end_object();
        write(j.str());
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
}

void print_evaluation_report(const ledger::Evaluation& e) {
    const auto& f = e.execution.total;
    std::string out;
    out += "# " + e.project_name + "项目支出绩效自评报告\n\n";
    out += "项目编号 " + e.project + "，" + std::to_string(e.year) + " 年度。本报告中的预算执行数据与自评得分由 fundflow "
           "从记账数据生成（截至 " + ledger::to_string(e.execution.as_of) + "）；标有【待填写】之处由项目单位填写。\n\n";
    out += "## 一、项目的基本情况\n\n### （一）项目概况\n\n";
    out += placeholder("项目概况、立项依据、设立的必要性、保证项目实施的措施与制度、项目实施计划。");
    out += "\n### （二）预算执行情况\n\n" + execution_markdown(e.execution);
    out += "\n未付质保金 " + ledger::format_wan(e.execution.retention_outstanding) + " 万元。\n";
    out += "\n### （三）项目绩效目标\n\n（1）项目实施期绩效目标\n\n" + placeholder("项目实施期绩效目标。") +
           "\n（2）项目年度目标\n\n" + placeholder("项目年度目标。");
    out += "\n## 二、项目绩效情况\n\n";
    out += "综合考虑预算执行情况、产出、效益、服务对象满意度各方面因素，通过数据采集及分析，最终评分结果：" +
           e.project_name + "项目绩效自评价结果为：总得分" + points(e.total) + "分，属于\"" + e.grade + "\"。\n";
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
        out += "\n### " + std::string(kNumbers[std::min(number++, std::size(kNumbers) - 1)]) + title + "\n\n";
        out += md_table({"二级指标", "三级指标", "权重", "目标值", "业绩值", "得分"}, rows);
    }
    out += "\n## 三、项目绩效分析\n\n1. 项目实施和预算执行情况及分析\n\n";
    out += "资金到位率" + ledger::format_percent(f.arrival_rate()) + "%，预算执行率为" +
           ledger::format_percent(f.execution_rate()) + "%，资金结余" + ledger::format_wan(f.balance()) + "万元";
    out += e.execution.retention_outstanding > ledger::Money{}
               ? "，其中未付质保金" + ledger::format_wan(e.execution.retention_outstanding) + "万元，待质保期满后支付。\n"
               : "。\n";
    out += "\n" + placeholder("预算执行情况的分析。");
    out += "\n2. 产出情况及分析\n\n" + placeholder("产出情况及分析。");
    out += "\n3. 效益情况及分析\n\n" + placeholder("效益情况及分析。");
    out += "\n4. 满意度情况及分析\n\n" + placeholder("满意度情况及分析。");
    out += "\n## 四、项目主要经验做法\n\n" + placeholder("主要经验做法。");
    out += "\n## 五、项目管理中存在问题及原因分析\n\n" + placeholder("存在问题及原因分析。");
    out += "\n## 六、进一步加强项目管理措施及建议\n\n" + placeholder("措施及建议。");
    out += "\n## 附件1.项目支出绩效自评表\n\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& l : e.lines) {
        rows.push_back(sheet_cells(l));
    }
    rows.push_back({"总分", "", "", "100", "", "", "", points(e.total), "等级：" + e.grade});
    out += md_table(sheet_headings(Lang::zh), rows);
    write(out);
}

}  // namespace fundflow
