// The Sage connector against capsync-sandbox over HTTP, with a real OAuth token manager:
// paging of contacts and invoices, an incremental read (changes and deletions), and a
// create/update round trip with the R12 fields.

#include <catch2/catch.hpp>

#include "connectors/sage/sage_connector.hpp"
#include "test/unit/connectors/connector_sandbox_fixture.hpp"

using namespace capsync;

using capsync::test::find;

namespace {

constexpr std::string_view kBusiness = "5a1e0b0c0d0e4f10a1b2c3d4e5f60001";

// 430 contacts (every 10th a supplier, one inactive), 3 sales and 2 purchase invoices.
std::string seed() {
  std::string contacts;
  for (int i = 0; i < 430; ++i)
    contacts += fmt::format(R"({}{{"id":"c{:03d}","name":"Customer {:03d}","contact_type_ids":["{}"],"is_active":{},)"
                            R"("updated_at":"2026-01-01T10:00:00Z"}})",
                            i ? "," : "", i, i, i % 10 == 0 ? "VENDOR" : "CUSTOMER", i == 7 ? "false" : "true");
  return fmt::format(R"({{"sage":{{"clients":[{{"client_id":"sandbox-client-id","client_secret":"sandbox-client-secret"}}],
    "refreshTokens":["sage-sandbox-refresh-token"],"businesses":[{{"id":"{}","name":"Sandbox Business"}}],
    "contacts":[{}],
    "sales_invoices":[
      {{"id":"s1","contact_id":"c001","invoice_number":"SI-1","total_amount":120.50,"total_paid":20.25,"date":"2026-01-02","due_date":"2026-02-01","updated_at":"2026-01-02T09:00:00Z"}},
      {{"id":"s2","contact_id":"c002","invoice_number":"SI-2","total_amount":99.99,"total_paid":99.99,"updated_at":"2026-01-03T09:00:00Z"}},
      {{"id":"s3","contact_id":"c002","invoice_number":"SI-3","total_amount":10,"status_id":"DRAFT","updated_at":"2026-01-04T09:00:00Z"}}],
    "purchase_invoices":[
      {{"id":"p1","contact_id":"c010","vendor_reference":"B-1","total_amount":30,"currency_id":"EUR","updated_at":"2026-01-02T09:00:00Z"}},
      {{"id":"p2","contact_id":"c020","vendor_reference":"B-2","total_amount":40,"updated_at":"2026-01-02T09:00:00Z"}}]}}}})",
                     kBusiness, contacts);
}

struct Fixture : test::ConnectorSandboxFixture {
  std::unique_ptr<sage::SageConnector> sage;

  Fixture() : ConnectorSandboxFixture(seed(), "sage", "/sage-oauth/token") {
    sage::SageSettings s;
    s.base_url = sandbox->base_url() + "/sage/v3.1";
    sage = std::make_unique<sage::SageConnector>(*sender, *source, s);
  }

  auto contacts(std::string cursor, int* pages = nullptr) {
    return pass<model::Contact>([&](connector::ListRequest r) { return sage->list_contacts(r); }, cursor, pages);
  }
  auto invoices(std::string cursor, bool purchase, int* pages = nullptr) {
    return pass<model::Invoice>([&, purchase](connector::ListRequest r) { return sage->list_invoices(r, purchase); },
                                cursor, pages);
  }
};

}  // namespace

