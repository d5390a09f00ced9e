// fundflow — the command-line program: argv → command table (kCommands) → one library call → exit status.
// Every command and option here is the contract of shared/spec/cli.md. Everything printed is worded through
// the catalogue (i18n.hpp): Chinese by default, English with --lang en or FUNDFLOW_LANG=en.
#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <pwd.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "ledger/encoding.hpp"
#include "ledger/import.hpp"
#include "ledger/kinds.hpp"
#include "ledger/ledger.hpp"
#include "ledger/words.hpp"

#include "present/docx.hpp"
#include "present/export.hpp"
#include "present/i18n.hpp"
#include "present/render.hpp"
#include "present/render_accounts.hpp"
#include "present/render_lists.hpp"
#include "present/xlsx.hpp"
#include "serve.hpp"

namespace fundflow {
namespace {

using ledger::msg;

// Marks an English msgid kept in a table (extracted by xgettext --keyword=N_); tr() words it where it is used.
constexpr const char* N_(const char* english) { return english; }

// One exit status per outcome, as cli.md documents them.
enum class ExitStatus : int { ok = 0, failure = 1, usage = 2, rejected = 3, integrity = 4 };

ExitStatus exit_status_of(ledger::ErrorCode code) {
    switch (code) {
        case ledger::ErrorCode::invalid_input:
        case ledger::ErrorCode::not_found:
        case ledger::ErrorCode::limit_exceeded:
            return ExitStatus::usage;
        case ledger::ErrorCode::rejected:
            return ExitStatus::rejected;
        case ledger::ErrorCode::integrity:
            return ExitStatus::integrity;
        case ledger::ErrorCode::storage:
            return ExitStatus::failure;
    }
    return ExitStatus::failure;
}

[[noreturn]] void usage_error(ledger::Message message) {
    throw ledger::Error(ledger::ErrorCode::invalid_input, std::move(message));
}

std::string env_or(const char* name, std::string fallback) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

std::string login_name() {
    if (const passwd* pw = getpwuid(geteuid()); pw != nullptr && pw->pw_name != nullptr) {
        return pw->pw_name;
    }
    return "uid" + std::to_string(geteuid());
}

bool env_flag(const char* name) {
    const std::string value = env_or(name, "");
    return !value.empty() && value != "0" && value != "false" && value != "no";
}

// Prints "fundflow: warning: TEXT" (warning worded in the language in use) on stderr.
void warn(const std::string& text) {
    std::fflush(stdout);
    std::fprintf(stderr, "fundflow: %s%s\n", tr("warning: ").c_str(), text.c_str());
}

// ---------------------------------------------------------------------------------------------------------
// The command table's vocabulary.

// The global options that only some commands take. --db, --user, --lang and --read-only apply to every one.
enum Global : unsigned {
    kFormat = 1U << 0,  // --format (the formats the row lists)
    kUnit = 1U << 1,    // --unit
    kAsOf = 1U << 2,    // --as-of
    kKnownAt = 1U << 3  // --known-at
};
constexpr unsigned kCut = kAsOf | kKnownAt;

// The work a command belongs to: `fundflow --help` lists the commands under these headings, in this order.
enum class Group { posting, queries, evaluation, audit, accounts, other };

const char* group_title(Group g) {
    switch (g) {
        case Group::posting:
            return N_("Posting");
        case Group::queries:
            return N_("Queries");
        case Group::evaluation:
            return N_("Self-evaluation");
        case Group::audit:
            return N_("Audit");
        case Group::accounts:
            return N_("Accounts");
        case Group::other:
            return N_("Other");
    }
    return N_("Other");
}

struct Command;

struct Context {
    std::string db = env_or("FUNDFLOW_DB", "./fundflow.db");
    std::string user = env_or("FUNDFLOW_USER", login_name());
    RenderOptions render;
    std::string unit;
    std::string lang;
    std::string as_of;
    std::string known_at;
    bool read_only = env_flag("FUNDFLOW_READ_ONLY");
    std::string command;                 // for messages: "pay", "report execution", ...
    const Command* row = nullptr;        // the command's row of kCommands
    ExitStatus status = ExitStatus::ok;  // a command that printed its output may still end in 4

    void finish_render_options(Unit default_unit) {
        render.unit = unit.empty() ? default_unit : (unit == "wan" ? Unit::wan : Unit::yuan);
        render.lang = language();
    }

    ledger::ReadCut cut() const {
        ledger::ReadCut c;
        if (!as_of.empty()) {
            c.as_of = ledger::parse_date(as_of);
        }
        if (!known_at.empty()) {
            c.known_at = ledger::parse_instant(known_at);
        }
        return c;
    }

    ledger::Actor actor() const { return ledger::Actor{user, login_name()}; }

    ledger::Ledger reader() const { return ledger::Ledger::open(db, ledger::Ledger::Mode::read_only); }

    // Auditor mode refuses before the file is opened, let alone touched.
    ledger::Ledger writer() const {
        refuse_if_read_only();
        return ledger::Ledger::open(db, ledger::Ledger::Mode::read_write);
    }

    // A read command: body's reads and the cheap tamper check (the newest links of the chain, and the
    // totals of the years it reports) see one state of the file. On a problem the output stands, one
    // warning line goes to stderr, and the exit status is 4. FUNDFLOW_READ_CHECK=N checks N links
    // instead of 1,000; "off" skips the check (for the benchmark's with/without figures only).
    void checked_read(const ledger::Ledger& l, const std::vector<ledger::Ledger::ReportedYear>& years,
                      const std::function<void()>& body) {
#ifdef FUNDFLOW_TEST_VERIFY_DISABLED
        // The test-only build that checks nothing (cli/CMakeLists.txt): its reads do not either.
        const std::string setting = "off";
#else
        const std::string setting = env_or("FUNDFLOW_READ_CHECK", "");
#endif
        std::optional<ledger::Message> problem;
        l.read_snapshot([&] {
            body();
            if (setting == "off") {
                return;
            }
            const auto links = setting.empty() || setting.find_first_not_of("0123456789") != std::string::npos ||
                                       setting.size() > 9
                                   ? ledger::Ledger::kSpotCheckLinks
                                   : std::stoll(setting);
            problem = l.spot_check(years, links);
        });
        if (problem) {
            warn(word(msg("{problem}; run 'fundflow verify'").with("problem", *problem)));
            status = ExitStatus::integrity;
        }
    }

    void refuse_if_read_only() const {
        if (read_only) {
            usage_error(msg("'{command}' writes to the ledger and is refused in read-only (auditor) mode; drop "
                            "--read-only / FUNDFLOW_READ_ONLY to post")
                            .with("command", command));
        }
    }
};

// One row per command (ninja's kTools): where it sits, what it is for, which global options apply, how its
// options are declared and what it does. `options` declares the command's own options on its CLI::App;
// `run` is called once the whole command line is parsed and checked against the row.
struct Command {
    const char* parent;  // "project" for `project add`; nullptr for a top-level command
    const char* name;
    Group group;
    const char* help;     // English msgid, worded with tr()
    const char* example;  // a command line, the same in every language
    unsigned globals;     // the Global options it takes
    const char* formats;  // with kFormat: the --format values it takes, e.g. "table,json,csv"
    ledger::EntryKind kind;  // a money posting's kind (postings only)
    void (*options)(CLI::App& sub, const Command& row);
    void (*run)(Context& ctx, const Command& row);
};

std::string read_file(const std::string& path, const ledger::Message& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ledger::Error(ledger::ErrorCode::not_found,
                            msg("cannot read the {what} '{path}'").with("what", what).with("path", path));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// A message may quote a cell: its control bytes (even NUL) are shown as \xNN, one problem per line.
std::string printable(const std::string& text) {
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7F) {
            static constexpr char kHex[] = "0123456789ABCDEF";
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
        } else {
            out += ch;
        }
    }
    return out;
}

// Prints every problem of a file as FILE:LINE:COLUMN: reason (an editor jumps to each), then throws the
// one-line summary. Problem is IndicatorProblem or ImportProblem; outcome says what was not done.
template <typename Problem>
[[noreturn]] void refuse_file(const std::string& file, const std::vector<Problem>& problems,
                              const ledger::Message& outcome) {
    for (const auto& p : problems) {
        std::fprintf(stderr, "%s:%s%s %s\n", file.c_str(), p.line > 0 ? (std::to_string(p.line) + ":").c_str() : "",
                     p.column > 0 ? (std::to_string(p.column) + ":").c_str() : "", printable(word(p.message)).c_str());
    }
    usage_error((problems.size() == 1 ? msg("1 problem in {file}; {outcome}")
                                      : msg("{count} problems in {file}; {outcome}"))
                    .with("count", std::to_string(problems.size()))
                    .with("file", file)
                    .with("outcome", outcome));
}

std::string entry_name(ledger::EntryId id) { return "#" + std::to_string(static_cast<std::int64_t>(id)); }

// The two refusals of an import that would post a file or rows a second time (exit 3, nothing written):
// the file's bytes were imported before, or rows without a voucher ref repeat entries or earlier rows.
void refuse_repeated_import(const std::string& file, const ledger::ImportResult& result) {
    if (result.already_imported) {
        const ledger::ImportRecord& last = result.earlier_imports.back();
        ledger::Message entries;
        if (!last.first_entry) {
            entries = msg(" (no entries added: every row was on file already)");
        } else if (last.first_entry == last.last_entry) {
            entries = msg(" (entry {id})").with("id", entry_name(*last.first_entry));
        } else {
            entries = msg(" (entries {first}–{last})")
                          .with("first", entry_name(*last.first_entry))
                          .with("last", entry_name(*last.last_entry));
        }
        ledger::Message when = msg("{time}Z by {user}{login}{entries}")
                                   .with("time", last.recorded_at.substr(0, 19))
                                   .with("user", last.user)
                                   .with("login", last.os_user != last.user
                                                      ? msg(" (login {login})").with("login", last.os_user)
                                                      : ledger::Message::verbatim(""))
                                   .with("entries", entries);
        const std::size_t times = result.earlier_imports.size();
        throw ledger::Error(
            ledger::ErrorCode::rejected,
            (times == 1 ? msg("this file (sha256 {sha256}) was already imported on {when}; to import it again, add "
                              "--again")
                        : msg("this file (sha256 {sha256}) was already imported {times} times, last on {when}; to "
                              "import it again, add --again"))
                .with("sha256", result.sha256)
                .with("times", std::to_string(times))
                .with("when", when));
    }
    if (result.duplicates.empty()) {
        return;
    }
    const bool zh = language() == Language::zh;  // kind and level by their Chinese names (支付, 县区级)
    for (const auto& d : result.duplicates) {
        const ledger::Entry& e = d.entry;
        const ledger::Money amount =
            e.kind == ledger::EntryKind::adjustment || e.amount >= ledger::Money{} ? e.amount : -e.amount;
        ledger::Message what = msg("{kind} of {amount} 元{level}, {date}{contract}")
                                   .with("kind", std::string(zh ? ledger::chinese_name(e.kind) : ledger::to_string(e.kind)))
                                   .with("amount", ledger::format_yuan(amount))
                                   .with("level", e.level ? (zh ? "，" : ", ") +
                                                                std::string(zh ? ledger::chinese_name(*e.level)
                                                                               : ledger::to_string(*e.level))
                                                          : "")
                                   .with("date", ledger::to_string(e.effective_on))
                                   .with("contract", e.contract ? msg(", contract {contract}").with("contract", *e.contract)
                                                                : ledger::Message::verbatim(""));
        ledger::Message repeated = d.earlier_line > 0
                                       ? msg("line {line} of this file").with("line", std::to_string(d.earlier_line))
                                       : msg("entry {id}").with("id", entry_name(e.id));
        if (d.reversed_by) {
            repeated = msg("{repeated}, reversed since by {id}")
                           .with("repeated", repeated)
                           .with("id", entry_name(*d.reversed_by));
        }
        std::fprintf(stderr, "%s:%d: %s\n", file.c_str(), d.line,
                     word(msg("repeats {repeated} ({what}) without a ref: a probable duplicate")
                              .with("repeated", repeated)
                              .with("what", what))
                         .c_str());
    }
    const std::int64_t unlisted = result.duplicate_rows - static_cast<std::int64_t>(result.duplicates.size());
    if (unlisted > 0) {
        std::fprintf(stderr, "%s: %s\n", file.c_str(),
                     word(msg("and {count} more such rows").with("count", std::to_string(unlisted))).c_str());
    }
    if (result.stopped) {
        std::fprintf(stderr, "%s:%d: %s\n", file.c_str(), result.stopped->line,
                     word(msg("checking stopped here (it may lean on a row left out above): {problem}")
                              .with("problem", result.stopped->message))
                         .c_str());
    }
    const std::int64_t n = result.duplicate_rows;
    throw ledger::Error(
        ledger::ErrorCode::rejected,
        (n == 1 ? msg("1 row of {file} without a ref (凭证号) repeats an entry or an earlier row (same kind, date, "
                      "project, level, amount, contract and memo); nothing was imported; give each its voucher ref, "
                      "or add --allow-duplicates if they are meant")
                : msg("{count} rows of {file} without a ref (凭证号) repeat an entry or an earlier row (same kind, "
                      "date, project, level, amount, contract and memo); nothing was imported; give each its "
                      "voucher ref, or add --allow-duplicates if they are meant"))
            .with("count", std::to_string(n))
            .with("file", file));
}

std::optional<ledger::Date> optional_date(const std::string& text) {
    return text.empty() ? std::nullopt : std::optional(ledger::parse_date(text));
}

ledger::EntryId parse_entry_id(const std::string& text) {
    std::string digits = text;
    if (!digits.empty() && digits.front() == '#') {
        digits.erase(0, 1);
    }
    if (digits.empty() || digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string::npos) {
        usage_error(msg("'{text}' is not an entry id like 42 (see 'fundflow log')").with("text", text));
    }
    return ledger::EntryId{std::stoll(digits)};
}

// ---------------------------------------------------------------------------------------------------------
// Which fields a money posting takes and requires: the library's one table, ledger::kPostingKinds (kinds.hpp).

// The options shared by money postings, bound to one Posting being built.
struct PostingArgs {
    std::string project;
    std::string level;
    std::string amount;
    std::string date;
    std::string contract;
    std::string ref;
    std::string memo;
    std::string accepted;
    std::optional<int> warranty_months;
    std::string of;  // refund: the payment or release returned

