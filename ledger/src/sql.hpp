// Private: the statement layer under Store. One interface (SQLiteCpp's: bind, executeStep, getColumn,
// exec) over two engines, so that both run the very same queries and give the same answers by
// construction: SQLite through SQLiteCpp, PostgreSQL through libpqxx. The SQLite path is a thin inline
// forward to SQLiteCpp (a branch per call); the PostgreSQL path lives in sql.cpp.
//
// SQL is written once, in SQLite's dialect restricted to what PostgreSQL also accepts; for PostgreSQL
// translate() rewrites the few spellings that differ: `?`/`?N` placeholders to `$N`, the column name
// `user` (a keyword there) to "user", `IS ?` to `IS NOT DISTINCT FROM $N`, and drops `NOT INDEXED`.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ledger::detail::sql {

class PgConnection;  // sql.cpp
class PgStatement;   // sql.cpp

// A PostgreSQL failure: the server's SQLSTATE ("" when the connection itself failed) and its message.
class PgError : public std::runtime_error {
public:
    PgError(std::string sqlstate, const std::string& what) : std::runtime_error(what), sqlstate_(std::move(sqlstate)) {}
    const std::string& sqlstate() const { return sqlstate_; }
    bool connection_lost() const { return sqlstate_.empty() || sqlstate_.rfind("08", 0) == 0; }

private:
    std::string sqlstate_;
};

// True for a --db value that names a PostgreSQL database (a libpq URI).
bool is_postgres_uri(const std::string& db);
// The URI with its password (if any) replaced by "***", for messages and logs.
std::string redacted(const std::string& uri);
// SQLite's dialect to PostgreSQL's (see the header comment).
std::string translate(const std::string& sqlite_sql);

class Database {
public:
    explicit Database(std::unique_ptr<SQLite::Database> lite);
    explicit Database(std::unique_ptr<PgConnection> pg);
    // Connects to the PostgreSQL database the libpq URI names; PgError when it cannot.
    static std::unique_ptr<Database> postgres(const std::string& uri);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    bool postgres() const { return pg_ != nullptr; }
    SQLite::Database& lite() const { return *lite_; }
    PgConnection& pg() const { return *pg_; }
    // Runs one or more statements that return nothing (PostgreSQL: the simple query protocol).
    void exec(const std::string& sql);
    // The first column of the first row of a query, or 0 when it has none.
    std::int64_t scalar(const std::string& sql);

private:
    std::unique_ptr<SQLite::Database> lite_;
    std::unique_ptr<PgConnection> pg_;
};

class Statement;

// One value of the current row.
class Column {
public:
    Column(const Statement& statement, int index) : statement_(statement), index_(index) {}
    bool isNull() const;
    std::int64_t getInt64() const;
    int getInt() const { return static_cast<int>(getInt64()); }
    std::string getString() const;

private:
    const Statement& statement_;
    int index_;
};

class Statement {
public:
    // reuse: the statement is run many times on this connection (Store's cached slots); PostgreSQL then
    // prepares it on the server once, by name.
    Statement(Database& db, const std::string& sql, bool reuse = false);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    void bind(int index, std::int64_t value) {
        if (lite_) lite_->bind(index, value); else pg_bind(index, std::to_string(value));
    }
    void bind(int index, int value) { bind(index, static_cast<std::int64_t>(value)); }
    void bind(int index, const std::string& value) {
        if (lite_) lite_->bind(index, value); else pg_bind(index, value);
    }
    void bind(int index, const char* value) { bind(index, std::string(value)); }
    void bind(int index) {  // NULL
        if (lite_) lite_->bind(index); else pg_bind(index, std::nullopt);
    }
    // Steps to the next row of a query; false when there is none (the statement is then done).
    bool executeStep() { return lite_ ? lite_->executeStep() : pg_step(); }
    // Runs a statement that returns no rows; the number of rows it changed.
    int exec() { return lite_ ? lite_->exec() : pg_exec(); }
    void reset() { if (lite_) lite_->reset(); else pg_reset(); }
    void tryReset() noexcept { if (lite_) lite_->tryReset(); else pg_reset(); }
    void clearBindings() { if (lite_) lite_->clearBindings(); else pg_clear(); }
    Column getColumn(int index) const { return Column(*this, index); }

    SQLite::Statement* lite() const { return lite_.get(); }
    const PgStatement* pg() const { return pg_.get(); }

private:
    void pg_bind(int index, std::optional<std::string> value);
    bool pg_step();
    int pg_exec();
    void pg_reset() noexcept;
    void pg_clear();

    std::unique_ptr<SQLite::Statement> lite_;
    std::unique_ptr<PgStatement> pg_;
};

bool pg_is_null(const PgStatement& s, int index);
const char* pg_text(const PgStatement& s, int index);
std::int64_t pg_int64(const PgStatement& s, int index);

inline bool Column::isNull() const {
    return statement_.lite() ? statement_.lite()->getColumn(index_).isNull() : pg_is_null(*statement_.pg(), index_);
}
inline std::int64_t Column::getInt64() const {
    return statement_.lite() ? statement_.lite()->getColumn(index_).getInt64() : pg_int64(*statement_.pg(), index_);
}
inline std::string Column::getString() const {
    return statement_.lite() ? statement_.lite()->getColumn(index_).getString()
                             : std::string(pg_text(*statement_.pg(), index_));
}

// Runs an INSERT … RETURNING id and gives the id (both engines; the statement is reset after).
std::int64_t insert_returning_id(Statement& q);

}  // namespace ledger::detail::sql
