// R25 and R27 end to end: FreshBooks callbacks reaching capsyncd's webhook listener over HTTP.
// The test registers the connection's callbacks itself, through freshbooks::Callbacks, at the
// listener's per-connection URI; the sandbox then posts each verifier and, once verified, every
// signed client, invoice and estimate event, as FreshBooks does. Polling is hours away (the
// world's default intervals), so only a callback carries a change across in time.

#include <algorithm>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "connectors/freshbooks/callback_signature.hpp"
#include "connectors/freshbooks/callbacks.hpp"
#include "core/connector/http_sender.hpp"
#include "core/connector/token_source.hpp"
#include "core/http/client.hpp"
#include "daemon/freshbooks_webhook_route.hpp"
#include "test/scenario/sync_world.hpp"
#include "test/unit/sandbox/test_client.hpp"
#include "test/unit/http/run.hpp"

using namespace capsync;
using namespace capsync::scenario;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

constexpr std::string_view kClientSecret = "sandbox-client-secret";  // the FreshBooks kit's app
constexpr std::string_view kAccountId = "SBX001";                     // the FreshBooks kit's business

// The kit's own FreshBooks login, for the test's callbacks client.
class KitToken final : public connector::TokenSource {
 public:
  explicit KitToken(ProviderKit& kit) : kit_(kit) {}
  asio::awaitable<Result<Secret>> access_token() override { co_return Secret(kit_.bearer_token()); }
  void invalidate() override {}

 private:
  ProviderKit& kit_;
};

// freshbooks::Callbacks against the world's sandbox, run to completion call by call.
struct CallbackClient {
  explicit CallbackClient(SyncWorld& world)
      : token(world.kit()),
        sender(client, std::string(kConnection), "freshbooks"),
        callbacks(sender, token, settings_of(world), std::string(kAccountId)) {}

  static freshbooks::FreshBooksSettings settings_of(const SyncWorld& world) {
    freshbooks::FreshBooksSettings s;
    s.base_url = world.base_url() + "/freshbooks";
    return s;
  }

  template <typename T>
  T run(asio::awaitable<T> task) {
    return test::run(io, std::move(task));
  }

  asio::io_context io;
  http::Client client{io.get_executor(), {}};
  KitToken token;
  connector::ClientSender sender;
  freshbooks::Callbacks callbacks;
};

Seed paying_customer() {
  Seed seed("freshbooks");
  seed.party(organisation(11, "Paying Org"))
      .contact(org_contact("c-1", "Paying Org"))
      .invoice(sales_invoice("c-1", "INV-1", "100.00", 10).keyed("i-1"));
  return seed;
}

// A FreshBooks world whose daemon serves webhooks on a free port.
struct CallbackWorld {
  CallbackWorld() : port(free_loopback_port()) {
    WorldOptions options;
    options.extra_yaml = fmt::format("webhooks:\n  listen: 127.0.0.1:{}\n", port);
    world = std::make_unique<SyncWorld>(paying_customer(), options);
    world->start_daemon();
    hooks = std::make_unique<CallbackClient>(*world);
  }

  std::string path(std::string_view token) const { return fmt::format("/webhooks/freshbooks/acme/{}", token); }
  std::string token() const { return daemon::freshbooks_callback_token(Secret(std::string(kClientSecret)), "acme"); }
  std::string uri() const { return fmt::format("http://127.0.0.1:{}{}", port, path(token())); }

  // Registers the connection's callbacks at the listener; true once capsync verified them all.
  bool set_up() {
    auto report = hooks->run(hooks->callbacks.reconcile(freshbooks::callback_events(), uri(), uri()));
    REQUIRE(report);
    REQUIRE(report->registered == 9);
    if (!wait_until([&] { return count("SELECT count(*) FROM webhook_verifiers WHERE verified != ''") == 9; }, 30s))
      return false;
    world->wait_settled();  // each verification job ends after it marked its verifier
    return true;
  }

