#include "ledger/error.hpp"

#include <cstdio>
#include <cstdlib>

namespace ledger {

const char* to_string(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::invalid_input:
            return "invalid_input";
        case ErrorCode::not_found:
            return "not_found";
        case ErrorCode::limit_exceeded:
            return "limit_exceeded";
        case ErrorCode::rejected:
            return "rejected";
        case ErrorCode::integrity:
            return "integrity";
        case ErrorCode::storage:
            return "storage";
    }
    return "unknown";
}

namespace detail {
void assertion_failed(const char* condition, const char* file, int line) noexcept {
    std::fprintf(stderr, "fundflow: internal error: assertion '%s' failed at %s:%d\n", condition, file,
                 line);
    std::abort();
}
}  // namespace detail

}  // namespace ledger
