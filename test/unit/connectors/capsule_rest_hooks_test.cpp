// R26: Capsule REST hooks of a connection against capsync-sandbox's /api/v2/resthooks (20 slots
// per account, all apps together; each app sees only its own hooks).
#include <catch2/catch.hpp>

#include <algorithm>
#include <exception>
#include <fstream>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "connectors/capsule/capsule_connector.hpp"
#include "connectors/capsule/personal_token.hpp"
#include "connectors/capsule/rest_hooks.hpp"
#include "core/connector/http_sender.hpp"
#include "core/http/client.hpp"
#include "test/unit/http/sandbox_process.hpp"
#include "test/unit/store/temp_dir.hpp"
#include "test/unit/http/run.hpp"

using namespace capsync;
namespace asio = boost::asio;

namespace {

constexpr std::string_view kTarget = "https://hooks.example.com/webhooks/capsule/acme/secret-1";

// `other_hooks` hooks of another integration (Zapier) fill slots; `ours` are hook JSON objects
// of capsync's app already on the account.
std::string seed(int other_hooks, const std::vector<std::string>& ours = {}) {
  std::string hooks;
  for (int i = 0; i < other_hooks; ++i)
    hooks += fmt::format(R"({{"event":"task/created","targetUrl":"https://zapier.example/{}","clientId":"zapier"}},)", i);
  for (const auto& h : ours) hooks += h + ",";
  if (!hooks.empty()) hooks.pop_back();
  return fmt::format(R"({{"capsule":{{
    "tokens":["personal-token",{{"token":"app-token","clientId":"capsule-client-id"}},
              {{"token":"zapier-token","clientId":"zapier"}}],
    "users":[{{"id":1,"username":"admin","name":"Admin"}}],
    "restHooks":[{}]}}}})",
                     hooks);
}

std::string ours(std::string_view event, std::string_view target, std::string_view description = "capsync acme") {
  return fmt::format(R"({{"event":"{}","targetUrl":"{}","description":"{}","clientId":"capsule-client-id"}})", event,
                     target, description);
}

struct HooksWorld {
  explicit HooksWorld(const std::string& seed_text) : client(io.get_executor(), http::ClientOptions{}) {
    const std::string path = dir.file("seed.json");
    std::ofstream(path) << seed_text;
    sandbox = std::make_unique<test::SandboxProcess>(std::vector<std::string>{"--seed", path});
    REQUIRE(sandbox->running());
  }

  // A Capsule client of the sandbox with `token`.
  std::unique_ptr<capsule::CapsuleClient> capsule(std::string token) {
    tokens.push_back(std::make_unique<capsule::PersonalToken>(Secret(std::move(token))));
    capsule::CapsuleSettings s;
    s.base_url = sandbox->base_url() + "/capsule";
    return std::make_unique<capsule::CapsuleClient>(sender, *tokens.back(), s);
  }

  template <typename T>
  T run(asio::awaitable<T> task) {
    return test::run(io, std::move(task));
  }

  std::vector<capsule::RestHook> hooks(capsule::CapsuleClient& as) {
    auto listed = run(as.list_rest_hooks());
    REQUIRE(listed);
    return *listed;
  }

  test::TempDir dir;
  std::unique_ptr<test::SandboxProcess> sandbox;
  asio::io_context io;
  http::Client client;
  connector::ClientSender sender{client, "acme", "capsule"};
  std::vector<std::unique_ptr<capsule::PersonalToken>> tokens;
};

capsule::HookPlan acme_plan() {
  return {capsule::rest_hook_events(false), std::string(kTarget), capsule::rest_hook_description("acme")};
}

int count(const std::vector<capsule::RestHook>& hooks, std::string_view description, std::string_view event = {}) {
  return static_cast<int>(std::count_if(hooks.begin(), hooks.end(), [&](const capsule::RestHook& h) {
    return h.description == description && (event.empty() || h.event == event);
  }));
}

}  // namespace

