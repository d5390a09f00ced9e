// Tests of ledger/import.hpp: importing twice is safe. A file whose bytes were imported before is
// refused unless ImportOptions::again; a row without a voucher ref that repeats an entry (on file or
// posted by an earlier row) is refused with its line and the entry unless allow_duplicates; derived
// levels and amounts are compared as the ledger derives them; every refusal, dry run or failed import
// writes nothing and leaves no record of the load.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>

#include "error_matchers.hpp"
#include "temp_dir.hpp"
#include "ledger/import.hpp"
#include "ledger/ledger.hpp"

namespace {

using namespace ledger;
namespace fs = std::filesystem;
using ledger_test::HasCode;

const Actor kActor{"会计张三", "tester"};

using ledger_test::TempDir;

std::string write(const std::string& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    return path;
}


std::int64_t n(EntryId id) { return static_cast<std::int64_t>(id); }

// A ledger with project P1 (county budget and arrival of 100,000.00) and contract C1 (10,000.00 at 5 %):
// entries #1–#4.
struct Books {
    TempDir dir;
    std::string path = dir.ledger("books.db");
    Books() {
        Ledger::create(path);
        Ledger l = open();
        l.add_project(Project{"P1", "测试项目", "", ""}, kActor, parse_date("2021-01-02"));
        Posting p;
        p.kind = EntryKind::appropriation;
        p.project = "P1";
        p.level = Level::county;
        p.amount = Money::parse("100000");
        p.date = parse_date("2021-01-05");
        l.post(p, kActor);
        p.kind = EntryKind::arrival;
        p.date = parse_date("2021-01-10");
        l.post(p, kActor);
        l.add_contract(Contract{"P1", "C1", "某公司", Money::parse("10000"), 500, 12, false}, kActor,
                       parse_date("2021-01-15"));
    }
    Ledger open() const { return Ledger::open(path, Ledger::Mode::read_write); }
    // The file and its write-ahead log; on PostgreSQL the database's rows.
    std::string bytes() const { return ledger_test::ledger_bytes(path) + "|" + ledger_test::wal_bytes(path); }
};

constexpr std::string_view kFile =
    "kind,date,project,level,amount,contract,ref,memo,accepted\n"
    "payment,2021-02-01,P1,county,100,,,办公用品,\n"
    "payment,2021-02-02,P1,county,200,,付-1,有凭证号,\n"
    "retention,2021-03-01,P1,county,,C1,,质保金,2021-02-20\n";

}  // namespace

TEST_CASE("A file imported before is refused unless again, and each load is recorded", "[import]") {
    Books books;
    const std::string file = write(books.dir.file("a.csv"), kFile);
    {
        Ledger l = books.open();
        const ImportResult first = import_csv(l, file, kActor, {});
        REQUIRE_FALSE(first.refused());
        CHECK(first.added == 3);
        REQUIRE(first.record);
        CHECK(first.record->sha256 == first.sha256);
        CHECK(first.sha256.size() == 64);
        CHECK(first.record->user == kActor.user);
        CHECK(first.record->os_user == kActor.os_user);
        CHECK(first.record->file_name == file);
        CHECK(first.record->recorded_at.size() == 27);
        REQUIRE(first.record->first_entry);
        CHECK(n(*first.record->first_entry) == 5);
        CHECK(n(*first.record->last_entry) == 7);
        CHECK(first.record->rows == 3);
        CHECK(first.record->added == 3);
        CHECK(first.record->present == 0);
        CHECK(l.imports_of(first.sha256).size() == 1);
    }
    const std::string before = books.bytes();
    // The same bytes under another name: the file is its bytes.
    const std::string copy = write(books.dir.file("copy.csv"), kFile);
    for (const bool dry_run : {false, true}) {
        CAPTURE(dry_run);
        Ledger l = books.open();
        ImportOptions options;
        options.dry_run = dry_run;
        const ImportResult again = import_csv(l, copy, kActor, options);
        CHECK(again.refused());
        CHECK(again.already_imported);
        REQUIRE(again.earlier_imports.size() == 1);
        CHECK(again.earlier_imports[0].file_name == file);
        CHECK(again.added == 0);
        CHECK_FALSE(again.record);
        CHECK(l.digest().entries == 7);
    }
    CHECK(books.bytes() == before);
    // With again the rows come back; the ones without a ref are duplicates (below), so allow them here.
    Ledger l = books.open();
    ImportOptions options;
    options.again = true;
    options.allow_duplicates = true;
    const ImportResult third = import_csv(l, file, kActor, options);
    REQUIRE_FALSE(third.refused());
    CHECK(third.added == 2);
    CHECK(third.present == 1);
    REQUIRE(third.record);
    CHECK(n(*third.record->first_entry) == 8);
    CHECK(n(*third.record->last_entry) == 9);
    CHECK(l.imports_of(third.sha256).size() == 2);
}

