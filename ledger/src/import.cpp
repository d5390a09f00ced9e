// Importing a CSV of facts: check every row, then post all of them in one transaction.
#include "ledger/import.hpp"

#include <openssl/evp.h>

#include <array>
#include <charconv>
#include <fstream>
#include <memory>
#include <set>

#include "ledger/csv.hpp"
#include "ledger/encoding.hpp"
#include "ledger/kinds.hpp"
#include "ledger/ledger.hpp"
#include "text.hpp"

namespace ledger {
namespace {

enum Column {
    kind, day, project, level, amount, contract, ref, memo, name, supplier, rate, months, accepted, reverses,
    sme, unit_name, func_code, refunds, reason, kColumns
};

// English and Chinese names of each column (cli.md); the last three are fundflow's additions.
const std::array<std::array<std::string_view, 2>, kColumns> kNames{{
    {"kind", "类型"},
    {"date", "日期"},
    {"project", "项目"},
    {"level", "资金来源"},
    {"amount", "金额"},
    {"contract", "合同"},
    {"ref", "凭证号"},
    {"memo", "摘要"},
    {"name", "名称"},
    {"supplier", "供应商"},
    {"retention_rate", "质保金比例"},
    {"warranty_months", "质保期月数"},
    {"accepted", "验收日期"},
    {"reverses", "冲销凭证号"},
    {"sme", "中小企业"},
    {"unit_name", "预算单位"},
    {"func_code", "功能分类"},
    {"refunds", "退回凭证号"},
    {"reason", "原因"},  // a correction row's reason (schema 3)
}};

// A correction row (更正) names the entry it corrects by its voucher ref; it is no entry kind of its own
// (the ledger posts a reversal and a replacement).
bool is_correction(std::string_view kind_cell) { return kind_cell == "correction" || kind_cell == "更正"; }

constexpr std::size_t kMaxProblems = 1000;

// One data row, its cells by column and where each column sits in the file.
struct Row {
    int line = 0;
    std::array<std::string, kColumns> cell;
    const std::array<int, kColumns>* position = nullptr;
    int column(Column c) const { return (*position)[c] + 1; }
    const std::string& operator[](Column c) const { return cell[c]; }
    bool has(Column c) const { return !cell[c].empty(); }
};

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.pop_back();
    }
    std::size_t start = 0;
    while (start < s.size() && (s[start] == ' ' || s[start] == '\t')) {
        ++start;
    }
    return s.substr(start);
}

std::optional<int> parse_int(const std::string& text, int low, int high) {
    int value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (result.ec != std::errc{} || result.ptr != text.data() + text.size() || value < low || value > high) {
        return std::nullopt;
    }
    return value;
}

std::optional<bool> parse_flag(const std::string& text) {
    if (text.empty() || text == "0" || text == "false" || text == "no" || text == "否") {
        return false;
    }
    if (text == "1" || text == "true" || text == "yes" || text == "是") {
        return true;
    }
    return std::nullopt;
}

// The import column of a posting field (kinds.hpp).
Column column_of(Field field) {
    switch (field) {
        case Field::level:
            return level;
        case Field::amount:
            return amount;
        case Field::contract:
            return contract;
        case Field::ref:
            return ref;
        case Field::memo:
            return memo;
        case Field::accepted:
            return accepted;
        case Field::warranty_months:
            return months;
        case Field::of:
            return refunds;
    }
    return kind;
}

