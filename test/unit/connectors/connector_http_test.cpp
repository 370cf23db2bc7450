// The connectors' request logic with a scripted HttpSender (no sockets): paging, cursors,
// headers, idempotency keys, the one retry after a 401, malformed pages.
#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>

#include <boost/asio/io_context.hpp>

#include "connectors/capsule/capsule_connector.hpp"
#include "connectors/capsule/personal_token.hpp"
#include "connectors/xero/contacts.hpp"
#include "connectors/xero/xero_connector.hpp"
#include "core/connector/contact_details.hpp"
#include "core/connector/headers.hpp"
#include "test/unit/http/run.hpp"

using namespace capsync;
namespace asio = boost::asio;

namespace {

// Answers each request with the next scripted response and records what was sent.
class ScriptedSender final : public connector::HttpSender {
 public:
  std::deque<http::Response> answers;
  std::vector<http::Request> sent;

  void add(int status, std::string body, http::Headers headers = {}) {
    http::Response r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    answers.push_back(std::move(r));
  }
  asio::awaitable<Result<http::Response>> send(http::Request request) override {
    sent.push_back(std::move(request));
    if (answers.empty()) co_return Error(Errc::io, "no scripted answer");
    auto r = std::move(answers.front());
    answers.pop_front();
    co_return r;
  }
};

class CountingTokens final : public connector::TokenSource {
 public:
  int issued = 0, invalidated = 0;
  asio::awaitable<Result<Secret>> access_token() override {
    co_return Secret(fmt::format("token-{}", ++issued));
  }
  void invalidate() override { ++invalidated; }
};

xero::XeroSettings xero_settings(std::string base, std::optional<std::string> tenant = std::nullopt) {
  xero::XeroSettings s;
  s.base_url = std::move(base);
  s.tenant_id = std::move(tenant);
  return s;
}

capsule::CapsuleSettings capsule_settings() {
  capsule::CapsuleSettings s;
  s.base_url = "http://127.0.0.1:9/capsule";
  return s;
}

template <typename T>
T run(asio::awaitable<T> task) {
  asio::io_context io;
  return test::run(io, std::move(task));
}

std::string header(const http::Request& r, std::string_view name) {
  return std::string(connector::find_header(r.headers, name).value_or(""));
}

constexpr std::string_view kConnections = R"([{"tenantId":"t-1","tenantName":"Demo","tenantType":"ORGANISATION"}])";
constexpr std::string_view kOrganisation = R"({"Organisations":[{"ShortCode":"!Ab1"}]})";

std::string contacts_page(int page, int page_count, std::string_view updated) {
  return fmt::format(
      R"({{"pagination":{{"page":{},"pageSize":100,"pageCount":{},"itemCount":2}},"Contacts":[)"
      R"({{"ContactID":"c-old","Name":"Old Ltd","UpdatedDateUTC":"2024-06-21T01:15:38"}},)"
      R"({{"ContactID":"c-{}","Name":"Acme Ltd","UpdatedDateUTC":"{}"}}]}})",
      page, page_count, page, updated);
}

}  // namespace

TEST_CASE("Xero list_contacts: tenant header, If-Modified-Since, >= cursor, paging") {
  ScriptedSender http;
  CountingTokens tokens;
  xero::XeroConnector xero(http, tokens, xero_settings("http://127.0.0.1:9/xero/"));
  http.add(200, std::string(kConnections));
  http.add(200, std::string(kOrganisation));
  http.add(200, contacts_page(1, 2, "2024-06-21T01:15:40.500"));

  auto page = run(xero.list_contacts({.cursor = "2024-06-21T01:15:39.902Z", .page = 1}));
  REQUIRE(page);
  REQUIRE(http.sent.size() == 3);
  CHECK(http.sent[0].url == "http://127.0.0.1:9/xero/connections");
  CHECK(header(http.sent[0], "xero-tenant-id").empty());
  const auto& list = http.sent[2];
  CHECK(list.url ==
        "http://127.0.0.1:9/xero/api.xro/2.0/Contacts?page=1&pageSize=100&includeArchived=true&order=UpdatedDateUTC%20ASC");
  CHECK(header(list, "xero-tenant-id") == "t-1");
  CHECK(header(list, "If-Modified-Since") == "2024-06-21T01:15:39");
  CHECK(list.bearer->reveal() == "token-3");
  REQUIRE(page->items.size() == 1);  // the contact older than the cursor is dropped
  CHECK(page->items[0].remote_id == "c-1");
  CHECK(page->has_next);
  CHECK(page->cursor == "2024-06-21T01:15:40.500Z");

  // Last page; no new change: the cursor stays, nothing comes back.
  http.add(200, R"({"pagination":{"page":2,"pageSize":100,"pageCount":2,"itemCount":0},"Contacts":[]})");
  auto last = run(xero.list_contacts({.cursor = page->cursor, .page = 2}));
  REQUIRE(last);
  CHECK(last->items.empty());
  CHECK(!last->has_next);
  CHECK(last->cursor == page->cursor);
  model::Invoice inv;
  inv.remote_id = "i1";
  CHECK(xero.invoice_url(inv).find("shortcode=%21Ab1") != std::string::npos);
}

