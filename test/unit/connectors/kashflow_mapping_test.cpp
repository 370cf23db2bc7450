// KashFlow REST JSON <-> model mapping: customers (contact person vs person, top-level and
// Contacts[0] fields, address lines, archived, dates with and without offset), suppliers (their
// own remote ids, the Address object), invoices and purchases (exact money, outstanding,
// statuses, Permalink, ids apart), write bodies (create with a code, whole-record update that
// keeps what Capsule did not change), the customer-then-supplier page plan, the login bodies and
// errors.

#include <catch2/catch.hpp>

#include "connectors/kashflow/customers.hpp"
#include "connectors/kashflow/dates.hpp"
#include "connectors/kashflow/errors.hpp"
#include "connectors/kashflow/invoices.hpp"
#include "connectors/kashflow/links.hpp"
#include "connectors/kashflow/list_phases.hpp"
#include "connectors/kashflow/lists.hpp"
#include "connectors/kashflow/session.hpp"
#include "connectors/kashflow/suppliers.hpp"
#include "core/connector/contact_details.hpp"
#include "core/connector/json.hpp"

using namespace capsync;

namespace {

// The REST customer example (CappyTech docs/CustomersRESTExample.json), with a contact person.
constexpr std::string_view kCustomer = R"js({"Id":10535,"Code":"PDRI91","Name":"Pedro Industries","DisplayName":"Pedro Industries",
  "Contacts":[{"Email":"test@testtrick.com","Fax":null,"Firstname":"Ann","LastName":"van Dyke","Mobile":"07700 900000",
    "Name":null,"Telephone":null,"Title":null,"Website":""}],
  "Addresses":[{"Line1":"1 Ashwood Close","Line2":"Branton","Line3":"Doncaster","Line4":"South Yorkshire","PostCode":"DN3 3UB",
    "CountryCode":"GB","CountryName":"United Kingdom"}],
  "DeliveryAddresses":[],"Email":"","TelephoneNumber":"01302 000000","MobileNumber":"","FaxNumber":"","Website":"https://pedro.example",
  "OutstandingBalance":0.0000,"TotalPaidAmount":0,"InvoiceCount":0,"IsArchived":false,
  "CreatedDate":"2013-02-05 12:00:00 +05:30","LastUpdatedDate":"2013-02-05 12:00:00 +05:30",
  "PaymentTerms":{"Days":50,"Type":"AfterMonthEnd"},"Currency":{"Code":"GBP","ExchangeRate":1.0000,"Name":"British Pounds","Symbol":"£"},
  "CreateCustomerCodeIfDuplicate":false,"CreateCustomerNameIfEmptyOrNull":false})js";

// The REST invoice example (CappyTech docs/InvoicesRESTExample.json) with a CustomerCode.
constexpr std::string_view kInvoice = R"js({"Id":196172,"Number":2,"CustomerId":0,"CustomerCode":"PDRI91","CustomerName":null,
  "IssuedDate":"2012-10-09 12:00:00 +05:30","DueDate":"2012-11-08 12:00:00 +05:30","NetAmount":100.0000,"VATAmount":17.5000,
  "GrossAmount":117.5000,"HomeCurrencyGrossAmount":117.5000,"TotalPaidAmount":17.4999,"OverdueDays":0,"PaidDate":null,
  "LastPaymentDate":"2012-10-09 12:00:00 +05:30","Status":"Unpaid","Currency":{"Code":"GBP","ExchangeRate":1.0000},
  "Permalink":"/v2/documents/invoice/3a22"})js";

// A supplier as the REST suppliers page lists its members: Contacts[], the Address object.
constexpr std::string_view kSupplier = R"js({"Id":77,"Code":"PDRI91","Name":"Pedro Parts","Contacts":[{"Firstname":"Pat",
  "LastName":"Parts","Telephone":"0113 000000","Email":"pat@parts.example"}],"Address":{"Line1":"1 Mill Lane","Line3":"Leeds",
  "PostCode":"LS1 1AA","CountryName":"United Kingdom"},"OutstandingBalance":40.5000,"IsArchived":false,
  "CreatedDate":"2026-03-01 10:00:00 +00:00","LastUpdatedDate":"2026-03-02 10:00:00 +00:00"})js";

