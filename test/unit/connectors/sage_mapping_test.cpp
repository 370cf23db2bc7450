// Sage JSON <-> model mapping: contacts (types, person vs organisation, main contact person,
// address and country, deleted/inactive), invoices (exact money, statuses, dates), write
// bodies (create with idempotency_id, partial update), errors and links.

#include <catch2/catch.hpp>

#include "connectors/sage/contacts.hpp"
#include "connectors/sage/errors.hpp"
#include "connectors/sage/invoices.hpp"
#include "connectors/sage/links.hpp"
#include "connectors/sage/lists.hpp"
#include "core/connector/contact_details.hpp"
#include "core/connector/json.hpp"

using namespace capsync;

namespace {

// The notes' example contact (swagger field names), with a supplier type added.
constexpr std::string_view kContact = R"js({"id":"b0e3c0f2b8a84c1c9b6a5a0c3d2e1f00","displayed_as":"Acme Ltd (ACME001)",
  "$path":"/contacts/b0e3c0f2b8a84c1c9b6a5a0c3d2e1f00","created_at":"2024-03-01T10:00:00Z","updated_at":"2024-05-02T08:30:00Z",
  "contact_types":[{"id":"CUSTOMER","displayed_as":"Customer"},{"id":"VENDOR","displayed_as":"Supplier"}],
  "name":"Acme Ltd","reference":"ACME001","email":"accounts@acme.example",
  "main_address":{"address_line_1":"1 High Street","address_line_2":"Borough","city":"London","region":"",
    "postal_code":"SE1 6HA","country":{"id":"GB","displayed_as":"United Kingdom (GB)"}},
  "main_contact_person":{"name":"Jane van Smith","telephone":"020 7946 0000","mobile":"07700 900000",
    "email":"accounts@acme.example","fax":null,"is_main_contact":true},
  "balance":150.0,"currency":{"id":"GBP"},"is_active":true})js";

constexpr std::string_view kInvoice = R"js({"id":"9f1c","displayed_as":"SI-12","$path":"/sales_invoices/9f1c",
  "created_at":"2024-05-01T09:00:00Z","updated_at":"2024-05-10T12:00:00Z",
  "contact":{"id":"b0e3","displayed_as":"Acme Ltd (ACME001)","$path":"/contacts/b0e3"},"contact_name":"Acme Ltd",
  "invoice_number":"SI-12","date":"2024-05-01","due_date":"2024-05-31","status":{"id":"PART_PAID","displayed_as":"Part Paid"},
  "sent":true,"currency":{"id":"GBP"},"net_amount":125.0,"tax_amount":25.0,"total_amount":150.10,"total_paid":50.05,
  "outstanding_amount":100.05,"last_paid":"2024-05-10"})js";

model::Contact contact(std::string_view text) {
  auto c = sage::parse_contact_body(text);
  REQUIRE(c);
  return *c;
}

model::Invoice invoice(std::string_view text, model::InvoiceType type = model::InvoiceType::sales) {
  auto doc = connector::json::parse(text);
  REQUIRE(doc);
  auto inv = sage::parse_invoice(*doc, type);
  REQUIRE(inv);
  return *inv;
}

}  // namespace

TEST_CASE("Sage contact: organisation with its main contact person, phones, address and both types") {
  auto c = contact(kContact);
  CHECK(c.remote_id == "b0e3c0f2b8a84c1c9b6a5a0c3d2e1f00");
  CHECK(c.kind == model::ContactKind::organisation);
  CHECK(c.name == "Acme Ltd");
  REQUIRE(c.contact_person);
  CHECK(c.contact_person->first_name == "Jane van");
  CHECK(c.contact_person->last_name == "Smith");
  CHECK(c.emails == std::vector<std::string>{"accounts@acme.example"});
  REQUIRE(c.phones.size() == 2);
  CHECK(c.phones[0].kind == model::PhoneKind::main);
  CHECK(c.phones[1].number == "07700 900000");
  REQUIRE(c.addresses.size() == 1);
  CHECK(c.addresses[0].street == "1 High Street\nBorough");
  CHECK(c.addresses[0].country == "United Kingdom");
  CHECK(c.is_customer);
  CHECK(c.is_supplier);
  CHECK(c.status == model::ContactStatus::active);
  CHECK(model::format_timestamp(*c.updated_at) == "2024-05-02T08:30:00.000Z");
}

