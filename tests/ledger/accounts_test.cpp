// Tests of ledger/accounts.hpp (issue 13 item 1): users, roles, passwords and tokens as chained account
// entries; logins, lockouts, sessions and their expiry; what the file keeps of a secret (only hashes). On
// real ledger files in a scratch folder (or PostgreSQL databases, test_db.hpp); time is the Ledger's
// injectable clock (set_clock).
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "error_matchers.hpp"
#include "ledger/ledger.hpp"
#include "run_sql.hpp"
#include "temp_dir.hpp"

namespace {

using namespace ledger;
using ledger_test::HasCode;
using ledger_test::TempDir;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const Actor kAdmin{"管理员王五", "tester"};
const std::string kPassword = "correct horse 马";  // 16 characters, 18 bytes

using ledger_test::file_bytes;
// SQL on a closed ledger with its triggers off, as someone editing it outside fundflow would: the error
// message, or "".
using ledger_test::tamper;

// A ledger with projects P1 and P2, users alice (accountant on P1) and bob (auditor), on a clock the
// test moves. Entries #1–#4.
struct Books {
    TempDir dir;
    std::string path = dir.ledger("books.db");
    Instant clock = parse_instant("2030-06-01T08:00:00Z");
    Ledger ledger;

    Books() : ledger(make(path)) {
        ledger.set_clock([this] { return clock; });
        ledger.add_user("alice", Role::accountant, {"P1"}, kPassword, kAdmin);
        ledger.add_user("bob", Role::auditor, {}, kPassword, kAdmin);
    }

    static Ledger make(const std::string& path) {
        Ledger::create(path);
        Ledger l = Ledger::open(path, Ledger::Mode::read_write);
        l.add_project(Project{"P1", "县级融媒体中心建设项目", "", ""}, kAdmin, parse_date("2030-01-02"));
        l.add_project(Project{"P2", "乡村道路", "", ""}, kAdmin, parse_date("2030-01-02"));
        return l;
    }

    std::int64_t entries() const { return ledger.digest().entries; }
};

// The ledger of `b` to edit behind fundflow's back while b.ledger holds it open: a copy of the file and its
// write-ahead log; on PostgreSQL the database itself (another connection may write there, and b's
// database is the test's own).
std::string tamperable(Books& b) {
    if (ledger_test::is_pg(b.path)) {
        return b.path;
    }
    const std::string to = b.dir.file("copy.db");
    for (const char* suffix : {"", "-wal"}) {
        std::ofstream out(to + suffix, std::ios::binary);
        out << file_bytes(b.path + suffix);
    }
    return to;
}

}  // namespace

TEST_CASE("parse_role takes the English and the Chinese names, and nothing else", "[accounts]") {
    CHECK(parse_role("accountant") == Role::accountant);
    CHECK(parse_role("会计") == Role::accountant);
    CHECK(parse_role("auditor") == Role::auditor);
    CHECK(parse_role("审计") == Role::auditor);
    CHECK(parse_role("admin") == Role::admin);
    CHECK(parse_role("管理员") == Role::admin);
    CHECK(to_string(Role::admin) == "admin");
    CHECK(chinese_name(Role::accountant) == "会计");
    const auto text = GENERATE("", "Admin", "root", "accountants", "会计 ");
    CAPTURE(text);
    CHECK_THROWS_MATCHES(parse_role(text), Error, HasCode(ErrorCode::invalid_input));
}

