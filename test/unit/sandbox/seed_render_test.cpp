// Generated seeds for every provider: Xero's stays generate_seed's bytes, each other provider's
// section loads into its sandbox part with the data set's contacts, invoices and states.

#include <map>
#include <set>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "test/sandbox/seed_render.hpp"
#include "test/unit/sandbox/test_client.hpp"

using namespace capsync::sandbox;

namespace {

const GeneratorOptions kOptions{.seed = 7, .parties = 60, .contacts = 60, .invoices = 300};

// What the Xero rendering holds, counted independently of the renderers.
struct Expected {
  std::size_t contacts = 0, archived = 0, supplier_only = 0, sales = 0, bills = 0;
};

Expected expected_counts() {
  rapidjson::Document xero;
  xero.Parse(generate_seed(kOptions).c_str());
  Expected e;
  std::map<std::string, std::pair<bool, bool>> roles;  // ContactID -> (customer, supplier)
  for (const auto& inv : xero["xero"]["invoices"].GetArray()) {
    auto& role = roles[inv["Contact"]["ContactID"].GetString()];
    (std::string(inv["Type"].GetString()) == "ACCPAY" ? role.second : role.first) = true;
  }
  for (const auto& c : xero["xero"]["contacts"].GetArray()) {
    ++e.contacts;
    e.archived += std::string(c["ContactStatus"].GetString()) == "ARCHIVED";
    auto role = roles[c["ContactID"].GetString()];
    e.supplier_only += role.second && !role.first;
  }
  for (const auto& inv : xero["xero"]["invoices"].GetArray()) {
    bool bill = std::string(inv["Type"].GetString()) == "ACCPAY";
    (bill ? e.bills : e.sales) += 1;
  }
  return e;
}

rapidjson::Document loaded_state(const std::string& seed) {
  test::SandboxFixture sandbox(seed);
  auto state = sandbox.get("/_admin/state");
  REQUIRE(state.status == 200);
  rapidjson::Document doc;
  doc.Parse(state.body.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

std::set<std::string> strings(const rapidjson::Value& list, const char* key) {
  std::set<std::string> out;
  for (const auto& item : list.GetArray())
    if (item.HasMember(key) && item[key].IsString()) out.insert(item[key].GetString());
  return out;
}

std::string generated(const char* provider) {
  auto seed = generate_provider_seed(kOptions, provider);
  REQUIRE(seed);
  return *seed;
}

}  // namespace

TEST_CASE("Xero's generated seed is generate_seed's output byte for byte; every provider's is deterministic") {
  CHECK(generate_provider_seed(kOptions, "xero") == generate_seed(kOptions));
  for (const char* provider : {"freeagent", "sage", "freshbooks", "kashflow"})
    CHECK(generate_provider_seed(kOptions, provider) == generate_provider_seed(kOptions, provider));
  CHECK_FALSE(generate_provider_seed(kOptions, "quickbooks"));
}

TEST_CASE("A generated FreeAgent seed loads every contact and each sales invoice with its state") {
  auto e = expected_counts();
  auto state = loaded_state(generated("freeagent"));
  const auto& fa = state["freeagent"];
  REQUIRE(fa["contacts"].Size() == e.contacts);
  CHECK(fa["invoices"].Size() == e.sales);
  std::size_t hidden = 0;
  for (const auto& c : fa["contacts"].GetArray()) hidden += std::string(c["status"].GetString()) == "Hidden";
  CHECK(hidden == e.archived);
  auto statuses = strings(fa["invoices"], "status");
  for (const char* s : {"Draft", "Paid", "Overdue", "Cancelled"}) CHECK(statuses.count(s) == 1);
  auto names = strings(fa["contacts"], "organisation_name");
  CHECK(names.count("Acme Trading Ltd") == 1);
  CHECK(names.count("Cafe\u0301 Mu\u0308ller GmbH") == 1);
  CHECK(strings(fa["contacts"], "last_name").count("Smith") == 1);
}

TEST_CASE("A generated Sage seed loads customers and vendors with sales and purchase invoices") {
  auto e = expected_counts();
  auto state = loaded_state(generated("sage"));
  const auto& sage = state["sage"];
  REQUIRE(sage["contacts"].Size() == e.contacts);
  CHECK(sage["sales_invoices"].Size() == e.sales);
  CHECK(sage["purchase_invoices"].Size() == e.bills);
  std::size_t inactive = 0;
  for (const auto& c : sage["contacts"].GetArray()) inactive += !c["is_active"].GetBool();
  CHECK(inactive == e.archived);
  std::set<std::string> statuses;
  for (const auto& inv : sage["sales_invoices"].GetArray()) statuses.insert(inv["status"]["id"].GetString());
  for (const char* s : {"DRAFT", "UNPAID", "PART_PAID", "PAID", "VOID"}) CHECK(statuses.count(s) == 1);
  CHECK(strings(sage["contacts"], "name").count("Northwind Traders") == 1);
}

TEST_CASE("A generated FreshBooks seed loads the clients (no suppliers) and their invoices") {
  auto e = expected_counts();
  auto state = loaded_state(generated("freshbooks"));
  const auto& fb = state["freshbooks"];
  REQUIRE(fb["clients"].Size() == e.contacts - e.supplier_only);
  std::size_t archived = 0;
  for (const auto& c : fb["clients"].GetArray()) archived += c["vis_state"].GetInt() == 2;
  CHECK(archived >= 1);
  CHECK(fb["invoices"].Size() == e.sales);
  std::set<std::string> statuses;
  std::size_t deleted = 0;
  for (const auto& inv : fb["invoices"].GetArray()) {
    statuses.insert(inv["v3_status"].GetString());
    deleted += inv["vis_state"].GetInt() == 1;
  }
  for (const char* s : {"draft", "paid", "partial"}) CHECK(statuses.count(s) == 1);
  CHECK(deleted >= 1);
  CHECK(strings(fb["clients"], "organization").count("HOLLOWBROOK FARMS") == 1);

  // Estimates: every quote but the declined ones (FreshBooks has no such state), totals exact.
  rapidjson::Document xero;
  xero.Parse<rapidjson::kParseNumbersAsStringsFlag>(generate_seed(kOptions).c_str());
  std::size_t declined = 0;
  std::set<std::string> totals;
  for (const auto& q : xero["xero"]["quotes"].GetArray()) {
    bool refused = std::string(q["Status"].GetString()) == "DECLINED";
    declined += refused;
    if (!refused) totals.insert(q["Total"].GetString());
  }
  REQUIRE(fb["estimates"].Size() == xero["xero"]["quotes"].Size() - declined);
  std::set<std::string> ui_statuses, amounts;
  std::size_t deleted_estimates = 0;
  for (const auto& est : fb["estimates"].GetArray()) {
    ui_statuses.insert(est["ui_status"].GetString());
    amounts.insert(est["amount"]["amount"].GetString());
    deleted_estimates += est["vis_state"].GetInt() == 1;
  }
  CHECK(ui_statuses == std::set<std::string>{"draft", "sent", "accepted", "invoiced"});
  CHECK(deleted_estimates >= 1);
  CHECK(amounts == totals);
}

TEST_CASE("A generated KashFlow seed loads customers, suppliers, invoices and purchases") {
  auto e = expected_counts();
  auto state = loaded_state(generated("kashflow"));
  const auto& kf = state["kashflow"];
  REQUIRE(kf["customers"].Size() == e.contacts - e.supplier_only);
  CHECK(kf["invoices"].Size() == e.sales);
  CHECK(kf["purchases"].Size() == e.bills);
  CHECK(kf["suppliers"].Size() >= e.supplier_only);
  auto statuses = strings(kf["invoices"], "Status");
  for (const char* s : {"Draft", "Paid", "Void", "Overdue"}) CHECK(statuses.count(s) == 1);
  CHECK(strings(kf["customers"], "Name").count("Brightwater Consulting Ltd") == 1);
}
