// The self-evaluation rules of domain.md §8, on sheets written here and execution figures set by hand
// (the ledger's part is tested in ledger_test.cpp and, end to end, by the evaluate-seed contract check).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "ledger/evaluation.hpp"

namespace {

using ledger::Money;

const char* const kHeader = "一级指标,二级指标,三级指标,权重,方向,目标值,业绩值,偏差原因分析及改进措施\n";

// The seed's sheet, as cli.md gives it.
const std::string kSeedSheet = std::string(kHeader) +
    "预算执行指标,预算执行指标,预算执行率,10,预算执行,100%,,预留的质保金，待质保期满后支付\n"
    "产出指标,数量指标,县级融媒体建设项目,12.5,≥,1,1项,\n"
    "产出指标,质量指标,采购质量达标率,12.5,≥,100,100%,\n"
    "产出指标,时效指标,项目完工及时性,12.5,定性,及时,90%,加强各项工作，确保项目及时完工\n"
    "产出指标,成本指标,项目成本,12.5,≤,125.95万元,119.6525万元,预留的质保金，待质保期满后支付\n"
    "效益指标,社会效益,初步建成县域内主流媒体舆论阵地、综合服务平台和社会信息枢纽,15,定性,显著,95%,加强各项工作，确保项目及时完工，产生更多效益\n"
    "效益指标,可持续影响指标,可持续影响,15,定性,可持续,95%,加强各项工作，确保项目及时完工，产生更多效益\n"
    "满意度指标,服务对象满意度指标,更好地服务群众生产生活,5,≥,95,95%,\n"
    "满意度指标,服务对象满意度指标,更好地服务党委政府中心工作,5,≥,95,95%,\n";

ledger::ExecutionReport execution(std::int64_t initial_fen, std::int64_t full_year_fen, std::int64_t arrived_fen,
                                  std::int64_t executed_fen) {
    ledger::ExecutionReport r;
    r.project = "P";
    r.project_name = "测试项目";
    r.year = 2020;
    r.total.initial_budget = Money::from_fen(initial_fen);
    r.total.full_year_budget = Money::from_fen(full_year_fen);
    r.total.arrived = Money::from_fen(arrived_fen);
    r.total.executed = Money::from_fen(executed_fen);
    return r;
}

const ledger::ExecutionReport kSeed = execution(125950000, 125950000, 125950000, 119652500);

struct Scored {
    ledger::Evaluation evaluation;
    std::vector<ledger::IndicatorProblem> problems;
};

Scored score(const std::string& sheet_text, const ledger::Profile& profile = {},
             const ledger::ExecutionReport& report = kSeed) {
    Scored s;
    const auto sheet = ledger::parse_indicators(sheet_text, s.problems);
    if (s.problems.empty()) {
        s.evaluation = ledger::evaluate(sheet, profile, report, s.problems);
    }
    return s;
}

std::vector<std::int64_t> scores(const ledger::Evaluation& e) {
    std::vector<std::int64_t> out;
    for (const auto& l : e.lines) {
        out.push_back(l.score);
    }
    return out;
}

// A one-line sheet with weight 100 on a positive line, scoring actual/100 of 100 points.
std::string single_positive(const std::string& actual) {
    return std::string(kHeader) + "产出指标,数量指标,完成数,100,≥,100," + actual + ",未完全完成\n";
}

}  // namespace

TEST_CASE("The seed's sheet scores 96.75, 优, line by line as the seed", "[evaluation]") {
    const auto s = score(kSeedSheet);
    REQUIRE(s.problems.empty());
    CHECK(scores(s.evaluation) == std::vector<std::int64_t>{950, 1250, 1250, 1125, 1250, 1425, 1425, 500, 500});
    std::vector<std::int64_t> completion;
    for (const auto& l : s.evaluation.lines) {
        completion.push_back(l.completion.value_or(-1));
    }
    CHECK(completion == std::vector<std::int64_t>{9500, 10000, 10000, 9000, 9500, 9500, 9500, 10000, 10000});
    CHECK(s.evaluation.total == 9675);
    CHECK(s.evaluation.grade == "优");
    CHECK(s.evaluation.lines[0].actual == "95.00%");  // from the ledger, exactly 95 %, not 94.998 %
}

