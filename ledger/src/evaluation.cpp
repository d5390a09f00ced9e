// The performance self-evaluation: reading the indicator sheet, checking it, scoring it exactly.
#include "ledger/evaluation.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <map>

#include "ledger/csv.hpp"
#include "ledger/encoding.hpp"
#include "ledger/error.hpp"

namespace ledger {
namespace {

__extension__ using Int128 = __int128;

// An exact non-negative-denominator ratio.
struct Ratio {
    Int128 num = 0;
    Int128 den = 1;
};

Int128 pow10(int n) {
    Int128 p = 1;
    for (int i = 0; i < n; ++i) {
        p *= 10;
    }
    return p;
}

bool less(const Ratio& a, const Ratio& b) { return a.num * b.den < b.num * a.den; }

// round(value × ratio) with value an integer, half up (values here are never negative) or truncated.
std::int64_t scaled(std::int64_t value, const Ratio& r, Profile::Rounding rounding) {
    LEDGER_ASSERT(r.den > 0);
    Int128 n = static_cast<Int128>(value) * r.num;
    if (n < 0) {
        n = 0;
    }
    Int128 q = n / r.den;
    if (rounding == Profile::Rounding::half_up && (n % r.den) * 2 >= r.den) {
        ++q;
    }
    return static_cast<std::int64_t>(q);
}

std::string trim(std::string_view s) {
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && is_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_space(s.back())) {
        s.remove_suffix(1);
    }
    // A full-width space is common in Chinese sheets.
    while (s.substr(0, 3) == "\xE3\x80\x80") {
        s.remove_prefix(3);
    }
    while (s.size() >= 3 && s.substr(s.size() - 3) == "\xE3\x80\x80") {
        s.remove_suffix(3);
    }
    return std::string(s);
}

// Money units convert into each other; every other unit must match exactly (or be absent on a side).
std::optional<Int128> money_factor(const std::string& unit) {
    if (unit == "元") {
        return 1;
    }
    if (unit == "万元" || unit == "万") {
        return 10000;
    }
    return std::nullopt;
}

bool units_agree(const std::string& a, const std::string& b) {
    return a.empty() || b.empty() || a == b || (money_factor(a) && money_factor(b));
}

// B / A exactly, money units converted.
Ratio quotient(const Quantity& b, const Quantity& a) {
    const Int128 fb = money_factor(b.unit).value_or(1);
    const Int128 fa = money_factor(a.unit).value_or(1);
    Ratio r{static_cast<Int128>(b.value.units) * pow10(a.value.scale) * fb,
            static_cast<Int128>(a.value.units) * pow10(b.value.scale) * fa};
    if (r.den < 0) {
        r.num = -r.num;
        r.den = -r.den;
    }
    return r;
}

std::optional<Direction> parse_direction(const std::string& text) {
    static const std::map<std::string, Direction> kNames{
        {"≥", Direction::positive},      {">=", Direction::positive},     {"正向", Direction::positive},
        {"positive", Direction::positive}, {"≤", Direction::reverse},     {"<=", Direction::reverse},
        {"反向", Direction::reverse},     {"reverse", Direction::reverse}, {"=", Direction::equal},
        {"equal", Direction::equal},      {"定性", Direction::qualitative}, {"qualitative", Direction::qualitative},
        {"预算执行", Direction::budget_execution}, {"budget_execution", Direction::budget_execution}};
    const auto it = kNames.find(text);
    return it == kNames.end() ? std::nullopt : std::optional(it->second);
}

struct QualitativeActual {
    std::optional<Achievement> achievement;
    std::optional<Decimal> score;       // a score given after the word
    std::optional<Quantity> percentage;  // "90%"
};

std::optional<QualitativeActual> parse_qualitative(const std::string& text) {
    QualitativeActual q;
    if (auto quantity = parse_quantity(text); quantity && quantity->unit == "%") {
        q.percentage = quantity;
        return q;
    }
    static const std::pair<std::string_view, Achievement> kWords[] = {
        {"部分达成", Achievement::partly}, {"未达成", Achievement::not_achieved}, {"达成", Achievement::achieved}};
    for (const auto& [word, achievement] : kWords) {
        if (text.rfind(word, 0) == 0) {
            q.achievement = achievement;
            const std::string rest = trim(std::string_view(text).substr(word.size()));
            if (!rest.empty()) {
                q.score = Decimal::parse(rest);
                if (!q.score) {
                    return std::nullopt;
                }
            }
            return q;
        }
    }
    return std::nullopt;
}

std::int64_t hundredths_of(const Decimal& d) {
    // Only called for values with at most 2 decimals.
    return static_cast<std::int64_t>(static_cast<Int128>(d.units) * pow10(2 - d.scale));
}

std::string percent_text(std::int64_t hundredths) { return format_hundredths(hundredths) + "%"; }

}  // namespace

