// R25: FreshBooks posts at /webhooks/freshbooks/<connection>/<token>. A verification post stores
// the verifier pending and commits the job that hands it back, in one transaction; a delivery
// counts only when signed with a verifier FreshBooks accepted, and then names one record.
#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include "connectors/freshbooks/callback_signature.hpp"
#include "core/store/database.hpp"
#include "core/webhook/verifier_store.hpp"
#include "daemon/freshbooks_webhook_route.hpp"
#include "test/unit/store/temp_dir.hpp"

using namespace capsync;
using daemon::FreshBooksWebhookRoute;

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

config::ConnectionConfig connection(std::string name, std::string_view provider) {
  config::ConnectionConfig c;
  c.name = std::move(name);
  c.accounting.provider.name = provider;
  c.accounting.client_secret = Secret("freshbooks-client-secret");
  return c;
}

struct Fixture {
  test::TempDir dir;
  std::unique_ptr<store::Database> db = store::Database::open(dir.file("capsync.db"), {}).value();
  std::vector<queue::JobSpec> jobs;
  bool refuse_jobs = false;
  FreshBooksWebhookRoute route{*db,
                               [this](queue::JobSpec spec) -> Result<std::int64_t> {
                                 if (refuse_jobs) return make_error(Errc::io, "disk full");
                                 jobs.push_back(std::move(spec));
                                 return static_cast<std::int64_t>(jobs.size());
                               },
                               [] { return kNow; }};
  std::string token = daemon::freshbooks_callback_token(Secret("freshbooks-client-secret"), "acme");

  Fixture() { route.serve({connection("acme", "freshbooks"), connection("xero-one", "xero")}); }

  daemon::WebhookAnswer post(const std::string& rest, const std::string& body, const std::string& signature = "") {
    std::map<std::string, std::string, std::less<>> headers;
    if (!signature.empty()) headers["x-freshbooks-hmac-sha256"] = signature;
    daemon::WebhookRequest request;
    request.path = "/webhooks/freshbooks/" + rest;
    request.rest = rest;
    request.body = body;
    request.headers = &headers;
    return route.handle(request);
  }

  // An event delivery signed with `verifier`.
  daemon::WebhookAnswer deliver(std::string_view event, std::string_view id, const std::string& verifier,
                                const std::string& rest = "") {
    const http::FormFields fields{{"name", std::string(event)}, {"object_id", std::string(id)},
                                  {"account_id", "SBX001"},     {"business_id", "439000"},
                                  {"identity_id", "712052"},    {"user_id", "1"}};
    return post(rest.empty() ? "acme/" + token : rest, http::form_encode(fields),
                freshbooks::callback_signature(Secret(verifier), fields));
  }
};

}  // namespace

TEST_CASE("R25 a FreshBooks verification post stores the verifier pending and commits the job that hands it back") {
  Fixture f;
  const auto answer = f.post("acme/" + f.token, "name=callback.verify&object_id=2001&verifier=code-2001");
  CHECK(answer.status == 200);
  CHECK(answer.outcome == "verified");
  CHECK(answer.body.empty());
  CHECK(answer.events.empty());
  REQUIRE(f.jobs.size() == 1);
  CHECK(f.jobs[0].kind == daemon::kind_freshbooks_verify);
  CHECK(f.jobs[0].connection == "acme");
  CHECK(f.jobs[0].payload == "2001");
  webhook::VerifierStore store(*f.db);
  auto stored = store.find("acme", 2001);
  REQUIRE(stored);
  REQUIRE(*stored);
  CHECK((*stored)->reveal() == "code-2001");
  CHECK(store.verified("acme")->empty());  // not yet accepted by FreshBooks: checks nothing

  // A post for another connection's path, or without the token, stores nothing.
  CHECK(f.post("acme/wrong-token", "name=callback.verify&object_id=2002&verifier=x").status == 401);
  CHECK(f.post("xero-one/" + f.token, "name=callback.verify&object_id=2002&verifier=x").status == 401);
  CHECK_FALSE(*store.find("acme", 2002));
  CHECK(f.jobs.size() == 1);

  // When the job cannot be committed, neither is the verifier: 503, and FreshBooks' resend brings it back.
  f.refuse_jobs = true;
  CHECK(f.post("acme/" + f.token, "name=callback.verify&object_id=2003&verifier=code-2003").status == 503);
  CHECK_FALSE(*store.find("acme", 2003));
}

TEST_CASE("R25 a FreshBooks delivery counts only when signed with an accepted verifier, and names its record") {
  Fixture f;
  webhook::VerifierStore store(*f.db);
  REQUIRE(store.put("acme", 2001, Secret("accepted"), kNow));
  REQUIRE(store.mark_verified("acme", 2001, Secret("accepted")));
  REQUIRE(store.put("acme", 2002, Secret("pending"), kNow));

  const auto invoice = f.deliver("invoice.update", "77", "accepted");
  CHECK(invoice.status == 200);
  CHECK(invoice.outcome == "accepted");
  CHECK(invoice.body.empty());
  REQUIRE(invoice.events.size() == 1);
  CHECK(invoice.events[0] == webhook::Event{"acme", webhook::RecordKind::invoice, "77", "freshbooks"});
  CHECK(f.deliver("client.create", "100001", "accepted").events.at(0).kind == webhook::RecordKind::contact);
  CHECK(f.deliver("estimate.update", "5", "accepted").events.at(0).kind == webhook::RecordKind::quote);
  const auto payment = f.deliver("payment.create", "9", "accepted");
  CHECK(payment.status == 200);
  CHECK(payment.events.empty());

  for (const auto& forged : {f.deliver("invoice.update", "77", "pending"), f.deliver("invoice.update", "77", "guess"),
                             f.deliver("invoice.update", "77", "accepted", "acme/not-the-token"),
                             f.deliver("invoice.update", "77", "accepted", "nobody/" + f.token),
                             f.post("acme/" + f.token, "name=invoice.update&object_id=77")}) {
    CHECK(forged.status == 401);
    CHECK(forged.outcome == "forged");
    CHECK(forged.body.empty());
    CHECK(forged.events.empty());
  }
}
