// Xero quotes against capsync-sandbox over HTTP, with a real OAuth token manager: the
// incremental list (pages of 100, If-Modified-Since, deleted quotes included), create with an
// Idempotency-Key then find by reference, updates of a draft that keep every text field, a sent
// quote refused by the sandbox and left alone by the connector, and the status mapping.

#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include "connectors/xero/quotes.hpp"
#include "connectors/xero/xero_connector.hpp"
#include "test/unit/connectors/connector_sandbox_fixture.hpp"
#include "test/unit/connectors/quote_reference_case.hpp"

using namespace capsync;

namespace {

constexpr std::string_view kTenant = "b0a1c2d3-0000-4000-8000-000000000001";

std::string quote_id(int i) { return fmt::format("a0000000-0000-4000-8000-{:012d}", i); }

// 230 quotes (QU-0001..QU-0230) for two contacts, changed one second apart from 1 Nov 2026.
// Quote 0 is a draft with Terms, 5 DELETED, 6 SENT, 7 ACCEPTED; the rest drafts.
std::string seed() {
  std::string quotes;
  for (int i = 0; i < 230; ++i) {
    const char* status = i == 5 ? "DELETED" : i == 6 ? "SENT" : i == 7 ? "ACCEPTED" : "DRAFT";
    quotes += fmt::format(
        R"({}{{"QuoteID":"{}","QuoteNumber":"QU-{:04d}","Status":"{}","Contact":{{"ContactID":"c-{}"}},)"
        R"("Title":"Website {}","Summary":"Phase {}","Reference":"Capsule opportunity #{}","Terms":"{}",)"
        R"("CurrencyCode":"GBP","DateString":"2026-10-30","ExpiryDateString":"2026-11-29",)"
        R"("LineItems":[{{"Description":"Website","Quantity":2,"UnitAmount":625.05}}],)"
        R"("UpdatedDateUTC":"2026-11-01T{:02d}:{:02d}:{:02d}Z"}})",
        i ? "," : "", quote_id(i), i + 1, status, i % 2, i, i, 1000 + i, i == 0 ? "Valid for 30 days" : "", i / 3600,
        i / 60 % 60, i % 60);
  }
  return fmt::format(R"j({{"clock":{{"now":"2026-11-23T10:00:00Z"}},"xero":{{
    "clients":[{{"client_id":"sandbox-client-id","client_secret":"sandbox-client-secret"}}],
    "refreshTokens":["xero-sandbox-refresh-token"],
    "tenants":[{{"tenantId":"{}","tenantName":"Sandbox Company (UK)","tenantType":"ORGANISATION"}}],
    "rateLimits":{{"minute":1000,"day":10000}},
    "contacts":[{{"ContactID":"c-0","Name":"Acme Ltd"}},{{"ContactID":"c-1","Name":"Globex plc"}}],
    "quotes":[{}]}}}})j",
                     kTenant, quotes);
}

struct Fixture : test::ConnectorSandboxFixture {
  std::unique_ptr<xero::XeroConnector> xero;

  Fixture() : ConnectorSandboxFixture(seed(), "xero", "/xero-identity/connect/token") {
    xero::XeroSettings s;
    s.base_url = sandbox->base_url() + "/xero";
    xero = std::make_unique<xero::XeroConnector>(*sender, *source, s);
  }

  auto quotes(std::string cursor, int* pages = nullptr) {
    return pass<model::Quote>([&](connector::ListRequest r) { return xero->list_quotes(r); }, cursor, pages);
  }

  // A request to the Xero API as a bookkeeper's app makes it, outside the connector.
  http::Response xero_call(http::Method method, const std::string& path, std::string body = {}) {
    return send(method, "/xero/api.xro/2.0" + path, std::move(body), {{"xero-tenant-id", std::string(kTenant)}});
  }


  rapidjson::Document quote_json(const std::string& id) {
    auto r = xero_call(http::Method::get, "/Quotes/" + id);
    REQUIRE(r.status == 200);
    rapidjson::Document doc;
    doc.Parse(r.body.c_str());
    return doc;
  }
};

std::string text(const rapidjson::Document& doc, const char* key) {
  const auto& q = doc["Quotes"][0];
  return q.HasMember(key) && q[key].IsString() ? q[key].GetString() : std::string();
}

model::QuoteSpec spec_for(int opportunity) {
  model::QuoteSpec s;
  s.contact_remote_id = "c-1";
  s.reference = fmt::format("Capsule opportunity #{}", opportunity);
  s.title = "Office fit-out";
  s.summary = "Two floors";
  s.issue_date = date::year{2026} / 11 / 23;
  s.expiry_date = date::year{2026} / 12 / 23;
  s.currency = "GBP";
  s.line_description = "Office fit-out";
  s.quantity = 3;
  s.unit_amount = model::Money(33'333'333, "GBP");  // 3,333.3333
  s.account_code = "200";
  return s;
}

}  // namespace

