// serve/serve.hpp — `fundflow serve`: the shared ledger service of api.md (HTTP/1.1, JSON API and pages).
//
// One process serves one ledger file. Each worker thread opens its own Ledger on the file (ledger.hpp:
// a Ledger is used by one thread at a time), so reads run in parallel and never wait for a writer; writes
// are serialised by the ledger (BEGIN IMMEDIATE) and acknowledged only after they committed.
#pragma once

#include <cstddef>
#include <string>

namespace fundflow::serve {

struct Options {
    std::string db;                          // the ledger file
    std::string listen = "127.0.0.1:8080";   // HOST:PORT; port 0 picks a free one
    std::string tls_cert;                    // PEM certificate chain; with tls_key: HTTPS
    std::string tls_key;
    int workers = 32;                        // the bounded pool: at most this many requests at once
    std::size_t max_body = 16U << 20U;       // bytes; a larger request body is answered 413
    std::string assets = "/usr/share/javascript";  // Debian's libjs-* packages (chart.js)
    // The bodies of report reads kept for the ledger state they were read at (--cache-mb; 0: none). A body
    // is served again only while the chain head is the same: every write, by this process or another,
    // moves the head, so a kept body is never one the ledger would no longer print.
    int cache_mb = 64;
    bool check_only = false;
    // Only the test-only build fundflow-serve-sabotage sets these (cli/main.cpp, FUNDFLOW_TEST_SERVE_SABOTAGE),
    // so that SV1 and SV2 can prove they fail: a cookie write passes without its CSRF header; an
    // Idempotency-Key is ignored (every request posts anew). No option or variable of fundflow sets them.
    bool sabotage_csrf = false;
    bool sabotage_idempotency = false;  // --check: open the ledger, load TLS, bind the address, say so, and exit 0
};

// Runs until SIGTERM or SIGINT: then stops accepting, finishes the requests in flight and returns 0.
// Prints exactly one line "listening on http://HOST:PORT" (https:// under TLS) on stdout once it accepts
// connections. Throws ledger::Error for a ledger it cannot open and for a bad --listen/--tls-* (invalid_input).
int run(const Options& options);

}  // namespace fundflow::serve
