// FreeAgent JSON mapping, against the examples of FreeAgent's API documentation
// (dev.freeagent.com/docs/contacts, /docs/invoices) and live-captured responses.
#include <catch2/catch.hpp>

#include "connectors/freeagent/contacts.hpp"
#include "connectors/freeagent/errors.hpp"
#include "connectors/freeagent/invoices.hpp"
#include "connectors/freeagent/links.hpp"
#include "core/connector/contact_details.hpp"
#include "core/connector/headers.hpp"
#include "core/connector/json.hpp"

using namespace capsync;
using namespace capsync::model;

namespace {

// GET /v2/contacts: the documented example, then a live capture (empty fields omitted,
// milliseconds in timestamps), a person and a hidden contact.
constexpr std::string_view kContacts = R"({"contacts":[
 {"url":"https://api.freeagent.com/v2/contacts/2","first_name":"test","last_name":"me","organisation_name":"Acme Ltd",
  "email":"test@example.com","billing_email":"billing@example.com","phone_number":"12345678","mobile":"9876543210",
  "address1":"11 George Street","address2":"South Court","address3":"Flat 6","town":"London","region":"Southwark",
  "postcode":"SE1 6HA","country":"United Kingdom","contact_name_on_invoices":true,"default_payment_terms_in_days":30,
  "locale":"en","account_balance":"-100.0","uses_contact_invoice_sequence":false,"charge_sales_tax":"Auto",
  "status":"Active","created_at":"2011-09-14T16:00:41Z","updated_at":"2011-09-16T09:34:41Z"},
 {"account_balance":"-60.0","active_projects_count":1,"charge_sales_tax":"Auto","contact_name_on_invoices":true,
  "country":"United Kingdom","created_at":"2026-08-16T12:43:38.000Z","email":"user@example.com",
  "emails_invoices_automatically":false,"locale":"en","organisation_name":"Example Organisation Ltd","status":"Active",
  "updated_at":"2026-08-16T12:43:41.000Z","url":"https://api.freeagent.com/v2/contacts/225200"},
 {"url":"https://api.freeagent.com/v2/contacts/7","first_name":"Ann","last_name":"Lee","status":"Active",
  "updated_at":"2026-01-02T03:04:05Z"},
 {"url":"https://api.freeagent.com/v2/contacts/8","organisation_name":"Old Supplies","status":"Hidden",
  "updated_at":"2026-01-02T03:04:05Z"}]})";

// GET /v2/invoices: the documented example, a draft and a status FreeAgent does not document.
constexpr std::string_view kInvoices = R"({"invoices":[
 {"url":"https://api.freeagent.com/v2/invoices/1","contact":"https://api.freeagent.com/v2/contacts/2",
  "dated_on":"2011-08-29","due_on":"2011-09-28","reference":"001","currency":"GBP","exchange_rate":"1.0",
  "net_value":"0.0","sales_tax_value":"0.0","total_value":"200.0","paid_value":"50.0","due_value":"150.0",
  "status":"Open","long_status":"Open – due in about 1 month","payment_terms_in_days":30,
  "created_at":"2011-08-29T00:00:00Z","updated_at":"2011-08-29T00:00:00Z"},
 {"url":"https://api.freeagent.com/v2/invoices/2","contact":"https://api.freeagent.com/v2/contacts/7",
  "contact_name":"Ann Lee","dated_on":"2026-08-16","due_on":"2026-09-15","reference":"002","currency":"eur",
  "total_value":"1234.5678","paid_value":"0.0","due_value":"1234.5678","status":"Draft",
  "updated_at":"2026-08-16T12:43:39.000Z"},
 {"url":"https://api.freeagent.com/v2/invoices/3","contact":"https://api.freeagent.com/v2/contacts/7",
  "currency":"GBP","total_value":"10.0","paid_value":"0.0","due_value":"10.0","status":"Cancelled"}]})";

Timestamp at(std::string_view iso) { return *parse_timestamp(iso); }

http::Response response(int status, std::string body, http::Headers headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

}  // namespace