TEST_CASE("Sage connector pages contacts and invoices from the sandbox, suppliers and inactive included") {
  Fixture f;
  auto tenant = f.run(f.sage->tenant());
  REQUIRE(tenant);
  CHECK(tenant->id == kBusiness);

  int pages = 0;
  auto [contacts, cursor] = f.contacts("", &pages);
  CHECK(pages == 3);  // 200 + 200 + 30
  CHECK(contacts.size() == 430);
  CHECK(cursor == "2026-01-01T10:00:00.000Z");
  REQUIRE(find(contacts, "c010"));
  CHECK(find(contacts, "c010")->is_supplier);
  CHECK_FALSE(find(contacts, "c010")->is_customer);
  CHECK(find(contacts, "c007")->status == model::ContactStatus::archived);

  auto [sales, sales_cursor] = f.invoices("", false);
  REQUIRE(sales.size() == 3);
  CHECK(sales[0].amount_due.to_string() == "100.25");
  CHECK(sales[0].url == "https://accounting.sageone.co.uk/invoicing/sales_invoices/s1");
  CHECK(sales[2].status == model::InvoiceStatus::draft);
  CHECK(sales_cursor == "2026-01-04T09:00:00.000Z");

  int invoice_pages = 0;
  auto [all, all_cursor] = f.invoices("", true, &invoice_pages);
  CHECK(invoice_pages == 2);  // sales page, then purchase page
  REQUIRE(all.size() == 5);
  CHECK(all[3].type == model::InvoiceType::purchase);
  CHECK(all[3].currency == "EUR");
  CHECK(all[4].number == "B-2");
}

TEST_CASE("Sage connector: incremental read, idempotent create with R12 fields, exact-name search, partial update, deletion") {
  Fixture f;
  auto [initial, cursor] = f.contacts("");
  REQUIRE(initial.size() == 430);

  model::ContactDetails spec = test::acme_contact();
  auto created = f.run(f.sage->create_contact(spec, "1b4e28ba-2fa1-11d2-883f-0016d3cca427"));
  REQUIRE(created);
  CHECK(created->name == "Acme Ltd");
  REQUIRE(created->contact_person);
  CHECK(created->contact_person->last_name == "Smith");
  CHECK(created->emails == std::vector<std::string>{"jane@acme.example"});
  CHECK(created->phones.size() == 3);
  REQUIRE(created->addresses.size() == 1);
  CHECK(created->addresses[0].country == "United Kingdom");
  CHECK(created->addresses[0].street == "1 High Street\nBorough");

  // A retried create (same key) returns the same contact instead of a second one.
  auto again = f.run(f.sage->create_contact(spec, "1b4e28ba-2fa1-11d2-883f-0016d3cca427"));
  REQUIRE(again);
  CHECK(again->remote_id == created->remote_id);

  auto [changed, next] = f.contacts(cursor);
  REQUIRE(find(changed, created->remote_id));
  CHECK(next > cursor);

  connector::ContactUpdate update{spec, *created};
  update.desired.mobile = "07700 900999";
  update.desired.address->city = "Leeds";
  auto updated = f.run(f.sage->update_contact(created->remote_id, update));
  REQUIRE(updated);
  auto fetched = f.run(f.sage->get_contact(created->remote_id));
  REQUIRE(fetched);
  CHECK(fetched->addresses[0].city == "Leeds");
  CHECK(fetched->addresses[0].zip == "SE1 6HA");  // partial update kept the rest
  CHECK(fetched->emails == std::vector<std::string>{"jane@acme.example"});
  bool mobile = false;
  for (const auto& p : fetched->phones) mobile = mobile || (p.kind == model::PhoneKind::mobile && p.number == "07700 900999");
  CHECK(mobile);

  auto found = f.run(f.sage->find_contacts_by_name("  Acme Ltd "));
  REQUIRE(found);
  CHECK(found->size() == 1);  // what the engine checks before an export (R13)
  auto none = f.run(f.sage->find_contacts_by_name("Acme"));
  REQUIRE(none);
  CHECK(none->empty());  // the search is a substring match; only exact names count

  // Deleted in Sage (c004 has no invoices): the next incremental read reports it deleted (R15).
  auto [before_delete, delete_cursor] = f.contacts(next);
  auto token = f.run(f.tokens->access_token());
  REQUIRE(token);
  http::Request del;
  del.method = http::Method::del;
  del.url = f.sandbox->base_url() + "/sage/v3.1/contacts/c004";
  del.bearer = *token;
  del.headers.emplace_back("X-Business", std::string(kBusiness));
  auto deleted = f.run(f.client.send(del));
  REQUIRE(deleted);
  REQUIRE(deleted->status == 204);
  auto [after_delete, after_cursor] = f.contacts(delete_cursor);
  REQUIRE(find(after_delete, "c004"));
  CHECK(find(after_delete, "c004")->status == model::ContactStatus::deleted);
}
