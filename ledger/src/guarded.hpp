// Private: maps SQLite's exceptions to ledger::Error with a line that says what to do.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <string>

#include "ledger/error.hpp"
#include "sql.hpp"

namespace ledger::detail {

// Maps SQLite's failures to ledger errors with a line that says what to do (SQLite's own description, in
// English, is the {reason} field). Errors raised by the
// rules pass through unchanged.
template <typename F>
auto guarded(F&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const sql::PgError& e) {
        if (e.connection_lost()) {
            throw Error(ErrorCode::storage, msg("the connection to PostgreSQL was lost ({reason}); nothing more was "
                                                "written: check the server and retry")
                                                .with("reason", e.what()));
        }
        if (e.sqlstate() == "42501") {  // insufficient_privilege: the application's role may only add rows
            throw Error(ErrorCode::storage,
                        msg("PostgreSQL refused: {reason}; check the role's grants (docs/postgresql.md)")
                            .with("reason", e.what()));
        }
        if (e.sqlstate() == "25006") {  // read_only_sql_transaction: a standby
            throw Error(ErrorCode::storage, msg("the PostgreSQL server is read-only (a standby); write to the primary"));
        }
        throw Error(ErrorCode::storage, msg("PostgreSQL failed: {reason}").with("reason", e.what()));
    } catch (const SQLite::Exception& e) {
        const int code = e.getErrorCode() & 0xFF;
        switch (code) {
            case SQLITE_FULL:
                throw Error(ErrorCode::storage, msg("the disk is full; nothing was written: free space and retry"));
            case SQLITE_BUSY:
            case SQLITE_LOCKED:
                throw Error(ErrorCode::storage,
                            msg("the ledger is busy: another fundflow held its write lock too long; retry"));
            case SQLITE_READONLY:
            case SQLITE_PERM:
            case SQLITE_CANTOPEN:
                throw Error(ErrorCode::storage,
                            msg("the ledger file cannot be written or opened ({reason}); check its permissions and mount")
                                .with("reason", e.what()));
            case SQLITE_CORRUPT:
            case SQLITE_NOTADB:
                throw Error(ErrorCode::integrity,
                            msg("the ledger file is damaged ({reason}); restore it from a copy").with("reason", e.what()));
            case SQLITE_IOERR:
                throw Error(ErrorCode::storage,
                            msg("an I/O error stopped the write; nothing was written ({reason})").with("reason", e.what()));
            default:
                throw Error(ErrorCode::storage, msg("SQLite failed: {reason}").with("reason", e.what()));
        }
    }
}

}  // namespace ledger::detail
