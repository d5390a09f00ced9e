#include "present/render.hpp"

#include <cstdio>

#include "present/json.hpp"
#include "present/output.hpp"
#include "present/render_lists.hpp"
#include "render_parts.hpp"

namespace fundflow {

namespace {

// Where write() puts text on this thread: the string of the innermost capture_output() running on it, or
// nothing (stdout). Thread-local, so that the worker threads of a server each capture their own page.
thread_local std::string* capture = nullptr;

}  // namespace

void write(std::string_view text) {
    if (capture != nullptr) {
        capture->append(text);
        return;
    }
    std::fwrite(text.data(), 1, text.size(), stdout);
}

std::string capture_output(const std::function<void()>& body) {
    std::string out;
    // Restores the outer capture (or stdout) however body ends, exceptions included.
    struct Restore {
        std::string* outer;
        ~Restore() { capture = outer; }
    } restore{capture};
    capture = &out;
    body();
    return out;
}

const char* pick(const RenderOptions& o, const char* zh, const char* en) { return o.lang == Lang::zh ? zh : en; }

std::string money(const RenderOptions& o, ledger::Money amount) {
    if (o.unit == Unit::wan) {
        return ledger::format_wan(amount);
    }
    std::string text = ledger::format_yuan(amount);
    if (o.csv()) {
        std::erase(text, ',');
    }
    return text;
}

std::string rate(const RenderOptions& o, const ledger::Rate& r) {
    const std::string text = ledger::format_percent(r);
    return o.csv() && text == "-" ? std::string() : text;
}

namespace {

using ledger::format_percent;
using ledger::Money;

// Rows as CSV, or as an aligned table under a title (title and footer are table-only, each ending in
// a newline when not empty).
void emit(const RenderOptions& o, const std::string& title, const std::vector<std::string>& headings,
          const std::vector<Table::Align>& aligns, std::vector<std::vector<std::string>> rows,
          const std::string& footer = "") {
    if (o.csv()) {
        write(csv_line(headings));
        for (const auto& cells : rows) {
            write(csv_line(cells));
        }
        return;
    }
    Table table;
    table.columns(headings, aligns);
    for (auto& cells : rows) {
        table.row(cells);
        std::vector<std::string>().swap(cells);  // freed as the table takes it
    }
    write(title);
    table.write([](std::string_view text) { write(text); });
    write(footer);
}

std::string id_text(ledger::EntryId id) { return std::to_string(static_cast<std::int64_t>(id)); }

std::string level_name(const RenderOptions& o, std::optional<ledger::Level> level) {
    if (!level) {
        return "";
    }
    return std::string(o.lang == Lang::zh ? ledger::chinese_name(*level) : ledger::to_string(*level));
}

std::string kind_name(const RenderOptions& o, ledger::EntryKind kind) {
    return std::string(o.lang == Lang::zh ? ledger::chinese_name(kind) : ledger::to_string(kind));
}

}  // namespace

void print_line(const RenderOptions& o, const std::string& text) {
    if (o.json()) {
        write(dump_json(message_json(text)));
    } else {
        write(text + "\n");
    }
}

void print_posted(const RenderOptions& o, const ledger::PostResult& r) {
    const ledger::Entry& e = r.entry;
    if (o.json()) {
        write(dump_json(posted_json(r)));
        return;
    }
    if (o.csv()) {
        write(csv_line({"id", "kind", "project", "level", "amount", "date", "hash", "created"}));
        write(csv_line({id_text(e.id), std::string(ledger::to_string(e.kind)), e.project,
                        e.level ? std::string(ledger::to_string(*e.level)) : "", money(o, e.amount),
                        ledger::to_string(e.effective_on), e.hash, r.created ? "true" : "false"}));
        return;
    }
    std::string line = std::string(r.created ? pick(o, "记录 #", "entry #")
                                             : pick(o, "已记过，记录 #", "already posted as entry #")) +
                       id_text(e.id) + "  " +
                       kind_name(o, e.kind) + "  " + e.project;
    if (e.contract) {
        line += "  " + std::string(pick(o, "合同 ", "contract ")) + *e.contract;
    }
    if (e.level) {
        line += "  " + level_name(o, e.level);
    }
    if (e.kind != ledger::EntryKind::project && e.kind != ledger::EntryKind::contract) {
        line += "  " + ledger::format_yuan(e.amount) + " 元  " + ledger::to_string(e.effective_on);
    }
    if (e.due_on) {
        line += std::string(pick(o, "  到期 ", "  due ")) + ledger::to_string(*e.due_on);
    }
    line += pick(o, "  哈希 ", "  hash ") + e.hash.substr(0, 16);
    write(line + "\n");
}

void print_execution(const RenderOptions& o, const ledger::ExecutionReport& r) {
    using ledger::Level;
    if (o.json()) {
        write(dump_json(execution_json(r)));
        return;
    }

    if (o.format_name == "md") {
        const std::string heading = execution_heading_line(Lang::zh, r);
        write("### 预算执行情况  " + r.project + " " + r.project_name + "  " + std::to_string(r.year) + "年度（截至 " +
              ledger::to_string(r.as_of) + "，单位：万元）\n\n" + (heading.empty() ? "" : heading + "\n\n") +
              execution_markdown(r) + execution_recovered_note(Lang::zh, r, true) + "\n未付质保金 " +
              ledger::format_wan(r.retention_outstanding) + " 万元。\n");
        return;
    }
    // Columns and rows in the seed's order: rows (2), (1), (3) … (7).
    std::vector<const ledger::ExecutionFigures*> columns{&r.total, &r.fiscal_subtotal};
    for (Level l : ledger::kLevels) {
        columns.push_back(&r.level(l));
    }
    struct RowSpec {
        const char* zh;
        const char* en;
        const char* line;
        std::string (*cell)(const RenderOptions&, const ledger::ExecutionFigures&);
    };
    static const RowSpec kRows[] = {
        {"全年预算资金", "Full-year budget", "(2)",
         [](const RenderOptions& opt, const ledger::ExecutionFigures& f) { return money(opt, f.full_year_budget); }},
        {"年初预算资金", "Initial budget", "(1)",
         [](const RenderOptions& opt, const ledger::ExecutionFigures& f) { return money(opt, f.initial_budget); }},
        {"实际到位资金", "Funds arrived", "(3)",
         [](const RenderOptions& opt, const ledger::ExecutionFigures& f) { return money(opt, f.arrived); }},
        {"全年执行资金", "Executed", "(4)",
         [](const RenderOptions& opt, const ledger::ExecutionFigures& f) { return money(opt, f.executed); }},
        {"资金结余", "Balance", "(5)=(3)-(4)",
         [](const RenderOptions& opt, const ledger::ExecutionFigures& f) { return money(opt, f.balance()); }},
        {"预算到位率(%)", "Arrival rate (%)", "(6)=(3)/(2)",
         [](const RenderOptions& opt, const ledger::ExecutionFigures& f) { return rate(opt, f.arrival_rate()); }},
        {"预算执行率(%)", "Execution rate (%)", "(7)=(4)/(2)",
         [](const RenderOptions& opt, const ledger::ExecutionFigures& f) { return rate(opt, f.execution_rate()); }},
    };
    std::vector<std::string> headings;
    if (o.lang == Lang::zh) {
        headings = {"项目", "行次", "年度总金额", "财政资金小计", "中央级", "省级", "市级", "县区级", "上年结转资金", "其他资金"};
    } else {
        headings = {"Item", "Line", "Total", "Fiscal subtotal", "Central", "Provincial", "Municipal", "County",
                    "Carryover", "Other"};
    }
    const std::string unit_label = o.unit == Unit::wan ? pick(o, "万元", "10k yuan") : pick(o, "元", "yuan");
    std::vector<std::vector<std::string>> rows;
    for (const auto& spec : kRows) {
        std::vector<std::string> cells{pick(o, spec.zh, spec.en), spec.line};
        for (const auto* f : columns) {
            cells.push_back(spec.cell(o, *f));
        }
        rows.push_back(std::move(cells));
        if (o.csv() && spec.cell == kRows[4].cell && r.total.recovered != Money{}) {
            // 其中：已收回 — under (5), the part of the balance recovered to the treasury in the year.
            std::vector<std::string> recovered{pick(o, "其中：已收回", "of which recovered"), ""};
            for (const auto* f : columns) {
                recovered.push_back(money(o, f->recovered));
            }
            rows.push_back(std::move(recovered));
        }
    }
    std::vector<Table::Align> aligns{Table::Align::left, Table::Align::left};
    aligns.resize(headings.size(), Table::Align::right);
    std::string title = o.lang == Lang::zh
                            ? "预算执行情况  " + r.project + " " + r.project_name + "  " + std::to_string(r.year) +
                                  "年度  截至 " + ledger::to_string(r.as_of) + "  单位：" + unit_label
                            : "Budget execution  " + r.project + " " + r.project_name + "  " + std::to_string(r.year) +
                                  "  as of " + ledger::to_string(r.as_of) + "  unit: " + unit_label;
    if (r.known_at) {
        title += std::string(pick(o, "  记录截至 ", "  known at ")) + ledger::to_string(*r.known_at);
    }
    const std::string heading = execution_heading_line(o.lang, r);
    std::string footer;
    if (r.total.recovered != Money{}) {
        footer += std::string(pick(o, "其中：已收回 ", "Of which recovered to the treasury: ")) +
                  money(o, r.total.recovered) + " " + unit_label + "\n";
    }
    footer += std::string(pick(o, "未付质保金：", "Retention outstanding: ")) + money(o, r.retention_outstanding) + " " +
              unit_label + "\n";
    emit(o, title + "\n" + (heading.empty() ? "" : heading + "\n"), headings, aligns, std::move(rows), footer);
}

void print_balance(const RenderOptions& o, const ledger::BalanceReport& r, ledger::BalanceBy by) {
    if (o.json()) {
        write(dump_json(balance_json(r, by)));
        return;
    }
    std::vector<std::string> headings{pick(o, "项目", "project")};
    if (by == ledger::BalanceBy::contract) {
        headings.push_back(pick(o, "合同", "contract"));
        headings.push_back(pick(o, "供应商", "supplier"));  // in force at the as-of date
    }
    if (by == ledger::BalanceBy::level) {
        headings.push_back(pick(o, "资金来源", "level"));
    }
    const std::size_t text_columns = headings.size();
    const bool contracts = by == ledger::BalanceBy::contract;
    if (contracts) {
        headings.emplace_back(pick(o, "合同金额", "contract amount"));
        headings.emplace_back(pick(o, "执行", "executed"));
        headings.emplace_back(pick(o, "未付质保金", "retention"));
    } else {
        for (const char* h : {pick(o, "到位", "arrived"), pick(o, "执行", "executed"), pick(o, "结余", "balance"),
                              pick(o, "未付质保金", "retention"), pick(o, "收回", "recovered"),
                              pick(o, "可用余额", "free balance")}) {
            headings.emplace_back(h);
        }
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& row : r.rows) {
        std::vector<std::string> cells{row.project};
        const auto terms = r.contract_terms.find({row.project, row.contract.value_or("")});
        const bool has_terms = terms != r.contract_terms.end();
        if (by == ledger::BalanceBy::contract) {
            cells.push_back(row.contract.value_or(""));
            cells.push_back(has_terms ? terms->second.supplier : "");
        }
        if (by == ledger::BalanceBy::level) {
            cells.push_back(level_name(o, row.level));
        }
        const std::vector<Money> figures =
            contracts ? std::vector<Money>{has_terms ? terms->second.amount : Money{}, row.executed,
                                           row.retention_outstanding}
                      : std::vector<Money>{row.arrived, row.executed, row.balance(), row.retention_outstanding,
                                           row.recovered, row.free_balance()};
        for (Money m : figures) {
            cells.push_back(money(o, m));
        }
        rows.push_back(std::move(cells));
    }
    std::vector<Table::Align> aligns(text_columns, Table::Align::left);
    aligns.resize(headings.size(), Table::Align::right);
    emit(o,
         std::string(pick(o, "余额  截至 ", "Balances  as of ")) + ledger::to_string(r.as_of) + "  " +
             pick(o, "单位：", "unit: ") + (o.unit == Unit::wan ? pick(o, "万元", "10k yuan") : pick(o, "元", "yuan")) +
             (r.known_at ? std::string(pick(o, "  记录截至 ", "  known at ")) + ledger::to_string(*r.known_at) : "") +
             "\n",
         headings, aligns, std::move(rows));
}

void print_log(const RenderOptions& o, const std::vector<ledger::Entry>& entries) {
    if (o.json()) {
        write(dump_json(log_json(entries)));
        return;
    }
    std::vector<std::string> headings{"id", pick(o, "业务日期", "date"), pick(o, "记录时间", "recorded"),
                                      pick(o, "用户", "user"), pick(o, "类型", "kind"), pick(o, "项目", "project"),
                                      pick(o, "资金来源", "level"), pick(o, "金额", "amount"),
                                      pick(o, "合同", "contract"), pick(o, "凭证号", "ref"), pick(o, "摘要", "memo"),
                                      "hash"};
    const auto cells_of = [&](const ledger::Entry& e) {
        std::string memo = memo_text(o, e);  // a close entry's figures in words
        if (e.reverses) {
            memo = std::string(pick(o, "冲销 #", "reverses #")) + id_text(*e.reverses) + (memo.empty() ? "" : ": ") + memo;
        }
        if (e.refunds) {
            memo = std::string(pick(o, "退回 #", "returns #")) + id_text(*e.refunds) + (memo.empty() ? "" : ": ") + memo;
        }
        return std::vector<std::string>{id_text(e.id),
                                        ledger::to_string(e.effective_on),
                                        e.recorded_at.substr(0, 19) + "Z",
                                        e.user == e.os_user ? e.user : e.user + " (" + e.os_user + ")",
                                        kind_name(o, e.kind),
                                        e.project,
                                        level_name(o, e.level),
                                        e.kind == ledger::EntryKind::project || e.kind == ledger::EntryKind::contract
                                            ? ""
                                            : money(o, e.amount),
                                        e.contract.value_or(""),
                                        e.ref.value_or(""),
                                        memo,
                                        o.csv() ? e.hash : e.hash.substr(0, 12)};
    };
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : entries) {
        rows.push_back(cells_of(e));
    }
    std::vector<Table::Align> aligns(headings.size(), Table::Align::left);
    aligns[0] = Table::Align::right;
    aligns[7] = Table::Align::right;
    emit(o, "", headings, aligns, std::move(rows));
}

