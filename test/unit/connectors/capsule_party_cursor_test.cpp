// The Capsule party cursor over a listing of several pages, against capsync-sandbox: an edit made
// while the listing runs, to a party on a page already read, is read by the next sync even when a
// later page shows a newer edit. The pages are read one by one as pull_capsule reads them, and
// the cursor it would store comes from the engine's own rule.
#include <catch2/catch.hpp>

#include <fstream>
#include <optional>

#include <boost/asio/io_context.hpp>

#include "connectors/capsule/capsule_connector.hpp"
#include "connectors/capsule/personal_token.hpp"
#include "core/connector/http_sender.hpp"
#include "core/engine/pull.hpp"
#include "core/http/client.hpp"
#include "test/unit/http/run.hpp"
#include "test/unit/http/sandbox_process.hpp"
#include "test/unit/store/temp_dir.hpp"

using namespace capsync;
namespace asio = boost::asio;

namespace {

constexpr std::string_view kSeed = R"js({"capsule": {
  "tokens": ["capsule-sandbox-token"],
  "users": [{"id": 1, "username": "sandbox", "name": "Sandbox Admin"}],
  "parties": [{"id": 11, "type": "organisation", "name": "Acme Ltd", "updatedAt": "2024-06-01T10:00:00Z"},
              {"id": 12, "type": "organisation", "name": "Globex", "updatedAt": "2024-06-01T10:00:00Z"}]
}})js";

struct Fixture {
  test::TempDir dir;
  std::unique_ptr<test::SandboxProcess> sandbox;
  asio::io_context io;
  http::Client client{io.get_executor(), {}};
  connector::ClientSender sender{client, "acme", "capsule"};
  capsule::PersonalToken token{Secret("capsule-sandbox-token")};
  std::unique_ptr<capsule::CapsuleClient> capsule;

  Fixture() {
    const std::string seed = dir.file("seed.json");
    std::ofstream(seed) << kSeed;
    sandbox = std::make_unique<test::SandboxProcess>(std::vector<std::string>{"--seed", seed});
    REQUIRE(sandbox->running());
    capsule::CapsuleSettings settings;
    settings.base_url = sandbox->base_url() + "/capsule";
    settings.per_page = 1;  // one party a page: Acme Ltd on page 1, Globex on page 2
    capsule = std::make_unique<capsule::CapsuleClient>(sender, token, settings);
  }

  template <typename T>
  T run(asio::awaitable<T> task) {
    return test::run(io, std::move(task));
  }

  // A request straight to the sandbox, as a person editing in Capsule or the test's admin.
  void send(http::Method method, const std::string& path, std::string body) {
    http::Request r;
    r.method = method;
    r.url = sandbox->base_url() + path;
    r.body = std::move(body);
    r.content_type = "application/json";
    r.bearer = Secret("capsule-sandbox-token");
    auto response = run(client.send(std::move(r)));
    REQUIRE(response.ok());
    REQUIRE(response->status == 200);
  }

  void rename(int id, std::string_view name) {
    send(http::Method::put, fmt::format("/capsule/api/v2/parties/{}", id),
         fmt::format(R"({{"party":{{"name":"{}"}}}})", name));
  }
};

std::optional<std::string> name_of(const std::vector<model::Party>& parties, model::PartyId id) {
  for (const auto& p : parties)
    if (p.id == id) return p.name;
  return std::nullopt;
}

}  // namespace

TEST_CASE("Capsule party cursor: an edit on a page already read is not skipped by a newer one on a later page") {
  Fixture f;
  // A listing of two pages, as pull_capsule reads it: page 1, then the edits, then page 2.
  auto first = f.run(f.capsule->list_parties({"", 1}));
  REQUIRE(first.ok());
  REQUIRE(first->items.size() == 1);
  CHECK(first->items[0].id == 11);
  REQUIRE(first->has_next);
  REQUIRE(first->answered_at);  // the sandbox says its time, as Capsule does

  f.rename(11, "Acme Group");  // on page 1, already read
  f.send(http::Method::post, "/_admin/time", R"({"advance_s":10})");
  f.rename(12, "Globex Corp");  // on page 2, not yet read: ten seconds newer

  auto second = f.run(f.capsule->list_parties({"", 2}));
  REQUIRE(second.ok());
  REQUIRE(second->items.size() == 1);
  CHECK(second->items[0].name == "Globex Corp");
  CHECK_FALSE(second->has_next);

  std::string newest;
  for (const auto* page : {&*first, &*second})
    if (page->cursor > newest) newest = page->cursor;
  const auto cursor = engine::capsule_listing_cursor("", newest, first->answered_at);
  INFO("cursor " << cursor);

  // The next sync, from that cursor, reads both edits.
  std::vector<model::Party> next;
  for (int page = 1;; ++page) {
    auto listed = f.run(f.capsule->list_parties({cursor, page}));
    REQUIRE(listed.ok());
    next.insert(next.end(), listed->items.begin(), listed->items.end());
    if (!listed->has_next) break;
  }
  CHECK(name_of(next, 11) == std::optional<std::string>("Acme Group"));
  CHECK(name_of(next, 12) == std::optional<std::string>("Globex Corp"));
}

TEST_CASE("Capsule party cursor: never before the stored one, and the newest change without a start time") {
  const auto began = model::parse_timestamp("2026-12-07T10:00:05.000Z").value();
  // One second before the listing began, for the edits made in that second.
  CHECK(engine::capsule_listing_cursor("", "2026-12-07T10:00:09.000Z", began) == "2026-12-07T10:00:04.000Z");
  CHECK(engine::capsule_listing_cursor("2026-12-07T09:00:00.000Z", "2026-12-07T10:00:09.000Z", began) ==
        "2026-12-07T10:00:04.000Z");
  // A cursor stored later than that stays: the cursor never goes back.
  CHECK(engine::capsule_listing_cursor("2026-12-07T10:00:04.500Z", "2026-12-07T10:00:09.000Z", began) ==
        "2026-12-07T10:00:04.500Z");
  CHECK(engine::capsule_listing_cursor("2026-12-07T09:00:00.000Z", "2026-12-07T10:00:09.000Z", std::nullopt) ==
        "2026-12-07T10:00:09.000Z");
}
