#include "test/unit/connectors/quote_reference_case.hpp"

#include <catch2/catch.hpp>

#include "test/unit/http/run.hpp"

using namespace capsync;

const model::Quote* test::find_quote(const std::vector<model::Quote>& list, std::string_view id) {
  for (const auto& q : list)
    if (q.remote_id == id) return &q;
  return nullptr;
}

model::QuoteSpec test::website_quote(std::string contact, std::string reference) {
  model::QuoteSpec s;
  s.contact_remote_id = std::move(contact);
  s.reference = std::move(reference);
  s.title = "Website redesign";
  s.summary = "Three pages and a blog";
  s.issue_date = date::year{2026} / 2 / 1;
  s.expiry_date = date::year{2026} / 3 / 1;
  s.currency = "GBP";
  s.line_description = "Website redesign";
  s.quantity = 3;
  s.unit_amount = *model::Money::parse("1000.50", "GBP");
  return s;
}

TEST_CASE("Quotes: a created quote is found by its exact reference, not by one it starts with (R20)") {
  auto t = test::make_quote_target();
  auto& c = *t.connector;
  auto spec = t.spec;
  spec.reference = "Capsule opportunity #42";
  auto created = test::run(*t.io, c.create_quote(spec, "capsync-acme-42"));
  REQUIRE(created);
  CHECK(created->status == t.created_status);
  CHECK(created->reference == "Capsule opportunity #42");
  CHECK(created->contact_remote_id == spec.contact_remote_id);
  spec.reference = "Capsule opportunity #420";
  REQUIRE(test::run(*t.io, c.create_quote(spec, "capsync-acme-420")));

  auto found = test::run(*t.io, c.find_quotes_by_reference("Capsule opportunity #42"));
  REQUIRE(found);
  REQUIRE(found->size() == 1);  // not #420, which a search for the text also matches
  CHECK((*found)[0].remote_id == created->remote_id);
  CHECK((*found)[0].url == created->url);
  auto none = test::run(*t.io, c.find_quotes_by_reference("Capsule opportunity #4"));
  REQUIRE(none);
  CHECK(none->empty());
}