void print_entry_detail(const RenderOptions& o, const ledger::Entry& e, std::optional<ledger::EntryId> reversed_by,
                        const std::optional<ledger::Project>& project, const std::optional<ledger::Contract>& contract,
                        const std::vector<ExtraField>& extra) {
    if (o.json()) {
        write(dump_json(entry_detail_json(e, reversed_by, project, contract, extra)));
        return;
    }
    std::vector<std::pair<std::string, std::string>> fields{
        {"id", id_text(e.id)},
        {pick(o, "类型", "kind"), kind_name(o, e.kind)},
        {pick(o, "项目", "project"), e.project},
        {pick(o, "资金来源", "level"), level_name(o, e.level)},
        {pick(o, "金额", "amount"), money(o, e.amount)},
        {pick(o, "业务日期", "date"), ledger::to_string(e.effective_on)},
        {pick(o, "记录时间", "recorded at"), e.recorded_at},
        {pick(o, "用户", "user"), e.user},
        {pick(o, "登录名", "login"), e.os_user},
        {pick(o, "合同", "contract"), e.contract.value_or("")},
        {pick(o, "凭证号", "ref"), e.ref.value_or("")},
        {pick(o, "摘要", "memo"), memo_text(o, e)},  // a close entry's figures in words
        {pick(o, "冲销", "reverses"), e.reverses ? "#" + id_text(*e.reverses) : ""},
        {pick(o, "被冲销", "reversed by"), reversed_by ? "#" + id_text(*reversed_by) : ""},
        {pick(o, "验收日期", "accepted"), e.accepted_on ? ledger::to_string(*e.accepted_on) : ""},
        {pick(o, "到期日", "due"), e.due_on ? ledger::to_string(*e.due_on) : ""},
        {pick(o, "质保期(月)", "warranty months"), e.warranty_months ? std::to_string(*e.warranty_months) : ""},
        {"prev_hash", e.prev_hash},
        {"hash", e.hash},
    };
    if (e.refunds) {  // after "reversed by"
        fields.insert(fields.begin() + 14, {pick(o, "退回", "returns"), "#" + id_text(*e.refunds)});
    }
    for (const auto& field : extra) {
        fields.insert(fields.end() - 2, {field.label, field.value});
    }
    if (project) {
        fields.insert(fields.begin() + 3, {{pick(o, "项目名称", "project name"), project->name},
                                           {pick(o, "预算单位", "budget unit"), project->unit_name},
                                           {pick(o, "功能分类", "function code"), project->func_code}});
    }
    if (contract) {
        fields.insert(fields.begin() + 3,
                      {{pick(o, "供应商", "supplier"), contract->supplier},
                       {pick(o, "合同金额", "contract amount"), money(o, contract->amount)},
                       {pick(o, "质保金比例(%)", "retention rate (%)"), ledger::format_hundredths(contract->retention_rate_bp)},
                       {pick(o, "质保期(月)", "warranty months"), std::to_string(contract->warranty_months)},
                       {pick(o, "中小企业", "SME"), contract->sme ? pick(o, "是", "yes") : pick(o, "否", "no")}});
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& [k, v] : fields) {
        rows.push_back({k, v});
    }
    emit(o, "", o.csv() ? std::vector<std::string>{"field", "value"}
                        : std::vector<std::string>{pick(o, "字段", "field"), pick(o, "值", "value")},
         {Table::Align::left, Table::Align::left}, std::move(rows));
}

