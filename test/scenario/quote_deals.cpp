#include "test/scenario/quote_deals.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace capsync::scenario {
namespace {

constexpr std::string_view kReferencePrefix = "Capsule opportunity #";
constexpr std::int64_t kFirstId = 500000;  // apart from the generator's opportunity ids

// Quotes at the provider per opportunity id, for references capsync writes.
std::map<std::int64_t, int> quotes_by_opportunity(const SyncWorld& world) {
  std::map<std::int64_t, int> out;
  for (const auto& q : world.kit().quotes(world.state().doc()))
    if (q.reference.starts_with(kReferencePrefix)) ++out[std::stoll(q.reference.substr(kReferencePrefix.size()))];
  return out;
}

}  // namespace

QuoteDeals::QuoteDeals(Seed& seed, int count) {
  rapidjson::Document doc;
  const std::string json = seed.json();
  doc.Parse(json.c_str());
  const auto& capsule = doc["capsule"];
  std::int64_t lead = 0;
  if (capsule.HasMember("milestones"))
    for (const auto& m : capsule["milestones"].GetArray()) {
      if (text_of(m, "name") == "Lead") lead = m["id"].GetInt64();
      if (text_of(m, "name") == "Proposal") proposal_ = m["id"].GetInt64();
    }
  if (lead == 0 || proposal_ == 0) throw std::runtime_error("the seed has no milestones Lead and Proposal");
  std::set<std::int64_t> with_deal;
  if (capsule.HasMember("opportunities"))
    for (const auto& o : capsule["opportunities"].GetArray()) with_deal.insert(o["party"]["id"].GetInt64());
  for (const auto& p : capsule["parties"].GetArray()) {
    if (static_cast<int>(added_.size()) == count) break;
    const std::int64_t party = p["id"].GetInt64();
    if (text_of(p, "type") != "organisation" || with_deal.contains(party)) continue;
    const std::int64_t id = kFirstId + party;
    seed.opportunity(fmt::format(R"({{"id":{},"name":"Deal {}","party":{{"id":{}}},"milestone":{{"id":{}}},)"
                                 R"("value":{{"amount":{}.50,"currency":"GBP"}}}})",
                                 id, added_.size() + 1, party, lead, 100 + added_.size()));
    added_.emplace_back(id, party);
  }
}

std::vector<std::int64_t> QuoteDeals::linked(const SyncWorld& world, std::size_t count) const {
  std::set<std::string> parties;
  for (const auto& b : world.bindings())
    if (!b.created_by_us && b.kind != "supplier" && b.state == "linked") parties.insert(b.capsule_id);
  std::vector<std::int64_t> out;
  for (const auto& [id, party] : added_)
    if (out.size() < count && parties.contains(std::to_string(party))) out.push_back(id);
  return out;
}

void QuoteDeals::move(const SyncWorld& world, const std::vector<std::int64_t>& ids) const {
  for (const auto id : ids) {
    auto answer = world.capsule("PUT", fmt::format("/opportunities/{}", id),
                                fmt::format(R"({{"opportunity":{{"milestone":{{"id":{}}}}}}})", proposal_));
    if (answer.status != 200)
      throw std::runtime_error(fmt::format("moving opportunity {} was refused: {}", id, answer.body));
  }
}

std::vector<std::int64_t> QuoteDeals::drafted(const SyncWorld& world) {
  std::vector<std::int64_t> out;
  for (const auto& [id, n] : quotes_by_opportunity(world)) out.push_back(id);
  return out;
}

std::vector<std::string> QuoteDeals::problems(const SyncWorld& world, const std::vector<std::int64_t>& expected) {
  auto made = quotes_by_opportunity(world);
  std::vector<std::string> out;
  for (const auto id : expected) {
    if (made[id] != 1) out.push_back(fmt::format("opportunity {} has {} quotes, not one", id, made[id]));
    made.erase(id);
  }
  for (const auto& [id, n] : made)
    out.push_back(fmt::format("opportunity {} has {} quotes; the crash-free run made none", id, n));
  return out;
}

}  // namespace capsync::scenario