TEST_CASE("Sage contact: a main contact person named like the contact is a person, inactive is archived, deleted is deleted") {
  auto person = contact(R"js({"id":"p1","name":"Jane Smith","contact_types":[{"id":"CUSTOMER"}],
    "main_contact_person":{"name":"Jane Smith","email":"jane@example.com"},"is_active":false,"updated_at":"2024-01-01T00:00:00Z"})js");
  CHECK(person.kind == model::ContactKind::person);
  CHECK(person.first_name == "Jane");
  CHECK(person.last_name == "Smith");
  CHECK_FALSE(person.contact_person);
  CHECK(person.status == model::ContactStatus::archived);
  CHECK_FALSE(person.is_supplier);

  auto gone = contact(R"js({"id":"d1","displayed_as":"Old","deleted_at":"2024-02-02T10:00:00Z"})js");
  CHECK(gone.status == model::ContactStatus::deleted);
  CHECK(model::format_timestamp(*gone.updated_at) == "2024-02-02T10:00:00.000Z");
  CHECK_FALSE(sage::parse_contact_body(R"js({"name":"no id"})js"));
}

TEST_CASE("Sage invoice: money from the number text, status, dates, contact") {
  auto inv = invoice(kInvoice);
  CHECK(inv.remote_id == "9f1c");
  CHECK(inv.contact_remote_id == "b0e3");
  CHECK(inv.number == "SI-12");
  CHECK(inv.status == model::InvoiceStatus::authorised);
  CHECK(inv.total.to_string() == "150.10");
  CHECK(inv.amount_paid.to_string() == "50.05");
  CHECK(inv.amount_due.to_string() == "100.05");
  CHECK(inv.currency == "GBP");
  CHECK(model::format_date(*inv.due_date) == "2024-05-31");
  CHECK(model::format_date(*inv.issue_date) == "2024-05-01");

  auto bill = invoice(R"js({"id":"p1","contact":{"id":"v1"},"vendor_reference":"B-77","status":{"id":"PAID"},
    "currency":{"id":"EUR"},"total_amount":20,"total_paid":20,"outstanding_amount":0})js", model::InvoiceType::purchase);
  CHECK(bill.number == "B-77");
  CHECK(bill.type == model::InvoiceType::purchase);
  CHECK(bill.status == model::InvoiceStatus::paid);
  CHECK(bill.amount_due.is_zero());
  CHECK(invoice(R"js({"id":"v","contact":{"id":"c"},"status":{"id":"VOID"},"currency":{"id":"GBP"}})js").status ==
        model::InvoiceStatus::voided);
  CHECK(invoice(R"js({"id":"d","contact":{"id":"c"},"status":{"id":"DRAFT"},"currency":{"id":"GBP"}})js").status ==
        model::InvoiceStatus::draft);

  auto doc = connector::json::parse(R"js({"id":"x","contact":{"id":"c"},"status":{"id":"UNPAID"},"currency":{"id":"GBP"},"total_amount":1e2})js");
  REQUIRE(doc);
  CHECK_FALSE(sage::parse_invoice(*doc, model::InvoiceType::sales));  // never through a double
}