class FileRows {
public:
    FileRows(const std::string& path, Encoding encoding, std::vector<ImportProblem>& problems)
        : in_(path, encoding), reader_(in_) {
        if (!in_) {
            throw Error(ErrorCode::not_found, msg("cannot read the import file '{path}'").with("path", path));
        }
        position_.fill(-1);
        std::optional<CsvRecord> header;
        try {
            header = reader_.next();
        } catch (const CsvError& e) {
            problems.push_back({e.line(), e.column(), e.reason()});
            return;
        }
        if (!header) {
            problems.push_back({1, 0, msg("the file is empty: expected a header like kind,date,project,level,amount,...")});
            return;
        }
        for (std::size_t i = 0; i < header->fields.size(); ++i) {
            const std::string cell = trimmed(header->fields[i]);
            bool known = false;
            for (std::size_t c = 0; c < kColumns; ++c) {
                if (cell == kNames[c][0] || cell == kNames[c][1]) {
                    if (position_[c] >= 0) {
                        problems.push_back({header->line, static_cast<int>(i) + 1,
                                            msg("the column {column} ({name}) is given twice")
                                                .with("column", std::string(kNames[c][0]))
                                                .with("name", std::string(kNames[c][1]))});
                    }
                    position_[c] = static_cast<int>(i);
                    known = true;
                }
            }
            if (!known) {
                problems.push_back({header->line, static_cast<int>(i) + 1,
                                    msg("unknown column '{column}' (see the README's import columns)")
                                        .with("column", cell)});
            }
        }
        for (Column c : {kind, project}) {
            if (position_[c] < 0) {
                problems.push_back({header->line, 0, msg("the header lacks the column {column} ({name})")
                                                         .with("column", std::string(kNames[c][0]))
                                                         .with("name", std::string(kNames[c][1]))});
            }
        }
        width_ = header->fields.size();
    }

    // The next data row; nullopt at the end. A row with more cells than the header is a problem.
    std::optional<Row> next(std::vector<ImportProblem>* problems) {
        while (auto record = reader_.next()) {
            Row row;
            row.line = record->line;
            row.position = &position_;
            if (record->fields.size() > width_ && problems != nullptr) {
                problems->push_back({record->line, static_cast<int>(width_) + 1,
                                     msg("more cells than the header has columns (quote a cell that contains a comma)")});
            }
            for (std::size_t c = 0; c < kColumns; ++c) {
                const auto p = static_cast<std::size_t>(position_[c]);
                if (position_[c] >= 0 && p < record->fields.size()) {
                    row.cell[c] = trimmed(record->fields[p]);
                }
            }
            return row;
        }
        return std::nullopt;
    }

private:
    DecodedFile in_;  // the file as UTF-8 text: checked, or converted from --encoding (encoding.hpp)
    CsvReader reader_;
    std::array<int, kColumns> position_{};
    std::size_t width_ = 0;
};

