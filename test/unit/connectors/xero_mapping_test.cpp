// Xero JSON mapping, against the examples in Xero's OpenAPI spec (xero_accounting.yaml).
#include <catch2/catch.hpp>

#include <chrono>

#include "connectors/xero/connections.hpp"
#include "connectors/xero/contacts.hpp"
#include "connectors/xero/dates.hpp"
#include "connectors/xero/errors.hpp"
#include "connectors/xero/invoices.hpp"
#include "connectors/xero/links.hpp"
#include "core/connector/contact_details.hpp"
#include "core/connector/json.hpp"

using namespace capsync;
using namespace capsync::model;

namespace {

// GET /Contacts 200 example (first contact), as JSON.
constexpr std::string_view kContacts = R"j({"Id":"04e93d48-e72f-4775-b7dd-15a041fab972","Status":"OK",
 "ProviderName":"Xero API Partner","DateTimeUTC":"\/Date(1551399323399)\/",
 "pagination":{"page":1,"pageSize":100,"pageCount":1,"itemCount":2},
 "Contacts":[{"ContactID":"5cc8cf28-567e-4d43-b287-687cfcaec47c","ContactStatus":"ACTIVE",
  "Name":"Katherine Warren","FirstName":"Katherine","LastName":"Warren","CompanyNumber":"NumberBusiness1234",
  "EmailAddress":"kat.warren@clampett.com","BankAccountDetails":"","TaxNumber":"",
  "Addresses":[{"AddressType":"STREET","City":"","Region":"","PostalCode":"","Country":""},
   {"AddressType":"POBOX","AddressLine1":"","AddressLine2":"","AddressLine3":"","AddressLine4":"",
    "City":"Palo Alto","Region":"CA","PostalCode":"94020","Country":"United States"}],
  "Phones":[{"PhoneType":"DDI","PhoneNumber":"","PhoneAreaCode":"","PhoneCountryCode":""},
   {"PhoneType":"DEFAULT","PhoneNumber":"847-1294","PhoneAreaCode":"(626)","PhoneCountryCode":""},
   {"PhoneType":"FAX","PhoneNumber":"","PhoneAreaCode":"","PhoneCountryCode":""},
   {"PhoneType":"MOBILE","PhoneNumber":"","PhoneAreaCode":"","PhoneCountryCode":""}],
  "UpdatedDateUTC":"\/Date(1503348544227+0000)\/","ContactGroups":[],"IsSupplier":true,"IsCustomer":true,
  "Balances":{"AccountsReceivable":{"Outstanding":760.00,"Overdue":920.00}},
  "ContactPersons":[],"HasAttachments":false,"HasValidationErrors":false},
 {"ContactID":"3ec601ad-eddc-4ccb-a8ac-736e88293b1b","ContactStatus":"ARCHIVED","Name":"Parker & Co",
  "FirstName":"Lisa","LastName":"Parker","EmailAddress":"lparker@parkerandco.com",
  "Website":"https://parkerandco.com","UpdatedDateUTC":"2024-06-21T01:15:39.902",
  "IsSupplier":false,"IsCustomer":true}]})j";