TEST_CASE("FreeAgent contacts: ids from URLs, person vs organisation, hidden = archived, omitted fields") {
  auto contacts = freeagent::parse_contacts(kContacts);
  REQUIRE(contacts);
  REQUIRE(contacts->items.size() == 4);

  const Contact& acme = contacts->items[0];
  CHECK(acme.remote_id == "2");
  CHECK(acme.kind == ContactKind::organisation);
  CHECK(acme.name == "Acme Ltd");
  REQUIRE(acme.contact_person);
  CHECK(acme.contact_person->first_name == "test");
  CHECK(acme.contact_person->last_name == "me");
  CHECK(acme.emails == std::vector<std::string>{"test@example.com", "billing@example.com"});
  REQUIRE(acme.phones.size() == 2);
  CHECK(acme.phones[0].kind == PhoneKind::main);
  CHECK(acme.phones[0].number == "12345678");
  CHECK(acme.phones[1].kind == PhoneKind::mobile);
  REQUIRE(acme.addresses.size() == 1);
  CHECK(acme.addresses[0].street == "11 George Street\nSouth Court\nFlat 6");
  CHECK(acme.addresses[0].city == "London");
  CHECK(acme.addresses[0].state == "Southwark");
  CHECK(acme.addresses[0].zip == "SE1 6HA");
  CHECK(acme.addresses[0].country == "United Kingdom");
  CHECK(acme.is_customer);
  CHECK_FALSE(acme.is_supplier);
  CHECK(acme.status == ContactStatus::active);
  CHECK(acme.updated_at == at("2011-09-16T09:34:41Z"));

  const Contact& live = contacts->items[1];
  CHECK(live.remote_id == "225200");
  CHECK_FALSE(live.contact_person);
  CHECK(live.phones.empty());
  CHECK(live.addresses.size() == 1);  // country only
  CHECK(live.updated_at == at("2026-08-16T12:43:41.000Z"));

  const Contact& ann = contacts->items[2];
  CHECK(ann.kind == ContactKind::person);
  CHECK(ann.display_name() == "Ann Lee");
  CHECK(ann.first_name == "Ann");
  CHECK(contacts->items[3].status == ContactStatus::archived);

  CHECK_FALSE(freeagent::parse_contacts(R"({"contact":{}})"));
  auto single = freeagent::parse_single_contact(
      R"({"contact":{"url":"https://api.freeagent.com/v2/contacts/70","organisation_name":"X"}})");
  REQUIRE(single);
  CHECK(single->remote_id == "70");
}

TEST_CASE("FreeAgent invoices: exact money strings, dates, statuses, contact ids") {
  auto invoices = freeagent::parse_invoices(kInvoices);
  REQUIRE(invoices);
  REQUIRE(invoices->items.size() == 3);
  const Invoice& open = invoices->items[0];
  CHECK(open.remote_id == "1");
  CHECK(open.contact_remote_id == "2");
  CHECK(open.number == "001");
  CHECK(open.type == InvoiceType::sales);
  CHECK(open.status == InvoiceStatus::authorised);
  CHECK(open.total == Money(2'000'000, "GBP"));
  CHECK(open.amount_paid == Money(500'000, "GBP"));
  CHECK(open.amount_due == Money(1'500'000, "GBP"));
  CHECK(open.issue_date == Date{date::year{2011}, date::month{8}, date::day{29}});
  CHECK(open.due_date == Date{date::year{2011}, date::month{9}, date::day{28}});

  const Invoice& draft = invoices->items[1];
  CHECK(draft.status == InvoiceStatus::draft);
  CHECK(draft.currency == "EUR");
  CHECK(draft.total.units() == 12'345'678);  // 1234.5678 exactly, no double on the way
  CHECK(draft.total.to_string() == "1234.5678");
  CHECK(draft.updated_at == at("2026-08-16T12:43:39Z"));
  CHECK(invoices->items[2].status == InvoiceStatus::voided);  // not a documented status: never owed

  CHECK(freeagent::invoice_status("Overdue") == InvoiceStatus::authorised);
  CHECK(freeagent::invoice_status("Scheduled To Email") == InvoiceStatus::authorised);
  CHECK(freeagent::invoice_status("Paid") == InvoiceStatus::paid);
  CHECK(freeagent::invoice_status("Part written-off") == InvoiceStatus::paid);
  CHECK(freeagent::invoice_status("Written-off") == InvoiceStatus::voided);

}

TEST_CASE("FreeAgent contacts: a contact that cannot be read is skipped and named; the rest of the page is kept (R17)") {
  const std::string body = std::string(R"({"contacts":[{"organisation_name":"No url"},)") +
                           R"({"url":"https://api.freeagent.com/v2/contacts/2","first_name":"Ann","last_name":"L)" +
                           "\xF0\x9F" + R"("},)" + R"({"url":"https://api.freeagent.com/v2/contacts/3","organisation_name":"Initech"}]})";
  auto page = freeagent::parse_contacts(body);
  REQUIRE(page);
  REQUIRE(page->items.size() == 1);
  CHECK(page->items[0].remote_id == "3");
  REQUIRE(page->unreadable.size() == 2);
  CHECK(page->unreadable[0].position == 1);
  CHECK(page->unreadable[0].id.empty());
  CHECK(page->unreadable[0].name == "No url");
  CHECK(page->unreadable[0].reason == "a contact has no usable \"url\"");
  CHECK(page->unreadable[1].position == 2);
  CHECK(page->unreadable[1].id == "2");  // the id capsync links by, not the URL
  CHECK(page->unreadable[1].name == "Ann L\xEF\xBF\xBD\xEF\xBF\xBD");  // each broken byte shown as U+FFFD
  CHECK(page->unreadable[1].reason == "'last_name' is not valid UTF-8");
}