// Checks a row on its own; appends its problems.
void check_row(const Row& row, std::vector<ImportProblem>& problems) {
    const auto problem = [&](Column c, Message message) {
        if (problems.size() < kMaxProblems) {
            problems.push_back({row.line, row.column(c), std::move(message)});
        }
    };
    // `what` names the row: a kind name, or a phrase such as msg("correction").
    const auto need = [&](Column c, const Message& what) {
        if (!row.has(c)) {
            problem(c, msg("a {row} row needs {column} ({name})")
                           .with("row", what)
                           .with("column", std::string(kNames[c][0]))
                           .with("name", std::string(kNames[c][1])));
            return false;
        }
        return true;
    };
    const auto check = [&](Column c, auto&& parse) {
        if (row.has(c)) {
            try {
                parse(row[c]);
            } catch (const Error& e) {
                problem(c, e.message());
            }
        }
    };
    if (is_correction(row[kind])) {
        need(project, msg("correction"));
        need(ref, msg("correction (the voucher ref of the entry it corrects)"));
        need(reason, msg("correction"));
        check(day, [](const std::string& t) { parse_date(t); });
        check(level, [](const std::string& t) { parse_level(t); });
        check(amount, [](const std::string& t) {
            if (Money::parse(t) == Money{}) {
                throw Error(ErrorCode::invalid_input, msg("a corrected amount must not be zero"));
            }
        });
        for (std::size_t c = 0; c < kColumns; ++c) {
            if (const auto why = detail::text_problem(row.cell[c])) {
                problem(static_cast<Column>(c), *why);
            }
        }
        return;
    }
    EntryKind k{};
    try {
        k = parse_entry_kind(row[kind]);
    } catch (const Error& e) {
        problem(kind, e.message());
        return;
    }
    const Message what = kind_name(k);
    need(project, what);
    check(day, [](const std::string& t) { parse_date(t); });
    check(accepted, [](const std::string& t) { parse_date(t); });
    check(amount, [](const std::string& t) { Money::parse(t); });
    check(level, [](const std::string& t) { parse_level(t); });
    check(rate, [](const std::string& t) { parse_rate_bp(t); });
    if (row.has(months) && !parse_int(row[months], 0, 1200)) {
        problem(months, msg("'{months}' is not a number of months from 0 to 1200").with("months", row[months]));
    }
    if (!parse_flag(row[sme])) {
        problem(sme, msg("'{sme}' is not yes/no (是/否, 1/0)").with("sme", row[sme]));
    }
    // What the ledger would refuse for the row alone is reported here, with its column, not row by row
    // while posting.
    if (row.has(amount) && k != EntryKind::reversal) {
        try {
            const Money m = Money::parse(row[amount]);
            if (k == EntryKind::adjustment ? m == Money{} : m <= Money{}) {
                problem(amount, k == EntryKind::adjustment
                                    ? msg("an adjustment must not be zero")
                                    : msg("{kind} amounts must be positive").with("kind", what));
            }
        } catch (const Error&) {
            // reported above
        }
    }
    if (row.has(level) && (k == EntryKind::appropriation || k == EntryKind::adjustment || k == EntryKind::arrival)) {
        try {
            if (parse_level(row[level]) == Level::carryover) {
                problem(level,
                        msg("carryover is derived from the previous year and cannot take {kind}").with("kind", what));
            }
        } catch (const Error&) {
            // reported above
        }
    }
    if (row.has(refunds) && k != EntryKind::refund) {
        problem(refunds, msg("only a refund row names the payment it returns (refunds); leave it empty for {kind}")
                             .with("kind", what));
    }
    for (std::size_t c = 0; c < kColumns; ++c) {
        if (const auto why = detail::text_problem(row.cell[c])) {
            problem(static_cast<Column>(c), *why);
        }
    }
    switch (k) {
        case EntryKind::project:
            need(name, what);
            break;
        case EntryKind::contract:
            need(contract, what);
            need(supplier, what);
            need(amount, what);
            break;  // a zero or negative amount is caught by the amount check above
        case EntryKind::close:
            need(day, msg("close (the year's last day, or any day of the year)"));
            break;
        case EntryKind::reversal:
            need(reverses, what);
            need(memo, msg("reversal (its reason)"));
            break;
        case EntryKind::amendment:
            need(day, msg("amendment (its effective date)"));
            need(memo, what);
            break;
        case EntryKind::reopen:
            need(day, msg("reopen (the reopened year's last day, or any day of it)"));
            need(memo, msg("reopen (its reason)"));
            break;
        default: {
            // The money kinds: what each needs and refuses is kinds.hpp's table.
            need(day, what);
            const PostingKind* fields = posting_kind(k);
            if (fields == nullptr) {
                break;
            }
            for (const Field f : kFields) {
                const Column c = column_of(f);
                const Need n = fields->need(f);
                if (f == Field::level ? level_needed(*fields, row.has(refunds)) : n == Need::required) {
                    need(c, what);
                } else if (n == Need::forbidden && row.has(c) && f != Field::of) {  // of: refused above
                    problem(c, msg("a {row} row takes no {column} ({name}); leave it empty")
                                   .with("row", what)
                                   .with("column", std::string(kNames[c][0]))
                                   .with("name", std::string(kNames[c][1])));
                }
            }
            break;
        }
    }
}

// Says whether a money posting without a voucher ref is to be left out as a probable duplicate.
using SkipRepeat = std::function<bool(const Posting&)>;

