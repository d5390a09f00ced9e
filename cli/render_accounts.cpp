#include "render_accounts.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string_view>

#include "i18n.hpp"
#include "output.hpp"

namespace fundflow {
namespace {

using ledger::msg;
using OrderedJson = nlohmann::ordered_json;  // (fundflow::Json is output.hpp's writer)

void write(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
}

// One compact line and a newline, as every JSON the CLI prints. Text is written as it is stored (UTF-8,
// not \u escapes); the library stores only well-formed UTF-8, so `replace` never has to act.
void write_json(const OrderedJson& json) {
    write(json.dump(-1, ' ', false, OrderedJson::error_handler_t::replace) + "\n");
}

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

// The entry as every writing command prints it (cli.md "Writing commands print the new entry"): the keys of
// render.cpp's write_entry_json, `project` null for an account entry.
OrderedJson entry_json(const ledger::Entry& e) {
    OrderedJson j;
    j["id"] = static_cast<std::int64_t>(e.id);
    j["kind"] = std::string(ledger::to_string(e.kind));
    j["effect_kind"] = std::string(ledger::to_string(e.effect_kind));
    j["project"] = e.project.empty() ? OrderedJson(nullptr) : OrderedJson(e.project);
    j["level"] = e.level ? OrderedJson(std::string(ledger::to_string(*e.level))) : OrderedJson(nullptr);
    j["amount_fen"] = e.amount.fen();
    j["date"] = ledger::to_string(e.effective_on);
    j["recorded_at"] = e.recorded_at;
    j["user"] = e.user;
    j["os_user"] = e.os_user;
    j["contract"] = optional_text(e.contract);
    j["ref"] = optional_text(e.ref);
    j["memo"] = e.memo;
    j["reverses"] = e.reverses ? OrderedJson(static_cast<std::int64_t>(*e.reverses)) : OrderedJson(nullptr);
    j["accepted"] = e.accepted_on ? OrderedJson(ledger::to_string(*e.accepted_on)) : OrderedJson(nullptr);
    j["due"] = e.due_on ? OrderedJson(ledger::to_string(*e.due_on)) : OrderedJson(nullptr);
    j["warranty_months"] = e.warranty_months ? OrderedJson(*e.warranty_months) : OrderedJson(nullptr);
    j["prev_hash"] = e.prev_hash;
    j["hash"] = e.hash;
    return j;
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
    table.write([](std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); });
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
