// Runs SQL on a closed ledger file with the stock SQLite C API, as someone editing the file outside fundflow
// would (triggers on: a statement they refuse fails). Shared by the ledger tests.
#pragma once

#include <sqlite3.h>

#include <stdexcept>
#include <string>

namespace ledger_test {

// SQLite's error message, or "" when every statement succeeded.
inline std::string run_sql(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        const std::string message = db != nullptr ? sqlite3_errmsg(db) : "cannot open";
        sqlite3_close(db);
        throw std::runtime_error("sqlite3_open_v2 failed: " + message);
    }
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

}  // namespace ledger_test