// A correction row: the cells given (date, level, amount, contract, memo) are the corrected content
// of the voucher's live entry.
bool post_correction(Ledger& ledger, const Row& row, const Actor& actor) {
    const auto live = ledger.entry_by_ref(row[project], row[ref]);
    if (!live) {
        throw Error(ErrorCode::not_found, msg("no entry with voucher {ref} on project {project} to correct")
                                              .with("ref", row[ref])
                                              .with("project", row[project]));
    }
    // Already there: the live entry or an earlier replacement in its chain has the row's content (a
    // re-import of a file with several corrections of one voucher).
    const auto matches = [&](const Entry& e) {
        return (!row.has(day) || parse_date(row[day]) == e.effective_on) &&
               (!row.has(level) || parse_level(row[level]) == e.level) &&
               (!row.has(amount) || Money::parse(row[amount]) == e.amount) &&
               (!row.has(contract) || row[contract] == e.contract) && (!row.has(memo) || row[memo] == e.memo);
    };
    for (std::optional<Entry> e = live; e && e->corrects; e = ledger.entry(*e->corrects)) {
        if (matches(*e)) {
            return false;
        }
    }
    Correction changes;
    if (row.has(day) && parse_date(row[day]) != live->effective_on) {
        changes.date = parse_date(row[day]);
    }
    if (row.has(level) && parse_level(row[level]) != live->level) {
        changes.level = parse_level(row[level]);
    }
    if (row.has(amount) && Money::parse(row[amount]) != live->amount) {
        changes.amount = Money::parse(row[amount]);
    }
    if (row.has(contract) && row[contract] != live->contract) {
        changes.contract = row[contract];
    }
    if (row.has(memo) && row[memo] != live->memo) {
        changes.memo = row[memo];
    }
    ledger.correct(live->id, changes, row[reason], actor);
    return true;
}

// An amendment row: with a contract cell it amends that contract, else the project. Already there
// when an amendment of the same date, memo and terms exists.
bool post_amendment(Ledger& ledger, const Row& row, const Actor& actor) {
    Amendment a;
    a.project = row[project];
    if (row.has(contract)) {
        a.contract = row[contract];
    }
    a.effective_on = parse_date(row[day]);
    const auto text = [&](Column c) { return row.has(c) ? std::optional<std::string>(row[c]) : std::nullopt; };
    a.name = text(name);
    a.unit_name = text(unit_name);
    a.func_code = text(func_code);
    a.supplier = text(supplier);
    if (row.has(amount)) {
        a.amount = Money::parse(row[amount]);
    }
    if (row.has(rate)) {
        a.retention_rate_bp = parse_rate_bp(row[rate]);
    }
    if (row.has(months)) {
        a.warranty_months = parse_int(row[months], 0, 1200);
    }
    if (row.has(sme)) {
        a.sme = parse_flag(row[sme]);
    }
    if (ledger.find_project(a.project)) {
        const auto same_terms = [&](const Amendment& b) {
            return b.effective_on == a.effective_on && b.name == a.name && b.unit_name == a.unit_name &&
                   b.func_code == a.func_code && b.supplier == a.supplier && b.amount == a.amount &&
                   b.retention_rate_bp == a.retention_rate_bp && b.warranty_months == a.warranty_months &&
                   b.sme == a.sme;
        };
        if (!a.contract || ledger.find_contract(a.project, *a.contract)) {
            for (const auto& b : ledger.amendments(a.project, a.contract)) {
                if (same_terms(b) && b.entry && ledger.entry(*b.entry).memo == row[memo]) {
                    return false;
                }
            }
        }
    }
    ledger.amend(a, row[memo], actor);
    return true;
}