TEST_CASE("Grades change exactly at their inclusive lower bounds", "[evaluation]") {
    using Row = std::tuple<std::string, std::string, std::string>;
    const auto [actual, national, regional] = GENERATE(Row{"90", "优", "优"}, Row{"89.99", "良", "优"},
                                                       Row{"80", "良", "优"}, Row{"79.99", "中", "良"},
                                                       Row{"70", "中", "良"}, Row{"69.99", "中", "中"},
                                                       Row{"60", "中", "中"}, Row{"59.99", "差", "差"});
    CAPTURE(actual);
    CHECK(score(single_positive(actual)).evaluation.grade == national);
    ledger::Profile eighty;
    eighty.grade_bounds = {8000, 7000, 6000};
    CHECK(score(single_positive(actual), eighty).evaluation.grade == regional);
}

TEST_CASE("A reverse line above target loses points linearly or by inverse ratio", "[evaluation]") {
    const std::string sheet = std::string(kHeader) + "产出指标,成本指标,项目成本,12.5,≤,100,130,超支\n" +
                              "产出指标,数量指标,其他,87.5,≥,1,1,\n";
    CHECK(score(sheet).evaluation.lines[0].score == 875);  // 12.5 × (1 − 30/100)
    ledger::Profile inverse;
    inverse.reverse = ledger::Profile::Reverse::inverse;
    CHECK(score(sheet, inverse).evaluation.lines[0].score == 962);  // 12.5 × 100/130 = 9.615… → 9.62
    const std::string at_target = std::string(kHeader) + "产出指标,成本指标,项目成本,12.5,≤,100,100,\n" +
                                  "产出指标,数量指标,其他,87.5,≥,1,1,\n";
    CHECK(score(at_target).evaluation.lines[0].score == 1250);  // boundary included
    const std::string double_cost = std::string(kHeader) + "产出指标,成本指标,项目成本,12.5,≤,100,250,超支\n" +
                                    "产出指标,数量指标,其他,87.5,≥,1,1,\n";
    CHECK(score(double_cost).evaluation.lines[0].score == 0);  // linear reaches 0 at 2A and stays there
}

TEST_CASE("Qualitative scores must fall in their band; defaults are W, 0.7W and 0", "[evaluation]") {
    const auto sheet = [](const std::string& actual) {
        return std::string(kHeader) + "产出指标,时效指标,及时性,10,定性,及时," + actual + ",原因\n" +
               "产出指标,数量指标,其他,90,≥,1,1,\n";
    };
    for (const char* refused : {"达成 7.9", "部分达成 8.0", "部分达成 5.99", "未达成 6", "达成 10.01"}) {
        CAPTURE(refused);
        const auto s = score(sheet(refused));
        REQUIRE(s.problems.size() == 1);
        CHECK(s.problems[0].line == 2);
        CHECK(s.problems[0].column == 7);
    }
    CHECK(score(sheet("部分达成 6.0")).evaluation.lines[0].score == 600);
    CHECK(score(sheet("达成 8")).evaluation.lines[0].score == 800);
    CHECK(score(sheet("达成")).evaluation.lines[0].score == 1000);
    CHECK(score(sheet("部分达成")).evaluation.lines[0].score == 700);
    CHECK(score(sheet("未达成")).evaluation.lines[0].score == 0);
    ledger::Profile required;
    required.require_qualitative_score = true;
    CHECK(score(sheet("部分达成"), required).problems.size() == 1);
}

