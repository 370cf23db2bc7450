// Sage sales quotes and sales estimates through the connector against capsync-sandbox
// (R18-R21): both resources read in one paged, incremental pass with their statuses; a draft
// created (as a quote, or as an estimate when the business says so), found by its reference
// and updated; and the refusal to touch one once it is sent.

#include <catch2/catch.hpp>

#include "connectors/sage/quotes.hpp"
#include "connectors/sage/sage_connector.hpp"
#include "test/unit/connectors/connector_sandbox_fixture.hpp"
#include "test/unit/connectors/quote_reference_case.hpp"

using namespace capsync;
using model::QuoteStatus;

namespace {

// Two customers; four quotes and two estimates across every status; sales ledger 4000 and 4010.
std::string seed() {
  return R"({"sage":{"clients":[{"client_id":"sandbox-client-id","client_secret":"sandbox-client-secret"}],
    "refreshTokens":["sage-sandbox-refresh-token"],"businesses":[{"id":"5a1e0b0c0d0e4f10a1b2c3d4e5f60001","name":"Sandbox Business"}],
    "contacts":[{"id":"c1","name":"Globex","contact_type_ids":["CUSTOMER"],"updated_at":"2026-01-01T10:00:00Z"},
                {"id":"c2","name":"Initech","contact_type_ids":["CUSTOMER"],"updated_at":"2026-01-01T10:00:00Z"}],
    "ledger_accounts":[{"id":"la-4010","nominal_code":"4010","name":"Sales Type B"},{"id":"la-4000","nominal_code":"4000","name":"Sales Type A"}],
    "sales_quotes":[
      {"id":"q1","contact_id":"c1","quote_number":"SQ-1","status_id":"DRAFT","net_amount":100.00,"tax_rate_id":"GB_STANDARD","date":"2026-01-02","expiry_date":"2099-02-01","updated_at":"2026-01-05T09:00:00Z"},
      {"id":"q2","contact_id":"c1","quote_number":"SQ-2","status_id":"PENDING","net_amount":33.33,"tax_rate_id":"GB_LOWER","date":"2026-01-02","expiry_date":"2099-02-01","updated_at":"2026-01-03T09:00:00Z"},
      {"id":"q3","contact_id":"c2","quote_number":"SQ-3","status_id":"ACCEPTED","net_amount":10,"currency_id":"EUR","date":"2026-01-02","expiry_date":"2099-02-01","updated_at":"2026-01-04T09:00:00Z"},
      {"id":"q4","contact_id":"c2","quote_number":"SQ-4","status_id":"PENDING","net_amount":5,"date":"2020-01-02","expiry_date":"2020-02-01","updated_at":"2026-01-01T09:00:00Z"}],
    "sales_estimates":[
      {"id":"e1","contact_id":"c2","estimate_number":"SE-1","status_id":"DECLINED","net_amount":6,"date":"2026-01-02","expiry_date":"2099-02-01","updated_at":"2026-01-04T11:00:00Z"},
      {"id":"e2","contact_id":"c2","estimate_number":"SE-2","status_id":"INVOICED","net_amount":7,"date":"2026-01-02","expiry_date":"2099-02-01","updated_at":"2026-01-04T12:00:00Z"}]}})";
}

struct Fixture : test::ConnectorSandboxFixture {
  std::unique_ptr<sage::SageConnector> sage;

  explicit Fixture(sage::QuoteKind creates = sage::QuoteKind::quote)
      : ConnectorSandboxFixture(seed(), "sage", "/sage-oauth/token") {
    sage::SageSettings s;
    s.base_url = sandbox->base_url() + "/sage/v3.1";
    s.page_size = 2;
    s.creates = creates;
    sage = std::make_unique<sage::SageConnector>(*sender, *source, s);
  }

  auto quotes(std::string cursor, int* pages = nullptr) {
    return pass<model::Quote>([&](connector::ListRequest r) { return sage->list_quotes(r); }, cursor, pages);
  }

