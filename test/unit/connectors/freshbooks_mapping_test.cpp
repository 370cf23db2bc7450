// FreshBooks JSON mapping, against the official SDKs' fixtures (freshbooks-python-sdk
// tests/fixtures get_client_response.json, list_clients_response.json, auth_me_response.json;
// freshbooks-php-sdk InvoiceTest) and the documented error shapes.
#include <catch2/catch.hpp>

#include "connectors/freshbooks/business.hpp"
#include "connectors/freshbooks/clients.hpp"
#include "connectors/freshbooks/eastern_time.hpp"
#include "connectors/freshbooks/errors.hpp"
#include "connectors/freshbooks/invoices.hpp"
#include "core/connector/contact_details.hpp"

using namespace capsync;
using namespace capsync::model;
using namespace capsync::freshbooks;

namespace {

// The SDK's client (abridged), a person whose organization FreshBooks filled from the name,
// an archived and a deleted client; "updated" in winter (EST) and summer (EDT).
constexpr std::string_view kClients = R"({"response":{"result":{"clients":[
 {"id":12345,"userid":12345,"fname":"Gordon","lname":"Shumway","organization":"American Cyanamid",
  "email":"gordon.shumway@AmericanCyanamid.com","bus_phone":"416-555-0100","mob_phone":"","home_phone":null,"fax":"",
  "p_street":"123 Huron St","p_street2":"Unit 4","p_city":"Torono","p_province":"ON","p_code":"M5T 2B3",
  "p_country":"Canada","currency_code":"CAD","vis_state":0,"updated":"2020-11-01 13:11:10","role":"client"},
 {"id":12346,"fname":"Ann","lname":"Lee","organization":"Ann Lee","email":"","mob_phone":"555-0101","vis_state":2,
  "updated":"2021-04-16 10:31:58"},
 {"id":12347,"fname":"","lname":"","organization":"Gone Co","vis_state":1,"updated":"2021-04-16 10:31:58"},
 {"id":12348,"fname":"Bo","lname":"Ek","organization":"","vis_state":0,"updated":"2021-04-16 10:31:58"}],
 "page":1,"pages":3,"per_page":4,"total":9}}})";

constexpr std::string_view kInvoices = R"({"response":{"result":{"invoices":[
 {"id":987654,"invoiceid":987654,"accountid":"ACM123","invoice_number":"ACM0002","customerid":12345,
  "create_date":"2021-04-16","due_date":"2021-05-16","currency_code":"CAD","amount":{"amount":"41.94","code":"CAD"},
  "outstanding":{"amount":"21.94","code":"CAD"},"paid":{"amount":"20.00","code":"CAD"},"status":8,"v3_status":"partial",
  "vis_state":0,"updated":"2021-04-16 10:31:58"},
 {"id":2,"customerid":12346,"invoice_number":"ACM0003","currency_code":"usd","amount":{"amount":"1234.5678","code":"USD"},
  "outstanding":{"amount":"1234.5678","code":"USD"},"paid":{"amount":"0.00","code":"USD"},"v3_status":"draft",
  "vis_state":0,"create_date":"2021-04-17","due_date":"","updated":"2021-04-17 09:00:00"},
 {"id":3,"customerid":12346,"currency_code":"USD","amount":{"amount":"10.00","code":"USD"},
  "outstanding":{"amount":"0.00","code":"USD"},"paid":{"amount":"10.00","code":"USD"},"v3_status":"paid","vis_state":0},
 {"id":4,"customerid":12346,"currency_code":"USD","amount":{"amount":"10.00","code":"USD"},
  "outstanding":{"amount":"10.00","code":"USD"},"paid":{"amount":"0.00","code":"USD"},"v3_status":"sent","vis_state":1}],
 "page":1,"pages":1,"per_page":100,"total":4}}})";

Timestamp at(std::string_view iso) { return *parse_timestamp(iso); }

