#include "present/export.hpp"

#include <map>
#include <set>

#include "ledger/journal.hpp"

#include "present/json.hpp"
#include "present/output.hpp"

namespace fundflow {
namespace {

void put(std::FILE* out, const std::string& text) { std::fwrite(text.data(), 1, text.size(), out); }

std::string plain_amount(ledger::Money m) {
    std::string text = ledger::format_yuan(m);
    std::erase(text, ',');
    return text;
}

ledger::LogFilter everything(const std::optional<std::string>& project, const ledger::ReadCut& cut) {
    ledger::LogFilter f;
    f.project = project;
    f.cut = cut;
    return f;
}

}  // namespace

void export_csv(const ledger::Ledger& ledger, const std::optional<std::string>& project, const ledger::ReadCut& cut,
                std::FILE* out) {
    // The import format of cli.md, in entry order, so that importing it into a new ledger rebuilds the
    // same entries (ids included). An entry that is reversed but has no voucher ref gets "#<id>", the
    // name the reversal row needs to point at it.
    // The same for a payment a refund names (its `refunds` cell).
    //
    // A correction (a reversal followed by its replacement, which names the original in `corrects`) is one
    // `correction` row naming the corrected entry's ref, with the reversal's memo as its reason; the
    // replacement inherits that ref, so a later row naming it finds the live (newest) entry.
    std::set<std::int64_t> reversed;
    std::map<std::int64_t, std::int64_t> corrected_by;  // original id → replacement id
    ledger.each_entry(everything(project, cut), [&](const ledger::Entry& e) {
        if (e.reverses) {
            reversed.insert(static_cast<std::int64_t>(*e.reverses));
        }
        if (e.refunds) {
            reversed.insert(static_cast<std::int64_t>(*e.refunds));
        }
        if (e.corrects) {
            corrected_by[static_cast<std::int64_t>(*e.corrects)] = static_cast<std::int64_t>(e.id);
        }
    });
    std::map<std::int64_t, std::string> refs;  // of reversed or refunded entries and corrections' replacements
    std::string correction_reason;             // the memo of the reversal just skipped
    put(out, csv_line({"kind", "date", "project", "level", "amount", "contract", "ref", "memo", "name", "supplier",
                       "retention_rate", "warranty_months", "accepted", "reverses", "sme", "unit_name", "func_code",
                       "refunds", "reason"}));
    ledger.each_entry(everything(project, cut), [&](const ledger::Entry& e) {
        const auto id = static_cast<std::int64_t>(e.id);
        if (e.reverses) {
            const auto by = corrected_by.find(static_cast<std::int64_t>(*e.reverses));
            if (by != corrected_by.end() && by->second == id + 1) {
                correction_reason = e.memo;  // the correction row that follows stands for both entries
                return;
            }
        }
        std::string ref = e.ref.value_or("");
        if (e.corrects && refs.count(static_cast<std::int64_t>(*e.corrects)) != 0) {
            ref = refs.at(static_cast<std::int64_t>(*e.corrects));
        }
        if (ref.empty() && reversed.count(id) != 0) {
            ref = "#" + std::to_string(id);
        }
        if (reversed.count(id) != 0 || e.corrects) {
            refs[id] = ref;
        }
        std::vector<std::string> row(19);
        row[0] = std::string(ledger::to_string(e.kind));
        row[1] = ledger::to_string(e.effective_on);
        row[2] = e.project;
        switch (e.kind) {
            case ledger::EntryKind::project: {
                const auto p = ledger.project(e.project);
                row[8] = p.name;
                row[15] = p.unit_name;
                row[16] = p.func_code;
                break;
            }
            case ledger::EntryKind::contract: {
                const auto c = ledger.contract(e.project, *e.contract);
                row[4] = plain_amount(c.amount);
                row[5] = c.code;
                row[9] = c.supplier;
                row[10] = ledger::format_hundredths(c.retention_rate_bp) + "%";
                row[11] = std::to_string(c.warranty_months);
                row[14] = c.sme ? "1" : "0";
                break;
            }
            case ledger::EntryKind::close:
                break;
            case ledger::EntryKind::reopen:
                row[7] = e.memo;
                break;
            case ledger::EntryKind::amendment: {
                row[5] = e.contract.value_or("");
                row[7] = e.memo;
                if (const auto a = ledger.amendment(e.id)) {
                    row[8] = a->name.value_or("");
                    row[15] = a->unit_name.value_or("");
                    row[16] = a->func_code.value_or("");
                    row[9] = a->supplier.value_or("");
                    row[4] = a->amount ? plain_amount(*a->amount) : "";
                    row[10] = a->retention_rate_bp ? ledger::format_hundredths(*a->retention_rate_bp) + "%" : "";
                    row[11] = a->warranty_months ? std::to_string(*a->warranty_months) : "";
                    row[14] = a->sme ? (*a->sme ? "1" : "0") : "";
                }
                break;
            }
            case ledger::EntryKind::reversal:
                row[7] = e.memo;
                row[13] = refs.at(static_cast<std::int64_t>(*e.reverses));
                break;
            default:
                row[3] = std::string(ledger::to_string(*e.level));
                row[4] = plain_amount(e.amount);
                row[5] = e.contract.value_or("");
                row[6] = ref;
                row[7] = e.memo;
                if (e.accepted_on) {
                    row[12] = ledger::to_string(*e.accepted_on);
                }
                if (e.warranty_months) {
                    row[11] = std::to_string(*e.warranty_months);
                }
                if (e.refunds) {
                    row[17] = refs.at(static_cast<std::int64_t>(*e.refunds));
                }
                if (e.corrects) {
                    // Every field of the replacement: the import changes those that differ.
                    row[0] = "correction";
                    row[17].clear();  // a corrected refund keeps returning what it returned
                    row[18] = correction_reason;
                    row[12].clear();
                    row[11].clear();
                }
                break;
        }
        put(out, csv_line(row));
    });
}

void export_json(const ledger::Ledger& ledger, const std::optional<std::string>& project, const ledger::ReadCut& cut,
                 std::FILE* out) {
    // The document of `log --format json`, but one entry per line and written as it is read: a whole ledger
    // is never held in memory. Each entry is entry_json's, in dump_json's layout.
    put(out, "{\"entries\": [");
    bool first = true;
    ledger.each_entry(everything(project, cut), [&](const ledger::Entry& e) {
        std::string text = dump_json(entry_json(e));
        text.pop_back();  // the document's newline
        put(out, (first ? "\n" : ",\n") + text);
        first = false;
    });
    put(out, "\n]}\n");
}

void export_journal(const ledger::Ledger& ledger, const std::optional<std::string>& project, const ledger::ReadCut& cut,
                    JournalSyntax syntax, std::FILE* out) {
    const bool bean = syntax == JournalSyntax::beancount;
    const auto quoted = [](const std::string& s) {
        std::string q = "\"";
        for (char c : s) {
            if (c == '"' || c == '\\') {
                q += '\\';
            }
            q += c;
        }
        return q + "\"";
    };
    const std::string comment = bean ? ";" : ";";
    put(out, comment + " fundflow export" + (project ? " of project " + *project : std::string()) +
                 ": accounts and year-end closing as in docs/export.md. Amounts in CNY.\n");
    if (bean) {
        // Beancount wants every account opened before its first use.
        std::map<std::string, ledger::Date> opened;
        ledger::each_journal_transaction(ledger, project, cut, [&](const ledger::JournalTransaction& t) {
            for (const auto& p : t.postings) {
                auto [it, fresh] = opened.try_emplace(p.account, t.date);
                if (!fresh && t.date < it->second) {
                    it->second = t.date;
                }
            }
        });
        put(out, "option \"title\" \"fundflow\"\noption \"operating_currency\" \"CNY\"\n\n");
        for (const auto& [account, day] : opened) {
            put(out, ledger::to_string(day) + " open " + account + " CNY\n");
        }
        put(out, "\n");
    }
    ledger::each_journal_transaction(ledger, project, cut, [&](const ledger::JournalTransaction& t) {
        std::string text = ledger::to_string(t.date) + " * ";
        if (bean) {
            text += quoted(t.payee) + " " + quoted(t.narration) + "\n";
            if (t.entry) {
                text += "  entry: " + std::to_string(static_cast<std::int64_t>(*t.entry)) + "\n";
            }
        } else {
            text += t.payee + " " + t.narration + "\n";
            if (t.entry) {
                text += "    ; entry: " + std::to_string(static_cast<std::int64_t>(*t.entry)) + "\n";
            }
        }
        for (const auto& p : t.postings) {
            text += (bean ? "  " : "    ") + p.account + "  " + plain_amount(p.amount) + " CNY\n";
        }
        put(out, text + "\n");
    });
}

}  // namespace fundflow