TEST_CASE("Users are the fold of their account entries: add, role, password, disable", "[accounts]") {
    Books b;
    auto users = b.ledger.users();
    REQUIRE(users.size() == 2);
    CHECK(users[0].name == "alice");
    CHECK(users[0].role == Role::accountant);
    CHECK(users[0].projects == std::vector<std::string>{"P1"});
    CHECK_FALSE(users[0].disabled);
    CHECK(users[0].created_by == kAdmin.user);
    CHECK(users[0].created_at.size() == 27);
    CHECK(users[1].name == "bob");
    CHECK(users[1].role == Role::auditor);
    CHECK(users[1].projects.empty());

    // A role change replaces role and projects; the list is kept sorted and once.
    const auto role = b.ledger.set_role("bob", Role::accountant, {"P2", "P1", "P2"}, kAdmin);
    CHECK(role.entry.kind == EntryKind::account);
    auto bob = b.ledger.find_user("bob");
    REQUIRE(bob);
    CHECK(bob->role == Role::accountant);
    CHECK(bob->projects == std::vector<std::string>{"P1", "P2"});
    b.ledger.set_role("bob", Role::admin, {}, kAdmin);
    bob = b.ledger.find_user("bob");
    CHECK(bob->role == Role::admin);
    CHECK(bob->projects.empty());

    // A new password: the old one stops working, the new one logs in.
    b.ledger.set_password("alice", "another secret", kAdmin);
    CHECK(b.ledger.login("alice", kPassword).outcome == LoginResult::Outcome::bad_credentials);
    CHECK(b.ledger.login("alice", "another secret").outcome == LoginResult::Outcome::ok);

    b.ledger.disable_user("bob", kAdmin);
    CHECK(b.ledger.find_user("bob")->disabled);
    CHECK_FALSE(b.ledger.find_user("carol"));
    // Every change is one chained entry that verify covers.
    CHECK(b.entries() == 8);
    const VerifyResult verified = b.ledger.verify();
    CHECK(verified.ok);
    CHECK(verified.digest.entries == 8);
}

TEST_CASE("An account entry is a chained entry of no project, and its terms are readable but not the hash",
          "[accounts]") {
    Books b;
    const Entry e = b.ledger.entry(EntryId{3});
    CHECK(e.kind == EntryKind::account);
    CHECK(e.effect_kind == EntryKind::account);
    CHECK(e.project.empty());
    CHECK_FALSE(e.level);
    CHECK(e.amount == Money{});
    CHECK(e.user == kAdmin.user);
    const auto event = b.ledger.account_event(EntryId{3});
    REQUIRE(event);
    CHECK(event->user == "alice");
    CHECK(event->action == AccountAction::create);
    CHECK(event->role == Role::accountant);
    CHECK(event->projects == std::vector<std::string>{"P1"});
    CHECK(event->sets_password);
    CHECK_FALSE(event->token_sha256);
    CHECK_FALSE(b.ledger.account_event(EntryId{1}));  // a project registration

    // The books' log leaves account entries out unless their kind is asked for.
    LogFilter all;
    all.cut.as_of = parse_date("2099-12-31");
    CHECK(b.ledger.log(all).size() == 2);
    LogFilter accounts = all;
    accounts.kind = EntryKind::account;
    const auto logged = b.ledger.log(accounts);
    REQUIRE(logged.size() == 2);
    CHECK(logged[0].id == EntryId{3});
}

