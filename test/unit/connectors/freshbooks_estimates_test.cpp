// FreshBooks estimates against capsync-sandbox over HTTP, with a real OAuth token manager: the
// incremental list (active and archived, then deleted), create then find by reference (a
// notes_like search kept to exact po_number matches), updates of a draft that keep every text
// field, a sent estimate left alone, and the status mapping.

#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include "connectors/freshbooks/estimates.hpp"
#include "connectors/freshbooks/freshbooks_connector.hpp"
#include "test/unit/connectors/connector_sandbox_fixture.hpp"
#include "test/unit/connectors/quote_reference_case.hpp"

using namespace capsync;

namespace {

// 130 estimates (ids 300000..300129) for clients 1001 and 1002, changed one minute apart on
// 20 Jun 2026 (New York). 300000 is a draft with terms, 300005 deleted, 300006 sent,
// 300007 accepted, 300008 invoiced; the rest drafts.
std::string seed() {
  std::string estimates;
  for (int i = 0; i < 130; ++i) {
    int status = i == 6 ? 2 : i == 7 ? 5 : i == 8 ? 6 : 1;
    estimates += fmt::format(
        R"({}{{"id":{},"customerid":{},"estimate_number":"E-{:04d}","status":{},"vis_state":{},)"
        R"("po_number":"Capsule opportunity #{}","notes":"Phase {}\n\nCapsule opportunity #{}","terms":"{}",)"
        R"("create_date":"2026-06-19","lines":[{{"name":"Website","description":"Website {}","qty":"2","unit_cost":{{"amount":"625.05"}}}}],)"
        R"("updated":"2026-06-20 {:02d}:{:02d}:00"}})",
        i ? "," : "", 300000 + i, 1001 + i % 2, i + 1, status, i == 5 ? 1 : 0, 1000 + i, i, 1000 + i,
        i == 0 ? "Valid for 30 days" : "", i, 8 + i / 60, i % 60);
  }
  return fmt::format(R"({{"clock":{{"now":"2026-07-01T20:00:00Z"}},"freshbooks":{{
    "clients":[{{"client_id":"sandbox-client-id","client_secret":"sandbox-client-secret"}}],
    "refreshTokens":["freshbooks-sandbox-refresh-token"],
    "business":{{"name":"Acme Studio","account_id":"ACM123","currency_code":"CAD"}},
    "rateLimits":{{"perMinute":1000}},
    "customers":[{{"id":1001,"organization":"Customer 1"}},{{"id":1002,"organization":"Customer 2"}}],
    "estimates":[{}]}}}})",
                     estimates);
}

struct Fixture : test::ConnectorSandboxFixture {
  std::unique_ptr<freshbooks::FreshBooksConnector> freshbooks;

  Fixture() : ConnectorSandboxFixture(seed(), "freshbooks", "/freshbooks/auth/oauth/token") {
    freshbooks::FreshBooksSettings s;
    s.base_url = sandbox->base_url() + "/freshbooks";
    freshbooks = std::make_unique<freshbooks::FreshBooksConnector>(*sender, *source, s);
  }

  auto quotes(std::string cursor, int* pages = nullptr) {
    return pass<model::Quote>([&](connector::ListRequest r) { return freshbooks->list_quotes(r); }, cursor, pages);
  }

  // A request as a bookkeeper's app makes it, outside the connector.
  http::Response call(http::Method method, const std::string& path, std::string body = {}) {
    return send(method, "/freshbooks/accounting/account/ACM123/estimates/estimates" + path, std::move(body));
  }


  std::string field(int id, const char* key) {
    auto r = call(http::Method::get, "/" + std::to_string(id));
    REQUIRE(r.status == 200);
    rapidjson::Document doc;
    doc.Parse(r.body.c_str());
    return doc["response"]["result"]["estimate"][key].GetString();
  }
};

model::QuoteSpec spec_for(int opportunity) {
  model::QuoteSpec s;
  s.contact_remote_id = "1002";
  s.reference = fmt::format("Capsule opportunity #{}", opportunity);
  s.title = "Office fit-out";
  s.summary = "Two floors";
  s.issue_date = date::year{2026} / 7 / 1;
  s.expiry_date = date::year{2026} / 7 / 31;
  s.currency = "CAD";
  s.line_description = "Office fit-out";
  s.quantity = 3;
  s.unit_amount = model::Money(33'333'300, "CAD");  // 3,333.33
  return s;
}

}  // namespace

TEST_CASE("FreshBooks estimates: each state maps to one neutral status, deleted first") {
  using freshbooks::estimate_status;
  using model::QuoteStatus;
  CHECK(estimate_status("draft", 1, 0) == QuoteStatus::draft);
  CHECK(estimate_status("created", 1, 0) == QuoteStatus::draft);
  CHECK(estimate_status("sent", 2, 0) == QuoteStatus::sent);
  CHECK(estimate_status("viewed", 3, 0) == QuoteStatus::sent);
  CHECK(estimate_status("replied", 4, 0) == QuoteStatus::sent);
  CHECK(estimate_status("accepted", 5, 0) == QuoteStatus::accepted);
  CHECK(estimate_status("invoiced", 6, 0) == QuoteStatus::invoiced);
  CHECK(estimate_status("sent", 2, 2) == QuoteStatus::sent);  // archived still counts
  CHECK(estimate_status("accepted", 5, 1) == QuoteStatus::deleted);
  CHECK(estimate_status("", 5, 0) == QuoteStatus::accepted);  // no ui_status: the code
  CHECK_FALSE(estimate_status("disputed", 4, 0));
  CHECK_FALSE(estimate_status("", 9, 0));
}

