// present/json.hpp: the layout every JSON document is written in, rates as numbers, and the shapes of cli.md.
#include <catch2/catch.hpp>

#include <string>

#include "ledger/calendar.hpp"

#include "present/json.hpp"

using fundflow::dump_json;
using fundflow::hundredths_json;
using Json = nlohmann::ordered_json;

TEST_CASE("dump_json writes one line with a blank after each comma and colon, keys in insertion order", "[json]") {
    Json j = Json::object();
    j["z"] = 1;
    j["a"] = Json::array({true, nullptr, "x"});
    j["m"] = Json::object();
    j["e"] = Json::array();
    CHECK(dump_json(j) == "{\"z\": 1, \"a\": [true, null, \"x\"], \"m\": {}, \"e\": []}\n");
}

TEST_CASE("dump_json escapes what JSON requires and leaves Chinese as UTF-8", "[json]") {
    CHECK(dump_json(Json("某\"公司\"\\\t\n")) == "\"某\\\"公司\\\"\\\\\\t\\n\"\n");
    CHECK(dump_json(Json(std::string("a\x1f"))) == "\"a\\u001f\"\n");
}

TEST_CASE("a byte that is not UTF-8 becomes U+FFFD instead of breaking the document", "[json]") {
    CHECK(dump_json(Json(std::string("a\xff" "b"))) == "\"a\xEF\xBF\xBD" "b\"\n");
}

TEST_CASE("rates are written as the shortest form of their exact hundredths, or null", "[json]") {
    const auto text = [](std::optional<std::int64_t> hundredths) {
        std::string out = dump_json(hundredths_json(hundredths));
        out.pop_back();
        return out;
    };
    CHECK(text(9500) == "95.0");
    CHECK(text(10000) == "100.0");
    CHECK(text(3333) == "33.33");
    CHECK(text(4167) == "41.67");
    CHECK(text(50) == "0.5");
    CHECK(text(1) == "0.01");
    CHECK(text(0) == "0.0");
    CHECK(text(-1250) == "-12.5");
    CHECK(text(123456789012345) == "1234567890123.45");
    CHECK(text(std::nullopt) == "null");
}

TEST_CASE("an entry has cli.md's keys in order, with refunds and corrects only when set", "[json]") {
    ledger::Entry e;
    e.id = ledger::EntryId{7};
    e.kind = ledger::EntryKind::payment;
    e.effect_kind = ledger::EntryKind::payment;
    e.project = "P001";
    e.level = ledger::Level::county;
    e.amount = ledger::Money::from_fen(119652500);
    e.effective_on = ledger::parse_date("2020-11-30");
    e.recorded_at = "2020-12-01T08:00:00.000000Z";
    e.user = "会计";
    e.os_user = "root";
    e.ref = "付-001";
    e.memo = "设备款";
    e.prev_hash = std::string(64, '0');
    e.hash = std::string(64, 'a');
    const std::string h(64, 'a');
    CHECK(dump_json(fundflow::entry_json(e)) ==
          "{\"id\": 7, \"kind\": \"payment\", \"effect_kind\": \"payment\", \"project\": \"P001\", \"level\": "
          "\"county\", \"amount_fen\": 119652500, \"date\": \"2020-11-30\", \"recorded_at\": "
          "\"2020-12-01T08:00:00.000000Z\", \"user\": \"会计\", \"os_user\": \"root\", \"contract\": null, \"ref\": "
          "\"付-001\", \"memo\": \"设备款\", \"reverses\": null, \"accepted\": null, \"due\": null, "
          "\"warranty_months\": null, \"prev_hash\": \"" + std::string(64, '0') + "\", \"hash\": \"" + h + "\"}\n");
    e.corrects = ledger::EntryId{5};
    const Json j = fundflow::entry_json(e);
    CHECK(j.contains("corrects"));
    CHECK_FALSE(j.contains("refunds"));
}

TEST_CASE("check details are worded in the language asked, the codes beside them are not", "[json]") {
    ledger::CheckReport report;
    report.as_of = ledger::parse_date("2022-12-25");
    ledger::CheckResult chain;
    chain.name = "invariants";
    chain.verdict = ledger::Verdict::fail;
    chain.details.push_back(ledger::msg("not recomputed: the chain is broken"));
    report.checks.push_back(chain);
    report.integrity_failed = true;
    const Json en = fundflow::check_json(report, fundflow::Lang::en);
    const Json zh = fundflow::check_json(report, fundflow::Lang::zh);
    CHECK(en["checks"][0]["details"][0] == "not recomputed: the chain is broken");
    CHECK(zh["checks"][0]["details"][0] == "未重新计算：哈希链已断");
    CHECK(zh["checks"][0]["name"] == "invariants");
    CHECK(zh["checks"][0]["verdict"] == "fail");
    CHECK(zh["ok"] == false);
}

TEST_CASE("a message is worded in the language asked", "[json]") {
    const auto m = ledger::msg("initialized {db}").with("db", "a.db");
    CHECK(dump_json(fundflow::message_json(m, fundflow::Lang::en)) == "{\"message\": \"initialized a.db\"}\n");
    CHECK(fundflow::message_json(m, fundflow::Lang::zh)["message"] == "已创建账簿 a.db");
}