// Posts one checked row; returns true when it added an entry (a correction adds its reversal and its
// replacement), false when it was already present (or left out by skip_repeat).
bool post_row(Ledger& ledger, const Row& row, const Actor& actor, const SkipRepeat& skip_repeat) {
    if (is_correction(row[kind])) {
        return post_correction(ledger, row, actor);
    }
    const EntryKind k = parse_entry_kind(row[kind]);
    const std::optional<Date> on = row.has(day) ? std::optional(parse_date(row[day])) : std::nullopt;
    switch (k) {
        case EntryKind::project: {
            const Project p{row[project], row[name], row[unit_name], row[func_code]};
            if (const auto existing = ledger.find_project(p.code)) {
                if (existing->name != p.name || existing->unit_name != p.unit_name || existing->func_code != p.func_code) {
                    throw Error(ErrorCode::rejected,
                                msg("project {project} exists with another name, unit or function code ('{name}')")
                                    .with("project", p.code)
                                    .with("name", existing->name));
                }
                return false;
            }
            ledger.add_project(p, actor, on);
            return true;
        }
        case EntryKind::contract: {
            Contract c{row[project], row[contract], row[supplier], Money::parse(row[amount]),
                       row.has(rate) ? parse_rate_bp(row[rate]) : 0,
                       row.has(months) ? *parse_int(row[months], 0, 1200) : 0, *parse_flag(row[sme])};
            if (const auto existing = ledger.find_contract(c.project, c.code)) {
                if (existing->supplier != c.supplier || existing->amount != c.amount ||
                    existing->retention_rate_bp != c.retention_rate_bp || existing->warranty_months != c.warranty_months ||
                    existing->sme != c.sme) {
                    throw Error(ErrorCode::rejected, msg("contract {contract} exists on project {project} with other terms")
                                                         .with("contract", c.code)
                                                         .with("project", c.project));
                }
                return false;
            }
            ledger.add_contract(c, actor, on);
            return true;
        }
        case EntryKind::close: {
            const int year = year_of(*on);
            if (const auto closed = ledger.closed_through(row[project]); closed && *closed >= year) {
                return false;
            }
            ledger.close_year(row[project], year, actor);
            return true;
        }
        case EntryKind::amendment:
            return post_amendment(ledger, row, actor);
        case EntryKind::reopen: {
            // Already there: a reopen of that year with that reason (a re-import).
            LogFilter f;
            f.project = row[project];
            f.kind = EntryKind::reopen;
            f.cut.as_of = last_day_of(9999);
            for (const auto& e : ledger.log(f)) {
                if (year_of(e.effective_on) == year_of(*on) && e.memo == row[memo]) {
                    return false;
                }
            }
            ledger.reopen_year(row[project], year_of(*on), row[memo], actor);
            return true;
        }
        case EntryKind::reversal: {
            const auto original = ledger.entry_by_ref(row[project], row[reverses]);
            if (!original) {
                throw Error(ErrorCode::not_found, msg("no entry with voucher {ref} on project {project} to reverse")
                                                      .with("ref", row[reverses])
                                                      .with("project", row[project]));
            }
            if (ledger.reversed_by(original->id)) {
                return false;
            }
            ledger.reverse(original->id, row[memo], actor, on);
            return true;
        }
        default: {
            Posting p;
            p.kind = k;
            p.project = row[project];
            if (row.has(level)) {
                p.level = parse_level(row[level]);
            }
            if (row.has(amount)) {
                p.amount = Money::parse(row[amount]);
            }
            p.date = *on;
            if (row.has(contract)) {
                p.contract = row[contract];
            }
            if (row.has(ref)) {
                p.ref = row[ref];
            }
            p.memo = row[memo];
            if (row.has(accepted)) {
                p.accepted = parse_date(row[accepted]);
            }
            if (row.has(months)) {
                p.warranty_months = parse_int(row[months], 0, 1200);
            }
            if (row.has(refunds)) {
                p.refunds = row[refunds];
            }
            if (!p.ref && skip_repeat && skip_repeat(p)) {
                return false;
            }
            return ledger.post(p, actor).created;
        }
    }
}

struct RollBack {};  // thrown to undo a dry run or a refused import

// The bytes of a digest as lowercase hex digits.
std::string lowercase_hex(const unsigned char* digest, unsigned int length) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0xF];
    }
    return hex;
}

// Lowercase hex SHA-256 of the file's bytes, read in blocks.
std::string file_sha256(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(ErrorCode::not_found, msg("cannot read the import file '{path}'").with("path", path));
    }
    const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
        throw Error(ErrorCode::storage, msg("SHA-256 is not available (OpenSSL)"));
    }
    std::array<char, 65536> block{};
    while (in) {
        in.read(block.data(), static_cast<std::streamsize>(block.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got > 0 && EVP_DigestUpdate(ctx.get(), block.data(), got) != 1) {
            throw Error(ErrorCode::storage, msg("SHA-256 failed (OpenSSL)"));
        }
    }
    if (in.bad()) {
        throw Error(ErrorCode::storage, msg("reading the import file '{path}' failed").with("path", path));
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1) {
        throw Error(ErrorCode::storage, msg("SHA-256 failed (OpenSSL)"));
    }
    return lowercase_hex(digest.data(), length);
}

// Lowercase hex SHA-256 of a string.
std::string text_sha256(const std::string& text) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
        throw Error(ErrorCode::storage, msg("SHA-256 failed (OpenSSL)"));
    }
    return lowercase_hex(digest.data(), length);
}

}  // namespace