// GET /Invoices 200 example (INV-0002 and INV-0003) plus a credit note that must be skipped.
constexpr std::string_view kInvoices = R"({"Id":"900c500b-e83c-4ce2-902a-b8ba04751748","Status":"OK",
 "pagination":{"page":1,"pageSize":100,"pageCount":1,"itemCount":3},
 "Invoices":[{"Type":"ACCREC","InvoiceID":"046d8a6d-1ae1-4b4d-9340-5601bdf41b87","InvoiceNumber":"INV-0002",
  "Payments":[{"PaymentID":"99ea7f6b-c513-4066-bc27-b7c65dcd76c2","Date":"\/Date(1543449600000+0000)\/","Amount":46.00}],
  "AmountDue":0.00,"AmountPaid":46.00,"AmountCredited":0.00,"CurrencyRate":1.000000,
  "Contact":{"ContactID":"a3675fc4-f8dd-4f03-ba5b-f1870566bcd7","Name":"Barney Rubble-83203"},
  "DateString":"2018-10-20T00:00:00","Date":"\/Date(1539993600000+0000)\/",
  "DueDateString":"2018-12-30T00:00:00","DueDate":"\/Date(1546128000000+0000)\/",
  "Status":"PAID","SubTotal":40.00,"TotalTax":6.00,"Total":46.00,
  "UpdatedDateUTC":"\/Date(1541176592690+0000)\/","CurrencyCode":"NZD"},
 {"Type":"ACCPAY","InvoiceID":"7ef31b20-de17-4312-8382-412f869b1510","InvoiceNumber":"",
  "AmountDue":115.10,"AmountPaid":0.20,"Contact":{"ContactID":"a3675fc4-f8dd-4f03-ba5b-f1870566bcd7"},
  "Date":"\/Date(1541116800000+0000)\/","DueDate":"\/Date(1541548800000)\/",
  "Status":"AUTHORISED","Total":115.30,"UpdatedDateUTC":"\/Date(1541176648927+0000)\/","CurrencyCode":"gbp"},
 {"Type":"ACCRECCREDIT","InvoiceID":"ffffffff-0000-0000-0000-000000000000","Status":"PAID","CurrencyCode":"NZD"}]})";

Timestamp ms(std::int64_t v) { return Timestamp(std::chrono::milliseconds(v)); }

}  // namespace

TEST_CASE("Xero dates: MS-JSON with and without offset, ISO, DateString") {
  CHECK(*xero::parse_timestamp("/Date(1541176592690+0000)/") == ms(1541176592690));
  CHECK(*xero::parse_timestamp("/Date(1439434356790)/") == ms(1439434356790));
  CHECK(*xero::parse_timestamp("/Date(-86400000+0000)/") == ms(-86400000));
  CHECK(*xero::parse_timestamp("2018-11-02T16:36:32Z") == ms(1541176592000));
  CHECK(xero::parse_timestamp("/Date(abc)/").error().code() == Errc::protocol);
  CHECK(xero::parse_timestamp("/Date(1541176592690+00)/").error().code() == Errc::protocol);
  CHECK(format_date(*xero::parse_date("2018-10-20T00:00:00")) == "2018-10-20");
  CHECK(format_date(*xero::parse_date("/Date(1539993600000+0000)/")) == "2018-10-20");
  CHECK(format_date(*xero::parse_date("/Date(1546128000000)/")) == "2018-12-30");
  CHECK(!xero::parse_date("20-10-2018"));
  CHECK(format_date(*xero::parse_date("2018-10-20")) == "2018-10-20");
  CHECK(format_date(*xero::parse_date("/Date(1539993600000+1300)/")) == "2018-10-20");  // the offset is for display
  CHECK(format_date(*xero::parse_date("/Date(-1)/")) == "1969-12-31");
  CHECK(!xero::parse_date("2018-10-20 00:00:00"));
  CHECK(!xero::parse_date("2018-02-30T00:00:00"));
  CHECK(!xero::parse_date("/Date()/"));
  CHECK(*xero::parse_timestamp("2018-11-02T16:36:32.5") == ms(1541176592500));  // DateTimeUTC without a zone
  CHECK(*xero::parse_timestamp("2018-11-03T05:36:32+13:00") == ms(1541176592000));
  CHECK(xero::parse_timestamp("2018-11-02 16:36:32").error().code() == Errc::protocol);
  CHECK(xero::parse_timestamp("/Date(1541176592690+0000x)/").error().code() == Errc::protocol);
  CHECK(xero::if_modified_since(ms(1541176592690)) == "2018-11-02T16:36:32");
}