TEST_CASE("Xero: a forgotten tenant is discovered again and its header replaces the old one") {
  ScriptedSender http;
  CountingTokens tokens;
  xero::XeroConnector xero(http, tokens, xero_settings("http://127.0.0.1:9/xero/"));
  http.add(200, std::string(kConnections));
  http.add(200, std::string(kOrganisation));
  auto first = run(xero.tenant());
  REQUIRE(first);
  CHECK(first->id == "t-1");
  // Cached: no request.
  REQUIRE(run(xero.tenant()));
  CHECK(http.sent.size() == 2);

  // New credentials (`capsyncctl connect`) reached another organisation.
  xero.forget_tenant();
  http.add(200, R"([{"tenantId":"t-2","tenantName":"Other","tenantType":"ORGANISATION"}])");
  http.add(200, std::string(kOrganisation));
  http.add(200, contacts_page(1, 1, "2024-06-21T01:15:40.500"));
  REQUIRE(run(xero.list_contacts({.cursor = "", .page = 1})));
  REQUIRE(http.sent.size() == 5);
  CHECK(http.sent[2].url == "http://127.0.0.1:9/xero/connections");
  const auto& list = http.sent[4];
  const auto tenant_headers = std::count_if(list.headers.begin(), list.headers.end(),
                                            [](const auto& h) { return h.first == "xero-tenant-id"; });
  CHECK(tenant_headers == 1);
  CHECK(header(list, "xero-tenant-id") == "t-2");
  auto second = run(xero.tenant());
  REQUIRE(second);
  CHECK(second->name == "Other");
}

TEST_CASE("Xero: a 401 invalidates the token and retries once") {
  ScriptedSender http;
  CountingTokens tokens;
  xero::XeroConnector xero(http, tokens, xero_settings("http://127.0.0.1:9/xero", "t-1"));
  http.add(200, std::string(kConnections));
  http.add(404, "");  // no Organisation: links work without a ShortCode
  http.add(401, R"({"Title":"Unauthorized","Detail":"TokenExpired"})");
  http.add(200, contacts_page(1, 1, "2024-06-21T01:15:40"));
  auto page = run(xero.list_contacts({}));
  REQUIRE(page);
  CHECK(tokens.invalidated == 1);
  CHECK(http.sent.back().bearer->reveal() == "token-4");
  CHECK(page->items.size() == 2);  // no cursor: everything
  CHECK(!page->has_next);

  http.add(401, "{}");
  http.add(401, "{}");
  auto refused = run(xero.get_contact("c-1"));
  REQUIRE(!refused);
  CHECK(refused.error().code() == Errc::unauthorized);
  CHECK(tokens.invalidated == 2);
}

