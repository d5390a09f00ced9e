// ledger/kinds.hpp — the one table of which fields each posting kind takes, and the names of kinds and levels
// as phrases of a message.
//
// Ledger::post (ledger.cpp), import_csv's row checks (import.cpp) and the CLI's posting commands all read
// kPostingKinds; nothing else decides whether a field is required, optional or refused.
//
// Before this table three places disagreed; each disagreement and how it is settled here:
//  1. --ref: the CLI required it for adjust and refund, the library and import never did. domain.md §2 calls
//     the voucher reference optional for every entry, so it is optional for every kind (the CLI's rule was
//     stricter than the ledger's, and an import row without a ref was accepted where the CLI refused it).
//  2. --memo: the CLI required it for adjust, forfeit and recover, the library and import never did.
//     domain.md §2 gives every entry "a memo" without saying it may be empty, but nothing in §3/§4 depends on
//     it and import files from the 会计's own spreadsheets often leave 摘要 empty: optional for every money
//     kind here; a reversal's and a correction's reason stay required by their own calls (not postings).
//  3. --contract: the CLI offered no --contract on appropriate, adjust, arrive and recover, while the
//     library and import accepted one and stored it. A budget, an arrival or a recovery is money of a
//     project's level, never of a contract (domain.md §3: contracts are paid, retained, released, forfeited),
//     so the library now refuses it there: forbidden.
//  4. --level on a refund: the CLI made it optional, import required it unless the row names what it
//     returns (refunds), the library required it unless --of was given. Settled as the library and import
//     did: derived from --of, required without it (Need::derived, see level_needed()).
//  5. --level on a retention: the CLI required it; the library refused a retention without it only after
//     opening a transaction ("retention needs --level"); import required it. Required.
//  6. --accepted, --warranty-months: only the CLI's retain offered them; the library ignored them on any
//     other kind, import did not look. They only mean something for a retention: forbidden elsewhere.
//  7. --of: CLI refund only, the library refused it elsewhere, import refused the refunds column elsewhere:
//     all agreed; optional on a refund, forbidden elsewhere.
//  8. --amount on a release: optional everywhere (all outstanding); on a retention: optional (rate × the
//     contract's amount in force); on a forfeit: the CLI and the library required it, import too. Agreed.
//  9. What the command line asks for beyond that: cli.md's synopsis makes `adjust` take --ref and --memo,
//     `refund` --ref, `forfeit` and `recover` --memo — a posting typed by hand names its 批文/凭证 and says why.
//     An import row or a library call need not (domain.md §2: both optional; old ledgers and spreadsheets
//     have entries without them). The row records it as `typed`, the CLI reads it from here.
#pragma once

#include <array>
#include <string_view>

#include "ledger/entry.hpp"
#include "ledger/message.hpp"

namespace ledger {

enum class Need {
    forbidden,  // the kind refuses the field
    optional,   // given or not
    required,   // the kind refuses to be posted without it
    derived,    // optional: when absent the ledger derives it (see the row's comment)
};

// The fields of a posting (ledger::Posting), as the CLI and import name them.
enum class Field { level, amount, contract, ref, memo, accepted, warranty_months, of };
inline constexpr std::array<Field, 8> kFields = {Field::level, Field::amount,   Field::contract,        Field::ref,
                                                 Field::memo,  Field::accepted, Field::warranty_months, Field::of};

struct PostingKind {
    EntryKind kind;
    const char* command;  // the CLI's command
    Need level;
    Need amount;
    Need contract;
    Need ref;
    Need memo;
    Need accepted;
    Need warranty_months;
    Need of;
    // cli.md's command synopsis: the CLI command requires these too (see 9 above).
    bool typed_ref = false;
    bool typed_memo = false;

    Need need(Field field) const noexcept;
};

// One row per kind posted with Ledger::post (the money kinds; reversal, close, amendment have their own calls).
// clang-format off
inline constexpr std::array<PostingKind, 9> kPostingKinds = {{
    //  kind                      command        level            amount           contract         ref             memo            accepted         warranty         of              typed ref/memo
    {EntryKind::appropriation, "appropriate", Need::required, Need::required, Need::forbidden, Need::optional, Need::optional, Need::forbidden, Need::forbidden, Need::forbidden},
    {EntryKind::adjustment,    "adjust",      Need::required, Need::required, Need::forbidden, Need::optional, Need::optional, Need::forbidden, Need::forbidden, Need::forbidden, true, true},
    {EntryKind::arrival,       "arrive",      Need::required, Need::required, Need::forbidden, Need::optional, Need::optional, Need::forbidden, Need::forbidden, Need::forbidden},
    {EntryKind::payment,       "pay",         Need::required, Need::required, Need::optional,  Need::optional, Need::optional, Need::forbidden, Need::forbidden, Need::forbidden},
    // level: from the entry named by --of; required without --of
    {EntryKind::refund,        "refund",      Need::derived,  Need::required, Need::optional,  Need::optional, Need::optional, Need::forbidden, Need::forbidden, Need::optional, true, false},
    // amount: the contract's retention rate × its amount in force; warranty: the contract's
    {EntryKind::retention,     "retain",      Need::required, Need::derived,  Need::required,  Need::optional, Need::optional, Need::required,  Need::optional,  Need::forbidden},
    // level: where the contract's deposit is held; amount: all that is outstanding there
    {EntryKind::release,       "release",     Need::derived,  Need::derived,  Need::required,  Need::optional, Need::optional, Need::forbidden, Need::forbidden, Need::forbidden},
    // level: where the contract's deposit is held
    {EntryKind::forfeit,       "forfeit",     Need::derived,  Need::required, Need::required,  Need::optional, Need::optional, Need::forbidden, Need::forbidden, Need::forbidden, false, true},
    {EntryKind::recovery,      "recover",     Need::required, Need::required, Need::forbidden, Need::optional, Need::optional, Need::forbidden, Need::forbidden, Need::forbidden, false, true},
}};
// clang-format on

// The row of a posting kind, or nullptr for a kind not posted with Ledger::post.
const PostingKind* posting_kind(EntryKind kind) noexcept;

// Whether a posting of this kind must name its level: required, or derived from --of that is not given.
bool level_needed(const PostingKind& row, bool has_of) noexcept;

// The field as the CLI spells its option: "--level", "--amount", ..., "--of".
const char* option_name(Field field) noexcept;

// Phrases for messages: the kind's name ("payment", 支付), the level's ("county", 县区级).
Message kind_name(EntryKind kind);
Message level_name(Level level);

}  // namespace ledger
