// Tests of refunds (支付退回) in ledger/ledger.hpp: every pot bounded (issue 11, domain.md §4, §6).
//
// A refund names what it returns (--of) and never returns more than is left of it; one of an earlier
// year's payment is a 年初余额调整 of the carryover ((2) and (3) rise, (4) untouched); a refund naming
// nothing is bounded by its pot, the carryover's included; a refunded payment cannot be reversed
// before its refund. Each refusal is Error{rejected} (or invalid_input) and writes nothing.
#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "error_matchers.hpp"
#include "ledger/ledger.hpp"
#include "temp_dir.hpp"

namespace {

using namespace ledger;
using ledger_test::HasCode;

const Actor kActor{"会计张三", "tester"};

// A new ledger (a file in a scratch folder, or a PostgreSQL database: temp_dir.hpp).
struct Scratch {
    ledger_test::TempDir dir;
    std::string path = dir.ledger("books.db");
    Scratch() { Ledger::create(path); }
    Ledger open() const { return Ledger::open(path, Ledger::Mode::read_write); }
};

Posting posting(EntryKind kind, std::string_view amount, std::string_view date, std::optional<Level> level = Level::county) {
    Posting p;
    p.kind = kind;
    p.project = "P1";
    p.level = level;
    p.amount = Money::parse(amount);
    p.date = parse_date(date);
    return p;
}

Posting with_ref(std::string ref, Posting p) {
    p.ref = std::move(ref);
    return p;
}

Posting on_contract(std::string contract, Posting p) {
    p.contract = std::move(contract);
    return p;
}

// A refund of `what` (a voucher ref or "#id"), level and contract left to the payment.
Posting refund_of(std::string what, std::string_view amount, std::string_view date) {
    Posting p = posting(EntryKind::refund, amount, date, std::nullopt);
    p.refunds = std::move(what);
    return p;
}

// P1: 1,000.00 county money in 2021, contract C1 of 800.00; 600.00 paid on it (PAY1) on 2021-05-01.
void fund_and_pay(Ledger& ledger) {
    ledger.add_project(Project{"P1", "退回测试", "", ""}, kActor, parse_date("2021-01-01"));
    ledger.add_contract(Contract{"P1", "C1", "某公司", Money::parse("800"), 0, 0, false}, kActor,
                        parse_date("2021-01-01"));
    ledger.post(posting(EntryKind::appropriation, "1000", "2021-01-10"), kActor);
    ledger.post(posting(EntryKind::arrival, "1000", "2021-02-01"), kActor);
    ledger.post(on_contract("C1", with_ref("PAY1", posting(EntryKind::payment, "600", "2021-05-01"))), kActor);
}

void refused_without_trace(const Scratch& books, ErrorCode code, const std::function<void(Ledger&)>& attempt) {
    Ledger ledger = books.open();
    const Digest before = ledger.digest();
    CHECK_THROWS_MATCHES(attempt(ledger), Error, HasCode(code));
    CHECK(ledger.digest().entries == before.entries);
    CHECK(ledger.digest().head == before.head);
}

bool check_passes(const Ledger& ledger) {
    const CheckReport report = ledger.check(ReadCut{parse_date("2099-12-31"), std::nullopt});
    for (const auto& c : report.checks) {
        for (const auto& d : c.details) {
            UNSCOPED_INFO(c.name << ": " << d);
        }
    }
    return !report.integrity_failed;
}

}  // namespace

TEST_CASE("A carryover refund on a project that never spent a fen is refused", "[refund]") {
    Scratch books;
    {
        Ledger ledger = books.open();
        ledger.add_project(Project{"P1", "从未支付", "", ""}, kActor, parse_date("2021-01-01"));
        ledger.post(posting(EntryKind::appropriation, "1000", "2021-01-10"), kActor);
        ledger.post(posting(EntryKind::arrival, "1000", "2021-02-01"), kActor);
    }
    // The door of issue 11: 1万 returned to the carryover of a project that paid nothing, in its own
    // year and in the next.
    for (const char* date : {"2021-06-01", "2022-03-01"}) {
        CAPTURE(date);
        refused_without_trace(books, ErrorCode::rejected, [&](Ledger& ledger) {
            ledger.post(posting(EntryKind::refund, "1万", date, Level::carryover), kActor);
        });
    }
    Ledger ledger = books.open();
    CHECK(check_passes(ledger));
}