TEST_CASE("Refused account changes leave the ledger as it was", "[accounts]") {
    Books b;
    const Digest before = b.ledger.digest();
    const auto refused = [&](ErrorCode code, const std::function<void()>& attempt) {
        CHECK_THROWS_MATCHES(attempt(), Error, HasCode(code));
        CHECK(b.ledger.digest().entries == before.entries);
        CHECK(b.ledger.digest().head == before.head);
    };
    SECTION("bad names") {
        const auto name = GENERATE(as<std::string>{}, "", "a b", "a\tb", "tab\x01", "全角\xE3\x80\x80空格",
                                   std::string(65, 'x'), "\xFF\xFE");
        CAPTURE(name);
        refused(ErrorCode::invalid_input, [&] { b.ledger.add_user(name, Role::auditor, {}, kPassword, kAdmin); });
    }
    SECTION("a 64-character name is a name") {
        b.ledger.add_user(std::string(64, 'x'), Role::auditor, {}, kPassword, kAdmin);
        CHECK(b.ledger.find_user(std::string(64, 'x')));
    }
    SECTION("passwords shorter than 8 characters or longer than 1024 bytes") {
        refused(ErrorCode::invalid_input, [&] { b.ledger.add_user("carol", Role::auditor, {}, "1234567", kAdmin); });
        refused(ErrorCode::invalid_input, [&] { b.ledger.add_user("carol", Role::auditor, {}, "", kAdmin); });
        // Seven characters in 21 bytes are still seven characters.
        refused(ErrorCode::invalid_input,
                [&] { b.ledger.add_user("carol", Role::auditor, {}, "会计审计管理员", kAdmin); });
        refused(ErrorCode::invalid_input,
                [&] { b.ledger.add_user("carol", Role::auditor, {}, std::string(1025, 'p'), kAdmin); });
        refused(ErrorCode::invalid_input, [&] { b.ledger.set_password("alice", "short", kAdmin); });
    }
    SECTION("projects for a role other than accountant, and unknown projects") {
        refused(ErrorCode::invalid_input,
                [&] { b.ledger.add_user("carol", Role::auditor, {"P1"}, kPassword, kAdmin); });
        refused(ErrorCode::invalid_input, [&] { b.ledger.add_user("carol", Role::admin, {"P1"}, kPassword, kAdmin); });
        refused(ErrorCode::not_found, [&] { b.ledger.add_user("carol", Role::accountant, {"P9"}, kPassword, kAdmin); });
        refused(ErrorCode::invalid_input,
                [&] { b.ledger.add_user("carol", Role::accountant, {""}, kPassword, kAdmin); });
        refused(ErrorCode::invalid_input, [&] { b.ledger.set_role("alice", Role::auditor, {"P1"}, kAdmin); });
        refused(ErrorCode::not_found, [&] { b.ledger.set_role("alice", Role::accountant, {"P1", "P9"}, kAdmin); });
    }
    SECTION("a name taken, also by a disabled user") {
        refused(ErrorCode::rejected, [&] { b.ledger.add_user("alice", Role::auditor, {}, kPassword, kAdmin); });
        b.ledger.disable_user("bob", kAdmin);
        const Digest now = b.ledger.digest();
        CHECK_THROWS_MATCHES(b.ledger.add_user("bob", Role::auditor, {}, kPassword, kAdmin), Error,
                             HasCode(ErrorCode::rejected));
        CHECK(b.ledger.digest().head == now.head);
    }
    SECTION("unknown and disabled users") {
        refused(ErrorCode::not_found, [&] { b.ledger.disable_user("carol", kAdmin); });
        refused(ErrorCode::not_found, [&] { b.ledger.set_password("carol", kPassword, kAdmin); });
        refused(ErrorCode::not_found, [&] { b.ledger.set_role("carol", Role::auditor, {}, kAdmin); });
        refused(ErrorCode::not_found, [&] { (void)b.ledger.create_token("carol", 90, kAdmin); });
        b.ledger.disable_user("bob", kAdmin);
        const Digest now = b.ledger.digest();
        for (const auto& attempt :
             std::vector<std::function<void()>>{[&] { b.ledger.disable_user("bob", kAdmin); },
                                                [&] { b.ledger.set_password("bob", kPassword, kAdmin); },
                                                [&] { b.ledger.set_role("bob", Role::admin, {}, kAdmin); },
                                                [&] { (void)b.ledger.create_token("bob", 90, kAdmin); }}) {
            CHECK_THROWS_MATCHES(attempt(), Error, HasCode(ErrorCode::rejected));
        }
        CHECK(b.ledger.digest().head == now.head);
    }
    SECTION("a token's lifetime outside 1–3650 days") {
        refused(ErrorCode::invalid_input, [&] { (void)b.ledger.create_token("alice", 0, kAdmin); });
        refused(ErrorCode::invalid_input, [&] { (void)b.ledger.create_token("alice", 3651, kAdmin); });
    }
    SECTION("an actor without a name") {
        refused(ErrorCode::invalid_input, [&] {
            b.ledger.add_user("carol", Role::auditor, {}, kPassword, Actor{"", "tester"});
        });
    }
}

