// Issue 22 against capsync-sandbox, through the live connectors: while a first sync reads the
// accounting contacts, its progress says how many of the total the provider reported it has
// read, never goes back, and ends at N of N, for every provider whose API says its totals
// (Xero pagination.itemCount, Sage $total, FreeAgent X-Total-Count, FreshBooks total, KashFlow
// TotalRecords). Capsule says none: its parties stay "N read".

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <functional>
#include <string>
#include <vector>

#include "connectors/registry/registry.hpp"
#include "core/engine/sync_progress.hpp"
#include "test/unit/connectors/engine_sandbox_fixture.hpp"

using namespace capsync;

namespace {

// A provider's part of the seed with `n` contacts (spread over several of the connector's pages),
// and the settings that reach it.
struct ProviderCase {
  std::string name;     // registry name
  std::string display;  // as progress names it
  std::string seed;
  test::EngineSandboxFixture::Configure configure;
};

std::string repeat(int n, const std::function<std::string(int)>& item) {
  std::string out;
  for (int i = 1; i <= n; ++i) out += (i > 1 ? "," : "") + item(i);
  return out;
}

test::EngineSandboxFixture::Configure oauth(const std::string& provider, const std::string& api,
                                            const std::string& token_path) {
  return [=](config::ConnectionConfig& c, const std::string& base) {
    c.time_zone = "Europe/London";
    c.accounting.provider = registry::find(provider).value()->traits;
    c.accounting.base_url = base + api;
    c.accounting.token_url = base + token_path;
    c.accounting.client_id = "sandbox-client-id";
    c.accounting.client_secret = Secret("sandbox-client-secret");
    c.accounting.refresh_token = Secret(provider + "-sandbox-refresh-token");
  };
}

constexpr const char* kClients =
    R"("clients": [{"client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret"}])";

ProviderCase provider_case(const std::string& provider, int n) {
  const auto name = [](int i) { return fmt::format("Customer {:04} Ltd", i); };
  if (provider == "xero")
    return {"xero", "Xero",
            fmt::format(R"js("xero": {{{}, "refreshTokens": ["xero-sandbox-refresh-token"],
              "tenants": [{{"tenantId": "b0a1c2d3-0000-4000-8000-000000000001", "tenantName": "Sandbox Company (UK)",
                           "tenantType": "ORGANISATION"}}],
              "contacts": [{}]}})js",
                        kClients, repeat(n, [&](int i) {
                          return fmt::format(R"({{"ContactID": "c-{:04}", "Name": "{}"}})", i, name(i));
                        })),
            oauth("xero", "/xero", "/xero-identity/connect/token")};
  if (provider == "sage")
    return {"sage", "Sage",
            fmt::format(R"js("sage": {{{}, "refreshTokens": ["sage-sandbox-refresh-token"],
              "businesses": [{{"id": "5a1e0b0c0d0e4f10a1b2c3d4e5f60001", "name": "Sandbox Business (UK)"}}],
              "contacts": [{}]}})js",
                        kClients,
                        repeat(n, [&](int i) { return fmt::format(R"({{"id": "c{:04}", "name": "{}"}})", i, name(i)); })),
            oauth("sage", "/sage/v3.1", "/sage-oauth/token")};
  if (provider == "freeagent")
    return {"freeagent", "FreeAgent",
            fmt::format(R"js("freeagent": {{{}, "refreshTokens": ["freeagent-sandbox-refresh-token"],
              "company": {{"name": "Sandbox Company Ltd", "subdomain": "sandbox", "currency": "GBP"}},
              "contacts": [{}]}})js",
                        kClients, repeat(n, [&](int i) {
                          return fmt::format(R"({{"id": "{}", "organisation_name": "{}"}})", i, name(i));
                        })),
            oauth("freeagent", "/freeagent/v2", "/freeagent/v2/token_endpoint")};
  if (provider == "freshbooks")
    return {"freshbooks", "FreshBooks",
            fmt::format(R"js("freshbooks": {{{}, "refreshTokens": ["freshbooks-sandbox-refresh-token"],
              "business": {{"id": 439000, "name": "Sandbox Studio Inc.", "account_id": "SBX001", "currency_code": "USD"}},
              "customers": [{}]}})js",
                        kClients, repeat(n, [&](int i) {
                          return fmt::format(R"({{"id": {}, "organization": "{}"}})", i, name(i));
                        })),
            [](config::ConnectionConfig& c, const std::string& base) {
              oauth("freshbooks", "/freshbooks", "/freshbooks/auth/oauth/token")(c, base);
              c.time_zone = "America/New_York";
            }};
  // KashFlow: customers, then suppliers (a fifth of them): one listing of two lists.
  const int suppliers = n / 5;
  return {"kashflow", "KashFlow",
          fmt::format(R"js("kashflow": {{
              "users": [{{"username": "sandbox", "password": "sandbox-password", "memorableWord": "pineapple"}}],
              "customers": [{}], "suppliers": [{}]}})js",
                      repeat(n - suppliers,
                             [&](int i) { return fmt::format(R"({{"Code": "C{:04}", "Name": "{}"}})", i, name(i)); }),
                      repeat(suppliers, [&](int i) {
                        return fmt::format(R"({{"Code": "S{:04}", "Name": "Supplier {:04} Ltd"}})", i, i);
                      })),
          [](config::ConnectionConfig& c, const std::string& base) {
            c.time_zone = "Europe/London";
            c.accounting.provider = registry::find("kashflow").value()->traits;
            c.accounting.base_url = base + "/kashflow/v2";
            c.accounting.username = "sandbox";
            c.accounting.password = Secret("sandbox-password");
            c.accounting.memorable_word = Secret("pineapple");
          }};
}

}  // namespace