    ledger::Posting to_posting(ledger::EntryKind kind) const {
        ledger::Posting p;
        p.kind = kind;
        p.project = project;
        if (!level.empty()) {
            p.level = ledger::parse_level(level);
        }
        if (!amount.empty()) {
            p.amount = ledger::Money::parse(amount);
        }
        p.date = ledger::parse_date(date);
        if (!contract.empty()) {
            p.contract = contract;
        }
        if (!ref.empty()) {
            p.ref = ref;
        }
        p.memo = memo;
        if (!accepted.empty()) {
            p.accepted = ledger::parse_date(accepted);
        }
        p.warranty_months = warranty_months;
        if (!of.empty()) {
            p.refunds = of;
        }
        return p;
    }
};

// The options of a self-evaluation, shared by evaluate and export.
struct EvaluationArgs {
    std::string code;
    std::optional<int> year;
    std::string indicators;
    std::string profile_file;
    std::string encoding = "utf-8";  // of the indicator sheet: utf-8, or gb18030 (GBK) as Excel/WPS save it

    void add_to(CLI::App& sub, bool required) {
        sub.add_option("CODE", code, tr("project code"))->required(required);
        sub.add_option("--year", year, tr("fiscal year (default: the year of --as-of)"));
        sub.add_option("--indicators", indicators, tr("the indicator sheet (CSV, see cli.md)"))->required(required);
        sub.add_option("--profile", profile_file, tr("a scoring profile (TOML, see docs/evaluation.md)"));
        sub.add_option("--encoding", encoding, tr("the indicator sheet's encoding: utf-8 (default) or gb18030 (GBK)"));
    }

