// fundflow_ceiling: the physical limit of fundflow's import on this machine (issue 6, bench/run).
//
//   fundflow_ceiling SOURCE.db DEST.db [--json] [--cache-kib N] [--temp-file]
//
// SOURCE is a ledger that `fundflow import` filled; DEST a fresh file made by `fundflow --db DEST init` (the
// same schema, triggers and indexes). The rows of projects, contracts and entries are read from SOURCE into
// memory (not timed); then, timed from the first insert until COMMIT returns, they are written into DEST
// with one prepared INSERT per table, in one BEGIN IMMEDIATE transaction, WAL, synchronous=FULL and
// foreign_keys=ON and the page cache fundflow gives a writer (ledger/src/store.cpp: cache_size = -16384,
// i.e. 16 MiB; --cache-kib changes it, should fundflow's change) and statement journals in memory
// (temp_store = MEMORY; --temp-file keeps SQLite's default temp file) — every entry with a fresh SHA-256 chain link: the
// hash of the previous link's hex and a length-prefixed encoding of all the entry's columns (and of the
// project or contract row it registers), stored in prev_hash and hash. The encoding is not fundflow's
// canonical one (docs/hash-chain.md) but hashes comparable bytes per row. What fundflow does beyond this
// — parse the CSV, check the rules of every posting, build its canonical encoding — is what the ratio
// `fundflow rows/s ÷ ceiling rows/s` measures.
//
// Prints `rows R seconds S rows_per_s X` (R = entries written, the import's rows), or JSON with --json.
// Exit 0, or 1 with a message on stderr.
#include <openssl/evp.h>
#include <sqlite3.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

struct Value {
    int type = SQLITE_NULL;
    std::int64_t integer = 0;
    double real = 0;
    std::string text;  // text or blob bytes; the decimal text of an integer, for the hash
};

struct Table {
    std::string name;
    std::vector<std::string> columns;
    std::vector<std::vector<Value>> rows;
    int column(const std::string& name_) const {
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (columns[i] == name_) {
                return static_cast<int>(i);
            }
        }
        return -1;
    }
};

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

void check(sqlite3* db, int rc, const char* what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fail(std::string(what) + ": " + sqlite3_errmsg(db));
    }
}

sqlite3_stmt* prepare(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    check(db, sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), sql.c_str());
    return stmt;
}

std::string text_of(sqlite3_stmt* stmt, int column) {
    const auto* p = sqlite3_column_text(stmt, column);
    return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
}

std::int64_t scalar(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* stmt = prepare(db, sql);
    std::int64_t out = 0;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        out = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    return out;
}

std::string scalar_text(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* stmt = prepare(db, sql);
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        out = text_of(stmt, 0);
    }
    sqlite3_finalize(stmt);
    return out;
}

Table load(sqlite3* db, const std::string& name) {
    Table t;
    t.name = name;
    sqlite3_stmt* info = prepare(db, "PRAGMA table_info(" + name + ")");
    while (sqlite3_step(info) == SQLITE_ROW) {
        t.columns.push_back(text_of(info, 1));
    }
    sqlite3_finalize(info);
    if (t.columns.empty()) {
        fail("the source has no table " + name);
    }
    sqlite3_stmt* q = prepare(db, "SELECT * FROM " + name + " ORDER BY rowid");
    const int n = sqlite3_column_count(q);
    int rc = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        std::vector<Value> row(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) {
            Value& v = row[static_cast<std::size_t>(i)];
            v.type = sqlite3_column_type(q, i);
            switch (v.type) {
                case SQLITE_INTEGER:
                    v.integer = sqlite3_column_int64(q, i);
                    v.text = std::to_string(v.integer);
                    break;
                case SQLITE_FLOAT:
                    v.real = sqlite3_column_double(q, i);
                    v.text = text_of(q, i);
                    break;
                case SQLITE_TEXT:
                    v.text = text_of(q, i);
                    break;
                case SQLITE_BLOB: {
                    const auto* p = static_cast<const char*>(sqlite3_column_blob(q, i));
                    v.text.assign(p, static_cast<std::size_t>(sqlite3_column_bytes(q, i)));
                    break;
                }
                default:
                    break;
            }
        }
        t.rows.push_back(std::move(row));
    }
    check(db, rc, ("reading " + name).c_str());
    sqlite3_finalize(q);
    return t;
}

std::string insert_sql(const Table& t) {
    std::string cols;
    std::string marks;
    for (const auto& c : t.columns) {
        cols += (cols.empty() ? "" : ", ") + c;
        marks += marks.empty() ? "?" : ", ?";
    }
    return "INSERT INTO " + t.name + " (" + cols + ") VALUES (" + marks + ")";
}

