// FreeAgent estimates through the connector against capsync-sandbox (R18-R21): paging and
// incremental reads, the status mapping, create then find by reference, update of a draft, and
// the refusal to touch an estimate once it is sent.

#include <catch2/catch.hpp>

#include "connectors/freeagent/estimates.hpp"
#include "connectors/freeagent/freeagent_connector.hpp"
#include "test/unit/connectors/connector_sandbox_fixture.hpp"
#include "test/unit/connectors/quote_reference_case.hpp"

using namespace capsync;
using model::QuoteStatus;

namespace {

// Two contacts; six estimates, one per FreeAgent status, 2 a page.
std::string seed() {
  return R"({"freeagent":{"clients":[{"client_id":"sandbox-client-id","client_secret":"sandbox-client-secret"}],
    "refreshTokens":["freeagent-sandbox-refresh-token"],"company":{"name":"Acme Books","subdomain":"acmebooks"},
    "contacts":[{"id":"1001","organisation_name":"Globex","updated_at":"2026-01-01T10:00:00Z"},
                {"id":"1002","organisation_name":"Initech","updated_at":"2026-01-01T10:00:00Z"}],
    "estimates":[
      {"id":"1","contact":"1001","reference":"E-001","status":"Draft","net_value":"100.00","sales_tax_rate":"20","dated_on":"2026-01-02","updated_at":"2026-01-05T09:00:00Z","created_at":"2026-01-02T09:00:00Z"},
      {"id":"2","contact":"1001","reference":"E-002","status":"Sent","net_value":"33.33","sales_tax_rate":"17.5","updated_at":"2026-01-03T09:00:00Z","created_at":"2026-01-03T09:00:00Z"},
      {"id":"3","contact":"1002","reference":"E-003","status":"Open","net_value":"10","currency":"EUR","updated_at":"2026-01-04T09:00:00Z","created_at":"2026-01-04T09:00:00Z"},
      {"id":"4","contact":"1002","reference":"E-004","status":"Approved","net_value":"5","updated_at":"2026-01-01T09:00:00Z","created_at":"2026-01-04T10:00:00Z"},
      {"id":"5","contact":"1002","reference":"E-005","status":"Rejected","net_value":"6","updated_at":"2026-01-04T11:00:00Z","created_at":"2026-01-04T11:00:00Z"},
      {"id":"6","contact":"1002","reference":"E-006","status":"Invoiced","net_value":"7","updated_at":"2026-01-04T12:00:00Z","created_at":"2026-01-04T12:00:00Z"}]}})";
}

struct Fixture : test::ConnectorSandboxFixture {
  std::unique_ptr<freeagent::FreeAgentConnector> freeagent;

  Fixture() : ConnectorSandboxFixture(seed(), "freeagent", "/freeagent/v2/token_endpoint") {
    freeagent::FreeAgentSettings s;
    s.base_url = sandbox->base_url() + "/freeagent/v2";
    s.page_size = 2;
    freeagent = std::make_unique<freeagent::FreeAgentConnector>(*sender, *source, s);
  }

  auto quotes(std::string cursor, int* pages = nullptr) {
    return pass<model::Quote>([&](connector::ListRequest r) { return freeagent->list_quotes(r); }, cursor, pages);
  }

  // A FreeAgent user's own action on an estimate, straight to the API.
  int put(const std::string& path, std::string body = "") {
    return send(http::Method::put, "/freeagent/v2" + path, std::move(body)).status;
  }


  model::QuoteSpec spec(std::string reference) const { return test::website_quote("1001", std::move(reference)); }
};

}  // namespace

// The shared create-then-find case (quote_reference_case.cpp) against FreeAgent.
test::QuoteTarget test::make_quote_target() {
  auto f = std::make_shared<Fixture>();
  return {f, &f->io, f->freeagent.get(), f->spec(""), model::QuoteStatus::draft};
}

TEST_CASE("FreeAgent estimates: every status maps to one neutral status, unknown ones neither open nor draft") {
  CHECK(freeagent::estimate_status("Draft") == QuoteStatus::draft);
  CHECK(freeagent::estimate_status("Sent") == QuoteStatus::sent);
  CHECK(freeagent::estimate_status("Open") == QuoteStatus::sent);
  CHECK(freeagent::estimate_status("Approved") == QuoteStatus::accepted);
  CHECK(freeagent::estimate_status("Rejected") == QuoteStatus::declined);
  CHECK(freeagent::estimate_status("Invoiced") == QuoteStatus::invoiced);
  CHECK(freeagent::estimate_status("Cancelled") == QuoteStatus::expired);
  CHECK_FALSE(model::is_open(freeagent::estimate_status("Cancelled")));
}