  // The posts the sandbox's FreshBooks sent: {body, signature, status}.
  std::vector<std::map<std::string, std::string>> posts() const {
    const auto state = world->state();
    std::vector<std::map<std::string, std::string>> out;
    for (const auto& o : state.doc()["freshbooks"]["callbacks"]["outbox"].GetArray())
      out.push_back({{"body", o["body"].GetString()}, {"status", std::to_string(o["status"].GetInt())},
                     {"attempts", std::to_string(o["attempts"].GetInt())}});
    return out;
  }

  // The first verification FreshBooks posted: name, object_id (the callback), verifier.
  http::FormFields first_verification() const {
    for (const auto& p : posts()) {
      auto fields = freshbooks::decode_form(p.at("body"));
      REQUIRE(fields);
      if ((*fields)[0].second == "callback.verify") return *fields;
    }
    FAIL("FreshBooks posted no verifier");
    return {};
  }
  std::string a_verifier() const { return first_verification().at(2).second; }

  // POSTs form `fields` to the listener at `target`, signed with `verifier` (none when empty).
  sandbox::test::HttpResult post(const http::FormFields& fields, const std::string& verifier, const std::string& target) {
    std::map<std::string, std::string> headers{{"Content-Type", "application/x-www-form-urlencoded"}};
    if (!verifier.empty()) headers["X-FreshBooks-Hmac-SHA256"] = freshbooks::callback_signature(Secret(verifier), fields);
    return sandbox::test::http_call(fmt::format("http://127.0.0.1:{}", port),
                                    {"POST", target, headers, http::form_encode(fields)});
  }

  std::int64_t count(const std::string& sql) const { return std::stoll("0" + world->query_text(sql)); }
  std::int64_t refresh_jobs() const { return count("SELECT count(*) FROM jobs WHERE kind = 'webhook_refresh'"); }

  std::optional<std::string> outstanding() const {
    const auto state = world->state();
    const auto* party = state.party(11);
    return party ? SandboxState::field(*party, "Outstanding") : std::nullopt;
  }

  int port = 0;
  std::unique_ptr<SyncWorld> world;
  std::unique_ptr<CallbackClient> hooks;
};

http::FormFields invoice_update(const std::string& invoice_id) {
  return {{"name", "invoice.update"}, {"object_id", invoice_id}, {"account_id", std::string(kAccountId)},
          {"business_id", "439000"},  {"identity_id", "712052"}, {"user_id", "1"}};
}

}  // namespace

TEST_CASE("R25 FreshBooks verification handshake: capsync hands each posted verifier back and the callbacks turn on") {
  CallbackWorld w;
  INFO(w.world->daemon_log());
  REQUIRE(w.set_up());
  auto listed = w.hooks->run(w.hooks->callbacks.list());
  REQUIRE(listed);
  CHECK(listed->size() == 9);
  CHECK(std::all_of(listed->begin(), listed->end(), [](const auto& c) { return c.verified; }));
  // Each verifier post was answered at once; the verification went out from a job afterwards.
  int verify_posts = 0;
  for (const auto& p : w.posts()) {
    if (p.at("body").find("name=callback.verify") != 0) continue;
    ++verify_posts;
    CHECK(p.at("status") == "200");
  }
  CHECK(verify_posts == 9);
  CHECK(w.count("SELECT count(*) FROM jobs WHERE kind = 'freshbooks_verify' AND state = 'done'") == 9);
  // The verifier is the signing secret: never in the log.
  CHECK(w.world->daemon_log().find(w.a_verifier()) == std::string::npos);
}