TEST_CASE("A bare carryover refund is a prior refund bounded by what earlier years executed", "[refund]") {
    Scratch books;
    Ledger ledger = books.open();
    fund_and_pay(ledger);
    const PostResult first = ledger.post(posting(EntryKind::refund, "500", "2022-03-01", Level::carryover), kActor);
    CHECK(first.entry.effect_kind == EntryKind::prior_refund);
    CHECK(first.entry.level == Level::carryover);
    CHECK_THROWS_MATCHES(ledger.post(posting(EntryKind::refund, "100.01", "2022-04-01", Level::carryover), kActor),
                         Error, HasCode(ErrorCode::rejected));
    ledger.post(posting(EntryKind::refund, "100", "2023-04-01", Level::carryover), kActor);
    // With a contract: that contract's payments of earlier years, less its refunds.
    CHECK_THROWS_MATCHES(
        ledger.post(on_contract("C1", posting(EntryKind::refund, "0.01", "2023-05-01", Level::carryover)), kActor),
        Error, HasCode(ErrorCode::rejected));
    CHECK(check_passes(ledger));
}

TEST_CASE("A refund never returns more than is left of the payment it names", "[refund]") {
    Scratch books;
    Ledger ledger = books.open();
    fund_and_pay(ledger);
    const PostResult first = ledger.post(refund_of("PAY1", "400", "2021-06-01"), kActor);
    CHECK(first.entry.refunds == EntryId{5});
    CHECK(first.entry.contract == std::optional<std::string>("C1"));  // the payment's contract
    CHECK(first.entry.level == Level::county);
    CHECK(first.entry.effect_kind == EntryKind::refund);
    CHECK_THROWS_MATCHES(ledger.post(refund_of("#5", "200.01", "2021-07-01"), kActor), Error,
                         HasCode(ErrorCode::rejected));
    // Reversals count: with the first refund reversed, all 600.00 can come back (by entry id).
    ledger.reverse(first.entry.id, "记错", kActor);
    ledger.post(refund_of("5", "600", "2021-07-01"), kActor);
    CHECK_THROWS_MATCHES(ledger.post(refund_of("PAY1", "0.01", "2022-07-01"), kActor), Error,
                         HasCode(ErrorCode::rejected));
    // Nothing that is not a payment or release, nothing before the payment.
    CHECK_THROWS_MATCHES(ledger.post(refund_of("#4", "1", "2021-07-01"), kActor), Error, HasCode(ErrorCode::rejected));
    CHECK_THROWS_MATCHES(ledger.post(refund_of("NOPE", "1", "2021-07-01"), kActor), Error,
                         HasCode(ErrorCode::not_found));
    CHECK(check_passes(ledger));
}

TEST_CASE("A refund naming a payment refuses another contract or level", "[refund]") {
    Scratch books;
    {
        Ledger ledger = books.open();
        fund_and_pay(ledger);
        ledger.add_contract(Contract{"P1", "C2", "另一公司", Money::parse("800"), 0, 0, false}, kActor,
                            parse_date("2021-01-01"));
    }
    refused_without_trace(books, ErrorCode::invalid_input, [](Ledger& ledger) {
        ledger.post(on_contract("C2", refund_of("PAY1", "1", "2021-06-01")), kActor);
    });
    refused_without_trace(books, ErrorCode::invalid_input, [](Ledger& ledger) {
        Posting p = refund_of("PAY1", "1", "2021-06-01");
        p.level = Level::provincial;
        ledger.post(p, kActor);
    });
    refused_without_trace(books, ErrorCode::rejected, [](Ledger& ledger) {
        ledger.post(refund_of("PAY1", "1", "2021-04-30"), kActor);  // before the payment
    });
    Ledger ledger = books.open();
    Posting same = on_contract("C1", refund_of("PAY1", "1", "2021-06-01"));
    same.level = Level::county;
    CHECK(ledger.post(same, kActor).created);
}

