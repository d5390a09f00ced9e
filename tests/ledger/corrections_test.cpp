// Tests of ledger/ledger.hpp, issue 11 part 4: corrections that keep a voucher's ref (correct),
// amendments of contracts and projects with terms in force by date (amend), reopened years
// (reopen_year). A file of its own (not ledger_test.cpp) so that its helpers stay few and local.
#include <catch2/catch.hpp>

#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "error_matchers.hpp"
#include "temp_dir.hpp"
#include "ledger/ledger.hpp"

namespace {

using namespace ledger;
namespace fs = std::filesystem;
using ledger_test::HasCode;

const Actor kActor{"会计张三", "tester"};

Date ymd(std::string_view text) { return parse_date(text); }

using ledger_test::TempDir;

using ledger_test::ledger_bytes;
using ledger_test::wal_bytes;

// P1 with contract C1 of 100,000.00 (5 %, 24 months), 200,000.00 appropriated and arrived at county
// level in 2021. Entries #1–#4.
struct Books {
    TempDir dir;
    std::string path = dir.ledger("books.db");
    Books() {
        Ledger::create(path);
        Ledger l = open();
        l.add_project(Project{"P1", "县级融媒体中心建设项目", "某县融媒体中心", "2070199"}, kActor, ymd("2021-01-02"));
        l.add_contract(Contract{"P1", "C1", "某科技有限公司", Money::parse("100,000.00"), 500, 24, false}, kActor,
                       ymd("2021-01-03"));
        l.post(money(EntryKind::appropriation, "200,000.00", "2021-01-10"), kActor);
        l.post(money(EntryKind::arrival, "200,000.00", "2021-02-01"), kActor);
    }
    Ledger open() const { return Ledger::open(path, Ledger::Mode::read_write); }

    static Posting money(EntryKind kind, std::string_view amount, std::string_view date) {
        Posting p;
        p.kind = kind;
        p.project = "P1";
        p.level = Level::county;
        p.amount = Money::parse(amount);
        p.date = ymd(date);
        return p;
    }
    static Posting payment(std::string_view amount, std::string_view date, std::string ref) {
        Posting p = money(EntryKind::payment, amount, date);
        p.contract = "C1";
        p.ref = std::move(ref);
        return p;
    }

    // Runs a call that must be refused with `code`, and checks that the file (the database) did not change.
    void refused_without_trace(ErrorCode code, const std::function<void(Ledger&)>& attempt) const {
        const std::string before = ledger_bytes(path) + wal_bytes(path);
        {
            Ledger l = open();
            const Digest head = l.digest();
            CHECK_THROWS_MATCHES(attempt(l), Error, HasCode(code));
            CHECK(l.digest().head == head.head);
            CHECK(l.verify().ok);
        }
        CHECK(ledger_bytes(path) + wal_bytes(path) == before);
    }
};

Amendment contract_amendment(std::string_view date) {
    Amendment a;
    a.project = "P1";
    a.contract = "C1";
    a.effective_on = ymd(date);
    return a;
}

Money committed_on(const Ledger& l) {
    Money total;
    for (const auto& row : l.balances(std::string("P1"), BalanceBy::contract, ReadCut{ymd("9999-12-31"), {}}).rows) {
        total += row.executed + row.retention_outstanding;
    }
    return total;
}

}  // namespace

TEST_CASE("A correction reverses the entry and posts a replacement that keeps its voucher ref", "[corrections]") {
    Books books;
    Ledger l = books.open();
    const Entry original = l.post(Books::payment("10,000.00", "2021-03-01", "付2021-03"), kActor).entry;
    Correction changes;
    changes.amount = Money::parse("1,000.00");
    const CorrectionResult r = l.correct(original.id, changes, "金额录入错误", kActor);
    CHECK(r.reversal.reverses == original.id);
    CHECK(r.reversal.amount == -original.amount);
    CHECK(r.replacement.corrects == original.id);
    CHECK(r.replacement.ref == original.ref);
    CHECK(r.replacement.amount == Money::parse("1,000.00"));
    CHECK(r.replacement.effective_on == original.effective_on);
    CHECK(r.replacement.contract == original.contract);
    CHECK(r.replacement.id == EntryId{static_cast<std::int64_t>(r.reversal.id) + 1});
    CHECK(l.entry_by_ref("P1", "付2021-03")->id == r.replacement.id);
    CHECK(l.corrected_by(original.id) == r.replacement.id);
    CHECK(committed_on(l) == Money::parse("1,000.00"));
    CHECK(l.verify().ok);
}