model::Contact customer(std::string_view text) {
  auto c = kashflow::parse_customer_body(text);
  REQUIRE(c);
  return *c;
}

model::Invoice invoice(std::string_view text) {
  auto doc = connector::json::parse(text);
  REQUIRE(doc);
  auto inv = kashflow::parse_invoice(*doc, "https://api.kashflow.com");
  REQUIRE(inv);
  return *inv;
}

rapidjson::Document parsed(std::string_view text) {
  auto doc = connector::json::parse(text);
  REQUIRE(doc);
  return std::move(*doc);
}

std::string member(const rapidjson::Value& v, const char* key) {
  return v.HasMember(key) && v[key].IsString() ? v[key].GetString() : std::string("<absent>");
}

}  // namespace

TEST_CASE("KashFlow customer: code is the id, contact person, phones from both places, address lines") {
  auto c = customer(kCustomer);
  CHECK(c.remote_id == "PDRI91");
  CHECK(c.name == "Pedro Industries");
  CHECK(c.kind == model::ContactKind::organisation);
  CHECK(c.is_customer);
  CHECK_FALSE(c.is_supplier);
  REQUIRE(c.contact_person);
  CHECK(c.contact_person->first_name == "Ann");
  CHECK(c.contact_person->last_name == "van Dyke");
  REQUIRE(c.emails.size() == 1);
  CHECK(c.emails[0] == "test@testtrick.com");  // the top-level Email is empty: Contacts[0] fills it
  REQUIRE(c.phones.size() == 2);
  CHECK(c.phones[0].number == "01302 000000");
  CHECK(c.phones[1].kind == model::PhoneKind::mobile);
  CHECK(c.website == "https://pedro.example");
  REQUIRE(c.addresses.size() == 1);
  CHECK(c.addresses[0].street == "1 Ashwood Close\nBranton");
  CHECK(c.addresses[0].city == "Doncaster");
  CHECK(c.addresses[0].state == "South Yorkshire");
  CHECK(c.addresses[0].zip == "DN3 3UB");
  CHECK(c.addresses[0].country == "United Kingdom");
  CHECK(c.status == model::ContactStatus::active);
  REQUIRE(c.updated_at);
  CHECK(model::format_timestamp(*c.updated_at) == "2013-02-05T06:30:00.000Z");
}

TEST_CASE("KashFlow customer: a contact person with the customer's own name is a person - IsArchived archives") {
  auto c = customer(R"({"Code":"JANE01","Name":"Jane Doe","Contacts":[{"Firstname":"Jane","LastName":"Doe"}],"IsArchived":true})");
  CHECK(c.kind == model::ContactKind::person);
  CHECK(c.first_name == "Jane");
  CHECK(c.last_name == "Doe");
  CHECK_FALSE(c.contact_person);
  CHECK(c.status == model::ContactStatus::archived);
  CHECK_FALSE(kashflow::parse_customer_body(R"({"Name":"No code"})"));
}

TEST_CASE("KashFlow dates: offset applied - no offset is London wall time (BST in summer, GMT in winter)") {
  CHECK(model::format_timestamp(kashflow::parse_time("2026-07-01 12:00:00").value()) == "2026-07-01T11:00:00.000Z");
  CHECK(model::format_timestamp(kashflow::parse_time("2026-01-01 12:00:00").value()) == "2026-01-01T12:00:00.000Z");
  CHECK(model::format_timestamp(kashflow::parse_time("2026-01-01 12:00:00 -02:00").value()) ==
        "2026-01-01T14:00:00.000Z");
  CHECK(model::format_timestamp(kashflow::parse_time("2026-01-01T12:00:00Z").value()) == "2026-01-01T12:00:00.000Z");
  CHECK_FALSE(kashflow::parse_time("05/02/2013 12:00"));
  CHECK_FALSE(kashflow::parse_time("2026-01-01 25:00:00"));
  CHECK(model::format_date(kashflow::parse_day("2012-10-09 23:30:00 -05:00").value()) == "2012-10-09");
}