TEST_CASE("Xero: malformed page, create with Idempotency-Key, duplicate name, partial update") {
  ScriptedSender http;
  CountingTokens tokens;
  xero::XeroConnector xero(http, tokens, xero_settings("http://127.0.0.1:9/xero"));
  http.add(200, std::string(kConnections));
  http.add(200, std::string(kOrganisation));
  http.add(200, R"({"Contacts":[{"ContactID":)");
  auto bad = run(xero.list_contacts({.cursor = "", .page = 3}));
  REQUIRE(!bad);
  CHECK(bad.error().code() == Errc::protocol);
  CHECK(bad.error().message().starts_with("Xero returned a malformed Contacts page (page 3): malformed JSON"));
  // The client asks again for a cut or garbled body wherever the request may be repeated.
  REQUIRE(http.sent.back().accept_body);
  CHECK_FALSE(http.sent.back().accept_body(R"({"Contacts":[{"ContactID":)"));
  CHECK(http.sent.back().accept_body(std::string(kOrganisation)));

  model::ContactDetails acme;
  acme.name = "Acme Ltd";
  http.add(200, R"({"Contacts":[{"ContactID":"c-9","Name":"Acme Ltd","ContactStatus":"ACTIVE"}]})");
  auto created = run(xero.create_contact(acme, "capsync-acme-42"));
  REQUIRE(created);
  CHECK(created->remote_id == "c-9");
  CHECK(http.sent.back().method == http::Method::put);
  CHECK(http.sent.back().url.ends_with("/api.xro/2.0/Contacts?summarizeErrors=true"));
  CHECK(header(http.sent.back(), "Idempotency-Key") == "capsync-acme-42");
  CHECK(http.sent.back().idempotency_key == "capsync-acme-42");
  CHECK(!run(xero.create_contact(acme, std::string(129, 'k'))));

  http.add(400, R"({"ErrorNumber":10,"Type":"ValidationException","Elements":[{"ValidationErrors":[
    {"Message":"The contact name Acme Ltd is already assigned to another contact. The contact name must be unique across all active contacts."}]}]})");
  auto clash = run(xero.create_contact(acme, "k2"));
  REQUIRE(!clash);
  CHECK(clash.error().code() == Errc::conflict);
  CHECK(clash.error().message().starts_with(
      "Xero refused contact 'Acme Ltd': The contact name Acme Ltd is already assigned to another contact"));

  connector::ContactUpdate update{connector::details_of(*created), *created};
  std::size_t before = http.sent.size();
  CHECK(run(xero.update_contact("c-9", update)));  // nothing changed: no request
  CHECK(http.sent.size() == before);
  update.desired.email = "ap@acme.test";
  http.add(200, R"({"Contacts":[{"ContactID":"c-9","Name":"Acme Ltd","EmailAddress":"ap@acme.test"}]})");
  auto updated = run(xero.update_contact("c-9", update));
  REQUIRE(updated);
  CHECK(http.sent.back().method == http::Method::post);
  CHECK(http.sent.back().url.ends_with("/api.xro/2.0/Contacts/c-9"));
  CHECK(http.sent.back().body == R"({"Contacts":[{"ContactID":"c-9","EmailAddress":"ap@acme.test"}]})");
}

TEST_CASE("Capsule list_parties: since one second early, >= cursor, Link paging") {
  ScriptedSender http;
  capsule::PersonalToken token(Secret("pat"));
  capsule::CapsuleClient capsule(http, token, capsule_settings());
  http.add(200,
           R"({"parties":[{"id":1,"type":"organisation","name":"Old","updatedAt":"2024-06-21T01:15:38Z"},
             {"id":2,"type":"organisation","name":"New","updatedAt":"2024-06-21T01:15:41Z"}]})",
           {{"Link", R"(<http://127.0.0.1:9/capsule/api/v2/parties?page=2>; rel="next")"}});
  auto page = run(capsule.list_parties({.cursor = "2024-06-21T01:15:39Z", .page = 1}));
  REQUIRE(page);
  CHECK(http.sent[0].url ==
        "http://127.0.0.1:9/capsule/api/v2/parties?page=1&perPage=100&embed=fields%2Ctags&since=2024-06-21T01%3A15%3A38Z");
  CHECK(http.sent[0].bearer->reveal() == "pat");
  REQUIRE(http.sent[0].accept_body);
  CHECK_FALSE(http.sent[0].accept_body(R"({"parties":[)"));
  CHECK(http.sent[0].accept_body(""));
  REQUIRE(page->items.size() == 1);
  CHECK(page->items[0].id == 2);
  CHECK(page->has_next);
  CHECK(page->cursor == "2024-06-21T01:15:41.000Z");

  CHECK(token.state() == capsule::TokenState::ok);
}

TEST_CASE("Capsule: one 401 is retried with the token read again; a rotated token file is used at once") {
  ScriptedSender http;
  std::string on_disk = "pat-1";
  int reads = 0;
  capsule::PersonalToken token(Secret("pat-1"), [&]() -> Result<Secret> {
    ++reads;
    return Secret(on_disk);
  });
  capsule::CapsuleClient capsule(http, token, capsule_settings());
  const std::string party = R"({"party":{"id":2,"type":"organisation","name":"Acme"}})";

  // A stray 401: the same token is sent again and accepted, nothing is latched.
  http.add(401, R"({"message":"Unauthorized"})");
  http.add(200, party);
  auto got = run(capsule.get_party(2));
  REQUIRE(got);
  CHECK(reads == 1);
  REQUIRE(http.sent.size() == 2);
  CHECK(http.sent[1].bearer->reveal() == "pat-1");
  CHECK(token.state() == capsule::TokenState::ok);

  // The operator rotated the token file: the retry after the 401 carries the new token, and so
  // does every request after it, without a reload.
  on_disk = "pat-2";
  http.add(401, R"({"message":"Unauthorized"})");
  http.add(200, party);
  http.add(200, party);
  REQUIRE(run(capsule.get_party(2)));
  REQUIRE(run(capsule.get_party(2)));
  REQUIRE(http.sent.size() == 5);
  CHECK(http.sent[2].bearer->reveal() == "pat-1");
  CHECK(http.sent[3].bearer->reveal() == "pat-2");
  CHECK(http.sent[4].bearer->reveal() == "pat-2");
  CHECK(token.state() == capsule::TokenState::ok);
}

