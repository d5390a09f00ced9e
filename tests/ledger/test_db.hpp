// Which engine the ledger tests run on (issue 14): SQLite files by default; with FUNDFLOW_TEST_DB set to a
// postgresql:// URI (the owner URI of a server where that role may CREATE DATABASE, e.g. the one
// scripts/pg-cluster.sh prints), every ledger a test makes through TempDir::ledger() is a fresh PostgreSQL
// database on that server instead, dropped when the TempDir goes. The PostgreSQL half lives in test_db.cpp
// (libpqxx), so that only it sees pqxx.
//
// Tests that by nature need the SQLite file (a file that is not SQLite, SQLite URIs, …) carry the tag
// [sqlite-only]; the PostgreSQL run (ctest pg/ledger, tests/pg/ledger.sh) leaves them out with ~[sqlite-only].
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ledger_test {

// FUNDFLOW_TEST_DB when it names a PostgreSQL server, otherwise "" (the tests then use SQLite files).
const std::string& pg_server();
inline bool on_postgres() { return !pg_server().empty(); }
// True for a ledger location that is a PostgreSQL URI rather than a file.
bool is_pg(const std::string& location);

// A new, empty database on pg_server() (its name made of `hint`, the process id, a counter and random
// digits); its URI: pg_server()'s with the database name replaced.
std::string pg_create_database(std::string_view hint);
// Drops the database at `uri` (WITH (FORCE): connections left open are ended). Never throws.
void pg_drop_database(const std::string& uri) noexcept;

// SQL run as the database's owner on the PostgreSQL ledger at `uri`, outside fundflow: "" when every
// statement succeeded, otherwise "[SQLSTATE] " and the server's message. SQLite's `DROP TRIGGER name;` is
// accepted (the trigger is dropped from whichever table has it). With triggers_off, the statements run
// with every user trigger of the schema disabled (ALTER TABLE … DISABLE TRIGGER USER, enabled again after),
// as SQLITE_DBCONFIG_ENABLE_TRIGGER 0 does on a file, and its CHECK constraints dropped (for good), as
// PRAGMA ignore_check_constraints ignores them; foreign keys stay.
std::string pg_run_sql(const std::string& uri, const std::string& sql, bool triggers_off);
// The first column of the first row of a query on the database at `uri` (0 when there is none).
std::int64_t pg_query_int(const std::string& uri, const std::string& sql);
// Every row of every table of the database at `uri`, as text, table by table in name order ("" when it
// has no table).
std::string pg_contents(const std::string& uri);

}  // namespace ledger_test