TEST_CASE("Sage create body: wrapped, CUSTOMER, idempotency_id, person fields on main_contact_person, country_id") {
  model::ContactDetails d;
  d.name = "Acme Ltd";
  d.contact_person = model::ContactPerson{"Jane", "Smith", ""};
  d.email = "jane@acme.example";
  d.phone = "020 7946 0000";
  d.mobile = "07700 900000";
  d.fax = "020 7946 0001";
  d.website = "https://acme.example";
  d.address = model::Address{std::nullopt, "", "1 High Street\nBorough", "London", "", "SE1 6HA", "United Kingdom"};
  std::string body = sage::contact_create_body(d, "0123456789abcdef0123456789abcdef");
  auto doc = connector::json::parse(body);
  REQUIRE(doc);
  const auto& c = (*doc)["contact"];
  CHECK(std::string(c["name"].GetString()) == "Acme Ltd");
  CHECK(std::string(c["contact_type_ids"][0].GetString()) == "CUSTOMER");
  CHECK(std::string(c["idempotency_id"].GetString()) == "0123456789abcdef0123456789abcdef");
  CHECK(std::string(c["main_contact_person"]["name"].GetString()) == "Jane Smith");
  CHECK(std::string(c["main_contact_person"]["email"].GetString()) == "jane@acme.example");
  CHECK(std::string(c["main_contact_person"]["fax"].GetString()) == "020 7946 0001");
  CHECK(c["main_contact_person"]["is_main_contact"].GetBool());
  CHECK(std::string(c["main_address"]["address_line_2"].GetString()) == "Borough");
  CHECK(std::string(c["main_address"]["country_id"].GetString()) == "GB");
  CHECK_FALSE(c.HasMember("website"));
  CHECK_FALSE(c.HasMember("email"));
}

TEST_CASE("Sage update body carries only what changed, or nothing") {
  auto current = contact(kContact);
  connector::ContactUpdate update{connector::details_of(current), current};
  CHECK_FALSE(sage::contact_update_body(update));
  update.desired.mobile = "07700 900999";
  update.desired.address->city = "Leeds";
  auto body = sage::contact_update_body(update);
  REQUIRE(body);
  CHECK(*body == R"js({"contact":{"main_contact_person":{"mobile":"07700 900999","is_main_contact":true},)js"
                 R"js("main_address":{"city":"Leeds"}}})js");
}

TEST_CASE("Sage update of an organisation pushed without a contact person keeps the main contact person's name") {
  auto current = contact(kContact);
  model::ContactDetails desired = connector::details_of(current);
  desired.contact_person.reset();
  desired.phone = "020 7946 1234";
  auto body = sage::contact_update_body(connector::ContactUpdate{desired, current});
  REQUIRE(body);
  CHECK(*body == R"js({"contact":{"main_contact_person":{"telephone":"020 7946 1234","is_main_contact":true}}})js");
}

TEST_CASE("Sage idempotency ids are 32 hex digits: a UUID loses its hyphens, other keys hash stably") {
  CHECK(sage::idempotency_id("0B1C2D3E-4F50-6172-8394-A5B6C7D8E9F0") == "0b1c2d3e4f5061728394a5b6c7d8e9f0");
  auto hashed = sage::idempotency_id("export:acme:42");
  CHECK(hashed.size() == 32);
  CHECK(hashed == sage::idempotency_id("export:acme:42"));
  CHECK(hashed != sage::idempotency_id("export:acme:43"));
}

TEST_CASE("Sage idempotency id of a non-UUID key is the first 128 bits of its SHA-256") {
  // sha256("capsync-export-acme-42") = f4133e4fe05ed114516f54cffdbf9942...
  CHECK(sage::idempotency_id("capsync-export-acme-42") == "f4133e4fe05ed114516f54cffdbf9942");
  CHECK(sage::idempotency_id("export:acme:42") == "ee4637aa4c4ce5e2c0f02084d710f6e4");
  CHECK(sage::idempotency_id("") == "e3b0c44298fc1c149afbf4c8996fb924");
}

TEST_CASE("Sage list envelope: $next decides, $page says which page came back") {
  auto list = sage::parse_list(R"js({"$total":45,"$page":3,"$next":null,"$back":"/contacts?page=2","$itemsPerPage":20,"$items":[]})js");
  REQUIRE(list);
  CHECK_FALSE(list->has_next);
  CHECK(list->page == 3);
  CHECK(list->total == 45);
  CHECK(sage::parse_list(R"js({"$next":"/contacts?page=2","$items":[{"id":"a"}]})js")->has_next);
  CHECK_FALSE(sage::parse_list(R"js([{"id":"a"}])js"));
}

