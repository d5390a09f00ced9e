// serve/service.hpp — what every handler of `fundflow serve` shares: the request's caller, language and
// ledger, the order of checks of api.md (401, then 403, then 400, then the ledger's 422/409), and the
// error body. api.cpp adds the JSON API on it, pages.cpp the HTML pages.
#pragma once

#include <httplib.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "present/i18n.hpp"
#include "ledger/accounts.hpp"
#include "ledger/ledger.hpp"
#include "ledger/message.hpp"
#include "present/render.hpp"
#include "serve.hpp"

namespace fundflow::serve {

// Who may call a route (api.md "Roles"). Each level admits the roles listed.
enum class Access {
    anyone,    // no authentication (login, static files)
    signed_in, // any role
    auditing,  // auditor, admin (verify, check, digest)
    posting,   // accountant (the project is checked by the route: Principal::may_post)
    admin,     // admin
};

inline constexpr const char* kSessionCookie = "fundflow_session";

// An answer other than success, raised anywhere in a handler: status, api.md's error code, the one-line
// message (worded in the request's language) and, for 400, every problem with its field.
struct HttpError {
    int status = 500;
    std::string code;  // bad_input | unauthenticated | forbidden | not_found | conflict | refused | locked | ...
    ledger::Message message;
    nlohmann::json problems = nlohmann::json::array();  // [{"field": ..., "message": ...}]
};

class Service;

// One request as a handler sees it.
struct Call {
    Call(const httplib::Request& request, httplib::Response& response, Service& owner)
        : req(request), res(response), service(owner) {}
    const httplib::Request& req;
    httplib::Response& res;
    Service& service;
    Language lang = Language::zh;
    std::optional<ledger::Principal> who;  // set on every route but Access::anyone (and on pages when signed in)
    std::string token;                     // the session or bearer token it came with
    bool by_cookie = false;

    ledger::Ledger& ledger() const;  // this worker thread's own Ledger on the file
    // A query parameter, or nullopt when absent or empty.
    std::optional<std::string> param(const char* name) const;
    // The actor of a write: always the authenticated user, never a name from the request.
    ledger::Actor actor() const;
    RenderOptions render(const std::string& format = "json") const;
};

class Service {
public:
    explicit Service(Options options) : options_(std::move(options)) {}
    const Options& options() const { return options_; }
    bool tls() const { return !options_.tls_cert.empty(); }

    // Registers a handler under api.md's order of checks. `page`: an HTML page (no 401 body: a visitor who
    // is not signed in is sent to /login; errors are shown as a page).
    void route(httplib::Server& server, const char* method, const std::string& pattern, Access access,
               std::function<void(Call&)> handler, bool page = false);

    ledger::Ledger& ledger_of_this_thread();

private:
    Options options_;
};

// The value a cookie session's writes must send in X-CSRF-Token: derived from the session token (the
// SHA-256 of a fixed prefix and the token), so nothing is stored and only the token's holder knows it.
std::string csrf_token_for(std::string_view session_token);
// Constant-time equality of two secrets.
bool same_secret(std::string_view a, std::string_view b);

// Bodies.
void reply_json(Call& call, int status, const std::string& body);  // body as the CLI prints it
void reply_error(Call& call, const HttpError& error);
// The HTTP status and error code of a ledger error (invalid_input 400, not_found 404, rejected 422, ...).
HttpError http_error_of(const ledger::Error& error);

// Routes (api.cpp, pages.cpp).
void add_api(httplib::Server& server, Service& service);
void add_pages(httplib::Server& server, Service& service);
void write_routes(httplib::Server& server, Service& service);  // writes.cpp
void evaluation_routes(httplib::Server& server, Service& service);  // evaluation.cpp

// The caller's language: ?lang=en|zh, else Accept-Language (en… → English), else Chinese.
Language language_of(const httplib::Request& req);
// The access log's user for this request: from its token (unknown paths), or as given (a login).
void note_caller(const Call& call);
void note_user(const std::string& user);
// Percent-encodes everything but unreserved characters and '/' (a path put into a query or a header).
std::string url_encoded(std::string_view text);
// The session token a request carries in its cookie, if any.
std::optional<std::string> cookie_token(const httplib::Request& req);

}  // namespace fundflow::serve