TEST_CASE("Xero contacts: every field of the spec example") {
  auto page = xero::parse_contacts(kContacts);
  REQUIRE(page);
  REQUIRE(page->pagination);
  CHECK(page->pagination->page_count == 1);
  CHECK(page->pagination->item_count == 2);
  REQUIRE(page->contacts.size() == 2);

  const Contact& kat = page->contacts[0];
  CHECK(kat.remote_id == "5cc8cf28-567e-4d43-b287-687cfcaec47c");
  CHECK(kat.kind == ContactKind::person);  // Name is exactly "First Last"
  CHECK(kat.name == "Katherine Warren");
  CHECK(kat.first_name == "Katherine");
  CHECK(kat.last_name == "Warren");
  CHECK(!kat.contact_person);
  CHECK(kat.emails == std::vector<std::string>{"kat.warren@clampett.com"});
  REQUIRE(kat.phones.size() == 1);  // empty DDI/FAX/MOBILE are left out
  CHECK(kat.phones[0].kind == PhoneKind::main);
  CHECK(kat.phones[0].number == "(626) 847-1294");
  REQUIRE(kat.addresses.size() == 1);  // the empty STREET address is left out
  CHECK(kat.addresses[0].type == "POBOX");
  CHECK(kat.addresses[0].city == "Palo Alto");
  CHECK(kat.addresses[0].state == "CA");
  CHECK(kat.addresses[0].zip == "94020");
  CHECK(kat.addresses[0].country == "United States");
  CHECK(kat.is_customer);
  CHECK(kat.is_supplier);
  CHECK(kat.status == ContactStatus::active);
  CHECK(kat.updated_at == ms(1503348544227));

  const Contact& parker = page->contacts[1];
  CHECK(parker.kind == ContactKind::organisation);
  CHECK(parker.name == "Parker & Co");
  REQUIRE(parker.contact_person);
  CHECK(parker.contact_person->first_name == "Lisa");
  CHECK(parker.contact_person->last_name == "Parker");
  CHECK(parker.contact_person->email == "lparker@parkerandco.com");
  CHECK(parker.website == "https://parkerandco.com");
  CHECK(parker.status == ContactStatus::archived);
  CHECK(!parker.is_supplier);
  CHECK(parker.updated_at == *parse_timestamp("2024-06-21T01:15:39.902Z"));
}

TEST_CASE("Xero contacts: malformed pages are protocol errors") {
  CHECK(xero::parse_contacts("{\"Contacts\":[").error().code() == Errc::protocol);
  CHECK(xero::parse_contacts("{\"Status\":\"OK\"}").error().code() == Errc::protocol);
}

TEST_CASE("Xero contacts: a contact that cannot be read is skipped and named; the rest of the page is kept (R17)") {
  const std::string body = std::string(R"({"Contacts":[{"ContactID":"c1","Name":"Acme Ltd"},)") +
                           R"({"ContactID":{"id":"c2"},"Name":"Globex"},{"Name":"x"},)" +
                           R"({"ContactID":"c4","UpdatedDateUTC":"yesterday"},)" +
                           R"({"ContactID":"c5","Name":"Bad )" + "\xC3\x28" + R"( name"},)" +
                           R"({"ContactID":"c6","Name":"Initech"}]})";
  auto page = xero::parse_contacts(body);
  REQUIRE(page);
  REQUIRE(page->contacts.size() == 2);
  CHECK(page->contacts[0].remote_id == "c1");
  CHECK(page->contacts[1].remote_id == "c6");
  REQUIRE(page->unreadable.size() == 4);
  CHECK(page->unreadable[0].position == 2);
  CHECK(page->unreadable[0].id.empty());
  CHECK(page->unreadable[0].name == "Globex");
  CHECK(page->unreadable[0].reason == "'ContactID' is not text");
  CHECK(page->unreadable[1].position == 3);
  CHECK(page->unreadable[1].name == "x");
  CHECK(page->unreadable[1].reason == "no 'ContactID'");
  CHECK(page->unreadable[2].id == "c4");
  CHECK(page->unreadable[2].reason.find("contact c4") != std::string::npos);
  // Text that is not UTF-8 is refused, and the name is shown repaired.
  CHECK(page->unreadable[3].position == 5);
  CHECK(page->unreadable[3].id == "c5");
  CHECK(page->unreadable[3].name == "Bad \xEF\xBF\xBD( name");
  CHECK(page->unreadable[3].reason == "'Name' is not valid UTF-8");
}

