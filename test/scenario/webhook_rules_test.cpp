// R23–R24 against the sandbox: Xero's webhook reaching capsyncd's listener. Xero signs with the
// app key, runs intent-to-receive, batches, retries, may repeat and reorder; the test also posts
// deliveries itself where it needs one exact body.

#include <algorithm>
#include <chrono>
#include <optional>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "core/webhook/signature.hpp"
#include "test/scenario/daemon_process.hpp"
#include "test/scenario/sync_world.hpp"
#include "test/unit/sandbox/test_client.hpp"

using namespace capsync;
using namespace capsync::scenario;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view kKey = "c2VjcmV0LXhlcm8td2ViaG9vay1rZXk=";  // looks base64, used as is (R24)

// A Xero world whose daemon serves webhooks on a free port. Polling is slow (2 h), so only a
// webhook (or an explicit sync) moves anything.
struct WebhookWorld {
  explicit WebhookWorld(const Seed& seed, std::string_view silence_warning = "6h") : world(seed) {
    std::ofstream(world.dir().path() / "xero-webhook-key") << kKey;
    port = free_loopback_port();
    world.options().extra_yaml = fmt::format(
        "webhooks:\n  listen: 127.0.0.1:{}\n  silence_warning: {}\n  xero:\n    webhook_key_file: {}/xero-webhook-key\n",
        port, silence_warning, world.dir().path().string());
    world.start_daemon();
  }

  std::string url() const { return fmt::format("http://127.0.0.1:{}/webhooks/xero", port); }

  // Sets the sandbox's Xero webhook up against the daemon and waits for intent-to-receive.
  std::string set_up(const std::string& steering = "") {
    auto r = world.admin("POST", "/_admin/xero/webhook",
                         fmt::format(R"({{"url":"{}","key":"{}","batch_ms":100{}}})", url(), kKey, steering));
    REQUIRE(r.status == 200);
    std::string status;
    wait_until(
        [&] {
          status = world.admin("GET", "/_admin/xero/webhook").json()["status"].GetString();
          return status != "pending";
        },
        20s);
    return status;
  }

  // POSTs `body` to the listener as Xero would, signed with `key`.
  sandbox::test::HttpResult post(const std::string& body, std::string_view key = kKey) const {
    const std::string signature = webhook::hmac_sha256_base64(Secret(std::string(key)), body);
    return sandbox::test::http_call(fmt::format("http://127.0.0.1:{}", port),
                                    {"POST", "/webhooks/xero", {{"x-xero-signature", signature}}, body});
  }

  std::int64_t count(const std::string& sql) const { return std::stoll("0" + world.query_text(sql)); }
  std::int64_t refresh_jobs() const { return count("SELECT count(*) FROM jobs WHERE kind = 'webhook_refresh'"); }

  // Waits until `done` holds (a failure guard: the deadline is far beyond any expected wait).
  template <typename F>
  bool eventually(F done, std::chrono::seconds timeout = 60s) const {
    return wait_until(done, timeout);
  }

  SyncWorld world;
  int port = 0;
};

std::string event(std::string_view tenant, std::string_view category, std::string_view id) {
  return fmt::format(
      R"({{"resourceUrl":"https://api.xero.com/api.xro/2.0/Invoices/{2}","resourceId":"{2}","eventDateUtc":"2026-12-07T10:00:00.123","eventType":"UPDATE","eventCategory":"{1}","tenantId":"{0}","tenantType":"ORGANISATION"}})",
      tenant, category, id);
}

std::string delivery(const std::vector<std::string>& events) {
  std::string list;
  for (const auto& e : events) list += (list.empty() ? "" : ",") + e;
  return fmt::format(R"({{"events":[{}],"firstEventSequence":1,"lastEventSequence":{},"entropy":"FXNGWLCCGVANWHKILRUB"}})",
                     list, events.size());
}