// The shared create-then-find case (quote_reference_case.cpp) against Xero.
test::QuoteTarget test::make_quote_target() {
  auto f = std::make_shared<Fixture>();
  return {f, &f->io, f->xero.get(), spec_for(0), model::QuoteStatus::draft};
}

TEST_CASE("Xero quotes: every status maps to one neutral status, anything else is unreadable") {
  using model::QuoteStatus;
  CHECK(xero::quote_status("DRAFT") == QuoteStatus::draft);
  CHECK(xero::quote_status("SENT") == QuoteStatus::sent);
  CHECK(xero::quote_status("ACCEPTED") == QuoteStatus::accepted);
  CHECK(xero::quote_status("DECLINED") == QuoteStatus::declined);
  CHECK(xero::quote_status("INVOICED") == QuoteStatus::invoiced);
  CHECK(xero::quote_status("DELETED") == QuoteStatus::deleted);
  CHECK_FALSE(xero::quote_status("EXPIRED"));  // not a Xero status
  CHECK_FALSE(xero::quote_status("draft"));

  auto page = xero::parse_quotes(
      R"({"Quotes":[{"QuoteID":"q1","QuoteNumber":"QU-0001","Status":"EXPIRED","Contact":{"ContactID":"c"},"CurrencyCode":"GBP","Total":1},)"
      R"({"QuoteID":"q2","QuoteNumber":"QU-0002","Status":"SENT","Contact":{"ContactID":"c"},"CurrencyCode":"GBP","Total":20.65}]})");
  REQUIRE(page);
  REQUIRE(page->quotes.size() == 1);
  CHECK(page->quotes[0].status == QuoteStatus::sent);
  CHECK(page->quotes[0].total.to_string() == "20.65");
  REQUIRE(page->unreadable.size() == 1);
  CHECK(page->unreadable[0].reason.find("unknown Status 'EXPIRED'") != std::string::npos);
}

TEST_CASE("Xero quotes: an incremental list pages by 100 and includes deleted quotes, exact and linked") {
  Fixture f;
  int pages = 0;
  auto [all, cursor] = f.quotes("", &pages);
  CHECK(pages == 3);
  REQUIRE(all.size() == 230);
  CHECK(cursor == "2026-11-01T00:03:49.000Z");
  const auto* first = test::find_quote(all, quote_id(0));
  REQUIRE(first);
  CHECK(first->number == "QU-0001");
  CHECK(first->contact_remote_id == "c-0");
  CHECK(first->status == model::QuoteStatus::draft);
  CHECK(first->title == "Website 0");
  CHECK(first->reference == "Capsule opportunity #1000");
  CHECK(first->total.to_string() == "1250.10");
  CHECK(first->currency == "GBP");
  CHECK(first->issue_date == date::year{2026} / 10 / 30);
  CHECK(first->expiry_date == date::year{2026} / 11 / 29);
  CHECK(first->url == "https://go.xero.com/app/!b0a1c/quotes/view/" + quote_id(0));
  CHECK(test::find_quote(all, quote_id(5))->status == model::QuoteStatus::deleted);
  CHECK(test::find_quote(all, quote_id(6))->status == model::QuoteStatus::sent);
  CHECK(test::find_quote(all, quote_id(7))->status == model::QuoteStatus::accepted);

  // A bookkeeper sends quote 3: the next pass from the cursor meets it, and the one at the cursor.
  auto sent = f.xero_call(http::Method::post, "/Quotes/" + quote_id(3),
                          R"({"Status":"SENT","Title":"Website 3","Summary":"Phase 3","Reference":"Capsule opportunity #1003"})");
  REQUIRE(sent.status == 200);
  auto [changed, next] = f.quotes(cursor);
  REQUIRE(changed.size() == 2);
  CHECK(test::find_quote(changed, quote_id(229)));
  REQUIRE(test::find_quote(changed, quote_id(3)));
  CHECK(test::find_quote(changed, quote_id(3))->status == model::QuoteStatus::sent);
  CHECK(next > cursor);
  auto [none, same] = f.quotes(next);
  CHECK(none.size() == 1);  // only the one at the cursor (>=)
  CHECK(same == next);
}

TEST_CASE("Xero quotes: create carries an Idempotency-Key, and a quote on the last page is found by its reference") {
  Fixture f;
  auto created = f.run(f.xero->create_quote(spec_for(42), "capsync-quote-42"));
  REQUIRE(created);
  CHECK(created->number == "QU-0231");
  CHECK(created->status == model::QuoteStatus::draft);
  CHECK(created->reference == "Capsule opportunity #42");
  CHECK(created->title == "Office fit-out");
  CHECK(created->total.to_string() == "9999.9999");  // 3 x 3,333.3333, exact
  CHECK(created->expiry_date == date::year{2026} / 12 / 23);
  CHECK_FALSE(created->url.empty());

  // The same create again (a retry after a lost answer) returns the same quote, not a second.
  auto again = f.run(f.xero->create_quote(spec_for(42), "capsync-quote-42"));
  REQUIRE(again);
  CHECK(again->remote_id == created->remote_id);

  auto old = f.run(f.xero->find_quotes_by_reference("Capsule opportunity #1000"));  // on the last page
  REQUIRE(old);
  REQUIRE(old->size() == 1);
  CHECK((*old)[0].remote_id == quote_id(0));

  auto refused = f.run(f.xero->create_quote([] {
    auto s = spec_for(43);
    s.contact_remote_id = "no-such-contact";
    return s;
  }(), "capsync-quote-43"));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code() == Errc::invalid_argument);
  CHECK(refused.error().message().find("Contact") != std::string::npos);
}