TEST_CASE("A login with a wrong password, with an unknown user and with a disabled user fail alike", "[accounts]") {
    Books b;
    const LoginResult ok = b.ledger.login("alice", kPassword);
    REQUIRE(ok.outcome == LoginResult::Outcome::ok);
    CHECK(ok.token.size() == 64);
    CHECK(ok.token.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(ok.principal.user == "alice");
    CHECK(ok.principal.role == Role::accountant);
    CHECK(ok.principal.projects == std::vector<std::string>{"P1"});
    CHECK(ok.principal.session);
    CHECK(ok.principal.may_post("P1"));
    CHECK_FALSE(ok.principal.may_post("P2"));

    b.ledger.disable_user("bob", kAdmin);
    for (const auto& [name, password] : std::vector<std::pair<std::string, std::string>>{{"alice", "wrong password"},
                                                                                         {"carol", kPassword},
                                                                                         {"bob", kPassword},
                                                                                         {"", kPassword},
                                                                                         {"a b", kPassword},
                                                                                         {"alice", ""}}) {
        CAPTURE(name, password);
        const LoginResult failed = b.ledger.login(name, password);
        CHECK(failed.outcome == LoginResult::Outcome::bad_credentials);
        CHECK(failed.token.empty());
        CHECK(failed.principal.user.empty());
        CHECK(failed.locked_until.empty());
    }
    // Logins are not entries.
    CHECK(b.entries() == 5);
}

TEST_CASE("Five failures in a row lock a name for 15 minutes, even against the right password", "[accounts]") {
    Books b;
    // A success in between starts the count afresh.
    for (int i = 0; i < 4; ++i) {
        CHECK(b.ledger.login("alice", "wrong password").outcome == LoginResult::Outcome::bad_credentials);
    }
    CHECK(b.ledger.login("alice", kPassword).outcome == LoginResult::Outcome::ok);
    for (int i = 0; i < kLoginFailuresBeforeLock; ++i) {
        CHECK(b.ledger.login("alice", "wrong password").outcome == LoginResult::Outcome::bad_credentials);
    }
    const Instant locked_at = b.clock;
    LoginResult locked = b.ledger.login("alice", kPassword);
    CHECK(locked.outcome == LoginResult::Outcome::locked);
    CHECK(locked.locked_until == to_string(locked_at + kLockDuration));
    CHECK(locked.token.empty());
    // Still locked a second before the end.
    b.clock = locked_at + kLockDuration - seconds(1);
    CHECK(b.ledger.login("alice", kPassword).outcome == LoginResult::Outcome::locked);
    // Another name is not locked by alice's failures.
    CHECK(b.ledger.login("bob", kPassword).outcome == LoginResult::Outcome::ok);
    // Unlocked after 15 minutes; the count starts afresh.
    b.clock = locked_at + kLockDuration;
    CHECK(b.ledger.login("alice", kPassword).outcome == LoginResult::Outcome::ok);
    for (int i = 0; i < kLoginFailuresBeforeLock - 1; ++i) {
        CHECK(b.ledger.login("alice", "wrong password").outcome == LoginResult::Outcome::bad_credentials);
    }
    CHECK(b.ledger.login("alice", kPassword).outcome == LoginResult::Outcome::ok);

    SECTION("an unknown name locks the same way, so a lockout does not tell which names exist") {
        for (int i = 0; i < kLoginFailuresBeforeLock; ++i) {
            CHECK(b.ledger.login("nobody", kPassword).outcome == LoginResult::Outcome::bad_credentials);
        }
        CHECK(b.ledger.login("nobody", kPassword).outcome == LoginResult::Outcome::locked);
    }
    SECTION("an expired lock counts failures from zero again") {
        for (int i = 0; i < kLoginFailuresBeforeLock; ++i) {
            (void)b.ledger.login("alice", "wrong password");
        }
        b.clock += kLockDuration + seconds(1);
        CHECK(b.ledger.login("alice", "wrong password").outcome == LoginResult::Outcome::bad_credentials);
        CHECK(b.ledger.login("alice", kPassword).outcome == LoginResult::Outcome::ok);
    }
}

TEST_CASE("A session ends after 8 idle hours, and using it keeps it alive", "[accounts]") {
    Books b;
    const Instant start = b.clock;
    const std::string token = b.ledger.login("bob", kPassword).token;
    SECTION("idle for 8 hours and a second") {
        b.clock = start + kSessionIdle + seconds(1);
        CHECK_FALSE(b.ledger.authenticate(token));
    }
    SECTION("used every few hours") {
        b.clock = start + hours(4);
        auto p = b.ledger.authenticate(token);
        REQUIRE(p);
        CHECK(p->user == "bob");
        CHECK(p->role == Role::auditor);
        CHECK(p->session);
        CHECK_FALSE(p->may_post("P1"));
        b.clock = start + hours(11);  // 7 hours after the last use
        CHECK(b.ledger.authenticate(token));
        b.clock = start + hours(19);  // 8 hours after it
        CHECK(b.ledger.authenticate(token));
        b.clock = start + hours(27) + seconds(1);
        CHECK_FALSE(b.ledger.authenticate(token));
    }
    SECTION("a use within the minute does not move the last-seen time") {
        b.clock = start + seconds(30);
        CHECK(b.ledger.authenticate(token));
        b.clock = start + kSessionIdle + seconds(10);  // 8 h after the login, 7 h 59 min 40 s after that use
        CHECK_FALSE(b.ledger.authenticate(token));
    }
}

TEST_CASE("Logging out revokes a session or a token at once", "[accounts]") {
    Books b;
    const std::string session = b.ledger.login("alice", kPassword).token;
    const std::string token = b.ledger.create_token("alice", std::nullopt, kAdmin);
    REQUIRE(b.ledger.authenticate(session));
    REQUIRE(b.ledger.authenticate(token));
    b.ledger.logout(session);
    CHECK_FALSE(b.ledger.authenticate(session));
    CHECK(b.ledger.authenticate(token));
    b.ledger.logout(token);
    CHECK_FALSE(b.ledger.authenticate(token));
    // Unknown and malformed tokens: nothing happens.
    const std::string unknown(64, 'a');
    CHECK_NOTHROW(b.ledger.logout(unknown));
    CHECK_NOTHROW(b.ledger.logout("not a token"));
    CHECK_FALSE(b.ledger.authenticate(unknown));
    CHECK_FALSE(b.ledger.authenticate(""));
    CHECK_FALSE(b.ledger.authenticate(std::string(64, 'A')));  // upper case is not a token we hand out
    CHECK_FALSE(b.ledger.authenticate(session + "0"));
    // A second login is a new session.
    CHECK(b.ledger.authenticate(b.ledger.login("alice", kPassword).token));
}

TEST_CASE("A login sweeps away dead sessions, never a bearer token's revocation", "[accounts]") {
    Books b;
    const Instant start = b.clock;
    const std::string old_session = b.ledger.login("alice", kPassword).token;
    const std::string revoked = b.ledger.create_token("alice", std::nullopt, kAdmin);
    b.ledger.logout(revoked);
    b.clock = start + kSessionIdle + minutes(1);
    const std::string fresh = b.ledger.login("bob", kPassword).token;
    const auto rows = [&] { return ledger_test::query_int(b.path, "SELECT count(*) FROM sessions"); };
    CHECK(rows() == 2);  // bob's session and the revoked token; alice's dead session is gone
    CHECK_FALSE(b.ledger.authenticate(old_session));
    CHECK_FALSE(b.ledger.authenticate(revoked));
    CHECK(b.ledger.authenticate(fresh));
}

TEST_CASE("A disabled user's sessions and tokens stop working, and a new role applies at once", "[accounts]") {
    Books b;
    const std::string session = b.ledger.login("alice", kPassword).token;
    const std::string token = b.ledger.create_token("alice", 90, kAdmin);
    auto p = b.ledger.authenticate(token);
    REQUIRE(p);
    CHECK_FALSE(p->session);
    CHECK(p->may_post("P1"));
    b.ledger.set_role("alice", Role::auditor, {}, kAdmin);
    p = b.ledger.authenticate(session);
    REQUIRE(p);
    CHECK(p->role == Role::auditor);
    CHECK_FALSE(p->may_post("P1"));
    b.ledger.disable_user("alice", kAdmin);
    CHECK_FALSE(b.ledger.authenticate(session));
    CHECK_FALSE(b.ledger.authenticate(token));
    CHECK(b.ledger.login("alice", kPassword).outcome == LoginResult::Outcome::bad_credentials);
}

TEST_CASE("A token works until it expires, and one without an expiry keeps working", "[accounts]") {
    Books b;
    const Instant start = b.clock;
    const std::string day = b.ledger.create_token("bob", 1, kAdmin);
    const std::string forever = b.ledger.create_token("bob", std::nullopt, kAdmin);
    CHECK(day != forever);
    const auto event = b.ledger.token_event(day);
    REQUIRE(event);
    CHECK(event->user == "bob");
    CHECK(event->action == AccountAction::token);
    CHECK(event->token_expires_at == to_string(start + hours(24)));
    CHECK(b.ledger.token_event(forever)->token_expires_at == std::nullopt);
    CHECK_FALSE(b.ledger.token_event(std::string(64, '0')));

    b.clock = start + hours(24) - seconds(1);
    CHECK(b.ledger.authenticate(day));
    b.clock = start + hours(24);
    CHECK_FALSE(b.ledger.authenticate(day));
    b.clock = start + hours(24 * 3650);
    CHECK(b.ledger.authenticate(forever));
}

TEST_CASE("The file keeps hashes of passwords and tokens, never the secrets", "[accounts]") {
    Books b;
    const std::string session = b.ledger.login("alice", kPassword).token;
    const std::string token = b.ledger.create_token("alice", 90, kAdmin);
    b.ledger.logout(token);  // its revocation is a row too
    REQUIRE(b.ledger.authenticate(session));
    // PostgreSQL: every row of the database, as text.
    const std::string bytes = ledger_test::ledger_bytes(b.path) + ledger_test::wal_bytes(b.path);
    REQUIRE(bytes.size() > (ledger_test::is_pg(b.path) ? 1024U : 4096U));
    CHECK(bytes.find(session) == std::string::npos);
    CHECK(bytes.find(token) == std::string::npos);
    CHECK(bytes.find(kPassword) == std::string::npos);
    CHECK(bytes.find("$argon2id$") != std::string::npos);  // the hashes are there (a control of the search)
    CHECK(bytes.find(*b.ledger.token_event(token)->token_sha256) != std::string::npos);
}

TEST_CASE("A read-only ledger authenticates but does not log in", "[accounts]") {
    Books b;
    const std::string token = b.ledger.create_token("bob", 90, kAdmin);
    Ledger reader = Ledger::open(b.path, Ledger::Mode::read_only);
    CHECK(reader.authenticate(token));
    CHECK(reader.users().size() == 2);
    CHECK_THROWS_MATCHES(reader.login("bob", kPassword), Error, HasCode(ErrorCode::invalid_input));
}

TEST_CASE("Editing an account entry or its terms behind fundflow's back breaks the chain at that entry", "[accounts]") {
    Books b;
    b.ledger.create_token("alice", 90, kAdmin);                  // entry #5
    b.ledger.set_role("bob", Role::accountant, {"P2"}, kAdmin);  // entry #6
    REQUIRE(b.ledger.verify().ok);
    const auto edit = GENERATE(
        std::pair<std::string, std::int64_t>{"UPDATE account_events SET role = 'admin' WHERE entry_id = 3", 3},
        std::pair<std::string, std::int64_t>{"UPDATE account_events SET projects = 'P1,P2' WHERE entry_id = 3", 3},
        std::pair<std::string, std::int64_t>{"UPDATE account_events SET \"user\" = 'mallory' WHERE entry_id = 4", 4},
        std::pair<std::string, std::int64_t>{
            "UPDATE account_events SET password_hash = (SELECT password_hash FROM account_events WHERE entry_id = 3) "
            "WHERE entry_id = 4",
            4},
        std::pair<std::string, std::int64_t>{"UPDATE account_events SET token_expires_at = NULL WHERE entry_id = 5", 5},
        std::pair<std::string, std::int64_t>{
            "UPDATE account_events SET token_sha256 = '" + std::string(64, 'a') + "' WHERE entry_id = 5", 5},
        std::pair<std::string, std::int64_t>{"UPDATE account_events SET projects = NULL WHERE entry_id = 6", 6},
        std::pair<std::string, std::int64_t>{"DELETE FROM account_events WHERE entry_id = 6", 6},
        std::pair<std::string, std::int64_t>{"UPDATE entries SET \"user\" = 'mallory' WHERE id = 4", 4},
        std::pair<std::string, std::int64_t>{"UPDATE entries SET project_id = 1 WHERE id = 4", 4});
    CAPTURE(edit.first);
    const std::string copy = tamperable(b);
    const std::string error = tamper(copy, edit.first);
    INFO(error);
    REQUIRE(error.empty());
    const VerifyResult verified = Ledger::open(copy, Ledger::Mode::read_only).verify();
    CHECK_FALSE(verified.ok);
    CHECK(verified.first_bad == EntryId{edit.second});
}

TEST_CASE("A row of account_events that no account entry wrote fails verify", "[accounts]") {
    Books b;
    const std::string path = tamperable(b);
    REQUIRE(tamper(path, "INSERT INTO account_events (entry_id, \"user\", action) VALUES (1, 'mallory', 'disable')")
                .empty());
    const VerifyResult verified = Ledger::open(path, Ledger::Mode::read_only).verify();
    CHECK_FALSE(verified.ok);
    CHECK_THAT(verified.problem.english(), Catch::Contains("account_events"));
}