TEST_CASE("Xero invoices: spec example, both date forms, exact money") {
  auto page = xero::parse_invoices(kInvoices);
  REQUIRE(page);
  CHECK(page->raw_count == 3);
  REQUIRE(page->invoices.size() == 2);  // the credit note is not an invoice here

  const Invoice& paid = page->invoices[0];
  CHECK(paid.remote_id == "046d8a6d-1ae1-4b4d-9340-5601bdf41b87");
  CHECK(paid.contact_remote_id == "a3675fc4-f8dd-4f03-ba5b-f1870566bcd7");
  CHECK(paid.number == "INV-0002");
  CHECK(paid.type == InvoiceType::sales);
  CHECK(paid.status == InvoiceStatus::paid);
  CHECK(format_date(*paid.issue_date) == "2018-10-20");
  CHECK(format_date(*paid.due_date) == "2018-12-30");
  CHECK(paid.currency == "NZD");
  CHECK(paid.total.to_string() == "46.00");
  CHECK(paid.amount_paid == *Money::parse("46.00", "NZD"));
  CHECK(paid.amount_due.is_zero());
  CHECK(paid.updated_at == ms(1541176592690));

  const Invoice& bill = page->invoices[1];
  CHECK(bill.type == InvoiceType::purchase);
  CHECK(bill.status == InvoiceStatus::authorised);
  CHECK(format_date(*bill.issue_date) == "2018-11-02");  // from /Date(…)/ only
  CHECK(format_date(*bill.due_date) == "2018-11-07");    // no offset form
  CHECK(bill.currency == "GBP");
  // 0.10 + 0.20 is 0.30 exactly; 115.10 + 0.20 = 115.30.
  auto sum = bill.amount_due.add(bill.amount_paid);
  REQUIRE(sum);
  CHECK(*sum == bill.total);
  CHECK(Money::parse("0.10", "GBP")->add(*Money::parse("0.20", "GBP"))->to_string() == "0.30");
}

TEST_CASE("Xero invoices: an invoice that cannot be read is skipped and named; the rest of the page is kept (R17)") {
  auto page = xero::parse_invoices(
      R"({"Invoices":[{"Type":"ACCREC","InvoiceID":"i9","InvoiceNumber":"INV-9","Contact":{"ContactID":"c"},"Status":"PAID","CurrencyCode":"NZD","Total":1e3},
      {"Type":"ACCREC","InvoiceID":7,"InvoiceNumber":"INV-7","Contact":{"ContactID":"c"},"Status":"PAID","CurrencyCode":"NZD"},
      {"Type":"ACCREC","InvoiceID":["i8"],"InvoiceNumber":"INV-8","Contact":{"ContactID":"c"},"Status":"PAID","CurrencyCode":"NZD"}]})");
  REQUIRE(page);
  REQUIRE(page->invoices.size() == 1);  // a numeric InvoiceID reads as its text
  CHECK(page->invoices[0].remote_id == "7");
  REQUIRE(page->unreadable.size() == 2);
  CHECK(page->unreadable[0].position == 1);
  CHECK(page->unreadable[0].id == "i9");
  CHECK(page->unreadable[0].name == "INV-9");
  CHECK(page->unreadable[0].reason.find("invoice i9") != std::string::npos);
  CHECK(page->unreadable[0].reason.find("Total") != std::string::npos);
  CHECK(page->unreadable[1].position == 3);
  CHECK(page->unreadable[1].name == "INV-8");
  CHECK(page->unreadable[1].reason == "'InvoiceID' is not text");
}