  // A Sage user's own change to a quote, straight to the API.
  int put(const std::string& path, std::string body) {
    return send(http::Method::put, "/sage/v3.1" + path, std::move(body)).status;
  }


  static model::QuoteSpec spec(std::string reference) {
    auto s = test::website_quote("c1", std::move(reference));
    s.expiry_date = date::year{2026} / 3 / 3;
    return s;
  }
};

}  // namespace

// The shared create-then-find case (quote_reference_case.cpp) against Sage.
test::QuoteTarget test::make_quote_target() {
  auto f = std::make_shared<Fixture>();
  return {f, &f->io, f->sage.get(), Fixture::spec(""), model::QuoteStatus::draft};
}

TEST_CASE("Sage quote statuses map to one neutral status each, a draft already sent reads as sent") {
  CHECK(sage::quote_status("DRAFT", false) == QuoteStatus::draft);
  CHECK(sage::quote_status("DRAFT", true) == QuoteStatus::sent);
  CHECK(sage::quote_status("PENDING", false) == QuoteStatus::sent);
  CHECK(sage::quote_status("ACCEPTED", true) == QuoteStatus::accepted);
  CHECK(sage::quote_status("DECLINED", true) == QuoteStatus::declined);
  CHECK(sage::quote_status("INVOICED", true) == QuoteStatus::invoiced);
  CHECK(sage::quote_status("EXPIRED", true) == QuoteStatus::expired);
  CHECK(sage::quote_status("SOMETHING_NEW", true) == QuoteStatus::expired);
}

TEST_CASE("Sage connector reads sales quotes and estimates in one paged pass and then incrementally") {
  Fixture f;
  REQUIRE(f.sage->capabilities().quotes_read);
  REQUIRE(f.sage->capabilities().quotes_write);

  int pages = 0;
  auto [all, cursor] = f.quotes("", &pages);
  CHECK(pages == 3);  // quotes 2 + 2, estimates 2
  REQUIRE(all.size() == 6);
  CHECK(cursor == "2026-01-05T09:00:00.000Z");  // quote q1's, read on the first page
  const auto* q1 = test::find_quote(all, "q1");
  REQUIRE(q1);
  CHECK(q1->status == QuoteStatus::draft);
  CHECK(q1->number == "SQ-1");
  CHECK(q1->contact_remote_id == "c1");
  CHECK(q1->total.to_string() == "120.00");  // 100 + 20% VAT
  CHECK(q1->expiry_date == date::year{2099} / 2 / 1);
  CHECK(q1->url.ends_with("/invoicing/sales_quotes/q1"));
  CHECK(test::find_quote(all, "q2")->status == QuoteStatus::sent);
  CHECK(test::find_quote(all, "q2")->total.to_string() == "34.9965");  // 33.33 + 5% VAT, exact
  CHECK(test::find_quote(all, "q3")->status == QuoteStatus::accepted);
  CHECK(test::find_quote(all, "q3")->currency == "EUR");
  CHECK(test::find_quote(all, "q4")->status == QuoteStatus::expired);  // pending past its expiry date
  REQUIRE(test::find_quote(all, "estimate:e1"));
  CHECK(test::find_quote(all, "estimate:e1")->status == QuoteStatus::declined);
  CHECK(test::find_quote(all, "estimate:e1")->number == "SE-1");
  CHECK(test::find_quote(all, "estimate:e1")->url.ends_with("/invoicing/sales_estimates/e1"));
  CHECK(test::find_quote(all, "estimate:e2")->status == QuoteStatus::invoiced);

  // A page before the pass's last keeps the cursor: the lists are not in change order.
  auto first = f.run(f.sage->list_quotes({"", 1}));
  REQUIRE(first);
  CHECK(first->cursor.empty());

  REQUIRE(f.put("/sales_estimates/e1", R"({"sales_estimate":{"status_id":"PENDING"}})") == 200);
  auto [changed, next] = f.quotes(cursor);
  REQUIRE(test::find_quote(changed, "estimate:e1"));
  CHECK(test::find_quote(changed, "estimate:e1")->status == QuoteStatus::sent);
  CHECK_FALSE(test::find_quote(changed, "q2"));
  CHECK_FALSE(test::find_quote(changed, "estimate:e2"));
  CHECK(next > cursor);
}

