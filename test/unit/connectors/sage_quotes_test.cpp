// Sage sales quotes and sales estimates through the connector against capsync-sandbox
// (R18-R21): both resources read in one paged, incremental pass with their statuses; a draft
// created (as a quote, or as an estimate when the business says so), found by its reference
// and updated; and the refusal to touch one once it is sent.

#include <catch2/catch.hpp>

#include "connectors/sage/quotes.hpp"
#include "connectors/sage/sage_connector.hpp"
#include "test/unit/connectors/connector_sandbox_fixture.hpp"

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
    auto token = run(tokens->access_token());
    REQUIRE(token);
    http::Request r;
    r.method = http::Method::put;
    r.url = sandbox->base_url() + "/sage/v3.1" + path;
    r.bearer = *token;
    r.body = std::move(body);
    r.content_type = "application/json";
    auto response = run(client.send(r));
    REQUIRE(response);
    return response->status;
  }

  static model::QuoteSpec spec(std::string reference) {
    model::QuoteSpec s;
    s.contact_remote_id = "c1";
    s.reference = std::move(reference);
    s.title = "Website redesign";
    s.summary = "Three pages and a blog";
    s.issue_date = date::year{2026} / 2 / 1;
    s.expiry_date = date::year{2026} / 3 / 3;
    s.currency = "GBP";
    s.line_description = "Website redesign";
    s.quantity = 3;
    s.unit_amount = *model::Money::parse("1000.50", "GBP");
    return s;
  }
};

const model::Quote* find(const std::vector<model::Quote>& list, std::string_view id) {
  for (const auto& q : list)
    if (q.remote_id == id) return &q;
  return nullptr;
}

}  // namespace

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
  const auto* q1 = find(all, "q1");
  REQUIRE(q1);
  CHECK(q1->status == QuoteStatus::draft);
  CHECK(q1->number == "SQ-1");
  CHECK(q1->contact_remote_id == "c1");
  CHECK(q1->total.to_string() == "120.00");  // 100 + 20% VAT
  CHECK(q1->expiry_date == date::year{2099} / 2 / 1);
  CHECK(q1->url.ends_with("/invoicing/sales_quotes/q1"));
  CHECK(find(all, "q2")->status == QuoteStatus::sent);
  CHECK(find(all, "q2")->total.to_string() == "34.9965");  // 33.33 + 5% VAT, exact
  CHECK(find(all, "q3")->status == QuoteStatus::accepted);
  CHECK(find(all, "q3")->currency == "EUR");
  CHECK(find(all, "q4")->status == QuoteStatus::expired);  // pending past its expiry date
  REQUIRE(find(all, "estimate:e1"));
  CHECK(find(all, "estimate:e1")->status == QuoteStatus::declined);
  CHECK(find(all, "estimate:e1")->number == "SE-1");
  CHECK(find(all, "estimate:e1")->url.ends_with("/invoicing/sales_estimates/e1"));
  CHECK(find(all, "estimate:e2")->status == QuoteStatus::invoiced);

  // A page before the pass's last keeps the cursor: the lists are not in change order.
  auto first = f.run(f.sage->list_quotes({"", 1}));
  REQUIRE(first);
  CHECK(first->cursor.empty());

  REQUIRE(f.put("/sales_estimates/e1", R"({"sales_estimate":{"status_id":"PENDING"}})") == 200);
  auto [changed, next] = f.quotes(cursor);
  REQUIRE(find(changed, "estimate:e1"));
  CHECK(find(changed, "estimate:e1")->status == QuoteStatus::sent);
  CHECK_FALSE(find(changed, "q2"));
  CHECK_FALSE(find(changed, "estimate:e2"));
  CHECK(next > cursor);
}

TEST_CASE("Sage connector drafts a quote, finds it by its reference and updates it while a draft") {
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

  auto found = f.run(f.sage->find_quotes_by_reference("Capsule opportunity #42"));
  REQUIRE(found);
  REQUIRE(found->size() == 1);
  CHECK((*found)[0].remote_id == created->remote_id);
  auto none = f.run(f.sage->find_quotes_by_reference("Capsule opportunity #4"));
  REQUIRE(none);
  CHECK(none->empty());  // Sage's search matches the part; only the exact reference counts

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
