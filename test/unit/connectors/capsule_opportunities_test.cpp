// The Capsule connector's opportunity reads against capsync-sandbox over HTTP: incremental
// listing with party, milestone and tags embedded, deletions, and every pipeline's milestones.
#include <catch2/catch.hpp>

#include <exception>
#include <fstream>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "connectors/capsule/capsule_connector.hpp"
#include "connectors/capsule/personal_token.hpp"
#include "core/connector/http_sender.hpp"
#include "core/http/client.hpp"
#include "test/unit/http/sandbox_process.hpp"
#include "test/unit/store/temp_dir.hpp"
#include "test/unit/http/run.hpp"

using namespace capsync;
using capsync::test::SandboxProcess;
using capsync::test::TempDir;
namespace asio = boost::asio;

namespace {

constexpr std::string_view kSeed = R"js({"capsule": {
  "tokens": ["capsule-sandbox-token"],
  "users": [{"id": 1, "username": "sandbox", "name": "Sandbox Admin"}],
  "parties": [{"id": 11, "type": "organisation", "name": "Acme Ltd"}],
  "tags": [{"id": 70, "name": "Quote accepted"}],
  "pipelines": [{"id": 3, "name": "Sales"}, {"id": 4, "name": "Renewals"}],
  "milestones": [{"id": 31, "name": "Lead", "pipeline": {"id": 3}, "complete": false, "probability": 10},
                 {"id": 32, "name": "Proposal", "pipeline": {"id": 3}, "complete": false, "probability": 50},
                 {"id": 41, "name": "Due", "pipeline": {"id": 4}, "complete": false, "probability": 80}],
  "opportunities": [
    {"id": 501, "name": "Website rebuild", "description": "Six pages", "party": {"id": 11},
     "milestone": {"id": 32}, "value": {"amount": 4500.50, "currency": "GBP"}, "expectedCloseOn": "2030-01-31",
     "tags": [{"id": 70, "name": "Quote accepted"}], "updatedAt": "2024-06-01T10:00:00Z"},
    {"id": 502, "name": "Support", "party": {"id": 11}, "milestone": {"id": 41},
     "value": {"amount": 300, "currency": "EUR"}, "durationBasis": "MONTH", "duration": 12,
     "updatedAt": "2024-06-02T10:00:00Z"}]
}})js";

struct Fixture {
  TempDir dir;
  std::unique_ptr<SandboxProcess> sandbox;
  asio::io_context io;
  http::Client client{io.get_executor(), {}};
  connector::ClientSender sender{client, "acme", "capsule"};
  capsule::PersonalToken token{Secret("capsule-sandbox-token")};
  std::unique_ptr<capsule::CapsuleClient> capsule;

  Fixture() {
    const std::string seed = dir.file("seed.json");
    std::ofstream(seed) << kSeed;
    sandbox = std::make_unique<SandboxProcess>(std::vector<std::string>{"--seed", seed});
    REQUIRE(sandbox->running());
    capsule::CapsuleSettings settings;
    settings.base_url = sandbox->base_url() + "/capsule";
    settings.per_page = 1;  // one opportunity a page: the Link header is followed
    capsule = std::make_unique<capsule::CapsuleClient>(sender, token, settings);
  }

  template <typename T>
  T run(asio::awaitable<T> task) {
    return test::run(io, std::move(task));
  }
};

}  // namespace

