// ledger/message.hpp: templates, fields, nested phrases, and the Error that carries one.
#include <catch2/catch.hpp>

#include "ledger/error.hpp"
#include "ledger/message.hpp"

using ledger::Message;
using ledger::msg;

TEST_CASE("a message substitutes its fields into the template, nested phrases worded the same way") {
    const Message m = msg("{what} exceeds the free balance of {pot} ({free})")
                          .with("what", msg("{kind} of {amount}").with("kind", msg("payment")).with("amount", "200.00 元"))
                          .with("pot", "P1")
                          .with("free", "100.00 元");
    CHECK(m.english() == "payment of 200.00 元 exceeds the free balance of P1 (100.00 元)");
    // A translation orders the fields its own way; the nested phrase is worded by the caller's function.
    const auto word = [](const Message& phrase) { return phrase.text() == "payment" ? std::string("支付") : phrase.english(); };
    CHECK(m.format("{pot}可用余额（{free}）不足：{what}", [&](const Message& p) {
               return p.format(p.text() == "{kind} of {amount}" ? "{kind} {amount}" : p.text(), word);
           }) == "P1可用余额（100.00 元）不足：支付 200.00 元");
}

TEST_CASE("braces: doubled ones are literal, unknown names stay as written") {
    CHECK(msg("{{x}} and {y} and {z").with("y", "Y").english() == "{x} and Y and {z");
    CHECK(msg("{unknown}").english() == "{unknown}");
}

TEST_CASE("an Error keeps its message as data and its English as what()") {
    const ledger::Error e(ledger::ErrorCode::rejected, msg("year {year} is closed").with("year", "2020"));
    CHECK(std::string(e.what()) == "year 2020 is closed");
    CHECK(e.message().text() == "year {year} is closed");
    CHECK(!e.message().is_verbatim());
    const ledger::Error plain(ledger::ErrorCode::storage, ledger::Message::verbatim("disk I/O error {x}"));
    CHECK(plain.message().is_verbatim());
    CHECK(plain.message().english() == "disk I/O error {x}");
}
