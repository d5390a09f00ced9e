// serve/evaluation.cpp — POST /api/v1/projects/{code}/evaluation?year=Y[&format=json|table|md|xlsx]: the
// indicator CSV in the body scored against the project's year as `fundflow evaluate` does it (cli/main.cpp
// EvaluationArgs::run with the default profile), answered as the CLI prints it, or as the xlsx workbook.
// A read: any role may ask (auditors evaluate); cookie callers send X-CSRF-Token as on every POST.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "ledger/calendar.hpp"
#include "ledger/encoding.hpp"
#include "ledger/evaluation.hpp"
#include "service.hpp"
#include "present/xlsx.hpp"

namespace fundflow::serve {
namespace {

using ledger::msg;

std::string xlsx_bytes(const ledger::ExecutionReport& report, const ledger::Evaluation& evaluation) {
    char path[] = "/tmp/fundflow-serve-XXXXXX.xlsx";
    const int fd = ::mkstemps(path, 5);
    if (fd < 0) {
        throw ledger::Error(ledger::ErrorCode::storage, msg("cannot create a temporary file for the workbook"));
    }
    ::close(fd);
    std::string bytes;
    try {
        std::remove(path);  // write_xlsx writes a new file
        write_xlsx(path, report, evaluation);
        std::ifstream in(path, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    } catch (...) {
        std::remove(path);
        throw;
    }
    std::remove(path);
    return bytes;
}

void post_evaluation(Call& call) {
    const std::string code = call.req.matches[1];
    const std::string format = call.param("format").value_or("json");
    if (format != "json" && format != "table" && format != "md" && format != "xlsx") {
        HttpError e{400, "bad_input", msg("format={format}: use json, table, md or xlsx").with("format", format)};
        e.problems.push_back({{"field", "format"}, {"message", word(e.message)}});
        throw e;
    }
    ledger::ReadCut cut;
    int year = ledger::year_of(cut.as_of);
    if (const auto y = call.param("year")) {
        try {
            year = std::stoi(*y);
        } catch (const std::exception&) {
            year = 0;
        }
        if (year < 1900 || year > 9999 || std::to_string(year) != *y) {
            HttpError e{400, "bad_input", msg("year={year} is not a year").with("year", *y)};
            e.problems.push_back({{"field", "year"}, {"message", word(e.message)}});
            throw e;
        }
    }
    const std::string encoding = call.param("encoding").value_or("utf-8");
    const std::string text = ledger::to_utf8(call.req.body, ledger::parse_encoding(encoding));
    std::vector<ledger::IndicatorProblem> problems;
    const ledger::IndicatorSheet sheet = ledger::parse_indicators(text, problems);
    const auto& l = call.ledger();
    ledger::ExecutionReport report;
    ledger::Evaluation evaluation;
    std::optional<ledger::Message> damaged;
    l.read_snapshot([&] {
        report = l.execution_report(code, year, cut);
        damaged = l.spot_check({{code, year}});
    });
    if (damaged) {
        throw HttpError{500, "integrity", msg("{problem}; run 'fundflow verify'").with("problem", *damaged)};
    }
    if (problems.empty()) {
        evaluation = ledger::evaluate(sheet, ledger::Profile{}, report, problems);
    }
    if (!problems.empty()) {
        HttpError e{400, "bad_input", msg("nothing was scored")};
        for (const auto& p : problems) {
            e.problems.push_back({{"field", "indicators"},
                                  {"line", p.line},
                                  {"column", p.column},
                                  {"message", word(p.message)}});
        }
        throw e;
    }
    if (format == "xlsx") {
        call.res.status = 200;
        call.res.set_header("Content-Disposition", "attachment; filename=\"" + url_encoded(code) + "-" +
                                                       std::to_string(year) + ".xlsx\"");
        call.res.set_content(xlsx_bytes(report, evaluation),
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        return;
    }
    auto options = call.render(format);
    options.unit = Unit::wan;  // as `fundflow evaluate` prints it
    const std::string body = capture_output([&] { print_evaluation(options, evaluation); });
    if (format == "json") {
        reply_json(call, 200, body);
    } else {
        call.res.status = 200;
        call.res.set_content(body, format == "md" ? "text/markdown; charset=utf-8" : "text/plain; charset=utf-8");
    }
}

}  // namespace

void evaluation_routes(httplib::Server& server, Service& service) {
    service.route(server, "POST", R"(/api/v1/projects/([^/]+)/evaluation)", Access::signed_in, post_evaluation);
}

}  // namespace fundflow::serve
