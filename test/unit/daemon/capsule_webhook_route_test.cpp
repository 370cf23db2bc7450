// R26: Capsule REST hook deliveries at /webhooks/capsule/<connection>/<token>: the token is the
// only proof (Capsule signs nothing), so a wrong one gets 401 and queues nothing.
#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include "connectors/capsule/rest_hooks.hpp"
#include "daemon/capsule_webhook_route.hpp"

using namespace capsync;
using daemon::CapsuleWebhookRoute;
using daemon::WebhookRequest;

namespace {

config::ConnectionConfig connection(std::string name, bool app) {
  config::ConnectionConfig c;
  c.name = std::move(name);
  if (app) {
    config::CapsuleOAuthSettings oauth;
    oauth.client_id = "capsule-client-id";
    oauth.client_secret = Secret("capsule-client-secret");
    c.capsule.oauth = std::move(oauth);
  }
  return c;
}

const std::map<std::string, std::string, std::less<>> kNoHeaders;

daemon::WebhookAnswer post(const CapsuleWebhookRoute& route, const std::string& rest, std::string_view body) {
  WebhookRequest request;
  request.path = "/webhooks/capsule/" + rest;
  request.rest = rest;
  request.body = body;
  request.headers = &kNoHeaders;
  return route.handle(request);
}

}  // namespace

TEST_CASE("R26 a Capsule hook delivery with the connection's token queues a refresh of each party it names") {
  CapsuleWebhookRoute route;
  route.serve({connection("acme", true), connection("plain", false)});
  const std::string token = capsule::rest_hook_token(Secret("capsule-client-secret"), "acme");

  const auto good = post(route, "acme/" + token, R"({"event":"party/updated","payload":[{"id":11,"name":"Acme"},{"id":12}]})");
  CHECK(good.status == 200);
  CHECK(good.outcome == "accepted");
  CHECK(good.body.empty());
  REQUIRE(good.events.size() == 2);
  CHECK(good.events[0] == webhook::Event{"acme", webhook::RecordKind::party, "11", "capsule"});
  CHECK(good.events[1].remote_id == "12");

  const auto opportunity = post(route, "/acme/" + token, R"({"event":"opportunity/moved","payload":[{"id":7}]})");
  REQUIRE(opportunity.events.size() == 1);
  CHECK(opportunity.events[0].kind == webhook::RecordKind::opportunity);

  const auto unreadable = post(route, "acme/" + token, "not json");
  CHECK(unreadable.status == 200);
  CHECK(unreadable.outcome == "malformed");
  CHECK(unreadable.events.empty());
}

TEST_CASE("R26 a Capsule hook delivery with a forged token gets 401, an empty body and nothing queued") {
  CapsuleWebhookRoute route;
  route.serve({connection("acme", true), connection("beta", true), connection("plain", false)});
  const std::string token = capsule::rest_hook_token(Secret("capsule-client-secret"), "acme");
  std::string forged = token;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  const std::string body = R"({"event":"party/deleted","payload":[{"id":11}]})";
  const std::vector<std::string> attempts{"acme/" + forged, "acme/",           "acme",
                                         "beta/" + token,  "plain/" + token, "nobody/" + token,
                                         "acme/" + token + "x"};
  for (const std::string& rest : attempts) {
    INFO(rest);
    const auto answer = post(route, rest, body);
    CHECK(answer.status == 401);
    CHECK(answer.outcome == "forged");
    CHECK(answer.body.empty());
    CHECK(answer.events.empty());
  }
  // A connection disabled in a reload is no longer served.
  auto disabled = connection("acme", true);
  disabled.enabled = false;
  route.serve({disabled});
  CHECK(post(route, "acme/" + token, body).status == 401);
}
