// Several accounting services on one Capsule account (R28), end to end: one sandbox Capsule
// with Xero and FreeAgent, a capsyncd connection to each with the same Capsule token, and a
// party of the same name linked by both.

#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "test/scenario/sync_world.hpp"

using namespace capsync::scenario;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view kTag = "Overdue invoices";
constexpr std::string_view kSecond = "freeagent";
constexpr std::int64_t kAcme = 11;

// The party and a contact of its name on both sides, each with one sales invoice: Xero's
// 120.00 GBP (key i-1) and FreeAgent's 80.00 GBP (key i-2), overdue or due later. The Capsule
// fields of the second connection's default summary_fields ("Outstanding (FreeAgent)", ...).
Seed shared_seed(bool xero_overdue, bool freeagent_overdue) {
  Seed seed("xero");
  seed.also(kSecond)
      .field(R"j({"id": 120, "type": "text", "name": "Outstanding (FreeAgent)", "displayOrder": 5})j")
      .field(R"j({"id": 121, "type": "text", "name": "Overdue (FreeAgent)", "displayOrder": 6})j")
      .field(R"j({"id": 122, "type": "date", "name": "Next due date (FreeAgent)", "displayOrder": 7})j")
      .field(R"j({"id": 123, "type": "date", "name": "Last invoice date (FreeAgent)", "displayOrder": 8})j")
      .party(organisation(kAcme, "Acme Trading Ltd"))
      .contact(org_contact("c-1", "Acme Trading Ltd"))
      .invoice(sales_invoice("c-1", "INV-1", "120.00", xero_overdue ? -5 : 20).keyed("i-1"))
      .contact(org_contact("c-1", "Acme Trading Ltd"), kSecond)
      .invoice(sales_invoice("c-1", "FA-2", "80.00", freeagent_overdue ? -3 : 15).keyed("i-2"), kSecond);
  return seed;
}

WorldOptions shared_options() {
  WorldOptions options;
  options.sync_yaml = "invoice_note: true";
  options.second_provider = std::string(kSecond);
  options.second_sync_yaml = "invoice_note: true";
  return options;
}