RowPosting post_import_row(Ledger& ledger, const std::vector<std::pair<std::string, std::string>>& cells,
                           const Actor& actor, const std::optional<std::string>& idempotency_key) {
    RowPosting result;
    std::array<int, kColumns> position{};
    position.fill(-1);
    Row row;
    row.line = 1;
    row.position = &position;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const auto& [name, value] = cells[i];
        const int at = static_cast<int>(i) + 1;
        bool known = false;
        for (std::size_t c = 0; c < kColumns; ++c) {
            if (name == kNames[c][0] || name == kNames[c][1]) {
                if (position[c] >= 0) {
                    result.problems.push_back({1, at, msg("the column {column} ({name}) is given twice")
                                                          .with("column", std::string(kNames[c][0]))
                                                          .with("name", std::string(kNames[c][1]))});
                }
                position[c] = static_cast<int>(i);
                row.cell[c] = trimmed(value);
                known = true;
            }
        }
        if (!known) {
            result.problems.push_back(
                {1, at, msg("unknown column '{column}' (see the README's import columns)").with("column", name)});
        }
    }
    for (Column c : {kind, project}) {
        if (position[c] < 0) {
            result.problems.push_back({1, 0, msg("a posting needs {column} ({name})")
                                                 .with("column", std::string(kNames[c][0]))
                                                 .with("name", std::string(kNames[c][1]))});
        }
    }
    if (!result.problems.empty()) {
        return result;
    }
    check_row(row, result.problems);
    if (!result.problems.empty()) {
        return result;
    }
    // The request's content, column by column in the file format's order: what a retry must repeat.
    std::string content;
    for (std::size_t c = 0; c < kColumns; ++c) {
        content += std::string(kNames[c][0]) + "=" + row.cell[c] + "\n";
    }
    const std::string request_sha256 = text_sha256(content);
    ledger.in_transaction([&] {
        if (idempotency_key) {
            if (const auto earlier = ledger.idempotency_record(actor.user, *idempotency_key)) {
                result.entry = ledger.entry(earlier->entry);
                result.conflict = earlier->request_sha256 != request_sha256;
                return;
            }
        }
        const std::int64_t before = ledger.digest().entries;
        post_row(ledger, row, actor, SkipRepeat{});
        const std::int64_t after = ledger.digest().entries;
        if (after > before) {
            result.created = true;
            result.entry = ledger.entry(EntryId{after});  // a correction's replacement: the newer of its two
        } else if (row.has(ref) && row.has(project)) {
            result.entry = ledger.entry_by_ref(row[project], row[ref]);  // the same posting, on file already
        }
        if (idempotency_key && result.entry) {
            IdempotencyRecord record;
            record.user = actor.user;
            record.key = *idempotency_key;
            record.request_sha256 = request_sha256;
            record.entry = result.entry->id;
            ledger.record_idempotency(record);
        }
    });
    return result;
}

