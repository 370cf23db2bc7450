// The FreshBooks connector against capsync-sandbox over HTTP, with a real OAuth token manager:
// users/me business, paging through active/archived then deleted clients, an incremental read
// whose search[updated_min] is the cursor's US/Eastern day minus one with older items dropped,
// create/partial update/name search with duplicate names, a 401 answered by one refresh and
// retry, and 429 retried after Retry-After or reported as rate_limited.

#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include "connectors/freshbooks/freshbooks_connector.hpp"
#include "test/unit/connectors/connector_sandbox_fixture.hpp"

using namespace capsync;

using capsync::test::find;

namespace {

// 230 clients (ids 1000..1229): 1003 a person, 1005 archived, 1007 deleted. Even ids were
// updated at noon on 29 Jun (New York), odd ids at 23:30 on 30 Jun there, which is already
// 1 Jul in UTC. Four invoices, one deleted.
std::string seed(const std::string& business = R"("business":{"name":"Acme Studio","account_id":"ACM123","currency_code":"CAD"})") {
  std::string clients;
  for (int i = 0; i < 230; ++i) {
    std::string name = i == 3 ? R"("fname":"Ann","lname":"Lee")" : fmt::format(R"("organization":"Customer {:03d}")", i);
    int vis = i == 5 ? 2 : i == 7 ? 1 : 0;
    clients += fmt::format(R"({}{{"id":{},{},"vis_state":{},"updated":"{}"}})", i ? "," : "", 1000 + i, name, vis,
                           i % 2 ? "2026-06-30 23:30:00" : "2026-06-29 12:00:00");
  }
  return fmt::format(R"({{"clock":{{"now":"2026-07-01T20:00:00Z"}},"freshbooks":{{
    "clients":[{{"client_id":"sandbox-client-id","client_secret":"sandbox-client-secret"}}],
    "refreshTokens":["freshbooks-sandbox-refresh-token"],{},
    "customers":[{}],
    "invoices":[
      {{"id":1,"customerid":1001,"invoice_number":"INV-1","amount":"120.50","paid":"20.25","create_date":"2026-06-02","due_date":"2026-07-02","updated":"2026-06-02 09:00:00"}},
      {{"id":2,"customerid":1002,"invoice_number":"INV-2","amount":"99.99","paid":"99.99","updated":"2026-06-03 09:00:00"}},
      {{"id":3,"customerid":1002,"invoice_number":"INV-3","amount":"10","v3_status":"draft","currency_code":"EUR","updated":"2026-06-04 09:00:00"}},
      {{"id":4,"customerid":1001,"invoice_number":"INV-4","amount":"5.00","vis_state":1,"updated":"2026-06-05 09:00:00"}}]}}}})",
                     business, clients);
}

struct Fixture : test::ConnectorSandboxFixture {
  std::unique_ptr<freshbooks::FreshBooksConnector> freshbooks;

  static http::ClientOptions options() {
    http::ClientOptions o;
    o.retry.max_attempts = 2;  // one retry after a 429 keeps the test short
    return o;
  }

  explicit Fixture(const std::string& seed_text = seed(), std::optional<std::string> account_id = std::nullopt)
      : ConnectorSandboxFixture(seed_text, "freshbooks", "/freshbooks/auth/oauth/token", options()) {
    freshbooks::FreshBooksSettings s;
    s.base_url = sandbox->base_url() + "/freshbooks";
    s.account_id = std::move(account_id);
    freshbooks = std::make_unique<freshbooks::FreshBooksConnector>(*sender, *source, s);
  }

  http::Response admin(http::Method method, const std::string& path, std::string body = {}) {
    http::Request r;
    r.method = method;
    r.url = sandbox->base_url() + path;
    r.body = std::move(body);
    if (!r.body.empty()) r.content_type = "application/json";
    auto response = run(client.send(r));
    REQUIRE(response);
    return *response;
  }
  // The sandbox's request log as "METHOD path?query status" lines.
  std::vector<std::string> requests() {
    rapidjson::Document doc;
    doc.Parse(admin(http::Method::get, "/_admin/requests").body.c_str());
    std::vector<std::string> out;
    for (const auto& r : doc.GetArray())
      out.push_back(fmt::format("{} {}?{} {}", r["method"].GetString(), r["path"].GetString(), r["query"].GetString(),
                                r["status"].GetInt()));
    return out;
  }

  auto contacts(std::string cursor, int* pages = nullptr) {
    return pass<model::Contact>([&](connector::ListRequest r) { return freshbooks->list_contacts(r); }, cursor, pages);
  }
  auto invoices(std::string cursor) {
    return pass<model::Invoice>([&](connector::ListRequest r) { return freshbooks->list_invoices(r, true); }, cursor);
  }
};

