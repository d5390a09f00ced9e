// Runs SQL on a closed ledger outside fundflow, as someone editing it behind the program's back would:
// with the stock SQLite C API on a file, as the database's owner on PostgreSQL (test_db.hpp). Shared by
// the ledger tests.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "test_db.hpp"

namespace ledger_test {

namespace detail {
inline sqlite3* open_sqlite(const std::string& path, int flags) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
        const std::string message = db != nullptr ? sqlite3_errmsg(db) : "cannot open";
        sqlite3_close(db);
        throw std::runtime_error("sqlite3_open_v2 failed: " + message);
    }
    return db;
}

inline std::string exec_sqlite(sqlite3* db, const std::string& sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    std::string message;
    if (rc != SQLITE_OK) {
        message = error != nullptr ? error : "sqlite3_exec failed";
    }
    sqlite3_free(error);
    sqlite3_close(db);
    return message;
}
}  // namespace detail

// Runs SQL with the triggers on (a statement they refuse fails): the error message, or "" when every
// statement succeeded. The SQL must be valid on both engines (write the column user as "user");
// `DROP TRIGGER name;` works on both. On PostgreSQL the statements run in one transaction and the message
// starts with the SQLSTATE in brackets ([FF001] for a refusal by the ledger's triggers).
inline std::string run_sql(const std::string& ledger, const std::string& sql) {
    if (is_pg(ledger)) {
        return pg_run_sql(ledger, sql, false);
    }
    return detail::exec_sqlite(detail::open_sqlite(ledger, SQLITE_OPEN_READWRITE), sql);
}

// Runs SQL with every trigger off and the CHECK constraints ignored (PostgreSQL: dropped; its foreign keys
// stay): the error message, or "".
inline std::string tamper(const std::string& ledger, const std::string& sql) {
    if (is_pg(ledger)) {
        return pg_run_sql(ledger, sql, true);
    }
    sqlite3* db = detail::open_sqlite(ledger, SQLITE_OPEN_READWRITE);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
    sqlite3_exec(db, "PRAGMA ignore_check_constraints = ON", nullptr, nullptr, nullptr);
    return detail::exec_sqlite(db, sql);
}

// The first column of the first row of a query (0 when there is none), read outside fundflow.
inline std::int64_t query_int(const std::string& ledger, const std::string& sql) {
    if (is_pg(ledger)) {
        return pg_query_int(ledger, sql);
    }
    sqlite3* db = detail::open_sqlite(ledger, SQLITE_OPEN_READONLY);
    sqlite3_stmt* q = nullptr;
    std::int64_t value = 0;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &q, nullptr) != SQLITE_OK) {
        const std::string message = sqlite3_errmsg(db);
        sqlite3_close(db);
        throw std::runtime_error("sqlite3_prepare_v2 failed: " + message);
    }
    if (sqlite3_step(q) == SQLITE_ROW) {
        value = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    return value;
}

}  // namespace ledger_test