TEST_CASE("Sheet problems are reported with line and column, all of them", "[evaluation]") {
    SECTION("weights adding up to 99") {
        const std::string sheet = std::string(kHeader) + "产出指标,数量指标,甲,50,≥,1,1,\n产出指标,数量指标,乙,49,≥,1,1,\n";
        const auto s = score(sheet);
        REQUIRE(s.problems.size() == 1);
        CHECK(s.problems[0].line == 3);
        CHECK(s.problems[0].column == 4);
        CHECK_THAT(s.problems[0].message.english(), Catch::Contains("99") && Catch::Contains("100"));
    }
    SECTION("a lost point without a deviation note") {
        const std::string sheet = std::string(kHeader) + "产出指标,数量指标,甲,50,≥,2,1,\n产出指标,数量指标,乙,50,≥,1,1,\n";
        const auto s = score(sheet);
        REQUIRE(s.problems.size() == 1);
        CHECK(s.problems[0].line == 2);
        CHECK(s.problems[0].column == 8);
    }
    SECTION("an over-achievement of 130 % without a note, unless the profile turns it off") {
        const std::string sheet = std::string(kHeader) + "产出指标,数量指标,甲,50,≥,10,13,\n产出指标,数量指标,乙,50,≥,1,1,\n";
        REQUIRE(score(sheet).problems.size() == 1);
        ledger::Profile off;
        off.over_achievement_note_from.reset();
        CHECK(score(sheet, off).problems.empty());
        const std::string below = std::string(kHeader) + "产出指标,数量指标,甲,50,≥,10,12.99,\n产出指标,数量指标,乙,50,≥,1,1,\n";
        CHECK(score(below).problems.empty());
    }
    SECTION("a unit mismatch, an unknown direction and a bad weight, each on its own line") {
        const std::string sheet = std::string(kHeader) + "产出指标,成本指标,成本,50,≤,125.95万元,1项,\n" +
                                  "产出指标,数量指标,乙,25,大于,1,1,\n" + "产出指标,数量指标,丙,x,≥,1,1,\n";
        const auto s = score(sheet);
        REQUIRE(s.problems.size() == 3);
        CHECK(s.problems[0].line == 2);
        CHECK(s.problems[0].column == 7);
        CHECK(s.problems[1].line == 3);
        CHECK(s.problems[1].column == 5);
        CHECK(s.problems[2].line == 4);
        CHECK(s.problems[2].column == 4);
    }
    SECTION("a stated subtotal that the leaves do not reach") {
        const std::string sheet = std::string(kHeader) + "产出指标,,,60,,,,\n产出指标,数量指标,甲,50,≥,1,1,\n" +
                                  "效益指标,社会效益,乙,50,≥,1,1,\n";
        const auto s = score(sheet);
        REQUIRE(s.problems.size() == 1);
        CHECK(s.problems[0].line == 2);
    }
}

TEST_CASE("Money units convert: 万元 against 元 compares the same amounts", "[evaluation]") {
    const std::string sheet = std::string(kHeader) + "产出指标,成本指标,成本,100,≤,125.95万元,1196525元,\n";
    const auto s = score(sheet);
    REQUIRE(s.problems.empty());
    CHECK(s.evaluation.lines[0].completion == 9500);
    CHECK(s.evaluation.lines[0].score == 10000);
}

TEST_CASE("The execution line comes from the ledger, with the profile's denominator", "[evaluation]") {
    const std::string sheet = std::string(kHeader) + "预算执行指标,预算执行指标,预算执行率,10,预算执行,100%,,调整\n" +
                              "产出指标,数量指标,其他,90,≥,1,1,\n";
    SECTION("initial budget 0, adjusted to 5.00万, all executed: 100.00 %, 10 points, no division error") {
        const auto s = score(sheet, {}, execution(0, 5000000, 5000000, 5000000));
        REQUIRE(s.problems.empty());
        CHECK(s.evaluation.lines[0].completion == 10000);
        CHECK(s.evaluation.lines[0].score == 1000);
    }
    SECTION("150.00万 cut to 120.50万 and fully executed: 100.00 % by default, 80.33 % on the initial budget") {
        const auto report = execution(150000000, 120500000, 120500000, 120500000);
        CHECK(score(sheet, {}, report).evaluation.lines[0].completion == 10000);
        ledger::Profile initial;
        initial.denominator = ledger::Profile::Denominator::initial_budget;
        const auto s = score(sheet, initial, report);
        CHECK(s.evaluation.lines[0].completion == 8033);
        CHECK(s.evaluation.lines[0].score == 803);
    }
    SECTION("nothing budgeted: the rate is undefined, the line scores 0 with a warning") {
        const auto s = score(sheet, {}, execution(0, 0, 0, 0));
        CHECK(s.evaluation.lines[0].score == 0);
        CHECK(s.evaluation.warnings.size() == 1);
    }
    SECTION("a typed rate that differs from the ledger's is replaced, with a warning") {
        const std::string typed = std::string(kHeader) + "预算执行指标,预算执行指标,预算执行率,10,预算执行,100%,96%,调整\n" +
                                  "产出指标,数量指标,其他,90,≥,1,1,\n";
        const auto s = score(typed);
        CHECK(s.evaluation.lines[0].score == 950);
        CHECK(s.evaluation.warnings.size() == 1);
    }
}

