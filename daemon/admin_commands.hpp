#pragma once
// AdminCommands: admin socket commands served by the sync layer rather than the Daemon,
// because they need the connectors (read Capsule or the accounting service while the operator
// waits). capsyncd's wiring registers each under its "cmd" before start(); the Daemon answers
// every other command itself.
//
//   daemon.admin_commands().add("export-preview", [&](std::string line) {
//     return export_preview(daemon, connectors, std::move(line));
//   });
//
// A command gets its whole request line and answers one response line (admin_protocol's
// error_response for a refusal). It runs on the io_context thread and may wait on the network;
// other requests and jobs go on meanwhile.

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

namespace capsync::daemon {

using AdminCommand = std::function<boost::asio::awaitable<std::string>(std::string request_line)>;

class AdminCommands final {
 public:
  AdminCommands() = default;
  AdminCommands(const AdminCommands&) = delete;
  AdminCommands& operator=(const AdminCommands&) = delete;

  // Registers (or replaces) the command named `name`.
  void add(std::string name, AdminCommand command);
  // nullptr when no command of that name is registered.
  const AdminCommand* find(std::string_view name) const;

 private:
  std::map<std::string, AdminCommand, std::less<>> commands_;
};

// The "cmd" of a request line; "" when the line is not a JSON object with a string "cmd".
std::string command_of(std::string_view request_line);

}  // namespace capsync::daemon
