// The accountant's and auditor's lists (ledger/lists.hpp): every figure is a SQL sum over the entries
// within the read cut (Store::sums), weighted as the rules weigh each effect kind (rules.hpp), so the
// lists agree with the form, the balances and check.
#include "ledger/lists.hpp"

#include <charconv>
#include <map>
#include <string_view>
#include <vector>

#include "guarded.hpp"
#include "ledger/ledger.hpp"
#include "rules.hpp"
#include "store.hpp"

namespace ledger {
namespace {

using detail::times;
using detail::weights_of;

std::optional<std::int64_t> parse_fen(std::string_view text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end || text.empty()) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

// The amendments known at known_at: terms_in_force() then applies those effective by the date. (An
// amendment recorded later was not in the books then, whatever date it takes effect.)
std::vector<Amendment> detail::known_amendments(const Store& store, std::vector<Amendment> amendments,
                                        const std::optional<Instant>& known_at) {
    if (!known_at) {
        return amendments;
    }
    const std::string cut = to_string(*known_at);
    std::erase_if(amendments, [&](const Amendment& a) {
        if (!a.entry) {
            return false;
        }
        const auto e = store.entry(static_cast<std::int64_t>(*a.entry));
        return !e || e->recorded_at > cut;
    });
    return amendments;
}


ProjectList Ledger::project_list(const ReadCut& cut) const {
    return detail::read_guarded(*store_, [&] {
        ProjectList list;
        list.as_of = cut.as_of;
        list.known_at = cut.known_at;
        std::map<std::string, ProjectListRow> rows;
        // Only what was registered by as_of, as known at known_at (a later registration is not listed).
        const auto registered = store_->registered(cut.as_of, cut.known_at);
        for (const auto& row : store_->projects()) {
            if (!registered.contains({row.id, 0})) {
                continue;
            }
            ProjectListRow r;
            // Name, unit and function code in force at the as-of date (项目变更).
            r.project = terms_in_force(
                row.project, detail::known_amendments(*store_, store_->amendments(row.id, std::nullopt), cut.known_at),
                cut.as_of);
            if (const auto span = store_->money_date_span(row.id, cut.as_of, cut.known_at)) {
                r.first_year = year_of(span->first);
                r.last_year = year_of(span->second);
            }
            rows.emplace(row.project.code, std::move(r));
        }
        for (const auto& sum : store_->sums(std::nullopt, std::nullopt, cut.as_of, cut.known_at, false)) {
            const auto it = rows.find(sum.project);
            if (it == rows.end()) {
                continue;
            }
            ProjectListRow& r = it->second;
            const detail::Weights w = weights_of(sum.kind);
            switch (sum.kind) {
                case EntryKind::appropriation:
                case EntryKind::adjustment:
                    r.budget += sum.amount;
                    break;
                case EntryKind::arrival:
                    r.arrived += sum.amount;
                    break;
                case EntryKind::recovery:
                    r.recovered += sum.amount;
                    break;
                default:
                    // Over the project's life a refund of an earlier year's payment lowers what was
                    // executed, as one of the same year does (the form shows it as 年初余额调整).
                    r.executed += times(sum.amount, w.paid);
                    r.retention_outstanding += times(sum.amount, w.outstanding);
                    break;
            }
        }
        list.rows.reserve(rows.size());
        for (auto& [code, r] : rows) {
            list.rows.push_back(std::move(r));
        }
        return list;
    });
}

ContractList Ledger::contract_list(const std::optional<std::string>& project, const ReadCut& cut) const {
    return detail::read_guarded(*store_, [&] {
        std::vector<detail::ProjectRow> projects;
        if (project) {
            const auto row = store_->find_project(*project);
            if (!row) {
                throw Error(ErrorCode::not_found, msg("no project {project}; see 'fundflow project list'")
                                                      .with("project", *project));
            }
            projects.push_back(*row);
        } else {
            projects = store_->projects();
        }
        ContractList list;
        list.as_of = cut.as_of;
        list.known_at = cut.known_at;
        const auto registered = store_->registered(cut.as_of, cut.known_at);
        for (const auto& p : projects) {
            std::map<std::string, ContractListRow> rows;
            for (const auto& c : store_->contracts(p.id)) {
                if (!registered.contains({p.id, c.id})) {
                    continue;  // registered after as_of, or recorded after known_at
                }
                ContractListRow r;
                r.project = p.project.code;
                // Supplier, amount, rate and SME flag in force at the as-of date (合同变更).
                r.terms = terms_in_force(
                    c.contract, detail::known_amendments(*store_, store_->amendments(p.id, c.id), cut.known_at), cut.as_of);
                rows.emplace(c.contract.code, std::move(r));
            }
            for (const auto& sum : store_->sums(p.id, std::nullopt, cut.as_of, cut.known_at, true)) {
                const auto it = sum.contract ? rows.find(*sum.contract) : rows.end();
                if (it == rows.end()) {
                    continue;
                }
                ContractListRow& r = it->second;
                switch (sum.kind) {
                    case EntryKind::payment:
                    case EntryKind::refund:
                    case EntryKind::prior_refund:
                        // payments − refunds of any year (a refund of a release too: it comes back from
                        // the supplier all the same)
                        r.paid += times(sum.amount, weights_of(sum.kind).paid);
                        break;
                    case EntryKind::retention:
                        r.retained += sum.amount;
                        break;
                    case EntryKind::release:
                        r.released += sum.amount;
                        break;
                    case EntryKind::forfeit:
                        r.forfeited += sum.amount;
                        break;
                    default:
                        break;
                }
            }
            for (auto& [code, r] : rows) {
                list.rows.push_back(std::move(r));
            }
        }
        return list;
    });
}

std::optional<CloseFigures> close_figures(const Entry& entry) {
    if (entry.kind != EntryKind::close) {
        return std::nullopt;
    }
    std::map<std::string, std::int64_t, std::less<>> fields;
    std::string_view rest = entry.memo;
    while (!rest.empty()) {
        const auto end = rest.find(';');
        const std::string_view pair = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos) {
            return std::nullopt;
        }
        const auto value = parse_fen(pair.substr(eq + 1));
        if (!value) {
            return std::nullopt;
        }
        fields.emplace(std::string(pair.substr(0, eq)), *value);
    }
    const auto get = [&](std::string_view key) -> std::optional<Money> {
        const auto it = fields.find(key);
        return it == fields.end() ? std::nullopt : std::optional(Money::from_fen(it->second));
    };
    CloseFigures f;
    f.year = year_of(entry.effective_on);
    const auto carried_in = get("carried_in_fen");
    const auto arrived = get("arrived_fen");
    const auto executed = get("executed_fen");
    const auto recovered = get("recovered_fen");
    const auto carried_out = get("carried_to_next_year_fen");
    const auto retention = get("retention_outstanding_fen");
    if (!carried_in || !arrived || !executed || !recovered || !carried_out || !retention) {
        return std::nullopt;
    }
    f.carried_in = *carried_in;
    f.arrived = *arrived;
    f.executed = *executed;
    f.recovered = *recovered;
    f.carried_out = *carried_out;
    f.retention_outstanding = *retention;
    f.prior_refunds = get("prior_refunds_fen");
    return f;
}

std::optional<Message> close_memo_message(const Entry& entry) {
    const auto f = close_figures(entry);
    if (!f) {
        return std::nullopt;
    }
    Message m = f->prior_refunds
                    ? msg("Year {year} closed (10k yuan): carried in {carried_in}, earlier years' payments returned "
                          "{prior_refunds}, arrived {arrived}, executed {executed}, recovered {recovered}, carried to "
                          "next year {carried_out}, of which deposits outstanding {retention}")
                    : msg("Year {year} closed (10k yuan): carried in {carried_in}, arrived {arrived}, executed "
                          "{executed}, recovered {recovered}, carried to next year {carried_out}, of which deposits "
                          "outstanding {retention}");
    m.with("year", std::to_string(f->year))
        .with("carried_in", format_wan(f->carried_in))
        .with("arrived", format_wan(f->arrived))
        .with("executed", format_wan(f->executed))
        .with("recovered", format_wan(f->recovered))
        .with("carried_out", format_wan(f->carried_out))
        .with("retention", format_wan(f->retention_outstanding));
    if (f->prior_refunds) {
        m.with("prior_refunds", format_wan(*f->prior_refunds));
    }
    return m;
}

}  // namespace ledger
