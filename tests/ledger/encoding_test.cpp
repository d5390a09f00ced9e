// Tests of ledger/encoding.hpp: a CSV saved as GBK/GB18030 (Excel, WPS) is refused with a clear line, or
// converted with --encoding gb18030 (issue 12.2), on real files through import_csv and the stream.
#include <catch2/catch.hpp>

#include <iconv.h>

#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "error_matchers.hpp"
#include "ledger/csv.hpp"
#include "ledger/encoding.hpp"
#include "ledger/evaluation.hpp"
#include "ledger/import.hpp"
#include "ledger/ledger.hpp"
#include "temp_dir.hpp"

namespace {

using namespace ledger;
using ledger_test::HasCode;
using ledger_test::TempDir;

const Actor kActor{"会计张三", "tester"};

// UTF-8 text as GB18030 bytes, as Excel on a Chinese Windows saves it (glibc iconv, the other direction).
std::string gb18030(std::string_view utf8) {
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    REQUIRE(cd != reinterpret_cast<iconv_t>(-1));
    std::string in(utf8);
    std::string out(in.size() * 2 + 16, '\0');
    char* from = in.data();
    std::size_t left = in.size();
    char* to = out.data();
    std::size_t room = out.size();
    REQUIRE(iconv(cd, &from, &left, &to, &room) != static_cast<std::size_t>(-1));
    iconv_close(cd);
    out.resize(out.size() - room);
    return out;
}

std::string write(const std::string& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
    return path;
}

const std::string kHeader = "类型,日期,项目,资金来源,金额,摘要\n";

// A ledger with project P1 and 1,000,000.00 元 of county budget arrived.
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
        p.amount = Money::parse("1000000");
        p.date = parse_date("2021-01-05");
        l.post(p, kActor);
        p.kind = EntryKind::arrival;
        p.date = parse_date("2021-01-10");
        l.post(p, kActor);
    }
    Ledger open() const { return Ledger::open(path, Ledger::Mode::read_write); }
};

std::string payments(int rows) {
    std::string text = kHeader;
    for (int i = 0; i < rows; ++i) {
        text += "支付,2021-02-01,P1,县级,1,进度款第" + std::to_string(i) + "笔\n";
    }
    return text;
}

}  // namespace

TEST_CASE("GB18030 bytes are known GBK and convert back to the UTF-8 text", "[encoding]") {
    // 项目 in GBK is CF EE C4 BF (and the same in GB18030).
    CHECK(gb18030("项目") == "\xCF\xEE\xC4\xBF");
    CHECK(gb18030_to_utf8("\xCF\xEE\xC4\xBF") == "项目");
    const std::string text = payments(3) + "𠀀,￥,１２３\n";  // a 4-byte GB18030 character too
    CHECK(gb18030_to_utf8(gb18030(text)) == text);
    CHECK(to_utf8(gb18030(text), Encoding::gb18030) == text);
    CHECK(to_utf8(text, Encoding::utf8) == text);
}

TEST_CASE("check_utf8 finds the first line that is not UTF-8 and says whether it looks like GBK", "[encoding]") {
    CHECK_FALSE(check_utf8(payments(5)));
    CHECK_FALSE(check_utf8("\xEF\xBB\xBF" + payments(1)));  // a BOM is UTF-8
    SECTION("a GBK file") {
        const auto problem = check_utf8(gb18030(payments(5)));
        REQUIRE(problem);
        CHECK(problem->line == 1);
        CHECK(problem->looks_gb18030);
        CHECK_THAT(problem->message.english(), Catch::Contains("GBK/GB18030") && Catch::Contains("--encoding gb18030"));
    }
    SECTION("only the header is GBK (the mojibake of a header typed in Excel)") {
        const std::string bytes = gb18030(kHeader) + "payment,2021-02-01,P1,county,1,x\n";
        const auto problem = check_utf8(bytes);
        REQUIRE(problem);
        CHECK(problem->line == 1);
        CHECK(problem->looks_gb18030);
    }
    SECTION("one bad byte deep in a UTF-8 file: not called GBK, as the Chinese before it is UTF-8") {
        std::string bytes = payments(6000);
        const auto at = bytes.find("第4998笔");  // on line 5000 (the header is line 1)
        REQUIRE(at != std::string::npos);
        bytes.insert(at, "\xFF");
        const auto problem = check_utf8(bytes);
        REQUIRE(problem);
        CHECK(problem->line == 5000);
        CHECK_FALSE(problem->looks_gb18030);
        CHECK_THAT(problem->message.english(), Catch::Contains("mixes encodings") && !Catch::Contains("--encoding"));
    }
    SECTION("bytes that are neither UTF-8 nor GB18030") {
        const auto problem = check_utf8("kind,date\npayment,\xFF\xFF\n");
        REQUIRE(problem);
        CHECK(problem->line == 2);
        CHECK_FALSE(problem->looks_gb18030);
        CHECK_THAT(problem->message.english(), Catch::Contains("nor GBK/GB18030"));
    }
    SECTION("a cut sequence at the very end") {
        const auto problem = check_utf8("a\nb\n\xE9\xA1");
        REQUIRE(problem);
        CHECK(problem->line == 3);
    }
}

