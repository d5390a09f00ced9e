// Accounts (ledger/accounts.hpp): users, roles, passwords and tokens as chained entries of kind account;
// logins, sessions and lockouts in the mutable tables of schema/0005_accounts.sql. The SQL of those tables
// lives here too (Store members), apart from the books' in store.cpp.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "append.hpp"
#include "chain.hpp"
#include "guarded.hpp"
#include "ledger/ledger.hpp"
#include "rules.hpp"
#include "store.hpp"
#include "text.hpp"

namespace ledger {
namespace {

using detail::AccountEventRow;
using detail::AccountRecord;
using detail::guarded;
using detail::Store;

constexpr std::size_t kMostNameChars = 64;
constexpr std::size_t kFewestPasswordChars = 8;
constexpr std::size_t kMostPasswordBytes = 1024;
constexpr int kMostTokenDays = 3650;
// A session's last-seen time is written at most this often: an authenticated read stays a read.
constexpr std::chrono::minutes kTouchEvery{1};
static_assert(kLockDuration > kTouchEvery && kSessionIdle > kTouchEvery);

// Verified against when the name is unknown (or not a name at all), so that an unknown user costs the same
// argon2id work as a known one with a wrong password: a hash of 32 random bytes nobody kept, made with the
// limits every password hash here has (crypto_pwhash_str, OPSLIMIT/MEMLIMIT_INTERACTIVE: t=2, m=64 MiB).
constexpr const char* kUnknownUserHash =
    "$argon2id$v=19$m=65536,t=2,p=1$AfyzGmyxXYLzTpO8GWHtJg$ksiGMYhD6Rw9Llu92ElGKLJfZjZGDyzRPjg9b54HE4I";

void sodium_ready() {
    // sodium_init is safe to call from several threads and more than once; once is enough.
    static const bool ready = sodium_init() >= 0;
    if (!ready) {
        throw Error(ErrorCode::storage, msg("libsodium could not be initialised (no source of randomness?)"));
    }
}

std::string hex(const unsigned char* bytes, std::size_t size) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out += kHex[bytes[i] >> 4];
        out += kHex[bytes[i] & 0xF];
    }
    return out;
}

std::string sha256_hex(std::string_view text) {
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
    return hex(digest.data(), digest.size());
}

// 32 random bytes as 64 lowercase hex digits: a session or bearer token.
std::string new_token() {
    sodium_ready();
    std::array<unsigned char, 32> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    std::string token = hex(bytes.data(), bytes.size());
    sodium_memzero(bytes.data(), bytes.size());
    return token;
}

// The form of the tokens this library hands out; anything else is not looked up.
bool is_token(std::string_view token) {
    return detail::is_hex_hash(token);
}

