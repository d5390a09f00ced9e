// serve/writes.cpp — the service's writes (api.md "Writes"): a posting as an import row in JSON, a reversal,
// an import, the self-evaluation. Every entry records the authenticated user; a refusal writes nothing.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>

#include "ledger/csv.hpp"
#include "ledger/encoding.hpp"
#include "ledger/evaluation.hpp"
#include "ledger/import.hpp"
#include "service.hpp"

namespace fundflow::serve {
namespace {

using ledger::msg;

// Kinds only an admin registers (api.md: admin adds projects and closes years, and posts no money).
bool admin_kind(std::string_view kind) {
    return kind == "project" || kind == "项目" || kind == "close" || kind == "关账" || kind == "年度关账" ||
           kind == "reopen" || kind == "重开年度";
}

// The JSON object as import cells, in the order given. Values are strings (money in 元, as in the CSV:
// never a JSON number, which a client may have passed through binary floating point); whole numbers are
// accepted for the integer columns.
std::vector<std::pair<std::string, std::string>> cells_of(const nlohmann::ordered_json& body) {
    std::vector<std::pair<std::string, std::string>> cells;
    HttpError bad{400, "bad_input", msg("the posting has bad fields: see problems")};
    for (const auto& [key, value] : body.items()) {
        if (value.is_string()) {
            cells.emplace_back(key, value.get<std::string>());
        } else if (value.is_number_integer() && key != "amount" && key != "金额") {
            cells.emplace_back(key, value.dump());
        } else if (value.is_boolean()) {
            cells.emplace_back(key, value.get<bool>() ? "1" : "0");
        } else if (value.is_null()) {
            cells.emplace_back(key, "");
        } else {
            bad.problems.push_back({{"field", key},
                                    {"message", word(msg("give {field} as a string (amounts in 元, e.g. \"1196525.00\")")
                                                         .with("field", key))}});
        }
    }
    if (!bad.problems.empty()) {
        throw bad;
    }
    return cells;
}

std::string cell(const std::vector<std::pair<std::string, std::string>>& cells, const char* en, const char* zh) {
    for (const auto& [k, v] : cells) {
        if (k == en || k == zh) {
            return v;
        }
    }
    return {};
}

// 403 unless the caller may post this kind on this project.
void may_post(const Call& call, const std::string& kind, const std::string& project) {
    const auto& who = *call.who;
    if (admin_kind(kind)) {
        if (who.role != ledger::Role::admin) {
            throw HttpError{403, "forbidden", msg("only an admin registers projects and closes or reopens years")};
        }
        return;
    }
    if (who.role != ledger::Role::accountant) {
        throw HttpError{403, "forbidden",
                        msg("the role {role} posts no money (only accountants post)")
                            .with("role", std::string(ledger::to_string(who.role)))};
    }
    if (!project.empty() && !who.may_post(project)) {
        throw HttpError{403, "forbidden",
                        msg("{user} may not post on project {project}").with("user", who.user).with("project", project)};
    }
}

nlohmann::json problems_json(const std::vector<ledger::ImportProblem>& problems,
                             const std::vector<std::pair<std::string, std::string>>& cells) {
    auto list = nlohmann::json::array();
    for (const auto& p : problems) {
        nlohmann::json item;
        const auto at = static_cast<std::size_t>(p.column);
        item["field"] = at >= 1 && at <= cells.size() ? cells[at - 1].first : std::string();
        item["message"] = word(p.message);
        list.push_back(item);
    }
    return list;
}

// A temporary file holding the request body, removed when done (import_csv reads a file).
class BodyFile {
public:
    explicit BodyFile(const std::string& body) {
        char name[] = "/tmp/fundflow-serve-XXXXXX";
        const int fd = mkstemp(name);
        if (fd < 0) {
            throw ledger::Error(ledger::ErrorCode::storage, msg("cannot make a temporary file for the upload"));
        }
        path_ = name;
        std::size_t done = 0;
        while (done < body.size()) {
            const auto n = ::write(fd, body.data() + done, body.size() - done);
            if (n <= 0) {
                ::close(fd);
                std::remove(path_.c_str());
                throw ledger::Error(ledger::ErrorCode::storage, msg("cannot make a temporary file for the upload"));
            }
            done += static_cast<std::size_t>(n);
        }
        ::close(fd);
    }
    ~BodyFile() { std::remove(path_.c_str()); }
    BodyFile(const BodyFile&) = delete;
    BodyFile& operator=(const BodyFile&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

void post_entry(Call& call) {
    nlohmann::ordered_json body;
    try {
        body = nlohmann::ordered_json::parse(call.req.body);
    } catch (const nlohmann::json::parse_error&) {
        throw HttpError{400, "bad_input", msg("the body is not JSON: send a JSON object")};
    }
    if (!body.is_object()) {
        throw HttpError{400, "bad_input", msg("the body must be a JSON object")};
    }
    const auto cells = cells_of(body);
    may_post(call, cell(cells, "kind", "类型"), cell(cells, "project", "项目"));
    std::optional<std::string> key;
    if (call.req.has_header("Idempotency-Key") && !call.service.options().sabotage_idempotency) {
        key = call.req.get_header_value("Idempotency-Key");
        if (key->empty() || key->size() > 200) {
            throw HttpError{400, "bad_input", msg("Idempotency-Key must be 1 to 200 characters")};
        }
    }
    ledger::RowPosting posted;
    try {
        posted = ledger::post_import_row(call.ledger(), cells, call.actor(), key);
    } catch (const ledger::Error& e) {
        // A voucher ref already on file for other content is a conflict, not a rule of the ledger.
        const std::string ref = cell(cells, "ref", "凭证号");
        const std::string project = cell(cells, "project", "项目");
        if (e.code() == ledger::ErrorCode::rejected && !ref.empty() && !project.empty() &&
            call.ledger().entry_by_ref(project, ref)) {
            throw HttpError{409, "conflict", e.message()};
        }
        throw;
    }
    if (!posted.problems.empty()) {
        HttpError bad{400, "bad_input", posted.problems.front().message};
        bad.problems = problems_json(posted.problems, cells);
        throw bad;
    }
    if (posted.conflict) {
        throw HttpError{409, "conflict",
                        msg("Idempotency-Key '{key}' was used for other content (entry #{id}); use a new key")
                            .with("key", *key)
                            .with("id", std::to_string(static_cast<std::int64_t>(posted.entry->id)))};
    }
    if (!posted.entry) {
        throw HttpError{422, "refused", msg("nothing was posted: the row is on file already")};
    }
    reply_json(call, posted.created ? 201 : 200, capture_output([&] {
                   print_posted(call.render(), ledger::PostResult{*posted.entry, posted.created});
               }));
}

void post_reversal(Call& call) {
    nlohmann::json body;
    try {
        body = nlohmann::json::parse(call.req.body);
    } catch (const nlohmann::json::parse_error&) {
        throw HttpError{400, "bad_input", msg("the body is not JSON: send a JSON object")};
    }
    HttpError bad{400, "bad_input", msg("a reversal is {\"id\": N, \"reason\": \"...\"}")};
    if (!body.is_object() || !body.contains("id") || !body["id"].is_number_integer() || body["id"].get<std::int64_t>() < 1) {
        bad.problems.push_back({{"field", "id"}, {"message", word(msg("required: the entry id, a whole number"))}});
    }
    if (!body.is_object() || !body.contains("reason") || !body["reason"].is_string() ||
        body["reason"].get<std::string>().empty()) {
        bad.problems.push_back({{"field", "reason"}, {"message", word(msg("required: a non-empty string"))}});
    }
    if (!bad.problems.empty()) {
        throw bad;
    }
    auto& l = call.ledger();
    const ledger::EntryId id{body["id"].get<std::int64_t>()};
    const auto original = l.entry(id);  // 404 for an unknown entry
    may_post(call, "payment", original.project);
    const auto result = l.reverse(id, body["reason"].get<std::string>(), call.actor());
    reply_json(call, 201, capture_output([&] { print_posted(call.render(), result); }));
}

void post_import(Call& call) {
    // An accountant limited to some projects may import rows of those only: every row's project is read
    // before anything is posted.
    if (!call.who->projects.empty()) {
        try {
            const auto records = ledger::parse_csv(call.req.body);
            std::optional<std::size_t> column;
            for (const auto& record : records) {
                if (!column) {
                    for (std::size_t i = 0; i < record.fields.size(); ++i) {
                        if (record.fields[i] == "project" || record.fields[i] == "项目") {
                            column = i;
                        }
                    }
                    if (!column) {
                        break;
                    }
                    continue;
                }
                if (*column < record.fields.size() && !record.fields[*column].empty()) {
                    may_post(call, "payment", record.fields[*column]);
                }
            }
        } catch (const ledger::CsvError&) {
            // import_csv reports the file's problems with their lines below
        }
    } else {
        may_post(call, "payment", "");
    }
    ledger::ImportOptions options;
    options.dry_run = call.param("dry_run").value_or("0") != "0";
    options.again = call.param("again").value_or("0") != "0";
    options.allow_duplicates = call.param("allow_duplicates").value_or("0") != "0";
    if (const auto encoding = call.param("encoding")) {
        options.encoding = *encoding;
    }
    const BodyFile file(call.req.body);
    const auto result = ledger::import_csv(call.ledger(), file.path(), call.actor(), options);
    const int status = !result.problems.empty() ? 400 : result.refused() ? 409 : options.dry_run ? 200 : 201;
    reply_json(call, status, capture_output([&] { print_import(call.render(), result, options.dry_run); }));
}

}  // namespace

void write_routes(httplib::Server& server, Service& service) {
    service.route(server, "POST", "/api/v1/entries", Access::signed_in, post_entry);
    service.route(server, "POST", "/api/v1/reversals", Access::signed_in, post_reversal);
    service.route(server, "POST", "/api/v1/import", Access::signed_in, post_import);
}

}  // namespace fundflow::serve