// The contents of the party's notes that capsync keeps, by the service their heading names.
std::vector<std::string> notes_naming(const SandboxState& state, std::string_view service) {
  std::vector<std::string> out;
  for (const auto* note : state.notes_of(kAcme)) {
    const std::string content = text_of(*note, "content");
    if (content.starts_with(fmt::format("Invoices in {}, ", service))) out.push_back(content);
  }
  return out;
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("R28 a party linked by Xero and FreeAgent shows both services' figures and notes; the overdue tag "
          "stays while either sees an overdue amount") {
  SyncWorld world(shared_seed(true, true), shared_options());
  world.start_daemon();
  world.sync_both();
  {
    const auto state = world.state();
    const auto* party = state.party(kAcme);
    REQUIRE(party);
    CHECK(world.binding_of_contact("c-1") == std::to_string(kAcme));
    CHECK(SandboxState::field(*party, "Outstanding") == "120.00 GBP");
    CHECK(SandboxState::field(*party, "Overdue") == "120.00 GBP");
    CHECK(SandboxState::field(*party, "Outstanding (FreeAgent)") == "80.00 GBP");
    CHECK(SandboxState::field(*party, "Overdue (FreeAgent)") == "80.00 GBP");
    CHECK(SandboxState::has_tag(*party, kTag));
    // One note each, headed with its service and organisation, listing its own invoices only.
    CHECK(state.notes_of(kAcme).size() == 2);
    const auto xero = notes_naming(state, "Xero");
    const auto freeagent = notes_naming(state, "FreeAgent");
    REQUIRE(xero.size() == 1);
    REQUIRE(freeagent.size() == 1);
    CHECK(xero.front().starts_with("Invoices in Xero, Sandbox Company (UK) (kept up to date by capsync"));
    CHECK(contains(xero.front(), "INV-1"));
    CHECK_FALSE(contains(xero.front(), "FA-2"));
    CHECK(contains(freeagent.front(), "FA-2"));
    CHECK_FALSE(contains(freeagent.front(), "INV-1"));
  }
  // The shared account is detected (GET /site) and said: in the journal and by status.
  CHECK(contains(world.daemon_log(), "shares Capsule account 'Sandbox Account'"));
  CHECK(contains(world.ctl({"status"}).output, "capsule account: Sandbox Account"));
  const auto status = world.status();
  for (const auto& c : status["connections"].GetArray()) {
    const std::string name = text_of(c, "name");
    INFO(name);
    REQUIRE(c["capsule_account"].IsObject());
    CHECK(text_of(c["capsule_account"], "name") == "Sandbox Account");
    const auto& others = c["capsule_account"]["shared_with"];
    REQUIRE(others.Size() == 1);
    CHECK(std::string(others[0].GetString()) == (name == kConnection ? kSecondConnection : kConnection));
  }

  // Xero's invoice no longer counts: Xero's figures go, FreeAgent's reason keeps the tag.
  world.kit().void_invoice(world.kit().invoice_id("i-1"));
  world.sync_both();
  {
    const auto state = world.state();
    const auto* party = state.party(kAcme);
    REQUIRE(party);
    CHECK_FALSE(SandboxState::field(*party, "Overdue"));
    CHECK(SandboxState::field(*party, "Overdue (FreeAgent)") == "80.00 GBP");
    CHECK(SandboxState::has_tag(*party, kTag));
    CHECK(notes_naming(state, "Xero").size() == 1);
    CHECK(notes_naming(state, "FreeAgent").size() == 1);
  }

  // The reasons outlive a restart; FreeAgent's invoice goes too, and with it the tag.
  world.restart_daemon();
  world.second_kit().void_invoice(world.second_kit().invoice_id("i-2"));
  world.sync_both();
  const auto state = world.state();
  const auto* party = state.party(kAcme);
  REQUIRE(party);
  CHECK_FALSE(SandboxState::field(*party, "Overdue (FreeAgent)"));
  CHECK_FALSE(SandboxState::has_tag(*party, kTag));
}

TEST_CASE("R28 two tokens reaching one Capsule account with the same summary field names: the account read at "
          "start refuses the second to sync") {
  WorldOptions options = shared_options();
  options.second_other_token = true;  // so the config's check cannot tell; the defaults are identical
  options.extra_yaml = "queue:\n  max_attempts: 1\n";
  SyncWorld world(shared_seed(true, true), options);
  CHECK_THROWS_WITH(world.start_daemon(),
                    Catch::Contains("on the same Capsule account 'Sandbox Account' writes: give one of them its own "
                                    "sync.summary_fields"));
  // Only one of the two wrote its summary and note; the other was stopped before writing.
  const auto state = world.state();
  CHECK(state.notes_of(kAcme).size() == 1);
}

TEST_CASE("R28 R16 disabling one of two connections on a Capsule account leaves the other's fields, note and tag") {
  SyncWorld world(shared_seed(true, true), shared_options());
  world.start_daemon();
  world.sync_both();
  REQUIRE(SandboxState::has_tag(*world.state().party(kAcme), kTag));

  const auto r = world.ctl({"--json", "disable", std::string(kSecondConnection), "--yes"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  rapidjson::Document answer;
  answer.Parse(r.output.c_str());
  REQUIRE((answer.IsObject() && answer.HasMember("job") && answer["job"].IsInt64()));
  world.wait_settled({answer["job"].GetInt64()});
  world.sync();  // the first connection goes on syncing

  const auto state = world.state();
  const auto* party = state.party(kAcme);
  REQUIRE(party);
  // FreeAgent's writes are gone...
  CHECK_FALSE(SandboxState::field(*party, "Outstanding (FreeAgent)"));
  CHECK_FALSE(SandboxState::field(*party, "Overdue (FreeAgent)"));
  CHECK(notes_naming(state, "FreeAgent").empty());
  // ...Xero's are not: its fields, its note and its reason for the tag.
  CHECK(SandboxState::field(*party, "Outstanding") == "120.00 GBP");
  CHECK(SandboxState::field(*party, "Overdue") == "120.00 GBP");
  CHECK(notes_naming(state, "Xero").size() == 1);
  CHECK(SandboxState::has_tag(*party, kTag));
}

TEST_CASE("R28 R10 R11 a Capsule edit to a party linked by two services reaches each once, and neither "
          "reads the other's writes as an edit") {
  SyncWorld world(shared_seed(false, true), shared_options());
  world.start_daemon();
  world.sync_both();
  {
    const auto state = world.state();
    const auto* party = state.party(kAcme);
    REQUIRE(party);
    REQUIRE(SandboxState::field(*party, "Outstanding") == "120.00 GBP");
    REQUIRE(SandboxState::field(*party, "Outstanding (FreeAgent)") == "80.00 GBP");
  }
  world.clear_requests();
  REQUIRE(world.capsule("PUT", fmt::format("/parties/{}", kAcme),
                        R"({"party":{"emailAddresses":[{"type":"Work","address":"accounts@acme.test"}]}})")
              .status == 200);
  world.sync_both();

  const auto state = world.state();
  CHECK(world.remote(state).find("c-1")->email == "accounts@acme.test");
  const RemoteBook second(world.second_kit().contacts(state.doc()));
  REQUIRE(second.find(world.second_kit().remote_id("c-1")));
  CHECK(second.find(world.second_kit().remote_id("c-1"))->email == "accounts@acme.test");
  // One contact write per service, and nothing written back to Capsule for it.
  int xero_writes = 0, freeagent_writes = 0;
  for (const auto& w : world.writes()) {
    if (w.provider == "xero") ++xero_writes;
    if (w.provider == std::string(kSecond)) ++freeagent_writes;
  }
  INFO(describe(world.writes()));
  CHECK(xero_writes == 1);
  CHECK(freeagent_writes == 1);

  // Later syncs of both find nothing to do on any side: no echo across the two connections.
  world.clear_requests();
  world.sync_both();
  world.sync_both();
  INFO(describe(world.writes()));
  CHECK(world.writes().empty());
}
