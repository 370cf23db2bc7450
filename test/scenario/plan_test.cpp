// capsyncctl plan against a running capsyncd and the sandbox: the plan lists what the next sync
// does, and the sandbox's request log proves it wrote nothing on either side while planning.

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "test/scenario/sync_world.hpp"

using namespace capsync::scenario;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// Acme Ltd, linked by the start-up sync.
Seed linked_seed() {
  Seed seed;
  seed.party(organisation(11, "Acme Ltd"))
      .contact(xero_contact("c-1", "Acme Ltd"))
      .invoice(xero_invoice("c-1", "INV-1", "10.00", 10));
  return seed;
}

// A Xero contact made through the API, with one authorised invoice so it qualifies (R3).
std::string add_xero_contact(SyncWorld& world, std::string_view members, std::string_view number) {
  auto created = world.xero("PUT", "/Contacts", fmt::format(R"({{"Contacts":[{{{}}}]}})", members));
  REQUIRE(created.status == 200);
  const std::string id = text_of(created.json()["Contacts"][0], "ContactID");
  REQUIRE_FALSE(id.empty());
  auto invoice = world.xero("PUT", "/Invoices",
                            fmt::format(R"({{"Invoices":[{{"Type":"ACCREC","Status":"AUTHORISED","InvoiceNumber":"{}",)"
                                        R"("Contact":{{"ContactID":"{}"}},"Date":"{}","DueDate":"{}",)"
                                        R"("LineItems":[{{"Description":"Work","Quantity":1,"UnitAmount":30.00,)"
                                        R"("AccountCode":"200"}}]}}]}})",
                                        number, id, utc_date(-30), utc_date(-2)));
  REQUIRE(invoice.status == 200);
  return id;
}

std::int64_t add_party(SyncWorld& world, std::string_view party_json) {
  auto created = world.capsule("POST", "/parties", fmt::format(R"({{"party":{}}})", party_json));
  REQUIRE(created.status == 201);
  return created.json()["party"]["id"].GetInt64();
}

// Everything the plan must leave as it was in the daemon's store.
std::vector<std::vector<std::string>> store_rows(const SyncWorld& world) {
  std::vector<std::vector<std::string>> out;
  for (const char* table : {"bindings", "conflicts", "cursors", "engine_parties", "engine_contacts", "engine_notes",
                            "engine_conflict_keys", "invoices"})
    for (auto& row : world.query_rows(fmt::format("SELECT * FROM {} ORDER BY 1, 2", table))) {
      std::vector<std::string> named{table};
      named.insert(named.end(), row.begin(), row.end());
      out.push_back(std::move(named));
    }
  return out;
}

rapidjson::Document parse_json(const RunResult& r) {
  rapidjson::Document doc;
  doc.Parse(r.output.c_str());
  INFO(r.output);
  REQUIRE((!doc.HasParseError() && doc.IsObject()));
  return doc;
}

std::string id_text(const rapidjson::Value& side) {
  if (!side.IsObject() || !side["id"].IsInt64()) return side.IsObject() && side["id"].IsString() ? side["id"].GetString() : "";
  return std::to_string(side["id"].GetInt64());
}

}  // namespace