void print_correction(const RenderOptions& o, const ledger::CorrectionResult& r) {
    if (o.json()) {
        write(dump_json(correction_json(r)));
        return;
    }
    print_posted(o, ledger::PostResult{r.reversal, true});
    if (o.csv()) {
        // One header: the replacement's row follows the reversal's.
        const ledger::Entry& e = r.replacement;
        write(csv_line({id_text(e.id), std::string(ledger::to_string(e.kind)), e.project,
                        e.level ? std::string(ledger::to_string(*e.level)) : "", money(o, e.amount),
                        ledger::to_string(e.effective_on), e.hash, "true"}));
        return;
    }
    print_posted(o, ledger::PostResult{r.replacement, true});
}

void print_verify(const RenderOptions& o, const ledger::VerifyResult& r) {
    if (o.json()) {
        write(dump_json(verify_json(r, o.lang)));
        return;
    }
    if (o.csv()) {
        write(csv_line({"ok", "entries", "head", "problem"}));
        write(csv_line({r.ok ? "true" : "false", std::to_string(r.digest.entries), r.digest.head, word(o, r.problem)}));
        return;
    }
    if (r.ok) {
        write(o.lang == Lang::zh ? "通过：" + std::to_string(r.digest.entries) + " 条记录，哈希链完整，链头 " + r.digest.head + "\n"
                                 : "ok: " + std::to_string(r.digest.entries) + " entries, chain intact, head " +
                                       r.digest.head + "\n");
    }
}