Seed paying_customer() {
  Seed seed;
  seed.party(organisation(11, "Paying Org"))
      .contact(org_contact("c-1", "Paying Org"))
      .invoice(sales_invoice("c-1", "INV-1", "100.00", 10).keyed("i-1"))
      .invoice(sales_invoice("c-1", "INV-2", "40.00", 20).keyed("i-2"));
  return seed;
}

std::optional<std::string> outstanding(const SyncWorld& world) {
  const auto state = world.state();
  const auto* party = state.party(11);
  return party ? SandboxState::field(*party, "Outstanding") : std::nullopt;
}

void pay(SyncWorld& world, const std::string& invoice_id, std::string_view amount) {
  auto r = world.xero("PUT", "/Payments",
                      fmt::format(R"({{"Invoice":{{"InvoiceID":"{}"}},"Account":{{"Code":"090"}},"Date":"2026-12-07","Amount":{}}})",
                                  invoice_id, amount));
  REQUIRE(r.status == 200);
}

}  // namespace

TEST_CASE("R24 intent-to-receive: good signatures get 200 and bad ones 401, so Xero turns the webhook on") {
  WebhookWorld w(paying_customer());
  CHECK(w.set_up() == "on");
  const auto answers = w.world.admin("GET", "/_admin/xero/webhook").json();
  std::vector<int> statuses;
  for (const auto& a : answers["answers"].GetArray()) statuses.push_back(a["status"].GetInt());
  CHECK(statuses.size() == 4);
  CHECK(std::count(statuses.begin(), statuses.end(), 401) == 2);
  CHECK(std::count(statuses.begin(), statuses.end(), 200) == 2);
  CHECK(w.refresh_jobs() == 0);  // intent-to-receive names nothing
}

TEST_CASE("R24 a forged signature gets 401, an empty body, and nothing is queued") {
  WebhookWorld w(paying_customer());
  const std::string body = delivery({event(kXeroTenantId, "INVOICE", w.world.kit().invoice_id("i-1"))});
  auto forged = w.post(body, "not-the-key");
  CHECK(forged.status == 401);
  CHECK(forged.body.empty());
  auto unsigned_ = sandbox::test::http_call(fmt::format("http://127.0.0.1:{}", w.port), {"POST", "/webhooks/xero", {}, body});
  CHECK(unsigned_.status == 401);
  CHECK(w.count("SELECT count(*) FROM webhook_refresh") == 0);
  CHECK(w.refresh_jobs() == 0);
  // The same body signed with the key is taken: the 401s were the signature's doing.
  auto good = w.post(body);
  CHECK(good.status == 200);
  CHECK(good.body.empty());
  CHECK(w.refresh_jobs() == 1);
}

TEST_CASE("R24 events for an organisation capsync does not serve are acknowledged and dropped") {
  WebhookWorld w(paying_customer());
  auto r = w.post(delivery({event("00000000-0000-4000-8000-00000000dead", "INVOICE", "inv-x")}));
  CHECK(r.status == 200);
  CHECK(r.body.empty());
  CHECK(w.count("SELECT count(*) FROM webhook_refresh") == 0);
  CHECK(w.refresh_jobs() == 0);
}

TEST_CASE("R23 a Xero invoice payment reaches Capsule through the webhook, without a poll") {
  WebhookWorld w(paying_customer());
  REQUIRE(outstanding(w.world) == "140.00 GBP");
  REQUIRE(w.set_up() == "on");
  w.world.clear_requests();
  const auto paid_at = std::chrono::steady_clock::now();
  pay(w.world, w.world.kit().invoice_id("i-1"), "100.00");
  REQUIRE(w.eventually([&] { return outstanding(w.world) == "40.00 GBP"; }));
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - paid_at).count();
  INFO("the payment reached Capsule in " << seconds << " s");
  // Read back by id, not by a listing: the webhook did it, not a poll.
  bool by_id = false, listed = false;
  for (const auto& r : w.world.requests()) {
    if (r.method != "GET" || !r.path.ends_with("/Invoices")) continue;
    (r.query.find("IDs=") != std::string::npos ? by_id : listed) = true;
  }
  CHECK(by_id);
  CHECK_FALSE(listed);
}

