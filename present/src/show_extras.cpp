// The rows `show` adds to an entry (render.hpp: entry_extras), shared by the CLI and the service.
#include <string>
#include <vector>

#include "ledger/money.hpp"
#include "present/render.hpp"
#include "present/render_accounts.hpp"

namespace fundflow {

// The rows `show` adds to an entry: what corrected it or what it corrects, an amendment's terms, the
// amendments of a registration.
std::vector<ExtraField> entry_extras(const RenderOptions& o, const ledger::Ledger& l, const ledger::Entry& e,
                                      ledger::Date as_of) {
    const bool zh = o.lang == Lang::zh;
    const auto label = [zh](const char* chinese, const char* english) { return std::string(zh ? chinese : english); };
    const auto id_text = [](ledger::EntryId id) { return "#" + std::to_string(static_cast<std::int64_t>(id)); };
    std::vector<ExtraField> extra;
    if (e.corrects) {
        extra.push_back({"corrects_entry", label("更正", "corrects"), id_text(*e.corrects)});
    }
    if (const auto by = l.corrected_by(e.id)) {
        extra.push_back({"corrected_by", label("被更正", "corrected by"), id_text(*by)});
    }
    if (e.kind == ledger::EntryKind::amendment) {
        if (const auto a = l.amendment(e.id)) {
            const auto add = [&](const char* key, const char* chinese, const char* english,
                                 const std::optional<std::string>& value) {
                if (value) {
                    extra.push_back({std::string("amendment_") + key, label(chinese, english), *value});
                }
            };
            add("name", "新项目名称", "new project name", a->name);
            add("unit_name", "新预算单位", "new budget unit", a->unit_name);
            add("func_code", "新功能分类", "new function code", a->func_code);
            add("supplier", "新供应商", "new supplier", a->supplier);
            add("amount", "新合同金额", "new contract amount",
                a->amount ? std::optional(ledger::format_yuan(*a->amount)) : std::nullopt);
            add("retention_rate", "新质保金比例(%)", "new retention rate (%)",
                a->retention_rate_bp ? std::optional(ledger::format_hundredths(*a->retention_rate_bp)) : std::nullopt);
            add("warranty_months", "新质保期(月)", "new warranty months",
                a->warranty_months ? std::optional(std::to_string(*a->warranty_months)) : std::nullopt);
        }
    }
    if (e.kind == ledger::EntryKind::unit) {
        if (const auto u = l.unit_registered_by(e.id)) {
            extra.push_back({"unit_code", label("单位编码", "unit code"), u->code});
            extra.push_back({"unit_name", label("单位名称", "unit name"), u->name});
            extra.push_back({"unit_parent", label("上级单位", "parent unit"), u->parent});
        }
    }
    if (e.kind == ledger::EntryKind::account) {
        if (const auto a = l.account_event(e.id)) {
            for (auto& field : account_extras(o, *a)) {
                extra.push_back(std::move(field));
            }
        }
    }
    if (e.kind == ledger::EntryKind::project || (e.kind == ledger::EntryKind::contract && e.contract)) {
        std::string ids;
        for (const auto& a : l.amendments(e.project, e.kind == ledger::EntryKind::contract ? e.contract : std::nullopt)) {
            if (a.effective_on <= as_of && a.entry) {
                ids += (ids.empty() ? "" : ", ") + id_text(*a.entry);
            }
        }
        if (!ids.empty()) {
            extra.push_back({"amended_by", label("变更", "amended by"), ids});
        }
    }
    return extra;
}

}  // namespace fundflow