TEST_CASE("Reading the contacts shows N of the provider's total, monotone, ending at N of N") {
  const std::string provider = GENERATE(as<std::string>{}, "xero", "sage", "freeagent", "freshbooks", "kashflow");
  // More than two pages of each connector (Sage reads 200 a page, the others 100).
  const int n = provider == "sage" ? 450 : 250;
  INFO(provider << ", " << n << " contacts");
  const ProviderCase pc = provider_case(provider, n);
  engine::ProgressBoard board;
  std::vector<engine::SyncProgress> seen;
  board.observe([&](const std::string&, const engine::SyncProgress& p) { seen.push_back(p); });
  test::EngineSandboxFixture sandbox(pc.seed, pc.configure, &board);

  auto pulled = sandbox.pull();
  INFO((pulled.ok() ? std::string() : pulled.error().message()));
  REQUIRE(pulled.ok());

  std::vector<engine::SyncProgress> contacts, parties;
  for (const auto& p : seen) {
    if (p.phase == engine::SyncPhase::reading_accounting && p.listing == "contacts") contacts.push_back(p);
    if (p.phase == engine::SyncPhase::reading_capsule && p.listing == "parties") parties.push_back(p);
  }
  REQUIRE(contacts.size() >= 3);  // the listing's start and at least two pages
  CHECK(contacts.front().done == 0);
  for (std::size_t i = 1; i < contacts.size(); ++i) {
    const auto& a = contacts[i - 1];
    const auto& b = contacts[i];
    INFO(engine::progress_words(a) << " -> " << engine::progress_words(b));
    CHECK(b.done >= a.done);
    REQUIRE(b.total);  // from the first page on
    if (a.total) CHECK(*b.total >= *a.total);
    CHECK(b.done <= *b.total);
  }
  const auto& last = contacts.back();
  CHECK(last.done == n);
  REQUIRE(last.total);
  CHECK(*last.total == n);
  CHECK(engine::progress_words(last) == fmt::format("reading {}: {} of {} contacts", pc.display, n, n));

  // Capsule lists parties without a count: they stay "N read".
  REQUIRE_FALSE(parties.empty());
  CHECK_FALSE(parties.back().total);
  CHECK(engine::progress_words(parties.back()).starts_with("reading Capsule: "));
  CHECK(engine::progress_words(parties.back()).ends_with(" parties read"));
}