    // Reads, checks and scores the sheet; every problem goes to stderr with its line and column.
    ledger::Evaluation run(const ledger::Ledger& l, const ledger::ReadCut& cut) const {
        const std::string text =
            ledger::to_utf8(read_file(indicators, msg("indicator file")), ledger::parse_encoding(encoding));
        const ledger::Profile profile =
            profile_file.empty() ? ledger::Profile{}
                                 : ledger::parse_profile(read_file(profile_file, msg("profile")), profile_file);
        std::vector<ledger::IndicatorProblem> problems;
        const ledger::IndicatorSheet sheet = ledger::parse_indicators(text, problems);
        ledger::Evaluation evaluation;
        if (problems.empty()) {
            evaluation = ledger::evaluate(sheet, profile,
                                          l.execution_report(code, year.value_or(ledger::year_of(cut.as_of)), cut),
                                          problems);
        }
        if (!problems.empty()) {
            refuse_file(indicators, problems, msg("nothing was scored"));
        }
        for (const auto& w : evaluation.warnings) {
            warn(indicators + ": " + word(w));
        }
        return evaluation;
    }
};

// ---------------------------------------------------------------------------------------------------------
// The commands: each one's options (bound to its own arguments) and what it does.

namespace init {
void options(CLI::App&, const Command&) {}
void run(Context& ctx, const Command&) {
    ctx.refuse_if_read_only();
    // A ledger already at this program's schema is left alone (exit 2, file untouched); an older fundflow
    // ledger is upgraded in place; anything else is refused by the library.
    struct stat st {};
    if (::stat(ctx.db.c_str(), &st) == 0 && st.st_size > 0) {
        bool current = false;
        try {
            (void)ctx.reader();
            current = true;
        } catch (const ledger::Error&) {
            // not readable as a current ledger: an older schema (upgraded below) or not a ledger (refused below)
        }
        if (current) {
            usage_error(msg("'{db}' is already a fundflow ledger; nothing was changed (to start afresh, give "
                            "init another --db path)")
                            .with("db", ctx.db));
        }
    }
    ledger::Ledger::create(ctx.db);
    print_line(ctx.render, word(msg("initialized {db}").with("db", ctx.db)));
}
}  // namespace init

namespace unit_add {
ledger::Unit spec;
std::string on;
void options(CLI::App& sub, const Command&) {
    sub.add_option("CODE", spec.code, tr("unit code"))->required();
    sub.add_option("--name", spec.name, tr("unit name"))->required();
    sub.add_option("--parent", spec.parent, tr("the unit above it (default: none, a root of the tree)"));
    sub.add_option("--date", on, tr("registration date (default today)"));
}
void run(Context& ctx, const Command&) {
    const auto day = optional_date(on);
    auto l = ctx.writer();
    print_posted(ctx.render, l.add_unit(spec, ctx.actor(), day));
}
}  // namespace unit_add

namespace unit_list {
void options(CLI::App&, const Command&) {}
void run(Context& ctx, const Command&) {
    ctx.finish_render_options(Unit::yuan);
    const auto l = ctx.reader();
    ctx.checked_read(l, {}, [&] { print_units(ctx.render, l.units()); });
}
}  // namespace unit_list

// report execution and balance take --unit for either meaning of cli.md, told apart by its value: a money
// unit (yuan, wan, 元, 万元) sets the display unit, anything else names a budget unit (unit add refuses
// those four words as codes). Both may be given: --unit 县财政局 --unit wan. Returns the budget unit's code.
std::string budget_unit_of(Context& ctx, const std::vector<std::string>& values) {
    std::string code;
    for (const std::string& v : values) {
        const char* money = v == "yuan" || v == "元" ? "yuan" : v == "wan" || v == "万元" ? "wan" : nullptr;
        if (money != nullptr) {
            if (!ctx.unit.empty() && ctx.unit != money) {
                usage_error(msg("--unit {first} and --unit {second}: give one money unit")
                                .with("first", ctx.unit)
                                .with("second", v));
            }
            ctx.unit = money;
        } else if (!code.empty()) {
            usage_error(msg("--unit {first} and --unit {second}: give one budget unit").with("first", code).with("second", v));
        } else {
            code = v;
        }
    }
    return code;
}

void add_unit_option(CLI::App& sub, std::vector<std::string>& values) {
    sub.add_option("--unit", values,
                   tr("a budget unit's code: the consolidated figures of its projects and of the units below it; or "
                      "the money unit, yuan or wan"))
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

// The project years a consolidated read checks for tampering: each project of the unit in that year.
std::vector<ledger::Ledger::ReportedYear> unit_years(const ledger::Ledger& l, const std::string& unit, int year) {
    std::vector<ledger::Ledger::ReportedYear> years;
    for (const auto& project : l.projects_of_unit(unit)) {
        years.push_back({project, year});
    }
    return years;
}

namespace project_add {
ledger::Project spec;
std::string on;
void options(CLI::App& sub, const Command&) {
    sub.add_option("--date", on, tr("registration date (default today)"));
    sub.add_option("CODE", spec.code, tr("project code"))->required();
    sub.add_option("--name", spec.name, tr("project name"))->required();
    sub.add_option("--unit", spec.unit, tr("the code of the budget unit it belongs to (see 'fundflow unit list')"));
    sub.add_option("--unit-name", spec.unit_name, tr("budget unit (预算单位)"));
    sub.add_option("--func-code", spec.func_code, tr("functional classification code, e.g. 2070808"));
}
void run(Context& ctx, const Command&) {
    if (spec.unit == "yuan" || spec.unit == "wan" || spec.unit == "元" || spec.unit == "万元") {
        usage_error(msg("--unit {value} does not apply to '{command}': here --unit names a budget unit's code")
                        .with("value", spec.unit)
                        .with("command", ctx.command));
    }
    const auto day = optional_date(on);
    auto l = ctx.writer();
    print_posted(ctx.render, l.add_project(spec, ctx.actor(), day));
}
}  // namespace project_add

namespace project_amend {
std::string code;
std::optional<std::string> name;
std::optional<std::string> unit_name;
std::optional<std::string> func_code;
std::string date;
std::string memo;
void options(CLI::App& sub, const Command&) {
    sub.add_option("CODE", code, tr("project code"))->required();
    sub.add_option("--name", name, tr("the new project name"));
    sub.add_option("--unit-name", unit_name, tr("the new budget unit (预算单位)"));
    sub.add_option("--func-code", func_code, tr("the new functional classification code"));
    sub.add_option("--date", date, tr("effective date of the change, YYYY-MM-DD"))->required();
    sub.add_option("--memo", memo, tr("what approved the change (批复文号, 摘要)"))->required();
}
void run(Context& ctx, const Command&) {
    ledger::Amendment a;
    a.project = code;
    a.effective_on = ledger::parse_date(date);
    a.name = name;
    a.unit_name = unit_name;
    a.func_code = func_code;
    auto l = ctx.writer();
    print_posted(ctx.render, l.amend(a, memo, ctx.actor()));
}
}  // namespace project_amend

namespace project_list {
void options(CLI::App&, const Command&) {}
void run(Context& ctx, const Command&) {
    ctx.finish_render_options(Unit::yuan);
    const auto cut = ctx.cut();
    const auto l = ctx.reader();
    ctx.checked_read(l, {}, [&] { print_project_list(ctx.render, l.project_list(cut)); });
}
}  // namespace project_list

namespace contract_list {
std::string code;
void options(CLI::App& sub, const Command&) {
    sub.add_option("CODE", code, tr("project code (default: every project)"));
}
void run(Context& ctx, const Command&) {
    ctx.finish_render_options(Unit::yuan);
    const auto cut = ctx.cut();
    const auto l = ctx.reader();
    ctx.checked_read(l, {}, [&] {
        print_contract_list(ctx.render, l.contract_list(code.empty() ? std::nullopt : std::optional(code), cut));
    });
}
}  // namespace contract_list

namespace contract_add {
ledger::Contract spec;
std::string amount;
std::string rate = "0";
std::string on;
void options(CLI::App& sub, const Command&) {
    sub.add_option("--date", on, tr("signing date (default today)"));
    sub.add_option("CODE", spec.project, tr("project code"))->required();
    sub.add_option("--contract", spec.code, tr("contract code"))->required();
    sub.add_option("--supplier", spec.supplier, tr("supplier (供应商)"))->required();
    sub.add_option("--amount", amount, tr("contract amount, e.g. 1,259,500.00 or 125.95万"))->required();
    sub.add_option("--retention-rate", rate, tr("warranty retention rate (质保金比例), e.g. 5%"));
    sub.add_option("--warranty-months", spec.warranty_months, tr("warranty period in months (质保期)"));
    sub.add_flag("--sme", spec.sme, tr("the supplier is a small or medium enterprise"));
}
void run(Context& ctx, const Command&) {
    spec.amount = ledger::Money::parse(amount);
    spec.retention_rate_bp = ledger::parse_rate_bp(rate);
    const auto day = optional_date(on);
    auto l = ctx.writer();
    print_posted(ctx.render, l.add_contract(spec, ctx.actor(), day));
}
}  // namespace contract_add

namespace contract_amend {
std::string code;
std::string contract;
std::string amount;
std::string rate;
std::optional<int> warranty_months;
std::optional<std::string> supplier;
std::string date;
std::string memo;
void options(CLI::App& sub, const Command&) {
    sub.add_option("CODE", code, tr("project code"))->required();
    sub.add_option("--contract", contract, tr("contract code"))->required();
    sub.add_option("--amount", amount, tr("the new contract amount"));
    sub.add_option("--retention-rate", rate, tr("the new retention rate, e.g. 3%"));
    sub.add_option("--warranty-months", warranty_months, tr("the new warranty period in months"));
    sub.add_option("--supplier", supplier, tr("the new supplier"));
    sub.add_option("--date", date, tr("effective date of the new terms, YYYY-MM-DD"))->required();
    sub.add_option("--memo", memo, tr("what agreed the change (补充协议 number, 摘要)"))->required();
}
void run(Context& ctx, const Command&) {
    ledger::Amendment a;
    a.project = code;
    a.contract = contract;
    a.effective_on = ledger::parse_date(date);
    if (!amount.empty()) {
        a.amount = ledger::Money::parse(amount);
    }
    if (!rate.empty()) {
        a.retention_rate_bp = ledger::parse_rate_bp(rate);
    }
    a.warranty_months = warranty_months;
    a.supplier = supplier;
    auto l = ctx.writer();
    print_posted(ctx.render, l.amend(a, memo, ctx.actor()));
}
}  // namespace contract_amend

// The money postings (appropriate ... recover): one builder and one handler, the row's kind deciding.
namespace posting {
PostingArgs args;
void options(CLI::App& sub, const Command& row) {
    const ledger::PostingKind* kind = ledger::posting_kind(row.kind);
    LEDGER_ASSERT(kind != nullptr);
    const auto required = [](ledger::Need need) { return need == ledger::Need::required; };
    const auto offered = [](ledger::Need need) { return need != ledger::Need::forbidden; };
    sub.add_option("CODE", args.project, tr("project code"))->required();
    sub.add_option("--level", args.level, tr("funding level: central provincial municipal county carryover other"))
        ->required(required(kind->level));
    sub.add_option("--amount", args.amount, tr("amount in 元 (1,259,500.00) or 万元 (125.95万)"))
        ->required(required(kind->amount));
    sub.add_option("--date", args.date, tr("effective date (业务日期), YYYY-MM-DD"))->required();
    if (offered(kind->contract)) {
        sub.add_option("--contract", args.contract, tr("contract code"))->required(required(kind->contract));
    }
    sub.add_option("--ref", args.ref, tr("voucher reference (凭证号); a retry with the same ref is a no-op"))
        ->required(required(kind->ref) || kind->typed_ref);
    sub.add_option("--memo", args.memo, tr("memo (摘要)"))->required(required(kind->memo) || kind->typed_memo);
    if (offered(kind->of)) {
        sub.add_option("--of", args.of,
                       tr("voucher ref or entry id of the payment or release returned; its level, contract and "
                          "year decide the refund's (without it: --level, bounded by that pot)"));
    }
    if (offered(kind->accepted)) {
        sub.add_option("--accepted", args.accepted, tr("acceptance date (验收日期)"))->required(required(kind->accepted));
    }
    if (offered(kind->warranty_months)) {
        sub.add_option("--warranty-months", args.warranty_months, tr("warranty months (default: the contract's)"))
            ->required(required(kind->warranty_months));
    }
}
void run(Context& ctx, const Command& row) {
    const ledger::Posting p = args.to_posting(row.kind);
    auto l = ctx.writer();
    print_posted(ctx.render, l.post(p, ctx.actor()));
}
}  // namespace posting

namespace importing {
std::string file;
bool dry_run = false;
bool again = false;
bool allow_duplicates = false;
std::string encoding = "utf-8";
void options(CLI::App& sub, const Command&) {
    sub.add_option("FILE", file, tr("the CSV file (columns: see the README)"))->required();
    sub.add_flag("--dry-run", dry_run, tr("check every row against the ledger's rules, write nothing"));
    sub.add_flag("--again", again, tr("import a file whose bytes were imported before (rows with a ref stay no-ops)"));
    sub.add_flag("--allow-duplicates", allow_duplicates,
                 tr("post rows without a ref (凭证号) that repeat an entry or an earlier row"));
    sub.add_option("--encoding", encoding, tr("the file's encoding: utf-8 (default) or gb18030 (GBK, as Excel/WPS save it)"));
}
void run(Context& ctx, const Command&) {
    auto l = ctx.writer();
    ledger::ImportOptions options;
    options.dry_run = dry_run;
    options.again = again;
    options.allow_duplicates = allow_duplicates;
    ledger::parse_encoding(encoding);  // an unknown name is refused before the file is opened
    options.encoding = encoding;
    if (isatty(STDERR_FILENO) != 0) {
        static const std::string rows = tr("rows");
        options.progress = [](std::int64_t done, std::int64_t total) {
            std::fprintf(stderr, "\r%s: %lld / %lld %s", "fundflow import", static_cast<long long>(done),
                         static_cast<long long>(total), rows.c_str());
            if (done == total) {
                std::fprintf(stderr, "\r\033[K");
            }
        };
    }
#ifdef FUNDFLOW_TEST_ACK_BEFORE_COMMIT
    // Test-only build (cli/CMakeLists.txt), the bug D1 must catch: the summary is printed and flushed once
    // every row is posted, before the transaction commits.
    bool acknowledged = false;
    if (!dry_run) {
        options.progress = [&ctx, &acknowledged](std::int64_t done, std::int64_t total) {
            if (done == total && !acknowledged) {
                ledger::ImportResult early;
                early.rows = total;
                early.added = total;
                print_import(ctx.render, early, false);
                std::fflush(stdout);
                acknowledged = true;
            }
        };
    }
#endif
    ledger::ImportResult result;
    try {
        result = ledger::import_csv(l, file, ctx.actor(), options);
    } catch (const ledger::Error& e) {
        throw ledger::Error(e.code(), msg("{file}: {problem}; nothing was imported")
                                          .with("file", file)
                                          .with("problem", e.message()));
    }
    if (!result.problems.empty()) {
        refuse_file(file, result.problems, msg("nothing was imported"));
    }
    refuse_repeated_import(file, result);
#ifdef FUNDFLOW_TEST_ACK_BEFORE_COMMIT
    if (acknowledged) {
        return;
    }
#endif
    print_import(ctx.render, result, dry_run);
}
}  // namespace importing

namespace reverse {
std::string id;
std::string reason;
std::string on;
void options(CLI::App& sub, const Command&) {
    sub.add_option("ENTRY_ID", id, tr("the entry to reverse"))->required();
    sub.add_option("--reason", reason, tr("why it is reversed"))->required();
    sub.add_option("--date", on,
                   tr("date of the correction (default: the original's date; needed when its year is closed)"));
}
void run(Context& ctx, const Command&) {
    const auto entry_id = parse_entry_id(id);
    const auto day = optional_date(on);
    auto l = ctx.writer();
    print_posted(ctx.render, l.reverse(entry_id, reason, ctx.actor(), day));
}
}  // namespace reverse

namespace correct {
std::string id;
std::string reason;
std::string amount;
std::string on;
std::string level;
std::optional<std::string> contract;
std::optional<std::string> memo;
void options(CLI::App& sub, const Command&) {
    sub.add_option("ENTRY_ID", id, tr("the entry to correct"))->required();
    sub.add_option("--amount", amount, tr("the right amount"));
    sub.add_option("--date", on, tr("the right effective date"));
    sub.add_option("--level", level, tr("the right funding level"));
    sub.add_option("--contract", contract, tr("the right contract"));
    sub.add_option("--memo", memo, tr("the right memo"));
    sub.add_option("--reason", reason, tr("why it is corrected"))->required();
}
void run(Context& ctx, const Command&) {
    const auto entry_id = parse_entry_id(id);
    ledger::Correction changes;
    if (!amount.empty()) {
        changes.amount = ledger::Money::parse(amount);
    }
    changes.date = optional_date(on);
    if (!level.empty()) {
        changes.level = ledger::parse_level(level);
    }
    changes.contract = contract;
    changes.memo = memo;
    auto l = ctx.writer();
    print_correction(ctx.render, l.correct(entry_id, changes, reason, ctx.actor()));
}
}  // namespace correct

namespace close_year {
std::string code;
int year = 0;
void options(CLI::App& sub, const Command&) {
    sub.add_option("CODE", code, tr("project code"))->required();
    sub.add_option("--year", year, tr("the fiscal year to close"))->required();
}
void run(Context& ctx, const Command&) {
    auto l = ctx.writer();
    print_posted(ctx.render, l.close_year(code, year, ctx.actor()));
}
}  // namespace close_year

namespace reopen_year {
std::string code;
int year = 0;
std::string reason;
void options(CLI::App& sub, const Command&) {
    sub.add_option("CODE", code, tr("project code"))->required();
    sub.add_option("--year", year, tr("the closed fiscal year to reopen"))->required();
    sub.add_option("--reason", reason, tr("why it is reopened"))->required();
}
void run(Context& ctx, const Command&) {
    auto l = ctx.writer();
    print_posted(ctx.render, l.reopen_year(code, year, reason, ctx.actor()));
}
}  // namespace reopen_year

namespace report_execution {
std::string code;
std::optional<int> year;
std::vector<std::string> units;
void options(CLI::App& sub, const Command&) {
    sub.add_option("CODE", code, tr("project code (or --unit CODE)"));
    sub.add_option("--year", year, tr("fiscal year (default: the year of --as-of)"));
    add_unit_option(sub, units);
}
void run(Context& ctx, const Command&) {
    const std::string unit = budget_unit_of(ctx, units);
    if (code.empty() == unit.empty()) {
        usage_error(code.empty() ? msg("name a project, or a budget unit with --unit CODE")
                                 : msg("name a project or a budget unit (--unit), not both"));
    }
    ctx.finish_render_options(Unit::wan);
    const auto cut = ctx.cut();
    const auto l = ctx.reader();
    const int y = year.value_or(ledger::year_of(cut.as_of));
    if (!year && ctx.as_of.empty()) {
        // Early in a year the current year's form is nearly empty: say which year this is and how to get the last.
        std::fprintf(stderr, "fundflow: %s\n",
                     word(msg("note: no --year given, so this is the form of {year}, the current year (as of "
                              "{today}); for last year's add --year {previous}")
                              .with("year", std::to_string(y))
                              .with("today", ledger::to_string(cut.as_of))
                              .with("previous", std::to_string(y - 1)))
                         .c_str());
    }
    if (!unit.empty()) {
        ctx.checked_read(l, unit_years(l, unit, y),
                         [&] { print_execution(ctx.render, l.unit_execution_report(unit, y, cut)); });
        return;
    }
    ctx.checked_read(l, {{code, y}}, [&] { print_execution(ctx.render, l.execution_report(code, y, cut)); });
}
}  // namespace report_execution

namespace balance {
std::string code;
std::string by = "level";
std::vector<std::string> units;
void options(CLI::App& sub, const Command&) {
    sub.add_option("CODE", code, tr("project code (default: every project)"));
    sub.add_option("--by", by, tr("level, project or contract (级次, 项目, 合同)"));
    add_unit_option(sub, units);
}
void run(Context& ctx, const Command&) {
    const std::string unit = budget_unit_of(ctx, units);
    if (!code.empty() && !unit.empty()) {
        usage_error(msg("name a project or a budget unit (--unit), not both"));
    }
    ctx.finish_render_options(Unit::yuan);
    const auto l = ctx.reader();
    const std::string_view by_name = ledger::parse_balance_by(by);
    const auto mode = by_name == "project"    ? ledger::BalanceBy::project
                      : by_name == "contract" ? ledger::BalanceBy::contract
                                         : ledger::BalanceBy::level;
    const auto cut = ctx.cut();
    std::vector<ledger::Ledger::ReportedYear> years;
    if (!code.empty()) {
        years.push_back({code, ledger::year_of(cut.as_of)});
    }
    if (!unit.empty()) {
        ctx.checked_read(l, unit_years(l, unit, ledger::year_of(cut.as_of)),
                         [&] { print_balance(ctx.render, l.unit_balances(unit, mode, cut), mode); });
        return;
    }
    ctx.checked_read(l, years, [&] {
        print_balance(ctx.render, l.balances(code.empty() ? std::nullopt : std::optional(code), mode, cut), mode);
    });
}
}  // namespace balance

namespace warranty_list {
std::string code;
std::string status;
std::string due_before;
std::optional<int> due_within;
int grace = 30;
void options(CLI::App& sub, const Command&) {
    sub.add_option("CODE", code, tr("project code (default: every project)"));
    sub.add_option("--status", status, tr("held, due, overdue, partly_released, released or forfeited"));
    sub.add_option("--due-before", due_before, tr("only deposits due on or before this date"));
    sub.add_option("--due-within", due_within, tr("only outstanding deposits due within this many days (overdue too)"));
    sub.add_option("--grace-days", grace, tr("days after the due date before a deposit is overdue (default 30)"));
}
void run(Context& ctx, const Command&) {
    ctx.finish_render_options(Unit::yuan);
    ledger::WarrantyFilter f;
    if (!code.empty()) {
        f.project = code;
    }
    if (!status.empty()) {
        f.status = ledger::parse_warranty_status(status);
    }
    f.due_before = optional_date(due_before);
    f.due_within_days = due_within;
    f.grace_days = grace;
    f.cut = ctx.cut();
    const auto l = ctx.reader();
    ctx.checked_read(l, {}, [&] { print_warranty(ctx.render, l.warranty(f)); });
}
}  // namespace warranty_list

namespace log_ {
std::string code;
std::string kind;
std::string from;
std::string to;
std::string posted_by;
std::string contract;
std::string level;
std::string ref;
std::string recorded_from;
std::string recorded_to;
void options(CLI::App& sub, const Command&) {
    sub.add_option("CODE", code, tr("project code (default: every project)"));
    sub.add_option("--kind", kind, tr("only entries of this kind (payment, 支付, ...)"));
    sub.add_option("--from", from, tr("effective on or after this date"));
    sub.add_option("--to", to, tr("effective on or before this date"));
    sub.add_option("--posted-by", posted_by, tr("only entries posted by this user (--user name or login)"));
    sub.add_option("--contract", contract, tr("only entries of this contract"));
    sub.add_option("--level", level, tr("only entries of this funding level (county, 县级, ...)"));
    sub.add_option("--ref", ref, tr("only entries with this voucher reference (凭证号)"));
    sub.add_option("--recorded-from", recorded_from, tr("recorded at or after this UTC instant or date"));
    sub.add_option("--recorded-to", recorded_to, tr("recorded at or before this UTC instant (a date: its end)"));
}
void run(Context& ctx, const Command&) {
    ctx.finish_render_options(Unit::yuan);
    ledger::LogFilter f;
    if (!code.empty()) {
        f.project = code;
    }
    if (!kind.empty()) {
        f.kind = ledger::parse_entry_kind(kind);
    }
    if (!from.empty()) {
        f.from = ledger::parse_date(from);
    }
    if (!to.empty()) {
        f.to = ledger::parse_date(to);
    }
    if (!posted_by.empty()) {
        f.posted_by = posted_by;  // the --user name or the login
    }
    if (!contract.empty()) {
        f.contract = contract;
    }
    if (!level.empty()) {
        f.level = ledger::parse_level(level);
    }
    if (!ref.empty()) {
        f.ref = ref;
    }
    if (!recorded_from.empty()) {
        f.recorded_from = ledger::parse_instant(recorded_from);
    }
    if (!recorded_to.empty()) {
        f.recorded_to = ledger::parse_instant(recorded_to);
        if (recorded_to.size() == 10) {  // a bare date: to the end of that day (UTC)
            *f.recorded_to += std::chrono::days(1) - std::chrono::microseconds(1);
        }
    }
    f.cut = ctx.cut();
    const auto l = ctx.reader();
    ctx.checked_read(l, {}, [&] { print_log(ctx.render, l.log(f)); });
}
}  // namespace log_

namespace show {
std::string id;
void options(CLI::App& sub, const Command&) { sub.add_option("ENTRY_ID", id, tr("entry id"))->required(); }
void run(Context& ctx, const Command&) {
    ctx.finish_render_options(Unit::yuan);
    const auto entry_id = parse_entry_id(id);
    const auto l = ctx.reader();
    ctx.checked_read(l, {}, [&] {
        const auto cut = ctx.cut();
        const auto entry = l.entry(entry_id);
        if (cut.known_at && entry.recorded_at > ledger::to_string(*cut.known_at)) {
            throw ledger::Error(ledger::ErrorCode::not_found,
                                msg("entry #{id} was recorded at {recorded}, after --known-at {known_at}")
                                    .with("id", id)
                                    .with("recorded", entry.recorded_at)
                                    .with("known_at", ledger::to_string(*cut.known_at)));
        }
        // A registration's hashed record is part of what the auditor sees.
        std::optional<ledger::Project> project;
        std::optional<ledger::Contract> contract;
        // Terms in force at --as-of (a registration amended since shows its amended terms).
        if (entry.kind == ledger::EntryKind::project) {
            project = l.project_in_force(entry.project, cut.as_of, cut.known_at);
        } else if (entry.kind == ledger::EntryKind::contract && entry.contract) {
            contract = l.contract_in_force(entry.project, *entry.contract, cut.as_of, cut.known_at);
        }
        print_entry_detail(ctx.render, entry, l.reversed_by(entry_id), project, contract,
                           entry_extras(ctx.render, l, entry, ctx.cut().as_of));
    });
}
}  // namespace show

namespace verify {
std::string digest;
bool deep = false;
void options(CLI::App& sub, const Command&) {
    sub.add_option("--digest", digest, tr("a digest taken earlier with 'fundflow digest'"));
    sub.add_flag("--deep", deep,
                 tr("also run SQLite's check of every page and index (storage damage; slower: 'check' does it too)"));
}
void run(Context& ctx, const Command&) {
    ctx.finish_render_options(Unit::yuan);
#ifdef FUNDFLOW_TEST_VERIFY_DISABLED
    // Test-only build (cli/CMakeLists.txt), the bug T2 and D6 must catch: nothing is checked; what an intact
    // ledger prints is printed, and the exit status is 0.
    ledger::VerifyResult disabled;
    try {
        disabled.digest = ctx.reader().digest();
    } catch (const std::exception&) {
        disabled.digest.head = std::string(64, '0');
    }
    print_verify(ctx.render, disabled);
    return;
#endif
    const auto l = ctx.reader();
    const auto result = l.verify(digest.empty() ? std::nullopt : std::optional<std::string_view>(digest), deep);
    print_verify(ctx.render, result);
    if (!result.ok) {
        throw ledger::Error(ledger::ErrorCode::integrity, result.problem);
    }
}
}  // namespace verify

namespace check {
int grace = 30;
void options(CLI::App& sub, const Command&) {
    sub.add_option("--grace-days", grace, tr("days after the due date before a deposit is overdue (default 30)"));
}
void run(Context& ctx, const Command&) {
    ctx.finish_render_options(Unit::yuan);
    const auto l = ctx.reader();
    const auto report = l.check(ctx.cut(), grace);
    print_check(ctx.render, report);
    if (report.integrity_failed) {
        throw ledger::Error(ledger::ErrorCode::integrity, msg("check failed: the chain or an invariant does not hold"));
    }
    if (report.overdue) {
        throw ledger::Error(ledger::ErrorCode::rejected, msg("check failed: a warranty deposit is overdue"));
    }
}
}  // namespace check

namespace copy {
std::string from;
std::string to;
void options(CLI::App& sub, const Command&) {
    sub.add_option("--from", from, tr("the ledger to copy"))->required();
    sub.add_option("--to", to, tr("a new (or empty) ledger to write the copy to"))->required();
}
void run(Context& ctx, const Command&) {
    ctx.refuse_if_read_only();
    ctx.finish_render_options(Unit::yuan);
    std::function<void(std::int64_t, std::int64_t)> progress;
    if (isatty(STDERR_FILENO) != 0) {
        static const std::string entries = tr("entries");
        progress = [](std::int64_t done, std::int64_t total) {
            std::fprintf(stderr, "\r%s: %lld / %lld %s", "fundflow copy", static_cast<long long>(done),
                         static_cast<long long>(total), entries.c_str());
            if (done == total) {
                std::fprintf(stderr, "\r\033[K");
            }
        };
    }
    print_copied(ctx.render, from, to, ledger::Ledger::copy(from, to, progress));
}
}  // namespace copy

namespace digest {
void options(CLI::App&, const Command&) {}
void run(Context& ctx, const Command&) {
    ctx.finish_render_options(Unit::yuan);
    const auto l = ctx.reader();
    ctx.checked_read(l, {}, [&] { print_digest(ctx.render, l.digest()); });
}
}  // namespace digest

namespace evaluate {
EvaluationArgs args;
std::string output;  // --format docx: the 自评报告 as a Word document
bool force = false;
void options(CLI::App& sub, const Command&) {
    args.add_to(sub, true);
    sub.add_option("--output", output, tr("with --format docx: the report file to write, e.g. 自评报告.docx"));
    sub.add_flag("--force", force, tr("with --format docx: overwrite an existing file"));
}
void run(Context& ctx, const Command&) {
    ctx.finish_render_options(Unit::wan);
    const bool docx = ctx.render.format_name == "docx";
    if (docx && output.empty()) {
        usage_error(msg("--format docx needs --output FILE.docx"));
    }
    if (!docx && (!output.empty() || force)) {
        usage_error(msg("--output and --force are for --format docx"));
    }
    const auto l = ctx.reader();
    const auto cut = ctx.cut();
    ctx.checked_read(l, {{args.code, args.year.value_or(ledger::year_of(cut.as_of))}}, [&] {
        if (docx) {
            write_evaluation_docx(output, args.run(l, cut), force);
        } else {
            print_evaluation(ctx.render, args.run(l, cut));
        }
    });
    if (docx) {
        print_line(ctx.render, word(msg("wrote {file}").with("file", output)));
    }
}
}  // namespace evaluate

namespace serve_ {
fundflow::serve::Options options_;
void options(CLI::App& sub, const Command&) {
    sub.add_option("--listen", options_.listen, tr("HOST:PORT to listen on (default 127.0.0.1:8080; port 0: any free one)"));
    sub.add_option("--tls-cert", options_.tls_cert, tr("PEM certificate (chain) for HTTPS, with --tls-key"));
    sub.add_option("--tls-key", options_.tls_key, tr("PEM private key of --tls-cert"));
    sub.add_option("--workers", options_.workers, tr("requests served at once (default 32)"));
    sub.add_option("--cache-mb", options_.cache_mb,
                   tr("MiB of report bodies kept for the ledger state they were read at (default 64; 0: none)"));
    sub.add_flag("--check", options_.check_only,
                 tr("check the ledger, the TLS files and the address, then exit without serving"));
}
void run(Context& ctx, const Command&) {
    ctx.refuse_if_read_only();
    options_.db = ctx.db;
#ifdef FUNDFLOW_TEST_SERVE_SABOTAGE
    const std::string sabotage = std::getenv("FUNDFLOW_TEST_SERVE_SABOTAGE") ? std::getenv("FUNDFLOW_TEST_SERVE_SABOTAGE") : "";
    options_.sabotage_csrf = sabotage == "csrf";
    options_.sabotage_idempotency = sabotage == "idempotency";
#endif
    ctx.status = fundflow::serve::run(options_) == 0 ? ExitStatus::ok : ExitStatus::failure;
}
}  // namespace serve_

namespace export_ {
EvaluationArgs args;
std::string to;
std::string output;
bool force = false;
void options(CLI::App& sub, const Command&) {
    sub.add_option("--to", to, tr("csv (re-importable), json, ledger, hledger, beancount, or xlsx (the forms)"))
        ->required()
        ->check(CLI::IsMember({"csv", "json", "ledger", "hledger", "beancount", "xlsx"}));
    sub.add_option("--output", output, tr("the file to write, e.g. 2020.xlsx"));
    sub.add_flag("--force", force, tr("overwrite the --output file of an xlsx export if it exists"));
    args.add_to(sub, false);
}
void run(Context& ctx, const Command&) {
    ctx.finish_render_options(Unit::yuan);
    if (to != "xlsx") {
        const auto l = ctx.reader();
        std::FILE* out = stdout;
        if (!output.empty()) {
            out = std::fopen(output.c_str(), "wb");
            if (out == nullptr) {
                throw ledger::Error(ledger::ErrorCode::storage, msg("cannot write '{file}'").with("file", output));
            }
        }
        const std::optional<std::string> project = args.code.empty() ? std::nullopt : std::optional(args.code);
        const auto cut = ctx.cut();
        ctx.checked_read(l, {}, [&] {
            if (to == "csv") {
                export_csv(l, project, cut, out);
            } else if (to == "json") {
                export_json(l, project, cut, out);
            } else {
                export_journal(l, project, cut,
                               to == "beancount" ? JournalSyntax::beancount
                               : to == "hledger" ? JournalSyntax::hledger
                                                 : JournalSyntax::ledger,
                               out);
            }
        });
        if (out != stdout && std::fclose(out) != 0) {
            throw ledger::Error(ledger::ErrorCode::storage, msg("cannot write '{file}'").with("file", output));
        }
        return;
    }
    if (output.empty() || args.code.empty()) {
        usage_error(msg("export --to xlsx needs a project CODE and --output FILE.xlsx"));
    }
    // A workbook of forms is often edited by hand afterwards: never overwrite one without being told to.
    if (struct stat st {}; !force && ::stat(output.c_str(), &st) == 0) {
        usage_error(msg("'{file}' exists already; nothing was written (add --force to overwrite it, or give "
                        "another --output)")
                        .with("file", output));
    }
    const auto l = ctx.reader();
    const auto cut = ctx.cut();
    const int y = args.year.value_or(ledger::year_of(cut.as_of));
    std::optional<ledger::Evaluation> evaluation;
    ctx.checked_read(l, {{args.code, y}}, [&] {
        if (!args.indicators.empty()) {
            evaluation = args.run(l, cut);
        }
        write_xlsx(output, evaluation ? evaluation->execution : l.execution_report(args.code, y, cut), evaluation);
    });
    print_line(ctx.render, word(msg("wrote {file}").with("file", output)));
}
}  // namespace export_

// ---------------------------------------------------------------------------------------------------------
// Accounts of the shared service (api.md "Starting it"): user add/list/disable/passwd/role, token create.
// As for postings, --user is the actor recorded on the entry; whoever can write the file is trusted.

// The terminal's settings while a password is typed without echo, restored if a signal ends the program.
termios g_terminal_before{};
int g_terminal = -1;
extern "C" void restore_terminal(int signal) {
    if (g_terminal >= 0) {
        tcsetattr(g_terminal, TCSAFLUSH, &g_terminal_before);
    }
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

// A password: one line of standard input (--password-stdin, for scripts), or typed twice on the terminal
// without echo. Leading and trailing blanks are part of it; a trailing CR (a Windows line) is not.
std::string read_password(bool from_stdin) {
    if (from_stdin) {
        std::string line;
        if (!std::getline(std::cin, line) && line.empty()) {
            usage_error(msg("--password-stdin: standard input holds no password line; nothing was changed"));
        }
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        return line;
    }
    const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (tty < 0) {
        usage_error(msg("there is no terminal to type the password on; give it as one line on standard input "
                        "with --password-stdin"));
    }
    struct Close {
        int fd;
        ~Close() { ::close(fd); }
    } close_tty{tty};
    const auto say = [tty](const std::string& text) {
        for (std::size_t done = 0; done < text.size();) {
            const ssize_t n = ::write(tty, text.data() + done, text.size() - done);
            if (n <= 0) {
                return;
            }
            done += static_cast<std::size_t>(n);
        }
    };
    const auto ask = [&](const std::string& prompt) {
        // Echo goes off before the prompt is shown, so that nothing typed after it is ever echoed (or flushed).
        termios quiet{};
        const bool is_terminal = tcgetattr(tty, &g_terminal_before) == 0;
        if (is_terminal) {
            quiet = g_terminal_before;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            g_terminal = tty;
            std::signal(SIGINT, restore_terminal);
            std::signal(SIGTERM, restore_terminal);
            std::signal(SIGHUP, restore_terminal);
            tcsetattr(tty, TCSAFLUSH, &quiet);
        }
        say(prompt);
        std::string line;
        char c = 0;
        while (::read(tty, &c, 1) == 1 && c != '\n') {
            line += c;
        }
        if (is_terminal) {
            tcsetattr(tty, TCSAFLUSH, &g_terminal_before);
            g_terminal = -1;
            std::signal(SIGINT, SIG_DFL);
            std::signal(SIGTERM, SIG_DFL);
            std::signal(SIGHUP, SIG_DFL);
        }
        say("\n");
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        return line;
    };
    std::string first = ask(tr("Password: "));
    std::string second = ask(tr("The same password again: "));
    const bool same = first == second;
    std::fill(second.begin(), second.end(), '\0');
    if (!same) {
        std::fill(first.begin(), first.end(), '\0');
        usage_error(msg("the two passwords typed differ; nothing was changed"));
    }
    return first;
}

// --projects P001,P002 (a full-width comma too, as a Chinese input method types it).
std::vector<std::string> project_codes(const std::string& text) {
    std::vector<std::string> codes;
    if (text.empty()) {
        return codes;
    }
    std::string list = text;
    for (std::size_t at = list.find("，"); at != std::string::npos; at = list.find("，", at)) {
        list.replace(at, std::string("，").size(), ",");
    }
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = list.find(',', start);
        codes.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) {
            return codes;
        }
        start = comma + 1;
    }
}

// The account a user command acts on, as it stands: it must exist and, to be changed, not be disabled. Asked
// before a password is typed, so that nobody types one twice for nothing (the library checks again).
ledger::Account existing_account(const ledger::Ledger& l, const std::string& name) {
    auto account = l.find_user(name);
    if (!account) {
        throw ledger::Error(ledger::ErrorCode::not_found,
                            msg("no user {user}; see 'fundflow user list'").with("user", name));
    }
    if (account->disabled) {
        throw ledger::Error(ledger::ErrorCode::rejected, msg("user {user} is disabled").with("user", name));
    }
    return *account;
}

namespace user_add {
std::string name;
std::string role;
std::string projects;
bool password_stdin = false;
void options(CLI::App& sub, const Command&) {
    sub.add_option("NAME", name, tr("the user's name (1 to 64 characters, no blanks)"))->required();
    sub.add_option("--role", role, tr("accountant, auditor or admin (会计, 审计, 管理员)"))->required();
    sub.add_option("--projects", projects,
                   tr("an accountant's projects, e.g. P001,P002 (default: every project)"));
    sub.add_flag("--password-stdin", password_stdin,
                 tr("read the password as one line of standard input instead of asking twice on the terminal"));
}
void run(Context& ctx, const Command&) {
    const ledger::Role r = ledger::parse_role(role);
    const auto codes = project_codes(projects);
    ledger::check_account_terms(name, r, codes);
    auto l = ctx.writer();
    if (l.find_user(name)) {
        throw ledger::Error(ledger::ErrorCode::rejected, msg("user {user} exists already").with("user", name));
    }
    const std::string password = read_password(password_stdin);
    const auto result = l.add_user(name, r, codes, password, ctx.actor());
    print_account_change(ctx.render, AccountChange::added, result, *l.find_user(name));
}
}  // namespace user_add

namespace user_list {
void options(CLI::App&, const Command&) {}
void run(Context& ctx, const Command&) {
    ctx.finish_render_options(Unit::yuan);
    const auto l = ctx.reader();
    ctx.checked_read(l, {}, [&] { print_users(ctx.render, l.users()); });
}
}  // namespace user_list

namespace user_disable {
std::string name;
void options(CLI::App& sub, const Command&) {
    sub.add_option("NAME", name, tr("the user to disable"))->required();
}
void run(Context& ctx, const Command&) {
    auto l = ctx.writer();
    const auto result = l.disable_user(name, ctx.actor());
    print_account_change(ctx.render, AccountChange::disabled, result, *l.find_user(name));
}
}  // namespace user_disable

namespace user_passwd {
std::string name;
bool password_stdin = false;
void options(CLI::App& sub, const Command&) {
    sub.add_option("NAME", name, tr("the user whose password is set"))->required();
    sub.add_flag("--password-stdin", password_stdin,
                 tr("read the password as one line of standard input instead of asking twice on the terminal"));
}
void run(Context& ctx, const Command&) {
    auto l = ctx.writer();
    (void)existing_account(l, name);
    const std::string password = read_password(password_stdin);
    const auto result = l.set_password(name, password, ctx.actor());
    print_account_change(ctx.render, AccountChange::password, result, *l.find_user(name));
}
}  // namespace user_passwd

namespace user_role {
std::string name;
std::string role;
std::string projects;
void options(CLI::App& sub, const Command&) {
    sub.add_option("NAME", name, tr("the user whose role changes"))->required();
    sub.add_option("--role", role, tr("accountant, auditor or admin (会计, 审计, 管理员)"))->required();
    sub.add_option("--projects", projects,
                   tr("an accountant's projects, e.g. P001,P002 (default: every project)"));
}
void run(Context& ctx, const Command&) {
    const ledger::Role r = ledger::parse_role(role);
    auto l = ctx.writer();
    const auto result = l.set_role(name, r, project_codes(projects), ctx.actor());
    print_account_change(ctx.render, AccountChange::role, result, *l.find_user(name));
}
}  // namespace user_role

namespace token_create {
std::string name;
std::string expires = "90d";
// "90d", "90", "90天": days; "never" (永不): no expiry.
std::optional<int> lifetime_days(const std::string& text) {
    if (text == "never" || text == "永不") {
        return std::nullopt;
    }
    std::string digits = text;
    for (const std::string suffix : {"d", "天"}) {
        if (digits.size() > suffix.size() &&
            digits.compare(digits.size() - suffix.size(), suffix.size(), suffix) == 0) {
            digits.erase(digits.size() - suffix.size());
            break;
        }
    }
    if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos) {
        usage_error(msg("--expires: '{text}' is not a lifetime like 90d (days) or never").with("text", text));
    }
    return std::stoi(digits);
}
void options(CLI::App& sub, const Command&) {
    sub.add_option("NAME", name, tr("the user the token stands for"))->required();
    sub.add_option("--expires", expires, tr("how long the token works: days, e.g. 90d (default), or never"));
}
void run(Context& ctx, const Command&) {
    const auto days = lifetime_days(expires);
    auto l = ctx.writer();
    const std::string token = l.create_token(name, days, ctx.actor());
    const auto event = l.token_event(token);
    LEDGER_ASSERT(event.has_value());
    print_token(ctx.render, token, *event, l.entry(event->entry));
}
}  // namespace token_create

