// `fundflow copy` (cli.md "Storage engines and units"): a whole ledger into an empty one, entry by entry with
// the same ids, recorded times and hashes. The source's chain is recomputed as it is read, so a broken ledger
// is never copied into a sound-looking one; the destination is written in one transaction and verified
// before the copy counts.
#include <filesystem>
#include <system_error>

#include "chain.hpp"
#include "guarded.hpp"
#include "ledger/ledger.hpp"
#include "store.hpp"

namespace ledger {
namespace {

using detail::Store;

constexpr std::int64_t kProgressEvery = 4096;

// Removes a ledger file this copy created, with its WAL and shared-memory files.
void remove_ledger_files(const std::string& path) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        std::filesystem::remove(path + suffix, ignored);
    }
}

Error not_empty(const std::string& to, std::int64_t entries) {
    return Error(ErrorCode::invalid_input,
                 msg("'{to}' already holds {entries} entries: copy writes only into a new or empty ledger; give "
                     "another --to")
                     .with("to", to)
                     .with("entries", std::to_string(entries)));
}

Error broken_source(std::int64_t id, const std::string& from) {
    return Error(ErrorCode::integrity,
                 msg("the ledger to copy fails its hash chain at entry #{id}; nothing was copied: run 'fundflow "
                     "--db {from} verify'")
                     .with("id", std::to_string(id))
                     .with("from", from));
}

// Writes one entry of the source, with the record its registration or change carries, into `to`.
void copy_record(Store& to, const detail::ChainRecord& r) {
    const Entry& e = r.entry;
    std::optional<std::int64_t> project_id;
    std::optional<std::int64_t> contract_id;
    if (e.kind == EntryKind::project) {
        project_id = to.insert_project(*r.project_record);
    } else if (!e.project.empty()) {
        project_id = to.find_project(e.project).value().id;
    }
    if (e.kind == EntryKind::contract) {
        contract_id = to.insert_contract(*project_id, *r.contract_record);
    } else if (e.contract) {
        contract_id = to.find_contract(*project_id, *e.contract).value().id;
    }
    to.insert_entry(e, project_id, contract_id);
    const auto id = static_cast<std::int64_t>(e.id);
    if (e.kind == EntryKind::amendment && r.amendment_record) {
        const Amendment& a = *r.amendment_record;
        std::optional<std::int64_t> amended;
        if (a.contract) {
            amended = to.find_contract(*project_id, *a.contract).value().id;
        }
        to.insert_amendment(a, *project_id, amended);
    }
    if (e.kind == EntryKind::account && r.account_record) {
        to.insert_account_event(id, *r.account_record);
    }
    if (e.kind == EntryKind::unit && r.unit_record) {
        to.insert_unit(id, *r.unit_record);
    }
}

// Writes every entry, import record and idempotency key of `source` into the empty `target` in one
// transaction, recomputing the source's chain as it goes; the digest of what was written.
void copy_into(const Store& source, Store& target, const std::string& from, Ledger::CopyResult& result,
               const std::function<void(std::int64_t, std::int64_t)>& progress) {
    source.read([&] {
        const std::int64_t total = source.head().entries;
        target.transaction([&] {
            if (const std::int64_t there = target.head().entries; there > 0) {
                throw not_empty(detail::sql::redacted(target.path()), there);
            }
            std::string prev(64, '0');
            std::int64_t done = 0;
            source.for_each_chain_record([&](const detail::ChainRecord& r) {
                const auto id = static_cast<std::int64_t>(r.entry.id);
                if (id != done + 1 || r.entry.prev_hash != prev ||
                    detail::chain_hash(prev, detail::canonical_encoding(r.entry, r.project_record, r.contract_record,
                                                                        r.amendment_record, r.account_record,
                                                                        r.unit_record)) != r.entry.hash) {
                    throw broken_source(done + 1, from);
                }
                copy_record(target, r);
                prev = r.entry.hash;
                ++done;
                if (progress && done % kProgressEvery == 0) {
                    progress(done, total);
                }
                return true;
            });
            if (done != total) {
                throw broken_source(done + 1, from);
            }
            for (const ImportRecord& record : source.imports()) {
                target.insert_import(record);
                ++result.imports;
            }
            for (const IdempotencyRecord& record : source.idempotency_records()) {
                target.insert_idempotency(record);
                ++result.idempotency_keys;
            }
            // What this transaction wrote is the source's chain, head for head, before it commits.
            const detail::Head written = target.head();
            if (written.entries != done || written.hash != prev) {
                throw Error(ErrorCode::integrity,
                            msg("the copy's head is not the source's; nothing was written to '{to}'")
                                .with("to", target.path()));
            }
            if (progress) {
                progress(done, total);
            }
            result.digest = Digest{done, prev};
        });
    });
}

