#include "ledger/kinds.hpp"

namespace ledger {

Need PostingKind::need(Field field) const noexcept {
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
            return warranty_months;
        case Field::of:
            return of;
    }
    return Need::forbidden;
}

const PostingKind* posting_kind(EntryKind kind) noexcept {
    for (const PostingKind& row : kPostingKinds) {
        if (row.kind == kind) {
            return &row;
        }
    }
    return nullptr;
}

bool level_needed(const PostingKind& row, bool has_of) noexcept {
    return row.level == Need::required || (row.level == Need::derived && row.of != Need::forbidden && !has_of);
}

const char* option_name(Field field) noexcept {
    switch (field) {
        case Field::level:
            return "--level";
        case Field::amount:
            return "--amount";
        case Field::contract:
            return "--contract";
        case Field::ref:
            return "--ref";
        case Field::memo:
            return "--memo";
        case Field::accepted:
            return "--accepted";
        case Field::warranty_months:
            return "--warranty-months";
        case Field::of:
            return "--of";
    }
    return "";
}

Message kind_name(EntryKind kind) {
    switch (kind) {
        case EntryKind::project:
            return msg("project");
        case EntryKind::contract:
            return msg("contract");
        case EntryKind::appropriation:
            return msg("appropriation");
        case EntryKind::adjustment:
            return msg("adjustment");
        case EntryKind::arrival:
            return msg("arrival");
        case EntryKind::payment:
            return msg("payment");
        case EntryKind::refund:
            return msg("refund");
        case EntryKind::retention:
            return msg("retention");
        case EntryKind::release:
            return msg("release");
        case EntryKind::forfeit:
            return msg("forfeit");
        case EntryKind::recovery:
            return msg("recovery");
        case EntryKind::close:
            return msg("close");
        case EntryKind::reversal:
            return msg("reversal");
        case EntryKind::amendment:
            return msg("amendment");
        case EntryKind::reopen:
            return msg("reopen");
        case EntryKind::account:
            return msg("account");
        case EntryKind::unit:
            return msg("budget unit");
        case EntryKind::prior_refund:
            return msg("prior_refund");
    }
    return Message::verbatim(std::string(to_string(kind)));
}

Message level_name(Level level) {
    switch (level) {
        case Level::central:
            return msg("central");
        case Level::provincial:
            return msg("provincial");
        case Level::municipal:
            return msg("municipal");
        case Level::county:
            return msg("county");
        case Level::carryover:
            return msg("carryover");
        case Level::other:
            return msg("other");
    }
    return Message::verbatim(std::string(to_string(level)));
}

}  // namespace ledger
