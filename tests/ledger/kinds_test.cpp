// Tests of ledger/kinds.hpp and of the library's messages as templates (issue 12.1, 12.6).
//
// kinds: for every posting kind and every field, a posting through Ledger::post with and without the
// field gets the table's answer: a required field missing and a forbidden one given are refused with
// Error{invalid_input} naming the field and the kind; an optional or derived one is accepted either way.
// messages: representative refusals carry a template (not verbatim text) whose English is today's text
// and whose {fields} are exactly the values it carries.
#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <vector>
#include <regex>
#include <set>
#include <string>

#include "error_matchers.hpp"
#include "ledger/kinds.hpp"
#include "ledger/ledger.hpp"
#include "temp_dir.hpp"

namespace {

using namespace ledger;
using ledger_test::HasCode;
using ledger_test::TempDir;

const Actor kActor{"会计张三", "tester"};

Posting money(EntryKind kind, std::string_view amount, std::string_view date, std::optional<std::string> contract = {},
              std::optional<std::string> ref = {}) {
    Posting p;
    p.kind = kind;
    p.project = "P1";
    p.level = Level::county;
    p.amount = Money::parse(amount);
    p.date = parse_date(date);
    p.contract = std::move(contract);
    p.ref = std::move(ref);
    return p;
}

// P1 with contract C1 (100,000.00 元, 5 %, 12 months): budget 1,000,000.00, arrived 500,000.00, paid
// 10,000.00 on C1 (voucher PAY1), 5,000.00 retained on C1; all county funds of 2020.
void seed(const std::string& path) {
    Ledger::create(path);
    Ledger l = Ledger::open(path, Ledger::Mode::read_write);
    l.add_project(Project{"P1", "道路改造", "某县交通局", "2140101"}, kActor, parse_date("2020-01-01"));
    l.add_contract(Contract{"P1", "C1", "某建设公司", Money::parse("100000"), 500, 12, false}, kActor,
                   parse_date("2020-01-02"));
    l.post(money(EntryKind::appropriation, "1000000", "2020-01-10"), kActor);
    l.post(money(EntryKind::arrival, "500000", "2020-01-20"), kActor);
    l.post(money(EntryKind::payment, "10000", "2020-02-01", "C1", "PAY1"), kActor);
    Posting retain = money(EntryKind::retention, "5000", "2020-02-02", "C1");
    retain.accepted = parse_date("2020-02-01");
    l.post(retain, kActor);
}

// Sets (or clears) one field of a posting to a value the seeded ledger accepts.
void set_field(Posting& p, Field field, bool given) {
    switch (field) {
        case Field::level:
            p.level = given ? std::optional(Level::county) : std::nullopt;
            break;
        case Field::amount:
            p.amount = given ? std::optional(Money::parse("100")) : std::nullopt;
            break;
        case Field::contract:
            p.contract = given ? std::optional<std::string>("C1") : std::nullopt;
            break;
        case Field::ref:
            p.ref = given ? std::optional<std::string>("R-" + std::string(to_string(p.kind))) : std::nullopt;
            break;
        case Field::memo:
            p.memo = given ? "摘要" : "";
            break;
        case Field::accepted:
            p.accepted = given ? std::optional(parse_date("2020-02-15")) : std::nullopt;
            break;
        case Field::warranty_months:
            p.warranty_months = given ? std::optional(12) : std::nullopt;
            break;
        case Field::of:
            p.refunds = given ? std::optional<std::string>("PAY1") : std::nullopt;
            break;
    }
}

// Every {name} of a template, nested phrases included, has a value, and every value is used.
void require_fields_match(const Message& m) {
    REQUIRE_FALSE(m.is_verbatim());
    std::set<std::string> in_template;
    const std::regex field(R"(\{(\w+)\})");
    for (std::sregex_iterator i(m.text().begin(), m.text().end(), field), end; i != end; ++i) {
        in_template.insert((*i)[1]);
    }
    std::set<std::string> given;
    for (const MessageArg& a : m.args()) {
        given.insert(a.name);
        if (a.message) {
            require_fields_match(*a.message);
        }
    }
    CHECK(in_template == given);
}

}  // namespace