TEST_CASE("A retry of the corrected content returns the replacement; of the first content it is refused",
          "[corrections]") {
    Books books;
    Ledger l = books.open();
    const Entry original = l.post(Books::payment("10,000.00", "2021-03-01", "R1"), kActor).entry;
    Correction changes;
    changes.amount = Money::parse("1,000.00");
    const Entry replacement = l.correct(original.id, changes, "金额录入错误", kActor).replacement;

    const PostResult retry = l.post(Books::payment("1,000.00", "2021-03-01", "R1"), kActor);
    CHECK_FALSE(retry.created);
    CHECK(retry.entry.id == replacement.id);

    const std::string message = "voucher R1 was corrected by entry #" +
                                std::to_string(static_cast<std::int64_t>(replacement.id));
    l = Ledger::open(books.path, Ledger::Mode::read_only);  // close the writer before byte comparisons
    books.refused_without_trace(ErrorCode::rejected, [](Ledger& w) {
        w.post(Books::payment("10,000.00", "2021-03-01", "R1"), kActor);
    });
    try {
        Ledger w = books.open();
        w.post(Books::payment("10,000.00", "2021-03-01", "R1"), kActor);
        FAIL("the first content's retry was accepted");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::Contains(message));
    }
}

TEST_CASE("A replacement can be corrected again; the voucher's live entry is the newest", "[corrections]") {
    Books books;
    Ledger l = books.open();
    const Entry original = l.post(Books::payment("10,000.00", "2021-03-01", "R1"), kActor).entry;
    Correction first;
    first.amount = Money::parse("1,000.00");
    const Entry second = l.correct(original.id, first, "金额错误", kActor).replacement;
    Correction again;
    again.date = ymd("2021-03-05");
    again.memo = "设备款";
    const Entry third = l.correct(second.id, again, "日期错误", kActor).replacement;
    CHECK(third.corrects == second.id);
    CHECK(third.amount == Money::parse("1,000.00"));
    CHECK(third.effective_on == ymd("2021-03-05"));
    CHECK(third.memo == "设备款");
    CHECK(l.entry_by_ref("P1", "R1")->id == third.id);
    CHECK(committed_on(l) == Money::parse("1,000.00"));
    CHECK(l.verify().ok);
}

TEST_CASE("Correcting a reversal, a registration, a reversed or an already corrected entry is refused",
          "[corrections]") {
    Books books;
    EntryId paid{};
    EntryId reversed{};
    EntryId reversal{};
    EntryId corrected{};
    EntryId correction_reversal{};
    {
        Ledger l = books.open();
        paid = l.post(Books::payment("100.00", "2021-03-01", "R1"), kActor).entry.id;
        reversed = l.post(Books::payment("200.00", "2021-03-02", "R2"), kActor).entry.id;
        reversal = l.reverse(reversed, "重复", kActor).entry.id;
        corrected = l.post(Books::payment("300.00", "2021-03-03", "R3"), kActor).entry.id;
        Correction c;
        c.amount = Money::parse("30.00");
        correction_reversal = l.correct(corrected, c, "金额", kActor).reversal.id;
    }
    Correction c;
    c.amount = Money::parse("1.00");
    for (const EntryId target : {reversal, EntryId{1}, EntryId{2}, reversed, corrected, correction_reversal}) {
        CAPTURE(static_cast<std::int64_t>(target));
        books.refused_without_trace(ErrorCode::rejected, [&](Ledger& l) { l.correct(target, c, "试", kActor); });
    }
    books.refused_without_trace(ErrorCode::not_found, [&](Ledger& l) { l.correct(EntryId{999}, c, "试", kActor); });
    books.refused_without_trace(ErrorCode::invalid_input,
                                [&](Ledger& l) { l.correct(paid, Correction{}, "nothing changes", kActor); });
}

TEST_CASE("A correction whose result breaks a rule writes nothing", "[corrections]") {
    Books books;
    EntryId paid{};
    {
        Ledger l = books.open();
        paid = l.post(Books::payment("10,000.00", "2021-03-01", "R1"), kActor).entry.id;
    }
    Correction beyond_contract;
    beyond_contract.amount = Money::parse("100,000.01");
    books.refused_without_trace(ErrorCode::rejected,
                                [&](Ledger& l) { l.correct(paid, beyond_contract, "试", kActor); });
    Correction unknown_contract;
    unknown_contract.contract = "C9";
    books.refused_without_trace(ErrorCode::not_found,
                                [&](Ledger& l) { l.correct(paid, unknown_contract, "试", kActor); });
}