// The copy verifies on its own, with the source's digest, or it does not count.
void check_copy(const std::string& at, const std::string& to, const Ledger::CopyResult& result) {
    const VerifyResult check = Ledger::open(at, Ledger::Mode::read_only).verify();
    if (!check.ok) {
        throw Error(ErrorCode::integrity, msg("the copy does not verify ({problem}); nothing was written to '{to}'")
                                              .with("problem", check.problem)
                                              .with("to", to));
    }
    if (!(check.digest == result.digest)) {
        throw Error(ErrorCode::integrity,
                    msg("the copy verifies to {copy}, not the source's {source}; nothing was written to '{to}'")
                        .with("copy", std::to_string(check.digest.entries) + ":" + check.digest.head)
                        .with("source", std::to_string(result.digest.entries) + ":" + result.digest.head)
                        .with("to", to));
    }
}

}  // namespace

Ledger::CopyResult Ledger::copy(const std::string& from, const std::string& to,
                                const std::function<void(std::int64_t, std::int64_t)>& progress) {
    std::error_code same_error;
    if (from == to || std::filesystem::equivalent(from, to, same_error)) {
        throw Error(ErrorCode::invalid_input, msg("--from and --to name the same ledger; give another --to"));
    }
    const auto source = detail::guarded([&] { return Store::open(from, false); });
    CopyResult result;
    if (detail::sql::is_postgres_uri(to)) {
        // A PostgreSQL destination is written in one transaction (all or nothing: a failure or a crash
        // before COMMIT leaves the database as it was), checked head for head before COMMIT and verified
        // after it. `init` applies the schema to an empty database first.
        detail::guarded([&] {
            Store::create(to);
            const auto target = Store::open(to, true);
            copy_into(*source, *target, from, result, progress);
        });
        check_copy(to, to, result);
        return result;
    }
    // An existing destination must be an empty ledger; it is only read here, and replaced at the end.
    if (std::filesystem::exists(to)) {
        const std::int64_t there = detail::guarded([&] { return Store::open(to, false)->head().entries; });
        if (there > 0) {
            throw not_empty(to, there);
        }
    }
    // The copy is written beside the destination and takes its name only once it verifies: a failure or a
    // crash never leaves a partial ledger at `to` (all or nothing).
    const std::string part = to + ".fundflow-copy";
    remove_ledger_files(part);
    try {
        detail::guarded([&] {
            Store::create(part);
            const auto target = Store::open(part, true);
            copy_into(*source, *target, from, result, progress);
        });
        check_copy(part, to, result);
        // Every connection to the copy is closed, so SQLite has folded its log into the file; a log it
        // left all the same goes with it.
        remove_ledger_files(to);
        std::filesystem::rename(part, to);
        if (std::filesystem::exists(part + "-wal")) {
            std::filesystem::rename(part + "-wal", to + "-wal");
        }
        std::error_code ignored;
        std::filesystem::remove(part + "-shm", ignored);
    } catch (...) {
        remove_ledger_files(part);
        throw;
    }
    return result;
}

}  // namespace ledger
