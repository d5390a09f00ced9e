// Integrity: the hash chain, the derived caches, and `fundflow check`.
#include <algorithm>
#include <cctype>
#include <future>
#include <set>

#include "chain.hpp"
#include "guarded.hpp"
#include "ledger/ledger.hpp"
#include "rules.hpp"
#include "store.hpp"

namespace ledger {
namespace {

using detail::ChainRecord;
using detail::guarded;

}  // namespace

namespace {

Message missing_entry(std::int64_t expected, std::int64_t id) {
    return msg("entry #{id} is missing: ids jump to #{next}")
        .with("id", std::to_string(expected))
        .with("next", std::to_string(id));
}

Message broken_link(std::int64_t id) {
    return msg("entry #{id} does not follow the entry before it (its prev_hash differs)").with("id", std::to_string(id));
}

Message altered_entry(std::int64_t id) {
    return msg("entry #{id} was altered: its contents no longer match its hash").with("id", std::to_string(id));
}

}  // namespace

VerifyResult Ledger::verify(std::optional<std::string_view> digest, bool deep) const {
    // A digest is "HEX" or "N:HEX" (as 'fundflow digest' prints it).
    std::optional<std::int64_t> digest_entries;
    std::string digest_hash;
    if (digest) {
        std::string_view text = *digest;
        if (const auto colon = text.find(':'); colon != std::string_view::npos) {
            const std::string count(text.substr(0, colon));
            if (count.empty() || count.find_first_not_of("0123456789") != std::string::npos || count.size() > 18) {
                throw Error(ErrorCode::invalid_input,
                            msg("'{digest}' is not a digest like 7:5f3a…").with("digest", std::string(*digest)));
            }
            digest_entries = std::stoll(count);
            text = text.substr(colon + 1);
        }
        digest_hash = std::string(text);
        std::transform(digest_hash.begin(), digest_hash.end(), digest_hash.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        if (!detail::is_hex_hash(digest_hash)) {
            throw Error(ErrorCode::invalid_input, msg("'{digest}' is not a digest: expected the 64 hex digits "
                                                      "'fundflow digest' printed, optionally after 'N:'")
                                                      .with("digest", std::string(*digest)));
        }
    }
    VerifyResult verified;
    guarded([&] { store_->read_with_second([&](const detail::Store* second) { verified = [&] {
        // The recomputation of the derived totals (and, deep, SQLite's check of every page and index)
        // reads the whole file, as the chain walk does: it runs meanwhile on a second, read-only
        // connection, on the other core, which sees the same state of the file as the walk (a state
        // committed in between would raise false alarms). When no such connection can be had, it runs
        // after the walk, on this one.
        const detail::Store& checker = second != nullptr ? *second : *store_;
        auto file_checks = std::async(second != nullptr ? std::launch::async : std::launch::deferred, [&checker, deep] {
            auto derived = checker.derived_totals_problems();
            return std::pair(deep ? checker.file_problems() : std::vector<std::string>{}, std::move(derived));
        });
        VerifyResult result;
        result.digest = Digest{0, std::string(detail::kGenesisHash)};
        bool digest_found = digest && digest_hash == detail::kGenesisHash && digest_entries.value_or(0) == 0;
        const auto fail = [&](std::optional<EntryId> id, Message problem) {
            result.ok = false;
            result.first_bad = id;
            result.problem = std::move(problem);
        };
        // Registrations seen along the chain: each project and contract row must have exactly one.
        std::set<std::string> projects_registered;
        std::set<std::pair<std::string, std::string>> contracts_registered;
        std::optional<Message> registered_twice;
        std::int64_t amendment_entries = 0;
        std::int64_t account_entries = 0;
        std::int64_t unit_entries = 0;
        try {
            store_->for_each_chain_record([&](const ChainRecord& r) {
                if (r.entry.kind == EntryKind::project && !projects_registered.insert(r.entry.project).second) {
                    registered_twice = msg("project '{project}'").with("project", r.entry.project);
                }
                if (r.entry.kind == EntryKind::contract && r.entry.contract &&
                    !contracts_registered.emplace(r.entry.project, *r.entry.contract).second) {
                    registered_twice = msg("contract '{contract}'").with("contract", *r.entry.contract);
                }
                if (r.entry.kind == EntryKind::amendment) {
                    ++amendment_entries;
                }
                if (r.entry.kind == EntryKind::account) {
                    ++account_entries;
                }
                if (r.entry.kind == EntryKind::unit) {
                    ++unit_entries;
                }
                const std::int64_t id = static_cast<std::int64_t>(r.entry.id);
                const std::int64_t expected = result.digest.entries + 1;
                if (id != expected) {
                    fail(EntryId{expected}, missing_entry(expected, id));
                    return false;
                }
                if (r.entry.prev_hash != result.digest.head) {
                    fail(r.entry.id, broken_link(id));
                    return false;
                }
                const std::string computed = detail::chain_hash(
                    r.entry.prev_hash,
                    detail::canonical_encoding(r.entry, r.project_record, r.contract_record, r.amendment_record,
                                               r.account_record, r.unit_record));
                if (computed != r.entry.hash) {
                    fail(r.entry.id, altered_entry(id));
                    return false;
                }
                result.digest = Digest{id, r.entry.hash};
                if (digest && r.entry.hash == digest_hash && digest_entries.value_or(id) == id) {
                    digest_found = true;
                }
                return true;
            });
        } catch (const Error& e) {
            if (e.code() != ErrorCode::integrity) {
                throw;
            }
            fail(EntryId{result.digest.entries + 1}, e.message());
        }
        if (!result.ok) {
            return result;
        }
        const auto [file_problems, derived_problems] = file_checks.get();
        if (const auto& problems = file_problems; !problems.empty()) {
            fail(std::nullopt, msg("the file's pages or indexes are damaged (SQLite integrity_check: {problem}); "
                                   "restore the ledger from a copy")
                                   .with("problem", problems.front()));
            return result;
        }
        if (registered_twice) {
            fail(std::nullopt, msg("{what} is registered by more than one entry").with("what", *registered_twice));
            return result;
        }
        for (const auto& project : store_->projects()) {
            if (projects_registered.count(project.project.code) == 0) {
                fail(std::nullopt,
                     msg("project '{project}' has no entry that registered it").with("project", project.project.code));
                return result;
            }
        }
        for (const auto& contract : store_->contract_codes()) {
            if (contracts_registered.count(contract) == 0) {
                fail(std::nullopt,
                     msg("contract '{contract}' has no entry that registered it").with("contract", contract.second));
                return result;
            }
        }
        // Each amendment entry's row is covered by its hash; a row no entry wrote is an addition.
        if (const auto rows = store_->amendment_rows(); rows != amendment_entries) {
            fail(std::nullopt, msg("the amendments table holds {rows} rows for {entries} amendment entries (the file "
                                   "was edited outside fundflow)")
                                   .with("rows", std::to_string(rows))
                                   .with("entries", std::to_string(amendment_entries)));
            return result;
        }
        // Likewise each account entry's row of account_events (schema 5).
        if (const auto rows = store_->account_event_rows(); rows != account_entries) {
            fail(std::nullopt, msg("the account_events table holds {rows} rows for {entries} account entries (the "
                                   "file was edited outside fundflow)")
                                   .with("rows", std::to_string(rows))
                                   .with("entries", std::to_string(account_entries)));
            return result;
        }
        // And each unit entry's row of units (schema 7).
        if (const auto rows = store_->unit_rows(); rows != unit_entries) {
            fail(std::nullopt, msg("the units table holds {rows} rows for {entries} unit entries (the file was "
                                   "edited outside fundflow)")
                                   .with("rows", std::to_string(rows))
                                   .with("entries", std::to_string(unit_entries)));
            return result;
        }
        for (const auto& problem : derived_problems) {
            fail(std::nullopt, msg("{problem} (the file was edited outside fundflow)").with("problem", problem));
            return result;
        }
        if (digest && !digest_found) {
            fail(std::nullopt, msg("the ledger does not extend the digest {digest}…: entries it covered were removed "
                                   "or rewritten, or an older copy was restored")
                                   .with("digest", (digest_entries ? std::to_string(*digest_entries) + ":"
                                                                   : std::string()) +
                                                       digest_hash.substr(0, 16)));
        }
        return result;
    }(); }); });
    return verified;
}

std::int64_t Ledger::data_version() const {
    return detail::read_guarded(*store_, [&] { return store_->data_version(); });
}

std::optional<Message> Ledger::spot_check(const std::vector<ReportedYear>& years, std::int64_t links) const {
    return detail::read_guarded(*store_, [&]() -> std::optional<Message> {
        std::optional<Message> problem;
        const detail::Head head = store_->head();
        if (links > 0 && head.entries > 0) {
            // The entry before the first one checked gives the first link's expected prev_hash.
            const std::int64_t first = std::max<std::int64_t>(1, head.entries - links + 1);
            std::int64_t expected = first > 1 ? first - 1 : 1;
            std::optional<std::string> prev_hash;
            if (first == 1) {
                prev_hash = std::string(detail::kGenesisHash);
            }
            try {
                store_->for_each_chain_record(
                    [&](const ChainRecord& r) {
                        const auto id = static_cast<std::int64_t>(r.entry.id);
                        if (id != expected) {
                            problem = missing_entry(expected, id);
                            return false;
                        }
                        // The first row's own hash is not recomputed, so the link it gives is checked
                        // for form too (chain_hash takes only a well-formed hash).
                        if ((prev_hash && r.entry.prev_hash != *prev_hash) || !detail::is_hex_hash(r.entry.prev_hash)) {
                            problem = broken_link(id);
                            return false;
                        }
                        if (id >= first && detail::chain_hash(r.entry.prev_hash,
                                                              detail::canonical_encoding(r.entry, r.project_record,
                                                                                         r.contract_record,
                                                                                         r.amendment_record,
                                                                                         r.account_record,
                                                                                         r.unit_record)) !=
                                               r.entry.hash) {
                            problem = altered_entry(id);
                            return false;
                        }
                        prev_hash = r.entry.hash;
                        ++expected;
                        return true;
                    },
                    expected);
            } catch (const Error& e) {
                if (e.code() != ErrorCode::integrity) {
                    throw;
                }
                problem = e.message();
            }
            if (!problem && expected != head.entries + 1) {
                problem = msg("the newest entries end at #{last}, not at the head #{head}")
                              .with("last", std::to_string(expected - 1))
                              .with("head", std::to_string(head.entries));
            }
        }
        for (const auto& reported : years) {
            if (problem) {
                break;
            }
            if (const auto row = store_->find_project(reported.project)) {
                if (auto problems = store_->year_totals_problems(row->id, reported.year); !problems.empty()) {
                    problem = msg("project {project}: {problem} (the file was edited outside fundflow)")
                                  .with("project", reported.project)
                                  .with("problem", problems.front());
                }
            }
        }
        return problem;
    });
}

std::string_view to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::pass:
            return "pass";
        case Verdict::warn:
            return "warn";
        case Verdict::fail:
            return "fail";
    }
    return "fail";
}