TEST_CASE("Sage errors: the error array becomes a message an operator can act on") {
  http::Response r;
  r.status = 422;
  r.body = R"js([{"$severity":"error","$dataCode":"RecordInvalid","$message":"has already been taken","$source":"reference"}])js";
  auto e = sage::map_error(r, "contact 'Acme Ltd'");
  CHECK(e.code() == Errc::invalid_argument);
  CHECK(e.message() == "Sage refused contact 'Acme Ltd': reference has already been taken [RecordInvalid]");
  r.status = 401;
  r.body = R"js([{"$severity":"error","$dataCode":"AuthorizationFailure","$message":"No active subscription. (MSE)","$source":""}])js";
  auto sub = sage::map_error(r, "the contacts page 1");
  CHECK(sub.code() == Errc::unauthorized);
  CHECK(sub.message().find("no active subscription") != std::string::npos);
  r.status = 403;
  r.body = R"js([{"$severity":"error","$dataCode":"MultiUserAccessDenied","$message":"The current user is not allowed to access that resource with that method.","$source":""}])js";
  CHECK(sage::map_error(r, "contact x").message().find("full access to Contacts") != std::string::npos);
  r.status = 429;
  r.body = "";
  r.headers = {{"Retry-After", "7"}};
  auto limited = sage::map_error(r, "the contacts page 2");
  CHECK(limited.code() == Errc::rate_limited);
  CHECK(limited.message() == "Sage rate limit reached on the contacts page 2; retry after 7 s");
}

TEST_CASE("Sage links: the invoice's own web link first, else built on the web app address") {
  model::Invoice inv = invoice(kInvoice);
  CHECK(sage::invoice_link("https://accounting.sageone.co.uk", inv) ==
        "https://accounting.sageone.co.uk/invoicing/sales_invoices/9f1c");
  inv.url = "https://app.example/invoices/9f1c";
  CHECK(sage::invoice_link("https://accounting.sageone.co.uk", inv) == "https://app.example/invoices/9f1c");
  CHECK(sage::new_invoice_link("https://accounting.sageone.co.uk", "b0e3") ==
        "https://accounting.sageone.co.uk/invoicing/sales_invoices/new?contact_id=b0e3");
}

TEST_CASE("Sage contacts: a contact that cannot be read is skipped and named; the rest of the page is kept (R17)") {
  const std::string items = std::string(R"js([{"name":"No id"},{"id":"c2","name":"Late","updated_at":"yesterday"},)js") +
                            R"js({"id":"c3","name":"M)js" + "\xFC" + R"js(ller GmbH"},{"id":"c4","name":"Initech"}])js";
  auto doc = connector::json::parse(items);
  REQUIRE(doc);
  auto page = sage::parse_contacts(*doc);
  REQUIRE(page.items.size() == 1);
  CHECK(page.items[0].remote_id == "c4");
  REQUIRE(page.unreadable.size() == 3);
  CHECK(page.unreadable[0].position == 1);
  CHECK(page.unreadable[0].id.empty());
  CHECK(page.unreadable[0].name == "No id");
  CHECK(page.unreadable[1].id == "c2");
  CHECK(page.unreadable[1].name == "Late");
  CHECK(page.unreadable[2].position == 3);
  CHECK(page.unreadable[2].id == "c3");
  CHECK(page.unreadable[2].name == "M\xEF\xBF\xBDller GmbH");
  CHECK(page.unreadable[2].reason == "'name' is not valid UTF-8");
}

TEST_CASE("Sage invoices: an invoice that cannot be read is skipped and named; the rest of the page is kept (R17)") {
  auto doc = connector::json::parse(R"js([
    {"id":"x","invoice_number":"SI-1","contact":{"id":"c"},"status":{"id":"UNPAID"},"currency":{"id":"GBP"},"total_amount":1e2},
    {"id":"y","invoice_number":"SI-2","contact":{"id":"c"},"status":{"id":"UNPAID"},"currency":{"id":"GBP"},"total_amount":100}])js");
  REQUIRE(doc);
  auto page = sage::parse_invoices(*doc, model::InvoiceType::sales);
  REQUIRE(page.items.size() == 1);
  CHECK(page.items[0].remote_id == "y");
  REQUIRE(page.unreadable.size() == 1);
  CHECK(page.unreadable[0].position == 1);
  CHECK(page.unreadable[0].id == "x");
  CHECK(page.unreadable[0].name == "SI-1");
  CHECK_FALSE(page.unreadable[0].reason.empty());
}
