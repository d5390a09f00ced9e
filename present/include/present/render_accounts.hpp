// cli/render_accounts.hpp — what the account commands print (user add/list/disable/passwd/role, token
// create), and the rows `show` adds to an account entry. Tables and lines in the language asked (every word
// through the catalogue, i18n.hpp); JSON as one compact line written with nlohmann::ordered_json (keys in the
// order written, never translated); CSV for the list.
#pragma once

#include <string>
#include <vector>

#include "ledger/accounts.hpp"
#include "ledger/ledger.hpp"
#include "present/render.hpp"

namespace fundflow {

enum class AccountChange { added, disabled, password, role };

// One account entry just written, and the account as it stands after it:
//   table: one line ("user lisi added as accountant on projects P001, P002 (entry #14)");
//   json:  {"entry": {…as every writing command…}, "account": {"user": …, "role": …, "projects": […],
//          "disabled": false, "created_at": …, "created_by": …}}.
void print_account_change(const RenderOptions& options, AccountChange change, const ledger::PostResult& result,
                          const ledger::Account& account);

// `user list`: table / CSV columns user, role, projects, status, created, created by;
// json: {"users": [{"user", "role", "projects", "disabled", "created_at", "created_by"}]}.
void print_users(const RenderOptions& options, const std::vector<ledger::Account>& users);

// `token create`: table: the token alone on the first line (for scripts), then a line saying whose it is,
// when it expires and that it is shown only now; json: {"user", "token", "expires_at", "entry": {…}}.
void print_token(const RenderOptions& options, const std::string& token, const ledger::AccountEvent& event,
                 const ledger::Entry& entry);

// The rows `show` adds to an account entry (keys account_user, account_action, account_role,
// account_projects, account_password, account_token_sha256, account_token_expires_at; only those the entry
// sets). JSON gets the ids (accountant, create); tables the words of the language asked.
std::vector<ExtraField> account_extras(const RenderOptions& options, const ledger::AccountEvent& event);

// The role in the language asked (会计 / accountant), for messages.
ledger::Message role_word(ledger::Role role);

}  // namespace fundflow
