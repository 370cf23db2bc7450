// The route table: every fake provider the sandbox serves. A new provider (FreshBooks,
// KashFlow, FreeAgent, Sage) is one file pair plus one line here.

#include "test/sandbox/capsule_api.hpp"
#include "test/sandbox/freeagent_api.hpp"
#include "test/sandbox/freshbooks_api.hpp"
#include "test/sandbox/kashflow_api.hpp"
#include "test/sandbox/sage_api.hpp"
#include "test/sandbox/sandbox.hpp"
#include "test/sandbox/xero_api.hpp"

namespace capsync::sandbox {

std::unique_ptr<Sandbox> make_sandbox(double time_scale) {
  auto sandbox = std::make_unique<Sandbox>(time_scale);
  auto& context = sandbox->context();
  sandbox->add_provider(std::make_unique<CapsuleApi>(context));
  sandbox->add_provider(std::make_unique<XeroApi>(context));
  sandbox->add_provider(std::make_unique<SageApi>(context));
  sandbox->add_provider(std::make_unique<FreeAgentApi>(context));
  sandbox->add_provider(std::make_unique<FreshBooksApi>(context));
  sandbox->add_provider(std::make_unique<KashFlowApi>(context));
  return sandbox;
}

std::string_view default_seed() {
  return R"seed({
  "capsule": {
    "tokens": ["capsule-sandbox-token"],
    "users": [{"id": 1, "username": "sandbox", "name": "Sandbox Admin"}],
    "teams": [{"id": 1, "name": "Sales"}]
  },
  "xero": {
    "clients": [{"client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret", "redirect_uris": []},
                {"client_id": "sandbox:client+2", "client_secret": "s3cret+/=%25 x", "redirect_uris": []}],
    "refreshTokens": [{"token": "xero-sandbox-refresh-token", "client_id": "sandbox-client-id"},
                      {"token": "xero-sandbox-refresh-token-2", "client_id": "sandbox:client+2"}],
    "tenants": [{"tenantId": "b0a1c2d3-0000-4000-8000-000000000001", "tenantName": "Sandbox Company (UK)", "tenantType": "ORGANISATION"}]
  },
  "sage": {
    "clients": [{"client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret", "redirect_uris": []}],
    "refreshTokens": [{"token": "sage-sandbox-refresh-token", "client_id": "sandbox-client-id"}],
    "businesses": [{"id": "5a1e0b0c0d0e4f10a1b2c3d4e5f60001", "name": "Sandbox Business (UK)"}]
  },
  "freeagent": {
    "clients": [{"client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret", "redirect_uris": []}],
    "refreshTokens": [{"token": "freeagent-sandbox-refresh-token", "client_id": "sandbox-client-id"}],
    "company": {"name": "Sandbox Company Ltd", "subdomain": "sandbox", "currency": "GBP"}
  },
  "freshbooks": {
    "clients": [{"client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret", "redirect_uris": []}],
    "refreshTokens": [{"token": "freshbooks-sandbox-refresh-token", "client_id": "sandbox-client-id"}],
    "business": {"id": 439000, "name": "Sandbox Studio Inc.", "account_id": "SBX001", "currency_code": "USD"}
  },
  "kashflow": {
    "users": [{"username": "sandbox", "password": "sandbox-password", "memorableWord": "pineapple"}]
  }
})seed";
}

}  // namespace capsync::sandbox