// Equal hashes, compared in constant time (the lookup found the row by this hash; the comparison makes
// sure of it without a timing that depends on where two hashes first differ).
bool same_hash(const std::string& a, const std::string& b) {
    return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string hash_password(std::string_view password) {
    sodium_ready();
    std::array<char, crypto_pwhash_STRBYTES> out{};
    if (crypto_pwhash_str(out.data(), password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        throw Error(ErrorCode::storage, msg("could not hash the password (out of memory)"));
    }
    std::string hash(out.data());
    LEDGER_ASSERT(hash.rfind("$argon2id$", 0) == 0);
    return hash;
}

bool password_matches(const std::string& hash, std::string_view password) {
    sodium_ready();
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

Error bad_name(std::string_view name) {
    return Error(ErrorCode::invalid_input,
                 msg("'{name}' is not a user name: 1 to 64 characters, without blanks or control characters")
                     .with("name", std::string(name)));
}

// Why `name` cannot name an account, as an Error; nullopt when it can.
std::optional<Error> name_problem(std::string_view name) {
    if (name.empty() || detail::char_count(name) > kMostNameChars || detail::text_problem(name) ||
        name.find_first_of(" \t") != std::string_view::npos || name.find("\xE3\x80\x80") != std::string_view::npos) {
        return bad_name(name);
    }
    return std::nullopt;
}

void check_name(std::string_view name) {
    if (auto problem = name_problem(name)) {
        throw *problem;
    }
}

void check_password(std::string_view password) {
    if (password.size() > kMostPasswordBytes) {
        throw Error(ErrorCode::invalid_input, msg("a password is at most 1024 bytes long"));
    }
    if (detail::char_count(password) < kFewestPasswordChars) {
        throw Error(ErrorCode::invalid_input, msg("a password needs at least 8 characters"));
    }
}

void check_actor(const Actor& actor) {
    if (actor.user.empty()) {
        throw Error(ErrorCode::invalid_input, msg("{what} must not be empty").with("what", msg("the user name")));
    }
    if (auto why = detail::text_problem(actor.user)) {
        throw Error(ErrorCode::invalid_input,
                    msg("{what} contains {problem}").with("what", msg("the user name")).with("problem", *why));
    }
}

Message role_phrase(Role role) {
    switch (role) {
        case Role::accountant:
            return msg("accountant");
        case Role::auditor:
            return msg("auditor");
        case Role::admin:
            return msg("admin");
    }
    return msg("auditor");
}

// Projects are for accountants only. Refused before anything is hashed or read.
void check_projects_allowed(Role role, const std::vector<std::string>& projects) {
    if (!projects.empty() && role != Role::accountant) {
        throw Error(ErrorCode::invalid_input,
                    msg("--projects is for accountants only: the role {role} works on the whole ledger")
                        .with("role", role_phrase(role)));
    }
}

// The project list as stored: the codes, each registered, sorted, once; nullopt for none (every project).
std::optional<std::string> stored_projects(const Store& store, const std::vector<std::string>& projects) {
    std::set<std::string> codes;
    for (const auto& given : projects) {
        const std::string code(detail::trim_blanks(given));
        if (code.empty() || code.find(',') != std::string::npos) {
            throw Error(
                ErrorCode::invalid_input,
                msg("'{code}' is not a project code for --projects (codes separated by commas)").with("code", given));
        }
        if (!store.find_project(code)) {
            throw Error(ErrorCode::not_found,
                        msg("no project {project}; see 'fundflow project list'").with("project", code));
        }
        codes.insert(code);
    }
    if (codes.empty()) {
        return std::nullopt;
    }
    std::string joined;
    for (const auto& code : codes) {
        joined += (joined.empty() ? "" : ",") + code;
    }
    return joined;
}

std::vector<std::string> split_projects(const std::optional<std::string>& stored) {
    std::vector<std::string> codes;
    if (!stored) {
        return codes;
    }
    std::size_t start = 0;
    while (start <= stored->size()) {
        const std::size_t comma = stored->find(',', start);
        const std::size_t end = comma == std::string::npos ? stored->size() : comma;
        codes.push_back(stored->substr(start, end - start));
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    return codes;
}

// An account as its events leave it, with its password hash (never part of Account).
struct Folded {
    Account account;
    std::string password_hash;
};

// The fold of account events in chain order (each account's create comes first: add_user refuses a name
// that has any event). An event of a name never created is left out: only an edited file holds one, and
// verify reports it.
std::map<std::string, Folded, std::less<>> fold(const std::vector<AccountEventRow>& rows) {
    std::map<std::string, Folded, std::less<>> accounts;
    for (const auto& row : rows) {
        const AccountRecord& r = row.record;
        if (r.action == "create") {
            Folded& f = accounts[r.user];
            f.account = Account{
                r.user,   parse_role(r.role.value_or("auditor")), split_projects(r.projects), false, row.recorded_at,
                row.actor};
            f.password_hash = r.password_hash.value_or("");
            continue;
        }
        const auto it = accounts.find(r.user);
        if (it == accounts.end()) {
            continue;
        }
        Folded& f = it->second;
        if (r.action == "disable") {
            f.account.disabled = true;
        } else if (r.action == "role") {
            f.account.role = parse_role(r.role.value_or("auditor"));
            f.account.projects = split_projects(r.projects);
        } else if (r.action == "password") {
            f.password_hash = r.password_hash.value_or("");
        }
    }
    return accounts;
}

std::optional<Folded> folded(const Store& store, std::string_view name) {
    auto accounts = fold(store.account_events(name));
    const auto it = accounts.find(name);
    if (it == accounts.end()) {
        return std::nullopt;
    }
    return std::move(it->second);
}

Error no_user(std::string_view name) {
    return Error(ErrorCode::not_found, msg("no user {user}; see 'fundflow user list'").with("user", std::string(name)));
}

// The account `name`, existing and not disabled (the state a change to it needs).
Folded active_account(const Store& store, std::string_view name) {
    auto found = folded(store, name);
    if (!found) {
        throw no_user(name);
    }
    if (found->account.disabled) {
        detail::refuse(msg("user {user} is disabled").with("user", std::string(name)));
    }
    return std::move(*found);
}

Principal principal_of(const Account& account, bool session) {
    Principal p;
    p.user = account.name;
    p.role = account.role;
    p.projects = account.role == Role::accountant ? account.projects : std::vector<std::string>{};
    p.session = session;
    return p;
}

AccountAction action_of(const std::string& text) {
    for (const AccountAction a : {AccountAction::create, AccountAction::disable, AccountAction::role,
                                  AccountAction::password, AccountAction::token}) {
        if (text == to_string(a)) {
            return a;
        }
    }
    // The schema's CHECK admits no other action; only an edited file (verify's to report) holds one.
    throw Error(ErrorCode::integrity, msg("an account entry holds the unknown action '{action}'").with("action", text));
}

AccountEvent public_event(EntryId id, const AccountRecord& r) {
    AccountEvent e;
    e.entry = id;
    e.user = r.user;
    e.action = action_of(r.action);
    if (r.role) {
        e.role = parse_role(*r.role);
    }
    e.projects = split_projects(r.projects);
    e.sets_password = r.password_hash.has_value();
    e.token_sha256 = r.token_sha256;
    e.token_expires_at = r.token_expires_at;
    return e;
}

// Appends the account entry for `record` (acted on by `actor`) and its row of account_events. Must run
// inside a write transaction.
PostResult append_account(Store& store, const AccountRecord& record, const Actor& actor) {
    Entry e;
    e.kind = EntryKind::account;
    e.effect_kind = EntryKind::account;
    e.user = actor.user;
    e.os_user = actor.os_user;
    e.effective_on = today_local();
    PostResult result;
    result.entry = detail::append_entry(store, std::move(e), std::nullopt, std::nullopt,
                                        detail::EntryRecords{std::nullopt, std::nullopt, std::nullopt, record, std::nullopt});
    store.insert_account_event(static_cast<std::int64_t>(result.entry.id), record);
    return result;
}

}  // namespace

std::string_view to_string(Role role) {
    switch (role) {
        case Role::accountant:
            return "accountant";
        case Role::auditor:
            return "auditor";
        case Role::admin:
            return "admin";
    }
    return "auditor";
}

std::string_view chinese_name(Role role) {
    switch (role) {
        case Role::accountant:
            return "会计";
        case Role::auditor:
            return "审计";
        case Role::admin:
            return "管理员";
    }
    return "审计";
}

Role parse_role(std::string_view text) {
    for (const Role role : {Role::accountant, Role::auditor, Role::admin}) {
        if (text == to_string(role) || text == chinese_name(role)) {
            return role;
        }
    }
    throw Error(ErrorCode::invalid_input, msg("'{text}' is not a role: use accountant, auditor or admin (or 会计, "
                                              "审计, 管理员)")
                                              .with("text", std::string(text)));
}

void check_account_terms(std::string_view name, Role role, const std::vector<std::string>& projects) {
    check_name(name);
    check_projects_allowed(role, projects);
}

std::string_view to_string(AccountAction action) {
    switch (action) {
        case AccountAction::create:
            return "create";
        case AccountAction::disable:
            return "disable";
        case AccountAction::role:
            return "role";
        case AccountAction::password:
            return "password";
        case AccountAction::token:
            return "token";
    }
    return "create";
}

bool Principal::may_post(std::string_view project) const {
    return role == Role::accountant &&
           (projects.empty() || std::find(projects.begin(), projects.end(), project) != projects.end());
}

Instant Ledger::now() const {
    return clock_ ? clock_() : now_utc();
}

void Ledger::set_clock(std::function<Instant()> now) {
    clock_ = std::move(now);
}

PostResult Ledger::add_user(const std::string& name, Role role, const std::vector<std::string>& projects,
                            const std::string& password, const Actor& actor) {
    check_actor(actor);
    check_name(name);
    check_projects_allowed(role, projects);
    check_password(password);
    return guarded([&] {
        // The name first (a taken name is refused without the cost of a hash), then argon2id outside the
        // write transaction (it takes a tenth of a second; other writers need not wait for it), then the
        // name again under the write lock.
        if (detail::read_guarded(*store_, [&] { return !store_->account_events(name).empty(); })) {
            detail::refuse(msg("user {user} exists already").with("user", name));
        }
        const std::string hash = hash_password(password);
        PostResult result;
        store_->transaction([&] {
            if (!store_->account_events(name).empty()) {
                detail::refuse(msg("user {user} exists already").with("user", name));
            }
            AccountRecord r;
            r.user = name;
            r.action = "create";
            r.role = std::string(to_string(role));
            r.projects = role == Role::accountant ? stored_projects(*store_, projects) : std::nullopt;
            r.password_hash = hash;
            result = append_account(*store_, r, actor);
        });
        return result;
    });
}

PostResult Ledger::disable_user(const std::string& name, const Actor& actor) {
    check_actor(actor);
    return guarded([&] {
        PostResult result;
        store_->transaction([&] {
            const auto found = folded(*store_, name);
            if (!found) {
                throw no_user(name);
            }
            if (found->account.disabled) {
                detail::refuse(msg("user {user} is already disabled").with("user", name));
            }
            result = append_account(*store_, AccountRecord{name, "disable", {}, {}, {}, {}, {}}, actor);
        });
        return result;
    });
}

PostResult Ledger::set_password(const std::string& name, const std::string& password, const Actor& actor) {
    check_actor(actor);
    check_password(password);
    return guarded([&] {
        detail::read_guarded(*store_, [&] { (void)active_account(*store_, name); });
        const std::string hash = hash_password(password);
        PostResult result;
        store_->transaction([&] {
            (void)active_account(*store_, name);
            AccountRecord r;
            r.user = name;
            r.action = "password";
            r.password_hash = hash;
            result = append_account(*store_, r, actor);
        });
        return result;
    });
}

PostResult Ledger::set_role(const std::string& name, Role role, const std::vector<std::string>& projects,
                            const Actor& actor) {
    check_actor(actor);
    check_projects_allowed(role, projects);
    return guarded([&] {
        PostResult result;
        store_->transaction([&] {
            (void)active_account(*store_, name);
            AccountRecord r;
            r.user = name;
            r.action = "role";
            r.role = std::string(to_string(role));
            r.projects = role == Role::accountant ? stored_projects(*store_, projects) : std::nullopt;
            result = append_account(*store_, r, actor);
        });
        return result;
    });
}

std::vector<Account> Ledger::users() const {
    return detail::read_guarded(*store_, [&] {
        std::vector<Account> accounts;
        for (auto& [name, f] : fold(store_->account_events(std::nullopt))) {
            accounts.push_back(std::move(f.account));
        }
        return accounts;
    });
}

std::optional<Account> Ledger::find_user(std::string_view name) const {
    return detail::read_guarded(*store_, [&]() -> std::optional<Account> {
        if (auto f = folded(*store_, name)) {
            return std::move(f->account);
        }
        return std::nullopt;
    });
}

std::string Ledger::create_token(const std::string& name, std::optional<int> expires_days, const Actor& actor) {
    check_actor(actor);
    if (expires_days && (*expires_days < 1 || *expires_days > kMostTokenDays)) {
        throw Error(
            ErrorCode::invalid_input,
            msg("a token expires after 1 to 3650 days, not {days}").with("days", std::to_string(*expires_days)));
    }
    return guarded([&] {
        const std::string token = new_token();
        store_->transaction([&] {
            (void)active_account(*store_, name);
            AccountRecord r;
            r.user = name;
            r.action = "token";
            r.token_sha256 = sha256_hex(token);
            if (expires_days) {
                r.token_expires_at = to_string(now() + std::chrono::days(*expires_days));
            }
            (void)append_account(*store_, r, actor);
        });
        return token;
    });
}

std::optional<AccountEvent> Ledger::account_event(EntryId id) const {
    return detail::read_guarded(*store_, [&]() -> std::optional<AccountEvent> {
        const auto record = store_->account_record_of(static_cast<std::int64_t>(id));
        if (!record) {
            return std::nullopt;
        }
        return public_event(id, *record);
    });
}

std::optional<AccountEvent> Ledger::token_event(std::string_view token) const {
    if (!is_token(token)) {
        return std::nullopt;
    }
    sodium_ready();
    const std::string hash = sha256_hex(token);
    return detail::read_guarded(*store_, [&]() -> std::optional<AccountEvent> {
        const auto row = store_->token_event(hash);
        if (!row || !same_hash(*row->record.token_sha256, hash)) {
            return std::nullopt;
        }
        return public_event(EntryId{row->entry_id}, row->record);
    });
}

LoginResult Ledger::login(std::string_view name, std::string_view password) {
    if (!store_->writable()) {
        throw Error(ErrorCode::invalid_input, msg("the ledger is open read-only; nothing was written"));
    }
    const Instant at = now();
    const std::string user(name);
    // A name that cannot be an account is never recorded (nor locked): it fails like a wrong password.
    const bool recordable = !name_problem(name).has_value();
    const auto locked_now = [&](const detail::LoginFailures& f) {
        return f.locked_until && parse_instant(*f.locked_until) > at;
    };
    return guarded([&] {
        LoginResult result;
        // The lock and the account as the file stands; a locked name is answered without a verification.
        detail::LoginFailures failures;
        std::optional<Folded> account;
        detail::read_guarded(*store_, [&] {
            if (recordable) {
                failures = store_->login_failures(user);
                account = folded(*store_, user);
            }
        });
        if (locked_now(failures)) {
            result.outcome = LoginResult::Outcome::locked;
            result.locked_until = *failures.locked_until;
            return result;
        }
        // One argon2id verification, outside the write transaction, whoever the name is.
        const bool known = account && !account->password_hash.empty();
        const bool right = password_matches(known ? account->password_hash : std::string(kUnknownUserHash), password);
        const bool ok = right && known && !account->account.disabled;
        store_->transaction([&] {
            if (!recordable) {
                result.outcome = LoginResult::Outcome::bad_credentials;
                return;
            }
            // Under the write lock: another attempt may have locked the name meanwhile.
            const detail::LoginFailures now_failures = store_->login_failures(user);
            if (locked_now(now_failures)) {
                result.outcome = LoginResult::Outcome::locked;
                result.locked_until = *now_failures.locked_until;
                return;
            }
            const auto current = ok ? folded(*store_, user) : std::nullopt;
            if (!current || current->account.disabled) {
                // A lock that has run out starts the count afresh.
                detail::LoginFailures next;
                next.count = (now_failures.locked_until ? 0 : now_failures.count) + 1;
                if (next.count >= kLoginFailuresBeforeLock) {
                    next.locked_until = to_string(at + kLockDuration);
                }
                store_->set_login_failures(user, next);
                result.outcome = LoginResult::Outcome::bad_credentials;
                return;
            }
            store_->set_login_failures(user, detail::LoginFailures{});
            // Sessions idle longer than kSessionIdle are dead: each login sweeps them, so the table holds
            // about as many rows as there are people logged in.
            store_->forget_sessions_before(to_string(at - kSessionIdle));
            result.token = new_token();
            store_->insert_session(
                detail::SessionRow{sha256_hex(result.token), user, to_string(at), to_string(at), false});
            result.outcome = LoginResult::Outcome::ok;
            result.principal = principal_of(current->account, true);
        });
        return result;
    });
}

std::optional<Principal> Ledger::authenticate(std::string_view token) {
    if (!is_token(token)) {
        return std::nullopt;
    }
    sodium_ready();
    const std::string hash = sha256_hex(token);
    const Instant at = now();
    return guarded([&] {
        std::optional<Principal> principal;
        bool touch = false;
        detail::read_guarded(*store_, [&] {
            if (const auto s = store_->session(hash)) {
                // A session, or a bearer token revoked by a logout.
                if (!same_hash(s->token_sha256, hash) || s->revoked) {
                    return;
                }
                const Instant last_seen = parse_instant(s->last_seen_at);
                if (at - last_seen > kSessionIdle) {
                    return;
                }
                const auto account = folded(*store_, s->user);
                if (!account || account->account.disabled) {
                    return;
                }
                principal = principal_of(account->account, true);
                touch = at - last_seen >= kTouchEvery;
                return;
            }
            if (const auto t = store_->token_event(hash)) {
                if (!same_hash(*t->record.token_sha256, hash)) {
                    return;
                }
                if (t->record.token_expires_at && parse_instant(*t->record.token_expires_at) <= at) {
                    return;
                }
                const auto account = folded(*store_, t->record.user);
                if (!account || account->account.disabled) {
                    return;
                }
                principal = principal_of(account->account, false);
            }
        });
        if (principal && touch && store_->writable()) {
            store_->transaction([&] { store_->touch_session(hash, to_string(at)); });
        }
        return principal;
    });
}

void Ledger::logout(std::string_view token) {
    if (!is_token(token)) {
        return;
    }
    sodium_ready();
    const std::string hash = sha256_hex(token);
    const Instant at = now();
    guarded([&] {
        store_->transaction([&] {
            if (const auto s = store_->session(hash)) {
                if (!s->revoked) {
                    store_->revoke_session(hash);
                }
                return;
            }
            if (const auto t = store_->token_event(hash)) {
                store_->insert_session(detail::SessionRow{hash, t->record.user, to_string(at), to_string(at), true});
            }
        });
    });
}

// ---------------------------------------------------------------------------------------------------------
// The Store's SQL for accounts. These run rarely (a login, an authentication, a user command), so they use
// plain statements rather than the cached slots of store.cpp.

namespace detail {
namespace {

std::optional<std::string> optional_column(const sql::Column& column) {
    if (column.isNull()) {
        return std::nullopt;
    }
    return column.getString();
}

void bind_text(sql::Statement& q, int index, const std::optional<std::string>& value) {
    if (value) {
        q.bind(index, *value);
    } else {
        q.bind(index);
    }
}

#define FUNDFLOW_EVENT_SELECT                                                                        \
    "SELECT a.entry_id, a.user, a.action, a.role, a.projects, a.password_hash, a.token_sha256, "    \
    "a.token_expires_at, e.recorded_at, e.user FROM account_events a JOIN entries e ON e.id = a.entry_id "

AccountRecord read_account_record(sql::Statement& q, int first) {
    AccountRecord r;
    r.user = q.getColumn(first).getString();
    r.action = q.getColumn(first + 1).getString();
    r.role = optional_column(q.getColumn(first + 2));
    r.projects = optional_column(q.getColumn(first + 3));
    r.password_hash = optional_column(q.getColumn(first + 4));
    r.token_sha256 = optional_column(q.getColumn(first + 5));
    r.token_expires_at = optional_column(q.getColumn(first + 6));
    return r;
}

AccountEventRow read_event(sql::Statement& q) {
    AccountEventRow row;
    row.entry_id = q.getColumn(0).getInt64();
    row.record = read_account_record(q, 1);
    row.recorded_at = q.getColumn(8).getString();
    row.actor = q.getColumn(9).getString();
    return row;
}

SessionRow read_session(sql::Statement& q) {
    return SessionRow{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                      q.getColumn(3).getString(), q.getColumn(4).getInt() != 0};
}

}  // namespace

void Store::insert_account_event(std::int64_t entry_id, const AccountRecord& r) {
    sql::Statement q(*db_,
                        "INSERT INTO account_events (entry_id, user, action, role, projects, password_hash, "
                        "token_sha256, token_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, entry_id);
    q.bind(2, r.user);
    q.bind(3, r.action);
    bind_text(q, 4, r.role);
    bind_text(q, 5, r.projects);
    bind_text(q, 6, r.password_hash);
    bind_text(q, 7, r.token_sha256);
    bind_text(q, 8, r.token_expires_at);
    q.exec();
}

std::vector<AccountEventRow> Store::account_events(std::optional<std::string_view> user) const {
    // Two statements rather than "?1 IS NULL OR": one user's events are a range of account_events_by_user.
    // Prepared once per connection (slots 102, 103): the service authenticates every request with them.
    auto& q = user ? prepared(102, FUNDFLOW_EVENT_SELECT "WHERE a.user = ? ORDER BY a.entry_id")
                   : prepared(103, FUNDFLOW_EVENT_SELECT "ORDER BY a.entry_id");
    const ResetAfterUse reset{q};
    if (user) {
        q.bind(1, std::string(*user));
    }
    std::vector<AccountEventRow> rows;
    while (q.executeStep()) {
        rows.push_back(read_event(q));
    }
    return rows;
}

std::optional<AccountRecord> Store::account_record_of(std::int64_t entry_id) const {
    sql::Statement q(*db_,
                        "SELECT user, action, role, projects, password_hash, token_sha256, token_expires_at "
                        "FROM account_events WHERE entry_id = ?");
    q.bind(1, entry_id);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return read_account_record(q, 0);
}

std::int64_t Store::account_event_rows() const {
    sql::Statement q(*db_, "SELECT count(*) FROM account_events");
    return q.executeStep() ? q.getColumn(0).getInt64() : 0;
}

std::optional<AccountEventRow> Store::token_event(std::string_view token_sha256) const {
    auto& q = prepared(104, FUNDFLOW_EVENT_SELECT "WHERE a.token_sha256 = ?");
    const ResetAfterUse reset{q};
    q.bind(1, std::string(token_sha256));
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return read_event(q);
}

std::optional<SessionRow> Store::session(std::string_view token_sha256) const {
    auto& q = prepared(105, "SELECT token_sha256, user, created_at, last_seen_at, revoked FROM sessions "
                            "WHERE token_sha256 = ?");
    const ResetAfterUse reset{q};
    q.bind(1, std::string(token_sha256));
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return read_session(q);
}

void Store::insert_session(const SessionRow& s) {
    sql::Statement q(*db_,
                        "INSERT INTO sessions (token_sha256, user, created_at, last_seen_at, revoked) "
                        "VALUES (?, ?, ?, ?, ?)");
    q.bind(1, s.token_sha256);
    q.bind(2, s.user);
    q.bind(3, s.created_at);
    q.bind(4, s.last_seen_at);
    q.bind(5, s.revoked ? 1 : 0);
    q.exec();
}

void Store::touch_session(std::string_view token_sha256, std::string_view last_seen_at) {
    // Never backwards: two requests of one session may finish out of order.
    sql::Statement q(*db_,
                        "UPDATE sessions SET last_seen_at = CASE WHEN last_seen_at > ?2 THEN last_seen_at ELSE ?2 END WHERE token_sha256 = ?1 "
                        "AND revoked = 0");
    q.bind(1, std::string(token_sha256));
    q.bind(2, std::string(last_seen_at));
    q.exec();
}

void Store::revoke_session(std::string_view token_sha256) {
    sql::Statement q(*db_, "UPDATE sessions SET revoked = 1 WHERE token_sha256 = ?");
    q.bind(1, std::string(token_sha256));
    q.exec();
}

void Store::forget_sessions_before(std::string_view cutoff) {
    sql::Statement q(*db_,
                        "DELETE FROM sessions WHERE last_seen_at < ? AND token_sha256 NOT IN "
                        "(SELECT token_sha256 FROM account_events WHERE token_sha256 IS NOT NULL)");
    q.bind(1, std::string(cutoff));
    q.exec();
}

LoginFailures Store::login_failures(std::string_view user) const {
    sql::Statement q(*db_, "SELECT count, locked_until FROM login_failures WHERE user = ?");
    q.bind(1, std::string(user));
    if (!q.executeStep()) {
        return LoginFailures{};
    }
    return LoginFailures{q.getColumn(0).getInt64(), optional_column(q.getColumn(1))};
}

void Store::set_login_failures(std::string_view user, const LoginFailures& f) {
    if (f.count == 0 && !f.locked_until) {
        sql::Statement q(*db_, "DELETE FROM login_failures WHERE user = ?");
        q.bind(1, std::string(user));
        q.exec();
        return;
    }
    sql::Statement q(
        *db_,
        "INSERT INTO login_failures (user, count, locked_until) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (user) DO UPDATE SET count = excluded.count, locked_until = excluded.locked_until");
    q.bind(1, std::string(user));
    q.bind(2, f.count);
    bind_text(q, 3, f.locked_until);
    q.exec();
}

}  // namespace detail
}  // namespace ledger
