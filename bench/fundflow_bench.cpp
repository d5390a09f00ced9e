// fundflow_bench — posting throughput and report cost of the fundflow ledger, through the public API.
//
//   fundflow_bench [--posts N] [--single-posts N] [--batch N] [--ledger-entries N] [--projects N]
//                  [--repeat R] [--dir DIR] [--keep] [--reuse] [--seed S] [--json]
//
// 1. Posting: N entries (default 100,000) of a realistic mix (workload.hpp) on a fresh file, in
//    batches of --batch postings per Ledger::in_transaction; then --single-posts more, each its own
//    transaction (BEGIN IMMEDIATE … COMMIT with synchronous=FULL), timed one by one.
// 2. Reports: a ledger of --ledger-entries entries (default 1,000,000; projects × 4 fiscal levels ×
//    3 years) is built the same way, closed, reopened read-only, and execution_report and balances
//    are timed --repeat times; verify() once. Peak RSS (VmHWM) is read around the reports to show
//    that they are SQL aggregates, not a load of the entries. Every report is also checked against
//    the workload's own model of the figures.
// Files go to --dir (default /tmp) and are removed at the end unless --keep. --reuse reads an
// existing ledger file of the right name instead of building it (no model check then).
// Give --posts 0 or --ledger-entries 0 to skip a part. Timing is std::chrono::steady_clock; every
// figure is an integer (µs, entries, bytes); no floating point anywhere.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/ledger.hpp"
#include "workload.hpp"

namespace fundflow_bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using ledger::BalanceBy;
using ledger::EntryKind;
using ledger::Ledger;
using ledger::Level;
using ledger::Money;

constexpr std::int64_t kMicrosPerSecond = 1000000;
constexpr int kLedgerFirstYear = 2022;
constexpr int kLedgerYears = 3;

struct Options {
    std::int64_t posts = 100000;
    std::int64_t single_posts = 1000;
    std::int64_t batch = 1000;
    std::int64_t ledger_entries = 1000000;
    int projects = 20;
    int repeat = 5;
    std::string dir = "/tmp";
    bool keep = false;
    bool reuse = false;
    bool json = false;
    std::uint64_t seed = 20240101;
};

const char* const kUsage =
    "usage: fundflow_bench [--posts N] [--single-posts N] [--batch N] [--ledger-entries N]\n"
    "                      [--projects N] [--repeat R] [--dir DIR] [--keep] [--reuse] [--seed S] [--json]\n"
    "defaults: --posts 100000 --single-posts 1000 --batch 1000 --ledger-entries 1000000 --projects 20\n"
    "          --repeat 5 --dir /tmp\n";

std::int64_t parse_count(std::string_view option, std::string_view text, std::int64_t low, std::int64_t high) {
    std::int64_t value = 0;
    if (text.empty() || text.size() > 12) {
        throw std::invalid_argument(std::string(option) + " needs a whole number, not '" + std::string(text) + "'");
    }
    for (const char ch : text) {
        if (ch < '0' || ch > '9') {
            throw std::invalid_argument(std::string(option) + " needs a whole number, not '" + std::string(text) + "'");
        }
        value = value * 10 + (ch - '0');
    }
    if (value < low || value > high) {
        throw std::invalid_argument(std::string(option) + " must lie between " + std::to_string(low) + " and " +
                                    std::to_string(high));
    }
    return value;
}