// ---------------------------------------------------------------------------------------------------------
// The command table: one row per command, in the order `fundflow --help` lists them under their group.

constexpr const char* kTable = "table,json,csv";
constexpr const char* kForm = "table,json,csv,md";
constexpr const char* kWrite = "table,json";  // account changes: a line, or the entry and the account as JSON
constexpr ledger::EntryKind kNone = ledger::EntryKind::project;  // a row that is not a money posting

#define FUNDFLOW_POSTING(name, kind, help, example) \
    {nullptr, name, Group::posting, help, example, kFormat, kTable, kind, posting::options, posting::run}

const Command kCommands[] = {
    // Posting (记账)
    {"project", "add", Group::posting, N_("Register a project (项目)"),
     "fundflow project add P001 --name 县级融媒体中心建设项目 --func-code 2070808", kFormat, kTable, kNone,
     project_add::options, project_add::run},
    {"unit", "add", Group::posting, N_("Register a budget unit (预算单位) under its parent unit"),
     "fundflow unit add 县融媒体中心 --name 某县融媒体中心 --parent 县财政局", kFormat, kTable, kNone, unit_add::options,
     unit_add::run},
    {"project", "amend", Group::posting, N_("Change a project's name or unit from a date on (项目变更)"),
     "fundflow project amend P001 --name 县级融媒体中心建设项目（二期） --date 2021-03-01 --memo 批复更名", kFormat,
     kTable, kNone, project_amend::options, project_amend::run},
    {"contract", "add", Group::posting, N_("Register a contract (合同) with its retention terms"),
     "fundflow contract add P001 --contract C001 --supplier 某传媒设备有限公司 --amount 1259500 --retention-rate 5% "
     "--warranty-months 24",
     kFormat, kTable, kNone, contract_add::options, contract_add::run},
    {"contract", "amend", Group::posting, N_("Change a contract's terms from a date on (合同变更, 补充协议)"),
     "fundflow contract amend P001 --contract C001 --amount 1,300,000 --date 2021-03-01 --memo 补充协议一", kFormat,
     kTable, kNone, contract_amend::options, contract_amend::run},
    FUNDFLOW_POSTING("appropriate", ledger::EntryKind::appropriation, N_("Post the approved initial budget (年初预算)"),
                     "fundflow appropriate P001 --level county --amount 125.95万 --date 2020-01-15"),
    FUNDFLOW_POSTING("adjust", ledger::EntryKind::adjustment, N_("Post a budget adjustment, + or - (预算调整)"),
                     "fundflow adjust P001 --level county --amount -10000 --date 2020-06-01 --ref 调2020-3 --memo 调减"),
    FUNDFLOW_POSTING("arrive", ledger::EntryKind::arrival, N_("Post funds arrived (资金到位)"),
                     "fundflow arrive P001 --level county --amount 1,259,500.00 --date 2020-03-01"),
    FUNDFLOW_POSTING("pay", ledger::EntryKind::payment, N_("Post a payment (支付)"),
                     "fundflow pay P001 --level county --amount 1196525 --date 2020-11-30 --contract C001"),
    FUNDFLOW_POSTING("refund", ledger::EntryKind::refund, N_("Post a payment returned (支付退回), naming it with --of"),
                     "fundflow refund P001 --of PAY-7 --amount 1000 --date 2020-12-20 --ref RF1"),
    FUNDFLOW_POSTING("retain", ledger::EntryKind::retention, N_("Withhold a warranty deposit (质保金预留)"),
                     "fundflow retain P001 --contract C001 --level county --amount 62975 --date 2020-11-30 "
                     "--accepted 2020-11-20"),
    FUNDFLOW_POSTING("release", ledger::EntryKind::release,
                     N_("Pay out a warranty deposit (质保金支付); all outstanding by default"),
                     "fundflow release P001 --contract C001 --amount 62975 --date 2022-12-28"),
    FUNDFLOW_POSTING("forfeit", ledger::EntryKind::forfeit, N_("Deduct a warranty deposit for a defect (质保金扣除)"),
                     "fundflow forfeit P001 --contract C001 --amount 5000 --date 2022-12-28 --memo 维修费用"),
    FUNDFLOW_POSTING("recover", ledger::EntryKind::recovery, N_("Return unspent money to the treasury (收回)"),
                     "fundflow recover P001 --level county --amount 5000 --date 2021-01-20 --memo 财政收回"),
    {nullptr, "import", Group::posting, N_("Load a CSV of facts: every row checked first, then all or none"),
     "fundflow import payments-2021.csv --dry-run", kFormat, kTable, kNone, importing::options, importing::run},
    {nullptr, "reverse", Group::posting, N_("Cancel an earlier entry exactly (冲销)"),
     "fundflow reverse 42 --reason 重复录入", kFormat, kTable, kNone, reverse::options, reverse::run},
    {nullptr, "correct", Group::posting,
     N_("Correct an entry: its reversal and a replacement that keeps its voucher ref (更正)"),
     "fundflow correct 42 --amount 119,652.50 --reason 金额录入错误", kFormat, kTable, kNone, correct::options,
     correct::run},
    {nullptr, "close-year", Group::posting, N_("Lock a finished year and record its closing figures (年度关账)"),
     "fundflow close-year P001 --year 2020", kFormat, kTable, kNone, close_year::options, close_year::run},
    {nullptr, "reopen-year", Group::posting, N_("Unlock a closed year and every later one (重开年度); shown by check"),
     "fundflow reopen-year P001 --year 2020 --reason 审计调整", kFormat, kTable, kNone, reopen_year::options,
     reopen_year::run},
    // Queries (查询)
    {"project", "list", Group::queries, N_("Every project with its unit, function code, years and totals"),
     "fundflow project list --as-of 2020-12-31", kFormat | kUnit | kCut, kTable, kNone, project_list::options,
     project_list::run},
    {"unit", "list", Group::queries, N_("The tree of budget units (预算单位)"), "fundflow unit list",
     kFormat, kTable, kNone, unit_list::options, unit_list::run},
    {"contract", "list", Group::queries,
     N_("The contract ledger (合同台账): amounts in force, paid, deposits, progress"),
     "fundflow contract list P001 --as-of 2021-12-31", kFormat | kUnit | kCut, kTable, kNone, contract_list::options,
     contract_list::run},
    {"report", "execution", Group::queries, N_("The budget execution form (预算执行情况)"),
     "fundflow report execution P001 --year 2020 --format json", kFormat | kUnit | kCut, kForm, kNone,
     report_execution::options, report_execution::run},
    {nullptr, "balance", Group::queries, N_("Balances by funding level, project or contract"),
     "fundflow balance P001 --by level --as-of 2020-12-31", kFormat | kUnit | kCut, kTable, kNone,
     balance::options, balance::run},
    {"warranty", "list", Group::queries, N_("Deposits by due date, with their status as of --as-of"),
     "fundflow warranty list P001 --status overdue --as-of 2022-12-25", kFormat | kUnit | kCut, kTable, kNone,
     warranty_list::options, warranty_list::run},
    {nullptr, "log", Group::queries, N_("The entries, with ids, dates, users and hashes"),
     "fundflow log P001 --kind payment --from 2020-01-01 --to 2020-12-31", kFormat | kUnit | kCut, kTable, kNone,
     log_::options, log_::run},
    {nullptr, "show", Group::queries, N_("One entry in full"), "fundflow show 42", kFormat | kUnit | kCut, kTable,
     kNone, show::options, show::run},
    {nullptr, "export", Group::queries,
     N_("Export the entries (csv, json, ledger, hledger, beancount) or the forms (xlsx)"),
     "fundflow export --to xlsx P001 --year 2020 --indicators 指标.csv --output 2020.xlsx", kCut, "", kNone,
     export_::options, export_::run},  // --to chooses what it writes: no --format
    // Self-evaluation (自评)
    {nullptr, "evaluate", Group::evaluation, N_("The performance self-evaluation (绩效自评表), scored from the ledger"),
     "fundflow evaluate P001 --year 2020 --indicators 指标.csv --format md > 自评报告.md", kFormat | kCut,
     "table,json,csv,md,docx", kNone, evaluate::options, evaluate::run},
    // Audit (审计)
    {nullptr, "verify", Group::audit, N_("Recompute the hash chain; with --digest, prove the ledger still extends it"),
     "fundflow verify --digest 7:5f3a…(as printed by 'fundflow digest')", kFormat, kTable, kNone, verify::options,
     verify::run},
    {nullptr, "digest", Group::audit, N_("Print the chain's head (entry count and hash) to keep outside the file"),
     "fundflow digest > digest-2020-12-31.txt", kFormat, kTable, kNone, digest::options, digest::run},
    {nullptr, "check", Group::audit,
     N_("An auditor's checks in one go: chain, invariants, overdue deposits, unclosed years"),
     "fundflow check --as-of 2022-12-31 --format json", kFormat | kCut, kTable, kNone, check::options,
     check::run},
    // Accounts (账户) of the shared service
    {"user", "add", Group::accounts, N_("Add a user of the shared service with a role (会计, 审计, 管理员)"),
     "fundflow user add lisi --role accountant --projects P001,P002", kFormat, kWrite, kNone, user_add::options,
     user_add::run},
    {"user", "list", Group::accounts, N_("Every user with its role, projects and status"),
     "fundflow user list --format json", kFormat, kTable, kNone, user_list::options, user_list::run},
    {"user", "disable", Group::accounts, N_("Disable a user: its sessions and tokens stop working at once"),
     "fundflow user disable lisi", kFormat, kWrite, kNone, user_disable::options, user_disable::run},
    {"user", "passwd", Group::accounts,
     N_("Set a user's password (typed twice without echo, or one line with --password-stdin)"),
     "fundflow user passwd lisi", kFormat, kWrite, kNone, user_passwd::options, user_passwd::run},
    {"user", "role", Group::accounts, N_("Change a user's role and projects"),
     "fundflow user role lisi --role accountant --projects P001", kFormat, kWrite, kNone, user_role::options,
     user_role::run},
    {"token", "create", Group::accounts,
     N_("Create a bearer token for a user: printed once, only its hash is kept"),
     "fundflow token create lisi --expires 90d", kFormat, kWrite, kNone, token_create::options,
     token_create::run},
    // Other (其他)
    {nullptr, "serve", Group::other, N_("Serve the ledger to browsers and programs (api.md): accounts, roles, pages"),
     "fundflow --db county.db serve --listen 127.0.0.1:8080", 0, "", kNone, serve_::options, serve_::run},
    {nullptr, "init", Group::other, N_("Create a ledger file (or upgrade an older fundflow ledger in place)"),
     "fundflow --db county.db init", 0, "", kNone, init::options, init::run},
    {nullptr, "copy", Group::other,
     N_("Copy a whole ledger, entry for entry with the same ids and hashes, into a new one; verified before it counts"),
     "fundflow copy --from county.db --to county-copy.db", kFormat, kTable, kNone, copy::options, copy::run},
};
#undef FUNDFLOW_POSTING

