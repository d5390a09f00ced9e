#include "present/render_accounts.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string_view>

#include "present/i18n.hpp"
#include "present/json.hpp"
#include "present/output.hpp"
#include "render_parts.hpp"

namespace fundflow {
namespace {

using ledger::msg;
using OrderedJson = nlohmann::ordered_json;

// The layout of every JSON the CLI prints (present/json.hpp).
void write_json(const OrderedJson& json) { write(dump_json(json)); }

std::string id_text(ledger::EntryId id) {
    return std::to_string(static_cast<std::int64_t>(id));
}

// "2026-12-07T07:30:00Z": an instant to the second, as `log` shows one.
std::string instant_text(const std::string& recorded) {
    return recorded.substr(0, 19) + "Z";
}

std::string joined(const std::vector<std::string>& codes) {
    std::string out;
    for (const auto& code : codes) {
        out += (out.empty() ? "" : ", ") + code;
    }
    return out;
}

OrderedJson optional_text(const std::optional<std::string>& value) {
    return value ? OrderedJson(*value) : OrderedJson(nullptr);
}

OrderedJson account_json(const ledger::Account& a) {
    OrderedJson j;
    j["user"] = a.name;
    j["role"] = std::string(ledger::to_string(a.role));
    j["projects"] = a.projects;
    j["disabled"] = a.disabled;
    j["created_at"] = a.created_at;
    j["created_by"] = a.created_by;
    return j;
}

// An accountant's projects in words: the codes, or "every project".
std::string scope_text(const ledger::Account& a) {
    if (a.role != ledger::Role::accountant) {
        return "";
    }
    return a.projects.empty() ? tr("every project") : joined(a.projects);
}

ledger::Message action_word(ledger::AccountAction action) {
    switch (action) {
        case ledger::AccountAction::create:
            return msg("user created");
        case ledger::AccountAction::disable:
            return msg("user disabled");
        case ledger::AccountAction::role:
            return msg("role changed");
        case ledger::AccountAction::password:
            return msg("password set");
        case ledger::AccountAction::token:
            return msg("token created");
    }
    return msg("user created");
}

}  // namespace

ledger::Message role_word(ledger::Role role) {
    switch (role) {
        case ledger::Role::accountant:
            return msg("accountant");
        case ledger::Role::auditor:
            return msg("auditor");
        case ledger::Role::admin:
            return msg("admin");
    }
    return msg("auditor");
}

void print_account_change(const RenderOptions& o, AccountChange change, const ledger::PostResult& result,
                          const ledger::Account& account) {
    if (o.json()) {
        OrderedJson j;
        j["entry"] = entry_json(result.entry);
        j["account"] = account_json(account);
        write_json(j);
        return;
    }
    const bool scoped = account.role == ledger::Role::accountant && !account.projects.empty();
    ledger::Message line;
    switch (change) {
        case AccountChange::added:
            line = scoped ? msg("user {user} added as {role} on projects {projects} (entry #{id})")
                          : msg("user {user} added as {role} (entry #{id})");
            break;
        case AccountChange::role:
            line = scoped ? msg("user {user} is now {role} on projects {projects} (entry #{id})")
                          : msg("user {user} is now {role} (entry #{id})");
            break;
        case AccountChange::disabled:
            line = msg("user {user} disabled: its sessions and tokens no longer work (entry #{id})");
            break;
        case AccountChange::password:
            line = msg("the password of user {user} was changed (entry #{id})");
            break;
    }
    line.with("user", account.name)
        .with("role", role_word(account.role))
        .with("projects", joined(account.projects))
        .with("id", id_text(result.entry.id));
    write(word(line) + "\n");
}

void print_users(const RenderOptions& o, const std::vector<ledger::Account>& users) {
    if (o.json()) {
        OrderedJson list = OrderedJson::array();
        for (const auto& a : users) {
            list.push_back(account_json(a));
        }
        OrderedJson j;
        j["users"] = std::move(list);
        write_json(j);
        return;
    }
    const std::vector<std::string> headings{tr("user"),   tr("role"),    tr("projects"),
                                            tr("status"), tr("created"), tr("created by")};
    const auto cells = [&](const ledger::Account& a) {
        return std::vector<std::string>{a.name,
                                        word(role_word(a.role)),
                                        scope_text(a),
                                        a.disabled ? tr("disabled") : tr("active"),
                                        o.csv() ? a.created_at : instant_text(a.created_at),
                                        a.created_by};
    };
    if (o.csv()) {
        write(csv_line(headings));
        for (const auto& a : users) {
            write(csv_line(cells(a)));
        }
        return;
    }
    Table table;
    table.columns(headings, std::vector<Table::Align>(headings.size(), Table::Align::left));
    for (const auto& a : users) {
        table.row(cells(a));
    }
    table.write([](std::string_view text) { write(text); });
}

void print_token(const RenderOptions& o, const std::string& token, const ledger::AccountEvent& event,
                 const ledger::Entry& entry) {
    if (o.json()) {
        OrderedJson j;
        j["user"] = event.user;
        j["token"] = token;
        j["expires_at"] = optional_text(event.token_expires_at);
        j["entry"] = entry_json(entry);
        write_json(j);
        return;
    }
    // The token alone on its line, so that a script can take the first line; then what it is.
    write(token + "\n");
    ledger::Message about = event.token_expires_at
                                ? msg("the token of user {user}, valid until {expires} (entry #{id}); it is shown "
                                      "only this once: keep it safe")
                                : msg("the token of user {user}, valid until revoked (entry #{id}); it is shown "
                                      "only this once: keep it safe");
    about.with("user", event.user)
        .with("expires", event.token_expires_at ? instant_text(*event.token_expires_at) : std::string())
        .with("id", id_text(event.entry));
    write(word(about) + "\n");
}

std::vector<ExtraField> account_extras(const RenderOptions& o, const ledger::AccountEvent& a) {
    const bool ids = o.json();
    std::vector<ExtraField> extra;
    extra.push_back({"account_user", tr("account"), a.user});
    extra.push_back(
        {"account_action", tr("action"), ids ? std::string(ledger::to_string(a.action)) : word(action_word(a.action))});
    if (a.role) {
        extra.push_back(
            {"account_role", tr("role"), ids ? std::string(ledger::to_string(*a.role)) : word(role_word(*a.role))});
        if (*a.role == ledger::Role::accountant) {
            extra.push_back({"account_projects", tr("projects"),
                             a.projects.empty() && !ids ? tr("every project") : joined(a.projects)});
        }
    }
    if (a.sets_password) {
        extra.push_back({"account_password", tr("password"), ids ? "argon2id" : tr("argon2id hash recorded")});
    }
    if (a.token_sha256) {
        extra.push_back({"account_token_sha256", tr("token SHA-256"), *a.token_sha256});
        if (a.token_expires_at || !ids) {  // JSON: no key for a token that never expires
            extra.push_back({"account_token_expires_at", tr("token expires"),
                             a.token_expires_at ? *a.token_expires_at : tr("never")});
        }
    }
    return extra;
}

}  // namespace fundflow
