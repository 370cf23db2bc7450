#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/config/config.hpp"
#include "core/config/connection_mapper.hpp"

namespace capsync::config {

std::vector<std::vector<std::string>> shared_capsule_accounts(const Config& c) {
  std::vector<std::vector<std::string>> groups;
  for (const auto& members : detail::shared_capsule_groups(c.connections)) {
    std::vector<std::string> group;
    for (const auto i : members) group.push_back(c.connections[i].name);
    groups.push_back(std::move(group));
  }
  return groups;
}

std::vector<std::string> shared_capsule_notes(const Config& c) {
  std::vector<std::string> out;
  for (const auto& group : shared_capsule_accounts(c))
    out.push_back(fmt::format("{} share a Capsule account (the same host and token): each keeps its own summary "
                              "fields and invoice note, and the overdue tag stays while any of them sees an overdue "
                              "amount",
                              fmt::join(group, " and ")));
  return out;
}

std::string summary(const Config& c) {
  std::string out = fmt::format("{} connection{}", c.connections.size(), c.connections.size() == 1 ? "" : "s");
  if (!c.connections.empty()) {
    out += " (";
    for (std::size_t i = 0; i < c.connections.size(); ++i) {
      const ConnectionConfig& conn = c.connections[i];
      if (i > 0) out += ", ";
      out += fmt::format("{}: {}{}", conn.name, conn.accounting.provider.name, conn.enabled ? "" : " [disabled]");
    }
    out += ")";
  }
  out += fmt::format(", state_dir={}", c.state_dir);
  return out;
}

}  // namespace capsync::config