// The parent words of two-word commands and what they group.
struct Parent {
    const char* name;
    const char* help;
};
constexpr Parent kParents[] = {
    {"project", N_("Register projects")},
    {"contract", N_("Register contracts")},
    {"unit", N_("Budget units (预算单位) in a tree: county, city, province")},
    {"report", N_("Official forms")},
    {"warranty", N_("Warranty deposits (质保金)")},
    {"user", N_("Users of the shared service (fundflow serve) and their roles")},
    {"token", N_("Bearer tokens for scripts that call the service")},
};

std::string full_name(const Command& row) {
    return row.parent != nullptr ? std::string(row.parent) + " " + row.name : std::string(row.name);
}

// The global options a row takes, as they appear on the command line.
std::string globals_of(const Command& row) {
    std::string list = "--db, --user, --lang, --read-only";
    if ((row.globals & kFormat) != 0U) {
        list += ", --format " + std::string(row.formats);
    }
    if ((row.globals & kUnit) != 0U) {
        list += ", --unit";
    }
    if ((row.globals & kAsOf) != 0U) {
        list += ", --as-of";
    }
    if ((row.globals & kKnownAt) != 0U) {
        list += ", --known-at";
    }
    return list;
}

void add_commands(CLI::App& app, Context& ctx, const Command*& chosen) {
    std::vector<std::pair<std::string, CLI::App*>> parents;
    for (const Command& row : kCommands) {
        CLI::App* under = &app;
        if (row.parent != nullptr) {
            const auto found = std::find_if(parents.begin(), parents.end(),
                                            [&](const auto& p) { return p.first == row.parent; });
            if (found != parents.end()) {
                under = found->second;
            } else {
                const char* help = "";
                for (const Parent& p : kParents) {
                    if (std::string_view(p.name) == row.parent) {
                        help = p.help;
                    }
                }
                under = app.add_subcommand(row.parent, tr(help));
                under->set_help_flag("-h,--help", tr("Print this help message and exit"));  // in the options' group
                under->require_subcommand(1);
                under->fallthrough();
                under->group(tr(group_title(row.group)));
                parents.emplace_back(row.parent, under);
            }
        }
        CLI::App* sub = under->add_subcommand(row.name, tr(row.help));
        sub->set_help_flag("-h,--help", tr("Print this help message and exit"));  // in the options' group
        sub->fallthrough();
        sub->group(row.parent != nullptr ? std::string(tr("Subcommands")) : tr(group_title(row.group)));
        sub->footer(word(msg("Example:\n  {example}\nGlobal options that apply here: {globals}; see 'fundflow "
                             "--help'.\n")
                             .with("example", row.example)
                             .with("globals", globals_of(row))));
        sub->callback([&ctx, &chosen, &row] {
            ctx.command = full_name(row);
            chosen = &row;
        });
        row.options(*sub, row);
    }
}