void bind(sqlite3* db, sqlite3_stmt* stmt, int index, const Value& v) {
    int rc = SQLITE_OK;
    switch (v.type) {
        case SQLITE_INTEGER:
            rc = sqlite3_bind_int64(stmt, index, v.integer);
            break;
        case SQLITE_FLOAT:
            rc = sqlite3_bind_double(stmt, index, v.real);
            break;
        case SQLITE_TEXT:
            rc = sqlite3_bind_text(stmt, index, v.text.data(), static_cast<int>(v.text.size()), SQLITE_STATIC);
            break;
        case SQLITE_BLOB:
            rc = sqlite3_bind_blob(stmt, index, v.text.data(), static_cast<int>(v.text.size()), SQLITE_STATIC);
            break;
        default:
            rc = sqlite3_bind_null(stmt, index);
            break;
    }
    check(db, rc, "bind");
}

void step(sqlite3* db, sqlite3_stmt* stmt, const std::string& table) {
    if (sqlite3_step(stmt) != SQLITE_DONE) {
        fail("inserting into " + table + ": " + sqlite3_errmsg(db));
    }
    sqlite3_reset(stmt);
}

void insert_row(sqlite3* db, sqlite3_stmt* stmt, const Table& t, const std::vector<Value>& row) {
    for (std::size_t i = 0; i < row.size(); ++i) {
        bind(db, stmt, static_cast<int>(i) + 1, row[i]);
    }
    step(db, stmt, t.name);
}

// "name:length:value\n", or "name:-\n" for NULL (the shape of docs/hash-chain.md's encoding).
void field(std::string& out, const std::string& name, const Value& v) {
    out += name;
    if (v.type == SQLITE_NULL) {
        out += ":-\n";
        return;
    }
    out += ':';
    out += std::to_string(v.text.size());
    out += ':';
    out += v.text;
    out += '\n';
}

void fields(std::string& out, const Table& t, const std::vector<Value>& row, const std::string& prefix,
            const std::vector<bool>& skip) {
    for (std::size_t i = 0; i < row.size(); ++i) {
        if (!skip[i]) {
            field(out, prefix + t.columns[i], row[i]);
        }
    }
}

class Sha256 {
public:
    Sha256() : context_(EVP_MD_CTX_new()) {
        if (context_ == nullptr) {
            fail("OpenSSL could not allocate a digest context");
        }
    }
    ~Sha256() { EVP_MD_CTX_free(context_); }
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    std::string hex(const std::string& prev, const std::string& encoding) {
        std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
        unsigned int length = 0;
        if (EVP_DigestInit_ex(context_, EVP_sha256(), nullptr) != 1 ||
            EVP_DigestUpdate(context_, prev.data(), prev.size()) != 1 ||
            EVP_DigestUpdate(context_, encoding.data(), encoding.size()) != 1 ||
            EVP_DigestFinal_ex(context_, digest.data(), &length) != 1 || length != 32) {
            fail("OpenSSL failed to compute SHA-256");
        }
        static constexpr char kHex[] = "0123456789abcdef";
        std::string out(64, '0');
        for (std::size_t i = 0; i < 32; ++i) {
            out[2 * i] = kHex[digest[i] >> 4];
            out[2 * i + 1] = kHex[digest[i] & 0xF];
        }
        return out;
    }

private:
    EVP_MD_CTX* context_;
};

