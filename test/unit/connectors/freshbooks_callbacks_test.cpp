// R25: FreshBooks callbacks of a connection through the API, against capsync-sandbox: registered
// for client, invoice and estimate events, verified with the verifier FreshBooks posts, none
// duplicated at the next start, every delivery signed with that verifier, removed on disable.

#include <catch2/catch.hpp>

#include <map>

#include <rapidjson/document.h>

#include "connectors/freshbooks/callback_signature.hpp"
#include "connectors/freshbooks/callbacks.hpp"
#include "connectors/freshbooks/freshbooks_connector.hpp"
#include "test/unit/connectors/connector_sandbox_fixture.hpp"

using namespace capsync;

namespace {

constexpr std::string_view kPrefix = "https://hooks.example.com/webhooks/freshbooks/acme";
const std::string kUri = std::string(kPrefix);

std::string seed() {
  return R"({"freshbooks":{
    "clients":[{"client_id":"sandbox-client-id","client_secret":"sandbox-client-secret"}],
    "refreshTokens":["freshbooks-sandbox-refresh-token"],
    "business":{"name":"Acme Studio","account_id":"ACM123","currency_code":"CAD"}}})";
}

struct Fixture : test::ConnectorSandboxFixture {
  freshbooks::FreshBooksSettings settings;
  std::unique_ptr<freshbooks::FreshBooksConnector> connector;
  std::unique_ptr<freshbooks::Callbacks> callbacks;

  Fixture() : ConnectorSandboxFixture(seed(), "freshbooks", "/freshbooks/auth/oauth/token") {
    settings.base_url = sandbox->base_url() + "/freshbooks";
    connector = std::make_unique<freshbooks::FreshBooksConnector>(*sender, *source, settings);
    auto tenant = run(connector->tenant());
    REQUIRE(tenant);
    callbacks = std::make_unique<freshbooks::Callbacks>(*sender, *source, settings, tenant->id);
  }

  // What FreshBooks posted (or would post) to callback URIs: {uri, body, signature}.
  std::vector<std::map<std::string, std::string>> outbox() {
    http::Request r;
    r.method = http::Method::get;
    r.url = sandbox->base_url() + "/_admin/state";
    auto response = run(client.send(r));
    REQUIRE(response);
    rapidjson::Document doc;
    doc.Parse(response->body.c_str());
    std::vector<std::map<std::string, std::string>> out;
    for (const auto& o : doc["freshbooks"]["callbacks"]["outbox"].GetArray())
      out.push_back({{"uri", o["uri"].GetString()}, {"body", o["body"].GetString()},
                     {"signature", o["signature"].GetString()}});
    return out;
  }

  // The value of `key` in a form body.
  static std::string field(const std::string& body, std::string_view key) {
    auto fields = freshbooks::decode_form(body);
    REQUIRE(fields);
    for (const auto& [k, v] : *fields)
      if (k == key) return v;
    return {};
  }
};

}  // namespace

TEST_CASE("R25 FreshBooks callbacks: registered, verified with the posted verifier, not duplicated, removed on disable") {
  Fixture f;
  auto first = f.run(f.callbacks->reconcile(freshbooks::callback_events(), kUri, kUri));
  REQUIRE(first);
  CHECK(first->registered == 9);
  auto listed = f.run(f.callbacks->list());
  REQUIRE(listed);
  REQUIRE(listed->size() == 9);
  CHECK(std::none_of(listed->begin(), listed->end(), [](const auto& c) { return c.verified; }));

  // FreshBooks posts name=callback.verify&object_id=<id>&verifier=<code> to each URI.
  std::map<std::int64_t, std::string> verifiers;
  for (const auto& post : f.outbox()) {
    CHECK(post.at("uri") == kUri);
    CHECK(Fixture::field(post.at("body"), "name") == "callback.verify");
    verifiers[std::stoll(Fixture::field(post.at("body"), "object_id"))] = Fixture::field(post.at("body"), "verifier");
  }
  REQUIRE(verifiers.size() == 9);
  // A wrong verifier is refused; the posted one verifies.
  CHECK_FALSE(f.run(f.callbacks->verify(verifiers.begin()->first, Secret("not-the-verifier"))));
  for (const auto& [id, code] : verifiers) {
    auto verified = f.run(f.callbacks->verify(id, Secret(code)));
    REQUIRE(verified);
    CHECK(verified->verified);
  }

  // The next start keeps them; a stale one at an old URI of the connection goes.
  REQUIRE(f.run(f.callbacks->add("client.update", kUri + "/old")));
  auto again = f.run(f.callbacks->reconcile(freshbooks::callback_events(), kUri, kUri));
  REQUIRE(again);
  CHECK(again->kept == 9);
  CHECK(again->registered == 0);
  CHECK(again->removed == 1);

  // A client created through the API is announced, signed with its callback's verifier.
  model::ContactDetails spec;
  spec.name = "Acme Ltd";
  REQUIRE(f.run(f.connector->create_contact(spec, "")));
  const auto posts = f.outbox();
  const auto& delivery = posts.back();
  const auto fields = freshbooks::decode_form(delivery.at("body"));
  REQUIRE(fields);
  CHECK(Fixture::field(delivery.at("body"), "name") == "client.create");
  std::int64_t create_id = 0;
  const auto now_listed = f.run(f.callbacks->list());
  REQUIRE(now_listed);
  for (const auto& c : *now_listed)
    if (c.event == "client.create") create_id = c.id;
  REQUIRE(verifiers.contains(create_id));
  CHECK(freshbooks::callback_signature_matches(delivery.at("signature"), Secret(verifiers[create_id]), *fields));
  CHECK_FALSE(freshbooks::callback_signature_matches(delivery.at("signature"), Secret("forged"), *fields));

  // Disable: every callback of the connection is deleted.
  auto removed = f.run(f.callbacks->remove_all(kUri));
  REQUIRE(removed);
  CHECK(*removed == 9);
  auto left = f.run(f.callbacks->list());
  REQUIRE(left);
  CHECK(left->empty());
}