Options parse_options(int argc, char** argv) {
    Options o;
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view a = args[i];
        const auto value = [&]() -> std::string_view {
            if (i + 1 >= args.size()) {
                throw std::invalid_argument(std::string(a) + " needs a value");
            }
            return args[++i];
        };
        if (a == "--posts") {
            o.posts = parse_count(a, value(), 0, 100000000);
        } else if (a == "--single-posts") {
            o.single_posts = parse_count(a, value(), 0, 1000000);
        } else if (a == "--batch") {
            o.batch = parse_count(a, value(), 1, 1000000);
        } else if (a == "--ledger-entries") {
            o.ledger_entries = parse_count(a, value(), 0, 100000000);
        } else if (a == "--projects") {
            o.projects = static_cast<int>(parse_count(a, value(), 1, 999));
        } else if (a == "--repeat") {
            o.repeat = static_cast<int>(parse_count(a, value(), 1, 1000));
        } else if (a == "--seed") {
            o.seed = static_cast<std::uint64_t>(parse_count(a, value(), 0, 999999999999));
        } else if (a == "--dir") {
            o.dir = std::string(value());
        } else if (a == "--keep") {
            o.keep = true;
        } else if (a == "--reuse") {
            o.reuse = true;
        } else if (a == "--json") {
            o.json = true;
        } else if (a == "--help" || a == "-h") {
            std::cout << kUsage;
            std::exit(0);
        } else {
            throw std::invalid_argument("unknown option '" + std::string(a) + "'");
        }
    }
    return o;
}

std::string grouped(std::int64_t value) {
    const std::string digits = std::to_string(value < 0 ? -value : value);
    std::string out;
    if (value < 0) {
        out.push_back('-');
    }
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out.push_back(',');
        }
        out.push_back(digits[i]);
    }
    return out;
}

// ---- measuring -------------------------------------------------------------------------------

std::int64_t micros_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
}

std::int64_t per_second(std::int64_t count, std::int64_t micros) {
    return micros > 0 ? count * kMicrosPerSecond / micros : 0;
}

struct Stats {
    std::int64_t first = 0;
    std::int64_t min = 0;
    std::int64_t median = 0;
    std::int64_t p99 = 0;
    std::int64_t max = 0;
    std::int64_t count = 0;
};

Stats stats_of(std::vector<std::int64_t> samples) {
    Stats s;
    if (samples.empty()) {
        return s;
    }
    s.first = samples.front();
    std::sort(samples.begin(), samples.end());
    const std::size_t n = samples.size();
    s.count = static_cast<std::int64_t>(n);
    s.min = samples.front();
    s.max = samples.back();
    s.median = (samples[(n - 1) / 2] + samples[n / 2]) / 2;
    s.p99 = samples[(99 * n + 99) / 100 - 1];  // nearest rank: ⌈0.99 n⌉
    return s;
}

// A field of /proc/self/status in kB (VmHWM, VmRSS); -1 when unavailable.
std::int64_t status_kb(std::string_view field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.size() > field.size() && line.compare(0, field.size(), field) == 0 && line[field.size()] == ':') {
            std::istringstream rest(line.substr(field.size() + 1));
            std::int64_t kb = -1;
            rest >> kb;
            return kb;
        }
    }
    return -1;
}

// Resets VmHWM to the current RSS (Linux: "5" into clear_refs), so that the next reading is the peak
// of what follows. Returns false where the kernel does not allow it.
bool reset_peak_rss() {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    clear.flush();
    return static_cast<bool>(clear);
}

void remove_ledger_files(const fs::path& path) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        fs::remove(fs::path(path.string() + suffix), ignored);
    }
}

std::int64_t file_size_or_zero(const fs::path& path) {
    std::error_code error;
    const auto size = fs::file_size(path, error);
    return error ? 0 : static_cast<std::int64_t>(size);
}

ledger::Actor bench_actor() {
    const char* login = std::getenv("USER");
    return ledger::Actor{"bench", login != nullptr && *login != '\0' ? login : "bench"};
}

// ---- 1. posting ------------------------------------------------------------------------------

struct Checkpoint {
    std::int64_t entries = 0;
    std::int64_t micros = 0;
};

// Rate over the entries between two fractions (in tenths) of a run, from its batch checkpoints: from
// the last checkpoint at or before the first mark to the first one at or after the second.
std::int64_t rate_between_tenths(const std::vector<Checkpoint>& marks, int from_tenth, int to_tenth) {
    if (marks.empty()) {
        return 0;
    }
    const std::int64_t total = marks.back().entries;
    const std::int64_t from = total * from_tenth / 10;
    const std::int64_t to = total * to_tenth / 10;
    Checkpoint a;
    for (const Checkpoint& c : marks) {
        if (c.entries <= from) {
            a = c;
        }
    }
    const Checkpoint b = *std::lower_bound(marks.begin(), marks.end(), to,
                                           [](const Checkpoint& c, std::int64_t e) { return c.entries < e; });
    return per_second(b.entries - a.entries, b.micros - a.micros);
}