TEST_CASE("An English header, a BOM, CRLF and quoted cells are read", "[evaluation]") {
    const std::string sheet =
        "\xEF\xBB\xBFlevel1,level2,indicator,weight,direction,target,actual,note\r\n"
        "产出指标,数量指标,\"设备, 含安装\",100,positive,1,1项,\"第一行\r\n第二行\"\r\n";
    const auto s = score(sheet);
    REQUIRE(s.problems.empty());
    CHECK(s.evaluation.lines[0].indicator.name == "设备, 含安装");
    CHECK(s.evaluation.lines[0].indicator.note == "第一行\r\n第二行");
    CHECK(s.evaluation.total == 10000);
}

TEST_CASE("Line scores are rounded half up once, or truncated by profile", "[evaluation]") {
    // 12.5 × 2/3 = 8.3333… and 12.5 × 0.9999 = 12.49875.
    const std::string sheet = std::string(kHeader) + "产出指标,数量指标,甲,12.5,≥,3,2,原因\n" +
                              "产出指标,数量指标,乙,12.5,≥,10000,9999,原因\n" + "产出指标,数量指标,丙,75,≥,1,1,\n";
    CHECK(scores(score(sheet).evaluation) == std::vector<std::int64_t>{833, 1250, 7500});
    ledger::Profile truncate;
    truncate.rounding = ledger::Profile::Rounding::truncate;
    CHECK(scores(score(sheet, truncate).evaluation) == std::vector<std::int64_t>{833, 1249, 7500});
}

TEST_CASE("Profiles are read from TOML; floats and unknown keys are refused", "[evaluation]") {
    const auto p = ledger::parse_profile(
        "grade_bounds = [80, 70, 60]\ngrade_labels = [\"优秀\", \"良好\", \"中等\", \"较差\"]\n"
        "execution_rate_denominator = \"arrived\"\nreverse_formula = \"inverse\"\nqualitative_bands = [80, 50]\n"
        "qualitative_scores = \"required\"\nover_achievement_note = \"off\"\nline_rounding = \"truncate\"\n",
        "p.toml");
    CHECK(p.grade_bounds == std::array<std::int64_t, 3>{8000, 7000, 6000});
    CHECK(p.grade_labels[0] == "优秀");
    CHECK(p.denominator == ledger::Profile::Denominator::arrived);
    CHECK(p.reverse == ledger::Profile::Reverse::inverse);
    CHECK(p.partly_from == 5000);
    CHECK(p.require_qualitative_score);
    CHECK_FALSE(p.over_achievement_note_from.has_value());
    CHECK(p.rounding == ledger::Profile::Rounding::truncate);
    CHECK(ledger::parse_profile("grade_bounds = [\"89.5\", 80, 60]\n", "p.toml").grade_bounds[0] == 8950);
    for (const char* bad : {"grade_bounds = [89.5, 80, 60]\n", "colour = \"red\"\n", "grade_bounds = [60, 80, 90]\n",
                            "reverse_formula = \"square\"\n", "grade_bounds = [90, 80\n"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(ledger::parse_profile(bad, "p.toml"), ledger::Error);
    }
}
