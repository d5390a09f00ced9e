#include "present/render_lists.hpp"

#include <map>
#include <string_view>

#include "present/i18n.hpp"
#include "present/json.hpp"
#include "present/output.hpp"
#include "render_parts.hpp"

namespace fundflow {
namespace {

using ledger::Money;

std::string unit_title(const RenderOptions& o) {
    return std::string(pick(o, "单位：", "unit: ")) +
           (o.unit == Unit::wan ? pick(o, "万元", "10k yuan") : pick(o, "元", "yuan"));
}

std::string cut_title(const RenderOptions& o, ledger::Date as_of, const std::optional<ledger::Instant>& known_at) {
    return std::string(pick(o, "截至 ", "as of ")) + ledger::to_string(as_of) + "  " + unit_title(o) +
           (known_at ? std::string(pick(o, "  记录截至 ", "  known at ")) + ledger::to_string(*known_at) : "");
}

void emit(const RenderOptions& o, const std::string& title, const std::vector<std::string>& headings,
          const std::vector<Table::Align>& aligns, const std::vector<std::vector<std::string>>& rows) {
    if (o.csv()) {
        write(csv_line(headings));
        for (const auto& cells : rows) {
            write(csv_line(cells));
        }
        return;
    }
    Table table;
    table.columns(headings, aligns);
    for (const auto& cells : rows) {
        table.row(cells);
    }
    write(title);
    table.write([](std::string_view text) { write(text); });
}

}  // namespace

// In the options' language, not the process's (set_language): a server words each request in its own.
std::string word(const RenderOptions& o, const ledger::Message& m) { return fundflow::word(o.lang, m); }

std::string memo_text(const RenderOptions& o, const ledger::Entry& e) {
    if (const auto m = ledger::close_memo_message(e)) {
        return word(o, *m);
    }
    return e.memo;
}

void print_units(const RenderOptions& o, const std::vector<ledger::Unit>& units) {
    if (o.json()) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& u : units) {
            nlohmann::ordered_json j;
            j["code"] = u.code;
            j["name"] = u.name;
            j["parent"] = u.parent.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(u.parent);
            list.push_back(std::move(j));
        }
        nlohmann::ordered_json j;
        j["units"] = std::move(list);
        write(dump_json(j));
        return;
    }
    const std::vector<std::string> headings{pick(o, "单位代码", "code"), pick(o, "单位名称", "name"),
                                            pick(o, "上级单位", "parent")};
    std::vector<std::vector<std::string>> rows;
    for (const auto& u : units) {
        rows.push_back({u.code, u.name, u.parent});
    }
    if (o.csv()) {
        emit(o, "", headings, {}, rows);
        return;
    }
    Table table;
    table.columns(headings, std::vector<Table::Align>(headings.size(), Table::Align::left));
    for (const auto& cells : rows) {
        table.row(cells);
    }
    table.write([](std::string_view text) { write(text); });
}

void print_project_list(const RenderOptions& o, const ledger::ProjectList& list) {
    if (o.json()) {
        write(dump_json(project_list_json(list)));
        return;
    }
    const std::vector<std::string> headings{
        pick(o, "项目编码", "project"),      pick(o, "项目名称", "name"),     pick(o, "预算单位", "unit"),
        pick(o, "功能分类", "func code"),    pick(o, "年度", "years"),        pick(o, "预算", "budget"),
        pick(o, "到位", "arrived"),          pick(o, "执行", "executed"),     pick(o, "收回", "recovered"),
        pick(o, "结余", "balance"),          pick(o, "未付质保金", "retention")};
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : list.rows) {
        std::string years;
        if (r.first_year) {
            years = std::to_string(*r.first_year);
            if (*r.last_year != *r.first_year) {
                years += "–" + std::to_string(*r.last_year);
            }
        }
        rows.push_back({r.project.code, r.project.name, r.project.unit_name, r.project.func_code, years,
                        money(o, r.budget), money(o, r.arrived), money(o, r.executed), money(o, r.recovered),
                        money(o, r.balance()), money(o, r.retention_outstanding)});
    }
    std::vector<Table::Align> aligns(5, Table::Align::left);
    aligns.resize(headings.size(), Table::Align::right);
    emit(o, std::string(pick(o, "项目一览  ", "Projects  ")) + cut_title(o, list.as_of, list.known_at) + "\n",
         headings, aligns, rows);
}

void print_contract_list(const RenderOptions& o, const ledger::ContractList& list) {
    if (o.json()) {
        write(dump_json(contract_list_json(list)));
        return;
    }
    const std::vector<std::string> headings{
        pick(o, "项目", "project"),         pick(o, "合同", "contract"),          pick(o, "供应商", "supplier"),
        pick(o, "中小企业", "SME"),          pick(o, "合同金额", "amount"),         pick(o, "已支付", "paid"),
        pick(o, "质保金预留", "retained"),   pick(o, "质保金已支付", "released"),   pick(o, "质保金已扣除", "forfeited"),
        pick(o, "未付质保金", "outstanding"), pick(o, "进度(%)", "progress %")};
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : list.rows) {
        rows.push_back({r.project, r.terms.code, r.terms.supplier,
                        r.terms.sme ? pick(o, "是", "yes") : pick(o, "否", "no"), money(o, r.terms.amount),
                        money(o, r.paid), money(o, r.retained), money(o, r.released), money(o, r.forfeited),
                        money(o, r.outstanding()), rate(o, r.progress())});
    }
    std::vector<Table::Align> aligns(4, Table::Align::left);
    aligns.resize(headings.size(), Table::Align::right);
    emit(o, std::string(pick(o, "合同台账  ", "Contracts  ")) + cut_title(o, list.as_of, list.known_at) + "\n",
         headings, aligns, rows);
}

}  // namespace fundflow
