// Private: maps SQLite's exceptions to ledger::Error with a line that says what to do.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <string>

#include "ledger/error.hpp"

namespace ledger::detail {

// Maps SQLite's failures to ledger errors with a line that says what to do. Errors raised by the
// rules pass through unchanged.
template <typename F>
auto guarded(F&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const SQLite::Exception& e) {
        const int code = e.getErrorCode() & 0xFF;
        switch (code) {
            case SQLITE_FULL:
                throw Error(ErrorCode::storage, "the disk is full; nothing was written: free space and retry");
            case SQLITE_BUSY:
            case SQLITE_LOCKED:
                throw Error(ErrorCode::storage,
                            "the ledger is busy: another fundflow held its write lock too long; retry");
            case SQLITE_READONLY:
            case SQLITE_PERM:
            case SQLITE_CANTOPEN:
                throw Error(ErrorCode::storage, std::string("the ledger file cannot be written or opened (") +
                                                    e.what() + "); check its permissions and mount");
            case SQLITE_CORRUPT:
            case SQLITE_NOTADB:
                throw Error(ErrorCode::integrity,
                            std::string("the ledger file is damaged (") + e.what() + "); restore it from a copy");
            case SQLITE_IOERR:
                throw Error(ErrorCode::storage, std::string("an I/O error stopped the write; nothing was written (") +
                                                    e.what() + ")");
            default:
                throw Error(ErrorCode::storage, std::string("SQLite failed: ") + e.what());
        }
    }
}

}  // namespace ledger::detail
