// fundflow_writers: posting throughput of WRITERS concurrent writers through the library, each a thread with
// its own connection (Ledger::open), as the workers of `fundflow serve` are: no process start-up in the
// figure, only the engine, the rules and the chain. Writer w posts PER payments of 1.00 to project P<w>
// (P1…P32, set up by bench/writers.sh). Prints one line: postings, seconds, postings per second (one decimal).
//
//   fundflow_writers DB WRITERS PER
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "ledger/calendar.hpp"
#include "ledger/ledger.hpp"
#include "ledger/money.hpp"

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: fundflow_writers DB WRITERS PER\n");
        return 2;
    }
    const std::string db = argv[1];
    const int writers = std::atoi(argv[2]);
    const int per = std::atoi(argv[3]);
    std::vector<std::thread> threads;
    std::vector<int> failed(static_cast<std::size_t>(writers), 0);
    const auto start = std::chrono::steady_clock::now();
    for (int w = 0; w < writers; ++w) {
        threads.emplace_back([&, w] {
            try {
                auto ledger = ledger::Ledger::open(db, ledger::Ledger::Mode::read_write);
                ledger::Posting p;
                p.kind = ledger::EntryKind::payment;
                p.project = "P" + std::to_string(w + 1);
                p.level = ledger::Level::county;
                p.amount = ledger::Money::parse("1.00");
                p.date = ledger::parse_date("2024-06-01");
                const ledger::Actor actor{"bench", "bench"};
                for (int i = 0; i < per; ++i) {
                    ledger.post(p, actor);
                }
            } catch (const std::exception& e) {
                std::fprintf(stderr, "writer %d: %s\n", w, e.what());
                failed[static_cast<std::size_t>(w)] = 1;
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    const long long us = static_cast<long long>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
    for (const int f : failed) {
        if (f != 0) {
            return 1;
        }
    }
    const long long postings = static_cast<long long>(writers) * per;
    const long long tenths = postings * 10'000'000LL / (us > 0 ? us : 1);  // postings per second, in tenths
    std::printf("%lld %lld.%03lld %lld.%lld\n", postings, us / 1'000'000, us % 1'000'000 / 1000, tenths / 10, tenths % 10);
    return 0;
}