http::Response response(int status, std::string body, http::Headers headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

}  // namespace

TEST_CASE("FreshBooks updated times are US/Eastern wall times, DST included") {
  CHECK(*parse_eastern_time("2021-04-16 10:31:58") == at("2021-04-16T14:31:58Z"));  // EDT, the SDK's own check
  CHECK(*parse_eastern_time("2020-11-01 13:11:10") == at("2020-11-01T18:11:10Z"));  // EST from that morning
  CHECK(*parse_eastern_time("2020-11-01 01:30:00") == at("2020-11-01T05:30:00Z"));  // repeated hour: the earlier
  CHECK_FALSE(parse_eastern_time("2021-04-16T10:31:58Z"));
  CHECK_FALSE(parse_eastern_time("2021-02-30 10:00:00"));
  CHECK(eastern_date(at("2026-07-01T03:30:00Z")) == parse_date("2026-06-30").value());
  CHECK(eastern_date(at("2026-07-01T04:30:00Z")) == parse_date("2026-07-01").value());
}

TEST_CASE("FreshBooks date-times: DST edges and the exact shape") {
  CHECK(*parse_eastern_time("2021-03-14 02:30:00") == at("2021-03-14T07:00:00Z"));  // skipped hour: when it ends
  CHECK(*parse_eastern_time("2021-01-01 00:00:00") == at("2021-01-01T05:00:00Z"));
  CHECK(*parse_eastern_time("2020-02-29 23:59:59") == at("2020-03-01T04:59:59Z"));
  for (const char* bad : {"2021-04-16 10:31", "2021-04-16 24:00:00", "2021-04-16 10:60:00", "2021-4-16 10:31:58",
                          " 2021-04-16 10:31:58", "2021-04-16  10:31:58", "2021-04-16 -1:31:58", ""}) {
    INFO(bad);
    CHECK_FALSE(parse_eastern_time(bad));
  }
  CHECK(parse_eastern_time("2021-04-16 10:31").error().code() == Errc::protocol);
}

TEST_CASE("FreshBooks clients: person vs organisation, phones, address, vis_state, paging") {
  auto page = parse_client_list(kClients);
  REQUIRE(page);
  CHECK(page->paging.page == 1);
  CHECK(page->paging.pages == 3);
  CHECK(page->paging.total == 9);
  REQUIRE(page->items.size() == 4);

  const auto& org = page->items[0];
  CHECK(org.remote_id == "12345");
  CHECK(org.kind == ContactKind::organisation);
  CHECK(org.name == "American Cyanamid");
  REQUIRE(org.contact_person);
  CHECK(org.contact_person->first_name == "Gordon");
  CHECK(org.contact_person->email == "gordon.shumway@AmericanCyanamid.com");
  CHECK(org.emails == std::vector<std::string>{"gordon.shumway@AmericanCyanamid.com"});
  REQUIRE(org.phones.size() == 1);
  CHECK(org.phones[0].kind == PhoneKind::main);
  REQUIRE(org.addresses.size() == 1);
  CHECK(org.addresses[0].street == "123 Huron St\nUnit 4");
  CHECK(org.addresses[0].state == "ON");
  CHECK(org.addresses[0].zip == "M5T 2B3");
  CHECK(org.is_customer);
  CHECK_FALSE(org.is_supplier);
  CHECK(org.status == ContactStatus::active);
  CHECK(org.updated_at == at("2020-11-01T18:11:10Z"));

  const auto& filled = page->items[1];  // organization only repeats the person's name
  CHECK(filled.kind == ContactKind::person);
  CHECK(filled.display_name() == "Ann Lee");
  CHECK(filled.status == ContactStatus::archived);
  REQUIRE(filled.phones.size() == 1);
  CHECK(filled.phones[0].kind == PhoneKind::mobile);
  CHECK(page->items[2].status == ContactStatus::deleted);
  CHECK(page->items[2].name == "Gone Co");
  CHECK_FALSE(page->items[2].contact_person);
  CHECK(page->items[3].kind == ContactKind::person);
  CHECK(page->items[3].display_name() == "Bo Ek");

  auto single = parse_single_client(R"({"response":{"result":{"client":{"id":5,"organization":"X","updated":"2021-01-01 00:00:00"}}}})");
  REQUIRE(single);
  CHECK(single->remote_id == "5");
  CHECK_FALSE(parse_single_client(R"({"client":{"id":5}})"));
}