TEST_CASE("plan R1 R2 R10 R17: links, creates, a push and a conflict are planned with no write, then done") {
  SyncWorld world(linked_seed());
  world.start_daemon();

  const std::int64_t beta = add_party(world, R"({"type":"organisation","name":"Beta Ltd"})");
  const std::string c_beta = add_xero_contact(world, R"("Name":"Beta Ltd")", "INV-B");          // R1 link
  const std::string c_gamma = add_xero_contact(world, R"("Name":"Gamma Ltd")", "INV-G");        // R2 create
  add_party(world, R"({"type":"person","firstName":"Pat","lastName":"Twin"})");
  add_party(world, R"({"type":"person","firstName":"Pat","lastName":"Twin"})");
  const std::string c_twin =
      add_xero_contact(world, R"("Name":"Pat Twin","FirstName":"Pat","LastName":"Twin")", "INV-T");  // R17 ambiguous
  REQUIRE(world.capsule("PUT", "/parties/11", R"({"party":{"phoneNumbers":[{"type":"Work","number":"0113 496 0001"}]}})")
              .status == 200);  // R10 push

  const auto rows_before = store_rows(world);
  world.clear_requests();
  const auto human = world.ctl({"plan", "acme"});
  INFO(human.output);
  REQUIRE(human.exit_code == 0);
  CHECK(contains(human.output, "Plan of the next sync of acme:"));
  CHECK(contains(human.output, "1 Link, 1 Create in Capsule"));
  CHECK(contains(human.output, fmt::format("party {} 'Beta Ltd' <-> contact {} 'Beta Ltd'", beta, c_beta)));
  CHECK(contains(human.output, fmt::format("new party 'Gamma Ltd' for contact {} 'Gamma Ltd'", c_gamma)));
  CHECK(contains(human.output, "contact c-1 'Acme Ltd' from party 11 'Acme Ltd': phone: '' -> '0113 496 0001'"));
  CHECK(contains(human.output, fmt::format("ambiguous_match: contact {} 'Pat Twin'", c_twin)));
  CHECK(human.output.ends_with("Nothing was written: this was a plan.\n"));

  const auto json = world.ctl({"--json", "plan", "acme"});
  REQUIRE(json.exit_code == 0);
  const auto doc = parse_json(json);
  const auto& plan = doc["plan"];
  REQUIRE(plan["link"].Size() == 1);
  CHECK(id_text(plan["link"][0]["party"]) == std::to_string(beta));
  CHECK(id_text(plan["link"][0]["contact"]) == c_beta);
  REQUIRE(plan["create_in_capsule"].Size() == 1);
  CHECK(plan["create_in_capsule"][0]["party"]["id"].IsNull());
  CHECK(id_text(plan["create_in_capsule"][0]["contact"]) == c_gamma);
  REQUIRE(plan["push"].Size() == 1);
  CHECK(id_text(plan["push"][0]["contact"]) == "c-1");
  REQUIRE(plan["conflicts"].Size() == 1);
  CHECK(text_of(plan["conflicts"][0], "kind") == "ambiguous_match");
  CHECK(plan["export"].Size() == 0);
  CHECK(plan["reads"].GetInt() > 0);

  // Two plans read both sides, and wrote nothing on either, nor in the daemon's store.
  const auto requests = world.requests();
  INFO(describe(requests));
  CHECK_FALSE(requests.empty());
  CHECK(world.writes().empty());
  CHECK(store_rows(world) == rows_before);

  // The sync then does what the plan said, and nothing else.
  world.clear_requests();
  world.sync();
  const auto writes = world.writes();
  INFO(describe(writes));
  const auto state = world.state();
  const auto* gamma = state.party_named("Gamma Ltd");
  REQUIRE(gamma != nullptr);
  const std::string gamma_id = id_of(gamma);
  CHECK(world.binding_of_contact(c_beta) == std::to_string(beta));
  CHECK(world.binding_of_contact(c_gamma) == gamma_id);
  CHECK_FALSE(world.binding_of_contact(c_twin));
  int conflicts_on_twin = 0;
  for (const auto& c : world.conflicts()) conflicts_on_twin += c.remote_id == c_twin && c.kind == "ambiguous_match";
  CHECK(conflicts_on_twin == 1);

  std::set<std::string> planned_updates, written_parties;
  for (const auto& e : plan["update_in_capsule"].GetArray())
    planned_updates.insert(e["party"]["id"].IsNull() ? gamma_id : id_text(e["party"]));
  int xero_writes = 0, capsule_creates = 0;
  for (const auto& w : writes) {
    if (w.provider == "xero") {
      ++xero_writes;
      CHECK(w.path.ends_with("/Contacts/c-1"));
    } else if (w.method == "POST" && w.path.ends_with("/parties")) {
      ++capsule_creates;
    } else if (w.method == "PUT" && contains(w.path, "/parties/")) {
      written_parties.insert(w.path.substr(w.path.rfind('/') + 1));
    }
  }
  CHECK(xero_writes == 1);
  CHECK(capsule_creates == 1);
  CHECK(written_parties == planned_updates);
  const auto book = world.remote(world.state());
  const auto* acme = book.find("c-1");
  REQUIRE(acme != nullptr);
  CHECK(contains(acme->phone, "01134960001"));
}

