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
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/entry.hpp"

namespace ledger {

enum class Role { accountant, auditor, admin };
std::string_view to_string(Role role);         // "accountant"
std::string_view chinese_name(Role role);      // "会计" / "审计" / "管理员"
Role parse_role(std::string_view text);        // English or Chinese; Error{invalid_input} listing them

struct Account {
    std::string name;
    Role role = Role::auditor;
    std::vector<std::string> projects;  // accountant only; empty: every project
    bool disabled = false;
    std::string created_at;  // recorded_at of the entry that created it
    std::string created_by;  // the actor's user of that entry
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
    std::string token;        // ok: the session token (64 hex), shown once
    Principal principal;      // ok
    std::string locked_until; // locked: UTC instant (calendar.hpp form)
};

// Limits of api.md.
inline constexpr int kLoginFailuresBeforeLock = 5;
inline constexpr std::chrono::minutes kLockDuration{15};
inline constexpr std::chrono::hours kSessionIdle{8};

}  // namespace ledger

// Ledger members (ledger/ledger.hpp), each writing one chained `account` entry unless said otherwise:
//   PostResult add_user(const std::string& name, Role role, const std::vector<std::string>& projects,
//                       const std::string& password, const Actor& actor);
//       Error{invalid_input}: bad name (1–64 chars, no control chars/space), password < 8 chars, projects
//       given for a non-accountant, unknown project (Error{not_found}); Error{rejected}: name taken.
//   PostResult disable_user(const std::string& name, const Actor& actor);       // Error{not_found}
//   PostResult set_password(const std::string& name, const std::string& password, const Actor& actor);
//   PostResult set_role(const std::string& name, Role role, const std::vector<std::string>& projects,
//                       const Actor& actor);
//   std::vector<Account> users() const;                        // by name
//   std::optional<Account> find_user(std::string_view name) const;
//   // A bearer token for `name` (chained entry: the token's SHA-256 and expiry); returns the token.
//   std::string create_token(const std::string& name, std::optional<int> expires_days, const Actor& actor);
//   // Not chained (sessions/login_failures tables). Same work (one argon2id verify) whether the user
//   // exists or not. 5 failures in a row → locked for 15 minutes (a right password then still fails
//   // with `locked`); success resets the count. A disabled user fails like a wrong password.
//   LoginResult login(std::string_view name, std::string_view password);
//   // The principal a session or bearer token stands for, or nullopt (unknown, revoked, idle > 8 h,
//   // token expired, user disabled). Compares hashes, never the token itself. Refreshes the session's
//   // last-seen time (at most once a minute, so reads stay cheap).
//   std::optional<Principal> authenticate(std::string_view token);
//   // Revokes a session or token at once (no-op when unknown).
//   void logout(std::string_view token);