TEST_CASE("FreshBooks clients: a client that cannot be read is skipped and named; the rest of the page is kept (R17)") {
  const std::string body = std::string(R"({"response":{"result":{"clients":[{"organization":"no id"},)") +
                           R"({"id":1,"organization":"Late","updated":"yesterday"},)" +
                           R"({"id":{"n":2},"fname":"Ann","lname":"Lee"},)" +
                           R"({"id":3,"organization":"Caf)" + "\xE9" + R"("},)" +
                           R"({"id":4,"organization":"Initech"}],"page":1,"pages":1}}})";
  auto page = parse_client_list(body);
  REQUIRE(page);
  REQUIRE(page->items.size() == 1);
  CHECK(page->items[0].remote_id == "4");
  REQUIRE(page->unreadable.size() == 4);
  CHECK(page->unreadable[0].position == 1);
  CHECK(page->unreadable[0].name == "no id");
  CHECK(page->unreadable[0].reason == "a client has no \"id\"");
  CHECK(page->unreadable[1].id == "1");
  CHECK(page->unreadable[1].reason.find("client 1") != std::string::npos);
  CHECK(page->unreadable[2].name == "Ann Lee");
  CHECK(page->unreadable[2].reason == "'id' is not a whole number");
  CHECK(page->unreadable[3].position == 4);
  CHECK(page->unreadable[3].id == "3");
  CHECK(page->unreadable[3].reason == "'organization' is not valid UTF-8");
}

TEST_CASE("FreshBooks client bodies: the R12 fields on create, only changes on update, no website") {
  ContactDetails spec;
  spec.name = "Acme Ltd";
  spec.contact_person = ContactPerson{"Jane", "Smith", ""};
  spec.email = "jane@acme.example";
  spec.phone = "020 7946 0000";
  spec.mobile = "07700 900000";
  spec.fax = "020 7946 0001";
  spec.website = "https://acme.example";
  spec.address = Address{std::nullopt, "", "1 High Street\nBorough\nSouthwark", "London", "", "SE1 6HA", "United Kingdom"};
  CHECK(client_create_body(spec) ==
        R"({"client":{"organization":"Acme Ltd","fname":"Jane","lname":"Smith","email":"jane@acme.example",)"
        R"("bus_phone":"020 7946 0000","mob_phone":"07700 900000","fax":"020 7946 0001","p_street":"1 High Street",)"
        R"("p_street2":"Borough, Southwark","p_city":"London","p_code":"SE1 6HA","p_country":"United Kingdom"}})");

  ContactDetails person;
  person.kind = ContactKind::person;
  person.name = "Ann Lee";
  CHECK(client_create_body(person) == R"({"client":{"organization":"Ann Lee","fname":"Ann","lname":"Lee"}})");

  auto current = parse_single_client(
      R"({"response":{"result":{"client":{"id":7,"organization":"Acme Ltd","fname":"Jane","lname":"Smith",)"
      R"("email":"jane@acme.example","bus_phone":"020 7946 0000","mob_phone":"07700 900000","fax":"020 7946 0001",)"
      R"("p_street":"1 High Street","p_street2":"Borough, Southwark","p_city":"London","p_code":"SE1 6HA",)"
      R"("p_country":"United Kingdom","vis_state":0}}}})");
  REQUIRE(current);
  CHECK_FALSE(client_update_body(connector::ContactUpdate{spec, *current}));  // the same, website aside

  ContactDetails changed = spec;
  changed.mobile = "";
  changed.address->city = "Leeds";
  auto body = client_update_body(connector::ContactUpdate{changed, *current});
  REQUIRE(body);
  CHECK(*body == R"({"client":{"mob_phone":"","p_city":"Leeds"}})");

  ContactDetails no_address = changed;
  no_address.address.reset();
  CHECK(*client_update_body(connector::ContactUpdate{no_address, *current}) == R"({"client":{"mob_phone":""}})");

  // Capsule did not change the email since the last push: FreshBooks' own edit stays.
  ContactDetails previous = spec;
  ContactDetails desired = spec;
  auto edited = *current;
  edited.emails = {"accounts@acme.example"};
  CHECK_FALSE(client_update_body(connector::ContactUpdate{desired, edited, previous}));
  CHECK(client_update_body(connector::ContactUpdate{desired, std::nullopt})->find("\"p_province\":\"\"") != std::string::npos);

  // A renamed person: the organization FreshBooks filled from the old name follows.
  auto ann = parse_single_client(R"({"response":{"result":{"client":{"id":8,"organization":"Ann Lee","fname":"Ann","lname":"Lee"}}}})");
  REQUIRE(ann);
  ContactDetails renamed;
  renamed.kind = ContactKind::person;
  renamed.name = "Ann Lee-Smith";
  renamed.first_name = "Ann";
  renamed.last_name = "Lee-Smith";
  CHECK(*client_update_body(connector::ContactUpdate{renamed, *ann}) ==
        R"({"client":{"organization":"Ann Lee-Smith","lname":"Lee-Smith"}})");
  CHECK(connector::details_of(*ann).kind == ContactKind::person);
}