ImportResult import_csv(Ledger& ledger, const std::string& path, const Actor& actor, const ImportOptions& options) {
    ImportResult result;
    {
        std::vector<ImportProblem>& problems = result.problems;
        FileRows rows(path, parse_encoding(options.encoding), problems);
        if (!problems.empty()) {
            return result;
        }
        try {
            while (auto row = rows.next(&problems)) {
                ++result.rows;
                check_row(*row, problems);
            }
        } catch (const CsvError& e) {  // the CSV itself (a quote never closed, ...)
            problems.push_back({e.line(), e.column(), e.reason()});
        }
        if (!problems.empty()) {
            return result;
        }
    }
    // The bytes are hashed apart from the two reads of the rows: an import reads its file three times.
    result.sha256 = file_sha256(path);
    std::vector<ImportProblem> none;
    FileRows rows(path, parse_encoding(options.encoding), none);
    try {
        ledger.in_transaction([&] {
            // Inside BEGIN IMMEDIATE: of two imports of one file at once, the second sees the first's record.
            result.earlier_imports = ledger.imports_of(result.sha256);
            if (!result.earlier_imports.empty() && !options.again) {
                result.already_imported = true;
                throw RollBack{};
            }
            // Entries are appended with consecutive ids, one per row that adds one: the line of each lets a
            // repeat of an earlier row be named by its line.
            const std::int64_t first_new = ledger.digest().entries + 1;
            std::vector<int> line_of_new;
            std::set<EntryId> named_before;  // entries named as repeated so far (at most kMaxProblems)
            int line = 0;
            const SkipRepeat skip_repeat = [&](const Posting& p) {
                const auto repeated = ledger.entries_repeated_by(p, actor);
                if (repeated.empty()) {
                    return false;
                }
                if (++result.duplicate_rows > static_cast<std::int64_t>(kMaxProblems)) {
                    return true;
                }
                // The entry named: one not named for an earlier row yet (two identical rows posted on purpose
                // and imported again pair up with their two entries), and one still standing rather than a
                // reversed one (the likelier original); the earliest of the best.
                std::optional<EntryId> named;
                std::optional<EntryId> reversed_by;
                int best = 4;
                for (const EntryId id : repeated) {
                    const auto by = ledger.reversed_by(id);
                    const int rank = (named_before.count(id) > 0 ? 2 : 0) + (by ? 1 : 0);
                    if (rank < best) {
                        best = rank;
                        named = id;
                        reversed_by = by;
                    }
                }
                named_before.insert(*named);
                ImportDuplicate d;
                d.line = line;
                d.entry = ledger.entry(*named);
                d.reversed_by = reversed_by;
                const auto at = static_cast<std::int64_t>(d.entry.id) - first_new;
                if (at >= 0) {
                    LEDGER_ASSERT(at < static_cast<std::int64_t>(line_of_new.size()));
                    d.earlier_line = line_of_new[static_cast<std::size_t>(at)];
                }
                result.duplicates.push_back(std::move(d));
                return true;
            };
            std::int64_t done = 0;
            while (auto row = rows.next(nullptr)) {
                line = row->line;
                const std::int64_t repeats_before = result.duplicate_rows;
                try {
                    const std::int64_t entries_before = ledger.digest().entries;
                    if (post_row(ledger, *row, actor, options.allow_duplicates ? SkipRepeat{} : skip_repeat)) {
                        ++result.added;
                        // One line per entry added: a correction row adds its reversal and its replacement.
                        for (auto n = ledger.digest().entries - entries_before; n > 0; --n) {
                            line_of_new.push_back(row->line);
                        }
                    } else if (result.duplicate_rows == repeats_before) {
                        ++result.present;
                    }
                } catch (const Error& e) {
                    const bool about_the_row = e.code() != ErrorCode::storage && e.code() != ErrorCode::integrity;
                    if (result.duplicate_rows > 0 && about_the_row) {
                        result.stopped = ImportProblem{row->line, 0, e.message()};
                        throw RollBack{};
                    }
                    throw Error(e.code(), msg("line {line}: {message}")
                                              .with("line", std::to_string(row->line))
                                              .with("message", e.message()));
                }
                if (options.progress && (++done % 1000 == 0 || done == result.rows)) {
                    options.progress(done, result.rows);
                }
            }
            if (result.duplicate_rows > 0 || options.dry_run) {
                throw RollBack{};
            }
            if (result.added == 0) {
                return;  // every row was on file: the load changed nothing and leaves no trace
            }
            ImportRecord record;
            record.sha256 = result.sha256;
            record.user = actor.user;
            record.os_user = actor.os_user;
            record.file_name = path;
            record.first_entry = EntryId{first_new};
            record.last_entry = EntryId{first_new + static_cast<std::int64_t>(line_of_new.size()) - 1};
            record.rows = result.rows;
            record.added = result.added;
            record.present = result.present;
            result.record = ledger.record_import(record);
        });
    } catch (const RollBack&) {
        // Everything was checked against the ledger's rules (or the import was refused); nothing stays.
    }
    return result;
}

std::vector<std::pair<std::string, std::string>> import_column_names() {
    std::vector<std::pair<std::string, std::string>> names;
    for (const auto& n : kNames) {
        names.emplace_back(n[0], n[1]);
    }
    return names;
}

}  // namespace ledger