TEST_CASE("Xero quotes: updating a draft sends every text field, so none is cleared") {
  Fixture f;
  // Xero clears what an update leaves out: the sandbox does too.
  auto partial = f.xero_call(http::Method::post, "/Quotes/" + quote_id(2), R"({"Title":"Only the title"})");
  REQUIRE(partial.status == 200);
  auto cleared = f.quote_json(quote_id(2));
  CHECK(text(cleared, "Title") == "Only the title");
  CHECK(text(cleared, "Summary").empty());
  CHECK(text(cleared, "Reference").empty());

  auto spec = spec_for(1000);
  spec.contact_remote_id = "c-0";
  spec.title = std::string(120, 'T');  // Xero takes 100 characters
  spec.summary = "Three phases";
  auto updated = f.run(f.xero->update_quote(quote_id(0), spec));
  REQUIRE(updated);
  CHECK(updated->status == model::QuoteStatus::draft);
  CHECK(updated->title == std::string(100, 'T'));
  CHECK(updated->summary == "Three phases");
  CHECK(updated->reference == "Capsule opportunity #1000");
  CHECK(updated->total.to_string() == "9999.9999");
  auto stored = f.quote_json(quote_id(0));
  CHECK(text(stored, "Terms") == "Valid for 30 days");  // the bookkeeper's terms are kept
  CHECK(text(stored, "Summary") == "Three phases");
}

TEST_CASE("Xero quotes: a sent quote is refused by the sandbox as Xero does, and left alone by the connector") {
  Fixture f;
  auto edit = f.xero_call(http::Method::post, "/Quotes/" + quote_id(6),
                          R"({"Title":"Changed","Summary":"Phase 6","Reference":"Capsule opportunity #1006"})");
  CHECK(edit.status == 400);
  CHECK(edit.body.find("ValidationException") != std::string::npos);

  auto spec = spec_for(1006);
  auto update = f.run(f.xero->update_quote(quote_id(6), spec));
  REQUIRE_FALSE(update);
  CHECK(update.error().code() == Errc::conflict);
  auto stored = f.quote_json(quote_id(6));
  CHECK(text(stored, "Status") == "SENT");
  CHECK(text(stored, "Title") == "Website 6");

  // Transitions Xero refuses: DRAFT -> DECLINED; DELETED only from a draft.
  auto declined = f.xero_call(http::Method::post, "/Quotes/" + quote_id(1),
                              R"({"Status":"DECLINED","Title":"Website 1","Summary":"Phase 1","Reference":"Capsule opportunity #1001"})");
  CHECK(declined.status == 400);
  CHECK(declined.body.find("from DRAFT to DECLINED") != std::string::npos);
  auto deleted_sent = f.xero_call(http::Method::post, "/Quotes/" + quote_id(6),
                                  R"({"Status":"DELETED","Title":"Website 6","Summary":"Phase 6","Reference":"Capsule opportunity #1006"})");
  CHECK(deleted_sent.status == 400);
  auto deleted_draft = f.xero_call(http::Method::post, "/Quotes/" + quote_id(1),
                                   R"({"Status":"DELETED","Title":"Website 1","Summary":"Phase 1","Reference":"Capsule opportunity #1001"})");
  CHECK(deleted_draft.status == 200);
}
