#pragma once
// A blocking client for the admin socket: one request line, one response line. Used by
// capsyncctl and the scenario tests; it needs no io_context.

#include <chrono>
#include <string>
#include <string_view>

#include "core/error/result.hpp"

namespace capsync::daemon {

// Sends `request` (one line, without newline) to the daemon listening on `socket_path` and
// returns its response line. A daemon that is not running gives Errc::not_found with a
// message saying so; no answer within `timeout` gives Errc::timeout.
Result<std::string> admin_call(const std::string& socket_path, std::string_view request,
                               std::chrono::milliseconds timeout = std::chrono::seconds{10});

}  // namespace capsync::daemon