TEST_CASE("KashFlow dates: DST edges, leap second, ISO form and malformed offsets") {
  auto utc = [](const char* text) { return model::format_timestamp(kashflow::parse_time(text).value()); };
  CHECK(utc("2012-10-09 12:00:00 +05:30") == "2012-10-09T06:30:00.000Z");
  CHECK(utc("2026-10-25 01:30:00") == "2026-10-25T00:30:00.000Z");  // hour repeated in London: the earlier
  CHECK(utc("2026-03-29 01:30:00") == "2026-03-29T01:00:00.000Z");  // hour skipped in London: when it ends
  CHECK(utc("2026-01-01 12:00:60") == "2026-01-01T12:01:00.000Z");
  CHECK(utc("2026-07-01T12:00:00") == "2026-07-01T12:00:00.000Z");  // ISO without offset: UTC, not London
  CHECK(utc("2026-07-01T12:00:00.250+01:00") == "2026-07-01T11:00:00.250Z");
  for (const char* bad : {"2026-01-01 12:00:00 +05:30x", "2026-01-01 12:00:00 05:30",
                          "2026-01-01 12:60:00", "2026-01-01 12:00:61", "2026-02-30 12:00:00", "2026-01-01 12:00",
                          "2026-01-01 12:00:00 ", ""}) {
    INFO(bad);
    CHECK_FALSE(kashflow::parse_time(bad));
    CHECK(kashflow::parse_time(bad).error().code() == Errc::protocol);
  }
  CHECK(model::format_date(kashflow::parse_day("2026-07-01T23:30:00-05:00").value()) == "2026-07-01");
  CHECK_FALSE(kashflow::parse_day("01/07/2026"));
}

TEST_CASE("KashFlow invoice: exact money, outstanding = gross - paid, Permalink made absolute") {
  auto inv = invoice(kInvoice);
  CHECK(inv.remote_id == "2");
  CHECK(inv.number == "2");
  CHECK(inv.contact_remote_id == "PDRI91");
  CHECK(inv.type == model::InvoiceType::sales);
  CHECK(inv.status == model::InvoiceStatus::authorised);
  CHECK(inv.currency == "GBP");
  CHECK(inv.total.to_string() == "117.50");
  CHECK(inv.amount_paid.to_string() == "17.4999");
  CHECK(inv.amount_due.to_string() == "100.0001");
  CHECK(model::format_date(*inv.issue_date) == "2012-10-09");
  CHECK(model::format_date(*inv.due_date) == "2012-11-08");
  CHECK(inv.url == "https://api.kashflow.com/v2/documents/invoice/3a22");
  CHECK_FALSE(inv.updated_at);
}

TEST_CASE("KashFlow invoice statuses: Paid, fully paid without a known status, Draft, Void") {
  auto with = [](std::string_view status, std::string_view paid) {
    return invoice(fmt::format(R"({{"Number":5,"CustomerCode":"A1","GrossAmount":10.00,"TotalPaidAmount":{},"Status":"{}"}})",
                               paid, status));
  };
  CHECK(with("Paid", "10.00").status == model::InvoiceStatus::paid);
  CHECK(with("Something new", "10").status == model::InvoiceStatus::paid);
  CHECK(with("Overdue", "2.5").status == model::InvoiceStatus::authorised);
  CHECK(with("Draft", "0").status == model::InvoiceStatus::draft);
  CHECK(with("Void", "0").status == model::InvoiceStatus::voided);
  auto doc = parsed(R"({"Number":5,"GrossAmount":1.5e2,"CustomerCode":"A1"})");
  CHECK_FALSE(kashflow::parse_invoice(doc, ""));  // never through a double
  auto no_customer = parsed(R"({"Number":5,"GrossAmount":1})");
  CHECK_FALSE(kashflow::parse_invoice(no_customer, ""));
}