TEST_CASE("R23 a replayed and out-of-order delivery read the invoice back once and end right") {
  WebhookWorld w(paying_customer());
  const std::string i1 = w.world.kit().invoice_id("i-1");
  // Hold the connection's lock with a slow sync, so every delivery below lands before the
  // refresh runs: the refresh then reads the merged record once.
  REQUIRE(w.world.admin("POST", "/_admin/faults",
                        R"({"prefix":"/capsule/api/v2/parties","kind":"delay","delay_ms":4000,"count":1})")
              .status == 200);
  w.world.sync_now();
  pay(w.world, i1, "60.00");
  pay(w.world, i1, "40.00");
  const std::string first = delivery({event(kXeroTenantId, "INVOICE", i1)});
  const std::string both = delivery({event(kXeroTenantId, "INVOICE", i1), event(kXeroTenantId, "CONTACT",
                                                                                w.world.remote_id("c-1"))});
  w.world.clear_requests();
  CHECK(w.post(both).status == 200);   // the later delivery first
  CHECK(w.post(first).status == 200);  // then the earlier one
  CHECK(w.post(first).status == 200);  // and a replay
  CHECK(w.count("SELECT count(*) FROM webhook_refresh WHERE kind = 'invoice'") <= 1);
  w.world.wait_settled();
  CHECK(outstanding(w.world) == "40.00 GBP");
  int reads = 0;
  for (const auto& r : w.world.requests())
    if (r.method == "GET" && r.path.ends_with("/Invoices") && r.query.find("IDs=") != std::string::npos) ++reads;
  CHECK(reads == 1);
}

TEST_CASE("R23 a dropped delivery is caught by the next poll") {
  WebhookWorld w(paying_customer());
  REQUIRE(w.set_up(R"(,"drop":1)") == "on");
  pay(w.world, w.world.kit().invoice_id("i-1"), "100.00");
  // Xero lost the delivery: nothing arrives, and capsync does not depend on it.
  REQUIRE(w.eventually([&] { return w.world.admin("GET", "/_admin/xero/webhook").json()["sequence"].GetInt64() > 0; }));
  CHECK(w.refresh_jobs() == 0);
  w.world.sync();
  CHECK(outstanding(w.world) == "40.00 GBP");
}

TEST_CASE("R23 a storm of 10,000 events for 50 records queues at most 50 refreshes") {
  WebhookWorld w(paying_customer());
  REQUIRE(w.world.admin("POST", "/_admin/faults",
                        R"({"prefix":"/capsule/api/v2/parties","kind":"delay","delay_ms":12000,"count":1})")
              .status == 200);
  w.world.sync_now();  // holds the connection while the storm arrives
  w.world.clear_requests();
  for (int d = 0; d < 100; ++d) {
    std::vector<std::string> events;
    for (int e = 0; e < 100; ++e)
      events.push_back(event(kXeroTenantId, "INVOICE", fmt::format("00000000-0000-4000-8000-{:012}", (d * 100 + e) % 50)));
    REQUIRE(w.post(delivery(events)).status == 200);
  }
  CHECK(w.count("SELECT count(*) FROM webhook_refresh") <= 50);
  CHECK(w.count("SELECT count(*) FROM jobs WHERE kind = 'webhook_refresh' AND state = 'ready'") <= 1);
  w.world.wait_settled();
  CHECK(w.count("SELECT count(*) FROM webhook_refresh") == 0);
  int reads = 0;
  for (const auto& r : w.world.requests())
    if (r.method == "GET" && r.path.ends_with("/Invoices") && r.query.find("IDs=") != std::string::npos) ++reads;
  CHECK(reads <= 2);  // 50 ids: one request of 50, or two if the first refresh began mid-storm
}