TEST_CASE("FreshBooks invoices: exact money, v3_status and vis_state, dates, customer link") {
  auto page = parse_invoice_list(kInvoices);
  REQUIRE(page);
  REQUIRE(page->items.size() == 4);
  const auto& inv = page->items[0];
  CHECK(inv.remote_id == "987654");
  CHECK(inv.contact_remote_id == "12345");
  CHECK(inv.number == "ACM0002");
  CHECK(inv.type == InvoiceType::sales);
  CHECK(inv.status == InvoiceStatus::authorised);
  CHECK(inv.currency == "CAD");
  CHECK(inv.total.to_string() == "41.94");
  CHECK(inv.amount_paid.to_string() == "20.00");
  CHECK(inv.amount_due.to_string() == "21.94");
  CHECK(inv.issue_date == parse_date("2021-04-16").value());
  CHECK(inv.due_date == parse_date("2021-05-16").value());
  CHECK(inv.updated_at == at("2021-04-16T14:31:58Z"));
  CHECK(page->items[1].status == InvoiceStatus::draft);
  CHECK(page->items[1].currency == "USD");
  CHECK(page->items[1].total.to_string() == "1234.5678");
  CHECK_FALSE(page->items[1].due_date);
  CHECK(page->items[2].status == InvoiceStatus::paid);
  CHECK(page->items[3].status == InvoiceStatus::deleted);  // vis_state 1 wins over v3_status

  CHECK(invoice_status("autopaid", 0) == InvoiceStatus::paid);
  CHECK(invoice_status("viewed", 2) == InvoiceStatus::authorised);
}