// Refuses, with one line and exit 2, a global option the command does not take (the row says which).
void refuse_global_options(const CLI::App& app, const Context& ctx, const Command& row) {
    struct Check {
        const char* option;
        Global flag;
    };
    static constexpr Check kChecks[] = {
        {"--format", kFormat}, {"--unit", kUnit}, {"--as-of", kAsOf}, {"--known-at", kKnownAt}};
    for (const Check& c : kChecks) {
        if (app.get_option(c.option)->count() > 0 && (row.globals & c.flag) == 0U) {
            usage_error(msg("{option} does not apply to '{command}' (it takes {globals})")
                            .with("option", c.option)
                            .with("command", ctx.command)
                            .with("globals", globals_of(row)));
        }
    }
    if (app.get_option("--format")->count() > 0) {
        const std::string allowed = std::string(",") + row.formats + ",";
        if (allowed.find("," + ctx.render.format_name + ",") == std::string::npos) {
            if (ctx.render.format_name == "md") {
                usage_error(msg("--format md is for evaluate and report execution; use table, json or csv here"));
            }
            usage_error(msg("--format {format} does not apply to '{command}'; use one of {formats}")
                            .with("format", ctx.render.format_name)
                            .with("command", ctx.command)
                            .with("formats", row.formats));
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// CLI11's own words: the labels of its help, and the parse errors that reach the user.

void word_help_labels(CLI::App& app) {
    const auto formatter = app.get_formatter();
    formatter->label("Usage", tr("Usage"));
    formatter->label("OPTIONS", tr("OPTIONS"));
    formatter->label("SUBCOMMAND", tr("SUBCOMMAND"));
    formatter->label("SUBCOMMANDS", tr("SUBCOMMANDS"));
    formatter->label("Positionals", tr("Positionals"));
    // TEXT, INT and REQUIRED stay as they are: CLI11 aligns the columns by bytes, and CJK would skew them.
    formatter->label("Subcommands", tr("Subcommands"));
}

// The problem of a CLI11 parse error in Chinese: the common ones (unknown option or argument, a missing
// required option, a bad value, an option given twice) by name; anything else as CLI11 says it.
ledger::Message parse_problem(const CLI::ParseError& e) {
    const std::string what = e.what();
    const auto after = [&](const std::string& prefix) -> std::optional<std::string> {
        if (what.rfind(prefix, 0) == 0) {
            return what.substr(prefix.size());
        }
        return std::nullopt;
    };
    const auto ends = [&](const std::string& suffix) {
        return what.size() > suffix.size() && what.compare(what.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (const auto arg = after("The following argument was not expected: ")) {
        return msg("'{argument}' was not expected here").with("argument", *arg);
    }
    if (const auto args = after("The following arguments were not expected: ")) {
        return msg("these were not expected here: {arguments}").with("arguments", *args);
    }
    if (what == "A subcommand is required") {
        return msg("a command is required");
    }
    if (ends(" is required")) {
        return msg("{option} is required").with("option", what.substr(0, what.size() - 12));
    }
    if (const auto rest = after("Could not convert: ")) {
        const auto eq = rest->find(" = ");
        if (eq != std::string::npos) {
            return msg("{option}: '{value}' is not a valid value")
                .with("option", rest->substr(0, eq))
                .with("value", rest->substr(eq + 3));
        }
    }
    if (const auto colon = what.find(": "); colon != std::string::npos && what.compare(0, 2, "--") == 0) {
        const std::string option = what.substr(0, colon);
        const std::string rest = what.substr(colon + 2);
        if (const auto in = rest.find(" not in {"); in != std::string::npos && rest.back() == '}') {
            return msg("{option}: '{value}' is not one of {choices}")
                .with("option", option)
                .with("value", rest.substr(0, in))
                .with("choices", rest.substr(in + 9, rest.size() - in - 10));
        }
        if (rest.rfind("At Most 1 required but received", 0) == 0) {
            return msg("{option} is given more than once").with("option", option);
        }
    }
    return ledger::Message::verbatim(what);
}

int run(int argc, char** argv) {
    std::string bad_language;
    set_language(language_from(argc, argv, &bad_language));
    if (!bad_language.empty()) {
        std::fprintf(stderr, "fundflow: %s\n",
                     word(msg("the language '{lang}' is not zh or en (--lang, FUNDFLOW_LANG)")
                              .with("lang", bad_language))
                         .c_str());
        return static_cast<int>(ExitStatus::usage);
    }
    Context ctx;
    const Command* chosen = nullptr;
    CLI::App app{tr("fundflow — a fund-flow ledger for government project money (预算执行, 质保金, 绩效自评)"),
                 "fundflow"};
    word_help_labels(app);
    app.option_defaults()->group(tr("Options"));
    app.set_help_flag("-h,--help", tr("Print this help message and exit"));
    app.fallthrough();
    app.require_subcommand(1);
    app.footer(word(msg("Example:\n  fundflow --db county.db report execution P001 --year 2020\nExit codes: 0 done, 2 "
                        "bad usage or input, 3 refused by a ledger rule, 4 integrity failure, 1 other.\n")));
    app.add_option("--db", ctx.db, tr("the ledger file (default $FUNDFLOW_DB, else ./fundflow.db)"));
    app.add_option("--user", ctx.user, tr("who is posting (default $FUNDFLOW_USER, else the login name)"));
    app.add_option("--format", ctx.render.format_name, tr("table, json, csv, md (evaluate, report execution) or docx (evaluate)"))
        ->check(CLI::IsMember({"table", "json", "csv", "md", "docx"}));
    app.add_option("--unit", ctx.unit, tr("money unit: yuan or wan (forms default to wan, listings to yuan)"))
        ->check(CLI::IsMember({"yuan", "wan"}));
    app.add_option("--lang", ctx.lang, tr("language of headings and messages: zh or en (default zh, or $FUNDFLOW_LANG)"))
        ->check(CLI::IsMember({"zh", "en"}));
    app.add_option("--as-of", ctx.as_of, tr("effective-date cut-off for reads, YYYY-MM-DD (default today)"));
    app.add_option("--known-at", ctx.known_at, tr("only entries recorded at or before this UTC instant"));
    app.add_flag("--read-only", ctx.read_only,
                 tr("auditor mode: refuse every writing command (or FUNDFLOW_READ_ONLY=1)"));
    add_commands(app, ctx, chosen);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // Name the deepest command that was recognised, so the hint points at its own help.
        std::string words;
        const CLI::App* at = &app;
        while (!at->get_subcommands().empty()) {
            at = at->get_subcommands().front();
            words += at->get_name() + " ";
        }
        auto stray = at->remaining();
        if (stray.empty()) {
            stray = app.remaining();  // extras fall through to the top
        }
        if (!stray.empty() && stray.front().rfind("-", 0) != 0 && !at->get_subcommands({}).empty()) {
            std::string command_line = "fundflow " + words;
            command_line.pop_back();
            std::fprintf(stderr, "fundflow: %s\n",
                         word(msg("'{word}' is not a command of '{command}'; see '{command} --help'")
                                  .with("word", stray.front())
                                  .with("command", command_line))
                             .c_str());
        } else {
            std::fprintf(stderr, "fundflow: %s\n",
                         word(msg("{problem}; see 'fundflow {command}--help'")
                                  .with("problem", language() == Language::en
                                                       ? ledger::Message::verbatim(e.what())  // CLI11's own words
                                                       : parse_problem(e))
                                  .with("command", words))
                             .c_str());
        }
        return static_cast<int>(ExitStatus::usage);
    }
    try {
        if (chosen == nullptr) {
            std::fprintf(stderr, "fundflow: %s\n", tr("no command given; see 'fundflow --help'").c_str());
            return static_cast<int>(ExitStatus::usage);
        }
        ctx.row = chosen;
        refuse_global_options(app, ctx, *chosen);
        ctx.render.lang = language();  // every command, posting ones too
        chosen->run(ctx, *chosen);
        return static_cast<int>(ctx.status);
    } catch (const ledger::Error& e) {
        const ExitStatus status = exit_status_of(e.code());
        std::fflush(stdout);
        // One line, whatever the message quotes (SQLite may quote schema text with line breaks).
        std::string message = word(e.message());
        std::replace_if(message.begin(), message.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
        std::fprintf(stderr, "fundflow: %s%s\n",
                     status == ExitStatus::rejected    ? tr("refused: ").c_str()
                     : status == ExitStatus::integrity ? tr("integrity: ").c_str()
                                                       : "",
                     message.c_str());
        return static_cast<int>(status);
    } catch (const std::exception& e) {
        std::string message = e.what();
        std::replace_if(message.begin(), message.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
        std::fprintf(stderr, "fundflow: %s\n", message.c_str());
        return static_cast<int>(ExitStatus::failure);
    }
}

}  // namespace
}  // namespace fundflow

int main(int argc, char** argv) {
    // A file-size limit (ulimit -f) must end in an I/O error that fundflow reports, not in SIGXFSZ
    // killing the process between writing the log and acknowledging.
    std::signal(SIGXFSZ, SIG_IGN);
    // Diagnostics only, on stderr, off unless asked for: FUNDFLOW_LOG=debug fundflow ...
    spdlog::set_default_logger(spdlog::stderr_logger_st("fundflow"));
    const char* level = std::getenv("FUNDFLOW_LOG");
    spdlog::set_level(level != nullptr ? spdlog::level::from_str(level) : spdlog::level::warn);
    return fundflow::run(argc, argv);
}
