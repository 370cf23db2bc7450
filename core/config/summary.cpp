#include <fmt/format.h>

#include "core/config/config.hpp"

namespace capsync::config {

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
