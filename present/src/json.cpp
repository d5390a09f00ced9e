#include "present/json.hpp"

namespace fundflow {
namespace {

using Json = nlohmann::ordered_json;

Json id_json(ledger::EntryId id) { return static_cast<std::int64_t>(id); }

Json optional_json(const std::optional<std::string>& value) { return value ? Json(*value) : Json(nullptr); }

template <typename Integer>
Json optional_integer_json(const std::optional<Integer>& value) {
    return value ? Json(*value) : Json(nullptr);
}

Json optional_date_json(const std::optional<ledger::Date>& date) {
    return date ? Json(ledger::to_string(*date)) : Json(nullptr);
}

void cut_json(Json& j, ledger::Date as_of, const std::optional<ledger::Instant>& known_at) {
    j["as_of"] = ledger::to_string(as_of);
    if (known_at) {
        j["known_at"] = ledger::to_string(*known_at);
    }
}

Json figures_json(const ledger::ExecutionFigures& f) {
    Json j = Json::object();
    j["initial_budget_fen"] = f.initial_budget.fen();
    j["full_year_budget_fen"] = f.full_year_budget.fen();
    j["arrived_fen"] = f.arrived.fen();
    j["executed_fen"] = f.executed.fen();
    j["balance_fen"] = f.balance().fen();
    j["arrival_rate"] = hundredths_json(f.arrival_rate().percent_hundredths());
    j["execution_rate"] = hundredths_json(f.execution_rate().percent_hundredths());
    return j;
}

// nlohmann-json writes compact JSON without blanks ({"a":1,"b":2}); fundflow's documents have always had a
// blank after each comma and colon (cli.md), which scripts comparing text rely on. So the containers are laid
// out here and every scalar is written by nlohmann.
void dump_into(std::string& out, const Json& j) {
    const auto scalar = [&out](const Json& value) {
        out += value.dump(-1, ' ', false, Json::error_handler_t::replace);
    };
    if (j.is_object()) {
        out += '{';
        for (auto it = j.begin(); it != j.end(); ++it) {
            if (it != j.begin()) {
                out += ", ";
            }
            scalar(Json(it.key()));
            out += ": ";
            dump_into(out, it.value());
        }
        out += '}';
    } else if (j.is_array()) {
        out += '[';
        for (auto it = j.begin(); it != j.end(); ++it) {
            if (it != j.begin()) {
                out += ", ";
            }
            dump_into(out, *it);
        }
        out += ']';
    } else {
        scalar(j);
    }
}

}  // namespace

std::string dump_json(const Json& document) {
    std::string out;
    dump_into(out, document);
    out += '\n';
    return out;
}

Json hundredths_json(std::optional<std::int64_t> hundredths) {
    if (!hundredths) {
        return nullptr;
    }
    return static_cast<double>(*hundredths) / 100.0;
}

Json entry_json(const ledger::Entry& e) {
    Json j = Json::object();
    j["id"] = id_json(e.id);
    j["kind"] = std::string(ledger::to_string(e.kind));
    j["effect_kind"] = std::string(ledger::to_string(e.effect_kind));
    j["project"] = e.project.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(e.project);  // null: an account entry
    j["level"] = e.level ? Json(std::string(ledger::to_string(*e.level))) : Json(nullptr);
    j["amount_fen"] = e.amount.fen();
    j["date"] = ledger::to_string(e.effective_on);
    j["recorded_at"] = e.recorded_at;
    j["user"] = e.user;
    j["os_user"] = e.os_user;
    j["contract"] = optional_json(e.contract);
    j["ref"] = optional_json(e.ref);
    j["memo"] = e.memo;
    j["reverses"] = e.reverses ? id_json(*e.reverses) : Json(nullptr);
    if (e.refunds) {  // only on a refund that names what it returns
        j["refunds"] = id_json(*e.refunds);
    }
    if (e.corrects) {  // only on replacements, so that other entries keep their shape
        j["corrects"] = id_json(*e.corrects);
    }
    j["accepted"] = optional_date_json(e.accepted_on);
    j["due"] = optional_date_json(e.due_on);
    j["warranty_months"] = optional_integer_json(e.warranty_months);
    j["prev_hash"] = e.prev_hash;
    j["hash"] = e.hash;
    return j;
}

Json message_json(const std::string& text) {
    Json j = Json::object();
    j["message"] = text;
    return j;
}

Json message_json(const ledger::Message& message, Lang lang) { return message_json(word(lang, message)); }

Json posted_json(const ledger::PostResult& r) {
    Json j = Json::object();
    j["entry"] = entry_json(r.entry);
    j["created"] = r.created;
    return j;
}

Json correction_json(const ledger::CorrectionResult& r) {
    Json j = Json::object();
    j["reversal"] = entry_json(r.reversal);
    j["entry"] = entry_json(r.replacement);
    j["created"] = true;
    return j;
}

Json execution_json(const ledger::ExecutionReport& r) {
    Json j = Json::object();
    j["project"] = r.project;
    j["year"] = r.year;
    j["as_of"] = ledger::to_string(r.as_of);
    if (r.known_at) {
        j["known_at"] = ledger::to_string(*r.known_at);
    }
    Json columns = Json::object();
    columns["total"] = figures_json(r.total);
    columns["fiscal_subtotal"] = figures_json(r.fiscal_subtotal);
    for (ledger::Level l : ledger::kLevels) {
        columns[std::string(ledger::to_string(l))] = figures_json(r.level(l));
    }
    j["columns"] = std::move(columns);
    j["retention_outstanding_fen"] = r.retention_outstanding.fen();
    j["unit_name"] = r.unit_name;
    j["func_code"] = r.func_code;
    j["recovered_fen"] = r.total.recovered.fen();
    return j;
}

Json balance_json(const ledger::BalanceReport& r, ledger::BalanceBy by) {
    Json j = Json::object();
    cut_json(j, r.as_of, r.known_at);
    Json rows = Json::array();
    for (const auto& row : r.rows) {
        Json o = Json::object();
        o["project"] = row.project;
        if (by == ledger::BalanceBy::level) {
            o["level"] = std::string(ledger::to_string(*row.level));
        }
        if (by == ledger::BalanceBy::contract) {
            const ledger::Contract* terms = nullptr;
            if (const auto it = r.contract_terms.find({row.project, row.contract.value_or("")});
                it != r.contract_terms.end()) {
                terms = &it->second;
            }
            o["contract"] = optional_json(row.contract);
            o["supplier"] = terms ? Json(terms->supplier) : Json(nullptr);
            o["contract_amount_fen"] = terms ? Json(terms->amount.fen()) : Json(nullptr);
            // Money moves on a contract only as payments, refunds and retentions: it has no arrivals, so
            // only what was executed and what is still held are meaningful.
            o["executed_fen"] = row.executed.fen();
            o["retention_outstanding_fen"] = row.retention_outstanding.fen();
        } else {
            o["arrived_fen"] = row.arrived.fen();
            o["executed_fen"] = row.executed.fen();
            o["balance_fen"] = row.balance().fen();
            o["retention_outstanding_fen"] = row.retention_outstanding.fen();
            o["recovered_fen"] = row.recovered.fen();
            o["free_balance_fen"] = row.free_balance().fen();
        }
        rows.push_back(std::move(o));
    }
    j["rows"] = std::move(rows);
    return j;
}

Json log_json(const std::vector<ledger::Entry>& entries) {
    Json list = Json::array();
    for (const auto& e : entries) {
        list.push_back(entry_json(e));
    }
    Json j = Json::object();
    j["entries"] = std::move(list);
    return j;
}

Json entry_detail_json(const ledger::Entry& e, std::optional<ledger::EntryId> reversed_by,
                       const std::optional<ledger::Project>& project, const std::optional<ledger::Contract>& contract,
                       const std::vector<ExtraField>& extra) {
    Json j = Json::object();
    j["entry"] = entry_json(e);
    for (const auto& field : extra) {
        j[field.key] = field.value;
    }
    j["reversed_by"] = reversed_by ? id_json(*reversed_by) : Json(nullptr);
    if (project) {
        Json p = Json::object();
        p["code"] = project->code;
        p["name"] = project->name;
        p["unit_name"] = project->unit_name;
        p["func_code"] = project->func_code;
        j["project_record"] = std::move(p);
    }
    if (contract) {
        Json c = Json::object();
        c["code"] = contract->code;
        c["supplier"] = contract->supplier;
        c["amount_fen"] = contract->amount.fen();
        c["retention_rate_bp"] = contract->retention_rate_bp;
        c["warranty_months"] = contract->warranty_months;
        c["sme"] = contract->sme;
        j["contract_record"] = std::move(c);
    }
    return j;
}

Json verify_json(const ledger::VerifyResult& r, Lang lang) {
    Json j = Json::object();
    j["ok"] = r.ok;
    j["entries"] = r.digest.entries;
    j["head"] = r.digest.head;
    if (!r.ok) {
        j["first_bad"] = r.first_bad ? id_json(*r.first_bad) : Json(nullptr);
        j["problem"] = word(lang, r.problem);
    }
    return j;
}

Json digest_json(const ledger::Digest& d) {
    Json j = Json::object();
    j["entries"] = d.entries;
    j["head"] = d.head;
    return j;
}

Json warranty_json(const ledger::WarrantyReport& r) {
    Json j = Json::object();
    cut_json(j, r.as_of, r.known_at);
    j["grace_days"] = r.grace_days;
    Json rows = Json::array();
    for (const auto& row : r.rows) {
        Json o = Json::object();
        o["project"] = row.project;
        o["contract"] = row.contract;
        o["supplier"] = row.supplier;
        o["sme"] = row.sme;
        o["entry"] = id_json(row.entry);
        o["level"] = std::string(ledger::to_string(row.level));
        o["retained_fen"] = row.retained.fen();
        o["released_fen"] = row.released.fen();
        o["forfeited_fen"] = row.forfeited.fen();
        o["outstanding_fen"] = row.outstanding().fen();
        o["accepted"] = ledger::to_string(row.accepted);
        o["due"] = ledger::to_string(row.due);
        o["status"] = std::string(ledger::to_string(row.status));
        o["days_to_due"] = row.days_to_due;
        // Added by issue 12: where the deposit was withheld, when it was settled, how late it is.
        o["original_level"] = std::string(ledger::to_string(row.original_level));
        o["released_on"] = optional_date_json(row.released_on);
        o["forfeited_on"] = optional_date_json(row.forfeited_on);
        o["days_late"] = optional_integer_json(row.days_late);
        rows.push_back(std::move(o));
    }
    j["rows"] = std::move(rows);
    return j;
}

Json check_json(const ledger::CheckReport& r, Lang lang) {
    Json j = Json::object();
    j["as_of"] = ledger::to_string(r.as_of);
    j["ok"] = !r.integrity_failed && !r.overdue;
    Json checks = Json::array();
    for (const auto& c : r.checks) {
        Json o = Json::object();
        o["name"] = c.name;
        o["verdict"] = std::string(ledger::to_string(c.verdict));
        Json details = Json::array();
        for (const auto& d : c.details) {
            details.push_back(word(lang, d));
        }
        o["details"] = std::move(details);
        checks.push_back(std::move(o));
    }
    j["checks"] = std::move(checks);
    return j;
}

Json evaluation_json(const ledger::Evaluation& e) {
    Json j = Json::object();
    j["project"] = e.project;
    j["year"] = e.year;
    Json rows = Json::array();
    for (const auto& l : e.lines) {
        Json o = Json::object();
        o["level1"] = l.indicator.level1;
        o["level2"] = l.indicator.level2;
        o["name"] = l.indicator.name;
        // Weights carry at most 2 decimals (the sheet is refused otherwise).
        const auto& w = l.indicator.weight;
        o["weight"] = hundredths_json(w.units * (w.scale == 0 ? 100 : w.scale == 1 ? 10 : 1));
        o["target"] = l.indicator.target;
        o["actual"] = l.actual;
        o["completion_rate"] = hundredths_json(l.completion);
        o["score"] = hundredths_json(l.score);
        o["note"] = l.indicator.note;
        rows.push_back(std::move(o));
    }
    j["rows"] = std::move(rows);
    j["total"] = hundredths_json(e.total);
    j["grade"] = e.grade;
    j["execution_rate"] = hundredths_json(e.execution.total.execution_rate().percent_hundredths());
    return j;
}

Json import_json(const ledger::ImportResult& r, bool dry_run) {
    Json j = Json::object();
    j["rows"] = r.rows;
    j["added"] = r.added;
    j["present"] = r.present;
    j["dry_run"] = dry_run;
    return j;
}

Json project_list_json(const ledger::ProjectList& list) {
    Json j = Json::object();
    cut_json(j, list.as_of, list.known_at);
    Json rows = Json::array();
    for (const auto& r : list.rows) {
        Json o = Json::object();
        o["project"] = r.project.code;
        o["name"] = r.project.name;
        o["unit_name"] = r.project.unit_name;
        o["func_code"] = r.project.func_code;
        o["first_year"] = optional_integer_json(r.first_year);
        o["last_year"] = optional_integer_json(r.last_year);
        o["budget_fen"] = r.budget.fen();
        o["arrived_fen"] = r.arrived.fen();
        o["executed_fen"] = r.executed.fen();
        o["recovered_fen"] = r.recovered.fen();
        o["balance_fen"] = r.balance().fen();
        o["retention_outstanding_fen"] = r.retention_outstanding.fen();
        rows.push_back(std::move(o));
    }
    j["rows"] = std::move(rows);
    return j;
}

Json contract_list_json(const ledger::ContractList& list) {
    Json j = Json::object();
    cut_json(j, list.as_of, list.known_at);
    Json rows = Json::array();
    for (const auto& r : list.rows) {
        Json o = Json::object();
        o["project"] = r.project;
        o["contract"] = r.terms.code;
        o["supplier"] = r.terms.supplier;
        o["sme"] = r.terms.sme;
        o["amount_fen"] = r.terms.amount.fen();
        o["retention_rate"] = hundredths_json(r.terms.retention_rate_bp);
        o["warranty_months"] = r.terms.warranty_months;
        o["paid_fen"] = r.paid.fen();
        o["retained_fen"] = r.retained.fen();
        o["released_fen"] = r.released.fen();
        o["forfeited_fen"] = r.forfeited.fen();
        o["outstanding_fen"] = r.outstanding().fen();
        o["progress"] = hundredths_json(r.progress().percent_hundredths());
        rows.push_back(std::move(o));
    }
    j["rows"] = std::move(rows);
    return j;
}

}  // namespace fundflow