TEST_CASE("every posting kind takes, needs and refuses the fields kinds.hpp says", "[kinds]") {
    TempDir dir;
    const std::string seeded = dir.ledger("seed.db");
    seed(seeded);
    // Each case posts on the seeded ledger as it is: on SQLite a copy of the file per case; on PostgreSQL
    // (where a copy of the database, CREATE DATABASE … TEMPLATE, takes a tenth of a second: half a minute for
    // every case) the one database, each case's posting in a transaction rolled back after it.
    struct Undo {};
    std::optional<Ledger> shared;
    if (ledger_test::is_pg(seeded)) {
        shared.emplace(Ledger::open(seeded, Ledger::Mode::read_write));
    }
    int cases = 0;
    for (const PostingKind& row : kPostingKinds) {
        for (const Field field : kFields) {
            for (const bool given : {false, true}) {
                const Need need = row.need(field);
                // A posting with every field its kind takes, then the one field set or cleared.
                Posting p;
                p.kind = row.kind;
                p.project = "P1";
                p.date = parse_date("2020-03-01");
                for (const Field other : kFields) {
                    set_field(p, other, row.need(other) != Need::forbidden);
                }
                set_field(p, field, given);
                CAPTURE(to_string(row.kind), option_name(field), given);
                const bool refused = given ? need == Need::forbidden : need == Need::required;
                const auto one_case = [&](Ledger& l) {
                    if (refused) {
                        try {
                            l.post(p, kActor);
                            FAIL("posted");
                        } catch (const Error& e) {
                            CHECK(e.code() == ErrorCode::invalid_input);
                            const std::string text = e.message().english();
                            CHECK_THAT(text, Catch::Contains(std::string(to_string(row.kind))));
                            CHECK_THAT(text, Catch::Contains(std::string(option_name(field)).substr(2)));
                            CHECK_FALSE(e.message().is_verbatim());
                        }
                        CHECK(l.digest().entries == 6);  // nothing written
                    } else {
                        const PostResult r = l.post(p, kActor);
                        CHECK(r.created);
                        CHECK(r.entry.kind == row.kind);
                        CHECK(r.entry.level.has_value());
                        CHECK(l.digest().entries == 7);
                    }
                };
                ++cases;
                if (shared) {
                    try {
                        shared->in_transaction([&] {
                            one_case(*shared);
                            throw Undo{};
                        });
                    } catch (const Undo&) {
                    }
                    REQUIRE(shared->digest().entries == 6);
                } else {
                    const std::string path = dir.file("case-" + std::to_string(cases) + ".db");
                    std::filesystem::copy_file(seeded, path);
                    Ledger l = Ledger::open(path, Ledger::Mode::read_write);
                    one_case(l);
                }
            }
        }
    }
    CHECK(cases == static_cast<int>(kPostingKinds.size() * kFields.size() * 2));
}

TEST_CASE("a kind outside the table is not posted with Ledger::post; names are phrases", "[kinds]") {
    CHECK(posting_kind(EntryKind::reversal) == nullptr);
    CHECK(posting_kind(EntryKind::close) == nullptr);
    CHECK(posting_kind(EntryKind::payment)->command == std::string("pay"));
    CHECK(kind_name(EntryKind::payment).english() == "payment");
    CHECK_FALSE(kind_name(EntryKind::payment).is_verbatim());
    CHECK(level_name(Level::county).english() == "county");
    CHECK(level_needed(*posting_kind(EntryKind::refund), false));
    CHECK_FALSE(level_needed(*posting_kind(EntryKind::refund), true));
    CHECK_FALSE(level_needed(*posting_kind(EntryKind::release), false));
}

TEST_CASE("refusals are templates whose English is the text the ledger always gave", "[messages]") {
    TempDir dir;
    const std::string path = dir.ledger("books.db");
    seed(path);
    Ledger l = Ledger::open(path, Ledger::Mode::read_write);
    const auto refusal = [&](const std::function<void()>& action) -> Error {
        try {
            action();
        } catch (const Error& e) {
            return e;
        }
        FAIL("not refused");
        throw std::logic_error("unreachable");
    };
    struct Case {
        const char* name;
        std::function<void()> action;
        ErrorCode code;
        std::string english;
        std::string templ;
    };
    const EntryId paid{5};
    const std::vector<Case> cases = {
        {"balance", [&] { l.post(money(EntryKind::payment, "600000", "2020-03-01"), kActor); }, ErrorCode::rejected,
         "payment of 600,000.00 元 exceeds the free balance of county funds on project P1 in 2020 (485,000.00 元)",
         "{what} exceeds the free balance of {pot} ({free})"},
        {"budget", [&] { l.post(money(EntryKind::arrival, "600000", "2020-03-01"), kActor); }, ErrorCode::rejected,
         "arrival of 600,000.00 元 would bring county funds on project P1 in 2020 to 1,100,000.00 元 arrived, beyond "
         "the full-year budget of 1,000,000.00 元",
         "{what} would bring {pot} to {arrived} arrived, beyond the full-year budget of {budget}"},
        {"contract excess", [&] { l.post(money(EntryKind::payment, "90000", "2020-03-01", "C1"), kActor); },
         ErrorCode::rejected,
         "payment of 90,000.00 元 would bring contract C1 to 105,000.00 元 paid and retained, beyond its amount of "
         "100,000.00 元",
         "{what} would bring contract {contract} to {committed} paid and retained, beyond its amount of {amount}"},
        {"unknown project",
         [&] {
             Posting p = money(EntryKind::payment, "1", "2020-03-01");
             p.project = "NOPE";
             l.post(p, kActor);
         },
         ErrorCode::not_found, "no project NOPE; add it with 'fundflow project add'",
         "no project {project}; add it with 'fundflow project add'"},
        {"bad reversal",
         [&] {
             l.reverse(paid, "重复支付", kActor);
             l.reverse(paid, "重复支付", kActor);
         },
         ErrorCode::rejected, "entry #5 was already reversed by entry #7", "{entry} was already reversed by entry #{by}"},
        {"closed year",
         [&] {
             l.close_year("P1", 2020, kActor);
             l.post(money(EntryKind::payment, "1", "2020-05-01"), kActor);
         },
         ErrorCode::rejected,
         "year 2020 of project P1 is closed (closed through 2020): nothing dated in it can be posted; date the entry "
         "in an open year",
         "year {year} of project {project} is closed (closed through {closed}): nothing dated in it can be posted; "
         "date the entry in an open year"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.name);
        const Error e = refusal(c.action);
        CHECK(e.code() == c.code);
        CHECK(e.message().text() == c.templ);
        CHECK(e.message().english() == c.english);
        CHECK(std::string(e.what()) == c.english);
        require_fields_match(e.message());
    }
}