std::optional<Decimal> Decimal::parse(std::string_view text) {
    std::string s = trim(text);
    if (s.empty()) {
        return std::nullopt;
    }
    bool negative = false;
    std::size_t i = 0;
    if (s[0] == '-' || s[0] == '+') {
        negative = s[0] == '-';
        i = 1;
    }
    Int128 units = 0;
    int scale = -1;
    int digits = 0;
    for (; i < s.size(); ++i) {
        if (s[i] == '.') {
            if (scale >= 0 || digits == 0) {
                return std::nullopt;
            }
            scale = 0;
        } else if (s[i] >= '0' && s[i] <= '9') {
            units = units * 10 + (s[i] - '0');
            ++digits;
            if (scale >= 0) {
                ++scale;
            }
            if (units > static_cast<Int128>(1) << 60 || scale > 6) {
                return std::nullopt;
            }
        } else {
            return std::nullopt;
        }
    }
    if (digits == 0 || scale == 0) {
        return std::nullopt;
    }
    const auto value = static_cast<std::int64_t>(units);
    return Decimal{negative ? -value : value, std::max(scale, 0)};
}

std::string Decimal::to_string() const {
    std::int64_t u = units;
    int s = scale;
    while (s > 0 && u % 10 == 0) {
        u /= 10;
        --s;
    }
    // Built by appending only: GCC 12 at -O3 warns falsely (-Wrestrict) on insert and "literal" + string.
    const bool negative = u < 0;
    std::string digits = std::to_string(negative ? -u : u);
    const auto decimals = static_cast<std::size_t>(s);
    std::string out;
    if (negative) {
        out += '-';
    }
    if (digits.size() <= decimals) {
        out += "0.";
        out.append(decimals - digits.size(), '0');
        out += digits;
        return out;
    }
    out.append(digits, 0, digits.size() - decimals);
    if (decimals > 0) {
        out += '.';
        out.append(digits, digits.size() - decimals, decimals);
    }
    return out;
}

std::optional<Quantity> parse_quantity(std::string_view original) {
    const std::string text = trim(original);
    std::size_t end = 0;
    if (end < text.size() && (text[end] == '-' || text[end] == '+')) {
        ++end;
    }
    while (end < text.size() && ((text[end] >= '0' && text[end] <= '9') || text[end] == '.')) {
        ++end;
    }
    const auto value = Decimal::parse(std::string_view(text).substr(0, end));
    if (!value) {
        return std::nullopt;
    }
    return Quantity{*value, trim(std::string_view(text).substr(end))};
}