TEST_CASE("The contract terms in force on a date overlay the amendments effective by then in date order",
          "[amendments]") {
    Books books;
    Ledger l = books.open();
    Amendment raise = contract_amendment("2021-06-01");
    raise.amount = Money::parse("150,000.00");
    const Entry raised = l.amend(raise, "补充协议一", kActor).entry;
    CHECK(raised.kind == EntryKind::amendment);
    CHECK_FALSE(raised.level.has_value());
    CHECK(raised.amount == Money{});
    Amendment earlier = contract_amendment("2021-04-01");  // posted later, effective earlier
    earlier.supplier = "某科技股份有限公司";
    earlier.retention_rate_bp = 300;
    l.amend(earlier, "补充协议二", kActor);

    const Contract before = l.contract_in_force("P1", "C1", ymd("2021-03-31"));
    CHECK(before.amount == Money::parse("100,000.00"));
    CHECK(before.supplier == "某科技有限公司");
    CHECK(before.retention_rate_bp == 500);
    const Contract april = l.contract_in_force("P1", "C1", ymd("2021-04-01"));
    CHECK(april.amount == Money::parse("100,000.00"));
    CHECK(april.supplier == "某科技股份有限公司");
    CHECK(april.retention_rate_bp == 300);
    const Contract june = l.contract_in_force("P1", "C1", ymd("2021-06-01"));
    CHECK(june.amount == Money::parse("150,000.00"));
    CHECK(june.retention_rate_bp == 300);
    CHECK(june.warranty_months == 24);
    CHECK(l.amendments("P1", std::string("C1")).size() == 2);
    CHECK(l.verify().ok);

    // Payments meet the amount in force on their own date.
    CHECK_THROWS_MATCHES(l.post(Books::payment("120,000.00", "2021-05-01", "R1"), kActor), Error,
                         HasCode(ErrorCode::rejected));
    CHECK(l.post(Books::payment("120,000.00", "2021-06-01", "R2"), kActor).created);
}

TEST_CASE("An amendment lowering the amount below what is paid and retained from its date is refused",
          "[amendments]") {
    Books books;
    {
        Ledger l = books.open();
        l.post(Books::payment("80,000.00", "2021-05-01", "R1"), kActor);
    }
    for (const char* date : {"2021-04-01", "2021-05-01", "2021-09-01"}) {
        CAPTURE(date);
        books.refused_without_trace(ErrorCode::rejected, [&](Ledger& l) {
            Amendment lower = contract_amendment(date);
            lower.amount = Money::parse("79,999.99");
            l.amend(lower, "补充协议", kActor);
        });
    }
    Ledger l = books.open();
    Amendment lower = contract_amendment("2021-09-01");
    lower.amount = Money::parse("80,000.00");
    CHECK(l.amend(lower, "补充协议", kActor).created);
    // Nothing more can be paid on it now.
    CHECK_THROWS_MATCHES(l.post(Books::payment("0.01", "2021-10-01", "R2"), kActor), Error,
                         HasCode(ErrorCode::rejected));
}

TEST_CASE("A retention's default amount and warranty months follow the terms in force on its date",
          "[amendments]") {
    Books books;
    Ledger l = books.open();
    Amendment terms = contract_amendment("2021-07-01");
    terms.retention_rate_bp = 300;
    terms.warranty_months = 12;
    terms.amount = Money::parse("120,000.00");
    l.amend(terms, "补充协议", kActor);

    Posting before;
    before.kind = EntryKind::retention;
    before.project = "P1";
    before.level = Level::county;
    before.contract = "C1";
    before.date = ymd("2021-06-30");
    before.accepted = ymd("2021-06-20");
    const Entry old_terms = l.post(before, kActor).entry;
    CHECK(old_terms.amount == Money::parse("5,000.00"));  // 5 % of 100,000.00
    CHECK(old_terms.warranty_months == 24);
    l.reverse(old_terms.id, "按补充协议重算", kActor);

    Posting after = before;
    after.date = ymd("2021-07-01");
    const Entry new_terms = l.post(after, kActor).entry;
    CHECK(new_terms.amount == Money::parse("3,600.00"));  // 3 % of 120,000.00
    CHECK(new_terms.warranty_months == 12);
    CHECK(new_terms.due_on == ymd("2022-06-20"));
}

