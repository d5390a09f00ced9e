// ledger/accounts.hpp — who may use a shared ledger (api.md "Roles", "Authentication").
//
// Contract:
//   * Accounts live in the ledger file. Creating a user, disabling one, changing a role or project list,
//     setting a password and creating a bearer token are entries of kind `account` in the hash chain
//     (no project, no level, amount 0), each naming the actor who did it; their terms (user, role,
//     projects, disabled, argon2id password hash, token hash and expiry) sit in the side table
//     `account_events` and enter the entry's hash, as amendments do (docs/hash-chain.md). verify()
//     covers them; editing a row of account_events or of the entry breaks the chain.
//   * Passwords are hashed with argon2id (libsodium crypto_pwhash_str, interactive limits); tokens are
//     32 random bytes (libsodium randombytes_buf) shown once as 64 lowercase hex digits; only their
//     SHA-256 is stored.
//   * Sessions (login) are not entries: table `sessions` (token hash, user, created, last seen, revoked),
//     mutable, never part of the chain. Failed logins are counted per user in `login_failures`.
//   * The state of an account is the fold of its account entries in id order.
//   * Names are case-sensitive, 1–64 characters, without blanks or control characters.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/entry.hpp"

namespace ledger {

enum class Role { accountant, auditor, admin };
std::string_view to_string(Role role);     // "accountant"
std::string_view chinese_name(Role role);  // "会计" / "审计" / "管理员"
Role parse_role(std::string_view text);    // English or Chinese; Error{invalid_input} listing them

struct Account {
    std::string name;
    Role role = Role::auditor;
    std::vector<std::string> projects;  // accountant only; empty: every project
    bool disabled = false;
    std::string created_at;  // recorded_at of the entry that created it
    std::string created_by;  // the actor's user of that entry
};

// The checks add_user and set_role make before anything else, for a front end to run before it asks for
// a password: Error{invalid_input} for a name that cannot name an account, or for projects given with a
// role other than accountant.
void check_account_terms(std::string_view name, Role role, const std::vector<std::string>& projects);

// What an account entry did (its row of account_events).
enum class AccountAction { create, disable, role, password, token };
std::string_view to_string(AccountAction action);  // "create", ...

// The terms of one account entry as an auditor may see them: everything but the password hash (which is
// in the file and in the entry's hash, never shown).
struct AccountEvent {
    EntryId entry{};
    std::string user;  // the account acted on (the entry's own user is the actor)
    AccountAction action = AccountAction::create;
    std::optional<Role> role;                     // create, role
    std::vector<std::string> projects;            // create, role: an accountant's projects (empty: every one)
    bool sets_password = false;                   // create, password
    std::optional<std::string> token_sha256;      // token: the SHA-256 of the token, 64 hex digits
    std::optional<std::string> token_expires_at;  // token: UTC instant (calendar.hpp form); unset: never
};

// An authenticated caller of the service.
struct Principal {
    std::string user;
    Role role = Role::auditor;
    std::vector<std::string> projects;  // empty: every project
    bool session = false;               // a login session (cookie may carry it), not a `token create` token
    // May this principal post money entries on `project`? Accountants only, on their projects.
    bool may_post(std::string_view project) const;
};

struct LoginResult {
    enum class Outcome { ok, bad_credentials, locked };
    Outcome outcome = Outcome::bad_credentials;
    std::string token;         // ok: the session token (64 hex), shown once
    Principal principal;       // ok
    std::string locked_until;  // locked: UTC instant (calendar.hpp form)
};

// Limits of api.md.
inline constexpr int kLoginFailuresBeforeLock = 5;
inline constexpr std::chrono::minutes kLockDuration{15};
inline constexpr std::chrono::hours kSessionIdle{8};

}  // namespace ledger

// The Ledger members that write and read accounts, log in and authenticate are declared in
// ledger/ledger.hpp (add_user, disable_user, set_password, set_role, users, find_user, create_token,
// account_event, token_event, login, authenticate, logout, set_clock), with their errors. Thread-safety is the
// Ledger's: one thread at a time per Ledger object.