TEST_CASE("R25 a forged FreshBooks delivery gets 401, an empty body, and nothing is queued") {
  CallbackWorld w;
  REQUIRE(w.set_up());
  const auto fields = invoice_update(w.world->kit().invoice_id("i-1"));
  const std::string verifier = w.a_verifier();
  const std::string path = w.path(w.token());
  auto forged = w.post(fields, "not-the-verifier", path);
  CHECK(forged.status == 401);
  CHECK(forged.body.empty());
  CHECK(w.post(fields, "", path).status == 401);                                   // unsigned
  CHECK(w.post(fields, verifier, w.path(std::string(64, 'a'))).status == 401);     // not the connection's path
  CHECK(w.post(fields, verifier, "/webhooks/freshbooks/other/" + w.token()).status == 401);
  CHECK(w.count("SELECT count(*) FROM webhook_refresh") == 0);
  CHECK(w.refresh_jobs() == 0);
  CHECK(w.count("SELECT count(*) FROM webhook_deliveries WHERE source = 'freshbooks' AND outcome = 'forged'") == 4);
  // A verification nobody confirmed (FreshBooks refuses its code) does not displace the one in use.
  const auto verification = w.first_verification();
  REQUIRE(w.post({verification[0], verification[1], {"verifier", "forged-code"}}, "", path).status == 200);
  w.world->wait_settled();  // the refused verification ends its job: no dead job
  // The same fields signed with the verifier are taken: the 401s were the signature's and path's doing.
  auto good = w.post(fields, verifier, path);
  CHECK(good.status == 200);
  CHECK(good.body.empty());
  CHECK(w.refresh_jobs() == 1);
}

TEST_CASE("R23 R25 a FreshBooks invoice reaches Capsule through the callback, with polling hours away") {
  CallbackWorld w;
  REQUIRE(w.outstanding() == "100.00 GBP");
  REQUIRE(w.set_up());
  const auto pulls = w.count("SELECT count(*) FROM jobs WHERE kind = 'pull'");
  const auto created_at = std::chrono::steady_clock::now();
  w.world->kit().create_invoice(w.world->remote_id("c-1"), "INV-2", 1, "40.00", 20);
  const bool arrived = wait_until([&] { return w.outstanding() == "140.00 GBP"; }, 30s);
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - created_at).count();
  INFO("the invoice reached Capsule in " << seconds << " s");
  INFO(w.world->daemon_log());
  CHECK(arrived);
  w.world->wait_settled();  // the refresh job ends after its Capsule write
  CHECK(w.count("SELECT count(*) FROM jobs WHERE kind = 'webhook_refresh' AND state = 'done'") >= 1);
  CHECK(w.count("SELECT count(*) FROM jobs WHERE kind = 'pull'") == pulls);  // no poll carried it
}

TEST_CASE("R25 the FreshBooks verifiers survive a restart: deliveries after it are still accepted") {
  CallbackWorld w;
  REQUIRE(w.set_up());
  w.world->restart_daemon();
  w.world->kit().create_invoice(w.world->remote_id("c-1"), "INV-2", 1, "40.00", 20);
  const bool arrived = wait_until([&] { return w.outstanding() == "140.00 GBP"; }, 30s);
  INFO(w.world->daemon_log());
  CHECK(arrived);
  CHECK(w.count("SELECT count(*) FROM webhook_deliveries WHERE source = 'freshbooks' AND outcome = 'accepted'") >= 1);
  CHECK(w.count("SELECT count(*) FROM webhook_deliveries WHERE source = 'freshbooks' AND outcome = 'forged'") == 0);
}

TEST_CASE("R25 FreshBooks retries a verification capsync did not answer, and the handshake completes once it does") {
  CallbackWorld w;
  w.world->stop_daemon();
  auto report = w.hooks->run(w.hooks->callbacks.reconcile(freshbooks::callback_events(), w.uri(), w.uri()));
  REQUIRE(report);
  REQUIRE(report->registered == 9);
  // Nobody listens: every verifier post goes unanswered and waits for its retry.
  REQUIRE(wait_until([&] {
    const auto posts = w.posts();
    return posts.size() == 9 &&
           std::all_of(posts.begin(), posts.end(), [](const auto& p) { return p.at("attempts") != "0"; });
  }));
  w.world->start_daemon();
  const bool verified =
      wait_until([&] { return w.count("SELECT count(*) FROM webhook_verifiers WHERE verified != ''") == 9; }, 60s);
  INFO(w.world->daemon_log());
  CHECK(verified);
  for (const auto& p : w.posts()) {
    CHECK(p.at("status") == "200");
    CHECK(std::stoi(p.at("attempts")) >= 2);
  }
}