struct PostingResult {
    std::int64_t entries = 0;
    std::int64_t batch = 0;
    std::int64_t micros = 0;
    std::int64_t first_tenth_rate = 0;
    std::int64_t last_tenth_rate = 0;
    std::vector<std::pair<EntryKind, std::int64_t>> mix;
    Stats single;  // µs per post, each its own transaction
    std::int64_t wal_bytes_before_close = 0;
    std::int64_t file_bytes = 0;
};

// Writes `entries` steps of the workload in transactions of `batch` postings; returns the checkpoints
// (entries written, µs elapsed) after each transaction. `progress` labels lines on stderr (or none).
std::vector<Checkpoint> post_batched(Ledger& book, Workload& workload, std::int64_t entries, std::int64_t batch,
                                     const char* progress) {
    std::vector<Checkpoint> marks;
    marks.reserve(static_cast<std::size_t>(entries / batch + 1));
    const std::int64_t start_entries = workload.written();
    const std::int64_t target = start_entries + entries;
    const std::int64_t tenth = std::max<std::int64_t>(1, entries / 10);
    std::int64_t next_report = tenth;
    Checkpoint last_report;
    const auto start = Clock::now();
    while (workload.written() < target) {
        book.in_transaction([&] {
            for (std::int64_t k = 0; k < batch && workload.written() < target; ++k) {
                workload.step(book);
            }
        });
        const Checkpoint mark{workload.written() - start_entries, micros_since(start)};
        marks.push_back(mark);
        if (progress != nullptr && mark.entries >= next_report) {
            std::cerr << progress << ": " << mark.entries << " / " << entries << " entries, " << mark.micros / 1000
                      << " ms, " << per_second(mark.entries - last_report.entries, mark.micros - last_report.micros)
                      << " entries/s over the last " << mark.entries - last_report.entries << "\n";
            last_report = mark;
            next_report += tenth;
        }
    }
    return marks;
}

PostingResult run_posting(const Options& o) {
    PostingResult r;
    const fs::path path = fs::path(o.dir) / "fundflow-bench-posts.db";
    remove_ledger_files(path);
    Ledger::create(path.string());
    Shape shape;  // 4 projects × central, provincial, county × one year
    shape.projects = 4;
    shape.first_year = 2024;
    shape.years = 1;
    shape.entries = o.posts + o.single_posts;
    shape.seed = o.seed;
    Workload workload(shape, bench_actor());
    {
        Ledger book = Ledger::open(path.string(), Ledger::Mode::read_write);
        const auto marks = post_batched(book, workload, o.posts, o.batch, o.json ? nullptr : "posting");
        r.entries = o.posts;
        r.batch = o.batch;
        r.micros = marks.empty() ? 0 : marks.back().micros;
        r.first_tenth_rate = rate_between_tenths(marks, 0, 1);
        r.last_tenth_rate = rate_between_tenths(marks, 9, 10);
        for (const EntryKind kind : {EntryKind::project, EntryKind::contract, EntryKind::appropriation,
                                     EntryKind::adjustment, EntryKind::arrival, EntryKind::payment, EntryKind::refund,
                                     EntryKind::retention, EntryKind::release, EntryKind::forfeit,
                                     EntryKind::recovery}) {
            if (workload.count(kind) > 0) {
                r.mix.emplace_back(kind, workload.count(kind));
            }
        }

        // Outside in_transaction each posting is its own BEGIN IMMEDIATE … COMMIT, with the fsync of
        // synchronous=FULL: the latency a clerk sees per `fundflow post`, less process start-up.
        std::vector<std::int64_t> latencies;
        latencies.reserve(static_cast<std::size_t>(o.single_posts));
        while (!workload.done()) {
            const auto start = Clock::now();
            workload.step(book);
            latencies.push_back(micros_since(start));
        }
        r.single = stats_of(std::move(latencies));
        r.wal_bytes_before_close = file_size_or_zero(path.string() + "-wal");
    }
    r.file_bytes = file_size_or_zero(path);
    if (!o.keep) {
        remove_ledger_files(path);
    }
    return r;
}