void print_warranty(const RenderOptions& o, const ledger::WarrantyReport& r) {
    if (o.json()) {
        write(dump_json(warranty_json(r)));
        return;
    }
    const auto status_name = [&](ledger::RetentionStatus s) -> std::string {
        if (o.lang == Lang::en) {
            return std::string(ledger::to_string(s));
        }
        switch (s) {
            case ledger::RetentionStatus::held:
                return "未到期";
            case ledger::RetentionStatus::due:
                return "已到期";
            case ledger::RetentionStatus::overdue:
                return "逾期未付";
            case ledger::RetentionStatus::partly_released:
                return "部分结清";
            case ledger::RetentionStatus::released:
                return "已支付";
            case ledger::RetentionStatus::forfeited:
                return "已扣除";
        }
        return "";
    };
    std::vector<std::string> headings{pick(o, "到期日", "due"),      pick(o, "状态", "status"),
                                      pick(o, "距到期天数", "days"), pick(o, "项目", "project"),
                                      pick(o, "合同", "contract"),   pick(o, "供应商", "supplier"),
                                      pick(o, "中小企业", "SME"),    pick(o, "资金来源", "level"),
                                      pick(o, "预留", "retained"),   pick(o, "已支付", "released"),
                                      pick(o, "已扣除", "forfeited"), pick(o, "未付", "outstanding"),
                                      pick(o, "验收日期", "accepted"), pick(o, "原资金来源", "withheld from"),
                                      pick(o, "支付日期", "released on"), pick(o, "扣除日期", "forfeited on"),
                                      pick(o, "逾期天数", "days late")};
    const auto date_text = [](const std::optional<ledger::Date>& d) { return d ? ledger::to_string(*d) : ""; };
    const auto cells = [&](const ledger::WarrantyRow& row) -> std::vector<std::string> {
        return {ledger::to_string(row.due), status_name(row.status), std::to_string(row.days_to_due),
                row.project, row.contract, row.supplier, row.sme ? pick(o, "是", "yes") : pick(o, "否", "no"),
                level_name(o, row.level), money(o, row.retained), money(o, row.released),
                money(o, row.forfeited), money(o, row.outstanding()), ledger::to_string(row.accepted),
                level_name(o, row.original_level), date_text(row.released_on), date_text(row.forfeited_on),
                row.days_late ? std::to_string(*row.days_late) : ""};
    };
    // A ledger may hold tens of thousands of deposits: each row goes straight into the CSV or the table.
    if (o.csv()) {
        write(csv_line(headings));
        for (const auto& row : r.rows) {
            write(csv_line(cells(row)));
        }
        return;
    }
    std::vector<Table::Align> aligns(headings.size(), Table::Align::left);
    for (std::size_t i : {2U, 8U, 9U, 10U, 11U, 16U}) {
        aligns[i] = Table::Align::right;
    }
    Table table;
    table.columns(headings, aligns);
    for (const auto& row : r.rows) {
        table.row(cells(row));
    }
    write(std::string(pick(o, "质保金  截至 ", "Warranty deposits  as of ")) + ledger::to_string(r.as_of) +
          pick(o, "  宽限期 ", "  grace ") + std::to_string(r.grace_days) + pick(o, " 天", " days") +
          (r.known_at ? std::string(pick(o, "  记录截至 ", "  known at ")) + ledger::to_string(*r.known_at) : "") +
          "\n");
    table.write([](std::string_view text) { write(text); });
}