TEST_CASE("Xero create body: person, and organisation with contact person") {
  ContactDetails person;
  person.kind = ContactKind::person;
  person.name = "Jo Bloggs";
  person.first_name = "Jo";
  person.last_name = "Bloggs";
  person.email = "jo@example.com";
  person.mobile = "+44 7700 900123";
  CHECK(xero::contact_create_body(person) ==
        R"({"Contacts":[{"Name":"Jo Bloggs","FirstName":"Jo","LastName":"Bloggs","EmailAddress":"jo@example.com",)"
        R"("Phones":[{"PhoneType":"MOBILE","PhoneNumber":"+44 7700 900123","PhoneAreaCode":"","PhoneCountryCode":""}]}]})");

  ContactDetails org;
  org.name = "Acme Ltd";
  org.contact_person = ContactPerson{"Ann", "Smith", "ann@acme.test"};
  org.phone = "020 7946 0000";
  org.website = "https://acme.test";  // read-only in Xero: never sent
  org.address = Address{std::nullopt, "Office", "1 High St\nFloor 2", "London", "", "N1 1AA", "United Kingdom"};
  CHECK(xero::contact_create_body(org) ==
        R"({"Contacts":[{"Name":"Acme Ltd","FirstName":"Ann","LastName":"Smith","EmailAddress":"ann@acme.test",)"
        R"("Phones":[{"PhoneType":"DEFAULT","PhoneNumber":"020 7946 0000","PhoneAreaCode":"","PhoneCountryCode":""}],)"
        R"("Addresses":[{"AddressType":"POBOX","AddressLine1":"1 High St","AddressLine2":"Floor 2","AddressLine3":"","AddressLine4":"",)"
        R"("City":"London","Region":"","PostalCode":"N1 1AA","Country":"United Kingdom"}]}]})");
}

TEST_CASE("Xero update body: only the changed fields, nothing when unchanged") {
  auto page = xero::parse_contacts(kContacts);
  REQUIRE(page);
  const Contact& kat = page->contacts[0];
  connector::ContactUpdate update{connector::details_of(kat), kat};
  CHECK(!xero::contact_update_body(kat.remote_id, update));  // round trip: no change

  update.desired.mobile = "021 555 0101";
  update.desired.email = "kat@clampett.com";
  CHECK(*xero::contact_update_body(kat.remote_id, update) ==
        R"({"Contacts":[{"ContactID":"5cc8cf28-567e-4d43-b287-687cfcaec47c","EmailAddress":"kat@clampett.com",)"
        R"("Phones":[{"PhoneType":"DEFAULT","PhoneNumber":"(626) 847-1294","PhoneAreaCode":"","PhoneCountryCode":""},)"
        R"({"PhoneType":"MOBILE","PhoneNumber":"021 555 0101","PhoneAreaCode":"","PhoneCountryCode":""},)"
        R"({"PhoneType":"FAX","PhoneNumber":"","PhoneAreaCode":"","PhoneCountryCode":""}]}]})");

  update.desired = connector::details_of(kat);
  update.desired.phone.clear();  // a phone change sends every managed type, so a replaced list loses none
  CHECK(*xero::contact_update_body(kat.remote_id, update) ==
        R"({"Contacts":[{"ContactID":"5cc8cf28-567e-4d43-b287-687cfcaec47c",)"
        R"("Phones":[{"PhoneType":"DEFAULT","PhoneNumber":"","PhoneAreaCode":"","PhoneCountryCode":""},)"
        R"({"PhoneType":"MOBILE","PhoneNumber":"","PhoneAreaCode":"","PhoneCountryCode":""},)"
        R"({"PhoneType":"FAX","PhoneNumber":"","PhoneAreaCode":"","PhoneCountryCode":""}]}]})");

  update.current.reset();  // unknown remote state: send everything
  auto all = xero::contact_update_body(kat.remote_id, update);
  REQUIRE(all);
  CHECK(all->find("\"Name\":\"Katherine Warren\"") != std::string::npos);
  CHECK(all->find("\"AddressType\":\"POBOX\"") != std::string::npos);
}

