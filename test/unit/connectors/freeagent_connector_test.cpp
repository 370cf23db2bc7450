// The FreeAgent connector against capsync-sandbox over HTTP, with a real OAuth token manager:
// paging of contacts and invoices by Link rel="next", incremental reads by updated_since
// (a change, a hidden contact), and a create/update round trip with the R12 fields.

#include <catch2/catch.hpp>

#include "connectors/freeagent/freeagent_connector.hpp"
#include "test/unit/connectors/connector_sandbox_fixture.hpp"

using namespace capsync;

using capsync::test::find;

namespace {

// 230 contacts (ids 1000..1229; 1005 hidden; 1003 a person), 3 sales invoices.
std::string seed() {
  std::string contacts;
  for (int i = 0; i < 230; ++i) {
    std::string name = i == 3 ? R"("first_name":"Ann","last_name":"Lee")"
                              : fmt::format(R"("organisation_name":"Customer {:03d}")", i);
    contacts += fmt::format(R"({}{{"id":"{}",{},"status":"{}","updated_at":"2026-01-01T10:00:00Z"}})", i ? "," : "",
                            1000 + i, name, i == 5 ? "Hidden" : "Active");
  }
  return fmt::format(R"({{"freeagent":{{"clients":[{{"client_id":"sandbox-client-id","client_secret":"sandbox-client-secret"}}],
    "refreshTokens":["freeagent-sandbox-refresh-token"],"company":{{"name":"Acme Books","subdomain":"acmebooks"}},
    "contacts":[{}],
    "invoices":[
      {{"id":"1","contact":"1001","reference":"INV-1","total_value":"120.50","paid_value":"20.25","dated_on":"2026-01-02","due_on":"2026-02-01","updated_at":"2026-01-02T09:00:00Z"}},
      {{"id":"2","contact":"1002","reference":"INV-2","total_value":"99.99","paid_value":"99.99","dated_on":"2026-01-03","updated_at":"2026-01-03T09:00:00Z"}},
      {{"id":"3","contact":"1002","reference":"INV-3","total_value":"10","status":"Draft","currency":"EUR","updated_at":"2026-01-04T09:00:00.250Z"}}]}}}})",
                     contacts);
}

struct Fixture : test::ConnectorSandboxFixture {
  std::unique_ptr<freeagent::FreeAgentConnector> freeagent;

  Fixture() : ConnectorSandboxFixture(seed(), "freeagent", "/freeagent/v2/token_endpoint") {
    freeagent::FreeAgentSettings s;
    s.base_url = sandbox->base_url() + "/freeagent/v2";
    freeagent = std::make_unique<freeagent::FreeAgentConnector>(*sender, *source, s);
  }

  auto contacts(std::string cursor, int* pages = nullptr) {
    return pass<model::Contact>([&](connector::ListRequest r) { return freeagent->list_contacts(r); }, cursor, pages);
  }
  auto invoices(std::string cursor, int* pages = nullptr) {
    return pass<model::Invoice>([&](connector::ListRequest r) { return freeagent->list_invoices(r, true); }, cursor,
                                pages);
  }
};

}  // namespace

TEST_CASE("FreeAgent connector pages contacts and invoices from the sandbox, hidden contacts included") {
  Fixture f;
  auto tenant = f.run(f.freeagent->tenant());
  REQUIRE(tenant);
  CHECK(tenant->id == "acmebooks");
  CHECK(tenant->name == "Acme Books");

  int pages = 0;
  auto [contacts, cursor] = f.contacts("", &pages);
  CHECK(pages == 3);  // 100 + 100 + 30
  CHECK(contacts.size() == 230);
  CHECK(cursor == "2026-01-01T10:00:00.000Z");
  REQUIRE(find(contacts, "1005"));
  CHECK(find(contacts, "1005")->status == model::ContactStatus::archived);
  REQUIRE(find(contacts, "1003"));
  CHECK(find(contacts, "1003")->kind == model::ContactKind::person);
  CHECK(find(contacts, "1003")->display_name() == "Ann Lee");
  CHECK(find(contacts, "1010")->is_customer);

  auto [invoices, invoice_cursor] = f.invoices("");
  REQUIRE(invoices.size() == 3);
  CHECK(invoices[0].contact_remote_id == "1001");
  CHECK(invoices[0].amount_due.to_string() == "100.25");
  CHECK(invoices[0].status == model::InvoiceStatus::authorised);  // Overdue in FreeAgent
  CHECK(invoices[0].url == "https://acmebooks.freeagent.com/invoices/1");
  CHECK(invoices[1].status == model::InvoiceStatus::paid);
  CHECK(invoices[2].status == model::InvoiceStatus::draft);
  CHECK(invoices[2].currency == "EUR");
  CHECK(invoice_cursor == "2026-01-04T09:00:00.250Z");
  CHECK(f.freeagent->new_invoice_url("1001") == "https://acmebooks.freeagent.com/invoices/new?contact=1001");

  auto [none, same] = f.invoices(invoice_cursor);
  REQUIRE(none.size() == 1);  // the one at the cursor comes again (>=); the runner drops it
  CHECK(same == invoice_cursor);
}