TEST_CASE("Rows without a ref that repeat an entry are refused with their lines and nothing is written",
          "[import]") {
    Books books;
    const std::string file = write(books.dir.file("a.csv"), kFile);
    {
        Ledger l = books.open();
        REQUIRE_FALSE(import_csv(l, file, kActor, {}).refused());
    }
    const std::string before = books.bytes();
    for (const bool dry_run : {false, true}) {
        CAPTURE(dry_run);
        Ledger l = books.open();
        ImportOptions options;
        options.again = true;
        options.dry_run = dry_run;
        const ImportResult r = import_csv(l, file, kActor, options);
        CHECK(r.refused());
        CHECK_FALSE(r.already_imported);
        CHECK(r.problems.empty());
        REQUIRE(r.duplicates.size() == 2);
        CHECK(r.duplicate_rows == 2);
        CHECK(r.duplicates[0].line == 2);
        CHECK(n(r.duplicates[0].entry.id) == 5);
        CHECK(r.duplicates[0].earlier_line == 0);
        CHECK_FALSE(r.duplicates[0].reversed_by);
        // The retention row has no amount: it repeats #7, whose 500.00 the ledger derived from the rate.
        CHECK(r.duplicates[1].line == 4);
        CHECK(n(r.duplicates[1].entry.id) == 7);
        CHECK(r.duplicates[1].entry.amount == Money::parse("500"));
        CHECK(r.present == 1);  // the row with a ref: a no-op, as before
        CHECK_FALSE(r.record);
    }
    CHECK(books.bytes() == before);
}

TEST_CASE("A row that repeats an earlier row of the file names that line", "[import]") {
    Books books;
    const std::string file = write(books.dir.file("b.csv"),
                                   "kind,date,project,level,amount,ref,memo\n"
                                   "payment,2021-04-01,P1,county,300,,差旅费\n"
                                   "payment,2021-04-01,P1,county,300,付-2,差旅费\n"
                                   "payment,2021-04-01,P1, county ,300.00,,差旅费 \n"
                                   "payment,2021-04-01,P1,county,300,,另一笔\n");
    const std::string before = books.bytes();
    {
        Ledger l = books.open();
        const ImportResult r = import_csv(l, file, kActor, {});
        REQUIRE(r.duplicates.size() == 1);
        CHECK(r.duplicates[0].line == 4);
        CHECK(r.duplicates[0].earlier_line == 2);
        CHECK(r.duplicates[0].entry.kind == EntryKind::payment);
        CHECK(r.duplicates[0].entry.amount == Money::parse("300"));
        CHECK(l.imports_of(r.sha256).empty());
    }
    CHECK(books.bytes() == before);
    // Refused, the file left no record: allowed, it imports without `again`.
    Ledger l = books.open();
    ImportOptions options;
    options.allow_duplicates = true;
    const ImportResult r = import_csv(l, file, kActor, options);
    REQUIRE_FALSE(r.refused());
    CHECK(r.added == 4);
}

TEST_CASE("A reversed entry still counts as repeated, and says by which entry", "[import]") {
    Books books;
    {
        Ledger l = books.open();
        Posting p;
        p.kind = EntryKind::payment;
        p.project = "P1";
        p.level = Level::county;
        p.amount = Money::parse("400");
        p.date = parse_date("2021-05-01");
        p.memo = "设备款";
        REQUIRE(n(l.post(p, kActor).entry.id) == 5);
        REQUIRE(n(l.reverse(EntryId{5}, "录错", kActor).entry.id) == 6);
        // The reversal itself (a negative payment effect) is never a match.
        CHECK(l.entries_repeated_by(p, kActor) == std::vector<EntryId>{EntryId{5}});
    }
    const std::string file =
        write(books.dir.file("c.csv"),
              "kind,date,project,level,amount,memo\n"
              "payment,2021-05-01,P1,county,400,设备款\n");
    Ledger l = books.open();
    const ImportResult r = import_csv(l, file, kActor, {});
    REQUIRE(r.duplicates.size() == 1);
    CHECK(n(r.duplicates[0].entry.id) == 5);
    REQUIRE(r.duplicates[0].reversed_by);
    CHECK(n(*r.duplicates[0].reversed_by) == 6);
}

