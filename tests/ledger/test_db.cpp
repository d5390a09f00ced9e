#include "test_db.hpp"

#include <unistd.h>

#include <pqxx/pqxx>

#include <atomic>
#include <cstdlib>
#include <random>
#include <regex>
#include <stdexcept>
#include <vector>

namespace ledger_test {
namespace {

bool pg_uri(std::string_view s) { return s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0; }

// The URI with its database name (the path after the host part) replaced by `name`.
std::string with_database(const std::string& uri, const std::string& name) {
    const auto scheme = uri.find("://");
    const auto host_end = uri.find_first_of("/?", scheme + 3);
    if (host_end == std::string::npos) {
        return uri + "/" + name;
    }
    if (uri[host_end] == '?') {
        return uri.substr(0, host_end) + "/" + name + uri.substr(host_end);
    }
    const auto path_end = uri.find('?', host_end);
    return uri.substr(0, host_end + 1) + name + (path_end == std::string::npos ? "" : uri.substr(path_end));
}

// The database name of a URI made by with_database.
std::string database_of(const std::string& uri) {
    const auto scheme = uri.find("://");
    const auto slash = uri.find('/', scheme + 3);
    const auto query = uri.find('?', slash);
    return uri.substr(slash + 1, query == std::string::npos ? std::string::npos : query - slash - 1);
}

// A name PostgreSQL takes unquoted: lower-case letters, digits and '_', at most 63 bytes.
std::string fresh_name(std::string_view hint) {
    static std::atomic<int> counter{0};
    std::string clean;
    for (const char c : hint) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            clean += c;
        } else if (c >= 'A' && c <= 'Z') {
            clean += static_cast<char>(c - 'A' + 'a');
        } else if (!clean.empty() && clean.back() != '_') {
            clean += '_';
        }
    }
    clean = clean.substr(0, 24);
    std::random_device entropy;
    return "ff_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
           std::to_string(entropy() % 1000000) + "_" + clean;
}

// Runs one statement that may not run in a transaction block (CREATE/DROP DATABASE) on the server.
void admin(const std::string& sql) {
    pqxx::connection c(pg_server());
    pqxx::nontransaction w(c);
    w.exec(sql);
}

}  // namespace

const std::string& pg_server() {
    static const std::string server = [] {
        const char* value = std::getenv("FUNDFLOW_TEST_DB");
        return value != nullptr && pg_uri(value) ? std::string(value) : std::string();
    }();
    return server;
}

bool is_pg(const std::string& location) { return pg_uri(location); }

std::string pg_create_database(std::string_view hint) {
    const std::string name = fresh_name(hint);
    admin("CREATE DATABASE " + name);
    return with_database(pg_server(), name);
}

void pg_drop_database(const std::string& uri) noexcept {
    try {
        admin("DROP DATABASE " + database_of(uri) + " WITH (FORCE)");
    } catch (...) {
    }
}

std::string pg_run_sql(const std::string& uri, const std::string& sql, bool triggers_off) {
    // SQLite's DROP TRIGGER names no table; PostgreSQL's must.
    static const std::regex drop_trigger(R"(DROP TRIGGER\s+(\w+)\s*;)", std::regex::icase);
    const std::string statements = std::regex_replace(
        sql, drop_trigger,
        "DO $$$$BEGIN EXECUTE (SELECT format('DROP TRIGGER %I ON %s', tgname, tgrelid::regclass) FROM pg_trigger "
        "WHERE tgname = '$1' AND NOT tgisinternal); END$$$$;");
    try {
        pqxx::connection c(uri);
        pqxx::nontransaction w(c);
        std::vector<std::string> tables;
        std::string script = "BEGIN;\n";
        if (triggers_off) {
            for (const auto& row : w.exec("SELECT quote_ident(tablename) FROM pg_tables "
                                          "WHERE schemaname = current_schema() ORDER BY 1")) {
                tables.push_back(row[0].c_str());
                script += "ALTER TABLE " + tables.back() + " DISABLE TRIGGER USER;\n";
            }
            // SQLite's PRAGMA ignore_check_constraints: the owner drops them.
            for (const auto& row : w.exec("SELECT format('ALTER TABLE %s DROP CONSTRAINT %I;', conrelid::regclass, "
                                          "conname) FROM pg_constraint WHERE contype = 'c' "
                                          "AND connamespace = current_schema()::regnamespace")) {
                script += row[0].c_str();
                script += '\n';
            }
        }
        script += statements + ";\n";
        for (const auto& t : tables) {
            script += "ALTER TABLE " + t + " ENABLE TRIGGER USER;\n";
        }
        script += "COMMIT;";
        try {
            w.exec(script);
        } catch (...) {
            try {
                w.exec("ROLLBACK");
            } catch (...) {
            }
            throw;
        }
        return "";
    } catch (const pqxx::sql_error& e) {
        return "[" + e.sqlstate() + "] " + e.what();
    }
}

std::int64_t pg_query_int(const std::string& uri, const std::string& sql) {
    pqxx::connection c(uri);
    pqxx::nontransaction w(c);
    const pqxx::result r = w.exec(sql);
    return r.empty() || r[0][0].is_null() ? 0 : r[0][0].as<std::int64_t>();
}

std::string pg_contents(const std::string& uri) {
    pqxx::connection c(uri);
    pqxx::nontransaction w(c);
    std::string out;
    for (const auto& table : w.exec("SELECT tablename, quote_ident(tablename) FROM pg_tables "
                                    "WHERE schemaname = current_schema() ORDER BY 1")) {
        out += std::string("-- ") + table[0].c_str() + "\n";
        const pqxx::result rows =
            w.exec("SELECT t::text FROM " + std::string(table[1].c_str()) + " t ORDER BY t::text COLLATE \"C\"");
        for (const auto& row : rows) {
            out += row[0].c_str();
            out += '\n';
        }
    }
    return out;
}

}  // namespace ledger_test