TEST_CASE("Capsule: a 401 that persists after the token was read again reports the need for a new token") {
  ScriptedSender http;
  capsule::PersonalToken token(Secret("pat"), [] { return Result<Secret>(Secret("pat")); });
  capsule::CapsuleClient capsule(http, token, capsule_settings());
  http.add(401, R"({"message":"Unauthorized"})");
  http.add(401, R"({"message":"Unauthorized"})");
  auto refused = run(capsule.get_party(2));
  REQUIRE(!refused);
  CHECK(refused.error().code() == Errc::unauthorized);
  CHECK_THAT(refused.error().message(), Catch::Contains("needs a new Capsule token"));
  CHECK(http.sent.size() == 2);  // one retry, not more
  CHECK(token.state() == capsule::TokenState::needs_new_token);

  // Not latched: the next request tries again, and an accepted one clears the state.
  http.add(200, R"({"party":{"id":2,"type":"organisation","name":"Acme"}})");
  REQUIRE(run(capsule.get_party(2)));
  CHECK(http.sent.size() == 3);
  CHECK(token.state() == capsule::TokenState::ok);
}

TEST_CASE("Capsule: a token file that cannot be read again keeps the current token") {
  ScriptedSender http;
  capsule::PersonalToken token(Secret("pat"), [] { return Result<Secret>(Error(Errc::io, "cannot read secret file")); });
  capsule::CapsuleClient capsule(http, token, capsule_settings());
  http.add(401, R"({"message":"Unauthorized"})");
  http.add(200, R"({"party":{"id":2,"type":"organisation","name":"Acme"}})");
  REQUIRE(run(capsule.get_party(2)));
  CHECK(http.sent[1].bearer->reveal() == "pat");
}

TEST_CASE("Capsule update_party sends the diff; deleted parties follow Link pages") {
  ScriptedSender http;
  capsule::PersonalToken token(Secret("pat"));
  capsule::CapsuleClient capsule(http, token, capsule_settings());
  model::Party current;
  current.id = 7;
  current.name = "Acme";
  current.emails = {{11, "Work", "old@acme.test"}};
  connector::PartyPatch patch;
  patch.emails = std::vector<model::EmailAddress>{{std::nullopt, "Work", "new@acme.test"}};
  http.add(200, R"({"party":{"id":7,"type":"organisation","name":"Acme","emailAddresses":[{"id":12,"type":"Work","address":"new@acme.test"}]}})");
  auto saved = run(capsule.update_party(current, patch));
  REQUIRE(saved);
  CHECK(http.sent[0].method == http::Method::put);
  CHECK(http.sent[0].body ==
        R"({"party":{"emailAddresses":[{"id":11,"_delete":true},{"type":"Work","address":"new@acme.test"}]}})");
  CHECK(saved->emails == std::vector<model::EmailAddress>{{12, "Work", "new@acme.test"}});
  CHECK_FALSE(http.sent[0].retry_safe);  // sent twice, the new address would be added twice

  patch.emails = std::vector<model::EmailAddress>{};
  http.add(200, R"({"party":{"id":7,"type":"organisation","name":"Acme"}})");
  REQUIRE(run(capsule.update_party(current, patch)));
  CHECK(http.sent[1].body == R"({"party":{"emailAddresses":[{"id":11,"_delete":true}]}})");
  CHECK(http.sent[1].retry_safe);  // only deletes by id: the same effect however often it is sent

  http.add(200, R"({"parties":[{"id":3,"deletedAt":"2024-06-21T01:15:40Z"}]})",
           {{"Link", R"(<http://127.0.0.1:9/capsule/api/v2/parties/deleted?page=2&since=x>; rel="next")"}});
  http.add(200, R"({"parties":[{"id":4,"deletedAt":"2024-06-21T01:16:00Z"}]})");
  auto gone = run(capsule.list_deleted_parties(*model::parse_timestamp("2024-06-21T01:15:40Z")));
  REQUIRE(gone);
  REQUIRE(gone->size() == 2);
  CHECK(http.sent.back().url == "http://127.0.0.1:9/capsule/api/v2/parties/deleted?page=2&since=x");
}