TEST_CASE("entries_repeated_by compares what the ledger would post", "[import]") {
    Books books;
    Ledger l = books.open();
    Posting retention;
    retention.kind = EntryKind::retention;
    retention.project = "P1";
    retention.level = Level::county;
    retention.contract = "C1";
    retention.date = parse_date("2021-03-01");
    retention.accepted = parse_date("2021-02-20");
    retention.memo = "质保金";
    CHECK(l.entries_repeated_by(retention, kActor).empty());
    REQUIRE(n(l.post(retention, kActor).entry.id) == 5);  // 5 % of 10,000.00: 500.00
    CHECK(l.entries_repeated_by(retention, kActor) == std::vector<EntryId>{EntryId{5}});
    Posting stated = retention;
    stated.amount = Money::parse("500");
    CHECK(l.entries_repeated_by(stated, kActor) == std::vector<EntryId>{EntryId{5}});
    stated.amount = Money::parse("400");
    CHECK(l.entries_repeated_by(stated, kActor).empty());
    Posting other_memo = retention;
    other_memo.memo = "质保金二";
    CHECK(l.entries_repeated_by(other_memo, kActor).empty());
    // A ref on the posting is ignored: the question is about content.
    Posting with_ref = retention;
    with_ref.ref = "R-1";
    CHECK(l.entries_repeated_by(with_ref, kActor) == std::vector<EntryId>{EntryId{5}});

    // A release without level or amount takes what is outstanding: 500.00 at county.
    Posting release;
    release.kind = EntryKind::release;
    release.project = "P1";
    release.contract = "C1";
    release.date = parse_date("2021-12-01");
    REQUIRE(n(l.post(release, kActor).entry.id) == 6);
    // Nothing is outstanding now, so the ledger cannot derive it again: what it states is compared.
    CHECK(l.entries_repeated_by(release, kActor) == std::vector<EntryId>{EntryId{6}});
    Posting later = release;
    later.date = parse_date("2021-12-02");
    CHECK(l.entries_repeated_by(later, kActor).empty());
    CHECK(l.digest().entries == 6);  // asking wrote nothing
}

TEST_CASE("An import that does not commit leaves no record of the load", "[import]") {
    Books books;
    // The second payment overdraws the county's free balance: a rule refusal at line 3.
    const std::string file = write(books.dir.file("d.csv"),
                                   "kind,date,project,level,amount,ref\n"
                                   "payment,2021-02-01,P1,county,100,付-1\n"
                                   "payment,2021-02-02,P1,county,200000,付-2\n");
    const std::string before = books.bytes();
    {
        Ledger l = books.open();
        CHECK_THROWS_MATCHES(import_csv(l, file, kActor, {}), Error, HasCode(ErrorCode::rejected));
        ImportOptions dry;
        dry.dry_run = true;
        CHECK_THROWS_MATCHES(import_csv(l, file, kActor, dry), Error, HasCode(ErrorCode::rejected));
    }
    CHECK(books.bytes() == before);
    const std::string good = write(books.dir.file("e.csv"),
                                   "kind,date,project,level,amount,ref\n"
                                   "payment,2021-02-01,P1,county,100,付-1\n");
    Ledger l = books.open();
    ImportOptions dry;
    dry.dry_run = true;
    const ImportResult r = import_csv(l, good, kActor, dry);
    CHECK_FALSE(r.refused());
    CHECK(r.added == 1);
    CHECK_FALSE(r.record);
    CHECK(l.imports_of(r.sha256).empty());
    CHECK(l.digest().entries == 4);
}

TEST_CASE("Duplicates found before a rule refusal are reported, with the row where checking stopped",
          "[import]") {
    Books books;
    // Line 3 repeats line 2 (a payment of 60,000.00) and is left out; line 4 then overdraws the county's
    // 100,000.00 (60,000.00 + 50,000.00): checking stops there, the duplicate is what is reported.
    const std::string file = write(books.dir.file("f.csv"),
                                   "kind,date,project,level,amount,ref\n"
                                   "payment,2021-02-01,P1,county,60000,\n"
                                   "payment,2021-02-01,P1,county,60000,\n"
                                   "payment,2021-02-03,P1,county,50000,付-3\n"
                                   "payment,2021-02-04,P1,county,1,付-4\n");
    const std::string before = books.bytes();
    {
        Ledger l = books.open();
        const ImportResult r = import_csv(l, file, kActor, {});
        REQUIRE(r.duplicates.size() == 1);
        CHECK(r.duplicates[0].line == 3);
        REQUIRE(r.stopped);
        CHECK(r.stopped->line == 4);
        CHECK_FALSE(r.record);
    }
    CHECK(books.bytes() == before);
}

TEST_CASE("record_import refuses a record its table would not hold", "[import]") {
    Books books;
    Ledger l = books.open();
    ImportRecord bad;
    bad.sha256 = std::string(64, 'A');  // upper case
    bad.user = "u";
    CHECK_THROWS_MATCHES(l.record_import(bad), Error, HasCode(ErrorCode::invalid_input));
    bad.sha256 = std::string(64, 'a');
    bad.rows = 2;
    bad.added = 1;
    CHECK_THROWS_MATCHES(l.record_import(bad), Error, HasCode(ErrorCode::invalid_input));  // 1 + 0 != 2
    bad.present = 1;
    CHECK_THROWS_MATCHES(l.record_import(bad), Error, HasCode(ErrorCode::invalid_input));  // added 1, no range
    bad.first_entry = EntryId{1};
    bad.last_entry = EntryId{1};
    CHECK_THROWS_MATCHES(l.record_import(bad), Error, HasCode(ErrorCode::invalid_input));  // #1 is not the newest
    bad.first_entry = EntryId{4};
    bad.last_entry = EntryId{4};
    const ImportRecord ok = l.record_import(bad);
    CHECK(ok.id == 1);
    CHECK(l.imports_of(std::string(64, 'a')).size() == 1);
}
