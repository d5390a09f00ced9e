// serve/server.cpp — the process: listen, the bounded worker pool, TLS, the access log, graceful shutdown,
// and the frame every handler runs in (service.hpp).
#include <pthread.h>
#include <signal.h>
#include <sodium.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "ledger/error.hpp"
#include "service.hpp"

namespace fundflow::serve {
namespace {

// Per worker thread: when the request began and who made it, for the access log line.
thread_local std::chrono::steady_clock::time_point request_start;
thread_local std::string request_user;

std::shared_ptr<spdlog::logger> access_log() {
    static const auto logger = [] {
        auto l = std::make_shared<spdlog::logger>("access", std::make_shared<spdlog::sinks::stderr_sink_mt>());
        l->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %v", spdlog::pattern_time_type::utc);
        return l;
    }();
    return logger;
}

const char* status_code_name(int status) {
    switch (status) {
        case 400: return "bad_input";
        case 401: return "unauthenticated";
        case 403: return "forbidden";
        case 404: return "not_found";
        case 405: return "method_not_allowed";
        case 409: return "conflict";
        case 413: return "too_large";
        case 422: return "refused";
        case 429: return "locked";
        default: return "internal";
    }
}

ledger::Message status_message(int status) {
    switch (status) {
        case 404: return ledger::msg("no such page or resource");
        case 413: return ledger::msg("the request is too large");
        case 405: return ledger::msg("this method is not allowed here");
        default: return ledger::msg("the request could not be served");
    }
}

bool role_admits(Access access, ledger::Role role) {
    switch (access) {
        case Access::anyone:
        case Access::signed_in: return true;
        case Access::auditing: return role == ledger::Role::auditor || role == ledger::Role::admin;
        case Access::posting: return role == ledger::Role::accountant;
        case Access::admin: return role == ledger::Role::admin;
    }
    return false;
}

std::pair<std::string, int> split_listen(const std::string& listen) {
    const auto colon = listen.rfind(':');
    int port = -1;
    if (colon != std::string::npos && colon > 0 && colon + 1 < listen.size() && colon + 6 >= listen.size()) {
        const std::string digits = listen.substr(colon + 1);
        if (digits.find_first_not_of("0123456789") == std::string::npos) {
            port = std::stoi(digits);
        }
    }
    if (port < 0 || port > 65535) {
        throw ledger::Error(ledger::ErrorCode::invalid_input,
                            ledger::msg("--listen '{listen}' is not HOST:PORT (e.g. 127.0.0.1:8080; port 0 picks a free one)")
                                .with("listen", listen));
    }
    std::string host = listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    return {host, port};
}

}  // namespace

void note_caller(const Call& call) {
    std::string token;
    const std::string authorization = call.req.get_header_value("Authorization");
    if (authorization.rfind("Bearer ", 0) == 0) {
        token = authorization.substr(7);
    } else if (const auto cookie = cookie_token(call.req)) {
        token = *cookie;
    }
    if (!token.empty() && request_user.empty()) {
        try {
            if (const auto who = call.ledger().authenticate(token)) {
                request_user = who->user;
            }
        } catch (const std::exception&) {
            // the log line says "-"
        }
    }
}

void note_user(const std::string& user) { request_user = user; }

ledger::Ledger& Call::ledger() const { return service.ledger_of_this_thread(); }

std::optional<std::string> Call::param(const char* name) const {
    if (!req.has_param(name)) {
        return std::nullopt;
    }
    std::string value = req.get_param_value(name);
    if (value.empty()) {
        return std::nullopt;
    }
    return value;
}

ledger::Actor Call::actor() const { return ledger::Actor{who ? who->user : std::string(), "fundflow-serve"}; }

RenderOptions Call::render(const std::string& format) const {
    RenderOptions o;
    o.format_name = format;
    o.lang = lang == Language::en ? Lang::en : Lang::zh;
    return o;
}

ledger::Ledger& Service::ledger_of_this_thread() {
    // One connection per worker thread, opened on its first request and kept for the thread's life.
    thread_local std::optional<ledger::Ledger> ledger;
    if (!ledger) {
        ledger.emplace(ledger::Ledger::open(options_.db, ledger::Ledger::Mode::read_write));
    }
    return *ledger;
}

std::shared_ptr<const std::string> BodyCache::find(const std::string& key, const ledger::Digest& state) {
    if (capacity_ == 0) {
        return nullptr;
    }
    const std::lock_guard lock(mutex_);
    const auto it = kept_.find(key);
    if (it == kept_.end() || it->second.state != state) {
        return nullptr;
    }
    it->second.stamp = ++clock_;
    return it->second.body;
}

void BodyCache::keep(const std::string& key, const ledger::Digest& state, std::string body) {
    const std::size_t size = key.size() + body.size();
    if (size > capacity_ / 8) {  // a body that large (a long log page) would push out many small ones
        return;
    }
    auto shared = std::make_shared<const std::string>(std::move(body));
    const std::lock_guard lock(mutex_);
    if (const auto it = kept_.find(key); it != kept_.end()) {
        bytes_ -= key.size() + it->second.body->size();
        kept_.erase(it);
    }
    while (bytes_ + size > capacity_ && !kept_.empty()) {
        auto oldest = kept_.begin();
        for (auto it = kept_.begin(); it != kept_.end(); ++it) {
            if (it->second.stamp < oldest->second.stamp) {
                oldest = it;
            }
        }
        bytes_ -= oldest->first.size() + oldest->second.body->size();
        kept_.erase(oldest);
    }
    kept_.emplace(key, Kept{state, std::move(shared), ++clock_});
    bytes_ += size;
}

std::optional<ledger::Message> ReadCheck::problem() {
    const std::lock_guard lock(mutex_);
    return watched_problem_;
}

bool ReadCheck::needed(const ledger::Digest& state, bool moved, const Years& years) {
    const std::lock_guard lock(mutex_);
    bool check = moved || !valid_ || state != head_;
    for (const auto& y : years) {
        check = check || years_.count({y.project, y.year}) == 0;
    }
    return check;
}

void ReadCheck::passed(const ledger::Digest& state, const Years& years) {
    const std::lock_guard lock(mutex_);
    if (!valid_ || state != head_) {
        valid_ = true;
        head_ = state;
        years_.clear();
    }
    for (const auto& y : years) {
        years_.insert({y.project, y.year});
    }
}

void ReadCheck::failed() {
    const std::lock_guard lock(mutex_);
    valid_ = false;
}

void ReadCheck::watch(const std::string& db, const std::stop_token& stop) {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait_for(lock, stop, std::chrono::seconds(1), [] { return false; });
        if (stop.stop_requested()) {
            return;
        }
        if (!valid_ && !watched_problem_) {
            continue;  // a reader's check failed (it answered 500); the next read checks for itself
        }
        Years years;
        for (const auto& [project, year] : years_) {
            years.push_back({project, year});
        }
        lock.unlock();
        std::optional<ledger::Message> problem;
        try {
            // A new connection each time: a connection keeps the pages it read while no commit says they
            // changed, and a byte written behind SQLite's back says nothing; a kept connection would check
            // its own memory of the file for ever (and so would the workers': hence the sticky problem).
            const auto ledger = ledger::Ledger::open(db, ledger::Ledger::Mode::read_only);
            problem = ledger.spot_check(years);
        } catch (const ledger::Error& e) {
            problem = e.message();
        } catch (const std::exception& e) {
            spdlog::warn("the read check could not run: {}", e.what());
        }
        lock.lock();
        if (problem && !watched_problem_) {
            spdlog::error("the read check found: {}", word(*problem));
        }
        watched_problem_ = problem;
        if (problem) {
            valid_ = false;
        }
    }
}