// ---- 2. reports on a large ledger -------------------------------------------------------------

struct Timed {
    std::string name;
    Stats micros;
    std::string result;  // what the call returned, in a few words
};

struct LedgerResult {
    std::string path;
    bool built = false;
    std::int64_t entries = 0;
    int projects = 0;
    std::int64_t batch = 0;
    std::int64_t build_micros = 0;
    std::int64_t close_micros = 0;
    std::int64_t built_file_bytes = 0;  // main file and WAL at the end of the build, before closing
    std::int64_t built_wal_bytes = 0;
    std::vector<std::int64_t> tenth_rates;
    std::int64_t file_bytes = 0;
    std::int64_t wal_bytes = 0;
    std::vector<Timed> reports;
    bool peak_reset = false;
    std::int64_t peak_until_reports_kb = 0;  // VmHWM of everything before: posting, build, model
    std::int64_t rss_before_reports_kb = 0;
    std::int64_t peak_reports_kb = 0;
    std::int64_t verify_micros = 0;
    std::int64_t peak_verify_kb = 0;
    std::string verify_result;
    std::string model_check = "not run (--reuse)";
    bool model_ok = true;
};

template <typename F>
Stats time_repeated(int repeat, F&& call) {
    std::vector<std::int64_t> samples;
    for (int i = 0; i < repeat; ++i) {
        const auto start = Clock::now();
        call();
        samples.push_back(micros_since(start));
    }
    return stats_of(std::move(samples));
}

// What the years before `year` leave to it (domain.md §6): arrived − executed − recovered, all levels.
Money carried_into(const Workload& workload, int project, int year) {
    const Shape& shape = workload.shape();
    Money carried;
    for (int y = shape.first_year; y < year; ++y) {
        for (std::size_t l = 0; l < shape.levels.size(); ++l) {
            const Figures& f = workload.figures(project, l, y);
            carried += f.arrived - f.executed - f.recovered;
        }
    }
    return carried;
}