TEST_CASE("Sage connector drafts a quote, answers a retried create with it and updates it while a draft") {
  Fixture f;
  auto created = f.run(f.sage->create_quote(Fixture::spec("Capsule opportunity #42"), "key-42"));
  REQUIRE(created);
  CHECK(created->status == QuoteStatus::draft);
  CHECK(created->reference == "Capsule opportunity #42");
  CHECK(created->summary == "Three pages and a blog");
  CHECK(created->total.to_string() == "3001.50");
  CHECK(created->expiry_date == date::year{2026} / 3 / 3);
  CHECK(created->number.starts_with("SQ-"));
  CHECK_FALSE(created->remote_id.starts_with("estimate:"));

  // A retried create with the same key is answered with the first quote (idempotency_id).
  auto again = f.run(f.sage->create_quote(Fixture::spec("Capsule opportunity #42"), "key-42"));
  REQUIRE(again);
  CHECK(again->remote_id == created->remote_id);

  auto spec = Fixture::spec("Capsule opportunity #42");
  spec.summary = "Five pages";
  spec.quantity = 5;
  spec.unit_amount = *model::Money::parse("99.99", "GBP");
  spec.expiry_date = date::year{2026} / 4 / 1;
  spec.account_code = "4010";
  spec.tax_type = "GB_STANDARD";
  auto updated = f.run(f.sage->update_quote(created->remote_id, spec));
  REQUIRE(updated);
  CHECK(updated->summary == "Five pages");
  CHECK(updated->total.to_string() == "599.94");  // 5 x 99.99 + 20% VAT
  CHECK(updated->expiry_date == date::year{2026} / 4 / 1);
  CHECK(updated->status == QuoteStatus::draft);
}

TEST_CASE("Sage connector drafts an estimate when the business creates estimates") {
  Fixture f(sage::QuoteKind::estimate);
  auto created = f.run(f.sage->create_quote(Fixture::spec("Capsule opportunity #9"), ""));
  REQUIRE(created);
  CHECK(created->remote_id.starts_with("estimate:"));
  CHECK(created->number.starts_with("SE-"));
  auto found = f.run(f.sage->find_quotes_by_reference("Capsule opportunity #9"));
  REQUIRE(found);
  REQUIRE(found->size() == 1);
  CHECK((*found)[0].remote_id == created->remote_id);
  auto spec = Fixture::spec("Capsule opportunity #9");
  spec.summary = "Estimate changed";
  auto updated = f.run(f.sage->update_quote(created->remote_id, spec));
  REQUIRE(updated);
  CHECK(updated->summary == "Estimate changed");
}

TEST_CASE("Sage connector refuses to change a quote once it is sent (R21), and Sage refuses an invoiced one") {
  Fixture f;
  auto created = f.run(f.sage->create_quote(Fixture::spec("Capsule opportunity #7"), ""));
  REQUIRE(created);
  REQUIRE(f.put("/sales_quotes/" + created->remote_id, R"({"sales_quote":{"status_id":"PENDING","sent":true}})") == 200);

  auto spec = Fixture::spec("Capsule opportunity #7");
  spec.summary = "Changed after sending";
  auto refused = f.run(f.sage->update_quote(created->remote_id, spec));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code() == Errc::conflict);
  auto found = f.run(f.sage->find_quotes_by_reference("Capsule opportunity #7"));
  REQUIRE(found);
  REQUIRE(found->size() == 1);
  CHECK((*found)[0].summary == "Three pages and a blog");

  // Sage itself refuses an edit of an invoiced estimate (editable false).
  CHECK(f.put("/sales_estimates/e2", R"({"sales_estimate":{"notes":"late edit"}})") == 422);
}