void Service::start_watching() {
    watcher_ = std::jthread([this](const std::stop_token& stop) { read_check_.watch(options_.db, stop); });
}

std::string csrf_token_for(std::string_view session_token) {
    const std::string input = "fundflow-csrf:" + std::string(session_token);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(input.data()), input.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

bool same_secret(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Language language_of(const httplib::Request& req) {
    if (req.has_param("lang")) {
        if (const auto l = parse_language(req.get_param_value("lang"))) {
            return *l;
        }
    }
    const std::string accept = req.get_header_value("Accept-Language");
    if (accept.rfind("en", 0) == 0) {
        return Language::en;
    }
    return Language::zh;
}

std::string url_encoded(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) != 0 || ch == '/' || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            out += ch;
        } else {
            out += '%';
            out += kHex[c >> 4U];
            out += kHex[c & 0xFU];
        }
    }
    return out;
}

std::optional<std::string> cookie_token(const httplib::Request& req) {
    const std::string cookies = req.get_header_value("Cookie");
    const std::string name = std::string(kSessionCookie) + "=";
    std::size_t at = 0;
    while (at < cookies.size()) {
        while (at < cookies.size() && (cookies[at] == ' ' || cookies[at] == ';')) {
            ++at;
        }
        const auto end = cookies.find(';', at);
        const std::string pair = cookies.substr(at, end == std::string::npos ? std::string::npos : end - at);
        if (pair.rfind(name, 0) == 0 && pair.size() > name.size()) {
            return pair.substr(name.size());
        }
        if (end == std::string::npos) {
            break;
        }
        at = end + 1;
    }
    return std::nullopt;
}