TEST_CASE("FreeAgent connector: create with R12 fields, partial update, incremental read, hidden contact") {
  Fixture f;
  auto [initial, cursor] = f.contacts("");
  REQUIRE(initial.size() == 230);

  model::ContactDetails spec = test::acme_contact();
  auto created = f.run(f.freeagent->create_contact(spec, "unused-key"));
  REQUIRE(created);
  CHECK(created->name == "Acme Ltd");
  REQUIRE(created->contact_person);
  CHECK(created->contact_person->last_name == "Smith");
  CHECK(created->emails == std::vector<std::string>{"jane@acme.example"});
  CHECK(created->phones.size() == 2);  // phone and mobile; FreeAgent keeps no fax
  REQUIRE(created->addresses.size() == 1);
  CHECK(created->addresses[0].street == "1 High Street\nBorough");
  CHECK(created->addresses[0].country == "United Kingdom");

  model::ContactDetails nameless;
  nameless.kind = model::ContactKind::person;
  auto refused = f.run(f.freeagent->create_contact(nameless, ""));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code() == Errc::invalid_argument);
  CHECK(refused.error().message().find("can't be blank") != std::string::npos);

  auto [changed, next] = f.contacts(cursor);
  REQUIRE(find(changed, created->remote_id));
  CHECK(next > cursor);

  connector::ContactUpdate update{spec, *created};
  update.desired.mobile = "07700 900999";
  update.desired.address->city = "Leeds";
  auto updated = f.run(f.freeagent->update_contact(created->remote_id, update));
  REQUIRE(updated);  // read back: FreeAgent answers an update with an empty 200
  CHECK(updated->addresses[0].city == "Leeds");
  CHECK(updated->addresses[0].zip == "SE1 6HA");  // partial update kept the rest
  CHECK(updated->emails == std::vector<std::string>{"jane@acme.example"});
  bool mobile = false;
  for (const auto& p : updated->phones) mobile = mobile || (p.kind == model::PhoneKind::mobile && p.number == "07700 900999");
  CHECK(mobile);
  auto unchanged = f.run(f.freeagent->update_contact(created->remote_id, connector::ContactUpdate{update.desired, *updated}));
  REQUIRE(unchanged);  // nothing differs: no request

  auto found = f.run(f.freeagent->find_contacts_by_name("  Acme Ltd "));
  REQUIRE(found);
  CHECK(found->size() == 1);
  auto person = f.run(f.freeagent->find_contacts_by_name("Ann Lee"));
  REQUIRE(person);
  CHECK(person->size() == 1);

  // Hidden in FreeAgent: the next incremental read reports it archived (R15).
  auto [after_update, update_cursor] = f.contacts(next);
  REQUIRE(find(after_update, created->remote_id));
  auto token = f.run(f.tokens->access_token());
  REQUIRE(token);
  http::Request hide;
  hide.method = http::Method::put;
  hide.url = f.sandbox->base_url() + "/freeagent/v2/contacts/1042";
  hide.bearer = *token;
  hide.body = R"({"contact":{"status":"Hidden"}})";
  hide.content_type = "application/json";
  auto hidden = f.run(f.client.send(hide));
  REQUIRE(hidden);
  REQUIRE(hidden->status == 200);
  auto [after_hide, hide_cursor] = f.contacts(update_cursor);
  REQUIRE(find(after_hide, "1042"));
  CHECK(find(after_hide, "1042")->status == model::ContactStatus::archived);
  CHECK(hide_cursor > update_cursor);
}