CheckReport Ledger::check(const ReadCut& cut, int grace_days) const {
    return detail::read_guarded(*store_, [&] { return check_in_snapshot(cut, grace_days); });
}

CheckReport Ledger::check_in_snapshot(const ReadCut& cut, int grace_days) const {
    CheckReport report;
    report.as_of = cut.as_of;

    CheckResult chain{"chain", Verdict::pass, {}};
    const VerifyResult verified = verify(std::nullopt, true);
    if (!verified.ok) {
        chain.verdict = Verdict::fail;
        chain.details.push_back(verified.problem);
    } else {
        chain.details.push_back(msg("{entries} entries, head {head}")
                                    .with("entries", std::to_string(verified.digest.entries))
                                    .with("head", verified.digest.head));
    }
    report.checks.push_back(chain);

    // The rules are recomputed from the day totals, which verify has just proved equal to the entries.
    CheckResult invariants{"invariants", Verdict::pass, {}};
    const auto projects = guarded([&] { return store_->projects(); });
    if (!verified.ok) {
        invariants.verdict = Verdict::fail;
        invariants.details.push_back(msg("not recomputed: the chain is broken"));
    } else {
        for (const auto& project : projects) {
            for (auto& problem : guarded([&] { return detail::audit_project(*store_, project); })) {
                invariants.details.push_back(std::move(problem));
            }
        }
        if (!invariants.details.empty()) {
            invariants.verdict = Verdict::fail;
        }
    }
    report.checks.push_back(invariants);
    report.integrity_failed = chain.verdict == Verdict::fail || invariants.verdict == Verdict::fail;

    WarrantyFilter filter;
    filter.grace_days = grace_days;
    filter.cut = cut;
    const WarrantyReport deposits = warranty(filter);
    CheckResult overdue{"retentions_overdue", Verdict::pass, {}};
    CheckResult due{"retentions_due", Verdict::pass, {}};
    for (const auto& row : deposits.rows) {
        const Message deposit = (row.sme ? msg("{project} {contract} ({supplier}, SME): {amount} due {due}")
                                         : msg("{project} {contract} ({supplier}): {amount} due {due}"))
                                    .with("project", row.project)
                                    .with("contract", row.contract)
                                    .with("supplier", row.supplier)
                                    .with("amount", detail::yuan(row.outstanding()))
                                    .with("due", to_string(row.due));
        const std::string days = std::to_string(-row.days_to_due);
        if (row.status == RetentionStatus::overdue) {
            overdue.details.push_back(msg("{deposit}, {days} days ago").with("deposit", deposit).with("days", days));
        } else if (row.status == RetentionStatus::due) {
            due.details.push_back(row.days_to_due == 0
                                      ? msg("{deposit}, today").with("deposit", deposit)
                                      : msg("{deposit}, {days} days ago (within the grace period)")
                                            .with("deposit", deposit)
                                            .with("days", days));
        }
    }
    overdue.verdict = overdue.details.empty() ? Verdict::pass : Verdict::fail;
    due.verdict = due.details.empty() ? Verdict::pass : Verdict::warn;
    report.overdue = overdue.verdict == Verdict::fail;
    report.checks.push_back(overdue);
    report.checks.push_back(due);

    CheckResult closed{"years_closed", Verdict::pass, {}};
    guarded([&] {
        for (const auto& project : projects) {
            const auto first = store_->first_day(project.id);
            const auto last = store_->last_day(project.id);
            if (!first || !last) {
                continue;
            }
            // Past years still open to back-dated postings: those with entries, and those that held money
            // carried in from before (their form is not empty, and they feed the next year's carryover).
            const int closed_through = store_->closed_through(project.id).value_or(0);
            const int until = year_of(cut.as_of) - 1;
            std::string open;
            for (int year = std::max(year_of(*first), closed_through + 1); year <= until; ++year) {
                const auto before = store_->project_totals_before(project.id, first_day_of(year));
                const bool carries = detail::weighted(before, &detail::Weights::carry) != Money{} ||
                                     detail::weighted(before, &detail::Weights::outstanding) != Money{};
                if (year > year_of(*last) && !carries) {
                    continue;
                }
                open += (open.empty() ? "" : ", ") + std::to_string(year);
            }
            if (!open.empty()) {
                closed.details.push_back(msg("{project}: past years not closed: {years}")
                                             .with("project", project.project.code)
                                             .with("years", open));
            }
        }
    });
    // A reopened year is legitimate but worth an auditor's eye: who reopened it, when and why.
    guarded([&] {
        LogFilter reopens;
        reopens.kind = EntryKind::reopen;
        reopens.cut = cut;
        reopens.cut.as_of = last_day_of(9999);
        for (const auto& e : store_->log(reopens)) {
            closed.details.push_back(msg("{project}: year {year} was reopened by {user} at {recorded} (entry #{id}): "
                                         "{memo}")
                                         .with("project", e.project)
                                         .with("year", std::to_string(year_of(e.effective_on)))
                                         .with("user", e.user)
                                         .with("recorded", e.recorded_at)
                                         .with("id", std::to_string(static_cast<std::int64_t>(e.id)))
                                         .with("memo", e.memo));
        }
    });
    closed.verdict = closed.details.empty() ? Verdict::pass : Verdict::warn;
    report.checks.push_back(closed);
    return report;
}

}  // namespace ledger