TEST_CASE("A refund of an earlier year's payment raises the carryover's budget and arrival, not executed",
          "[refund]") {
    Scratch books;
    Ledger ledger = books.open();
    fund_and_pay(ledger);
    const PostResult r = ledger.post(refund_of("PAY1", "200", "2022-03-01"), kActor);
    CHECK(r.entry.effect_kind == EntryKind::prior_refund);
    CHECK(r.entry.level == Level::carryover);
    CHECK(r.entry.contract == std::optional<std::string>("C1"));
    const ExecutionReport y2022 = ledger.execution_report("P1", 2022, ReadCut{parse_date("2022-12-31"), std::nullopt});
    const ExecutionFigures& carryover = y2022.level(Level::carryover);
    CHECK(carryover.initial_budget.fen() == 0);
    CHECK(carryover.full_year_budget.fen() == 60000);  // 400.00 carried + 200.00 returned
    CHECK(carryover.arrived.fen() == 60000);
    CHECK(carryover.executed.fen() == 0);
    // 2021's form is untouched: 600.00 executed.
    const ExecutionReport y2021 = ledger.execution_report("P1", 2021, ReadCut{parse_date("2021-12-31"), std::nullopt});
    CHECK(y2021.level(Level::county).executed.fen() == 60000);
    // The money is free again in the carryover, and carried on to 2023.
    const BalanceReport balances =
        ledger.balances(std::string("P1"), BalanceBy::level, ReadCut{parse_date("2022-12-31"), std::nullopt});
    REQUIRE(balances.rows.size() == 1);
    CHECK(balances.rows[0].free_balance().fen() == 60000);
    const ExecutionReport y2023 = ledger.execution_report("P1", 2023, ReadCut{parse_date("2023-12-31"), std::nullopt});
    CHECK(y2023.level(Level::carryover).full_year_budget.fen() == 60000);
    // The contract was paid 400.00 net.
    const BalanceReport contracts =
        ledger.balances(std::string("P1"), BalanceBy::contract, ReadCut{parse_date("2022-12-31"), std::nullopt});
    REQUIRE(contracts.rows.size() == 1);
    CHECK(contracts.rows[0].executed.fen() == 40000);
    CHECK(check_passes(ledger));
}

TEST_CASE("A refunded payment is reversed only after its refund", "[refund]") {
    Scratch books;
    EntryId refund{};
    {
        Ledger ledger = books.open();
        fund_and_pay(ledger);
        refund = ledger.post(refund_of("PAY1", "100", "2021-06-01"), kActor).entry.id;
    }
    refused_without_trace(books, ErrorCode::rejected,
                          [](Ledger& ledger) { ledger.reverse(EntryId{5}, "付错", kActor); });
    Ledger ledger = books.open();
    ledger.reverse(refund, "退回记错", kActor);
    ledger.reverse(EntryId{5}, "付错", kActor);
    CHECK(check_passes(ledger));
}

TEST_CASE("A payment reversed in a later year cannot make the carryover's executed negative", "[refund]") {
    Scratch books;
    {
        Ledger ledger = books.open();
        fund_and_pay(ledger);
    }
    // 2022's carryover executed nothing: taking 600.00 back there would show (4) = −600.00.
    refused_without_trace(books, ErrorCode::rejected, [](Ledger& ledger) {
        ledger.reverse(EntryId{5}, "付错", kActor, parse_date("2022-02-01"));
    });
    Ledger ledger = books.open();
    ledger.reverse(EntryId{5}, "付错", kActor);  // in its own year
    CHECK(check_passes(ledger));
}

TEST_CASE("A same-year refund is bounded by its level's payments of that year", "[refund]") {
    Scratch books;
    Ledger ledger = books.open();
    fund_and_pay(ledger);
    CHECK_THROWS_MATCHES(ledger.post(posting(EntryKind::refund, "600.01", "2021-06-01"), kActor), Error,
                         HasCode(ErrorCode::rejected));
    // With the contract: its payments in that pot.
    ledger.post(posting(EntryKind::payment, "100", "2021-06-01"), kActor);
    CHECK_THROWS_MATCHES(ledger.post(on_contract("C1", posting(EntryKind::refund, "600.01", "2021-06-02")), kActor),
                         Error, HasCode(ErrorCode::rejected));
    ledger.post(on_contract("C1", posting(EntryKind::refund, "600", "2021-06-02")), kActor);
    CHECK(check_passes(ledger));
}