TEST_CASE("FreeAgent invoices: an invoice that cannot be read is skipped and named; the rest of the page is kept (R17)") {
  auto page = freeagent::parse_invoices(R"({"invoices":[
      {"url":"https://api.freeagent.com/v2/invoices/9","reference":"INV-9","contact":"https://api.freeagent.com/v2/contacts/2","currency":"GBP","total_value":"1e2"},
      {"url":"https://api.freeagent.com/v2/invoices/10","currency":"GBP"},
      {"url":"https://api.freeagent.com/v2/invoices/11","contact":"https://api.freeagent.com/v2/contacts/2","currency":"GBP","total_value":"10.00"}]})");
  REQUIRE(page);
  REQUIRE(page->items.size() == 1);
  CHECK(page->items[0].remote_id == "11");
  REQUIRE(page->unreadable.size() == 2);
  CHECK(page->unreadable[0].id == "9");
  CHECK(page->unreadable[0].name == "INV-9");
  CHECK(page->unreadable[1].position == 2);
  CHECK(page->unreadable[1].id == "10");
}

TEST_CASE("FreeAgent contact writes: R12 fields on create, changed fields only on update") {
  ContactDetails org;
  org.kind = ContactKind::organisation;
  org.name = "Acme Ltd";
  org.contact_person = ContactPerson{"Ann", "Lee", ""};
  org.email = "ann@acme.test";
  org.phone = "020 7946 0000";
  org.mobile = "07700 900000";
  org.fax = "020 7946 0001";
  org.website = "https://acme.test";
  org.address = Address{std::nullopt, "", "1 Road\nUnit 2\nEstate\nBlock C", "London", "", "E1 1AA", "United Kingdom"};
  auto created = connector::json::parse(freeagent::contact_create_body(org));
  REQUIRE(created);
  const auto& c = (*created)["contact"];
  CHECK(std::string(c["organisation_name"].GetString()) == "Acme Ltd");
  CHECK(std::string(c["first_name"].GetString()) == "Ann");
  CHECK(std::string(c["last_name"].GetString()) == "Lee");
  CHECK(std::string(c["email"].GetString()) == "ann@acme.test");
  CHECK(std::string(c["phone_number"].GetString()) == "020 7946 0000");
  CHECK(std::string(c["mobile"].GetString()) == "07700 900000");
  CHECK(std::string(c["address1"].GetString()) == "1 Road");
  CHECK(std::string(c["address3"].GetString()) == "Estate, Block C");
  CHECK(std::string(c["town"].GetString()) == "London");
  CHECK(std::string(c["postcode"].GetString()) == "E1 1AA");
  CHECK(std::string(c["country"].GetString()) == "United Kingdom");
  CHECK_FALSE(c.HasMember("region"));  // empty: left out
  CHECK_FALSE(c.HasMember("fax"));     // FreeAgent has no fax or website field

  ContactDetails person;
  person.kind = ContactKind::person;
  person.name = "Bo Diddley";
  auto p = connector::json::parse(freeagent::contact_create_body(person));
  REQUIRE(p);
  CHECK(std::string((*p)["contact"]["first_name"].GetString()) == "Bo");
  CHECK(std::string((*p)["contact"]["last_name"].GetString()) == "Diddley");
  CHECK_FALSE((*p)["contact"].HasMember("organisation_name"));

  // Update: the contact as last read, then Capsule's edit.
  auto contacts = freeagent::parse_contacts(kContacts);
  REQUIRE(contacts);
  const Contact& acme = contacts->items[0];
  connector::ContactUpdate same{connector::details_of(acme), acme};
  CHECK_FALSE(freeagent::contact_update_body(same));
  connector::ContactUpdate edit{connector::details_of(acme), acme};
  edit.desired.email = "new@acme.test";
  edit.desired.mobile.clear();
  auto body = freeagent::contact_update_body(edit);
  REQUIRE(body);
  CHECK(*body == R"({"contact":{"email":"new@acme.test","mobile":""}})");
  // No address in Capsule keeps FreeAgent's.
  connector::ContactUpdate no_address{connector::details_of(acme), acme};
  no_address.desired.address.reset();
  CHECK_FALSE(freeagent::contact_update_body(no_address));
  // Organisation -> person clears organisation_name.
  connector::ContactUpdate to_person{person, acme};
  auto switched = connector::json::parse(*freeagent::contact_update_body(to_person));
  REQUIRE(switched);
  CHECK(std::string((*switched)["contact"]["organisation_name"].GetString()).empty());
  CHECK(std::string((*switched)["contact"]["first_name"].GetString()) == "Bo");
}

