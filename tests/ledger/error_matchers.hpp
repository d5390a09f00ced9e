// Catch2 helpers shared by the ledger tests: ledger::Error printed with its code, and a matcher on it.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "ledger/error.hpp"

namespace Catch {
template <>
struct StringMaker<ledger::Error> {
    static std::string convert(const ledger::Error& error) {
        return std::string("Error{") + ledger::to_string(error.code()) + "}: " + error.what();
    }
};
}  // namespace Catch

namespace ledger_test {

// Matches a ledger::Error by its code; a failure prints the code and message that came instead.
class HasCode : public Catch::MatcherBase<ledger::Error> {
public:
    explicit HasCode(ledger::ErrorCode expected) : expected_(expected) {}
    bool match(const ledger::Error& error) const override { return error.code() == expected_; }
    std::string describe() const override { return std::string("has code ") + ledger::to_string(expected_); }

private:
    ledger::ErrorCode expected_;
};

}  // namespace ledger_test
