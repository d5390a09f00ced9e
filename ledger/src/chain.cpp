#include "chain.hpp"

#include <openssl/evp.h>

#include <array>

#include "ledger/error.hpp"
#include "ledger/kinds.hpp"

namespace ledger::detail {
namespace {

void field(std::string& out, std::string_view name, std::string_view value) {
    out += name;
    out += ':';
    out += std::to_string(value.size());
    out += ':';
    out += value;
    out += '\n';
}

void null_field(std::string& out, std::string_view name) {
    out += name;
    out += ":-\n";
}

template <typename T, typename F>
void optional_field(std::string& out, std::string_view name, const std::optional<T>& value, F&& text) {
    if (value) {
        field(out, name, text(*value));
    } else {
        null_field(out, name);
    }
}

}  // namespace

std::string canonical_encoding(const Entry& entry, const std::optional<Project>& project_record,
                               const std::optional<Contract>& contract_record,
                               const std::optional<Amendment>& amendment_record,
                               const std::optional<AccountRecord>& account_record,
                               const std::optional<Unit>& unit_record) {
    std::string out = "fundflow-entry-v1\n";
    field(out, "id", std::to_string(static_cast<std::int64_t>(entry.id)));
    field(out, "kind", to_string(entry.kind));
    field(out, "effect_kind", to_string(entry.effect_kind));
    // Project codes are never empty: an empty one is the NULL project of an account entry (schema 5).
    if (entry.project.empty()) {
        null_field(out, "project");
    } else {
        field(out, "project", entry.project);
    }
    optional_field(out, "level", entry.level, [](Level l) { return std::string(to_string(l)); });
    field(out, "amount_fen", std::to_string(entry.amount.fen()));
    field(out, "effective_on", to_string(entry.effective_on));
    field(out, "recorded_at", entry.recorded_at);
    field(out, "user", entry.user);
    field(out, "os_user", entry.os_user);
    optional_field(out, "contract", entry.contract, [](const std::string& s) { return s; });
    optional_field(out, "ref", entry.ref, [](const std::string& s) { return s; });
    field(out, "memo", entry.memo);
    optional_field(out, "reverses", entry.reverses,
                   [](EntryId id) { return std::to_string(static_cast<std::int64_t>(id)); });
    optional_field(out, "accepted_on", entry.accepted_on, [](Date d) { return to_string(d); });
    optional_field(out, "due_on", entry.due_on, [](Date d) { return to_string(d); });
    optional_field(out, "warranty_months", entry.warranty_months, [](int m) { return std::to_string(m); });
    // Fields added with schema 3 are encoded only when set, so every entry written before keeps its hash.
    if (entry.refunds) {
        field(out, "refunds", std::to_string(static_cast<std::int64_t>(*entry.refunds)));
    }
    if (entry.corrects) {
        field(out, "corrects", std::to_string(static_cast<std::int64_t>(*entry.corrects)));
    }
    // A registration without its record can only come from a file edited behind fundflow's back.
    const auto missing = [&](EntryKind what) {
        return Error(ErrorCode::integrity, msg("entry #{id} registers a {kind} whose record is missing or altered")
                                               .with("id", std::to_string(static_cast<std::int64_t>(entry.id)))
                                               .with("kind", kind_name(what)));
    };
    if (entry.kind == EntryKind::project) {
        if (!project_record) {
            throw missing(EntryKind::project);
        }
        field(out, "project.name", project_record->name);
        field(out, "project.unit_name", project_record->unit_name);
        field(out, "project.func_code", project_record->func_code);
        // Added with schema 7: only when the project belongs to a unit, so every earlier hash stays.
        if (!project_record->unit.empty()) {
            field(out, "project.unit", project_record->unit);
        }
    }
    if (entry.kind == EntryKind::contract) {
        if (!contract_record) {
            throw missing(EntryKind::contract);
        }
        field(out, "contract.supplier", contract_record->supplier);
        field(out, "contract.amount_fen", std::to_string(contract_record->amount.fen()));
        field(out, "contract.retention_rate_bp", std::to_string(contract_record->retention_rate_bp));
        field(out, "contract.warranty_months", std::to_string(contract_record->warranty_months));
        field(out, "contract.sme", contract_record->sme ? "1" : "0");
    }
    if (entry.kind == EntryKind::amendment) {
        // Every term, in this order, '-' for a term the amendment leaves as it was (docs/hash-chain.md).
        if (!amendment_record) {
            throw Error(ErrorCode::integrity, msg("entry #{id} is an amendment whose terms are missing or altered")
                                                  .with("id", std::to_string(static_cast<std::int64_t>(entry.id))));
        }
        const Amendment& a = *amendment_record;
        const auto text = [](const std::string& s) { return s; };
        optional_field(out, "amendment.name", a.name, text);
        optional_field(out, "amendment.unit_name", a.unit_name, text);
        optional_field(out, "amendment.func_code", a.func_code, text);
        optional_field(out, "amendment.supplier", a.supplier, text);
        optional_field(out, "amendment.amount_fen", a.amount, [](Money m) { return std::to_string(m.fen()); });
        optional_field(out, "amendment.retention_rate_bp", a.retention_rate_bp,
                       [](std::int64_t bp) { return std::to_string(bp); });
        optional_field(out, "amendment.warranty_months", a.warranty_months, [](int m) { return std::to_string(m); });
        optional_field(out, "amendment.sme", a.sme, [](bool b) { return std::string(b ? "1" : "0"); });
    }
    if (entry.kind == EntryKind::account) {
        // The account acted on and the action always; each term only when the action sets it
        // (docs/hash-chain.md).
        if (!account_record) {
            throw Error(ErrorCode::integrity, msg("entry #{id} is an account entry whose terms are missing or altered")
                                                  .with("id", std::to_string(static_cast<std::int64_t>(entry.id))));
        }
        const AccountRecord& a = *account_record;
        field(out, "account.user", a.user);
        field(out, "account.action", a.action);
        for (const auto& [name, value] :
             {std::pair{"account.role", &a.role}, std::pair{"account.projects", &a.projects},
              std::pair{"account.password_hash", &a.password_hash}, std::pair{"account.token_sha256", &a.token_sha256},
              std::pair{"account.token_expires_at", &a.token_expires_at}}) {
            if (*value) {
                field(out, name, **value);
            }
        }
    }
    if (entry.kind == EntryKind::unit) {
        // The unit's code, name and parent ('-' for a root), always (docs/hash-chain.md).
        if (!unit_record) {
            throw missing(EntryKind::unit);
        }
        field(out, "unit.code", unit_record->code);
        field(out, "unit.name", unit_record->name);
        if (unit_record->parent.empty()) {
            null_field(out, "unit.parent");
        } else {
            field(out, "unit.parent", unit_record->parent);
        }
    }
    return out;
}

std::string chain_hash(std::string_view prev_hash, std::string_view encoding) {
    LEDGER_ASSERT(prev_hash.size() == 64);
    // One digest context per thread, reset for each hash (a verify of a million entries would otherwise
    // allocate and free a million of them).
    struct Context {
        EVP_MD_CTX* context = EVP_MD_CTX_new();
        Context() = default;
        Context(const Context&) = delete;
        Context& operator=(const Context&) = delete;
        ~Context() { EVP_MD_CTX_free(context); }
    };
    thread_local const Context holder;
    // Fetched once: EVP_sha256() alone makes OpenSSL 3 look the algorithm up again on every init.
    static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    EVP_MD_CTX* context = holder.context;
    if (context == nullptr || sha256 == nullptr) {
        throw Error(ErrorCode::storage, msg("OpenSSL could not allocate a digest context"));
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    const bool ok = EVP_DigestInit_ex(context, sha256, nullptr) == 1 &&
                    EVP_DigestUpdate(context, prev_hash.data(), prev_hash.size()) == 1 &&
                    EVP_DigestUpdate(context, encoding.data(), encoding.size()) == 1 &&
                    EVP_DigestFinal_ex(context, digest.data(), &length) == 1;
    if (!ok || length != 32) {
        throw Error(ErrorCode::storage, msg("OpenSSL failed to compute SHA-256"));
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(64);
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0xF];
    }
    return hex;
}

bool is_hex_hash(std::string_view text) {
    if (text.size() != 64) {
        return false;
    }
    for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

}  // namespace ledger::detail
