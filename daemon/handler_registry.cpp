#include "daemon/handler_registry.hpp"

namespace capsync::daemon {

void HandlerRegistry::add(std::string kind, JobHandler handler) { handlers_[std::move(kind)] = std::move(handler); }

const JobHandler* HandlerRegistry::find(std::string_view kind) const {
  auto it = handlers_.find(kind);
  return it == handlers_.end() ? nullptr : &it->second;
}

std::vector<std::string> HandlerRegistry::kinds() const {
  std::vector<std::string> out;
  for (const auto& [kind, handler] : handlers_) out.push_back(kind);
  return out;
}

}  // namespace capsync::daemon
