#pragma once
// Everything the fake Capsule account holds. Parties and entries are kept as JSON objects in
// Capsule's own response shape (with fields and tags embedded; readers strip them unless
// asked for via embed=).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "test/sandbox/json_util.hpp"
#include "test/sandbox/sandbox_clock.hpp"

namespace capsync::sandbox {

struct CapsuleDeleted {
  std::int64_t id;
  TimePoint deleted_at;
};

// An access token issued to a registered app through OAuth (capsule_oauth.hpp).
struct CapsuleAppToken {
  std::string client_id;
  TimePoint expires_at;
};

// A REST hook subscription (capsule_resthooks.hpp).
struct CapsuleRestHook {
  std::int64_t id = 0;
  std::string event, target_url, description, embed, client_id;
  std::int64_t user = 0;
  std::string created_at;
};

struct CapsuleRateWindow {
  TimePoint start{};
  std::int64_t used = 0;
};

struct CapsuleState {
  // Values live in `doc`'s allocator; entries are never freed (a test sandbox).
  rapidjson::Document doc{rapidjson::kObjectType};
  std::map<std::int64_t, rapidjson::Value> parties;  // id order = list order
  std::map<std::int64_t, rapidjson::Value> entries;
  rapidjson::Value definitions{rapidjson::kArrayType};  // {id,type,name,options?,captureRule?,tag?}
  rapidjson::Value tags{rapidjson::kArrayType};         // {id,name,dataTag}
  rapidjson::Value users{rapidjson::kArrayType};        // {id,username,name}
  rapidjson::Value teams{rapidjson::kArrayType};        // {id,name}
  // The account every token of this Capsule belongs to (GET /site).
  std::string site_subdomain = "sandbox";
  std::string site_name = "Sandbox Account";
  std::vector<CapsuleDeleted> deleted;
  // Opportunities (capsule_opportunities.hpp): by id, with their pipelines and milestones.
  std::map<std::int64_t, rapidjson::Value> opportunities;
  std::vector<CapsuleDeleted> deleted_opportunities;
  rapidjson::Value pipelines{rapidjson::kArrayType};   // {id,name,description}
  rapidjson::Value milestones{rapidjson::kArrayType};  // {id,name,pipeline{id,name},complete,probability}
  std::map<std::string, std::int64_t> tokens;  // bearer token -> user id
  std::map<std::string, CapsuleAppToken> app_tokens;  // the OAuth ones among them
  std::vector<CapsuleRestHook> rest_hooks;
  std::map<std::string, CapsuleRateWindow> rate;
  std::int64_t rate_limit_per_hour = 4000;
  std::int64_t next_id = 1000;
  // ext: further Capsule accounts this sandbox hosts (seed "accounts": [section, ...]), each
  // reached by its own tokens, as one api.capsulecrm.com serves every account.
  std::vector<std::unique_ptr<CapsuleState>> accounts;
  std::map<std::string, CapsuleState*> account_by_token;

  Alloc& alloc() { return doc.GetAllocator(); }
  std::int64_t new_id() { return next_id++; }

  void clear();
  // Loads the "capsule" seed section; records missing timestamps get `now`.
  void load_seed(const rapidjson::Value& section, TimePoint now);
  void dump(JsonWriter& writer) const;

  // The account `token` belongs to: one of `accounts`, else this one.
  CapsuleState* account_of(const std::string& token);

  rapidjson::Value* party(std::int64_t id);
  const rapidjson::Value* find_by_id(const rapidjson::Value& array, std::int64_t id) const;
  // The organisation with this exact name, if any.
  rapidjson::Value* organisation_named(std::string_view name, std::int64_t except_id = 0);
};

// Capsule's picture for a party without one (pictureURL is never null).
std::string_view capsule_default_picture(std::string_view type);

// Gives a party every key Capsule always sends: null for empty scalars, [] for empty
// collections, the default picture, and owner/team/organisation references filled in.
void complete_party_shape(CapsuleState& state, rapidjson::Value& party);

}  // namespace capsync::sandbox