TEST_CASE("Xero errors: duplicate name is a conflict with Xero's message") {
  http::Response r;
  r.status = 400;
  r.body = R"({"ErrorNumber":10,"Type":"ValidationException","Message":"A validation exception occurred",
   "Elements":[{"ContactID":"00000000-0000-0000-0000-000000000000","Name":"Acme Ltd","HasValidationErrors":true,
   "ValidationErrors":[{"Message":"The contact name Acme Ltd is already assigned to another contact. The contact name must be unique across all active contacts."}]}]})";
  Error e = xero::map_error(r, "contact 'Acme Ltd'");
  CHECK(e.code() == Errc::conflict);
  CHECK(e.message().starts_with(
      "Xero refused contact 'Acme Ltd': The contact name Acme Ltd is already assigned to another contact"));

  r.body = R"({"ErrorNumber":10,"Type":"ValidationException","Message":"A validation exception occurred",
   "Elements":[{"ValidationErrors":[{"Message":"Email address must be valid."},{"Message":"Name is too long."}]}]})";
  e = xero::map_error(r, "contact 'X'");
  CHECK(e.code() == Errc::invalid_argument);
  CHECK(e.message() == "Xero refused contact 'X': Email address must be valid.; Name is too long.");

  r.status = 429;
  r.body = "";
  r.headers = {{"X-Rate-Limit-Problem", "minute"}, {"Retry-After", "17"}};
  e = xero::map_error(r, "the Contacts page 2");
  CHECK(e.code() == Errc::rate_limited);
  CHECK(e.message() == "Xero minute rate limit reached on the Contacts page 2; retry after 17 s");
  CHECK_FALSE(e.retry_at().has_value());  // a minute window is waited out, not parked

  r.headers = {{"X-Rate-Limit-Problem", "day"}, {"Retry-After", "3600"}};
  auto before = std::chrono::system_clock::now();
  e = xero::map_error(r, "the Invoices page 1");
  REQUIRE(e.retry_at().has_value());
  CHECK(e.retry_at()->daily_cap);
  CHECK(e.retry_at()->provider == "xero");
  auto expected = std::chrono::duration_cast<std::chrono::milliseconds>((before + std::chrono::hours(1)).time_since_epoch());
  CHECK(e.retry_at()->unix_ms >= expected.count());
  CHECK(e.retry_at()->unix_ms < expected.count() + 60'000);

  r = {};
  r.status = 503;
  r.body = "<html>down</html>";
  CHECK(xero::map_error(r, "x").code() == Errc::http);
  r.status = 403;
  CHECK(xero::map_error(r, "x").code() == Errc::unauthorized);
}

TEST_CASE("Xero tenancy and deep links") {
  auto conns = xero::parse_connections(
      R"j([{"id":"7cb59f93","tenantId":"fe79f7dd","tenantName":"Demo Company (NZ)","tenantType":"ORGANISATION","createdDateUtc":"2019-12-07T18:46:19.5165400"}])j");
  REQUIRE(conns);
  CHECK(xero::choose_tenant(*conns, std::nullopt)->id == "fe79f7dd");
  CHECK(xero::choose_tenant(*conns, std::string("fe79f7dd"))->name == "Demo Company (NZ)");
  auto wrong = xero::choose_tenant(*conns, std::string("nope"));
  REQUIRE(!wrong);
  CHECK(wrong.error().message().find("fe79f7dd (Demo Company (NZ))") != std::string::npos);
  conns->push_back({"t2", "Other", "ORGANISATION"});
  CHECK(xero::choose_tenant(*conns, std::nullopt).error().code() == Errc::invalid_argument);

  Invoice inv;
  inv.remote_id = "1cf1a11c";
  CHECK(xero::invoice_link("", inv) == "https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=1cf1a11c");
  CHECK(xero::invoice_link("!NLglS", inv) ==
        "https://go.xero.com/organisationlogin/default.aspx?shortcode=%21NLglS&redirecturl="
        "%2FAccountsReceivable%2FView.aspx%3FInvoiceID%3D1cf1a11c");
  inv.type = InvoiceType::purchase;
  CHECK(xero::invoice_link("", inv) == "https://go.xero.com/AccountsPayable/Edit.aspx?InvoiceID=1cf1a11c");
  CHECK(xero::new_invoice_link("", "c1") == "https://go.xero.com/AccountsReceivable/Edit.aspx?contactID=c1");
  CHECK(*xero::parse_short_code(R"({"Organisations":[{"Name":"Demo","ShortCode":"!NLglS"}]})") == "!NLglS");
}
