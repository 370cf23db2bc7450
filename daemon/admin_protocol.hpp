#pragma once
// The admin socket protocol: one JSON object per line each way.
//
//   -> {"cmd":"status"}
//   <- {"ok":true,"connections":[{"name":"acme","provider":"xero","enabled":true,
//        "queue":{"ready":1,"running":0,"done":4,"dead":0},
//        "last_sync":{"at":"2024-05-01T10:42:07Z","ok":true}}],
//       "queue":{"ready":1,"running":0,"done":4,"dead":0},"status":"1 connection, queue: …"}
//   -> {"cmd":"sync-now","connection":"acme"}
//   <- {"ok":true,"job":17}
//   -> {"cmd":"export","connection":"acme","party_id":1234}       (R12)
//   <- {"ok":true,"job":18}
//   -> {"cmd":"disable","connection":"acme"}                       (R16)
//   <- {"ok":true,"job":19}
//   -> {"cmd":"enable","connection":"acme"}
//   <- {"ok":true,"was":"disabled","jobs":[20,21]}   (was: active | disabling | disabled)
//   <- {"ok":false,"error":"unknown connection \"acme2\""}       (any failure)

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "daemon/daemon_status.hpp"

namespace capsync::daemon::admin {

// A request line longer than this is refused (and the connection closed).
inline constexpr std::size_t max_request_bytes = 64 * 1024;

enum class Command { status, sync_now, export_party, disable, enable };

struct Request {
  Command command = Command::status;
  std::string connection;    // every command but status
  std::int64_t party_id = 0;  // export: the Capsule party, > 0
};

// "status", "sync-now", "export", "disable", "enable".
std::string_view command_name(Command command);

// Parses one request line (without its newline). Errors say what is wrong with it.
Result<Request> parse_request(std::string_view line);
// The request line a client sends (without the newline).
std::string format_request(const Request& request);

// Response lines (without the newline).
std::string error_response(std::string_view message);
std::string status_response(const DaemonStatus& status);
std::string sync_now_response(std::int64_t job_id);
// export and disable: the job that does the work.
std::string job_response(std::int64_t job_id);
// enable: the state the connection was in and the syncs queued.
std::string enable_response(std::string_view was, const std::vector<std::int64_t>& jobs);

}  // namespace capsync::daemon::admin