bool any_of(const std::vector<std::string>& lines, std::string_view needle) {
  for (const auto& l : lines)
    if (l.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("FreshBooks connector pages active, archived, then deleted clients, invoices with links and exact money") {
  Fixture f;
  auto tenant = f.run(f.freshbooks->tenant());
  REQUIRE(tenant);
  CHECK(tenant->id == "ACM123");
  CHECK(tenant->name == "Acme Studio");

  int pages = 0;
  auto [contacts, cursor] = f.contacts("", &pages);
  CHECK(pages == 4);  // 100 + 100 + 29 active/archived, then the deleted one
  CHECK(contacts.size() == 230);
  CHECK(cursor == "2026-07-01T03:30:00.000Z");  // 23:30 EDT
  REQUIRE(find(contacts, "1005"));
  CHECK(find(contacts, "1005")->status == model::ContactStatus::archived);
  REQUIRE(find(contacts, "1007"));
  CHECK(find(contacts, "1007")->status == model::ContactStatus::deleted);
  REQUIRE(find(contacts, "1003"));
  CHECK(find(contacts, "1003")->kind == model::ContactKind::person);
  CHECK(find(contacts, "1003")->display_name() == "Ann Lee");
  CHECK(find(contacts, "1010")->is_customer);
  CHECK_FALSE(find(contacts, "1010")->is_supplier);

  auto [invoices, invoice_cursor] = f.invoices("");
  REQUIRE(invoices.size() == 4);
  CHECK(invoices[0].contact_remote_id == "1001");
  CHECK(invoices[0].total.to_string() == "120.50");
  CHECK(invoices[0].amount_due.to_string() == "100.25");
  CHECK(invoices[0].currency == "CAD");
  CHECK(invoices[0].status == model::InvoiceStatus::authorised);
  CHECK(invoices[0].url == "https://my.freshbooks.com/#/invoice/ACM123-1");
  CHECK(invoices[1].status == model::InvoiceStatus::paid);
  CHECK(invoices[2].status == model::InvoiceStatus::draft);
  CHECK(invoices[2].currency == "EUR");
  CHECK(invoices[3].remote_id == "4");
  CHECK(invoices[3].status == model::InvoiceStatus::deleted);
  CHECK(invoice_cursor == "2026-06-05T13:00:00.000Z");
  CHECK(f.freshbooks->new_invoice_url("1001") == "https://my.freshbooks.com/#/client/1001");

  auto [again, same] = f.invoices(invoice_cursor);
  REQUIRE(again.size() == 1);  // the one at the cursor comes again (>=); the runner drops it
  CHECK(again[0].remote_id == "4");
  CHECK(same == invoice_cursor);
}

TEST_CASE("FreshBooks connector: incremental by US/Eastern day with overlap, create, partial update, name search") {
  Fixture f;
  auto [initial, cursor] = f.contacts("");
  REQUIRE(initial.size() == 230);
  REQUIRE(f.admin(http::Method::del, "/_admin/requests").status == 200);

  // The cursor is 03:30Z on 1 Jul, 30 Jun in New York: the filter asks from 29 Jun and the
  // even ids of 29 Jun are dropped here; the odd ones at the cursor come again (>=).
  auto [same_day, unchanged] = f.contacts(cursor);
  CHECK(unchanged == cursor);
  CHECK(same_day.size() == 115);
  CHECK_FALSE(find(same_day, "1000"));
  CHECK(find(same_day, "1007"));  // the deleted one, from the second list
  auto log = f.requests();
  CHECK(any_of(log, "search%5Bupdated_min%5D=2026-06-29"));
  CHECK(any_of(log, "search%5Bvis_state%5D=1"));

  model::ContactDetails spec = test::acme_contact();
  auto created = f.run(f.freshbooks->create_contact(spec, "unused-key"));
  REQUIRE(created);
  CHECK(created->name == "Acme Ltd");
  REQUIRE(created->contact_person);
  CHECK(created->contact_person->last_name == "Smith");
  CHECK(created->emails == std::vector<std::string>{"jane@acme.example"});
  CHECK(created->phones.size() == 3);  // bus_phone, mob_phone, fax; no website in FreshBooks
  CHECK(created->website.empty());
  REQUIRE(created->addresses.size() == 1);
  CHECK(created->addresses[0].street == "1 High Street\nBorough");
  auto twin = f.run(f.freshbooks->create_contact(spec, ""));  // FreshBooks allows the same name twice
  REQUIRE(twin);
  CHECK(twin->remote_id != created->remote_id);

  model::ContactDetails nameless;
  nameless.kind = model::ContactKind::person;
  auto refused = f.run(f.freshbooks->create_contact(nameless, ""));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code() == Errc::invalid_argument);
  CHECK(refused.error().message().find("At least one of") != std::string::npos);

  connector::ContactUpdate update{spec, *created};
  update.desired.mobile = "07700 900999";
  update.desired.address->city = "Leeds";
  auto updated = f.run(f.freshbooks->update_contact(created->remote_id, update));
  REQUIRE(updated);
  CHECK(updated->addresses[0].city == "Leeds");
  CHECK(updated->addresses[0].zip == "SE1 6HA");  // partial update kept the rest
  bool mobile = false;
  for (const auto& p : updated->phones) mobile = mobile || (p.kind == model::PhoneKind::mobile && p.number == "07700 900999");
  CHECK(mobile);
  auto noop = f.run(f.freshbooks->update_contact(created->remote_id, connector::ContactUpdate{update.desired, *updated}));
  REQUIRE(noop);

  auto [changed, next] = f.contacts(cursor);
  REQUIRE(find(changed, created->remote_id));
  CHECK(find(changed, created->remote_id)->addresses[0].city == "Leeds");
  CHECK(next >= "2026-07-01T20:00:00.000Z");  // the writes' updated (from 16:00 in New York)
  CHECK(next.ends_with(".000Z"));             // FreshBooks keeps seconds
  auto got = f.run(f.freshbooks->get_contact(created->remote_id));
  REQUIRE(got);
  CHECK(got->addresses[0].city == "Leeds");
  auto missing = f.run(f.freshbooks->get_contact("99999"));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code() == Errc::not_found);

  auto found = f.run(f.freshbooks->find_contacts_by_name("  Acme Ltd "));
  REQUIRE(found);
  CHECK(found->size() == 2);
  auto person = f.run(f.freshbooks->find_contacts_by_name("Ann Lee"));
  REQUIRE(person);
  REQUIRE(person->size() == 1);
  CHECK(person->front().remote_id == "1003");
  auto archived = f.run(f.freshbooks->find_contacts_by_name("Customer 005"));
  REQUIRE(archived);
  CHECK(archived->size() == 1);
}