TEST_CASE("R27 status shows the last Xero delivery and the day's count, and warns when polling finds what no webhook announced") {
  WebhookWorld w(paying_customer(), "1h");
  const auto xero_status = [&] {
    auto status = w.world.status();
    REQUIRE(status["webhooks"].IsArray());
    REQUIRE(status["webhooks"].Size() == 1);
    rapidjson::Document copy;
    copy.CopyFrom(status["webhooks"][0], copy.GetAllocator());
    return copy;
  };
  {
    const auto s = xero_status();
    CHECK(std::string(s["source"].GetString()) == "xero");
    CHECK(s["last_delivery"].IsNull());
    CHECK_FALSE(s.HasMember("warning"));  // the first import is no sign of a silent webhook
  }
  pay(w.world, w.world.kit().invoice_id("i-1"), "100.00");  // no webhook set up: nothing announces it
  w.world.sync();
  CHECK(xero_status().HasMember("warning"));
  REQUIRE(w.post(delivery({event("00000000-0000-4000-8000-00000000dead", "INVOICE", "inv-x")})).status == 200);
  REQUIRE(w.post(delivery({}), "not-the-key").status == 401);
  const auto s = xero_status();
  CHECK(s["last_delivery"].IsString());
  CHECK(s["deliveries_24h"].GetInt64() == 2);
  CHECK(std::string(s["last_outcome"].GetString()) == "forged");
  CHECK_FALSE(s.HasMember("warning"));  // a delivery with a good signature arrived since
  const auto text = w.world.ctl({"status"});
  CHECK(text.output.find("webhooks xero: last delivery") != std::string::npos);
}

TEST_CASE("R23 R11 capsync's own write to Xero, announced by the webhook, is read back and writes nothing") {
  WebhookWorld w(paying_customer());
  REQUIRE(w.set_up() == "on");
  // A Capsule edit that capsync pushes to the Xero contact; Xero announces that update.
  REQUIRE(w.world.capsule("PUT", "/parties/11", R"({"party":{"phoneNumbers":[{"type":"Work","number":"+44 20 7946 0123"}]}})")
              .status == 200);
  w.world.clear_requests();
  w.world.sync();
  REQUIRE(w.eventually([&] { return w.count("SELECT count(*) FROM jobs WHERE kind = 'webhook_refresh' AND state = 'done'") > 0; }));
  w.world.wait_settled();
  const auto requests = w.world.requests();
  std::int64_t read_back = 0;
  int pushes = 0;
  for (const auto& r : requests) {
    if (r.method == "GET" && r.path.ends_with("/Contacts") && r.query.find("IDs=") != std::string::npos) read_back = r.seq;
    if (r.is_write() && r.path.find("/Contacts") != std::string::npos) ++pushes;
  }
  REQUIRE(read_back > 0);  // the webhook's refresh read the contact back
  CHECK(pushes == 1);      // the push itself, once
  for (const auto& r : requests) {
    INFO(r.method << " " << r.path);
    CHECK_FALSE((r.seq > read_back && r.is_write()));  // and nothing after it: no echo
  }
}

TEST_CASE("R27 the webhook silence warning is written to the journal once per episode, naming the connection") {
  WebhookWorld w(paying_customer(), "1h");
  const auto journal_lines = [&] {
    std::vector<std::string> lines;
    std::istringstream log(w.world.daemon_log());
    for (std::string line; std::getline(log, line);)
      if (line.find("found changes no xero webhook announced") != std::string::npos) lines.push_back(line);
    return lines;
  };
  REQUIRE(journal_lines().empty());
  pay(w.world, w.world.kit().invoice_id("i-1"), "60.00");  // no webhook set up: nothing announces it
  w.world.sync();
  const auto first = journal_lines();
  REQUIRE(first.size() == 1);
  CHECK(first[0].find("warning connection=acme ") != std::string::npos);  // CAPSYNC_CONNECTION in the journal
  CHECK(first[0].find("check that the webhook is enabled") != std::string::npos);
  // The same episode: another unannounced change is no second line, though status still warns.
  pay(w.world, w.world.kit().invoice_id("i-1"), "40.00");
  w.world.sync();
  CHECK(journal_lines().size() == 1);
  CHECK(w.world.status()["webhooks"][0].HasMember("warning"));
}
