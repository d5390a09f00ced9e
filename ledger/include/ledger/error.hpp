// ledger/error.hpp — the one exception type of the ledger library.
//
// Every failure the library reports is a ledger::Error carrying an ErrorCode that says what the caller
// should do about it (abseil's StatusCode idea). Messages name the bad value and, where there is one,
// the way out. Programmer errors are not Errors: they are LEDGER_ASSERTs, which abort.
#pragma once

#include <stdexcept>
#include <string>

#include "ledger/message.hpp"

namespace ledger {

enum class ErrorCode {
    invalid_input,   // the caller gave a value that is not acceptable: fix the input
    not_found,       // a named project, contract, entry or file does not exist
    limit_exceeded,  // an amount or count beyond what the ledger can hold
    rejected,        // a ledger rule refused the posting (balance, budget, closed year, ...)
    integrity,       // the file's contents fail their hash chain or invariants: investigate
    storage,         // the file system or SQLite failed (disk full, I/O, locked): retry or repair
};

// A short lowercase name for the code, e.g. "invalid_input".
const char* to_string(ErrorCode code) noexcept;

class Error : public std::runtime_error {
public:
    // The message as data (ledger/message.hpp): the front end words it; what() is its English.
    Error(ErrorCode code, Message message)
        : std::runtime_error(message.english()), code_(code), message_(std::move(message)) {}
    ErrorCode code() const noexcept { return code_; }
    const Message& message() const noexcept { return message_; }

private:
    ErrorCode code_;
    Message message_;
};

namespace detail {
[[noreturn]] void assertion_failed(const char* condition, const char* file, int line) noexcept;
}  // namespace detail

}  // namespace ledger

// Always on, in every build type: an uncommitted SQLite transaction never reaches the file, so aborting
// on a broken internal assumption is the safe outcome for the books.
#define LEDGER_ASSERT(condition)                                               \
    do {                                                                       \
        if (!(condition)) {                                                    \
            ::ledger::detail::assertion_failed(#condition, __FILE__, __LINE__); \
        }                                                                      \
    } while (false)