TEST_CASE("Capsule opportunities: read page by page with party, milestone, value and tags; then only what changed") {
  Fixture f;
  auto first = f.run(f.capsule->list_opportunities({"", 1}));
  REQUIRE(first.ok());
  REQUIRE(first->items.size() == 1);
  CHECK(first->has_next);
  // Capsule's time of answering: the next listing starts from it, so an opportunity edited on
  // a page already read is not skipped (engine::capsule_listing_cursor).
  CHECK(first->answered_at.has_value());
  const auto& o = first->items[0];
  CHECK(o.id == 501);
  CHECK(o.name == "Website rebuild");
  CHECK(o.description == "Six pages");
  CHECK(o.party_id == 11);
  CHECK(o.milestone_id == 32);
  CHECK(o.milestone == "Proposal");
  REQUIRE(o.value.has_value());
  CHECK(o.value->to_string() == "4500.50");
  CHECK(o.value->currency() == "GBP");
  CHECK(o.expected_close == model::parse_date("2030-01-31").value());
  CHECK(o.duration_basis == model::DurationBasis::fixed);
  CHECK(o.has_tag("Quote accepted"));

  auto second = f.run(f.capsule->list_opportunities({"", 2}));
  REQUIRE(second.ok());
  REQUIRE(second->items.size() == 1);
  CHECK_FALSE(second->has_next);
  CHECK(second->items[0].duration_basis == model::DurationBasis::month);
  CHECK(second->items[0].duration == 12);
  CHECK(second->cursor == "2024-06-02T10:00:00.000Z");

  // From the cursor: the newest one comes again (>= cursor), the older one does not.
  auto again = f.run(f.capsule->list_opportunities({second->cursor, 1}));
  REQUIRE(again.ok());
  REQUIRE(again->items.size() == 1);
  CHECK(again->items[0].id == 502);
}

TEST_CASE("Capsule opportunities: deletions since a time, and the milestones of every pipeline") {
  Fixture f;
  const auto before = model::Timestamp(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  http::Request del;
  del.method = http::Method::del;
  del.url = f.sandbox->base_url() + "/capsule/api/v2/opportunities/502";
  del.bearer = Secret("capsule-sandbox-token");
  auto deleted = f.run(f.client.send(std::move(del)));
  REQUIRE(deleted.ok());
  CHECK(deleted->status == 204);

  auto gone = f.run(f.capsule->list_deleted_opportunities(before));
  REQUIRE(gone.ok());
  REQUIRE(gone->size() == 1);
  CHECK((*gone)[0].id == 502);

  auto milestones = f.run(f.capsule->list_milestones());
  REQUIRE(milestones.ok());
  REQUIRE(milestones->size() == 3);
  CHECK((*milestones)[1] == model::Milestone{32, "Proposal", 3, "Sales", false});
  CHECK((*milestones)[2] == model::Milestone{41, "Due", 4, "Renewals", false});
}

TEST_CASE("R22 Capsule opportunities: one read by id, a note made, listed and changed on it, and a tag added once") {
  Fixture f;
  auto one = f.run(f.capsule->get_opportunity(502));
  REQUIRE(one.ok());
  CHECK(one->name == "Support");
  CHECK(one->value->to_string() == "300.00");
  auto gone = f.run(f.capsule->get_opportunity(999));
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().code() == Errc::not_found);

  auto made = f.run(f.capsule->create_opportunity_note(501, "Quote QU-0001: 4,500.50 GBP (Draft)"));
  REQUIRE(made.ok());
  auto notes = f.run(f.capsule->list_opportunity_notes(501));
  REQUIRE(notes.ok());
  REQUIRE(notes->size() == 1);
  CHECK((*notes)[0].id == made->id);
  CHECK((*notes)[0].party_id == 0);
  auto changed = f.run(f.capsule->update_note(made->id, "Quote QU-0001: 4,500.50 GBP (Sent)"));
  REQUIRE(changed.ok());
  notes = f.run(f.capsule->list_opportunity_notes(501));
  REQUIRE(notes.ok());
  REQUIRE(notes->size() == 1);
  CHECK((*notes)[0].content == "Quote QU-0001: 4,500.50 GBP (Sent)");
  auto on_party = f.run(f.capsule->list_notes(11));  // a note on the opportunity is not the party's
  REQUIRE(on_party.ok());
  CHECK(on_party->empty());
  CHECK(f.run(f.capsule->list_opportunity_notes(999)).error().code() == Errc::not_found);

  REQUIRE(f.run(f.capsule->tag_opportunity(502, "Quote accepted")).ok());
  REQUIRE(f.run(f.capsule->tag_opportunity(502, "Quote accepted")).ok());
  one = f.run(f.capsule->get_opportunity(502));
  REQUIRE(one.ok());
  REQUIRE(one->tags.size() == 1);
  CHECK(one->tags[0].name == "Quote accepted");
  CHECK(one->milestone_id == 41);  // the milestone never moves
}
