// serve/pages.cpp — the HTML pages of api.md "Pages": /login, /projects, /projects/{code}/{year},
// /entries/{id}, /warranty, /audit, and the files they load (/assets/app.css, app.js, chart.js).
//
// Chinese by default, English with ?lang=en (every link keeps it; a switch in the header). Every text that
// comes from the ledger or the request goes through html() — one escape function for every page. Pages
// carry a Content-Security-Policy of default-src 'self' with no inline script or style: the script
// (serve/assets/app.js) reads what it needs from data-* attributes. Figures and forms are the CLI's own:
// the 预算执行情况 form is print_execution's table text, captured.
#include <charconv>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "ledger/calendar.hpp"
#include "ledger/words.hpp"
#include "service.hpp"

namespace fundflow::serve {

extern const char* const kAppCss;
extern const char* const kAppJs;

namespace {

constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// The one escape function: text from the ledger or the request, made safe in element content and in
// double-quoted attribute values.
std::string html(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

const char* pick(const Call& call, const char* zh, const char* en) { return call.lang == Language::en ? en : zh; }

// A path with the page's language kept (and more query, already encoded, when given).
std::string link(const Call& call, const std::string& path, const std::string& query = {}) {
    std::string q = query;
    if (call.lang == Language::en) {
        q = q.empty() ? "lang=en" : q + "&lang=en";
    }
    return q.empty() ? path : path + "?" + q;
}

// The same page in the other language: the request's query with lang replaced.
std::string other_language(const Call& call) {
    std::string q;
    for (const auto& [key, value] : call.req.params) {
        if (key == "lang") {
            continue;
        }
        q += (q.empty() ? "" : "&") + url_encoded(key) + "=" + url_encoded(value);
    }
    q += std::string(q.empty() ? "" : "&") + (call.lang == Language::en ? "lang=zh" : "lang=en");
    return call.req.path + "?" + q;
}

std::string yuan(ledger::Money m) { return ledger::format_yuan(m); }
std::string percent(const ledger::Rate& r) { return ledger::format_percent(r); }

std::string kind_name(const Call& call, ledger::EntryKind k) {
    return std::string(call.lang == Language::en ? ledger::to_string(k) : ledger::chinese_name(k));
}
std::string level_name(const Call& call, ledger::Level l) {
    return std::string(call.lang == Language::en ? ledger::to_string(l) : ledger::chinese_name(l));
}

// The page around a body: header with the navigation, the user, logout and the language switch.
void reply_page(Call& call, const std::string& title, const std::string& body, int status = 200) {
    std::ostringstream o;
    o << "<!DOCTYPE html>\n<html lang=\"" << (call.lang == Language::en ? "en" : "zh-CN") << "\"><head>"
      << "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      << "<title>" << html(title) << " — fundflow</title><link rel=\"stylesheet\" href=\"/assets/app.css\"></head>"
      << "<body><header><a class=\"brand\" href=\"" << html(link(call, "/projects")) << "\">fundflow "
      << pick(call, "资金台账", "ledger") << "</a>";
    if (call.who) {
        o << "<a href=\"" << html(link(call, "/projects")) << "\">" << pick(call, "项目", "Projects") << "</a>"
          << "<a href=\"" << html(link(call, "/warranty")) << "\">" << pick(call, "质保金", "Warranty") << "</a>";
        if (call.who->role != ledger::Role::accountant) {
            o << "<a href=\"" << html(link(call, "/audit")) << "\">" << pick(call, "审计", "Audit") << "</a>";
        }
    }
    o << "<span class=\"right\">";
    if (call.who) {
        const auto role = call.who->role;
        o << "<span id=\"whoami\">" << html(call.who->user) << " ("
          << (role == ledger::Role::accountant ? pick(call, "会计", "accountant")
              : role == ledger::Role::auditor  ? pick(call, "审计", "auditor")
                                               : pick(call, "管理员", "admin"))
          << ")</span><button id=\"logout\" type=\"button\">" << pick(call, "退出", "Log out") << "</button>";
    }
    o << "<a id=\"lang-switch\" href=\"" << html(other_language(call)) << "\">"
      << (call.lang == Language::en ? "中文" : "English") << "</a></span></header><main>" << body
      << "</main><script src=\"/assets/chart.js\"></script><script src=\"/assets/app.js\"></script></body></html>\n";
    call.res.status = status;
    call.res.set_header("Content-Security-Policy", kCsp);
    call.res.set_header("Cache-Control", "no-store");
    call.res.set_content(o.str(), "text/html; charset=utf-8");
}

// A page route: errors become a page in the user's language (with the rule's own message).
void page(httplib::Server& server, Service& service, const std::string& pattern, Access access,
          std::function<void(Call&)> handler) {
    service.route(
        server, "GET", pattern, access,
        [handler = std::move(handler)](Call& call) {
            auto fail = [&](const HttpError& e) {
                reply_page(call, pick(call, "出错了", "Error"),
                           "<h1>" + std::to_string(e.status) + "</h1><p class=\"error\" id=\"page-error\">" +
                               html(word(e.message)) + "</p>",
                           e.status);
            };
            try {
                handler(call);
            } catch (const HttpError& e) {
                fail(e);
            } catch (const ledger::Error& e) {
                fail(http_error_of(e));
            }
        },
        true);
}

void require_auditing(const Call& call) {
    if (call.who->role == ledger::Role::accountant) {
        throw HttpError{403, "forbidden",
                        ledger::msg("the role {role} may not do this").with("role", std::string("accountant"))};
    }
}

std::int64_t whole(const std::string& text, std::int64_t fallback) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    return ec == std::errc() && end == text.data() + text.size() ? v : fallback;
}

// A table cell with a number.
std::string num(const std::string& text) { return "<td class=\"num\">" + html(text) + "</td>"; }

int days_in_month(int year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

std::string two(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

// ---------------------------------------------------------------------------------------------------------

void login_page(Call& call) {
    std::string next = call.param("next").value_or("/projects");
    if (next.empty() || next[0] != '/' || next.rfind("//", 0) == 0) {  // only this site's own paths
        next = "/projects";
    }
    if (call.lang == Language::en && next.find("lang=") == std::string::npos) {
        next += next.find('?') == std::string::npos ? "?lang=en" : "&lang=en";
    }
    std::ostringstream b;
    b << "<h1>" << pick(call, "登录", "Log in") << "</h1>"
      << "<form id=\"login-form\" class=\"login\" data-next=\"" << html(next) << "\">"
      << "<label>" << pick(call, "用户名", "User name") << "<input name=\"user\" autocomplete=\"username\" required></label>"
      << "<label>" << pick(call, "密码", "Password")
      << "<input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>"
      << "<button type=\"submit\" id=\"login-submit\">" << pick(call, "登录", "Log in") << "</button>"
      << "<p id=\"login-error\" class=\"error\"></p></form>";
    reply_page(call, pick(call, "登录", "Log in"), b.str());
}

// The years a project has entries in, oldest first.
std::set<int> years_of(const ledger::Ledger& l, const std::string& code) {
    std::set<int> years;
    ledger::LogFilter f;
    f.project = code;
    l.each_entry(f, [&](const ledger::Entry& e) {
        if (e.kind != ledger::EntryKind::project && e.kind != ledger::EntryKind::contract) {
            years.insert(ledger::year_of(e.effective_on));
        }
    });
    return years;
}

std::string meter(double value) {
    std::ostringstream o;
    o << "<meter min=\"0\" max=\"100\" low=\"0\" high=\"100\" optimum=\"100\" value=\"" << value << "\"></meter>";
    return o.str();
}

double percent_value(const ledger::Rate& r) {
    const auto h = r.defined() ? r.percent_hundredths() : std::nullopt;
    return h ? static_cast<double>(*h) / 100.0 : 0.0;
}

void projects_page(Call& call) {
    const auto& l = call.ledger();
    ledger::ReadCut cut;
    std::ostringstream b;
    b << "<h1>" << pick(call, "项目资金到位与执行", "Projects: arrival and execution") << "</h1>";
    b << "<table class=\"grid\" id=\"projects\"><tr><th>" << pick(call, "项目", "Project") << "</th><th>"
      << pick(call, "年度", "Year") << "</th><th>" << pick(call, "全年预算（元）", "Full-year budget (yuan)")
      << "</th><th>" << pick(call, "到位率", "Arrival rate") << "</th><th>" << pick(call, "执行率", "Execution rate")
      << "</th></tr>";
    l.read_snapshot([&] {
        const auto balances = l.balances(std::nullopt, ledger::BalanceBy::project, cut);
        for (const auto& row : balances.rows) {
            for (const int year : years_of(l, row.project)) {
                const auto r = l.execution_report(row.project, year, cut);
                const std::string href = link(call, "/projects/" + url_encoded(row.project) + "/" + std::to_string(year));
                b << "<tr><td><a href=\"" << html(href) << "\">" << html(row.project) << " "
                  << html(r.project_name) << "</a></td><td>" << year << "</td>" << num(yuan(r.total.full_year_budget))
                  << "<td>" << meter(percent_value(r.total.arrival_rate())) << " " << html(percent(r.total.arrival_rate()))
                  << "%</td><td>" << meter(percent_value(r.total.execution_rate())) << " "
                  << html(percent(r.total.execution_rate())) << "%</td></tr>";
            }
        }
    });
    b << "</table>";
    reply_page(call, pick(call, "项目", "Projects"), b.str());
}

// A JSON array of numbers in 万元 (the chart's unit), from figures.
std::string wan_array(const std::vector<ledger::Money>& values) {
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i) {
        out += (i ? "," : "") + ledger::format_wan(values[i]);
    }
    return out + "]";
}

void project_year_page(Call& call) {
    const std::string code = call.req.matches[1];
    const int year = static_cast<int>(whole(call.req.matches[2], 0));
    const auto& l = call.ledger();
    ledger::ReadCut cut;
    std::string form;
    ledger::ExecutionReport report;
    std::vector<std::string> labels;
    std::vector<ledger::Money> arrived;
    std::vector<ledger::Money> executed;
    std::vector<ledger::Money> budget;
    std::vector<ledger::Entry> entries;
    ledger::LogFilter f;
    f.project = code;
    f.from = ledger::first_day_of(year);
    f.to = ledger::last_day_of(year);
    auto field = [&](const char* name, auto parse) {
        if (const auto v = call.param(name)) {
            try {
                return std::optional(parse(*v));
            } catch (const ledger::Error& e) {
                throw HttpError{400, "bad_input", e.message()};
            }
        }
        return std::optional<decltype(parse(std::string()))>();
    };
    if (auto k = field("kind", [](const std::string& v) { return ledger::parse_entry_kind(v); })) f.kind = *k;
    if (auto d = field("from", [](const std::string& v) { return ledger::parse_date(v); })) f.from = *d;
    if (auto d = field("to", [](const std::string& v) { return ledger::parse_date(v); })) f.to = *d;
    f.posted_by = call.param("posted_by");
    const std::int64_t limit = std::clamp<std::int64_t>(whole(call.param("limit").value_or("50"), 50), 1, 1000);
    f.limit = limit + 1;  // one more tells whether there is a next page
    if (const auto after = call.param("after_id")) {
        f.after_id = ledger::EntryId{whole(*after, 0)};
    }
    std::optional<ledger::Message> damaged;
    l.read_snapshot([&] {
        report = l.execution_report(code, year, cut);
        RenderOptions o = call.render("table");
        form = capture_output([&] { print_execution(o, report); });
        for (int month = 1; month <= 12; ++month) {
            const auto end = ledger::parse_date(std::to_string(year) + "-" + two(month) + "-" +
                                                std::to_string(days_in_month(year, month)));
            if (end > cut.as_of && month > 1 && ledger::year_of(cut.as_of) == year) {
                break;  // the future has no figures yet
            }
            const auto r = l.execution_report(code, year, ledger::ReadCut{end, std::nullopt});
            labels.push_back(std::to_string(year) + "-" + two(month));
            arrived.push_back(r.total.arrived);
            executed.push_back(r.total.executed);
            budget.push_back(r.total.full_year_budget);
        }
        entries = l.log(f);
        damaged = l.spot_check({{code, year}});
    });
    if (damaged) {
        throw HttpError{500, "integrity", ledger::msg("{problem}; run 'fundflow verify'").with("problem", *damaged)};
    }
    const bool more = static_cast<std::int64_t>(entries.size()) > limit;
    if (more) {
        entries.resize(static_cast<std::size_t>(limit));
    }
    std::ostringstream b;
    b << "<h1>" << html(code) << " " << html(report.project_name) << " · " << year << "</h1>";
    b << "<h2>" << pick(call, "预算执行情况", "Budget execution") << "</h2><pre class=\"form\" id=\"execution-form\">"
      << html(form) << "</pre>";

    std::string labels_json = "[";
    for (std::size_t i = 0; i < labels.size(); ++i) {
        labels_json += (i ? ",\"" : "\"") + labels[i] + "\"";
    }
    labels_json += "]";
    b << "<h2>" << pick(call, "累计到位与执行（万元）", "Cumulative arrival and execution (10k yuan)")
      << "</h2><div class=\"chart-box\"><canvas id=\"chart\" data-labels=\"" << html(labels_json) << "\" data-arrived=\""
      << html(wan_array(arrived)) << "\" data-executed=\"" << html(wan_array(executed)) << "\" data-budget=\""
      << html(wan_array(budget)) << "\" data-arrived-label=\"" << pick(call, "累计到位", "Arrived (cumulative)")
      << "\" data-executed-label=\"" << pick(call, "累计执行", "Executed (cumulative)") << "\" data-budget-label=\""
      << pick(call, "全年预算", "Full-year budget") << "\" data-unit=\"" << pick(call, "万元", "10k yuan")
      << "\"></canvas></div>";

    // Entries with filters and paging.
    const std::string self = "/projects/" + url_encoded(code) + "/" + std::to_string(year);
    b << "<h2>" << pick(call, "分录", "Entries") << "</h2><form class=\"inline\" method=\"get\" action=\"" << html(self)
      << "\" id=\"filters\">";
    if (call.lang == Language::en) {
        b << "<input type=\"hidden\" name=\"lang\" value=\"en\">";
    }
    b << "<label>" << pick(call, "类型", "Kind") << "<select name=\"kind\"><option value=\"\"></option>";
    for (const auto k : {ledger::EntryKind::appropriation, ledger::EntryKind::adjustment, ledger::EntryKind::arrival,
                         ledger::EntryKind::payment, ledger::EntryKind::refund, ledger::EntryKind::retention,
                         ledger::EntryKind::release, ledger::EntryKind::forfeit, ledger::EntryKind::recovery,
                         ledger::EntryKind::contract, ledger::EntryKind::reversal}) {
        const std::string id(ledger::to_string(k));
        b << "<option value=\"" << id << "\"" << (f.kind == k ? " selected" : "") << ">" << html(kind_name(call, k))
          << "</option>";
    }
    b << "</select></label><label>" << pick(call, "起", "From") << "<input type=\"date\" name=\"from\" value=\""
      << html(call.param("from").value_or("")) << "\"></label><label>" << pick(call, "止", "To")
      << "<input type=\"date\" name=\"to\" value=\"" << html(call.param("to").value_or("")) << "\"></label><label>"
      << pick(call, "记账人", "Posted by") << "<input name=\"posted_by\" value=\"" << html(call.param("posted_by").value_or(""))
      << "\"></label><label>" << pick(call, "每页", "Per page") << "<input type=\"number\" name=\"limit\" min=\"1\" max=\"1000\" value=\""
      << limit << "\"></label><button type=\"submit\">" << pick(call, "筛选", "Filter") << "</button></form>";
    b << "<table class=\"grid\" id=\"entries\"><tr><th>#</th><th>" << pick(call, "日期", "Date") << "</th><th>"
      << pick(call, "类型", "Kind") << "</th><th>" << pick(call, "级次", "Level") << "</th><th>"
      << pick(call, "金额（元）", "Amount (yuan)") << "</th><th>" << pick(call, "合同", "Contract") << "</th><th>"
      << pick(call, "凭证号", "Ref") << "</th><th>" << pick(call, "记账人", "User") << "</th><th>"
      << pick(call, "摘要", "Memo") << "</th></tr>";
    for (const auto& e : entries) {
        const std::string id = std::to_string(static_cast<std::int64_t>(e.id));
        b << "<tr><td><a href=\"" << html(link(call, "/entries/" + id)) << "\">" << id << "</a></td><td>"
          << html(ledger::to_string(e.effective_on)) << "</td><td>" << html(kind_name(call, e.kind)) << "</td><td>"
          << (e.level ? html(level_name(call, *e.level)) : "") << "</td>" << num(yuan(e.amount)) << "<td>"
          << html(e.contract.value_or("")) << "</td><td>" << html(e.ref.value_or("")) << "</td><td>" << html(e.user)
          << "</td><td class=\"memo\">" << html(e.memo) << "</td></tr>";
    }
    b << "</table><div class=\"pager\">";
    if (call.param("after_id")) {
        b << "<a id=\"first-page\" href=\"" << html(link(call, self)) << "\">" << pick(call, "第一页", "First page") << "</a>";
    }
    if (more && !entries.empty()) {
        std::string q;
        for (const auto& [key, value] : call.req.params) {
            if (key != "after_id" && key != "lang") {
                q += (q.empty() ? "" : "&") + url_encoded(key) + "=" + url_encoded(value);
            }
        }
        q += (q.empty() ? "" : "&") + std::string("after_id=") +
             std::to_string(static_cast<std::int64_t>(entries.back().id));
        b << "<a id=\"next-page\" href=\"" << html(link(call, self, q)) << "\">" << pick(call, "下一页", "Next page")
          << "</a>";
    }
    b << "</div>";

    // Posting: accountants who may post on this project only.
    if (call.who->role == ledger::Role::accountant && call.who->may_post(code)) {
        b << "<h2>" << pick(call, "记账", "Post an entry") << "</h2><form id=\"post-form\" class=\"stack\" data-project=\""
          << html(code) << "\" data-posted=\"" << pick(call, "已记账", "Posted") << "\"><label>" << pick(call, "类型", "Kind")
          << "<select name=\"kind\">";
        for (const auto k : {ledger::EntryKind::payment, ledger::EntryKind::arrival, ledger::EntryKind::appropriation,
                             ledger::EntryKind::adjustment, ledger::EntryKind::refund, ledger::EntryKind::retention,
                             ledger::EntryKind::release, ledger::EntryKind::forfeit, ledger::EntryKind::recovery}) {
            b << "<option value=\"" << ledger::to_string(k) << "\">" << html(kind_name(call, k)) << "</option>";
        }
        b << "</select></label><label>" << pick(call, "级次", "Level") << "<select name=\"level\">";
        for (const auto lv : ledger::kLevels) {
            b << "<option value=\"" << ledger::to_string(lv) << "\"" << (lv == ledger::Level::county ? " selected" : "")
              << ">" << html(level_name(call, lv)) << "</option>";
        }
        b << "</select></label><label>" << pick(call, "金额（元）", "Amount (yuan)")
          << "<input name=\"amount\" inputmode=\"decimal\" placeholder=\"1,000.00\"></label><label>"
          << pick(call, "日期", "Date") << "<input type=\"date\" name=\"date\"></label><label>" << pick(call, "合同", "Contract")
          << "<input name=\"contract\"></label><label>" << pick(call, "凭证号", "Ref") << "<input name=\"ref\"></label><label>"
          << pick(call, "摘要", "Memo") << "<input name=\"memo\"></label><button type=\"submit\" id=\"post-submit\">"
          << pick(call, "记账", "Post") << "</button></form><p id=\"post-result\"></p>";
    }

    // The self-evaluation: an indicator CSV scored into the 绩效自评表.
    b << "<h2>" << pick(call, "绩效自评表", "Performance self-evaluation") << "</h2><form id=\"eval-form\" class=\"inline\" data-project=\""
      << html(code) << "\" data-year=\"" << year << "\" data-need-file=\""
      << pick(call, "请选择指标 CSV 文件", "Choose an indicator CSV file") << "\"><label>"
      << pick(call, "指标表（CSV）", "Indicator sheet (CSV)")
      << "<input type=\"file\" name=\"indicators\" accept=\".csv,text/csv\"></label><button type=\"submit\" id=\"eval-submit\">"
      << pick(call, "评分", "Score") << "</button><span id=\"eval-downloads\" hidden><button type=\"button\" data-download=\"xlsx\">"
      << pick(call, "下载 xlsx", "Download xlsx") << "</button> <button type=\"button\" data-download=\"md\">"
      << pick(call, "下载 Markdown", "Download Markdown") << "</button></span></form><pre id=\"eval-result\"></pre>";
    reply_page(call, code + " " + std::to_string(year), b.str());
}

void entry_page(Call& call) {
    const std::int64_t id = whole(call.req.matches[1], -1);
    const auto& l = call.ledger();
    ledger::ReadCut cut;
    ledger::Entry e;
    std::string detail;
    std::optional<ledger::EntryId> reversed;
    l.read_snapshot([&] {
        e = l.entry(ledger::EntryId{id});
        reversed = l.reversed_by(e.id);
        std::optional<ledger::Project> project;
        std::optional<ledger::Contract> contract;
        if (e.kind == ledger::EntryKind::project) {
            project = l.project_in_force(e.project, cut.as_of, cut.known_at);
        } else if (e.kind == ledger::EntryKind::contract && e.contract) {
            contract = l.contract_in_force(e.project, *e.contract, cut.as_of, cut.known_at);
        }
        const auto o = call.render("table");
        detail = capture_output([&] { print_entry_detail(o, e, reversed, project, contract, entry_extras(o, l, e, cut.as_of)); });
    });
    std::ostringstream b;
    const std::string sid = std::to_string(id);
    b << "<h1>" << pick(call, "分录", "Entry") << " #" << sid << "</h1><table class=\"grid\" id=\"entry\">";
    auto row = [&](const char* zh, const char* en, const std::string& value, const char* cls = nullptr) {
        b << "<tr><th>" << pick(call, zh, en) << "</th><td" << (cls ? std::string(" class=\"") + cls + "\"" : "") << ">"
          << html(value) << "</td></tr>";
    };
    b << "<tr><th>" << pick(call, "项目", "Project") << "</th><td><a href=\""
      << html(link(call, "/projects/" + url_encoded(e.project) + "/" + std::to_string(ledger::year_of(e.effective_on))))
      << "\">" << html(e.project) << "</a></td></tr>";
    row("类型", "Kind", kind_name(call, e.kind));
    row("级次", "Level", e.level ? level_name(call, *e.level) : "");
    row("金额（元）", "Amount (yuan)", yuan(e.amount));
    row("日期", "Date", ledger::to_string(e.effective_on));
    row("合同", "Contract", e.contract.value_or(""));
    row("凭证号", "Ref", e.ref.value_or(""));
    row("记账人", "User", e.user);
    row("记录时间", "Recorded at", e.recorded_at);
    b << "<tr><th>" << pick(call, "摘要", "Memo") << "</th><td id=\"memo\">" << html(e.memo) << "</td></tr>";
    row("哈希", "Hash", e.hash, "hash");
    row("前一哈希", "Previous hash", e.prev_hash, "hash");
    if (reversed) {
        const std::string r = std::to_string(static_cast<std::int64_t>(*reversed));
        b << "<tr><th>" << pick(call, "已冲销", "Reversed by") << "</th><td><a href=\"" << html(link(call, "/entries/" + r))
          << "\">#" << r << "</a></td></tr>";
    }
    b << "</table><h2>" << pick(call, "fundflow show 输出", "As fundflow show prints it") << "</h2><pre class=\"form\">"
      << html(detail) << "</pre>";
    reply_page(call, pick(call, "分录", "Entry") + std::string(" #") + sid, b.str());
}

void warranty_page(Call& call) {
    const auto& l = call.ledger();
    ledger::WarrantyReport due;
    ledger::WarrantyReport overdue;
    l.read_snapshot([&] {
        ledger::WarrantyFilter f;
        f.status = ledger::RetentionStatus::overdue;
        overdue = l.warranty(f);
        ledger::WarrantyFilter g;
        g.due_within_days = 60;
        due = l.warranty(g);
    });
    std::vector<ledger::WarrantyRow> rows = overdue.rows;
    for (const auto& r : due.rows) {
        if (r.status != ledger::RetentionStatus::overdue) {
            rows.push_back(r);
        }
    }
    std::ostringstream b;
    b << "<h1>" << pick(call, "质保金：60 天内到期与逾期", "Warranty deposits: due within 60 days and overdue")
      << "</h1><p class=\"muted\">" << pick(call, "截至", "As of") << " " << html(ledger::to_string(due.as_of)) << "</p>";
    if (rows.empty()) {
        b << "<p id=\"warranty-none\">" << pick(call, "没有 60 天内到期或逾期的质保金。", "No deposit is due within 60 days or overdue.")
          << "</p>";
    }
    b << "<table class=\"grid\" id=\"warranty\"><tr><th>" << pick(call, "项目", "Project") << "</th><th>"
      << pick(call, "合同", "Contract") << "</th><th>" << pick(call, "供应商", "Supplier") << "</th><th>"
      << pick(call, "未退还（元）", "Outstanding (yuan)") << "</th><th>" << pick(call, "到期日", "Due") << "</th><th>"
      << pick(call, "状态", "Status") << "</th><th>" << pick(call, "距到期天数", "Days to due") << "</th></tr>";
    for (const auto& r : rows) {
        const bool late = r.status == ledger::RetentionStatus::overdue;
        b << "<tr" << (late ? " class=\"overdue\"" : "") << "><td>" << html(r.project) << "</td><td>" << html(r.contract)
          << "</td><td>" << html(r.supplier) << "</td>" << num(yuan(r.outstanding())) << "<td>"
          << html(ledger::to_string(r.due)) << "</td><td>"
          << html(call.lang == Language::en ? ledger::to_string(r.status) : ledger::chinese_name(r.status)) << "</td>"
          << num(std::to_string(r.days_to_due)) << "</tr>";
    }
    b << "</table>";
    reply_page(call, pick(call, "质保金", "Warranty"), b.str());
}

void audit_page(Call& call) {
    require_auditing(call);
    const auto& l = call.ledger();
    const auto o = call.render("table");
    const std::string verify = capture_output([&] { print_verify(o, l.verify()); });
    const std::string check = capture_output([&] { print_check(o, l.check(ledger::ReadCut{}, 30)); });
    const std::string digest = capture_output([&] { print_digest(o, l.digest()); });
    std::ostringstream b;
    b << "<h1>" << pick(call, "审计", "Audit") << "</h1><h2>" << pick(call, "校验哈希链 (verify)", "Verify the hash chain")
      << "</h2><pre class=\"form\" id=\"verify\">" << html(verify) << "</pre><h2>" << pick(call, "检查 (check)", "Checks")
      << "</h2><pre class=\"form\" id=\"check\">" << html(check) << "</pre><h2>" << pick(call, "摘要 (digest)", "Digest")
      << "</h2><pre class=\"form\" id=\"digest\">" << html(digest) << "</pre>";
    const auto user = call.param("posted_by");
    b << "<h2>" << pick(call, "按用户查看记录", "Log by user") << "</h2><form class=\"inline\" method=\"get\" action=\"/audit\">";
    if (call.lang == Language::en) {
        b << "<input type=\"hidden\" name=\"lang\" value=\"en\">";
    }
    b << "<label>" << pick(call, "记账人", "Posted by") << "<input name=\"posted_by\" value=\"" << html(user.value_or(""))
      << "\"></label><button type=\"submit\">" << pick(call, "查看", "Show") << "</button></form>";
    if (user) {
        ledger::LogFilter f;
        f.posted_by = user;
        f.limit = 500;
        const std::string log = capture_output([&] { print_log(o, l.log(f)); });
        b << "<pre class=\"form\" id=\"user-log\">" << html(log) << "</pre>";
    }
    reply_page(call, pick(call, "审计", "Audit"), b.str());
}

std::string read_whole(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return {};
    }
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

void add_pages(httplib::Server& server, Service& service) {
    service.route(server, "GET", "/", Access::anyone, [](Call& call) {
        call.res.status = 303;
        call.res.set_header("Location", link(call, call.who ? "/projects" : "/login"));
    });
    service.route(server, "GET", "/assets/app.css", Access::anyone, [](Call& call) {
        call.res.set_header("Cache-Control", "max-age=300");
        call.res.set_content(kAppCss, "text/css; charset=utf-8");
    });
    service.route(server, "GET", "/assets/app.js", Access::anyone, [](Call& call) {
        call.res.set_header("Cache-Control", "max-age=300");
        call.res.set_content(kAppJs, "text/javascript; charset=utf-8");
    });
    // Chart.js from Debian's libjs-chart.js (Options::assets), served by the service itself: never a CDN.
    service.route(server, "GET", "/assets/chart.js", Access::anyone, [](Call& call) {
        const std::string dir = call.service.options().assets + "/chart.js/";
        std::string js = read_whole(dir + "chart.umd.js");
        if (js.empty()) {
            js = read_whole(dir + "chart.min.js");
        }
        if (js.empty()) {
            throw HttpError{404, "not_found", ledger::msg("no such page or resource")};
        }
        call.res.set_header("Cache-Control", "max-age=3600");
        call.res.set_content(js, "text/javascript; charset=utf-8");
    });
    page(server, service, "/login", Access::anyone, login_page);
    page(server, service, "/projects", Access::signed_in, projects_page);
    page(server, service, R"(/projects/([^/]+)/(\d{4}))", Access::signed_in, project_year_page);
    page(server, service, R"(/entries/(\d+))", Access::signed_in, entry_page);
    page(server, service, "/warranty", Access::signed_in, warranty_page);
    page(server, service, "/audit", Access::signed_in, audit_page);
}

}  // namespace fundflow::serve
