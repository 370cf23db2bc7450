#pragma once
// Fake Capsule CRM API v2 under /capsule/api/v2 (real host https://api.capsulecrm.com/api/v2),
// and its OAuth 2 endpoints for registered apps under /capsule/oauth/.

#include <string>
#include <vector>

#include "test/sandbox/capsule_oauth.hpp"
#include "test/sandbox/capsule_state.hpp"
#include "test/sandbox/provider.hpp"

namespace capsync::sandbox {

class CapsuleApi final : public Provider {
 public:
  explicit CapsuleApi(SandboxContext& context) : context_(context), oauth_(context, primary_) {}

  std::string_view name() const override { return "capsule"; }
  std::vector<std::string> prefixes() const override { return {"/capsule/"}; }
  Response handle(const Request& request) override;
  Response fault_status(const Request& request, int status, int retry_after_s) override;
  Response fault_expired_token(const Request& request) override;
  void load_seed(const rapidjson::Value& section, const rapidjson::Value& exact) override;
  void dump_state(JsonWriter& writer) const override;

 private:
  Response route(const Request& request, const std::string& path, std::int64_t user);
  Response list_parties(const Request& request);
  Response party_page(const Request& request, const std::vector<const rapidjson::Value*>& matches, std::int64_t page,
                      std::int64_t per_page);
  Response people(const Request& request, std::int64_t organisation_id);
  Response get_parties(const Request& request, std::string_view ids);
  Response create_party(const Request& request, std::int64_t user);
  Response update_party(const Request& request, std::int64_t id);
  Response delete_party(std::int64_t id);
  Response deleted_parties(const Request& request);
  // GET /parties/{id}/entries, /opportunities/{id}/entries: the entries whose `record` ("party",
  // "opportunity") is `id`, newest first.
  Response entries_of(const Request& request, const char* record, std::int64_t id);
  Response write_entry(const Request& request, std::int64_t id, std::int64_t user);
  Response list_array(const Request& request, const rapidjson::Value& array, const char* key);
  void add_rate_headers(Response& response, const std::string& token);
  // R26: a successful party write is posted as {"event","payload":[party]} to each REST hook
  // subscribed to `event`, through the sandbox's webhook outbox.
  Response announced(Response response, std::string_view event, std::int64_t id);

  SandboxContext& context_;
  CapsuleState primary_;  // the account OAuth apps are authorized on; it holds the others
  CapsuleState* account_ = &primary_;  // the account of the request being handled
  CapsuleOAuth oauth_;
  std::string client_;  // the app of the request being handled; empty for a personal token
};

}  // namespace capsync::sandbox