TEST_CASE("FreshBooks connector: a 401 refreshes once and retries, a 429 waits for Retry-After, then is rate_limited") {
  Fixture f;
  REQUIRE(f.run(f.freshbooks->tenant()));
  REQUIRE(f.admin(http::Method::post, "/_admin/faults",
                  R"({"prefix":"/freshbooks/accounting","kind":"expired_token","count":1})").status == 200);
  REQUIRE(f.admin(http::Method::del, "/_admin/requests").status == 200);
  auto page = f.run(f.freshbooks->list_contacts({"", 1}));
  REQUIRE(page);
  CHECK(page->items.size() == 100);
  auto log = f.requests();
  REQUIRE(log.size() == 3);
  CHECK(log[0].ends_with(" 401"));
  CHECK(log[1].starts_with("POST /freshbooks/auth/oauth/token"));  // the single-use refresh token rotated
  CHECK(log[2].ends_with(" 200"));

  REQUIRE(f.admin(http::Method::post, "/_admin/faults",
                  R"({"prefix":"/freshbooks/accounting","kind":"status","status":429,"retry_after":1,"count":1})").status == 200);
  auto waited = f.run(f.freshbooks->list_invoices({"", 1}, false));
  REQUIRE(waited);
  CHECK(waited->items.size() == 3);  // the deleted one comes on page 2

  REQUIRE(f.admin(http::Method::post, "/_admin/faults",
                  R"({"prefix":"/freshbooks/accounting","kind":"status","status":429,"retry_after":1,"count":2})").status == 200);
  auto limited = f.run(f.freshbooks->list_invoices({"", 1}, false));
  REQUIRE_FALSE(limited);
  CHECK(limited.error().code() == Errc::rate_limited);
  CHECK(limited.error().message().find("retry after 1 s") != std::string::npos);
}

TEST_CASE("FreshBooks connector: several businesses need account_id, and the configured one is used") {
  const std::string two = R"("businesses":[{"name":"Acme Studio","account_id":"ACM123"},{"name":"Side Gig","account_id":"SIDE99"}])";
  {
    Fixture f(seed(two));
    auto tenant = f.run(f.freshbooks->tenant());
    REQUIRE_FALSE(tenant);
    CHECK(tenant.error().message().find("ACM123 (Acme Studio), SIDE99 (Side Gig)") != std::string::npos);
  }
  Fixture f(seed(two), "ACM123");
  auto tenant = f.run(f.freshbooks->tenant());
  REQUIRE(tenant);
  CHECK(tenant->name == "Acme Studio");
  CHECK(f.run(f.freshbooks->list_contacts({"", 1})));
}