// Compares every execution report and the balances by level, under each cut, with the workload's model.
std::string check_against_model(const Ledger& book, const Workload& workload, const std::vector<ledger::ReadCut>& cuts,
                                bool& ok) {
    const Shape& shape = workload.shape();
    const int last_year = shape.first_year + shape.years - 1;
    std::int64_t compared = 0;
    std::string first_problem;
    const auto expect = [&](Money actual, Money expected, const std::string& what) {
        ++compared;
        if (actual != expected && first_problem.empty()) {
            first_problem = what + ": ledger " + ledger::format_yuan(actual) + ", model " + ledger::format_yuan(expected);
        }
    };
    for (const ledger::ReadCut& cut : cuts) {
        const std::string cut_name = cut.known_at ? " (--known-at)" : "";
        for (int p = 0; p < shape.projects; ++p) {
            const std::string code = workload.project_code(p);
            for (int y = shape.first_year; y <= last_year; ++y) {
                const auto report = book.execution_report(code, y, cut);
                const std::string where_year = code + " " + std::to_string(y);
                for (std::size_t l = 0; l < shape.levels.size(); ++l) {
                    const Figures& f = workload.figures(p, l, y);
                    const auto& got = report.level(shape.levels[l]);
                    const std::string where =
                        where_year + " " + std::string(ledger::to_string(shape.levels[l])) + cut_name;
                    expect(got.initial_budget, f.initial_budget, where + " initial budget");
                    expect(got.full_year_budget, f.full_year_budget, where + " full-year budget");
                    expect(got.arrived, f.arrived, where + " arrived");
                    expect(got.executed, f.executed, where + " executed");
                }
                expect(report.level(Level::carryover).arrived, carried_into(workload, p, y),
                       where_year + " carryover arrived" + cut_name);
                if (y == last_year) {
                    expect(report.retention_outstanding, workload.retention_outstanding(p),
                           code + " retention outstanding" + cut_name);
                }
            }
        }
        // Balances are the pots of the as-of year, plus the carryover pot of the years before it.
        const int year = ledger::year_of(cut.as_of);
        for (const auto& row : book.balances(std::nullopt, BalanceBy::level, cut).rows) {
            int p = 0;
            while (p < shape.projects && workload.project_code(p) != row.project) {
                ++p;
            }
            if (p == shape.projects || !row.level) {
                first_problem = first_problem.empty() ? "unexpected balance row " + row.project : first_problem;
                continue;
            }
            const std::string where = row.project + " " + std::string(ledger::to_string(*row.level)) + " balance" + cut_name;
            if (*row.level == Level::carryover) {
                expect(row.arrived, carried_into(workload, p, year), where + " arrived");
                continue;
            }
            const auto level = std::find(shape.levels.begin(), shape.levels.end(), *row.level);
            if (level == shape.levels.end()) {
                first_problem = first_problem.empty() ? "unexpected balance row " + where : first_problem;
                continue;
            }
            const Figures& f = workload.figures(p, static_cast<std::size_t>(level - shape.levels.begin()), year);
            expect(row.arrived, f.arrived, where + " arrived");
            expect(row.executed, f.executed, where + " executed");
            expect(row.recovered, f.recovered, where + " recovered");
        }
    }
    ok = first_problem.empty();
    return ok ? "ok: " + grouped(compared) + " figures equal the model's" : "MISMATCH: " + first_problem;
}