TEST_CASE("KashFlow list envelope: NextPageUrl decides whether another page follows") {
  auto more = kashflow::parse_list(R"({"Data":[{"Code":"A"}],"MetaData":{"NextPageUrl":"https://api.kashflow.com/v2/customers?page=2","TotalRecords":3}})");
  REQUIRE(more);
  CHECK(more->has_next);
  CHECK(more->total == 3);
  auto last = kashflow::parse_list(R"({"Data":[],"MetaData":{"NextPageUrl":null,"TotalRecords":3}})");
  REQUIRE(last);
  CHECK_FALSE(last->has_next);
  CHECK_FALSE(kashflow::parse_list(R"({"Items":[]})"));
}

TEST_CASE("R12 KashFlow create body: name, code, contact person, email/phones/website at both levels, address") {
  model::ContactDetails d;
  d.name = "Acme Ltd";
  d.contact_person = model::ContactPerson{"Ann", "Acme", ""};
  d.email = "ann@acme.example";
  d.phone = "020 1";
  d.mobile = "07700 2";
  d.fax = "020 3";
  d.website = "https://acme.example";
  d.address = model::Address{std::nullopt, "", "1 High St\nFloor 2\nUnit 5", "London", "Greater London", "SE1", "United Kingdom"};
  auto body = parsed(kashflow::customer_create_body(d, "ACMELT01"));
  CHECK(member(body, "Code") == "ACMELT01");
  CHECK(member(body, "Name") == "Acme Ltd");
  CHECK(body["CreateCustomerCodeIfDuplicate"].GetBool());
  CHECK(member(body, "Email") == "ann@acme.example");
  CHECK(member(body, "TelephoneNumber") == "020 1");
  CHECK(member(body, "MobileNumber") == "07700 2");
  CHECK(member(body, "FaxNumber") == "020 3");
  CHECK(member(body, "Website") == "https://acme.example");
  const auto& person = body["Contacts"][0];
  CHECK(member(person, "Firstname") == "Ann");
  CHECK(member(person, "LastName") == "Acme");
  CHECK(member(person, "Email") == "ann@acme.example");
  CHECK(member(person, "Telephone") == "020 1");
  CHECK(member(person, "Mobile") == "07700 2");
  CHECK(member(person, "Fax") == "020 3");
  CHECK(member(person, "Website") == "https://acme.example");
  const auto& a = body["Addresses"][0];
  CHECK(member(a, "Line1") == "1 High St");
  CHECK(member(a, "Line2") == "Floor 2, Unit 5");
  CHECK(member(a, "Line3") == "London");
  CHECK(member(a, "Line4") == "Greater London");
  CHECK(member(a, "PostCode") == "SE1");
  CHECK(member(a, "CountryName") == "United Kingdom");
  // What is read back is what was written.
  auto back = customer(kashflow::customer_create_body(d, "ACMELT01"));
  auto details = connector::details_of(back);
  CHECK(details.name == d.name);
  CHECK(details.email == d.email);
  CHECK(details.address->street == "1 High St\nFloor 2, Unit 5");

  CHECK(kashflow::customer_code("Acme Ltd", 1) == "ACMELT01");
  CHECK(kashflow::customer_code("Zoë & Co", 12) == "ZOCO12");
  CHECK(kashflow::customer_code("  ", 3) == "CUST03");
}

TEST_CASE("R10 KashFlow update: the whole customer goes back with only what Capsule changed") {
  auto current = customer(kCustomer);
  model::ContactDetails previous = connector::details_of(current);
  previous.phone = "01302 999999";  // Capsule last pushed another number; KashFlow's own edit since stays
  model::ContactDetails desired = previous;
  desired.email = "new@pedro.example";
  desired.name = "Pedro Industries";
  auto body = kashflow::customer_update_body(kCustomer, connector::ContactUpdate(desired, current, previous));
  REQUIRE(body);
  REQUIRE(*body);
  auto doc = parsed(**body);
  CHECK(member(doc, "Email") == "new@pedro.example");
  CHECK(member(doc["Contacts"][0], "Email") == "new@pedro.example");
  CHECK(member(doc, "TelephoneNumber") == "01302 000000");  // not changed by Capsule since the last push
  CHECK(member(doc, "Website") == "https://pedro.example");
  // The whole customer, read-only members too, numbers still numbers with their digits.
  CHECK((**body).find("\"Id\":10535,") != std::string::npos);
  CHECK((**body).find("\"OutstandingBalance\":0.0000,") != std::string::npos);
  CHECK((**body).find("\"Days\":50,") != std::string::npos);
  CHECK(member(doc["Addresses"][0], "CountryCode") == "GB");  // the address did not change

  auto same = kashflow::customer_update_body(
      kCustomer, connector::ContactUpdate(connector::details_of(current), current, std::nullopt));
  REQUIRE(same);
  CHECK_FALSE(*same);  // nothing differs: no PUT

  desired = connector::details_of(current);
  desired.address->country = "Ireland";
  auto moved = kashflow::customer_update_body(kCustomer, connector::ContactUpdate(desired, current, std::nullopt));
  REQUIRE(moved);
  REQUIRE(*moved);
  auto m = parsed(**moved);
  CHECK(member(m["Addresses"][0], "CountryName") == "Ireland");
  CHECK(member(m["Addresses"][0], "CountryCode") == "<absent>");
}

TEST_CASE("KashFlow update: a repeated key in the customer body is replaced, never taken for the array") {
  // A body whose "Contacts" is a string twice: the first was removed and the second, still a
  // string, was used as the contacts array, writing over memory.
  const std::string body = R"({"Code":"S","Email":"t","Contacts":"","Contacts":""})";
  model::ContactDetails desired;
  desired.name = "S Ltd";
  desired.email = "new@s.example";
  auto update = kashflow::customer_update_body(body, connector::ContactUpdate(desired, std::nullopt));
  REQUIRE(update);
  REQUIRE(*update);
  auto doc = parsed(**update);
  REQUIRE(doc["Contacts"].IsArray());
  CHECK(member(doc["Contacts"][0], "Email") == "new@s.example");
}

TEST_CASE("KashFlow login bodies: the asked letters of the memorable word, 1-based - too short a word stops") {
  auto challenge = kashflow::parse_challenge(
      R"({"HasTemporaryPassword":false,"MemorableWordList":[{"Position":3,"Value":""},{"Position":4,"Value":""},{"Position":6,"Value":""}],"TemporaryToken":"c3ce"})");
  REQUIRE(challenge);
  CHECK(challenge->positions == std::vector<int>{3, 4, 6});
  auto body = kashflow::letters_body(*challenge, Secret("pineapple"));
  REQUIRE(body);
  auto doc = parsed(*body);
  CHECK(member(doc, "TemporaryToken") == "c3ce");
  CHECK(member(doc["MemorableWordList"][0], "Value") == "n");
  CHECK(member(doc["MemorableWordList"][1], "Value") == "e");
  CHECK(member(doc["MemorableWordList"][2], "Value") == "p");
  auto short_word = kashflow::letters_body(*challenge, Secret("pin"));
  REQUIRE_FALSE(short_word);
  CHECK(short_word.error().code() == Errc::unauthorized);
  CHECK(short_word.error().message().find("pin") == std::string::npos);
  CHECK_FALSE(kashflow::parse_challenge(R"({"MemorableWordList":[]})"));
  auto login = parsed(kashflow::login_body("admin", Secret("s3cret")));
  CHECK(member(login, "UserName") == "admin");
  CHECK(member(login, "Password") == "s3cret");
  CHECK(kashflow::parse_session_token(R"({"SessionToken":"abc"})").value().reveal() == "abc");
}

TEST_CASE("KashFlow errors: refused logins say which credential and that capsync stopped - API errors readable") {
  http::Response locked{401, {}, R"({"Error":"AccountLocked","Message":"User account is locked, please contact administrator."})"};
  CHECK(kashflow::credentials_refused(locked));
  auto e = kashflow::login_error(locked, kashflow::LoginStep::password);
  CHECK(e.code() == Errc::unauthorized);
  CHECK(e.message().find("locked") != std::string::npos);
  CHECK(e.message().find("stopped") != std::string::npos);
  http::Response wrong{401, {}, R"({"Error":"InvalidCredentials","Message":"x"})"};
  CHECK(kashflow::login_error(wrong, kashflow::LoginStep::password).message().find("password") != std::string::npos);
  CHECK(kashflow::login_error(wrong, kashflow::LoginStep::memorable_word).message().find("memorable word") !=
        std::string::npos);
  http::Response busy{503, {}, ""};
  CHECK_FALSE(kashflow::credentials_refused(busy));
  CHECK(kashflow::login_error(busy, kashflow::LoginStep::password).code() == Errc::http);
  http::Response expired_temp{401, {}, R"({"Error":"InvalidTemporaryToken","Message":"x"})"};
  CHECK_FALSE(kashflow::credentials_refused(expired_temp));

  http::Response dup{400, {}, R"({"Error":"DuplicateCustomerCode","Message":"Customer code already exists."})"};
  auto d = kashflow::map_error(dup, "customer 'Acme'");
  CHECK(d.code() == Errc::invalid_argument);
  CHECK(d.message() == "KashFlow refused customer 'Acme': Customer code already exists. [DuplicateCustomerCode]");
  http::Response limited{429, {{"Retry-After", "7"}}, "{}"};
  CHECK(kashflow::map_error(limited, "x").code() == Errc::rate_limited);
  CHECK(kashflow::map_error(limited, "x").message().find("7 s") != std::string::npos);
  CHECK(kashflow::map_error(http::Response{404, {}, ""}, "customer X").code() == Errc::not_found);
}

TEST_CASE("KashFlow links: the Permalink when known, else the unconfirmed web app paths") {
  model::Invoice inv;
  inv.remote_id = "12";
  CHECK(kashflow::invoice_link("https://app.kashflow.com", inv) == "https://app.kashflow.com/invoices/12");
  inv.url = "https://api.kashflow.com/v2/documents/invoice/3a22";
  CHECK(kashflow::invoice_link("https://app.kashflow.com", inv) == inv.url);
  CHECK(kashflow::new_invoice_link("https://app.kashflow.com", "A&B 1") ==
        "https://app.kashflow.com/invoices/new?customerCode=A%26B%201");
}

TEST_CASE("KashFlow supplier: its own remote id apart from a customer's code, supplier flag, Address object") {
  auto s = kashflow::parse_supplier_body(kSupplier);
  REQUIRE(s);
  CHECK(s->remote_id == "supplier:PDRI91");  // the customer PDRI91 (kCustomer) is another contact
  CHECK(s->remote_id != customer(kCustomer).remote_id);
  CHECK_FALSE(s->is_customer);
  CHECK(s->is_supplier);
  CHECK(s->name == "Pedro Parts");
  REQUIRE(s->contact_person);
  CHECK(s->contact_person->first_name == "Pat");
  REQUIRE(s->emails.size() == 1);
  CHECK(s->emails[0] == "pat@parts.example");
  REQUIRE(s->phones.size() == 1);
  CHECK(s->phones[0].number == "0113 000000");
  REQUIRE(s->addresses.size() == 1);
  CHECK(s->addresses[0].street == "1 Mill Lane");
  CHECK(s->addresses[0].city == "Leeds");
  CHECK(s->addresses[0].zip == "LS1 1AA");
  CHECK(model::format_timestamp(*s->updated_at) == "2026-03-02T10:00:00.000Z");
  CHECK(kashflow::supplier_code("supplier:PDRI91") == "PDRI91");
  CHECK_FALSE(kashflow::supplier_code("PDRI91"));
  CHECK_FALSE(kashflow::parse_supplier_body(R"({"Name":"No Code"})"));
}

TEST_CASE("R10 KashFlow supplier update: the whole supplier, the address into its Address object") {
  auto current = kashflow::parse_supplier_body(kSupplier);
  REQUIRE(current);
  auto desired = connector::details_of(*current);
  desired.address->street = "2 Mill Lane";
  desired.website = "https://parts.example";
  auto body = kashflow::customer_update_body(kSupplier, connector::ContactUpdate(desired, *current, std::nullopt));
  REQUIRE(body);
  REQUIRE(*body);
  auto doc = parsed(**body);
  CHECK(member(doc["Address"], "Line1") == "2 Mill Lane");
  CHECK(member(doc["Address"], "Line3") == "Leeds");
  CHECK_FALSE(doc.HasMember("Addresses"));
  CHECK(member(doc, "Website") == "https://parts.example");
  CHECK(member(doc, "Code") == "PDRI91");  // the body carries KashFlow's code, not capsync's id
  CHECK(member(doc["Contacts"][0], "Telephone") == "0113 000000");  // unchanged
  CHECK((**body).find("\"OutstandingBalance\":40.5000,") != std::string::npos);
}

TEST_CASE("KashFlow purchase: a bill of the supplier, an id apart from the sales invoice of the same number") {
  auto doc = parsed(R"({"Id":9,"Number":2,"SupplierId":77,"SupplierCode":"PDRI91","SupplierName":"Pedro Parts",
    "IssuedDate":"2026-03-01 00:00:00 +00:00","DueDate":"2026-03-31 00:00:00 +01:00","NetAmount":40.0000,"VATAmount":0.5000,
    "GrossAmount":40.5000,"TotalPaidAmount":0.0000,"Status":"Overdue","Currency":{"Code":"EUR"},
    "Permalink":"/v2/documents/purchaseorder/5b1c"})");
  auto p = kashflow::parse_purchase(doc, "https://api.kashflow.com");
  REQUIRE(p);
  CHECK(p->type == model::InvoiceType::purchase);
  CHECK(p->remote_id == "purchase:2");
  CHECK(p->remote_id != invoice(kInvoice).remote_id);  // sales invoice 2
  CHECK(p->number == "2");
  CHECK(p->contact_remote_id == "supplier:PDRI91");
  CHECK(p->currency == "EUR");
  CHECK(p->total.to_string() == "40.50");
  CHECK(p->amount_due.to_string() == "40.50");
  CHECK(p->status == model::InvoiceStatus::authorised);
  CHECK(model::format_date(*p->due_date) == "2026-03-31");
  CHECK(p->url == "https://api.kashflow.com/v2/documents/purchaseorder/5b1c");
  auto no_supplier = parsed(R"({"Number":3,"CustomerCode":"PDRI91","GrossAmount":1})");
  CHECK_FALSE(kashflow::parse_purchase(no_supplier, ""));
  auto paid = parsed(R"({"Number":4,"SupplierCode":"A1","GrossAmount":10,"TotalPaidAmount":10,"Status":"Paid"})");
  CHECK(kashflow::parse_purchase(paid, "")->status == model::InvoiceStatus::paid);
}