Profile parse_profile(std::string_view toml_text, const std::string& file_name) {
    Profile profile;
    toml::table table;
    try {
        table = toml::parse(toml_text, file_name);
    } catch (const toml::parse_error& e) {
        // toml++'s own description (English) is a field.
        throw Error(ErrorCode::invalid_input, msg("{file}:{line}: {problem}")
                                                  .with("file", file_name)
                                                  .with("line", std::to_string(e.source().begin.line))
                                                  .with("problem", std::string(e.description())));
    }
    const auto bad = [&](const std::string& key, Message why) {
        return Error(ErrorCode::invalid_input,
                     msg("{file}: {key}: {problem}").with("file", file_name).with("key", key).with("problem", std::move(why)));
    };
    // Percents and points are written as integers or as decimal strings ("89.5"): a TOML float is
    // binary floating point, which no figure of fundflow goes through.
    const auto hundredths = [&](const std::string& key, const toml::node& node) -> std::int64_t {
        // An integer node only: toml++'s value<int64_t>() of a float node casts it, which for a float beyond
        // int64 (9.2e99) is undefined behaviour (found by fuzz_indicators).
        if (const auto* integer = node.as_integer()) {
            const std::int64_t i = integer->get();
            if (i < 0 || i > 1000000) {
                throw bad(key, msg("a percent or a score from 0 to 1,000,000 is expected"));
            }
            return i * 100;
        }
        if (const auto s = node.value<std::string>()) {
            if (const auto d = Decimal::parse(*s); d && d->scale <= 2 && d->units >= 0 && d->units <= 100000000) {
                return hundredths_of(*d);
            }
        }
        throw bad(key, msg("write a whole number (90) or a decimal in quotes (\"89.5\")"));
    };
    const auto text = [&](const std::string& key, const toml::node& node) {
        const auto s = node.value<std::string>();
        if (!s) {
            throw bad(key, msg("expected a string"));
        }
        return *s;
    };
    for (const auto& [key_node, node] : table) {
        const std::string key(key_node.str());
        if (key == "grade_bounds") {
            const auto* array = node.as_array();
            if (array == nullptr || array->size() != 3) {
                throw bad(key, msg("expected three lower bounds, e.g. [90, 80, 60]"));
            }
            for (std::size_t i = 0; i < 3; ++i) {
                profile.grade_bounds[i] = hundredths(key, *array->get(i)) ;
            }
            if (!(profile.grade_bounds[0] > profile.grade_bounds[1] && profile.grade_bounds[1] > profile.grade_bounds[2])) {
                throw bad(key, msg("bounds must decrease, e.g. [90, 80, 60]"));
            }
        } else if (key == "grade_labels") {
            const auto* array = node.as_array();
            if (array == nullptr || array->size() != 4) {
                throw bad(key, msg("expected four labels, e.g. [\"优\", \"良\", \"中\", \"差\"]"));
            }
            for (std::size_t i = 0; i < 4; ++i) {
                profile.grade_labels[i] = text(key, *array->get(i));
            }
        } else if (key == "execution_rate_denominator") {
            const std::string v = text(key, node);
            if (v == "full_year_budget") {
                profile.denominator = Profile::Denominator::full_year_budget;
            } else if (v == "arrived") {
                profile.denominator = Profile::Denominator::arrived;
            } else if (v == "initial_budget") {
                profile.denominator = Profile::Denominator::initial_budget;
            } else {
                throw bad(key, msg("use full_year_budget, arrived or initial_budget"));
            }
        } else if (key == "reverse_formula") {
            const std::string v = text(key, node);
            if (v != "linear" && v != "inverse") {
                throw bad(key, msg("use linear or inverse"));
            }
            profile.reverse = v == "linear" ? Profile::Reverse::linear : Profile::Reverse::inverse;
        } else if (key == "qualitative_bands") {
            const auto* array = node.as_array();
            if (array == nullptr || array->size() != 2) {
                throw bad(key, msg("expected the lower bounds of 达成 and 部分达成 in percent, e.g. [80, 60]"));
            }
            profile.achieved_from = hundredths(key, *array->get(0));
            profile.partly_from = hundredths(key, *array->get(1));
            if (!(profile.achieved_from <= 10000 && profile.partly_from < profile.achieved_from && profile.partly_from > 0)) {
                throw bad(key, msg("bounds must satisfy 100 >= 达成 > 部分达成 > 0"));
            }
        } else if (key == "qualitative_scores") {
            const std::string v = text(key, node);
            if (v != "default" && v != "required") {
                throw bad(key, msg("use default (W / 0.7W / 0) or required (the evaluator enters each score)"));
            }
            profile.require_qualitative_score = v == "required";
        } else if (key == "over_achievement_note") {
            if (node.value<std::string>() == std::optional<std::string>("off")) {
                profile.over_achievement_note_from.reset();
            } else {
                profile.over_achievement_note_from = hundredths(key, node);
            }
        } else if (key == "line_rounding") {
            const std::string v = text(key, node);
            if (v != "half_up" && v != "truncate") {
                throw bad(key, msg("use half_up or truncate"));
            }
            profile.rounding = v == "half_up" ? Profile::Rounding::half_up : Profile::Rounding::truncate;
        } else {
            throw bad(key, msg("unknown setting (see docs/evaluation.md)"));
        }
    }
    return profile;
}