TEST_CASE("FreeAgent connector pages estimates, maps their statuses and totals, and reads them incrementally") {
  Fixture f;
  REQUIRE(f.freeagent->capabilities().quotes_read);
  REQUIRE(f.freeagent->capabilities().quotes_write);

  // A page that is not the last keeps the cursor: estimates come in creation order.
  auto first = f.run(f.freeagent->list_quotes({"", 1}));
  REQUIRE(first);
  CHECK(first->has_next);
  CHECK(first->cursor.empty());

  int pages = 0;
  auto [all, cursor] = f.quotes("", &pages);
  CHECK(pages == 3);
  REQUIRE(all.size() == 6);
  CHECK(cursor == "2026-01-05T09:00:00.000Z");  // estimate 1's, read on the first page
  const auto* draft = test::find_quote(all, "1");
  REQUIRE(draft);
  CHECK(draft->status == QuoteStatus::draft);
  CHECK(draft->contact_remote_id == "1001");
  CHECK(draft->number == "E-001");
  CHECK(draft->reference == "E-001");
  CHECK(draft->total.to_string() == "120.00");  // net 100 + 20% tax
  CHECK(draft->issue_date == date::year{2026} / 1 / 2);
  CHECK(draft->url == "https://acmebooks.freeagent.com/estimates/1");
  CHECK(test::find_quote(all, "2")->status == QuoteStatus::sent);
  CHECK(test::find_quote(all, "2")->total.to_string() == "39.1627");  // 33.33 + 5.8327 (17.5% tax, exact to 4 places)
  CHECK(test::find_quote(all, "3")->status == QuoteStatus::sent);
  CHECK(test::find_quote(all, "3")->currency == "EUR");
  CHECK(test::find_quote(all, "4")->status == QuoteStatus::accepted);
  CHECK(test::find_quote(all, "5")->status == QuoteStatus::declined);
  CHECK(test::find_quote(all, "6")->status == QuoteStatus::invoiced);

  // A user moves estimate 5 back to draft: only what changed since the cursor comes again.
  REQUIRE(f.put("/estimates/5/transitions/mark_as_draft") == 200);
  auto [changed, next] = f.quotes(cursor);
  REQUIRE(test::find_quote(changed, "5"));
  CHECK(test::find_quote(changed, "5")->status == QuoteStatus::draft);
  CHECK_FALSE(test::find_quote(changed, "2"));
  CHECK_FALSE(test::find_quote(changed, "4"));
  CHECK(next > cursor);
}

TEST_CASE("FreeAgent connector creates a draft estimate and updates it while a draft") {
  Fixture f;
  auto created = f.run(f.freeagent->create_quote(f.spec("Capsule opportunity #42"), "unused"));
  REQUIRE(created);
  CHECK(created->status == QuoteStatus::draft);
  CHECK(created->reference == "Capsule opportunity #42");
  CHECK(created->summary == "Three pages and a blog");
  CHECK(created->total.to_string() == "3001.50");  // 3 x 1000.50, no tax rate given
  CHECK(created->contact_remote_id == "1001");
  CHECK(created->url == "https://acmebooks.freeagent.com/estimates/" + created->remote_id);

  auto spec = f.spec("Capsule opportunity #42");
  spec.summary = "Five pages";
  spec.quantity = 5;
  spec.unit_amount = *model::Money::parse("99.99", "GBP");
  spec.issue_date = date::year{2026} / 2 / 3;
  auto updated = f.run(f.freeagent->update_quote(created->remote_id, spec));
  REQUIRE(updated);
  CHECK(updated->summary == "Five pages");
  CHECK(updated->total.to_string() == "499.95");
  CHECK(updated->issue_date == date::year{2026} / 2 / 3);
  CHECK(updated->reference == "Capsule opportunity #42");
  CHECK(updated->status == QuoteStatus::draft);
}

TEST_CASE("FreeAgent connector refuses to change an estimate once it is sent (R21)") {
  Fixture f;
  auto created = f.run(f.freeagent->create_quote(f.spec("Capsule opportunity #7"), ""));
  REQUIRE(created);
  REQUIRE(f.put("/estimates/" + created->remote_id + "/transitions/mark_as_sent") == 200);

  auto spec = f.spec("Capsule opportunity #7");
  spec.summary = "Changed after sending";
  auto refused = f.run(f.freeagent->update_quote(created->remote_id, spec));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code() == Errc::conflict);
  CHECK(refused.error().message().find("Sent") != std::string::npos);

  auto found = f.run(f.freeagent->find_quotes_by_reference("Capsule opportunity #7"));
  REQUIRE(found);
  REQUIRE(found->size() == 1);
  CHECK((*found)[0].summary == "Three pages and a blog");  // untouched
  CHECK((*found)[0].status == QuoteStatus::sent);
}
