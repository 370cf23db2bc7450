// connector::json::parse, the one parser for JSON capsync did not write: exact numbers, syntax
// errors named, and nesting bounded so no input can exhaust the stack.

#include "core/connector/json.hpp"

#include <catch2/catch.hpp>

using namespace capsync;
namespace json = capsync::connector::json;

namespace {
std::string nested(std::size_t depth, std::string_view open = "[", std::string_view close = "]",
                   std::string_view inner = "") {
  std::string out;
  for (std::size_t i = 0; i < depth; ++i) out += open;
  out += inner;
  for (std::size_t i = 0; i < depth; ++i) out += close;
  return out;
}
}  // namespace

TEST_CASE("json::parse keeps numbers as their exact text unless asked for numbers") {
  auto doc = json::parse(R"({"total":46.10,"n":3})");
  REQUIRE(doc.ok());
  CHECK(json::text(*doc, "total") == "46.10");
  auto typed = json::parse(R"({"n":3})", json::Numbers::as_numbers);
  REQUIRE(typed.ok());
  CHECK((*typed)["n"].IsInt());
}

TEST_CASE("json::parse names the offset of a syntax error") {
  auto doc = json::parse(R"({"a":)");
  REQUIRE_FALSE(doc.ok());
  CHECK(doc.error().code() == Errc::protocol);
  CHECK_THAT(doc.error().message(), Catch::StartsWith("malformed JSON at offset 5"));
}

TEST_CASE("json::parse accepts nesting up to 64 levels and refuses deeper") {
  CHECK(json::parse(nested(64)).ok());
  CHECK(json::parse(nested(64, "{\"a\":", "}", "1")).ok());
  auto deep = json::parse(nested(65));
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().code() == Errc::protocol);
  CHECK(deep.error().message() == "JSON nested deeper than 64 levels");
  CHECK_FALSE(json::parse(nested(65, "{\"a\":", "}", "1")).ok());
}

TEST_CASE("json::parse refuses a million-deep body without exhausting the stack") {
  for (auto numbers : {json::Numbers::as_text, json::Numbers::as_numbers}) {
    auto deep = json::parse(nested(1'000'000), numbers);
    REQUIRE_FALSE(deep.ok());
    CHECK(deep.error().message() == "JSON nested deeper than 64 levels");
  }
  // Unclosed, as a cut body would be: refused the same way, before the parser recurses.
  CHECK_FALSE(json::parse(std::string(1'000'000, '[')).ok());
}

TEST_CASE("json::parse counts only brackets outside strings") {
  const std::string brackets = std::string(100, '[') + R"(\"{)" + std::string(100, '{');
  auto doc = json::parse(R"({"name":")" + brackets + R"("})");
  REQUIRE(doc.ok());
  CHECK(json::text(*doc, "name") == std::string(100, '[') + "\"{" + std::string(100, '{'));
}

TEST_CASE("json::well_formed: a too-deep body is whole, not worth asking again") {
  CHECK(json::well_formed(nested(1'000'000)));
  CHECK_FALSE(json::well_formed(R"({"a":)"));
  CHECK(json::well_formed(""));
}

TEST_CASE("json::lines: an address's street lines, trimmed, blank and missing ones skipped") {
  auto doc = json::parse(R"({"l1":" 1 High St ","l2":"","l3":"  ","l4":"Flat 2","n":7})");
  REQUIRE(doc.ok());
  CHECK(json::lines(*doc, {"l1", "l2", "l3", "missing", "l4"}) == "1 High St\nFlat 2");
  CHECK(json::lines(*doc, {"l2", "missing"}).empty());
  CHECK(json::lines(*doc, {"n"}) == "7");
}

TEST_CASE("json::date reads an optional YYYY-MM-DD and names the record when it is not a date") {
  auto doc = json::parse(R"({"due":"2026-03-31","none":null,"blank":"","bad":"31/03/2026"})");
  REQUIRE(doc.ok());
  auto due = json::date(*doc, "due", "invoice 7");
  REQUIRE(due.ok());
  REQUIRE(*due);
  CHECK(model::format_date(**due) == "2026-03-31");
  for (const char* key : {"none", "blank", "missing"}) {
    auto absent = json::date(*doc, key, "invoice 7");
    REQUIRE(absent.ok());
    CHECK_FALSE(*absent);
  }
  auto bad = json::date(*doc, "bad", "invoice 7");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code() == Errc::protocol);
  CHECK(bad.error().message() == "invoice 7: bad bad '31/03/2026'");
}