TEST_CASE("FreeAgent errors: every body shape becomes a clear message") {
  CHECK(freeagent::error_messages(R"({"errors":{"error":{"message":"Access denied"}}})") ==
        std::vector<std::string>{"Access denied"});
  CHECK(freeagent::error_messages(R"({"errors":[{"message":"Dated on can't be blank"},{"message":"Contact is required"}]})") ==
        std::vector<std::string>{"Dated on can't be blank", "Contact is required"});
  CHECK(freeagent::error_messages(R"({"errors":{"dated_on":["can't be blank"]}})") ==
        std::vector<std::string>{"dated_on can't be blank"});
  CHECK(freeagent::error_messages(R"({"error":"invalid_grant","error_description":"expired"})") ==
        std::vector<std::string>{"invalid_grant: expired"});

  auto refused = freeagent::map_error(response(422, R"({"errors":[{"message":"Last name can't be blank"}]})"),
                                      "contact 'Bo'");
  CHECK(refused.code() == Errc::invalid_argument);
  CHECK(refused.message() == "FreeAgent refused contact 'Bo': Last name can't be blank");
  CHECK(freeagent::map_error(response(401, "{}"), "x").code() == Errc::unauthorized);
  auto forbidden = freeagent::map_error(response(403, R"({"errors":{"error":{"message":"Access denied"}}})"), "the invoices page 1");
  CHECK(forbidden.code() == Errc::unauthorized);
  CHECK(forbidden.message().find("Invoices, Estimates & Files") != std::string::npos);
  CHECK(freeagent::map_error(response(404, ""), "contact 9").code() == Errc::not_found);
  auto limited = freeagent::map_error(response(429, "You must not exceed 120 requests per 60 seconds", {{"Retry-After", "42"}}),
                                      "the contacts page 2");
  CHECK(limited.code() == Errc::rate_limited);
  CHECK(limited.message().find("retry after 42 s") != std::string::npos);
  auto html = freeagent::map_error(response(502, "<html>Bad gateway</html>"), "x");
  CHECK(html.code() == Errc::http);
  CHECK(html.message().find("<html>Bad gateway</html>") != std::string::npos);
}

TEST_CASE("FreeAgent paging links, company and deep links") {
  CHECK(connector::next_link(R"(<https://api.freeagent.com/v2/invoices?page=5&per_page=50>; rel="prev", )"
                             R"(<https://api.freeagent.com/v2/invoices?page=7&per_page=50>; rel="next", )"
                             R"(<https://api.freeagent.com/v2/invoices?page=1&per_page=50>; rel="first")") ==
        "https://api.freeagent.com/v2/invoices?page=7&per_page=50");
  CHECK(connector::next_link(R"(<https://api.freeagent.com/v2/invoices?page=1>; rel="first")").empty());
  auto company = freeagent::parse_company(
      R"({"company":{"url":"https://api.freeagent.com/v2/company","name":"My Company","subdomain":"mycompany","currency":"GBP"}})");
  REQUIRE(company);
  CHECK(company->subdomain == "mycompany");
  CHECK(freeagent::invoice_link("mycompany", "1") == "https://mycompany.freeagent.com/invoices/1");
  CHECK(freeagent::new_invoice_link("mycompany", "2") == "https://mycompany.freeagent.com/invoices/new?contact=2");
  CHECK(freeagent::id_from_url("https://api.freeagent.com/v2/contacts/225200") == "225200");
  CHECK_FALSE(freeagent::id_from_url("https://api.freeagent.com/v2/contacts/abc"));
}
