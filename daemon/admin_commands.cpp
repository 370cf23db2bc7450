#include "daemon/admin_commands.hpp"

#include <rapidjson/document.h>

#include "core/connector/json.hpp"

namespace capsync::daemon {

void AdminCommands::add(std::string name, AdminCommand command) { commands_[std::move(name)] = std::move(command); }

const AdminCommand* AdminCommands::find(std::string_view name) const {
  auto it = commands_.find(name);
  return it == commands_.end() ? nullptr : &it->second;
}

std::string command_of(std::string_view request_line) {
  auto doc = connector::json::parse(request_line, connector::json::Numbers::as_numbers);
  if (!doc || !doc->IsObject()) return {};
  auto cmd = doc->FindMember("cmd");
  if (cmd == doc->MemberEnd() || !cmd->value.IsString()) return {};
  return std::string(cmd->value.GetString(), cmd->value.GetStringLength());
}

}  // namespace capsync::daemon