void reply_json(Call& call, int status, const std::string& body) {
    call.res.status = status;
    call.res.set_content(body, "application/json; charset=utf-8");
}

void reply_error(Call& call, const HttpError& error) {
    nlohmann::ordered_json body;
    body["error"] = error.code.empty() ? status_code_name(error.status) : error.code;
    body["message"] = word(error.message);
    body["problems"] = error.problems;
    call.res.status = error.status;
    call.res.set_content(body.dump() + "\n", "application/json; charset=utf-8");
}

HttpError http_error_of(const ledger::Error& error) {
    HttpError e;
    e.message = error.message();
    switch (error.code()) {
        case ledger::ErrorCode::invalid_input:
        case ledger::ErrorCode::limit_exceeded:
            e.status = 400;
            e.code = "bad_input";
            break;
        case ledger::ErrorCode::not_found:
            e.status = 404;
            e.code = "not_found";
            break;
        case ledger::ErrorCode::rejected:
            e.status = 422;
            e.code = "refused";
            break;
        case ledger::ErrorCode::integrity:
            e.status = 500;
            e.code = "integrity";
            break;
        case ledger::ErrorCode::storage:
            e.status = 503;
            e.code = "storage";
            break;
    }
    return e;
}

void Service::route(httplib::Server& server, const char* method, const std::string& pattern, Access access,
                    std::function<void(Call&)> handler, bool page) {
    auto run = [this, access, handler = std::move(handler), page, write = std::string_view(method) != "GET"](const httplib::Request& req,
                                                                   httplib::Response& res) {
        Call call{req, res, *this};
        call.lang = language_of(req);
        set_language(call.lang);
        try {
            // 1. Authentication (401): a bearer token, else the session cookie.
            const std::string authorization = req.get_header_value("Authorization");
            if (authorization.rfind("Bearer ", 0) == 0) {
                call.token = authorization.substr(7);
            } else if (const auto cookie = cookie_token(req)) {
                call.token = *cookie;
                call.by_cookie = true;
            }
            if (!call.token.empty()) {
                call.who = call.ledger().authenticate(call.token);
            }
            if (access != Access::anyone) {
                if (!call.who) {
                    if (page) {
                        res.status = 303;
                        res.set_header("Location", "/login?next=" + url_encoded(req.path));
                        return;
                    }
                    throw HttpError{401, "unauthenticated",
                                    ledger::msg("not signed in: log in (POST /api/v1/session) or send a valid token")};
                }
                request_user = call.who->user;
                // 2. Role (403); cookie writes also need the CSRF header.
                if (write && call.by_cookie && !options_.sabotage_csrf &&
                    !same_secret(req.get_header_value("X-CSRF-Token"), csrf_token_for(call.token))) {
                    throw HttpError{403, "csrf",
                                    ledger::msg("a write with the session cookie needs the X-CSRF-Token header "
                                                "that GET /api/v1/session returns")};
                }
                if (!role_admits(access, call.who->role)) {
                    throw HttpError{403, "forbidden",
                                    ledger::msg("the role {role} may not do this").with("role", std::string(
                                        ledger::to_string(call.who->role)))};
                }
            } else if (call.who) {
                request_user = call.who->user;
            }
            handler(call);
        } catch (const HttpError& e) {
            reply_error(call, e);
        } catch (const ledger::Error& e) {
            reply_error(call, http_error_of(e));
        } catch (const std::exception& e) {
            spdlog::error("{} {}: {}", req.method, req.path, e.what());
            reply_error(call, HttpError{500, "internal", ledger::msg("the request could not be served")});
        }
    };
    const std::string_view m(method);
    if (m == "GET") {
        server.Get(pattern, run);
    } else if (m == "POST") {
        server.Post(pattern, run);
    } else if (m == "DELETE") {
        server.Delete(pattern, run);
    } else if (m == "PUT") {
        server.Put(pattern, run);
    }
}