void print_check(const RenderOptions& o, const ledger::CheckReport& r) {
    if (o.json()) {
        write(dump_json(check_json(r, o.lang)));
        return;
    }
    if (o.csv()) {
        write(csv_line({"check", "verdict", "detail"}));
        for (const auto& c : r.checks) {
            if (c.details.empty()) {
                write(csv_line({c.name, std::string(ledger::to_string(c.verdict)), ""}));
            }
            for (const auto& d : c.details) {
                write(csv_line({c.name, std::string(ledger::to_string(c.verdict)), word(o, d)}));
            }
        }
        return;
    }
    // The table is read by people: verdicts and check names in words (JSON and CSV keep the codes).
    const auto verdict = [&](ledger::Verdict v) -> std::string {
        switch (v) {
            case ledger::Verdict::pass: return pick(o, "通过", "pass");
            case ledger::Verdict::warn: return pick(o, "提示", "warn");
            case ledger::Verdict::fail: return pick(o, "不通过", "fail");
        }
        return std::string(ledger::to_string(v));
    };
    const auto check_name = [&](const std::string& name) -> std::string {
        if (o.lang != Lang::zh) return name;
        if (name == "chain") return "哈希链（chain）";
        if (name == "invariants") return "账务不变量（invariants）";
        if (name == "retentions_overdue") return "逾期质保金（retentions_overdue）";
        if (name == "retentions_due") return "近期到期质保金（retentions_due）";
        if (name == "years_closed") return "年度结转（years_closed）";
        return name;
    };
    std::string out;
    for (const auto& c : r.checks) {
        out += verdict(c.verdict) + "  " + check_name(c.name) + "\n";
        for (const auto& d : c.details) {
            out += "      " + word(o, d) + "\n";
        }
    }
    write(out);
}

