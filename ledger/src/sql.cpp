#include "sql.hpp"

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include <cctype>
#include <charconv>

namespace ledger::detail::sql {
namespace {

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

// libpq's text on one line: its line breaks and tabs become single spaces, none at either end (a message
// of fundflow's quotes it, and cli.md allows one line).
std::string one_line(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
        if (space) {
            if (!out.empty() && out.back() != ' ') {
                out += ' ';
            }
        } else {
            out += c;
        }
    }
    while (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out;
}

// Runs body, turning libpqxx's exceptions into PgError (the one type guarded() knows).
template <typename F>
auto pg_guarded(F&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const pqxx::sql_error& e) {
        throw PgError(e.sqlstate().empty() ? "XX000" : e.sqlstate(), one_line(e.what()));
    } catch (const pqxx::broken_connection& e) {
        throw PgError("", one_line(e.what()));
    } catch (const pqxx::in_doubt_error& e) {
        throw PgError("", one_line(e.what()));
    } catch (const pqxx::failure& e) {
        throw PgError("XX000", one_line(e.what()));
    }
}

// The server's notices and warnings (a shutdown's "terminating connection", …) go to the debug log, never to
// stderr: a command prints one line of its own when it fails (cli.md), and nothing when it succeeds.
class QuietNotices : public pqxx::errorhandler {
public:
    explicit QuietNotices(pqxx::connection_base& connection) : pqxx::errorhandler(connection) {}
    bool operator()(const char message[]) noexcept override {
        spdlog::debug("PostgreSQL: {}", one_line(message));
        return false;  // not to libpqxx's default, which writes to stderr
    }
};

}  // namespace

// One connection and the nontransaction every statement runs in: fundflow sends BEGIN and COMMIT itself
// (Store::transaction, Store::read), as it does on SQLite, so that the two engines share one flow.
class PgConnection {
public:
    explicit PgConnection(const std::string& uri) : connection_(uri), notices_(connection_), work_(connection_) {}
    pqxx::connection& connection() { return connection_; }
    pqxx::nontransaction& work() { return work_; }
    std::string next_name() { return "s" + std::to_string(++names_); }

private:
    pqxx::connection connection_;
    QuietNotices notices_;
    pqxx::nontransaction work_;
    int names_ = 0;
};

class PgStatement {
public:
    PgStatement(PgConnection& connection, std::string sql, bool reuse)
        : connection_(connection), sql_(std::move(sql)) {
        if (reuse) {
            name_ = connection_.next_name();
            pg_guarded([&] { connection_.connection().prepare(name_, sql_); });
        }
    }
    void bind(int index, std::optional<std::string> value) {
        const auto i = static_cast<std::size_t>(index - 1);
        if (params_.size() <= i) {
            params_.resize(i + 1);
        }
        params_[i] = std::move(value);
    }
    void run() {
        std::vector<const char*> pointers;
        pointers.reserve(params_.size());
        for (const auto& p : params_) {
            pointers.push_back(p ? p->c_str() : nullptr);
        }
        result_ = pg_guarded([&] {
            auto& work = connection_.work();
            return name_.empty() ? work.exec_params(sql_, pqxx::prepare::make_dynamic_params(pointers))
                                 : work.exec_prepared(name_, pqxx::prepare::make_dynamic_params(pointers));
        });
        ran_ = true;
        row_ = -1;
    }
    bool step() {
        if (!ran_) {
            run();
        }
        ++row_;
        return row_ < static_cast<long>(result_.size());
    }
    int exec() {
        run();
        return static_cast<int>(result_.affected_rows());
    }
    void reset() noexcept {
        ran_ = false;
        row_ = -1;
        result_.clear();
    }
    void clear() { params_.clear(); }
    const pqxx::field field(int index) const { return result_[static_cast<pqxx::result::size_type>(row_)][index]; }

private:
    PgConnection& connection_;
    std::string sql_;
    std::string name_;  // prepared on the server when not empty
    std::vector<std::optional<std::string>> params_;
    pqxx::result result_;
    bool ran_ = false;
    long row_ = -1;
};