TEST_CASE("FreshBooks invoices: an invoice that cannot be read is skipped and named; the rest of the page is kept (R17)") {
  auto page = parse_invoice_list(R"({"response":{"result":{"invoices":[
      {"id":1,"invoice_number":"0001","currency_code":"USD"},
      {"id":2,"customerid":2,"currency_code":"USD","amount":{"amount":"1e2","code":"USD"}},
      {"id":3,"customerid":2,"currency_code":"USD","amount":{"amount":"1.00","code":"CAD"}},
      {"id":4,"customerid":2,"currency_code":"USD","amount":{"amount":"1.00","code":"USD"}}],"page":1,"pages":1}}})");
  REQUIRE(page);
  REQUIRE(page->items.size() == 1);
  CHECK(page->items[0].remote_id == "4");
  REQUIRE(page->unreadable.size() == 3);
  CHECK(page->unreadable[0].id == "1");
  CHECK(page->unreadable[0].name == "0001");
  CHECK(page->unreadable[0].reason == "invoice 1 has no \"customerid\"");
  CHECK(page->unreadable[1].position == 2);
  CHECK(page->unreadable[2].position == 3);
  CHECK(page->unreadable[2].reason.find("CAD") != std::string::npos);
}

TEST_CASE("FreshBooks users/me: the business by account_id, several need a choice") {
  constexpr std::string_view kMe = R"({"response":{"id":2192788,"first_name":"Gordon","business_memberships":[
    {"id":140130,"role":"owner","business":{"id":439000,"name":"American Cyanamid","account_id":"ABC123"}},
    {"id":140131,"role":"manager","business":{"id":439001,"name":"Side Gig","account_id":"XYZ789"}},
    {"id":140132,"role":"client","business":{"id":439002,"name":"No Books","account_id":null}}]}})";
  auto businesses = parse_memberships(kMe);
  REQUIRE(businesses);
  REQUIRE(businesses->size() == 2);
  auto chosen = choose_business(*businesses, std::string("XYZ789"));
  REQUIRE(chosen);
  CHECK(chosen->name == "Side Gig");
  auto ambiguous = choose_business(*businesses, std::nullopt);
  REQUIRE_FALSE(ambiguous);
  CHECK(ambiguous.error().message().find("ABC123 (American Cyanamid), XYZ789 (Side Gig)") != std::string::npos);
  CHECK(ambiguous.error().message().find("account_id") != std::string::npos);
  CHECK_FALSE(choose_business(*businesses, std::string("NOPE")));
  CHECK(choose_business({businesses->front()}, std::nullopt)->account_id == "ABC123");
  CHECK(invoice_link("ABC123", "987654") == "https://my.freshbooks.com/#/invoice/ABC123-987654");
  CHECK(new_invoice_link("12345") == "https://my.freshbooks.com/#/client/12345");
}

TEST_CASE("FreshBooks errors: the three documented shapes, statuses to error codes") {
  auto not_found = map_error(response(404, R"({"response":{"errors":[{"errno":1012,"field":"userid","message":"Client not found.","object":"client","value":"12345"}]}})"),
                             "client 12345");
  CHECK(not_found.code() == Errc::not_found);
  CHECK(not_found.message().find("userid: Client not found. [errno 1012]") != std::string::npos);
  auto invalid = map_error(response(422, R"({"errno":422,"message":"The request was well-formed but was unable to be followed due to semantic errors.","details":["uri: Input should be a valid URL"]})"),
                           "client 'Acme'");
  CHECK(invalid.code() == Errc::invalid_argument);
  CHECK(invalid.message().find("uri: Input should be a valid URL") != std::string::npos);
  auto expired = map_error(response(401, R"({"errno":401,"message":"invalid_token: The request token failed to authenticate or validate."})"), "x");
  CHECK(expired.code() == Errc::unauthorized);
  auto scope = map_error(response(403, R"({"error":"insufficient_scope","error_description":"needs more"})"), "the clients page 1");
  CHECK(scope.code() == Errc::unauthorized);
  CHECK(scope.message().find("user:clients:write") != std::string::npos);
  auto limited = map_error(response(429, "", {{"Retry-After", "7"}}), "the clients page 2");
  CHECK(limited.code() == Errc::rate_limited);
  CHECK(limited.message().find("retry after 7 s") != std::string::npos);
  CHECK(map_error(response(429, ""), "x").message().find("no Retry-After") != std::string::npos);
  CHECK(map_error(response(503, "<html>down</html>"), "x").code() == Errc::http);
}