TEST_CASE("KashFlow page plan: customer pages, then supplier pages from 1, placed again by TotalRecords") {
  kashflow::ListPhases phases;
  auto at = phases.locate(1);
  CHECK_FALSE(at.second);
  CHECK(at.page == 1);
  CHECK_FALSE(phases.locate(3).second);  // the first list's length is not known yet
  phases.first_ended(3);
  at = phases.locate(4);
  CHECK(at.second);
  CHECK(at.page == 1);
  CHECK(phases.locate(6).page == 3);
  CHECK_FALSE(phases.locate(1).second);  // a new pass forgets the last one's count
  CHECK_FALSE(phases.first_known());

  kashflow::ListPhases fresh;  // asked for page 4 of a pass it did not read: 230 customers at 100
  fresh.learn_total(230, 100);
  at = fresh.locate(4);
  CHECK(at.second);
  CHECK(at.page == 1);
  kashflow::ListPhases none;  // no customers at all: page 1 was theirs, empty
  none.learn_total(0, 100);
  CHECK(none.locate(2).second);
  CHECK(none.locate(2).page == 1);
}

TEST_CASE("KashFlow supplier links: purchases on the web app's unconfirmed paths") {
  model::Invoice p;
  p.type = model::InvoiceType::purchase;
  p.remote_id = "purchase:12";
  p.number = "12";
  CHECK(kashflow::invoice_link("https://app.kashflow.com", p) == "https://app.kashflow.com/purchases/12");
  CHECK(kashflow::new_invoice_link("https://app.kashflow.com", "supplier:SUP01") ==
        "https://app.kashflow.com/purchases/new?supplierCode=SUP01");
}