bool is_postgres_uri(const std::string& db) {
    return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

std::string redacted(const std::string& uri) {
    // postgresql://user:password@host/db: the password is between the first ':' after the scheme and '@'.
    const auto scheme = uri.find("://");
    if (scheme == std::string::npos) {
        return uri;
    }
    const auto at = uri.find('@', scheme + 3);
    if (at == std::string::npos) {
        return uri;
    }
    const auto colon = uri.find(':', scheme + 3);
    if (colon == std::string::npos || colon > at) {
        return uri;
    }
    return uri.substr(0, colon + 1) + "***" + uri.substr(at);
}

std::string translate(const std::string& in) {
    std::string out;
    out.reserve(in.size() + 16);
    int largest = 0;
    char previous = ' ';  // the last character copied that is not white space
    const auto skip_space = [&](std::size_t j) {
        while (j < in.size() && std::isspace(static_cast<unsigned char>(in[j])) != 0) {
            ++j;
        }
        return j;
    };
    const auto word_at = [&](std::size_t j) {
        std::size_t k = j;
        while (k < in.size() && word_char(in[k])) {
            ++k;
        }
        return upper(std::string_view(in).substr(j, k - j));
    };
    std::size_t i = 0;
    while (i < in.size()) {
        const char c = in[i];
        if (c == '\'' || c == '"') {  // a literal or a quoted name, copied whole
            std::size_t j = i + 1;
            while (j < in.size()) {
                if (in[j] == c) {
                    if (j + 1 < in.size() && in[j + 1] == c) {
                        j += 2;
                        continue;
                    }
                    break;
                }
                ++j;
            }
            out.append(in, i, j + 1 - i);
            i = j + 1;
            previous = c;
            continue;
        }
        if (c == '-' && i + 1 < in.size() && in[i + 1] == '-') {
            const auto end = in.find('\n', i);
            const auto stop = end == std::string::npos ? in.size() : end;
            out.append(in, i, stop - i);
            i = stop;
            continue;
        }
        if (c == '?') {
            std::size_t j = i + 1;
            int number = 0;
            while (j < in.size() && std::isdigit(static_cast<unsigned char>(in[j])) != 0) {
                number = number * 10 + (in[j] - '0');
                ++j;
            }
            if (j == i + 1) {
                number = largest + 1;
            }
            largest = std::max(largest, number);
            out += '$';
            out += std::to_string(number);
            i = j;
            previous = '0';
            continue;
        }
        if (word_char(c) && (i == 0 || !word_char(in[i - 1]))) {
            std::size_t j = i;
            while (j < in.size() && word_char(in[j])) {
                ++j;
            }
            const std::string word = upper(std::string_view(in).substr(i, j - i));
            if (word == "USER" && previous != '.') {
                out += "\"user\"";
                i = j;
                previous = '"';
                continue;
            }
            if (word == "NOT" && word_at(skip_space(j)) == "INDEXED") {
                const std::size_t after = skip_space(j);
                i = after + 7;
                continue;
            }
            if (word == "IS") {  // SQLite's IS compares any two values; PostgreSQL's only with NULL
                const std::size_t next = skip_space(j);
                const auto plain = [](const std::string& w) {
                    return w == "NULL" || w == "TRUE" || w == "FALSE" || w == "DISTINCT" || w == "UNKNOWN";
                };
                if (word_at(next) == "NOT") {
                    const std::size_t after = skip_space(next + 3);
                    if (!plain(word_at(after))) {
                        out += "IS DISTINCT FROM ";
                        i = after;
                        continue;
                    }
                } else if (!plain(word_at(next))) {
                    out += "IS NOT DISTINCT FROM ";
                    i = next;
                    continue;
                }
            }
            out.append(in, i, j - i);
            previous = in[j - 1];
            i = j;
            continue;
        }
        out += c;
        if (std::isspace(static_cast<unsigned char>(c)) == 0) {
            previous = c;
        }
        ++i;
    }
    return out;
}

Database::Database(std::unique_ptr<SQLite::Database> lite) : lite_(std::move(lite)) {}
Database::Database(std::unique_ptr<PgConnection> pg) : pg_(std::move(pg)) {}
Database::~Database() = default;

std::unique_ptr<Database> Database::postgres(const std::string& uri) {
    return std::make_unique<Database>(pg_guarded([&] { return std::make_unique<PgConnection>(uri); }));
}

void Database::exec(const std::string& sql) {
    if (lite_) {
        lite_->exec(sql);
        return;
    }
    pg_guarded([&] { pg_->work().exec(sql); });
}

std::int64_t Database::scalar(const std::string& sql) {
    Statement q(*this, sql);
    return q.executeStep() ? q.getColumn(0).getInt64() : 0;
}

Statement::Statement(Database& db, const std::string& sql, bool reuse) {
    if (db.postgres()) {
        pg_ = std::make_unique<PgStatement>(db.pg(), translate(sql), reuse);
    } else {
        lite_ = std::make_unique<SQLite::Statement>(db.lite(), sql);
    }
}

Statement::~Statement() = default;

void Statement::pg_bind(int index, std::optional<std::string> value) { pg_->bind(index, std::move(value)); }
bool Statement::pg_step() { return pg_->step(); }
int Statement::pg_exec() { return pg_->exec(); }
void Statement::pg_reset() noexcept { pg_->reset(); }
void Statement::pg_clear() { pg_->clear(); }

bool pg_is_null(const PgStatement& s, int index) { return s.field(index).is_null(); }
const char* pg_text(const PgStatement& s, int index) { return s.field(index).is_null() ? "" : s.field(index).c_str(); }

std::int64_t pg_int64(const PgStatement& s, int index) {
    const auto f = s.field(index);
    if (f.is_null()) {
        return 0;
    }
    const std::string_view text(f.c_str(), f.size());
    if (text == "t") {  // a boolean expression (SQLite's are 0 or 1)
        return 1;
    }
    if (text == "f") {
        return 0;
    }
    std::int64_t value = 0;
    // sum() of bigint is numeric on PostgreSQL: whole numbers, written without a fraction.
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        throw PgError("22P02", "not a whole number in column " + std::to_string(index) + ": " + std::string(text));
    }
    return value;
}

std::int64_t insert_returning_id(Statement& q) {
    if (!q.executeStep()) {
        q.reset();
        throw std::logic_error("INSERT … RETURNING gave no row");
    }
    const std::int64_t id = q.getColumn(0).getInt64();
    q.reset();
    return id;
}

}  // namespace ledger::detail::sql