IndicatorSheet parse_indicators(std::string_view csv_text, std::vector<IndicatorProblem>& problems) {
    IndicatorSheet sheet;
    std::vector<CsvRecord> records;
    if (auto bad = check_utf8(csv_text)) {  // a GBK sheet from Excel: convert it first (to_utf8, encoding.hpp)
        problems.push_back({bad->line, 0, std::move(bad->message)});
        return sheet;
    }
    try {
        records = parse_csv(csv_text);
    } catch (const CsvError& e) {
        problems.push_back({e.line(), e.column(), e.reason()});
        return sheet;
    }
    if (records.empty()) {
        problems.push_back(
            {1, 0, msg("the file is empty: expected the header 一级指标,二级指标,三级指标,权重,方向,目标值,业绩值,偏差原因分析及改进措施")});
        return sheet;
    }
    enum Column { level1, level2, name, weight, direction, target, actual, note, kColumns };
    static const std::array<std::vector<std::string>, kColumns> kHeaders{{
        {"一级指标", "level1"},
        {"二级指标", "level2"},
        {"三级指标", "目标指标", "indicator"},
        {"权重", "weight"},
        {"方向", "direction"},
        {"目标值", "target"},
        {"业绩值", "actual"},
        {"偏差原因分析及改进措施", "note"},
    }};
    std::array<int, kColumns> position{};
    position.fill(-1);
    const CsvRecord& header = records.front();
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const std::string cell = trim(header.fields[i]);
        bool known = false;
        for (std::size_t c = 0; c < kColumns; ++c) {
            if (std::find(kHeaders[c].begin(), kHeaders[c].end(), cell) != kHeaders[c].end()) {
                position[c] = static_cast<int>(i);
                known = true;
            }
        }
        if (!known) {
            problems.push_back({header.line, static_cast<int>(i) + 1, msg("unknown column '{column}'").with("column", cell)});
        }
    }
    for (std::size_t c = 0; c < note; ++c) {
        if (position[c] < 0) {
            problems.push_back({header.line, 0, msg("the header lacks the column {column} ({name})")
                                                     .with("column", kHeaders[c][0])
                                                     .with("name", kHeaders[c].back())});
        }
    }
    if (!problems.empty()) {
        return sheet;
    }
    sheet.weight_column = position[weight] + 1;
    sheet.actual_column = position[actual] + 1;
    sheet.note_column = position[note] >= 0 ? position[note] + 1 : static_cast<int>(header.fields.size()) + 1;

    struct Subtotal {
        int line;
        std::string level1;
        std::string level2;
        Decimal weight;
    };
    std::vector<Subtotal> subtotals;
    std::string last_level1;
    std::string last_level2;
    int last_line = header.line;
    for (std::size_t r = 1; r < records.size(); ++r) {
        const CsvRecord& record = records[r];
        last_line = record.line;
        if (record.fields.size() > header.fields.size()) {
            problems.push_back({record.line, static_cast<int>(header.fields.size()) + 1,
                                msg("more cells than the header has columns (quote a cell that contains a comma)")});
            continue;
        }
        const auto cell = [&](Column c) {
            const auto p = static_cast<std::size_t>(position[c]);
            return position[c] >= 0 && p < record.fields.size() ? trim(record.fields[p]) : std::string();
        };
        const auto problem = [&](Column c, Message message) {
            problems.push_back({record.line, position[c] + 1, std::move(message)});
        };
        IndicatorLine line;
        line.line = record.line;
        line.level1 = cell(level1);
        line.level2 = cell(level2);
        line.name = cell(name);
        line.target = cell(target);
        line.actual = cell(actual);
        line.note = cell(note);
        const auto w = Decimal::parse(cell(weight));
        if (!w || w->units <= 0 || w->scale > 2) {
            problem(weight, msg("'{weight}' is not a weight like 12.5 (positive, at most 2 decimals)")
                                .with("weight", cell(weight)));
            continue;
        }
        line.weight = *w;
        if (line.name.empty()) {
            // A subtotal row: the stated weight of a level-1 group, or of a level-2 group.
            if (line.level1.empty()) {
                problem(level1, msg("a subtotal row (no 三级指标) must name its 一级指标"));
                continue;
            }
            subtotals.push_back({record.line, line.level1, line.level2, *w});
            continue;
        }
        // Blank group cells continue the group above, as merged cells do in the printed sheet.
        if (line.level1.empty()) {
            line.level1 = last_level1;
        }
        if (line.level2.empty() && line.level1 == last_level1) {
            line.level2 = last_level2;
        }
        if (line.level1.empty()) {
            problem(level1, msg("the 一级指标 is empty"));
            continue;
        }
        last_level1 = line.level1;
        last_level2 = line.level2;
        const auto d = parse_direction(cell(direction));
        if (!d) {
            problem(direction, msg("'{direction}' is not a direction: use ≥ (正向), ≤ (反向), = , 定性 or 预算执行")
                                   .with("direction", cell(direction)));
            continue;
        }
        line.direction = *d;
        switch (line.direction) {
            case Direction::positive:
            case Direction::reverse:
            case Direction::equal: {
                const auto a = parse_quantity(line.target);
                const auto b = parse_quantity(line.actual);
                if (!a) {
                    problem(target, msg("'{target}' is not a number with an optional unit (125.95万元, 1项, 100%)")
                                        .with("target", line.target));
                } else if (!b) {
                    problem(actual, msg("'{actual}' is not a number with an optional unit (119.6525万元, 1项, 95%)")
                                        .with("actual", line.actual));
                } else if (!units_agree(a->unit, b->unit)) {
                    problem(actual, msg("the unit '{actual_unit}' of the actual does not match '{target_unit}' of the target")
                                        .with("actual_unit", b->unit)
                                        .with("target_unit", a->unit));
                } else {
                    sheet.lines.push_back(line);
                }
                break;
            }
            case Direction::budget_execution: {
                if (!line.target.empty() && !parse_quantity(line.target)) {
                    problem(target, msg("'{target}' is not a target rate like 100%").with("target", line.target));
                } else if (!line.actual.empty() && !parse_quantity(line.actual)) {
                    problem(actual, msg("leave the 业绩值 of the budget execution line empty: it comes from the ledger"));
                } else {
                    sheet.lines.push_back(line);
                }
                break;
            }
            case Direction::qualitative: {
                if (!parse_qualitative(line.actual)) {
                    problem(actual, msg("'{actual}' is not a qualitative result: 达成, 部分达成 or 未达成 (optionally "
                                        "with a score, e.g. 部分达成 6.5), or a percentage like 90%")
                                        .with("actual", line.actual));
                } else {
                    sheet.lines.push_back(line);
                }
                break;
            }
        }
    }
    if (!problems.empty()) {
        return sheet;
    }
    // Weights: the leaves add up to 100, and to every subtotal the file states.
    const auto sum = [&](auto&& keep) {
        std::int64_t total = 0;
        for (const auto& l : sheet.lines) {
            if (keep(l)) {
                total += hundredths_of(l.weight);
            }
        }
        return total;
    };
    const std::int64_t total = sum([](const IndicatorLine&) { return true; });
    if (total != 10000) {
        problems.push_back({last_line, sheet.weight_column,
                            msg("the weights add up to {total}, not 100").with("total", Decimal{total, 2}.to_string())});
    }
    for (const auto& s : subtotals) {
        const std::int64_t group = sum([&](const IndicatorLine& l) {
            return l.level1 == s.level1 && (s.level2.empty() || l.level2 == s.level2);
        });
        if (group != hundredths_of(s.weight)) {
            problems.push_back({s.line, sheet.weight_column,
                                msg("the weights of {group} add up to {sum}, not the stated {weight}")
                                    .with("group", s.level1 + (s.level2.empty() ? "" : " / " + s.level2))
                                    .with("sum", Decimal{group, 2}.to_string())
                                    .with("weight", s.weight.to_string())});
        }
    }
    return sheet;
}

