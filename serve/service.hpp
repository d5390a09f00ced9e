// serve/service.hpp — what every handler of `fundflow serve` shares: the request's caller, language and
// ledger, the order of checks of api.md (401, then 403, then 400, then the ledger's 422/409), and the
// error body. api.cpp adds the JSON API on it, pages.cpp the HTML pages.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <stop_token>
#include <thread>
#include <unordered_map>
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

// Report bodies by request and ledger state (Options::cache_mb). A body is kept with the chain head
// (entry count and head hash) of the snapshot it was read in, and found again only for that same head:
// entries are never changed and every write appends one, so an equal head is an equal ledger for every
// read that goes through it (reports, balances, the log, the warranty list; not verify or check, which
// must read the file every time). The key holds everything else a body depends on: path, parameters,
// language and today's date (the default as-of date). Bounded in bytes; when full, older keys make room.
class BodyCache {
public:
    explicit BodyCache(std::size_t capacity) : capacity_(capacity) {}
    std::shared_ptr<const std::string> find(const std::string& key, const ledger::Digest& state);
    void keep(const std::string& key, const ledger::Digest& state, std::string body);

private:
    struct Kept {
        ledger::Digest state;
        std::shared_ptr<const std::string> body;
        std::uint64_t stamp = 0;  // when it was kept: the lowest goes first when room is needed
    };
    std::size_t capacity_;
    std::mutex mutex_;
    std::unordered_map<std::string, Kept> kept_;
    std::size_t bytes_ = 0;
    std::uint64_t clock_ = 0;
};

// The service's read-time tamper check (the CLI's spot_check before each read; api.cpp checked()). A read
// checks the file itself when the chain head moved, when its worker's connection saw another connection
// commit (data_version: a write of another worker or process, or an UPDATE behind fundflow's back, which
// moves no head), on a worker's first read, or for a project-year not checked at this head. What was
// checked is shared by the workers: it is of the file, not of a connection. A byte written behind SQLite's
// back commits nothing, and a connection keeps reading the pages it has: for that, watch() repeats the
// check of the head and of every year read, every second, on a new connection, so that no request waits
// for it. What it finds stays the answer of every read (500) until it checks clean again.
class ReadCheck {
public:
    using Years = std::vector<ledger::Ledger::ReportedYear>;
    // What watch() found last, if anything: every read refuses with it.
    std::optional<ledger::Message> problem();
    // Whether a read at `state` must check first; `moved`: its connection's data_version changed.
    bool needed(const ledger::Digest& state, bool moved, const Years& years);
    void passed(const ledger::Digest& state, const Years& years);
    void failed();
    // Runs until `stop`: every second, the check on a new connection to `db`.
    void watch(const std::string& db, const std::stop_token& stop);

private:
    std::mutex mutex_;
    bool valid_ = false;
    ledger::Digest head_;
    std::set<std::pair<std::string, int>> years_;
    std::optional<ledger::Message> watched_problem_;
    std::condition_variable_any wake_;
};

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
    explicit Service(Options options) : options_(std::move(options)), bodies_(static_cast<std::size_t>(options_.cache_mb) << 20U) {}
    const Options& options() const { return options_; }
    BodyCache& bodies() { return bodies_; }
    ReadCheck& read_check() { return read_check_; }
    // Starts ReadCheck::watch on its own thread, stopped and joined when the service ends.
    void start_watching();

    bool tls() const { return !options_.tls_cert.empty(); }

    // Registers a handler under api.md's order of checks. `page`: an HTML page (no 401 body: a visitor who
    // is not signed in is sent to /login; errors are shown as a page).
    void route(httplib::Server& server, const char* method, const std::string& pattern, Access access,
               std::function<void(Call&)> handler, bool page = false);

    ledger::Ledger& ledger_of_this_thread();

private:
    Options options_;
    BodyCache bodies_;
    ReadCheck read_check_;
    std::jthread watcher_;  // last: stopped and joined before the members it uses go
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