TEST_CASE("plan R16: refused for an unknown or disabled connection, and runs while the connection's sync runs") {
  SyncWorld world(linked_seed());
  world.start_daemon();
  const auto unknown = world.ctl({"plan", "acme2"});
  CHECK(unknown.exit_code == 1);
  CHECK(contains(unknown.output, "unknown connection \"acme2\" (known: acme)"));

  const auto job = world.sync_now();
  const auto during = world.ctl({"plan", "acme"});
  INFO(during.output);
  CHECK(during.exit_code == 0);
  CHECK(contains(during.output, "Nothing was written: this was a plan."));
  world.wait_settled({job});

  const auto disabled = world.ctl({"disable", "acme", "--yes"});
  INFO(disabled.output);
  REQUIRE(disabled.exit_code == 0);
  const auto refused = world.ctl({"plan", "acme"});
  CHECK(refused.exit_code == 1);
  CHECK(contains(refused.output, "connection \"acme\" is disabl"));
  CHECK(contains(refused.output, "capsyncctl enable acme"));
}

TEST_CASE("plan R18 R19: the open quotes a party would show and the quote an opportunity would get, then done") {
  Seed seed = linked_seed();
  seed.pipeline(R"({"id":3,"name":"Sales"})")
      .milestone(R"({"id":31,"name":"Lead","pipeline":{"id":3}})")
      .milestone(R"({"id":33,"name":"Proposal","pipeline":{"id":3}})")
      .opportunity(R"({"id":12,"name":"Website","party":{"id":11},"milestone":{"id":31},)"
                   R"("value":{"amount":1200.00,"currency":"GBP"}})");
  WorldOptions options;
  options.quotes_yaml = "from_milestone: Proposal";
  SyncWorld world(seed, options);
  world.start_daemon();
  REQUIRE(world.capsule("PUT", "/opportunities/12", R"({"opportunity":{"milestone":{"id":33}}})").status == 200);
  REQUIRE(world.xero("PUT", "/Quotes",
                     R"({"Quotes":[{"Contact":{"ContactID":"c-1"},"Status":"SENT","CurrencyCode":"GBP",)"
                     R"("LineItems":[{"Description":"Audit","Quantity":1,"UnitAmount":300.00}]}]})")
              .status == 200);

  world.clear_requests();
  const auto human = world.ctl({"plan", "acme"});
  INFO(human.output);
  REQUIRE(human.exit_code == 0);
  CHECK(contains(human.output, "Quotes (2):\n  would draft a quote for opportunity #12 'Website' → Acme Ltd, "
                               "1,200.00 GBP\n  would add the quote note on opportunity #12\n"));  // R22
  CHECK(contains(human.output, "party 11 'Acme Ltd': Open quotes: '' -> '300.00 GBP'"));
  const auto json = world.ctl({"--json", "plan", "acme"});
  REQUIRE(json.exit_code == 0);
  const auto doc = parse_json(json);
  REQUIRE(doc["plan"]["quotes"].Size() == 2);
  CHECK(id_text(doc["plan"]["quotes"][0]["party"]) == "11");
  CHECK(id_text(doc["plan"]["quotes"][0]["contact"]) == "c-1");
  INFO(describe(world.requests()));
  CHECK(world.writes().empty());

  world.sync();
  int drafted = 0;
  for (const auto& q : world.kit().quotes(world.state().doc())) drafted += q.reference == "Capsule opportunity #12";
  CHECK(drafted == 1);
  CHECK(world.ctl({"--json", "plan", "acme"}).output.find("would draft") == std::string::npos);
}