TEST_CASE("gb18030_to_utf8 names the line of a byte sequence that is no character", "[encoding]") {
    std::string bytes = gb18030(payments(10));
    bytes += "\x81\x20\n";  // a lead byte with no trail: line 12
    CHECK_THROWS_MATCHES(gb18030_to_utf8(bytes), Error, HasCode(ErrorCode::invalid_input));
    CHECK_THROWS_WITH(gb18030_to_utf8(bytes), Catch::StartsWith("line 12:") && Catch::Contains("not GB18030"));
}

TEST_CASE("parse_encoding takes the names Excel users know", "[encoding]") {
    CHECK(parse_encoding("utf-8") == Encoding::utf8);
    CHECK(parse_encoding("UTF8") == Encoding::utf8);
    CHECK(parse_encoding("gb18030") == Encoding::gb18030);
    CHECK(parse_encoding("GBK") == Encoding::gb18030);
    CHECK(parse_encoding("gb2312") == Encoding::gb18030);
    CHECK_THROWS_MATCHES(parse_encoding("latin1"), Error, HasCode(ErrorCode::invalid_input));
}

TEST_CASE("DecodedFile converts across its blocks and throws CsvError at the bad line", "[encoding]") {
    TempDir dir;
    // Enough rows that 2- and 4-byte characters straddle the 64 KiB blocks somewhere.
    const std::string text = payments(20000) + "𠀀𠀀𠀀,末行\n";
    const std::string file = write(dir.file("gbk.csv"), gb18030(text));
    {
        DecodedFile in(file, Encoding::gb18030);
        REQUIRE(in);
        const std::string read{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        CHECK(read == text);
    }
    {
        DecodedFile in(write(dir.file("utf8.csv"), text), Encoding::utf8);
        CsvReader reader(in);
        int records = 0;
        while (reader.next()) {
            ++records;
        }
        CHECK(records == 20002);
    }
    {
        DecodedFile in(file, Encoding::utf8);
        CsvReader reader(in);
        try {
            while (reader.next()) {
            }
            FAIL("a GBK file was read as UTF-8");
        } catch (const CsvError& e) {
            CHECK(e.line() == 1);
            CHECK(e.column() == 1);  // the reader places it in the field it was reading
            CHECK_THAT(e.reason().english(), Catch::Contains("--encoding gb18030"));
        }
    }
    CHECK_FALSE(DecodedFile(dir.file("missing.csv"), Encoding::utf8));
}

TEST_CASE("import_csv refuses a GBK file with one problem, and imports it with encoding gb18030", "[encoding][import]") {
    Books books;
    const std::string text = payments(3);
    const std::string file = write(books.dir.file("excel.csv"), gb18030(text));
    Ledger l = books.open();
    const ImportResult refused = import_csv(l, file, kActor, {});
    REQUIRE(refused.problems.size() == 1);
    CHECK(refused.problems[0].line == 1);
    CHECK(refused.problems[0].column == 1);
    CHECK_THAT(refused.problems[0].message.english(),
               Catch::Contains("looks like GBK/GB18030 (saved by Excel or WPS)") && Catch::Contains("--encoding gb18030"));
    CHECK(refused.added == 0);
    CHECK(l.digest().entries == 3);

    ImportOptions options;
    options.encoding = "gb18030";
    const ImportResult done = import_csv(l, file, kActor, options);
    REQUIRE_FALSE(done.refused());
    CHECK(done.added == 3);
    const Entry last = l.entry(EntryId{6});
    CHECK(last.kind == EntryKind::payment);
    CHECK(last.memo == "进度款第2笔");
    CHECK(last.level == Level::county);

    // The same file declared UTF-8 again: still refused as GBK, nothing written.
    options.encoding = "utf-8";
    CHECK(import_csv(l, file, kActor, options).problems.size() == 1);
    CHECK(l.digest().entries == 6);
}

TEST_CASE("import_csv names line 5000 for one bad byte there, in either encoding", "[encoding][import]") {
    Books books;
    std::string text = payments(6000);
    const auto at = text.find("第4998笔");  // line 5000
    SECTION("UTF-8") {
        std::string bytes = text;
        bytes.insert(at, "\xFF");
        Ledger l = books.open();
        const ImportResult result = import_csv(l, write(books.dir.file("bad.csv"), bytes), kActor, {});
        REQUIRE(result.problems.size() == 1);
        CHECK(result.problems[0].line == 5000);
        CHECK(result.problems[0].column == 6);  // the memo
        CHECK(l.digest().entries == 3);
    }
    SECTION("GB18030") {
        std::string bytes = gb18030(text.substr(0, at)) + "\x81\x20" + gb18030(text.substr(at));
        Ledger l = books.open();
        ImportOptions options;
        options.encoding = "gbk";
        const ImportResult result = import_csv(l, write(books.dir.file("bad.csv"), bytes), kActor, options);
        REQUIRE(result.problems.size() == 1);
        CHECK(result.problems[0].line == 5000);
        CHECK(result.problems[0].column == 6);
        CHECK_THAT(result.problems[0].message.english(), Catch::Contains("not GB18030"));
        CHECK(l.digest().entries == 3);
    }
}

TEST_CASE("An indicator sheet saved as GBK is refused with one line, and reads once converted", "[encoding][evaluation]") {
    const std::string sheet = "一级指标,二级指标,三级指标,分值,指标性质,目标值,业绩值,偏差原因\n"
                              "产出指标,数量指标,采购设备数量,10,≥,1,1,\n";
    std::vector<IndicatorProblem> problems;
    parse_indicators(gb18030(sheet), problems);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].line == 1);
    CHECK_THAT(problems[0].message.english(), Catch::Contains("--encoding gb18030"));
    problems.clear();
    parse_indicators(to_utf8(gb18030(sheet), Encoding::gb18030), problems);
    for (const auto& p : problems) {
        CHECK_THAT(p.message.english(), !Catch::Contains("UTF-8"));
    }
}

TEST_CASE("Rows before a bad byte are checked as usual, and a file mixing encodings is not called GBK",
          "[encoding][import]") {
    Books books;
    // Line 2 is bad on its own (a negative payment); line 4 carries 支付 in GBK after UTF-8 Chinese on line 3.
    const std::string bytes = kHeader + "支付,2021-02-01,P1,县级,-1,负数\n" + "支付,2021-02-01,P1,县级,1,正常\n" +
                              "支付,2021-02-01,P1,县级,1," + gb18030("支付") + "\n";
    Ledger l = books.open();
    const ImportResult result = import_csv(l, write(books.dir.file("mixed.csv"), bytes), kActor, {});
    REQUIRE(result.problems.size() == 2);
    CHECK(result.problems[0].line == 2);
    CHECK(result.problems[0].column == 5);
    CHECK(result.problems[1].line == 4);
    CHECK(result.problems[1].column == 6);
    CHECK_THAT(result.problems[1].message.english(), Catch::Contains("mixes encodings") && !Catch::Contains("--encoding"));
    const auto whole = check_utf8(bytes);
    REQUIRE(whole);
    CHECK(whole->line == 4);
    CHECK_FALSE(whole->looks_gb18030);
}