int run(const Options& options) {
    if (sodium_init() < 0) {
        throw ledger::Error(ledger::ErrorCode::storage, ledger::msg("libsodium could not start"));
    }
    const auto [host, port] = split_listen(options.listen);
    if (options.tls_cert.empty() != options.tls_key.empty()) {
        throw ledger::Error(ledger::ErrorCode::invalid_input,
                            ledger::msg("--tls-cert and --tls-key go together: give both, or neither for plain HTTP"));
    }
    if (options.workers < 1 || options.workers > 1024) {
        throw ledger::Error(ledger::ErrorCode::invalid_input,
                            ledger::msg("--workers must be between 1 and 1024"));
    }
    if (options.cache_mb < 0 || options.cache_mb > 65536) {
        throw ledger::Error(ledger::ErrorCode::invalid_input,
                            ledger::msg("--cache-mb must be between 0 and 65536"));
    }
    // The file must open (and take pending migrations) before anything is promised on stdout.
    { auto check = ledger::Ledger::open(options.db, ledger::Ledger::Mode::read_write); }

    std::unique_ptr<httplib::Server> server;
    if (!options.tls_cert.empty()) {
        auto tls = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
        if (!tls->is_valid()) {
            throw ledger::Error(ledger::ErrorCode::invalid_input,
                                ledger::msg("cannot use --tls-cert {cert} with --tls-key {key}: not a PEM certificate "
                                            "and its private key")
                                    .with("cert", options.tls_cert)
                                    .with("key", options.tls_key));
        }
        server = std::move(tls);
    } else {
        server = std::make_unique<httplib::Server>();
    }
    Service service(options);
    const auto workers = static_cast<std::size_t>(options.workers);
    server->new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
    server->set_payload_max_length(options.max_body);
    server->set_read_timeout(30);
    server->set_write_timeout(30);
    server->set_keep_alive_timeout(5);
    // httplib closes a keep-alive connection after 5 requests by default: a client polling a report then
    // pays a new connection (and a worker that has not checked the file yet) every fifth request. 1,000
    // is nginx's keepalive_requests; the 5 s idle timeout above still frees a worker from an idle client.
    server->set_keep_alive_max_count(1000);
    // httplib sends a response's headers and body in two writes: with Nagle's algorithm on, the body waits for
    // the client's delayed ACK of the headers (~40 ms on Linux) on every keep-alive request.
    server->set_tcp_nodelay(true);
    server->set_pre_routing_handler([](const httplib::Request&, httplib::Response& res) {
        request_start = std::chrono::steady_clock::now();
        request_user.clear();
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_header("Referrer-Policy", "no-referrer");
        return httplib::Server::HandlerResponse::Unhandled;
    });
    server->set_error_handler([&service](const httplib::Request& req, httplib::Response& res) {
        // 404 for unknown paths, 413 for bodies over the limit, ...: the same error body as every answer.
        if (!res.body.empty()) {
            return;
        }
        Call call{req, res, service};
        call.lang = language_of(req);
        set_language(call.lang);
        const int status = res.status;
        note_caller(call);  // the access log names who asked, on unknown paths too
        if (status == 413 && req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0) {
            // httplib reads a form body whole and caps it at 8 KiB: a CSV or JSON sent as a form hits that.
            reply_error(call, HttpError{413, "too_large",
                                        ledger::msg("a form-encoded body is limited to 8 KiB: send the file with "
                                                    "Content-Type: text/csv (or application/json)")});
            return;
        }
        reply_error(call, HttpError{status, status_code_name(status), status_message(status)});
    });
    server->set_logger([](const httplib::Request& req, const httplib::Response& res) {
        const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - request_start);
        access_log()->info("{} {} {} {} {:.1f}ms", request_user.empty() ? "-" : request_user, req.method, req.path,
                           res.status, ms.count());
    });
    add_api(*server, service);
    add_pages(*server, service);

    // SIGTERM/SIGINT go to one thread that stops the server; every other thread blocks them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    const int bound = port == 0 ? server->bind_to_any_port(host) : (server->bind_to_port(host, port) ? port : -1);
    if (bound < 0) {
        throw ledger::Error(ledger::ErrorCode::storage,
                            ledger::msg("cannot listen on {listen}: the address is in use or not this machine's")
                                .with("listen", options.listen));
    }
    const std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (options.check_only) {
        std::printf("%s\n", word(ledger::msg("configuration ok: the ledger opens and {scheme}://{host}:{port} can be "
                                              "served; not started (--check)")
                                     .with("scheme", service.tls() ? "https" : "http")
                                     .with("host", shown_host)
                                     .with("port", std::to_string(bound)))
                                .c_str());
        return 0;
    }
    std::printf("listening on %s://%s:%d\n", service.tls() ? "https" : "http", shown_host.c_str(), bound);
    std::fflush(stdout);

    service.start_watching();  // after the signal mask: the watcher inherits it
    std::thread stopper([&] {
        int received = 0;
        sigwait(&signals, &received);
        if (received != SIGUSR1) {
            spdlog::info("signal {}: finishing the requests in flight", received);
        }
        server->stop();
    });
    const bool ok = server->listen_after_bind();
    pthread_kill(stopper.native_handle(), SIGUSR1);  // the listener ended on its own: let the stopper go
    stopper.join();
    return ok ? 0 : 1;
}

}  // namespace fundflow::serve
