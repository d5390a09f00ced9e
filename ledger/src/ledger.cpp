#include "ledger/ledger.hpp"

#include <algorithm>
#include <charconv>

#include "append.hpp"
#include "chain.hpp"
#include "guarded.hpp"
#include "ledger/kinds.hpp"
#include "rules.hpp"
#include "store.hpp"
#include "text.hpp"

namespace ledger {

namespace detail {

Entry append_entry(Store& store, Entry entry, std::optional<std::int64_t> project_id,
                   std::optional<std::int64_t> contract_id, const EntryRecords& records) {
    const Head head = store.head();
    entry.id = EntryId{head.entries + 1};
    // Recorded time never runs backwards along the chain, even if the clock does.
    entry.recorded_at = std::max(to_string(now_utc()), head.recorded_at);
    entry.prev_hash = head.hash;
    entry.hash = chain_hash(entry.prev_hash, canonical_encoding(entry, records.project, records.contract,
                                                                records.amendment, records.account, records.unit));
    store.insert_entry(entry, project_id, contract_id);
    return entry;
}

}  // namespace detail

namespace {

using detail::Candidate;
using detail::guarded;
using detail::Store;
using detail::Weights;
using detail::yuan;

using detail::describe;
using detail::refuse;

bool is_money_kind(EntryKind kind) {
    switch (kind) {
        case EntryKind::appropriation:
        case EntryKind::adjustment:
        case EntryKind::arrival:
        case EntryKind::payment:
        case EntryKind::refund:
        case EntryKind::retention:
        case EntryKind::release:
        case EntryKind::forfeit:
        case EntryKind::recovery:
            return true;
        default:
            return false;
    }
}

// Text is stored without leading or trailing blanks (ASCII or the full-width U+3000), however it was
// typed: so "R1 " and "R1" are one voucher, and a CSV cell and a command-line argument agree.
std::string tidy(std::string_view text) {
    const auto blank_at_start = [&] {
        return !text.empty() && (text.front() == ' ' || text.front() == '\t' || text.substr(0, 3) == "\xE3\x80\x80");
    };
    const auto blank_at_end = [&] {
        return !text.empty() && (text.back() == ' ' || text.back() == '\t' ||
                                 (text.size() >= 3 && text.substr(text.size() - 3) == "\xE3\x80\x80"));
    };
    while (blank_at_start()) {
        text.remove_prefix(text.front() == ' ' || text.front() == '\t' ? 1 : 3);
    }
    while (blank_at_end()) {
        text.remove_suffix(text.back() == ' ' || text.back() == '\t' ? 1 : 3);
    }
    return std::string(text);
}

// `what` names the text: msg("the memo"), msg("the voucher reference"), ...
void check_text(const Message& what, const std::string& value, std::size_t max_chars, bool required) {
    if (required && value.empty()) {
        throw Error(ErrorCode::invalid_input, msg("{what} must not be empty").with("what", what));
    }
    // Characters, not bytes (as SQLite's length() counts): 50 汉字 weigh as much as 50 letters.
    if (detail::char_count(value) > max_chars) {
        throw Error(ErrorCode::invalid_input, msg("{what} is too long: at most {max} characters")
                                                  .with("what", what)
                                                  .with("max", std::to_string(max_chars)));
    }
    if (auto why = detail::text_problem(value)) {
        throw Error(ErrorCode::invalid_input, msg("{what} contains {problem}").with("what", what).with("problem", *why));
    }
}

void check_code(const Message& what, const std::string& code) {
    check_text(what, code, 64, true);
    if (code.find_first_of(" \t") != std::string::npos) {
        throw Error(ErrorCode::invalid_input,
                    msg("{what} '{code}' must not contain spaces").with("what", what).with("code", code));
    }
}

Error no_project_add(std::string_view code) {
    return Error(ErrorCode::not_found,
                 msg("no project {project}; add it with 'fundflow project add'").with("project", std::string(code)));
}

Error no_unit(std::string_view code) {
    return Error(ErrorCode::not_found, msg("there is no budget unit {unit}; see 'fundflow unit list', add it with "
                                           "'fundflow unit add'")
                                           .with("unit", std::string(code)));
}

Error no_project_see(std::string_view code) {
    return Error(ErrorCode::not_found,
                 msg("no project {project}; see 'fundflow balance --by project'").with("project", std::string(code)));
}

Error no_contract(std::string_view code, std::string_view project) {
    return Error(ErrorCode::not_found, msg("no contract {contract} on project {project}")
                                           .with("contract", std::string(code))
                                           .with("project", std::string(project)));
}

Error no_contract_add(std::string_view code, std::string_view project) {
    return Error(ErrorCode::not_found, msg("no contract {contract} on project {project}; add it with 'fundflow "
                                           "contract add'")
                                           .with("contract", std::string(code))
                                           .with("project", std::string(project)));
}

Message entry_name(std::int64_t id) { return msg("entry #{id}").with("id", std::to_string(id)); }

Error not_a_year(int year) {
    return Error(ErrorCode::invalid_input,
                 msg("'{year}' is not a fiscal year like 2020").with("year", std::to_string(year)));
}

Error bad_rate() {
    return Error(ErrorCode::invalid_input, msg("a retention rate must lie between 0 % and 100 %"));
}

Error bad_months() { return Error(ErrorCode::invalid_input, msg("warranty months must lie between 0 and 1200")); }

Error bad_contract_amount() { return Error(ErrorCode::invalid_input, msg("a contract amount must be positive")); }

}  // namespace

Ledger::Ledger(std::unique_ptr<detail::Store> store) : store_(std::move(store)) {}
Ledger::Ledger(Ledger&&) noexcept = default;
Ledger& Ledger::operator=(Ledger&&) noexcept = default;
Ledger::~Ledger() = default;

void Ledger::create(const std::string& path) {
    guarded([&] { Store::create(path); });
}

Ledger Ledger::open(const std::string& path, Mode mode) {
    return guarded([&] { return Ledger(Store::open(path, mode == Mode::read_write)); });
}

void Ledger::in_transaction(const std::function<void()>& body) {
    guarded([&] { store_->transaction(body); });
}

void Ledger::read_snapshot(const std::function<void()>& body) const {
    guarded([&] { store_->read(body); });
}

namespace {

// Fills in id, recorded time and hashes, and writes the entry (append.hpp). Must run inside a transaction.
Entry append(Store& store, Entry entry, std::int64_t project_id, std::optional<std::int64_t> contract_id,
             const std::optional<Project>& project_record, const std::optional<Contract>& contract_record,
             const std::optional<Amendment>& amendment_record = std::nullopt) {
    return detail::append_entry(store, std::move(entry), project_id, contract_id,
                                detail::EntryRecords{project_record, contract_record, amendment_record, std::nullopt,
                                                     std::nullopt});
}

// A retry carries what the first posting was given; what the ledger derived (level of a release, a
// default amount, a due date) is compared only where the retry states it.
bool same_posting(const Entry& existing, const Posting& p) {
    return existing.kind == p.kind && existing.effective_on == p.date && existing.contract == p.contract &&
           existing.memo == p.memo && (!p.level || existing.level == p.level) &&
           (!p.amount || existing.amount == *p.amount) && (!p.accepted || existing.accepted_on == p.accepted) &&
           (!p.warranty_months || existing.warranty_months == p.warranty_months);
}

Entry base_entry(EntryKind kind, const std::string& project, const Actor& actor) {
    check_text(msg("the user name"), actor.user, 128, true);
    Entry e;
    e.kind = kind;
    e.effect_kind = kind;
    e.project = project;
    e.user = actor.user;
    e.os_user = actor.os_user;
    return e;
}

// refund --of: the payment or release named by voucher ref, else by entry id ("17" or "#17").
Entry returned_entry(const Store& store, std::int64_t project_id, const Posting& p) {
    std::optional<Entry> found = store.entry_by_ref(project_id, *p.refunds);
    if (!found) {
        std::string_view digits = *p.refunds;
        if (!digits.empty() && digits.front() == '#') {
            digits.remove_prefix(1);
        }
        std::int64_t id = 0;
        const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
        if (error == std::errc{} && end == digits.data() + digits.size() && !digits.empty()) {
            found = store.entry(id);
            if (found && found->project != p.project) {
                found.reset();
            }
        }
    }
    if (!found) {
        throw Error(ErrorCode::not_found, msg("no entry with voucher or id {of} on project {project} for the refund "
                                              "to return; see 'fundflow log {project}'")
                                              .with("of", *p.refunds)
                                              .with("project", p.project));
    }
    const Message name = entry_name(static_cast<std::int64_t>(found->id));
    if (found->kind != EntryKind::payment && found->kind != EntryKind::release) {
        refuse(msg("a refund returns a payment or release; {entry} is {kind}")
                   .with("entry", name)
                   .with("kind", kind_name(found->kind)));
    }
    if (p.date < found->effective_on) {
        refuse(msg("a refund of {entry} cannot be dated {date}, before the {kind} it returns ({day})")
                   .with("entry", name)
                   .with("date", to_string(p.date))
                   .with("kind", kind_name(found->kind))
                   .with("day", to_string(found->effective_on)));
    }
    return *found;
}

// Sets what a refund does (domain.md §4): one of its own year lowers the executed of the level it
// returns to; one returning an earlier year's payment — named, or bare on the carryover level — is a
// prior refund (年初余额调整) on the carryover. A named refund never returns more than is left of its
// payment (reversals counted).
void check_refund(const Store& store, Candidate& c, const std::optional<Entry>& returned, const Posting& p) {
    Entry& e = c.entry;
    if (!returned) {
        e.effect_kind = e.level == Level::carryover ? EntryKind::prior_refund : EntryKind::refund;
        return;
    }
    const auto id = static_cast<std::int64_t>(returned->id);
    e.refunds = returned->id;
    e.effect_kind =
        year_of(p.date) > year_of(returned->effective_on) ? EntryKind::prior_refund : EntryKind::refund;
    Money left = returned->amount;
    if (const auto by = store.reversal_of(id)) {
        left -= returned->amount;
    }
    left -= store.refunded(id);
    if (e.amount > left) {
        std::string earlier;  // "#3, #5"
        for (const auto r : store.refunds_of(id)) {
            earlier += (earlier.empty() ? "#" : ", #") + std::to_string(r);
        }
        const bool reversed = store.reversal_of(id).has_value();
        Message m = reversed ? (earlier.empty()
                                    ? msg("{what} exceeds what is left to return of {kind} #{id} ({left} of {amount}, "
                                          "which was reversed)")
                                    : msg("{what} exceeds what is left to return of {kind} #{id} ({left} of {amount}, "
                                          "which was reversed; refunds so far: {refunds})"))
                             : (earlier.empty()
                                    ? msg("{what} exceeds what is left to return of {kind} #{id} ({left} of {amount})")
                                    : msg("{what} exceeds what is left to return of {kind} #{id} ({left} of {amount}; "
                                          "refunds so far: {refunds})"));
        refuse(std::move(m)
                   .with("what", describe(e.kind, e.amount))
                   .with("kind", kind_name(returned->kind))
                   .with("id", std::to_string(id))
                   .with("left", yuan(std::max(left, Money{})))
                   .with("amount", yuan(returned->amount))
                   .with("refunds", earlier));
    }
}

}  // namespace

PostResult Ledger::add_project(const Project& given, const Actor& actor, std::optional<Date> on) {
    const Project project{tidy(given.code), tidy(given.name), tidy(given.unit_name), tidy(given.func_code),
                          tidy(given.unit)};
    check_code(msg("the project code"), project.code);
    check_text(msg("the project name"), project.name, 512, true);
    check_text(msg("the unit name"), project.unit_name, 512, false);
    check_text(msg("the function code"), project.func_code, 64, false);
    return guarded([&] {
        PostResult result;
        store_->transaction([&] {
            if (store_->find_project(project.code)) {
                refuse(msg("project {project} already exists").with("project", project.code));
            }
            if (!project.unit.empty() && !store_->find_unit(project.unit)) {
                throw no_unit(project.unit);
            }
            const std::int64_t id = store_->insert_project(project);
            Entry e = base_entry(EntryKind::project, project.code, actor);
            e.effective_on = on.value_or(today_local());
            result.entry = append(*store_, std::move(e), id, std::nullopt, project, std::nullopt);
        });
        return result;
    });
}

PostResult Ledger::add_unit(const Unit& given, const Actor& actor, std::optional<Date> on) {
    const Unit unit{tidy(given.code), tidy(given.name), tidy(given.parent)};
    check_code(msg("the unit code"), unit.code);
    check_text(msg("the unit name"), unit.name, 512, true);
    if (unit.code == "yuan" || unit.code == "wan" || unit.code == "元" || unit.code == "万元") {
        throw Error(ErrorCode::invalid_input,
                    msg("'{code}' is a money unit (--unit yuan|wan): choose another unit code").with("code", unit.code));
    }
    return guarded([&] {
        PostResult result;
        store_->transaction([&] {
            if (store_->find_unit(unit.code)) {
                refuse(msg("budget unit {unit} already exists").with("unit", unit.code));
            }
            if (!unit.parent.empty() && !store_->find_unit(unit.parent)) {
                throw no_unit(unit.parent);
            }
            Entry e = base_entry(EntryKind::unit, std::string(), actor);
            e.effective_on = on.value_or(today_local());
            result.entry = detail::append_entry(*store_, std::move(e), std::nullopt, std::nullopt,
                                                detail::EntryRecords{std::nullopt, std::nullopt, std::nullopt,
                                                                     std::nullopt, unit});
            store_->insert_unit(static_cast<std::int64_t>(result.entry.id), unit);
        });
        return result;
    });
}

PostResult Ledger::add_contract(const Contract& given, const Actor& actor, std::optional<Date> on) {
    Contract contract = given;
    contract.project = tidy(given.project);
    contract.code = tidy(given.code);
    contract.supplier = tidy(given.supplier);
    check_code(msg("the contract code"), contract.code);
    check_text(msg("the supplier"), contract.supplier, 512, true);
    if (contract.amount <= Money{}) {
        throw bad_contract_amount();
    }
    if (contract.retention_rate_bp < 0 || contract.retention_rate_bp > 10000) {
        throw bad_rate();
    }
    if (contract.warranty_months < 0 || contract.warranty_months > 1200) {
        throw bad_months();
    }
    return guarded([&] {
        PostResult result;
        store_->transaction([&] {
            const auto project = store_->find_project(contract.project);
            if (!project) {
                throw no_project_add(contract.project);
            }
            if (store_->find_contract(project->id, contract.code)) {
                refuse(msg("contract {contract} already exists on project {project}")
                           .with("contract", contract.code)
                           .with("project", contract.project));
            }
            const Date day = on.value_or(today_local());
            detail::check_year_open(*store_, project->id, contract.project, day);
            const std::int64_t id = store_->insert_contract(project->id, contract);
            Entry e = base_entry(EntryKind::contract, contract.project, actor);
            e.effective_on = day;
            e.contract = contract.code;
            result.entry = append(*store_, std::move(e), project->id, id, std::nullopt, contract);
        });
        return result;
    });
}

PostResult Ledger::post(const Posting& given, const Actor& actor) {
    return post_or_derive(given, actor, true, std::nullopt);
}

PostResult Ledger::post(const Posting& given, const Actor& actor, std::optional<EntryId> corrects) {
    return post_or_derive(given, actor, true, corrects);
}

PostResult Ledger::post_or_derive(const Posting& given, const Actor& actor, bool write,
                                  std::optional<EntryId> corrects) {
    Posting p = given;
    p.project = tidy(given.project);
    p.memo = tidy(given.memo);
    if (given.contract) {
        p.contract = tidy(*given.contract);
    }
    if (given.ref) {
        p.ref = tidy(*given.ref);
    }
    const PostingKind* fields = posting_kind(p.kind);
    if (fields == nullptr) {
        throw Error(ErrorCode::invalid_input,
                    msg("{kind} is not posted this way (use its own command)").with("kind", kind_name(p.kind)));
    }
    if (p.amount) {
        if (p.kind == EntryKind::adjustment ? *p.amount == Money{} : *p.amount <= Money{}) {
            throw Error(ErrorCode::invalid_input,
                        p.kind == EntryKind::adjustment
                            ? msg("an adjustment must not be zero")
                            : msg("{kind} amounts must be positive, not {amount} (to undo an entry, reverse it)")
                                  .with("kind", kind_name(p.kind))
                                  .with("amount", yuan(*p.amount)));
        }
    } else if (fields->amount == Need::required) {
        throw Error(ErrorCode::invalid_input, msg("an amount is needed for {kind}").with("kind", kind_name(p.kind)));
    }
    if (fields->contract == Need::required && !p.contract) {
        throw Error(ErrorCode::invalid_input, msg("{kind} needs --contract").with("kind", kind_name(p.kind)));
    }
    if (fields->accepted == Need::required && !p.accepted) {
        throw Error(ErrorCode::invalid_input, msg("a retention needs the acceptance date (--accepted)"));
    }
    if (p.level == Level::carryover && (p.kind == EntryKind::appropriation || p.kind == EntryKind::adjustment ||
                                        p.kind == EntryKind::arrival)) {
        throw Error(ErrorCode::invalid_input,
                    msg("carryover money is derived from the previous year's balance and cannot be posted as {kind}; "
                        "post it to the level it came from")
                        .with("kind", kind_name(p.kind)));
    }
    if (given.refunds && fields->of == Need::forbidden) {
        throw Error(ErrorCode::invalid_input,
                    msg("only a refund names a payment it returns (--of); leave it out of {kind}")
                        .with("kind", kind_name(p.kind)));
    }
    // The fields the kind refuses (kinds.hpp): one message naming the field and the kind.
    const bool given_field[] = {p.level.has_value(),    p.amount.has_value(),   p.contract.has_value(),
                                p.ref.has_value(),      !p.memo.empty(),        p.accepted.has_value(),
                                p.warranty_months.has_value(), given.refunds.has_value()};
    for (std::size_t i = 0; i < kFields.size(); ++i) {
        const Need need = fields->need(kFields[i]);
        if (need == Need::forbidden && given_field[i]) {
            throw Error(ErrorCode::invalid_input, msg("{kind} takes no {option}; leave it out")
                                                      .with("kind", kind_name(p.kind))
                                                      .with("option", option_name(kFields[i])));
        }
        if (need == Need::required && !given_field[i] && kFields[i] != Field::level &&
            kFields[i] != Field::amount) {
            throw Error(ErrorCode::invalid_input, msg("{kind} needs {option}")
                                                      .with("kind", kind_name(p.kind))
                                                      .with("option", option_name(kFields[i])));
        }
    }
    // A missing --level is refused once the transaction has found the project, the contract and what --of
    // names (level_needed(): derived from them where the table says so).
    if (p.ref) {
        check_text(msg("the voucher reference"), *p.ref, 128, true);
    }
    if (given.refunds) {
        p.refunds = tidy(*given.refunds);
        check_text(msg("the returned payment (--of)"), *p.refunds, 128, true);
    }
    check_text(msg("the memo"), p.memo, 2000, false);

    return guarded([&] {
        PostResult result;
        store_->transaction(
            [&] {
            Candidate c;
            const auto project = store_->find_project(p.project);
            if (!project) {
                throw no_project_add(p.project);
            }
            store_->lock_project(project->id);
            c.project_id = project->id;
            std::optional<Entry> returned;  // refund --of: the payment or release it returns
            if (p.refunds) {
                returned = returned_entry(*store_, c.project_id, p);
                if (p.contract && p.contract != returned->contract) {
                    throw Error(ErrorCode::invalid_input,
                                (returned->contract ? msg("refund of entry #{id} is on contract {contract}, as the "
                                                          "{kind} it returns; leave --contract out")
                                                    : msg("refund of entry #{id} is on no contract, as the {kind} it "
                                                          "returns; leave --contract out"))
                                    .with("id", std::to_string(static_cast<std::int64_t>(returned->id)))
                                    .with("contract", returned->contract.value_or(""))
                                    .with("kind", kind_name(returned->kind)));
                }
                p.contract = returned->contract;
                const Level landing =
                    year_of(p.date) > year_of(returned->effective_on) ? Level::carryover : *returned->level;
                if (p.level && p.level != landing && p.level != returned->level) {
                    throw Error(ErrorCode::invalid_input,
                                msg("refund of entry #{id} lands on {landing} funds (the {kind} was {level} money of "
                                    "{year}), not {given}; leave --level out")
                                    .with("id", std::to_string(static_cast<std::int64_t>(returned->id)))
                                    .with("landing", level_name(landing))
                                    .with("kind", kind_name(returned->kind))
                                    .with("level", level_name(*returned->level))
                                    .with("year", std::to_string(year_of(returned->effective_on)))
                                    .with("given", level_name(*p.level)));
                }
                p.level = landing;
            }
            if (p.contract) {
                c.contract = store_->find_contract(project->id, *p.contract);
                if (!c.contract) {
                    throw no_contract_add(*p.contract, p.project);
                }
            }
            if (p.ref && !corrects) {
                // Before any rule: a retry must return the first entry even if the books moved on since.
                if (auto existing = store_->entry_by_ref(c.project_id, *p.ref)) {
                    const bool same_return = !returned || existing->refunds == returned->id;
                    if (same_return && same_posting(*existing, p)) {
                        result = PostResult{*existing, false};
                        return;
                    }
                    if (existing->corrects) {
                        refuse(msg("voucher {ref} was corrected by entry #{id} ({what} on {day}); post the corrected "
                                   "content or use a new --ref")
                                   .with("ref", *p.ref)
                                   .with("id", std::to_string(static_cast<std::int64_t>(existing->id)))
                                   .with("what", describe(existing->kind, existing->amount))
                                   .with("day", to_string(existing->effective_on)));
                    }
                    refuse(msg("voucher {ref} on project {project} is already entry #{id} ({what} on {day}) with "
                               "different content; use a new --ref")
                               .with("ref", *p.ref)
                               .with("project", p.project)
                               .with("id", std::to_string(static_cast<std::int64_t>(existing->id)))
                               .with("what", describe(existing->kind, existing->amount))
                               .with("day", to_string(existing->effective_on)));
                }
            }
            detail::check_year_open(*store_, c.project_id, p.project, p.date);
            Entry& e = c.entry;
            e = base_entry(p.kind, p.project, actor);
            e.effective_on = p.date;
            e.contract = p.contract;
            e.ref = p.ref;
            e.memo = p.memo;
            e.level = p.level;
            e.corrects = corrects;

            const int year = year_of(p.date);
            std::vector<detail::ContractDay> days;
            if (c.contract) {
                days = store_->contract_days(c.contract->id);
            }
            const auto held_from = [&](Level pot) {
                return detail::contract_pot_minimum(days, pot, year, p.date, &Weights::outstanding);
            };
            if ((p.kind == EntryKind::release || p.kind == EntryKind::forfeit) && !e.level) {
                // Deposits carried over from earlier years are settled first (they fell due first);
                // then this year's, from the level they were withheld from.
                std::vector<Level> held;
                for (Level l : kLevels) {
                    if (held_from(l) > Money{}) {
                        held.push_back(l);
                    }
                }
                if (held.empty()) {
                    refuse(msg("{kind} on contract {contract}: it has no outstanding retention (0.00 元)")
                               .with("kind", kind_name(p.kind))
                               .with("contract", *p.contract));
                }
                const bool carried = std::find(held.begin(), held.end(), Level::carryover) != held.end();
                if (!carried && held.size() > 1) {
                    throw Error(ErrorCode::invalid_input,
                                msg("contract {contract} holds retentions at several levels; give --level")
                                    .with("contract", *p.contract));
                }
                e.level = carried ? Level::carryover : held.front();
            }
            if (!e.level) {
                throw Error(ErrorCode::invalid_input, msg("{kind} needs --level").with("kind", kind_name(p.kind)));
            }
            if (p.amount) {
                e.amount = *p.amount;
            } else if (p.kind == EntryKind::retention) {
                // The rate and amount in force on the retention's date (amendments, 补充协议).
                const Contract terms = terms_in_force(c.contract->contract,
                                                      store_->amendments(c.project_id, c.contract->id), p.date);
                e.amount = terms.amount.apply_ratio(terms.retention_rate_bp, 10000);
                if (e.amount <= Money{}) {
                    throw Error(ErrorCode::invalid_input,
                                msg("contract {contract} has no retention rate; give --amount")
                                    .with("contract", *p.contract));
                }
            } else {
                e.amount = held_from(*e.level);
                if (e.amount <= Money{}) {
                    refuse(msg("{kind} on contract {contract}: it has no outstanding retention (0.00 元)")
                               .with("kind", kind_name(EntryKind::release))
                               .with("contract", *p.contract));
                }
            }
            if (p.kind == EntryKind::refund) {
                check_refund(*store_, c, returned, p);
            }
            if (p.kind == EntryKind::retention) {
                e.accepted_on = p.accepted;
                e.warranty_months = p.warranty_months.value_or(
                    terms_in_force(c.contract->contract, store_->amendments(c.project_id, c.contract->id), p.date)
                        .warranty_months);
                if (*e.warranty_months < 0 || *e.warranty_months > 1200) {
                    throw bad_months();
                }
                e.due_on = add_months(*p.accepted, *e.warranty_months);
            }
            if (!write) {
                result = PostResult{std::move(c.entry), false};
                return;
            }

            detail::check_invariants(*store_, c);
            result.entry = append(*store_, std::move(c.entry), c.project_id,
                                  c.contract ? std::optional<std::int64_t>(c.contract->id) : std::nullopt,
                                  std::nullopt, std::nullopt);
            },
            detail::Store::Scope::project);
        return result;
    });
}

PostResult Ledger::reverse(EntryId id, const std::string& given_reason, const Actor& actor, std::optional<Date> on) {
    const std::string reason = tidy(given_reason);
    check_text(msg("the reason"), reason, 2000, true);
    return guarded([&] {
        PostResult result;
        store_->transaction([&] {
            const auto original = store_->entry(static_cast<std::int64_t>(id));
            const Message name = entry_name(static_cast<std::int64_t>(id));
            if (!original) {
                throw Error(ErrorCode::not_found, msg("no {entry}; see 'fundflow log'").with("entry", name));
            }
            if (original->kind == EntryKind::reversal) {
                refuse(msg("{entry} is itself a reversal and cannot be reversed; post the original again instead")
                           .with("entry", name));
            }
            if (!is_money_kind(original->kind)) {
                refuse(msg("{entry} registers a {kind} and cannot be reversed")
                           .with("entry", name)
                           .with("kind", kind_name(original->kind)));
            }
            if (const auto by = store_->reversal_of(static_cast<std::int64_t>(id))) {
                refuse(msg("{entry} was already reversed by entry #{by}")
                           .with("entry", name)
                           .with("by", std::to_string(*by)));
            }
            if (const auto refunds = store_->refunds_of(static_cast<std::int64_t>(id)); !refunds.empty()) {
                std::string list;
                for (const auto r : refunds) {
                    list += (list.empty() ? "#" : ", #") + std::to_string(r);
                }
                refuse(msg("{entry} has refunds against it ({refunds}): reversing it would leave them returning "
                           "money never paid; reverse the refund first")
                           .with("entry", name)
                           .with("refunds", list));
            }
            Candidate c;
            const auto project = store_->find_project(original->project);
            LEDGER_ASSERT(project.has_value());
            c.project_id = project->id;
            if (on && *on < original->effective_on) {
                throw Error(ErrorCode::rejected, msg("a reversal cannot be dated {date}, before {entry} ({day})")
                                                     .with("date", to_string(*on))
                                                     .with("entry", name)
                                                     .with("day", to_string(original->effective_on)));
            }
            const Date day = on.value_or(original->effective_on);
            detail::check_year_open(*store_, c.project_id, original->project, day);
            if (original->contract) {
                c.contract = store_->find_contract(project->id, *original->contract);
                LEDGER_ASSERT(c.contract.has_value());
            }
            Entry& e = c.entry;
            e = base_entry(EntryKind::reversal, original->project, actor);
            e.effect_kind = original->effect_kind;
            e.level = original->level;
            if (year_of(day) > year_of(original->effective_on) && e.level) {
                // The original's money left its year as carryover; a correction in a later year lands there.
                const detail::Weights w = detail::weights_of(original->effect_kind);
                if (w.budget != 0 || w.arrived != 0) {
                    throw Error(ErrorCode::rejected,
                                msg("{entry} is the {kind} of {year}: budget and arrivals are reversed in their own "
                                    "year (no --date in a later year)")
                                    .with("entry", name)
                                    .with("kind", kind_name(original->effect_kind))
                                    .with("year", std::to_string(year_of(original->effective_on))));
                }
                e.level = Level::carryover;
            }
            e.amount = -original->amount;
            e.effective_on = day;
            e.contract = original->contract;
            e.memo = reason;
            e.reverses = id;
            detail::check_invariants(*store_, c);
            result.entry = append(*store_, std::move(c.entry), c.project_id,
                                  c.contract ? std::optional<std::int64_t>(c.contract->id) : std::nullopt,
                                  std::nullopt, std::nullopt);
        });
        return result;
    });
}

PostResult Ledger::close_year(std::string_view code, int year, const Actor& actor) {
    if (year < 1900 || year > 9999) {
        throw not_a_year(year);
    }
    return guarded([&] {
        PostResult result;
        store_->transaction([&] {
            const auto project = store_->find_project(code);
            if (!project) {
                throw no_project_see(code);
            }
            if (year >= year_of(today_local())) {
                refuse(msg("year {year} has not ended; close it once it is over").with("year", std::to_string(year)));
            }
            if (const auto closed = store_->closed_through(project->id); closed && year <= *closed) {
                refuse(msg("year {year} of project {project} is already closed (closed through {closed})")
                           .with("year", std::to_string(year))
                           .with("project", std::string(code))
                           .with("closed", std::to_string(*closed)));
            }
            // The closing figures, all levels: carried in + arrived − executed − recovered = carried out.
            const detail::KindSums through = store_->project_totals_before(project->id, first_day_of(year + 1));
            const detail::KindSums before = store_->project_totals_before(project->id, first_day_of(year));
            const auto in_year = [&](int Weights::*quantity) {
                return detail::weighted(through, quantity) - detail::weighted(before, quantity);
            };
            const Money carried_in = detail::weighted(before, &Weights::carry);
            const Money carried_out = detail::weighted(through, &Weights::carry);
            const Money recovered = detail::at(through, EntryKind::recovery) - detail::at(before, EntryKind::recovery);
            Entry e = base_entry(EntryKind::close, project->project.code, actor);
            e.effective_on = last_day_of(year);
            e.amount = carried_out;
            e.memo = "carried_in_fen=" + std::to_string(carried_in.fen()) +
                     ";arrived_fen=" + std::to_string(in_year(&Weights::arrived).fen()) +
                     ";executed_fen=" + std::to_string(in_year(&Weights::executed).fen()) +
                     ";recovered_fen=" + std::to_string(recovered.fen()) +
                     ";carried_to_next_year_fen=" + std::to_string(carried_out.fen()) +
                     ";retention_outstanding_fen=" + std::to_string(detail::weighted(through, &Weights::outstanding).fen());
            // Earlier years' payments returned in this year (年初余额调整) are carried on too; named only
            // when there are some, so that every other close reads as before.
            if (const Money returned = in_year(&Weights::opening); returned != Money{}) {
                e.memo += ";prior_refunds_fen=" + std::to_string(returned.fen());
            }
            result.entry = append(*store_, std::move(e), project->id, std::nullopt, std::nullopt, std::nullopt);
        });
        return result;
    });
}

PostResult Ledger::reopen_year(std::string_view code, int year, const std::string& given_reason,
                               const Actor& actor) {
    if (year < 1900 || year > 9999) {
        throw not_a_year(year);
    }
    const std::string reason = tidy(given_reason);
    check_text(msg("the reason"), reason, 2000, true);
    return guarded([&] {
        PostResult result;
        store_->transaction([&] {
            const auto project = store_->find_project(code);
            if (!project) {
                throw no_project_see(code);
            }
            const auto closed = store_->closed_through(project->id);
            if (!closed || year > *closed) {
                refuse((closed ? msg("year {year} of project {project} is not closed (closed through {closed}); "
                                     "only a closed year can be reopened")
                               : msg("year {year} of project {project} is not closed (no year is closed); only a "
                                     "closed year can be reopened"))
                           .with("year", std::to_string(year))
                           .with("project", std::string(code))
                           .with("closed", closed ? std::to_string(*closed) : std::string()));
            }
            Entry e = base_entry(EntryKind::reopen, project->project.code, actor);
            e.effective_on = last_day_of(year);
            e.memo = reason;
            result.entry = append(*store_, std::move(e), project->id, std::nullopt, std::nullopt, std::nullopt);
        });
        return result;
    });
}

CorrectionResult Ledger::correct(EntryId id, const Correction& changes, const std::string& given_reason,
                                 const Actor& actor) {
    const std::string reason = tidy(given_reason);
    check_text(msg("the reason"), reason, 2000, true);
    if (!changes.amount && !changes.date && !changes.level && !changes.contract && !changes.memo) {
        throw Error(ErrorCode::invalid_input,
                    msg("a correction changes at least one of --amount, --date, --level, --contract, --memo "
                        "(to cancel the entry, reverse it)"));
    }
    return guarded([&] {
        CorrectionResult result;
        store_->transaction([&] {
            const auto original = store_->entry(static_cast<std::int64_t>(id));
            const Message name = entry_name(static_cast<std::int64_t>(id));
            if (!original) {
                throw Error(ErrorCode::not_found, msg("no {entry}; see 'fundflow log'").with("entry", name));
            }
            if (original->kind == EntryKind::reversal) {
                refuse(msg("{entry} is a reversal and cannot be corrected; correct the entry it reverses instead")
                           .with("entry", name));
            }
            if (!is_money_kind(original->kind)) {
                const bool amendable =
                    original->kind == EntryKind::contract || original->kind == EntryKind::project;
                // The command keeps its English word: it is what is typed.
                refuse((amendable ? msg("{entry} is a {kind} entry, not money, and cannot be corrected; amend it "
                                        "with 'fundflow {command} amend'")
                                  : msg("{entry} is a {kind} entry, not money, and cannot be corrected"))
                           .with("entry", name)
                           .with("kind", kind_name(original->kind))
                           .with("command", std::string(to_string(original->kind))));
            }
            if (const auto by = store_->correction_of(static_cast<std::int64_t>(id))) {
                refuse(msg("{entry} was already corrected by entry #{by}; correct entry #{by} instead")
                           .with("entry", name)
                           .with("by", std::to_string(*by)));
            }
            if (const auto by = store_->reversal_of(static_cast<std::int64_t>(id))) {
                refuse(msg("{entry} was reversed by entry #{by} and cannot be corrected; post the right entry anew")
                           .with("entry", name)
                           .with("by", std::to_string(*by)));
            }
            Posting p;
            p.kind = original->kind;
            p.project = original->project;
            p.level = changes.level ? changes.level : original->level;
            p.amount = changes.amount ? changes.amount : std::optional<Money>(original->amount);
            p.date = changes.date.value_or(original->effective_on);
            p.contract = changes.contract ? changes.contract : original->contract;
            p.ref = original->ref;
            p.memo = changes.memo.value_or(original->memo);
            p.accepted = original->accepted_on;
            p.warranty_months = original->warranty_months;
            if (original->refunds) {
                // A refund keeps naming what it returns; that payment decides its level and contract again
                // (the corrected date may move it into or out of the payment's year), unless the
                // correction names them.
                p.refunds = "#" + std::to_string(static_cast<std::int64_t>(*original->refunds));
                if (!changes.level) {
                    p.level.reset();
                }
                if (!changes.contract) {
                    p.contract.reset();
                }
            }
            result.reversal = reverse(id, reason, actor).entry;
            result.replacement = post(p, actor, id).entry;
        });
        return result;
    });
}

PostResult Ledger::amend(const Amendment& given, const std::string& given_memo, const Actor& actor) {
    Amendment a = given;
    a.project = tidy(given.project);
    const auto tidy_optional = [](std::optional<std::string>& text) {
        if (text) {
            text = tidy(*text);
        }
    };
    tidy_optional(a.contract);
    tidy_optional(a.name);
    tidy_optional(a.unit_name);
    tidy_optional(a.func_code);
    tidy_optional(a.supplier);
    const std::string memo = tidy(given_memo);
    check_text(msg("the memo"), memo, 2000, true);
    if (a.sets_nothing()) {
        throw Error(ErrorCode::invalid_input, msg("an amendment must change at least one term"));
    }
    if (a.contract) {
        if (a.name || a.unit_name || a.func_code) {
            throw Error(ErrorCode::invalid_input,
                        msg("a contract amendment changes contract terms only; amend the project with 'project amend'"));
        }
        if (a.supplier) {
            check_text(msg("the supplier"), *a.supplier, 512, true);
        }
        if (a.amount && *a.amount <= Money{}) {
            throw bad_contract_amount();
        }
        if (a.retention_rate_bp && (*a.retention_rate_bp < 0 || *a.retention_rate_bp > 10000)) {
            throw bad_rate();
        }
        if (a.warranty_months && (*a.warranty_months < 0 || *a.warranty_months > 1200)) {
            throw bad_months();
        }
    } else {
        if (a.supplier || a.amount || a.retention_rate_bp || a.warranty_months || a.sme) {
            throw Error(ErrorCode::invalid_input,
                        msg("a project amendment changes project terms only; give --contract to amend a contract"));
        }
        if (a.name) {
            check_text(msg("the project name"), *a.name, 512, true);
        }
        if (a.unit_name) {
            check_text(msg("the unit name"), *a.unit_name, 512, false);
        }
        if (a.func_code) {
            check_text(msg("the function code"), *a.func_code, 64, false);
        }
    }
    return guarded([&] {
        PostResult result;
        store_->transaction([&] {
            const auto project = store_->find_project(a.project);
            if (!project) {
                throw no_project_add(a.project);
            }
            std::optional<detail::ContractRow> contract;
            if (a.contract) {
                contract = store_->find_contract(project->id, *a.contract);
                if (!contract) {
                    throw no_contract_add(*a.contract, a.project);
                }
            }
            detail::check_year_open(*store_, project->id, a.project, a.effective_on);
            const std::optional<std::int64_t> contract_id =
                contract ? std::optional<std::int64_t>(contract->id) : std::nullopt;
            if (contract && a.amount) {
                auto amendments = store_->amendments(project->id, contract_id);
                amendments.push_back(a);  // the newest entry: last among those of its date
                std::stable_sort(amendments.begin(), amendments.end(),
                                 [](const Amendment& x, const Amendment& y) { return x.effective_on < y.effective_on; });
                if (const auto excess = detail::commitment_excess(store_->contract_days(contract->id),
                                                                  contract->contract, amendments, a.effective_on,
                                                                  Money{})) {
                    refuse(msg("amending contract {contract} to {new_amount} from {date} would leave it with "
                               "{committed} paid and retained on {day}, beyond its amount of {amount} then")
                               .with("contract", *a.contract)
                               .with("new_amount", yuan(*a.amount))
                               .with("date", to_string(a.effective_on))
                               .with("committed", yuan(excess->committed))
                               .with("day", to_string(excess->day))
                               .with("amount", yuan(excess->amount)));
                }
            }
            Entry e = base_entry(EntryKind::amendment, project->project.code, actor);
            e.effective_on = a.effective_on;
            e.contract = a.contract;
            e.memo = memo;
            result.entry = append(*store_, std::move(e), project->id, contract_id, std::nullopt, std::nullopt, a);
            a.entry = result.entry.id;
            store_->insert_amendment(a, project->id, contract_id);
        });
        return result;
    });
}

Contract Ledger::contract_in_force(std::string_view project, std::string_view code, Date on,
                                   const std::optional<Instant>& known_at) const {
    return detail::read_guarded(*store_, [&] {
        const auto row = store_->find_project(project);
        const auto contract = row ? store_->find_contract(row->id, code) : std::nullopt;
        if (!contract) {
            throw no_contract(code, project);
        }
        return terms_in_force(contract->contract,
                              detail::known_amendments(*store_, store_->amendments(row->id, contract->id), known_at), on);
    });
}

Project Ledger::project_in_force(std::string_view code, Date on, const std::optional<Instant>& known_at) const {
    return detail::read_guarded(*store_, [&] {
        const auto row = store_->find_project(code);
        if (!row) {
            throw no_project_see(code);
        }
        return terms_in_force(row->project,
                              detail::known_amendments(*store_, store_->amendments(row->id, std::nullopt), known_at), on);
    });
}

std::vector<Amendment> Ledger::amendments(std::string_view project, const std::optional<std::string>& contract) const {
    return detail::read_guarded(*store_, [&] {
        const auto row = store_->find_project(project);
        if (!row) {
            throw no_project_see(project);
        }
        std::optional<std::int64_t> contract_id;
        if (contract) {
            const auto c = store_->find_contract(row->id, *contract);
            if (!c) {
                throw no_contract(*contract, project);
            }
            contract_id = c->id;
        }
        return store_->amendments(row->id, contract_id);
    });
}

std::optional<Amendment> Ledger::amendment(EntryId id) const {
    return detail::read_guarded(*store_, [&] { return store_->amendment_of(static_cast<std::int64_t>(id)); });
}

std::optional<EntryId> Ledger::corrected_by(EntryId id) const {
    return detail::read_guarded(*store_, [&]() -> std::optional<EntryId> {
        if (auto by = store_->correction_of(static_cast<std::int64_t>(id))) {
            return EntryId{*by};
        }
        return std::nullopt;
    });
}

Project Ledger::project(std::string_view code) const {
    return detail::read_guarded(*store_, [&] {
        const auto row = store_->find_project(code);
        if (!row) {
            throw no_project_see(code);
        }
        return row->project;
    });
}

std::vector<Entry> Ledger::log(const LogFilter& filter) const {
    return detail::read_guarded(*store_, [&] {
        if (filter.project && !store_->find_project(*filter.project)) {
            throw no_project_see(*filter.project);
        }
        return store_->log(filter);
    });
}

std::optional<Project> Ledger::find_project(std::string_view code) const {
    return detail::read_guarded(*store_, [&]() -> std::optional<Project> {
        if (auto row = store_->find_project(code)) {
            return row->project;
        }
        return std::nullopt;
    });
}

std::optional<Contract> Ledger::find_contract(std::string_view project, std::string_view code) const {
    return detail::read_guarded(*store_, [&]() -> std::optional<Contract> {
        const auto row = store_->find_project(project);
        if (!row) {
            return std::nullopt;
        }
        if (auto contract = store_->find_contract(row->id, code)) {
            return contract->contract;
        }
        return std::nullopt;
    });
}

std::optional<Entry> Ledger::entry_by_ref(std::string_view project, std::string_view ref) const {
    return detail::read_guarded(*store_, [&]() -> std::optional<Entry> {
        const auto row = store_->find_project(project);
        return row ? store_->entry_by_ref(row->id, ref) : std::nullopt;
    });
}

std::optional<int> Ledger::closed_through(std::string_view project) const {
    return detail::read_guarded(*store_, [&]() -> std::optional<int> {
        const auto row = store_->find_project(project);
        return row ? store_->closed_through(row->id) : std::nullopt;
    });
}

void Ledger::each_entry(const LogFilter& filter, const std::function<void(const Entry&)>& visit) const {
    detail::read_guarded(*store_, [&] {
        if (filter.project && !store_->find_project(*filter.project)) {
            throw no_project_see(*filter.project);
        }
        store_->each_entry(filter, visit);
    });
}

Contract Ledger::contract(std::string_view project, std::string_view code) const {
    return detail::read_guarded(*store_, [&] {
        const auto row = store_->find_project(project);
        const auto contract = row ? store_->find_contract(row->id, code) : std::nullopt;
        if (!contract) {
            throw no_contract(code, project);
        }
        return contract->contract;
    });
}

Entry Ledger::entry(EntryId id) const {
    return detail::read_guarded(*store_, [&] {
        auto e = store_->entry(static_cast<std::int64_t>(id));
        if (!e) {
            throw Error(ErrorCode::not_found, msg("no {entry}; see 'fundflow log'")
                                                  .with("entry", entry_name(static_cast<std::int64_t>(id))));
        }
        return *e;
    });
}

std::optional<EntryId> Ledger::reversed_by(EntryId id) const {
    return detail::read_guarded(*store_, [&]() -> std::optional<EntryId> {
        if (auto by = store_->reversal_of(static_cast<std::int64_t>(id))) {
            return EntryId{*by};
        }
        return std::nullopt;
    });
}

Digest Ledger::digest() const {
    return detail::read_guarded(*store_, [&] {
        const auto head = store_->head();
        return Digest{head.entries, head.hash};
    });
}


std::vector<ImportRecord> Ledger::imports_of(std::string_view sha256) const {
    return detail::read_guarded(*store_, [&] { return store_->imports_of(sha256); });
}

ImportRecord Ledger::record_import(const ImportRecord& given) {
    ImportRecord r = given;
    if (!detail::is_hex_hash(r.sha256)) {
        throw Error(ErrorCode::invalid_input,
                    msg("'{sha256}' is not a SHA-256 in 64 lowercase hex digits").with("sha256", r.sha256));
    }
    check_text(msg("the user name"), r.user, 128, true);
    check_text(msg("the file name"), r.file_name, 4096, false);
    if (r.rows < 0 || r.added < 0 || r.present < 0 || r.added + r.present != r.rows) {
        throw Error(ErrorCode::invalid_input, msg("an import's rows must be those added plus those present"));
    }
    return guarded([&] {
        store_->transaction([&] {
            // The range must be the newest entries: the ones this import's transaction added. A row may add
            // more than one (a correction adds its reversal and its replacement), never fewer.
            const std::int64_t head = store_->head().entries;
            const bool none = !r.first_entry && !r.last_entry && r.added == 0;
            bool newest = false;
            if (r.first_entry && r.last_entry) {
                const auto first = static_cast<std::int64_t>(*r.first_entry);
                const auto last = static_cast<std::int64_t>(*r.last_entry);
                newest = last == head && first <= last && last - first + 1 >= r.added;
            }
            if (!none && !newest) {
                throw Error(ErrorCode::invalid_input,
                            msg("an import's entry range must be the entries it added, the newest on file"));
            }
            r.recorded_at = std::max(to_string(now_utc()), store_->head().recorded_at);
            r.id = store_->insert_import(r);
        });
        return r;
    });
}

std::optional<IdempotencyRecord> Ledger::idempotency_record(std::string_view user, std::string_view key) const {
    return detail::read_guarded(*store_, [&] { return store_->idempotency_record(user, key); });
}

void Ledger::record_idempotency(const IdempotencyRecord& given) {
    IdempotencyRecord r = given;
    if (!detail::is_hex_hash(r.request_sha256)) {
        throw Error(ErrorCode::invalid_input,
                    msg("'{sha256}' is not a SHA-256 in 64 lowercase hex digits").with("sha256", r.request_sha256));
    }
    check_text(msg("the user name"), r.user, 128, true);
    check_text(msg("the idempotency key"), r.key, 200, true);
    guarded([&] {
        store_->transaction([&] {
            r.recorded_at = std::max(to_string(now_utc()), store_->head().recorded_at);
            store_->insert_idempotency(r);
        });
    });
}

std::vector<EntryId> Ledger::entries_repeated_by(const Posting& given, const Actor& actor) {
    constexpr int kMostRepeated = 16;
    if (!is_money_kind(given.kind)) {
        return {};
    }
    Posting p = given;
    p.ref.reset();  // with its ref, post() would return the entry that carries it
    std::optional<Entry> would;
    if (!p.level || !p.amount) {
        try {
            would = post_or_derive(p, actor, false).entry;
        } catch (const Error& e) {
            // Not derivable now (nothing outstanding to release, a closed year, a bad posting): compare
            // what the posting states. Storage and integrity failures are not a matter of the posting.
            if (e.code() == ErrorCode::storage || e.code() == ErrorCode::integrity) {
                throw;
            }
        }
    }
    return guarded([&] {
        std::vector<EntryId> ids;
        const auto project = store_->find_project(tidy(p.project));
        if (!project) {
            return ids;
        }
        std::optional<std::int64_t> contract_id;
        if (p.contract) {
            const auto contract = store_->find_contract(project->id, tidy(*p.contract));
            if (!contract) {
                return ids;
            }
            contract_id = contract->id;
        }
        const auto level = would ? would->level : p.level;
        const auto amount = would ? std::optional<Money>(would->amount) : p.amount;
        const auto same =
            store_->same_entries(project->id, p.kind, p.date, level, amount, contract_id, tidy(p.memo), kMostRepeated);
        for (const std::int64_t id : same) {
            ids.push_back(EntryId{id});
        }
        return ids;
    });
}

}  // namespace ledger
