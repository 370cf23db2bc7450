// The seed generator: deterministic output, the hard matching cases, and speed at scale.

#include <algorithm>
#include <map>
#include <set>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "test/sandbox/seed_generator.hpp"
#include "test/unit/sandbox/test_client.hpp"

using namespace capsync::sandbox;

namespace {

std::vector<std::string> names(const rapidjson::Value& list, const char* key) {
  std::vector<std::string> out;
  for (const auto& item : list.GetArray())
    if (item.HasMember(key) && item[key].IsString()) out.emplace_back(item[key].GetString());
  return out;
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

TEST_CASE("The same generator seed gives the same bytes, another seed differs") {
  GeneratorOptions options{.seed = 42, .parties = 200, .contacts = 150, .invoices = 400};
  auto a = generate_seed(options);
  CHECK(a == generate_seed(options));
  options.seed = 43;
  CHECK(a != generate_seed(options));
}

TEST_CASE("Generated seeds contain the hard matching cases and load into the sandbox") {
  auto text = generate_seed({.seed = 7, .parties = 60, .contacts = 60, .invoices = 300, .currencies = {"GBP", "EUR", "USD"}});
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  auto parties = names(doc["capsule"]["parties"], "name");
  auto contacts = names(doc["xero"]["contacts"], "Name");
  CHECK(contains(parties, "Acme Trading Ltd"));
  CHECK(contains(contacts, "Acme Trading Ltd"));
  CHECK(contains(parties, "Brightwater Consulting Limited"));
  CHECK(contains(contacts, "Brightwater Consulting Ltd"));
  CHECK(contains(contacts, "HOLLOWBROOK FARMS"));
  CHECK(contains(parties, "Caf\u00e9 M\u00fcller GmbH"));       // NFC
  CHECK(contains(contacts, "Cafe\u0301 Mu\u0308ller GmbH"));    // NFD
  CHECK(std::count(contacts.begin(), contacts.end(), "Northwind Traders") == 2);
  int archived = 0, namesake_people = 0;
  for (const auto& c : doc["xero"]["contacts"].GetArray())
    archived += std::string(c["ContactStatus"].GetString()) == "ARCHIVED";
  for (const auto& p : doc["capsule"]["parties"].GetArray())
    namesake_people += p.HasMember("firstName") && std::string(p["firstName"].GetString()) == "Chris";
  CHECK(archived >= 2);
  CHECK(namesake_people == 2);
  std::set<std::string> currencies, statuses;
  bool overdue = false;
  for (const auto& inv : doc["xero"]["invoices"].GetArray()) {
    currencies.insert(inv["CurrencyCode"].GetString());
    statuses.insert(inv["Status"].GetString());
    overdue = overdue || (std::string(inv["Status"].GetString()) == "AUTHORISED" && inv["DueDateOffsetDays"].GetInt() < 0);
  }
  CHECK(currencies.size() == 3);
  CHECK(statuses.count("PAID") == 1);
  CHECK(statuses.count("DRAFT") == 1);
  CHECK(overdue);
  test::SandboxFixture sandbox(text);
  auto state = sandbox.get("/_admin/state");
  CHECK(state.status == 200);
  CHECK(state.body.find("Draftworks Studio") != std::string::npos);
}

// Its speed shows in initial_sync_bench; a wall-clock limit here would fail on a slow machine.
TEST_CASE("10,000 contacts and 50,000 invoices generate in full, as valid JSON") {
  auto text = generate_seed({.seed = 1, .parties = 10000, .contacts = 10000, .invoices = 50000});
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  CHECK(doc["xero"]["contacts"].Size() == 10000);
  CHECK(doc["xero"]["invoices"].Size() == 50000);
  CHECK(doc["capsule"]["parties"].Size() == 10000);
}

TEST_CASE("Generated seeds give customers a few quotes each, in every Xero status, loaded exactly") {
  auto text = generate_seed({.seed = 7, .parties = 60, .contacts = 60, .invoices = 300, .quotes = 40});
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseNumbersAsStringsFlag>(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  std::set<std::string> suppliers, statuses, numbers;
  for (const auto& inv : doc["xero"]["invoices"].GetArray())
    if (std::string(inv["Type"].GetString()) == "ACCPAY") suppliers.insert(inv["Contact"]["ContactID"].GetString());
  std::map<std::string, int> per_contact;
  const auto& quotes = doc["xero"]["quotes"];
  REQUIRE(quotes.Size() == 40);
  for (const auto& q : quotes.GetArray()) {
    statuses.insert(q["Status"].GetString());
    numbers.insert(q["QuoteNumber"].GetString());
    ++per_contact[q["Contact"]["ContactID"].GetString()];
    CHECK(suppliers.count(q["Contact"]["ContactID"].GetString()) == 0);
  }
  CHECK(statuses == std::set<std::string>{"DRAFT", "SENT", "ACCEPTED", "DECLINED", "INVOICED", "DELETED"});
  CHECK(numbers.size() == 40);
  CHECK(std::all_of(per_contact.begin(), per_contact.end(), [](const auto& p) { return p.second <= 3; }));
  CHECK(per_contact.size() < 40);  // some customers have several

  test::SandboxFixture sandbox(text);
  auto state = sandbox.get("/_admin/state");
  REQUIRE(state.status == 200);
  rapidjson::Document loaded;
  loaded.Parse<rapidjson::kParseNumbersAsStringsFlag>(state.body.c_str());
  REQUIRE(loaded["xero"]["quotes"].Size() == 40);
  const auto& first = loaded["xero"]["quotes"][0];
  CHECK(std::string(first["QuoteNumber"].GetString()) == "QU-0001");
  CHECK(std::string(first["Total"].GetString()) == std::string(quotes[0]["Total"].GetString()));
}
