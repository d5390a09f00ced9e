// serve/api.cpp — the JSON API of api.md. Every read's body is what the CLI prints for the same command with
// --format json: the handler calls the same library read and the same renderer (render.hpp), captured.
#include <charconv>
#include <chrono>
#include <set>
#include <string>

#include "ledger/calendar.hpp"
#include "ledger/evaluation.hpp"
#include "ledger/import.hpp"
#include "ledger/words.hpp"
#include "service.hpp"

namespace fundflow::serve {
namespace {

using ledger::msg;

// A query parameter that must be a whole number in [low, high].
std::optional<std::int64_t> int_param(const Call& call, const char* name, std::int64_t low, std::int64_t high) {
    const auto text = call.param(name);
    if (!text) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value < low || value > high) {
        HttpError e{400, "bad_input",
                    msg("{name}={value} is not a whole number from {low} to {high}")
                        .with("name", name)
                        .with("value", *text)
                        .with("low", std::to_string(low))
                        .with("high", std::to_string(high))};
        e.problems.push_back({{"field", name}, {"message", word(e.message)}});
        throw e;
    }
    return value;
}

// Runs a ledger parse of a query parameter; its refusal becomes a 400 naming the field.
template <class F>
auto parsed(const char* field, F&& parse) {
    try {
        return parse();
    } catch (const ledger::Error& error) {
        if (error.code() != ledger::ErrorCode::invalid_input) {
            throw;
        }
        HttpError e{400, "bad_input", error.message()};
        e.problems.push_back({{"field", field}, {"message", word(error.message())}});
        throw e;
    }
}

ledger::ReadCut cut_of(const Call& call) {
    ledger::ReadCut cut;
    if (const auto as_of = call.param("as_of")) {
        cut.as_of = parsed("as_of", [&] { return ledger::parse_date(*as_of); });
    }
    if (const auto known_at = call.param("known_at")) {
        cut.known_at = parsed("known_at", [&] { return ledger::parse_instant(*known_at); });
    }
    return cut;
}

// What a read's body depends on besides the ledger's state: the path, every parameter, the language and
// today's date (the as-of date when none is given).
std::string body_key(const Call& call) {
    std::string key = call.req.path;
    for (const auto& [name, value] : call.req.params) {  // a multimap: in the order of the names
        key += '\n';
        key += name;
        key += '=';
        key += value;
    }
    key += call.lang == Language::en ? "\nen\n" : "\nzh\n";
    key += ledger::to_string(ledger::today_local());
    return key;
}

// A read in one snapshot with the CLI's cheap tamper check: a figure from a damaged file is not served.
// The body comes from the service's BodyCache when the chain head is the one it was read at.
std::string checked(Call& call, const std::vector<ledger::Ledger::ReportedYear>& years,
                    const std::function<void()>& render) {
    std::string body;
    std::optional<ledger::Message> problem;
    const auto& l = call.ledger();
    // Checked as ReadCheck says (service.hpp). The connection's version is read before the snapshot starts,
    // so a commit between the two is checked by the next read. The check comes before the cache: a kept
    // body is served only from a file that passes it.
    thread_local std::int64_t seen_version = -1;
    auto& read_check = call.service.read_check();
    const std::string key = body_key(call);
    const std::int64_t version = l.data_version();
    l.read_snapshot([&] {
        if ((problem = read_check.problem())) {
            return;
        }
        const ledger::Digest state = l.digest();
        if (read_check.needed(state, version != seen_version, years)) {
            problem = l.spot_check(years);
            if (problem) {
                read_check.failed();
                seen_version = -1;
                return;
            }
            read_check.passed(state, years);
            seen_version = version;
        }
        if (const auto kept = call.service.bodies().find(key, state)) {
            body = *kept;
            return;
        }
        body = capture_output(render);
        call.service.bodies().keep(key, state, body);
    });
    if (problem) {
        throw HttpError{500, "integrity", msg("{problem}; run 'fundflow verify'").with("problem", *problem)};
    }
    return body;
}

nlohmann::json parse_body(const Call& call) {
    try {
        auto body = nlohmann::json::parse(call.req.body);
        if (!body.is_object()) {
            throw HttpError{400, "bad_input", msg("the body must be a JSON object")};
        }
        return body;
    } catch (const nlohmann::json::parse_error&) {
        throw HttpError{400, "bad_input", msg("the body is not JSON: send a JSON object")};
    }
}

std::string session_json(const ledger::Principal& who, const std::string& field, const std::string& value) {
    nlohmann::ordered_json j;
    j["user"] = who.user;
    j["role"] = std::string(ledger::to_string(who.role));
    j["projects"] = who.projects;
    j[field] = value;
    return j.dump() + "\n";
}

void session_routes(httplib::Server& server, Service& service) {
    service.route(server, "POST", "/api/v1/session", Access::anyone, [](Call& call) {
        const auto body = parse_body(call);
        HttpError bad{400, "bad_input", msg("log in with {\"user\": \"...\", \"password\": \"...\"}")};
        for (const char* field : {"user", "password"}) {
            if (!body.contains(field) || !body[field].is_string() || body[field].get<std::string>().empty()) {
                bad.problems.push_back({{"field", field}, {"message", word(msg("required: a non-empty string"))}});
            }
        }
        if (!bad.problems.empty()) {
            throw bad;
        }
        const auto result =
            call.ledger().login(body["user"].get<std::string>(), body["password"].get<std::string>());
        switch (result.outcome) {
            case ledger::LoginResult::Outcome::ok: break;
            case ledger::LoginResult::Outcome::locked:
                throw HttpError{429, "locked",
                                msg("too many failed logins: this user is locked until {until}")
                                    .with("until", result.locked_until)};
            case ledger::LoginResult::Outcome::bad_credentials:
                throw HttpError{401, "unauthenticated", msg("wrong user name or password")};
        }
        note_user(result.principal.user);
        std::string cookie = std::string(kSessionCookie) + "=" + result.token +
                             "; Path=/; HttpOnly; SameSite=Strict";
        if (call.service.tls()) {
            cookie += "; Secure";
        }
        call.res.set_header("Set-Cookie", cookie);
        reply_json(call, 200, session_json(result.principal, "token", result.token));
    });
    service.route(server, "GET", "/api/v1/session", Access::signed_in, [](Call& call) {
        reply_json(call, 200, session_json(*call.who, "csrf", csrf_token_for(call.token)));
    });
    service.route(server, "DELETE", "/api/v1/session", Access::signed_in, [](Call& call) {
        call.ledger().logout(call.token);
        call.res.set_header("Set-Cookie", std::string(kSessionCookie) +
                                              "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        reply_json(call, 200, "{\"logged_out\":true}\n");
    });
}

void read_routes(httplib::Server& server, Service& service) {
    service.route(server, "GET", "/api/v1/projects", Access::signed_in, [](Call& call) {
        const auto cut = cut_of(call);
        const auto& l = call.ledger();
        reply_json(call, 200, checked(call, {}, [&] {
                       print_balance(call.render(), l.balances(std::nullopt, ledger::BalanceBy::project, cut),
                                     ledger::BalanceBy::project);
                   }));
    });
    service.route(server, "GET", R"(/api/v1/projects/([^/]+)/execution)", Access::signed_in, [](Call& call) {
        const std::string code = call.req.matches[1];
        const auto cut = cut_of(call);
        const int year = static_cast<int>(int_param(call, "year", 1900, 9999).value_or(ledger::year_of(cut.as_of)));
        const auto& l = call.ledger();
        reply_json(call, 200, checked(call, {{code, year}}, [&] {
                       print_execution(call.render(), l.execution_report(code, year, cut));
                   }));
    });
    service.route(server, "GET", "/api/v1/balance", Access::signed_in, [](Call& call) {
        const auto cut = cut_of(call);
        const auto project = call.param("project");
        const std::string by_text = call.param("by").value_or("level");
        const std::string_view by_name = parsed("by", [&] { return ledger::parse_balance_by(by_text); });
        const auto by = by_name == "project"    ? ledger::BalanceBy::project
                        : by_name == "contract" ? ledger::BalanceBy::contract
                                                : ledger::BalanceBy::level;
        std::vector<ledger::Ledger::ReportedYear> years;
        if (project) {
            years.push_back({*project, ledger::year_of(cut.as_of)});
        }
        const auto& l = call.ledger();
        reply_json(call, 200,
                   checked(call, years, [&] { print_balance(call.render(), l.balances(project, by, cut), by); }));
    });
    service.route(server, "GET", "/api/v1/log", Access::signed_in, [](Call& call) {
        ledger::LogFilter f;
        f.project = call.param("project");
        if (const auto kind = call.param("kind")) {
            f.kind = parsed("kind", [&] { return ledger::parse_entry_kind(*kind); });
        }
        if (const auto from = call.param("from")) {
            f.from = parsed("from", [&] { return ledger::parse_date(*from); });
        }
        if (const auto to = call.param("to")) {
            f.to = parsed("to", [&] { return ledger::parse_date(*to); });
        }
        f.posted_by = call.param("posted_by");
        f.contract = call.param("contract");
        if (const auto level = call.param("level")) {
            f.level = parsed("level", [&] { return ledger::parse_level(*level); });
        }
        f.ref = call.param("ref");
        if (const auto after = int_param(call, "after_id", 0, INT64_MAX)) {
            f.after_id = ledger::EntryId{*after};
        }
        f.limit = int_param(call, "limit", 1, 10000).value_or(1000);  // a page: the default keeps bodies bounded
        f.cut = cut_of(call);
        const auto& l = call.ledger();
        reply_json(call, 200, checked(call, {}, [&] { print_log(call.render(), l.log(f)); }));
    });
    service.route(server, "GET", R"(/api/v1/entries/(\d+))", Access::signed_in, [](Call& call) {
        const std::string text = call.req.matches[1];
        std::int64_t id = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
        if (ec != std::errc() || end != text.data() + text.size()) {
            throw HttpError{404, "not_found", msg("no entry #{id}").with("id", text)};
        }
        const auto& l = call.ledger();
        const auto cut = cut_of(call);
        reply_json(call, 200, checked(call, {}, [&] {
                       const auto entry = l.entry(ledger::EntryId{id});
                       std::optional<ledger::Project> project;
                       std::optional<ledger::Contract> contract;
                       if (entry.kind == ledger::EntryKind::project) {
                           project = l.project_in_force(entry.project, cut.as_of, cut.known_at);
                       } else if (entry.kind == ledger::EntryKind::contract && entry.contract) {
                           contract = l.contract_in_force(entry.project, *entry.contract, cut.as_of, cut.known_at);
                       }
                       print_entry_detail(call.render(), entry, l.reversed_by(entry.id), project, contract,
                                          entry_extras(call.render(), l, entry, cut.as_of));
                   }));
    });
    service.route(server, "GET", "/api/v1/warranty", Access::signed_in, [](Call& call) {
        ledger::WarrantyFilter f;
        f.project = call.param("project");
        if (const auto status = call.param("status")) {
            f.status = parsed("status", [&] { return ledger::parse_warranty_status(*status); });
        }
        if (const auto within = int_param(call, "due_within", 0, 36500)) {
            f.due_within_days = static_cast<int>(*within);
        }
        if (const auto grace = int_param(call, "grace_days", 0, 3650)) {
            f.grace_days = static_cast<int>(*grace);
        }
        f.cut = cut_of(call);
        const auto& l = call.ledger();
        reply_json(call, 200, checked(call, {}, [&] { print_warranty(call.render(), l.warranty(f)); }));
    });
    service.route(server, "GET", "/api/v1/verify", Access::auditing, [](Call& call) {
        const auto& l = call.ledger();
        const auto digest = call.param("digest");
        const auto result =
            l.verify(digest ? std::optional<std::string_view>(*digest) : std::nullopt, call.param("deep").has_value());
        // A failed verification is still the answer asked for: 200 with "ok": false, as the CLI prints it.
        reply_json(call, 200, capture_output([&] { print_verify(call.render(), result); }));
    });
    service.route(server, "GET", "/api/v1/check", Access::auditing, [](Call& call) {
        const auto& l = call.ledger();
        const auto grace = int_param(call, "grace_days", 0, 3650).value_or(30);
        const auto report = l.check(cut_of(call), static_cast<int>(grace));
        reply_json(call, 200, capture_output([&] { print_check(call.render(), report); }));
    });
    service.route(server, "GET", "/api/v1/digest", Access::auditing, [](Call& call) {
        const auto& l = call.ledger();
        reply_json(call, 200, checked(call, {}, [&] { print_digest(call.render(), l.digest()); }));
    });
}

}  // namespace

void add_api(httplib::Server& server, Service& service) {
    session_routes(server, service);
    read_routes(server, service);
    write_routes(server, service);
    evaluation_routes(server, service);
}

}  // namespace fundflow::serve