LedgerResult run_ledger(const Options& o) {
    LedgerResult r;
    const fs::path path = fs::path(o.dir) / "fundflow-bench-ledger.db";
    r.path = path.string();
    r.projects = o.projects;
    r.batch = o.batch;
    Shape shape;
    shape.projects = o.projects;
    shape.levels = {Level::central, Level::provincial, Level::municipal, Level::county};
    shape.first_year = kLedgerFirstYear;
    shape.years = kLedgerYears;
    shape.entries = o.ledger_entries;
    shape.seed = o.seed + 1;
    Workload workload(shape, bench_actor());

    r.built = !(o.reuse && fs::exists(path));
    if (r.built) {
        remove_ledger_files(path);
        Ledger::create(path.string());
        std::optional<Ledger> book = Ledger::open(path.string(), Ledger::Mode::read_write);
        const auto marks = post_batched(*book, workload, o.ledger_entries, o.batch, o.json ? nullptr : "building");
        r.build_micros = marks.empty() ? 0 : marks.back().micros;
        for (int t = 0; t < 10; ++t) {
            r.tenth_rates.push_back(rate_between_tenths(marks, t, t + 1));
        }
        r.built_file_bytes = file_size_or_zero(path);
        r.built_wal_bytes = file_size_or_zero(path.string() + "-wal");
        // Closing the last connection checkpoints the WAL into the file.
        const auto close_start = Clock::now();
        book.reset();
        r.close_micros = micros_since(close_start);
    }
    r.file_bytes = file_size_or_zero(path);
    r.wal_bytes = file_size_or_zero(path.string() + "-wal");

    const Ledger book = Ledger::open(path.string(), Ledger::Mode::read_only);
    r.entries = book.digest().entries;
    const std::string project = workload.project_code(o.projects / 2);
    const int year = kLedgerFirstYear + kLedgerYears - 1;
    const ledger::ReadCut cut{ledger::last_day_of(year), std::nullopt};

    r.peak_until_reports_kb = status_kb("VmHWM");
    r.rss_before_reports_kb = status_kb("VmRSS");
    r.peak_reset = reset_peak_rss();
    {
        ledger::ExecutionReport report;
        Timed t{"report execution " + project + " " + std::to_string(year), {}, {}};
        t.micros = time_repeated(o.repeat, [&] { report = book.execution_report(project, year, cut); });
        t.result = "total executed " + ledger::format_yuan(report.total.executed) + " 元";
        r.reports.push_back(t);
    }
    const auto time_balances = [&](std::string name, const std::optional<std::string>& code, BalanceBy by,
                                   const ledger::ReadCut& read_cut) {
        ledger::BalanceReport report;
        Timed t{std::move(name), {}, {}};
        t.micros = time_repeated(o.repeat, [&] { report = book.balances(code, by, read_cut); });
        t.result = std::to_string(report.rows.size()) + " rows";
        r.reports.push_back(t);
    };
    time_balances("balance --by level (all projects)", std::nullopt, BalanceBy::level, cut);
    time_balances("balance --by level " + project, project, BalanceBy::level, cut);
    time_balances("balance --by project (all projects)", std::nullopt, BalanceBy::project, cut);
    time_balances("balance --by contract (all projects)", std::nullopt, BalanceBy::contract, cut);
    // --known-at reads each entry's recorded time: the other path, over the entries' covering index.
    const ledger::ReadCut known_cut{cut.as_of, ledger::now_utc()};
    {
        ledger::ExecutionReport report;
        Timed t{"report execution " + project + " " + std::to_string(year) + " --known-at", {}, {}};
        t.micros = time_repeated(o.repeat, [&] { report = book.execution_report(project, year, known_cut); });
        t.result = "total executed " + ledger::format_yuan(report.total.executed) + " 元";
        r.reports.push_back(t);
    }
    time_balances("balance --by level (all projects) --known-at", std::nullopt, BalanceBy::level, known_cut);
    r.peak_reports_kb = status_kb("VmHWM");

    reset_peak_rss();
    const auto verify_start = Clock::now();
    const auto verified = book.verify();
    r.verify_micros = micros_since(verify_start);
    r.peak_verify_kb = status_kb("VmHWM");
    r.verify_result = verified.ok ? "ok, " + grouped(verified.digest.entries) + " entries"
                                  : "FAILED: " + verified.problem.english();

    if (r.built) {
        r.model_check = check_against_model(book, workload, {cut, known_cut}, r.model_ok);
    }
    if (!o.keep && !o.reuse) {
        remove_ledger_files(path);
    }
    return r;
}

// ---- output ----------------------------------------------------------------------------------

// µs as milliseconds with one decimal, e.g. "1,234.5 ms".
std::string ms(std::int64_t micros) {
    return grouped(micros / 1000) + "." + std::to_string(micros % 1000 / 100) + " ms";
}

std::string seconds(std::int64_t micros) {
    return grouped(micros / kMicrosPerSecond) + "." + std::to_string(micros % kMicrosPerSecond / 100000) + " s";
}

std::string mib(std::int64_t bytes) {
    const std::int64_t tenths = bytes * 10 / (1024 * 1024);
    return grouped(tenths / 10) + "." + std::to_string(tenths % 10) + " MiB";
}

// part/whole as a percentage with one decimal.
std::string percent(std::int64_t part, std::int64_t whole) {
    if (whole <= 0) {
        return "-";
    }
    const std::int64_t tenths = part * 1000 / whole;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " %";
}

std::string padded(std::string text, std::size_t width) {
    // Pads by display columns, counting each UTF-8 sequence as one column.
    std::size_t columns = 0;
    for (const char ch : text) {
        if ((static_cast<unsigned char>(ch) & 0xC0U) != 0x80U) {
            ++columns;
        }
    }
    if (columns < width) {
        text.append(width - columns, ' ');
    }
    return text;
}

void row(std::ostream& out, const std::string& label, const std::string& value) {
    out << "  " << padded(label, 50) << value << "\n";
}

