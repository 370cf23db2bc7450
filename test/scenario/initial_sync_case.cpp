#include "test/scenario/initial_sync_case.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace capsync::scenario {
namespace {

constexpr const char* kEditedParty = "Acme Trading Ltd";  // the generator's exact match on both sides
constexpr const char* kEditedPhone = "+44 20 7946 0137";
constexpr int kExported = 10;  // Capsule-only organisations tagged for export (R12)

std::string digits(std::string_view text) {
  std::string out;
  for (char c : text)
    if (std::isdigit(static_cast<unsigned char>(c))) out += c;
  return out;
}

// Lower case, single spaces, trimmed; nullopt for a name with non-ASCII letters, whose
// equivalents (NFC, NFD) this does not fold.
std::optional<std::string> folded(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (static_cast<unsigned char>(c) >= 0x80) return std::nullopt;
    if (c == ' ') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string str(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

}  // namespace

Seed InitialSyncCase::seed(int contacts, const std::string& provider) {
  return Seed::generated(11, contacts, contacts, 2 * contacts, "GBP,EUR,USD", provider);
}

WorldOptions InitialSyncCase::options() {
  WorldOptions options;
  options.time_scale = 600;  // Capsule 4,000 per 6 s, Xero 60 per 100 ms, tokens last 30 s (the floor)
  options.log_level = "info";
  options.sync_yaml = "invoice_note: true";
  // A crash counts as a failed attempt; twenty of them must not bury the initial sync.
  options.extra_yaml = "queue:\n  max_attempts: 100\n";
  return options;
}

InitialSyncCase::InitialSyncCase(SyncWorld& world) : world_(world) {
  const SandboxState state = world.state();
  seeded_ = seed_ids(world, state);
  const auto* edited = state.party_named(kEditedParty);
  if (edited == nullptr) throw std::runtime_error(fmt::format("the seed has no party {}", kEditedParty));
  edited_party_ = std::to_string((*edited)["id"].GetInt64());

  std::set<std::string> remote_names;
  for (const auto& c : world.kit().contacts(state.doc()))
    if (auto name = folded(c.name)) remote_names.insert(*name);
  // Only parties no contact can link to, so that the export is the only way they reach the
  // accounting service.
  const std::string tag = fmt::format(R"({{"party":{{"tags":[{{"name":"Export to {}"}}]}}}})", world.kit().display_name());
  int tagged = 0;
  for (const auto& p : state.parties().GetArray()) {
    if (tagged == kExported) break;
    const auto name = folded(str(p, "name"));
    if (str(p, "type") != "organisation" || !name || remote_names.contains(*name)) continue;
    auto answer = world.capsule("PUT", fmt::format("/parties/{}", p["id"].GetInt64()), tag);
    if (answer.status != 200) throw std::runtime_error("cannot tag a party for export: " + answer.body);
    ++tagged;
  }
  world.clear_requests();
}

std::int64_t InitialSyncCase::requests() const {
  auto answer = world_.admin("GET", "/_admin/requests/count");
  return answer.json()["count"].GetInt64();
}

void InitialSyncCase::edit() {
  auto answer = world_.capsule("PUT", "/parties/" + edited_party_,
                               fmt::format(R"({{"party":{{"phoneNumbers":[{{"type":"Work","number":"{}"}}]}}}})", kEditedPhone));
  if (answer.status != 200) throw std::runtime_error("the Capsule edit was refused: " + answer.body);
}

void InitialSyncCase::finish(std::chrono::milliseconds timeout) {
  world_.wait_settled({}, timeout);
  world_.sync(timeout);
}

bool InitialSyncCase::edit_arrived() const {
  const auto book = world_.remote(world_.state());
  const auto* contact = book.only_named(kEditedParty);
  const std::string wanted = digits(kEditedPhone).substr(2);  // without the country code
  return contact != nullptr && contact->phone.ends_with(wanted);
}

}  // namespace capsync::scenario