Evaluation evaluate(const IndicatorSheet& sheet, const Profile& profile, const ExecutionReport& execution,
                    std::vector<IndicatorProblem>& problems) {
    Evaluation result;
    result.project = execution.project;
    result.project_name = execution.project_name;
    result.year = execution.year;
    result.execution = execution;
    const ExecutionFigures& total = execution.total;
    const Money denominator = profile.denominator == Profile::Denominator::arrived ? total.arrived
                              : profile.denominator == Profile::Denominator::initial_budget ? total.initial_budget
                                                                                            : total.full_year_budget;
    const Rate execution_rate = Rate::of(total.executed, denominator);
    for (const IndicatorLine& line : sheet.lines) {
        ScoredLine scored;
        scored.indicator = line;
        scored.actual = line.actual;
        const std::int64_t w = hundredths_of(line.weight);
        Ratio share{0, 1};  // of the weight
        bool over_achieved = false;
        std::optional<std::int64_t> fixed_score;
        switch (line.direction) {
            case Direction::positive:
            case Direction::equal:
            case Direction::reverse: {
                Quantity a = *parse_quantity(line.target);
                Quantity b = *parse_quantity(line.actual);
                if (b.value.units < 0) {
                    b.value.units = 0;  // a negative actual counts as 0
                }
                const Ratio ba = a.value.units != 0 ? quotient(b, a) : Ratio{0, 0};
                if (ba.den != 0) {
                    scored.completion = scaled(10000, ba, Profile::Rounding::half_up);
                }
                // A target of 0 is met by any actual on a positive line, and only by 0 on a reverse one.
                const bool reached = line.direction == Direction::reverse
                                         ? (ba.den == 0 ? b.value.units == 0 : !less(Ratio{1, 1}, ba))
                                         : ba.den == 0 || !less(ba, Ratio{1, 1});
                if (line.direction == Direction::reverse) {
                    if (reached || ba.den == 0) {
                        share = reached ? Ratio{1, 1} : Ratio{0, 1};
                    } else if (profile.reverse == Profile::Reverse::linear) {
                        share = Ratio{2 * ba.den - ba.num, ba.den};  // 1 − (B − A)/A
                        if (share.num < 0) {
                            share.num = 0;
                        }
                    } else {
                        share = Ratio{ba.den, ba.num};  // A / B
                    }
                } else {
                    share = reached ? Ratio{1, 1} : ba;
                    over_achieved = profile.over_achievement_note_from && ba.den != 0 && a.value.units > 0 &&
                                    !less(ba, Ratio{*profile.over_achievement_note_from, 10000});
                }
                break;
            }
            case Direction::budget_execution: {
                const auto rate = execution_rate.percent_hundredths();
                scored.actual = rate ? percent_text(*rate) : "-";
                if (!execution_rate.defined()) {
                    result.warnings.push_back(
                        msg("line {line}: {message}")
                            .with("line", std::to_string(line.line))
                            .with("message", msg("the execution rate is undefined (nothing budgeted in {year}); the "
                                                 "line scores 0")
                                                 .with("year", std::to_string(execution.year))));
                    break;
                }
                const Ratio b{std::max<Int128>(execution_rate.numerator, 0), execution_rate.denominator};
                share = less(b, Ratio{1, 1}) ? b : Ratio{1, 1};
                Ratio a{1, 1};
                if (const auto target = parse_quantity(line.target); target && target->value.units > 0) {
                    a = Ratio{static_cast<Int128>(target->value.units), pow10(target->value.scale) * 100};
                }
                scored.completion = scaled(10000, Ratio{b.num * a.den, b.den * a.num}, Profile::Rounding::half_up);
                if (const auto typed = parse_quantity(line.actual)) {
                    const Ratio typed_rate{static_cast<Int128>(typed->value.units), pow10(typed->value.scale) * 100};
                    if (typed_rate.num * b.den != b.num * typed_rate.den) {
                        result.warnings.push_back(
                            msg("line {line}: {message}")
                                .with("line", std::to_string(line.line))
                                .with("message", msg("the sheet's 业绩值 {typed} differs from the ledger's execution rate "
                                                     "{rate}; the ledger's is used")
                                                     .with("typed", line.actual)
                                                     .with("rate", scored.actual)));
                    }
                }
                break;
            }
            case Direction::qualitative: {
                const QualitativeActual q = *parse_qualitative(line.actual);
                if (q.percentage) {
                    const Ratio p{std::max<Int128>(q.percentage->value.units, 0), pow10(q.percentage->value.scale) * 100};
                    share = less(p, Ratio{1, 1}) ? p : Ratio{1, 1};
                    scored.completion = scaled(10000, p, Profile::Rounding::half_up);
                    break;
                }
                // Bands as shares of the weight: 达成 [a, 1], 部分达成 [p, a), 未达成 [0, p).
                const std::int64_t a = profile.achieved_from;
                const std::int64_t p = profile.partly_from;
                const auto [low, high, high_inclusive, name] =
                    *q.achievement == Achievement::achieved ? std::tuple{a, std::int64_t{10000}, true, "达成"}
                    : *q.achievement == Achievement::partly ? std::tuple{p, a, false, "部分达成"}
                                                            : std::tuple{std::int64_t{0}, p, false, "未达成"};
                if (q.score) {
                    if (q.score->scale > 2 || q.score->units < 0) {
                        problems.push_back({line.line, sheet.actual_column, msg("a score has at most 2 decimals")});
                        break;
                    }
                    const std::int64_t s = hundredths_of(*q.score);
                    // s / w within [low, high] (or [low, high)), compared exactly in hundredths of a percent.
                    const Int128 lhs = static_cast<Int128>(s) * 10000;
                    const bool ok = lhs >= static_cast<Int128>(w) * low &&
                                    (high_inclusive ? lhs <= static_cast<Int128>(w) * high
                                                    : lhs < static_cast<Int128>(w) * high);
                    if (!ok) {
                        // `name` is the sheet's own word (达成, 部分达成, 未达成): a value, the same in every language.
                        problems.push_back({line.line, sheet.actual_column,
                                            (high_inclusive ? msg("a score of {score} is outside the band of {band} for a "
                                                                  "weight of {weight} ({low} to {high})")
                                                            : msg("a score of {score} is outside the band of {band} for a "
                                                                  "weight of {weight} ({low} to below {high})"))
                                                .with("score", q.score->to_string())
                                                .with("band", name)
                                                .with("weight", line.weight.to_string())
                                                .with("low", format_hundredths(
                                                                 scaled(w, Ratio{low, 10000}, Profile::Rounding::half_up)))
                                                .with("high", format_hundredths(scaled(w, Ratio{high, 10000},
                                                                                       Profile::Rounding::half_up)))});
                        break;
                    }
                    fixed_score = s;
                } else if (profile.require_qualitative_score) {
                    problems.push_back({line.line, sheet.actual_column,
                                        msg("this profile needs a score after {band} (e.g. {band} {low})")
                                            .with("band", name)
                                            .with("low", format_hundredths(
                                                             scaled(w, Ratio{low, 10000}, Profile::Rounding::half_up)))});
                    break;
                } else {
                    share = *q.achievement == Achievement::achieved ? Ratio{1, 1}
                            : *q.achievement == Achievement::partly ? Ratio{profile.partly_default, 10000}
                                                                    : Ratio{0, 1};
                }
                break;
            }
        }
        scored.score = fixed_score ? *fixed_score : scaled(w, share, profile.rounding);
        scored.score = std::min(scored.score, w);
        if (line.note.empty() && scored.score < w) {
            problems.push_back({line.line, sheet.note_column,
                                msg("the line scores {score} of {weight}: write the deviation reason and improvement "
                                    "(偏差原因分析及改进措施)")
                                    .with("score", format_hundredths(scored.score))
                                    .with("weight", line.weight.to_string())});
        } else if (line.note.empty() && over_achieved) {
            problems.push_back({line.line, sheet.note_column,
                                msg("the actual reaches {completion} % of the target: explain the over-achievement "
                                    "(偏差原因分析及改进措施)")
                                    .with("completion", format_hundredths(*scored.completion))});
        }
        result.total += scored.score;
        result.lines.push_back(std::move(scored));
    }
    std::size_t grade = 3;
    for (std::size_t g = 0; g < 3; ++g) {
        if (result.total >= profile.grade_bounds[g]) {
            grade = g;
            break;
        }
    }
    result.grade = profile.grade_labels[grade];
    return result;
}

}  // namespace ledger