TEST_CASE("R26 Capsule hook subscription reconciled at start: stale ones removed, none duplicated, others kept") {
  HooksWorld world(seed(2, {ours("party/created", kTarget), ours("party/created", kTarget),
                            ours("party/updated", "https://old.example.com/webhooks/capsule/acme/old-token"),
                            ours("task/created", kTarget), ours("party/updated", "https://b.example/x", "capsync beta")}));
  auto app = world.capsule("app-token");

  auto first = world.run(capsule::reconcile_rest_hooks(*app, acme_plan()));
  if (!first) FAIL(first.error().message());
  CHECK(first->kept == 1);        // one party/created at the right URL
  CHECK(first->removed == 3);     // its duplicate, the old URL's party/updated, the unwanted task/created
  CHECK(first->subscribed == 2);  // party/updated and party/deleted
  CHECK_FALSE(first->slots_full());
  auto hooks = world.hooks(*app);
  CHECK(count(hooks, "capsync acme") == 3);
  for (const char* event : {"party/created", "party/updated", "party/deleted"}) {
    CHECK(count(hooks, "capsync acme", event) == 1);
    const auto it = std::find_if(hooks.begin(), hooks.end(), [&](const auto& h) {
      return h.description == "capsync acme" && h.event == event;
    });
    CHECK(it->target_url == kTarget);
  }
  CHECK(count(hooks, "capsync beta") == 1);  // another connection's hook on the same account
  auto zapier = world.capsule("zapier-token");
  CHECK(world.hooks(*zapier).size() == 2);  // another app's hooks are neither seen nor touched

  // A second start changes nothing.
  auto again = world.run(capsule::reconcile_rest_hooks(*app, acme_plan()));
  REQUIRE(again);
  CHECK(again->kept == 3);
  CHECK(again->subscribed == 0);
  CHECK(again->removed == 0);
  CHECK(world.hooks(*app).size() == 4);

  // Quotes on: opportunity events join, the party hooks stay.
  auto quotes = acme_plan();
  quotes.events = capsule::rest_hook_events(true);
  auto with_quotes = world.run(capsule::reconcile_rest_hooks(*app, quotes));
  REQUIRE(with_quotes);
  CHECK(with_quotes->kept == 3);
  CHECK(with_quotes->subscribed == 4);
}

TEST_CASE("R26 an account whose 20 hook slots are full is reported, not an error") {
  HooksWorld world(seed(18));  // other integrations hold 18 of the 20 slots
  auto app = world.capsule("app-token");
  auto report = world.run(capsule::reconcile_rest_hooks(*app, acme_plan()));
  REQUIRE(report);
  CHECK(report->subscribed == 2);
  CHECK(report->slots_full());
  CHECK(report->missing == std::vector<std::string>{"party/deleted"});
  CHECK(world.hooks(*app).size() == 2);

  // A slot freed: the next start takes it, and only it.
  auto zapier = world.capsule("zapier-token");
  const auto theirs = world.hooks(*zapier);
  REQUIRE(world.run(zapier->unsubscribe_rest_hook(theirs.front().id)));
  auto later = world.run(capsule::reconcile_rest_hooks(*app, acme_plan()));
  REQUIRE(later);
  CHECK(later->kept == 2);
  CHECK(later->subscribed == 1);
  CHECK_FALSE(later->slots_full());
}

TEST_CASE("R26 disable removes the connection's Capsule hooks and only those") {
  HooksWorld world(seed(1, {ours("party/updated", "https://b.example/x", "capsync beta")}));
  auto app = world.capsule("app-token");
  REQUIRE(world.run(capsule::reconcile_rest_hooks(*app, acme_plan())));
  auto removed = world.run(capsule::remove_rest_hooks(*app, capsule::rest_hook_description("acme")));
  REQUIRE(removed);
  CHECK(*removed == 3);
  const auto left = world.hooks(*app);
  REQUIRE(left.size() == 1);
  CHECK(left[0].description == "capsync beta");
}

TEST_CASE("R26 a personal token cannot manage hooks: Capsule refuses, nothing is subscribed") {
  HooksWorld world(seed(0));
  auto personal = world.capsule("personal-token");
  auto report = world.run(capsule::reconcile_rest_hooks(*personal, acme_plan()));
  REQUIRE_FALSE(report);
  auto app = world.capsule("app-token");
  CHECK(world.hooks(*app).empty());
}

TEST_CASE("R26 the hook token is per connection, unguessable without the app's secret, compared exactly") {
  const Secret key("capsule-client-secret");
  const std::string acme = capsule::rest_hook_token(key, "acme");
  CHECK(acme == capsule::rest_hook_token(key, "acme"));  // stable across restarts: nothing stored
  CHECK(acme.size() == 43);                              // 256 bits, base64url without padding
  CHECK(acme.find_first_of("+/=") == std::string::npos);
  CHECK(acme != capsule::rest_hook_token(key, "beta"));
  CHECK(acme != capsule::rest_hook_token(Secret("another-secret"), "acme"));
  CHECK(capsule::rest_hook_token_matches(acme, acme));
  std::string forged = acme;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  CHECK_FALSE(capsule::rest_hook_token_matches(forged, acme));
  CHECK_FALSE(capsule::rest_hook_token_matches(acme.substr(0, 42), acme));
  CHECK_FALSE(capsule::rest_hook_token_matches("", acme));
}
