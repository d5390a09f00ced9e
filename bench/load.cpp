// fundflow_load: an open-loop HTTP load at a fixed rate, for bench/serve_bench.py.
//
//   fundflow_load HOST PORT PATH TOKEN RATE CONNECTIONS SECONDS
//
// GETs PATH with "Authorization: Bearer TOKEN" at RATE requests per second in all, spread over CONNECTIONS
// keep-alive connections (one thread each, RATE / CONNECTIONS each), for SECONDS. Request k of a connection
// is due at start + k × CONNECTIONS / RATE; its latency is counted from that due time, not from when it
// was sent, so a stall of the service counts against every request it delayed (no "coordinated omission",
// as wrk2 does it; a closed loop like wrk measures the queue of a saturated machine instead). Prints one
// line of JSON: sent, ok (2xx), failed, achieved requests/s, and p50/p99/p999/max latency in ms.
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Connection {
    std::vector<std::int64_t> latency_us;
    std::int64_t ok = 0;
    std::int64_t failed = 0;
};

double percentile_ms(const std::vector<std::int64_t>& sorted, std::size_t per_mille) {
    if (sorted.empty()) {
        return 0;
    }
    const std::size_t at = std::min(sorted.size() - 1, sorted.size() * per_mille / 1000);
    return static_cast<double>(sorted[at]) / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 8) {
        std::fprintf(stderr, "usage: fundflow_load HOST PORT PATH TOKEN RATE CONNECTIONS SECONDS\n");
        return 2;
    }
    const std::string host = argv[1];
    const int port = std::atoi(argv[2]);
    const std::string path = argv[3];
    const std::string token = argv[4];
    const long rate = std::atol(argv[5]);
    const long connections = std::atol(argv[6]);
    const long seconds = std::atol(argv[7]);
    if (port <= 0 || rate <= 0 || connections <= 0 || seconds <= 0) {
        std::fprintf(stderr, "fundflow_load: PORT, RATE, CONNECTIONS and SECONDS must be positive numbers\n");
        return 2;
    }
    const auto interval = std::chrono::nanoseconds(1'000'000'000LL * connections / rate);
    const auto start = Clock::now() + std::chrono::milliseconds(100);
    const auto end = start + std::chrono::seconds(seconds);
    std::vector<Connection> results(static_cast<std::size_t>(connections));
    std::vector<std::thread> threads;
    for (long c = 0; c < connections; ++c) {
        threads.emplace_back([&, c] {
            Connection& mine = results[static_cast<std::size_t>(c)];
            httplib::Client client(host, port);
            client.set_keep_alive(true);
            client.set_tcp_nodelay(true);
            const httplib::Headers headers{{"Authorization", "Bearer " + token}};
            // The connections' schedules are staggered evenly over one interval.
            auto due = start + interval * c / connections;
            while (due < end) {
                std::this_thread::sleep_until(due);
                const auto reply = client.Get(path, headers);
                const auto done = Clock::now();
                mine.latency_us.push_back(std::chrono::duration_cast<std::chrono::microseconds>(done - due).count());
                (reply && reply->status >= 200 && reply->status < 300 ? mine.ok : mine.failed) += 1;
                due += interval;
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::vector<std::int64_t> all;
    std::int64_t ok = 0;
    std::int64_t failed = 0;
    for (const auto& r : results) {
        all.insert(all.end(), r.latency_us.begin(), r.latency_us.end());
        ok += r.ok;
        failed += r.failed;
    }
    std::sort(all.begin(), all.end());
    std::printf("{\"sent\": %zu, \"ok\": %lld, \"failed\": %lld, \"per_second\": %.1f, \"p50_ms\": %.3f, "
                "\"p99_ms\": %.3f, \"p999_ms\": %.3f, \"max_ms\": %.3f}\n",
                all.size(), static_cast<long long>(ok), static_cast<long long>(failed),
                static_cast<double>(all.size()) / elapsed, percentile_ms(all, 500), percentile_ms(all, 990),
                percentile_ms(all, 999), all.empty() ? 0.0 : static_cast<double>(all.back()) / 1000.0);
    return failed == 0 ? 0 : 1;
}