TEST_CASE("A project amendment renames the project on the forms from its date", "[amendments]") {
    Books books;
    Ledger l = books.open();
    Amendment rename;
    rename.project = "P1";
    rename.effective_on = ymd("2021-07-01");
    rename.name = "县级融媒体中心建设项目（二期）";
    l.amend(rename, "批复更名", kActor);
    CHECK(l.execution_report("P1", 2021, ReadCut{ymd("2021-06-30"), {}}).project_name == "县级融媒体中心建设项目");
    CHECK(l.execution_report("P1", 2021, ReadCut{ymd("2021-12-31"), {}}).project_name ==
          "县级融媒体中心建设项目（二期）");
    CHECK(l.project("P1").name == "县级融媒体中心建设项目");  // the registration itself never changes
    CHECK(l.verify().ok);
}

TEST_CASE("An amendment that sets nothing, mixes project and contract terms or names nothing known is refused",
          "[amendments]") {
    Books books;
    books.refused_without_trace(ErrorCode::invalid_input,
                                [](Ledger& l) { l.amend(contract_amendment("2021-05-01"), "空", kActor); });
    books.refused_without_trace(ErrorCode::invalid_input, [](Ledger& l) {
        Amendment a = contract_amendment("2021-05-01");
        a.name = "新名";
        l.amend(a, "混", kActor);
    });
    books.refused_without_trace(ErrorCode::invalid_input, [](Ledger& l) {
        Amendment a = contract_amendment("2021-05-01");
        a.contract.reset();
        a.amount = Money::parse("1.00");
        l.amend(a, "混", kActor);
    });
    books.refused_without_trace(ErrorCode::not_found, [](Ledger& l) {
        Amendment a = contract_amendment("2021-05-01");
        a.contract = "C9";
        a.amount = Money::parse("1.00");
        l.amend(a, "无", kActor);
    });
}

TEST_CASE("Reopening a closed year unlocks it and every later year; closing it again locks it", "[reopen]") {
    Books books;
    {
        Ledger l = books.open();
        l.close_year("P1", 2022, kActor);
        CHECK(l.closed_through("P1") == 2022);
        CHECK_THROWS_MATCHES(l.post(Books::money(EntryKind::payment, "1.00", "2021-12-01"), kActor), Error,
                             HasCode(ErrorCode::rejected));
    }
    Ledger l = books.open();
    const Entry reopen = l.reopen_year("P1", 2021, "审计调整", kActor).entry;
    CHECK(reopen.kind == EntryKind::reopen);
    CHECK(reopen.effective_on == ymd("2021-12-31"));
    CHECK(reopen.memo == "审计调整");
    CHECK_FALSE(reopen.level.has_value());
    CHECK(l.closed_through("P1") == 2020);
    CHECK(l.post(Books::money(EntryKind::payment, "1.00", "2021-12-01"), kActor).created);
    Posting carried = Books::money(EntryKind::payment, "1.00", "2022-12-01");
    carried.level = Level::carryover;  // 2021's money, carried into 2022
    CHECK(l.post(carried, kActor).created);
    l.close_year("P1", 2021, kActor);
    CHECK(l.closed_through("P1") == 2021);
    CHECK_THROWS_MATCHES(l.post(Books::money(EntryKind::payment, "1.00", "2021-12-02"), kActor), Error,
                         HasCode(ErrorCode::rejected));
    carried.date = ymd("2022-12-02");
    CHECK(l.post(carried, kActor).created);
    CHECK(l.verify().ok);

    // check() names the reopened year, who and why, as a warning.
    const CheckReport report = l.check(ReadCut{ymd("2026-01-01"), {}});
    bool named = false;
    for (const auto& c : report.checks) {
        for (const auto& line : c.details) {
            if (line.english().find("year 2021 was reopened by 会计张三") != std::string::npos &&
                line.english().find("审计调整") != std::string::npos) {
                named = true;
                CHECK(c.verdict == Verdict::warn);
            }
        }
    }
    CHECK(named);
    CHECK_FALSE(report.integrity_failed);
}

TEST_CASE("Reopening a year that is not closed is refused and leaves no trace", "[reopen]") {
    Books books;
    books.refused_without_trace(ErrorCode::rejected, [](Ledger& l) { l.reopen_year("P1", 2021, "试", kActor); });
    {
        Ledger l = books.open();
        l.close_year("P1", 2021, kActor);
    }
    books.refused_without_trace(ErrorCode::rejected, [](Ledger& l) { l.reopen_year("P1", 2022, "试", kActor); });
    books.refused_without_trace(ErrorCode::invalid_input, [](Ledger& l) { l.reopen_year("P1", 2021, " ", kActor); });
    books.refused_without_trace(ErrorCode::not_found, [](Ledger& l) { l.reopen_year("P9", 2021, "试", kActor); });
}
