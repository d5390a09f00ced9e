// ledger/evaluation.hpp — the performance self-evaluation (绩效自评表), scored by the rules of
// domain.md §8 from an indicator sheet and the ledger's budget execution.
//
// Every figure is exact: numbers in the sheet are read as decimals, rates and scores are exact ratios
// rounded once (scores to hundredths, half up by default). Parsing and validation return the list of
// problems, each with its line and column, rather than stopping at the first (a sheet is edited by
// hand; the accountant wants every mistake at once).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/error.hpp"
#include "ledger/report.hpp"

namespace ledger {

// A decimal as written: units / 10^scale (12.5 → {125, 1}). At most 6 decimals.
struct Decimal {
    std::int64_t units = 0;
    int scale = 0;
    static std::optional<Decimal> parse(std::string_view text);  // "12.5", "-3", "0.05"
    std::string to_string() const;                                // as written, without trailing zeros
};

// A number with its unit as written in a target or actual cell: "125.95万元", "1项", "100%".
struct Quantity {
    Decimal value;
    std::string unit;  // "", "%", "项", "万元", "元", …
};
std::optional<Quantity> parse_quantity(std::string_view text);

enum class Direction { positive, reverse, equal, qualitative, budget_execution };
enum class Achievement { achieved, partly, not_achieved };  // 达成 / 部分达成 / 未达成

// The scoring rules a region uses (domain.md §8's profile table). Percents are in hundredths of a
// percent (80 % = 8000), scores in hundredths of a point.
struct Profile {
    std::array<std::int64_t, 3> grade_bounds{9000, 8000, 6000};  // inclusive lower bounds of grades 0..2
    std::array<std::string, 4> grade_labels{"优", "良", "中", "差"};
    enum class Denominator { full_year_budget, arrived, initial_budget } denominator = Denominator::full_year_budget;
    enum class Reverse { linear, inverse } reverse = Reverse::linear;
    // Bands of a qualitative line as shares of its weight: 达成 [a0, 100], 部分达成 [p0, a0), 未达成 [0, p0).
    std::int64_t achieved_from = 8000;
    std::int64_t partly_from = 6000;
    bool require_qualitative_score = false;  // default scores W / 0.7W / 0 when false
    std::int64_t partly_default = 7000;      // share of W for 部分达成 without a score
    std::optional<std::int64_t> over_achievement_note_from = 13000;  // a note at ≥ 130 % of target
    enum class Rounding { half_up, truncate } rounding = Rounding::half_up;
};

// Reads a profile from TOML (keys documented in docs/evaluation.md). Unknown keys and bad values
// throw Error{invalid_input} naming the file and the key.
Profile parse_profile(std::string_view toml_text, const std::string& file_name);

struct IndicatorProblem {
    int line = 0;
    int column = 0;  // 1-based; 0 when the problem is the whole line
    Message message;
};

struct IndicatorLine {
    int line = 0;
    std::string level1;
    std::string level2;
    std::string name;
    Decimal weight;
    Direction direction = Direction::positive;
    std::string target;  // as written
    std::string actual;  // as written (empty on the budget execution line)
    std::string note;
};

struct IndicatorSheet {
    std::vector<IndicatorLine> lines;
    // Column positions of the file, for problems found after parsing (weight, actual, note, ...).
    int weight_column = 4;
    int actual_column = 7;
    int note_column = 8;
};

// Parses and checks the structure of an indicator file (cli.md): header in Chinese or English, known
// directions, weights adding up to 100 and to every stated subtotal, units of target and actual
// agreeing. Problems are appended to `problems`.
IndicatorSheet parse_indicators(std::string_view csv_text, std::vector<IndicatorProblem>& problems);

struct ScoredLine {
    IndicatorLine indicator;
    std::string actual;                           // for the execution line: the ledger's rate, "95.00%"
    std::optional<std::int64_t> completion;       // 完成率 B/A in hundredths of a percent
    std::int64_t score = 0;                       // hundredths of a point
};

struct Evaluation {
    std::string project;
    std::string project_name;
    int year = 0;
    ExecutionReport execution;
    std::vector<ScoredLine> lines;
    std::int64_t total = 0;  // hundredths of a point
    std::string grade;
    std::vector<Message> warnings;  // e.g. an execution rate typed in the sheet that differs
};

// Scores the sheet against the ledger's budget execution (total column of `execution`). Problems that
// need the scores (a lost point without a deviation note, a qualitative score outside its band) are
// appended to `problems`.
Evaluation evaluate(const IndicatorSheet& sheet, const Profile& profile, const ExecutionReport& execution,
                    std::vector<IndicatorProblem>& problems);

}  // namespace ledger