void print_table(std::ostream& out, const Options& o, const std::optional<PostingResult>& posting,
                 const std::optional<LedgerResult>& book) {
    out << "fundflow_bench (all figures through the public ledger API; dir " << o.dir << ")\n";
    if (posting) {
        const PostingResult& p = *posting;
        out << "\n1. Posting on a fresh ledger (4 projects x 3 levels, dates ascending over 2024)\n";
        std::string mix;
        for (const auto& [kind, count] : p.mix) {
            mix += mix.empty() ? "" : ", ";
            mix += std::string(ledger::to_string(kind)) + " " + grouped(count);
        }
        row(out, "entries posted (batched)", grouped(p.entries));
        row(out, "mix", mix);
        row(out, "batched, " + grouped(p.batch) + " per in_transaction",
            seconds(p.micros) + "  =  " + grouped(per_second(p.entries, p.micros)) + " entries/s");
        row(out, "  first 10% / last 10% of the run",
            grouped(p.first_tenth_rate) + " / " + grouped(p.last_tenth_rate) + " entries/s");
        row(out, "single posts, each its own transaction", grouped(p.single.count) + " posts (synchronous=FULL)");
        row(out, "  median per post", grouped(p.single.median) + " µs");
        row(out, "  p99 per post", grouped(p.single.p99) + " µs");
        row(out, "  min / max per post", grouped(p.single.min) + " / " + grouped(p.single.max) + " µs");
        row(out, "file size (WAL before closing)", mib(p.file_bytes) + " (" + mib(p.wal_bytes_before_close) + ")");
    }
    if (book) {
        const LedgerResult& b = *book;
        out << "\n2. Reports on a " << grouped(b.entries) << "-entry ledger (" << b.projects
            << " projects x 4 fiscal levels x " << kLedgerYears << " years)\n";
        if (b.built) {
            row(out, "build, " + grouped(b.batch) + " per in_transaction",
                seconds(b.build_micros) + "  =  " + grouped(per_second(b.entries, b.build_micros)) + " entries/s");
            std::string tenths;
            for (const auto rate : b.tenth_rates) {
                tenths += tenths.empty() ? "" : " ";
                tenths += grouped(rate);
            }
            row(out, "  entries/s by tenth of the build", tenths);
            row(out, "  file + WAL at the end, before closing",
                mib(b.built_file_bytes) + " + WAL " + mib(b.built_wal_bytes));
            row(out, "  close (final WAL checkpoint)", ms(b.close_micros));
        } else {
            row(out, "build", "skipped (--reuse of " + b.path + ")");
        }
        row(out, "file size", mib(b.file_bytes) + (b.wal_bytes > 0 ? " + WAL " + mib(b.wal_bytes) : ""));
        out << "  " << padded("read-only, as of " + std::to_string(kLedgerFirstYear + kLedgerYears - 1) + "-12-31, " +
                                  std::to_string(o.repeat) + " runs",
                              50)
            << padded("first", 13) << padded("median", 13) << padded("min", 13) << "result\n";
        for (const auto& t : b.reports) {
            out << "  " << padded(t.name, 50) << padded(ms(t.micros.first), 13) << padded(ms(t.micros.median), 13)
                << padded(ms(t.micros.min), 13) << t.result << "\n";
        }
        const std::string since = b.peak_reset ? "" : " (since start: VmHWM could not be reset)";
        row(out, "peak RSS before the reports (VmHWM)", mib(b.peak_until_reports_kb * 1024) + "  (posting, build)");
        row(out, "RSS before the reports (VmRSS)", mib(b.rss_before_reports_kb * 1024));
        row(out, "peak RSS during the reports (VmHWM)",
            mib(b.peak_reports_kb * 1024) + "  =  " + percent(b.peak_reports_kb * 1024, b.file_bytes) +
                " of the file" + since);
        row(out, "  of which added by the reports", mib((b.peak_reports_kb - b.rss_before_reports_kb) * 1024));
        row(out, "verify", seconds(b.verify_micros) + "  (" + b.verify_result + ")");
        row(out, "peak RSS during verify (VmHWM)",
            mib(b.peak_verify_kb * 1024) + "  =  " + percent(b.peak_verify_kb * 1024, b.file_bytes) + " of the file");
        row(out, "reports checked against the workload model", b.model_check);
    }
}