void print_import(const RenderOptions& o, const ledger::ImportResult& r, bool dry_run) {
    if (o.json()) {
        write(dump_json(import_json(r, dry_run)));
        return;
    }
    if (o.csv()) {
        write(csv_line({"rows", "added", "present", "dry_run"}));
        write(csv_line({std::to_string(r.rows), std::to_string(r.added), std::to_string(r.present),
                        dry_run ? "true" : "false"}));
        return;
    }
    const auto count = [](std::int64_t n) {  // 5000 → "5,000"
        const std::string digits = std::to_string(n);
        std::string grouped;
        for (std::size_t i = 0; i < digits.size(); ++i) {
            if (i > 0 && (digits.size() - i) % 3 == 0) {
                grouped += ',';
            }
            grouped += digits[i];
        }
        return grouped;
    };
    write((dry_run ? std::string(pick(o, "试导入（未写入）：", "dry run (nothing written): ")) : std::string()) +
          count(r.rows) + pick(o, " 行：新增 ", " rows: ") + count(r.added) + pick(o, "，已存在 ", " new, ") +
          count(r.present) + pick(o, "\n", " already present\n"));
}

void print_copied(const RenderOptions& o, const std::string& from, const std::string& to,
                  const ledger::Ledger::CopyResult& r) {
    if (o.json()) {
        nlohmann::ordered_json j;
        j["from"] = from;
        j["to"] = to;
        j["entries"] = r.digest.entries;
        j["head"] = r.digest.head;
        j["imports"] = r.imports;
        j["idempotency_keys"] = r.idempotency_keys;
        write(dump_json(j));
        return;
    }
    if (o.csv()) {
        write(csv_line({"from", "to", "entries", "head", "imports", "idempotency_keys"}));
        write(csv_line({from, to, std::to_string(r.digest.entries), r.digest.head, std::to_string(r.imports),
                        std::to_string(r.idempotency_keys)}));
        return;
    }
    write(word(o.lang, ledger::msg("copied {entries} entries from {from} to {to}, verified; digest of both: {digest}")
                           .with("entries", std::to_string(r.digest.entries))
                           .with("from", from)
                           .with("to", to)
                           .with("digest", std::to_string(r.digest.entries) + ":" + r.digest.head)) +
          "\n");
}

void print_digest(const RenderOptions& o, const ledger::Digest& d) {
    if (o.json()) {
        write(dump_json(digest_json(d)));
        return;
    }
    if (o.csv()) {
        write(csv_line({"entries", "head"}));
        write(csv_line({std::to_string(d.entries), d.head}));
        return;
    }
    write(std::to_string(d.entries) + ":" + d.head + "\n");
}

}  // namespace fundflow