TEST_CASE("KashFlow customers and suppliers: one that cannot be read is skipped and named; the rest of the page is kept (R17)") {
  auto customers = parsed(std::string(R"([{"Name":"No code"},{"Code":{"c":1},"Name":"Odd"},{"Code":"BAD01","Name":"Bad )") +
                          "\xC0\xAF" + R"("},{"Code":"ACME01","Name":"Acme Ltd"}])");
  auto page = kashflow::parse_customers(customers);
  REQUIRE(page.items.size() == 1);
  CHECK(page.items[0].remote_id == "ACME01");
  REQUIRE(page.unreadable.size() == 3);
  CHECK(page.unreadable[0].position == 1);
  CHECK(page.unreadable[0].name == "No code");
  CHECK(page.unreadable[0].reason == "a customer has no Code");
  CHECK(page.unreadable[1].name == "Odd");
  CHECK(page.unreadable[2].id == "BAD01");
  CHECK(page.unreadable[2].reason == "'Name' is not valid UTF-8");  // an overlong "/" is not UTF-8

  auto suppliers = parsed(R"([{"Name":"No code"},{"Code":"SUP01","Name":"Supply Co"}])");
  auto supplier_page = kashflow::parse_suppliers(suppliers);
  REQUIRE(supplier_page.items.size() == 1);
  REQUIRE(supplier_page.unreadable.size() == 1);
  CHECK(supplier_page.unreadable[0].reason == "a supplier has no Code");
  auto more = parsed(std::string(R"([{"Code":"SUP02","Name":"Bad )") + "\xFF" + R"("}])");
  auto bad_supplier = kashflow::parse_suppliers(more);
  REQUIRE(bad_supplier.unreadable.size() == 1);
  CHECK(bad_supplier.unreadable[0].id == kashflow::supplier_remote_id("SUP02"));  // the id capsync links by
}

TEST_CASE("KashFlow invoices and purchases: one that cannot be read is skipped and named; the rest of the page is kept (R17)") {
  auto items = parsed(R"([{"Number":5,"GrossAmount":1.5e2,"CustomerCode":"A1"},{"Number":6,"GrossAmount":10.00,"CustomerCode":"A1"}])");
  auto page = kashflow::parse_invoices(items, "", false);
  REQUIRE(page.items.size() == 1);
  CHECK(page.items[0].remote_id == "6");
  REQUIRE(page.unreadable.size() == 1);
  CHECK(page.unreadable[0].position == 1);
  CHECK(page.unreadable[0].id == "5");

  auto bills = parsed(R"([{"Number":7,"GrossAmount":1}])");
  auto purchases = kashflow::parse_invoices(bills, "", true);
  REQUIRE(purchases.unreadable.size() == 1);
  CHECK(purchases.unreadable[0].id == kashflow::purchase_remote_id("7"));
}
