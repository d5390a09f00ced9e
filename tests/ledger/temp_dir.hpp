// A scratch folder for the ledger tests, removed with everything in it when the test ends; and the one
// place where a test gets its ledger (ledger()): a file in the folder, or, when FUNDFLOW_TEST_DB names a
// PostgreSQL server (test_db.hpp), a fresh database there, dropped with the folder.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "test_db.hpp"

namespace ledger_test {

class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        std::random_device entropy;
        path_ = std::filesystem::temp_directory_path() /
                ("fundflow-ledger-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
                 std::to_string(entropy()));
        if (!std::filesystem::create_directory(path_)) {
            throw std::runtime_error("temporary directory " + path_.string() + " already exists");
        }
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        for (const auto& uri : databases_) {
            pg_drop_database(uri);
        }
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    // A file in the folder (CSV files, and ledgers a test wants on SQLite whatever the engine).
    std::string file(std::string_view name) const { return (path_ / name).string(); }
    // Where the test keeps a ledger called `name`, not yet created: the file `name` in the folder, or on
    // PostgreSQL the URI of a new, empty database (the empty database is PostgreSQL's missing or empty
    // file: Ledger::create makes it a ledger, Ledger::open finds no ledger there).
    std::string ledger(std::string_view name) {
        if (!on_postgres()) {
            return file(name);
        }
        databases_.push_back(pg_create_database(name));
        return databases_.back();
    }

private:
    std::filesystem::path path_;
    std::vector<std::string> databases_;
};

// The bytes of a file ("" when it is missing).
inline std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// What a ledger holds, to compare before and after a call that must leave no trace: the bytes of the
// SQLite file (without its write-ahead log), or every row of every table of the PostgreSQL database (not
// the sequences: nextval() is not rolled back with a refused insert).
inline std::string ledger_bytes(const std::string& ledger) {
    return is_pg(ledger) ? pg_contents(ledger) : file_bytes(ledger);
}

// The bytes of a SQLite ledger's write-ahead log ("" when it has none, and on PostgreSQL).
inline std::string wal_bytes(const std::string& ledger) {
    return is_pg(ledger) ? std::string() : file_bytes(ledger + "-wal");
}

}  // namespace ledger_test