std::string json_string(const std::string& text) {
    std::string out = "\"";
    for (const char ch : text) {
        if (ch == '"' || ch == '\\') {
            out += '\\';
        }
        out += ch;
    }
    return out + "\"";
}

void print_json(std::ostream& out, const std::optional<PostingResult>& posting, const std::optional<LedgerResult>& book) {
    out << "{";
    if (posting) {
        const PostingResult& p = *posting;
        out << "\"posting\": {\"entries\": " << p.entries << ", \"batch\": " << p.batch << ", \"micros\": " << p.micros
            << ", \"entries_per_second\": " << per_second(p.entries, p.micros)
            << ", \"first_tenth_entries_per_second\": " << p.first_tenth_rate
            << ", \"last_tenth_entries_per_second\": " << p.last_tenth_rate
            << ", \"single_posts\": " << p.single.count << ", \"single_median_micros\": " << p.single.median
            << ", \"single_p99_micros\": " << p.single.p99 << ", \"single_max_micros\": " << p.single.max
            << ", \"file_bytes\": " << p.file_bytes << ", \"wal_bytes_before_close\": " << p.wal_bytes_before_close << "}";
    }
    if (book) {
        const LedgerResult& b = *book;
        out << (posting ? ", " : "") << "\"ledger\": {\"entries\": " << b.entries << ", \"built\": "
            << (b.built ? "true" : "false") << ", \"build_micros\": " << b.build_micros
            << ", \"build_entries_per_second\": " << per_second(b.entries, b.build_micros)
            << ", \"close_micros\": " << b.close_micros << ", \"wal_bytes_before_close\": " << b.built_wal_bytes << ", \"peak_rss_before_reports_kb\": " << b.peak_until_reports_kb << ", \"file_bytes\": " << b.file_bytes
            << ", \"reports\": [";
        for (std::size_t i = 0; i < b.reports.size(); ++i) {
            const auto& t = b.reports[i];
            out << (i == 0 ? "" : ", ") << "{\"name\": " << json_string(t.name) << ", \"first_micros\": " << t.micros.first
                << ", \"median_micros\": " << t.micros.median << ", \"min_micros\": " << t.micros.min << "}";
        }
        out << "], \"peak_rss_reports_kb\": " << b.peak_reports_kb << ", \"verify_micros\": " << b.verify_micros
            << ", \"verify\": " << json_string(b.verify_result) << ", \"peak_rss_verify_kb\": " << b.peak_verify_kb
            << ", \"model_check\": " << json_string(b.model_check) << "}";
    }
    out << "}\n";
}

int run(int argc, char** argv) {
    const Options o = parse_options(argc, argv);
    if (!fs::is_directory(o.dir)) {
        throw std::invalid_argument("--dir " + o.dir + " is not a directory");
    }
    std::optional<PostingResult> posting;
    std::optional<LedgerResult> book;
    if (o.posts > 0) {
        posting = run_posting(o);
    }
    if (o.ledger_entries > 0) {
        book = run_ledger(o);
    }
    if (o.json) {
        print_json(std::cout, posting, book);
    } else {
        print_table(std::cout, o, posting, book);
    }
    const bool ok = !book || (book->model_ok && book->verify_result.rfind("ok", 0) == 0);
    return ok ? 0 : 1;
}

}  // namespace
}  // namespace fundflow_bench

int main(int argc, char** argv) {
    try {
        return fundflow_bench::run(argc, argv);
    } catch (const ledger::Error& e) {
        std::cerr << "fundflow_bench: " << ledger::to_string(e.code()) << ": " << e.what() << "\n";
        return 1;
    } catch (const std::invalid_argument& e) {
        std::cerr << "fundflow_bench: " << e.what() << "\n" << fundflow_bench::kUsage;
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "fundflow_bench: " << e.what() << "\n";
        return 1;
    }
}