int run(int argc, char** argv) {
    const char* usage = "usage: fundflow_ceiling SOURCE.db DEST.db [--json] [--cache-kib N] [--temp-file]\n";
    if (argc < 3) {
        std::fputs(usage, stderr);
        return 2;
    }
    const std::string source_path = argv[1];
    const std::string dest_path = argv[2];
    bool json = false;
    long long cache_kib = 16384;  // fundflow's writer: PRAGMA cache_size = -16384
    bool temp_in_memory = true;
    for (int i = 3; i < argc; ++i) {
        if (std::strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (std::strcmp(argv[i], "--temp-file") == 0) {
            temp_in_memory = false;
        } else if (std::strcmp(argv[i], "--cache-kib") == 0 && i + 1 < argc) {
            cache_kib = std::stoll(argv[++i]);
        } else {
            std::fputs(usage, stderr);
            return 2;
        }
    }

    // ---- load (not timed) ----
    sqlite3* src = nullptr;
    if (sqlite3_open_v2(source_path.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        fail("cannot open " + source_path + ": " + (src ? sqlite3_errmsg(src) : "out of memory"));
    }
    const Table projects = load(src, "projects");
    const Table contracts = load(src, "contracts");
    Table entries = load(src, "entries");
    sqlite3_close(src);
    if (entries.rows.empty()) {
        fail(source_path + " holds no entries: import into it first");
    }
    const int hash = entries.column("hash");
    const int prev_hash = entries.column("prev_hash");
    const int kind = entries.column("kind");
    const int project_id = entries.column("project_id");
    const int contract_id = entries.column("contract_id");
    if (hash < 0 || prev_hash < 0 || kind < 0 || project_id < 0 || contract_id < 0) {
        fail("entries lacks one of hash, prev_hash, kind, project_id, contract_id");
    }
    std::vector<bool> skip_entry(entries.columns.size(), false);
    skip_entry[static_cast<std::size_t>(hash)] = skip_entry[static_cast<std::size_t>(prev_hash)] = true;
    const std::vector<bool> skip_project(projects.columns.size(), false);
    const std::vector<bool> skip_contract(contracts.columns.size(), false);
    std::unordered_map<std::int64_t, std::size_t> project_at;
    std::unordered_map<std::int64_t, std::size_t> contract_at;
    for (std::size_t i = 0; i < projects.rows.size(); ++i) {
        project_at[projects.rows[i][0].integer] = i;
    }
    for (std::size_t i = 0; i < contracts.rows.size(); ++i) {
        contract_at[contracts.rows[i][0].integer] = i;
    }
    const std::string genesis = entries.rows.front()[static_cast<std::size_t>(prev_hash)].text;

    // ---- the fresh ledger: fundflow's pragmas for writing ----
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(dest_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        fail("cannot open " + dest_path + " (make it with 'fundflow --db " + dest_path + " init')");
    }
    sqlite3_busy_timeout(db, 5000);
    if (scalar_text(db, "PRAGMA journal_mode = WAL") != "wal") {
        fail("could not put " + dest_path + " in WAL mode");
    }
    check(db, sqlite3_exec(db, "PRAGMA synchronous = FULL", nullptr, nullptr, nullptr), "synchronous");
    if (scalar(db, "PRAGMA synchronous") != 2) {
        fail("could not set synchronous=FULL");
    }
    check(db, sqlite3_exec(db, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr), "foreign_keys");
    check(db, sqlite3_exec(db, ("PRAGMA cache_size = -" + std::to_string(cache_kib)).c_str(), nullptr, nullptr, nullptr),
          "cache_size");
    // An INSERT that fires triggers inside a transaction keeps a statement journal (to undo that statement
    // alone); in a temp file by default, which costs a write per changed page. In memory it costs no
    // durability: it is never part of recovery.
    check(db, sqlite3_exec(db, temp_in_memory ? "PRAGMA temp_store = MEMORY" : "PRAGMA temp_store = FILE", nullptr,
                           nullptr, nullptr),
          "temp_store");
    if (scalar(db, "SELECT count(*) FROM entries") != 0) {
        fail(dest_path + " is not empty: give a fresh file made by 'fundflow init'");
    }
    sqlite3_stmt* insert_project = prepare(db, insert_sql(projects));
    sqlite3_stmt* insert_contract = prepare(db, insert_sql(contracts));
    sqlite3_stmt* insert_entry = prepare(db, insert_sql(entries));

    // ---- timed: first insert to COMMIT returned ----
    Sha256 sha;
    std::string encoding;
    std::string prev = genesis;
    const auto start = std::chrono::steady_clock::now();
    check(db, sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), "BEGIN IMMEDIATE");
    for (const auto& row : projects.rows) {
        insert_row(db, insert_project, projects, row);
    }
    for (const auto& row : contracts.rows) {
        insert_row(db, insert_contract, contracts, row);
    }
    for (auto& row : entries.rows) {
        encoding.assign("ceiling-entry-v1\n");
        fields(encoding, entries, row, "", skip_entry);
        const std::string& k = row[static_cast<std::size_t>(kind)].text;
        if (k == "project") {
            const auto it = project_at.find(row[static_cast<std::size_t>(project_id)].integer);
            if (it != project_at.end()) {
                fields(encoding, projects, projects.rows[it->second], "project.", skip_project);
            }
        } else if (k == "contract") {
            const auto it = contract_at.find(row[static_cast<std::size_t>(contract_id)].integer);
            if (it != contract_at.end()) {
                fields(encoding, contracts, contracts.rows[it->second], "contract.", skip_contract);
            }
        }
        std::string link = sha.hex(prev, encoding);
        row[static_cast<std::size_t>(prev_hash)].text = prev;
        row[static_cast<std::size_t>(hash)].text = link;
        insert_row(db, insert_entry, entries, row);
        prev = std::move(link);
    }
    check(db, sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), "COMMIT");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    sqlite3_finalize(insert_project);
    sqlite3_finalize(insert_contract);
    sqlite3_finalize(insert_entry);
    const auto written = scalar(db, "SELECT count(*) FROM entries");
    sqlite3_close(db);
    if (written != static_cast<std::int64_t>(entries.rows.size())) {
        fail("wrote " + std::to_string(written) + " entries of " + std::to_string(entries.rows.size()));
    }
    const double rate = static_cast<double>(written) / seconds;
    if (json) {
        std::printf("{\"rows\": %lld, \"projects\": %zu, \"contracts\": %zu, \"seconds\": %.6f, \"rows_per_s\": %.1f}\n",
                    static_cast<long long>(written), projects.rows.size(), contracts.rows.size(), seconds, rate);
    } else {
        std::printf("rows %lld seconds %.6f rows_per_s %.1f\n", static_cast<long long>(written), seconds, rate);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fundflow_ceiling: %s\n", e.what());
        return 1;
    }
}