TEST_CASE("FreshBooks estimates: an incremental list reads active, then deleted estimates, exact and linked") {
  Fixture f;
  int pages = 0;
  auto [all, cursor] = f.quotes("", &pages);
  CHECK(pages == 3);  // 100 + 29 active, then the deleted one
  REQUIRE(all.size() == 130);
  CHECK(cursor == "2026-06-20T14:09:00.000Z");  // 10:09 EDT
  const auto* first = test::find_quote(all, "300000");
  REQUIRE(first);
  CHECK(first->contact_remote_id == "1001");
  CHECK(first->number == "E-0001");
  CHECK(first->status == model::QuoteStatus::draft);
  CHECK(first->reference == "Capsule opportunity #1000");
  CHECK(first->summary == "Phase 0");
  CHECK(first->title == "Website 0");
  CHECK(first->total.to_string() == "1250.10");
  CHECK(first->currency == "CAD");
  CHECK(first->issue_date == date::year{2026} / 6 / 19);
  CHECK(first->url == "https://my.freshbooks.com/#/estimate/ACM123-300000");
  CHECK(test::find_quote(all, "300005")->status == model::QuoteStatus::deleted);
  CHECK(test::find_quote(all, "300006")->status == model::QuoteStatus::sent);
  CHECK(test::find_quote(all, "300007")->status == model::QuoteStatus::accepted);
  CHECK(test::find_quote(all, "300008")->status == model::QuoteStatus::invoiced);

  // The bookkeeper sends 300003: the next pass meets it and the one at the cursor, no more.
  REQUIRE(f.call(http::Method::put, "/300003", R"({"estimate":{"action_mark_as_sent":true}})").status == 200);
  auto [changed, next] = f.quotes(cursor);
  REQUIRE(changed.size() == 2);
  CHECK(test::find_quote(changed, "300129"));
  REQUIRE(test::find_quote(changed, "300003"));
  CHECK(test::find_quote(changed, "300003")->status == model::QuoteStatus::sent);
  CHECK(next > cursor);
}

// The shared create-then-find case (quote_reference_case.cpp) against FreshBooks.
test::QuoteTarget test::make_quote_target() {
  auto f = std::make_shared<Fixture>();
  return {f, &f->io, f->freshbooks.get(), spec_for(0), model::QuoteStatus::draft};
}

TEST_CASE("FreshBooks estimates: a draft keeps its reference in its notes, a deleted one is found, a bad client refused") {
  Fixture f;
  auto created = f.run(f.freshbooks->create_quote(spec_for(42), "unused-key"));
  REQUIRE(created);
  CHECK(created->status == model::QuoteStatus::draft);
  CHECK(created->reference == "Capsule opportunity #42");
  CHECK(created->summary == "Two floors");
  CHECK(created->title == "Office fit-out");
  CHECK(created->total.to_string() == "9999.99");  // 3 x 3,333.33, exact
  CHECK(created->contact_remote_id == "1002");
  CHECK(f.field(std::stoi(created->remote_id), "notes") == "Two floors\n\nCapsule opportunity #42");
  auto deleted = f.run(f.freshbooks->find_quotes_by_reference("Capsule opportunity #1005"));
  REQUIRE(deleted);
  REQUIRE(deleted->size() == 1);
  CHECK((*deleted)[0].status == model::QuoteStatus::deleted);

  auto spec = spec_for(43);
  spec.contact_remote_id = "9999";
  auto refused = f.run(f.freshbooks->create_quote(spec, ""));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message().find("Client not found") != std::string::npos);
}

TEST_CASE("FreshBooks estimates: updating a draft sends every text field and keeps the terms") {
  Fixture f;
  auto spec = spec_for(1000);
  spec.contact_remote_id = "1001";
  spec.summary = "Three phases";
  spec.title = "Website rebuild";
  auto updated = f.run(f.freshbooks->update_quote("300000", spec));
  REQUIRE(updated);
  CHECK(updated->status == model::QuoteStatus::draft);
  CHECK(updated->summary == "Three phases");
  CHECK(updated->title == "Website rebuild");
  CHECK(updated->reference == "Capsule opportunity #1000");
  CHECK(updated->total.to_string() == "9999.99");
  CHECK(f.field(300000, "terms") == "Valid for 30 days");
  CHECK(f.field(300000, "po_number") == "Capsule opportunity #1000");
}

TEST_CASE("FreshBooks estimates: a sent estimate is left alone") {
  Fixture f;
  auto update = f.run(f.freshbooks->update_quote("300006", spec_for(1006)));
  REQUIRE_FALSE(update);
  CHECK(update.error().code() == Errc::conflict);
  CHECK(f.field(300006, "notes") == "Phase 6\n\nCapsule opportunity #1006");
  CHECK(f.field(300006, "ui_status") == "sent");
}
