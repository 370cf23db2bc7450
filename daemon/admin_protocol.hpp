#pragma once
// The admin socket protocol: one JSON object per line each way.
//
//   -> {"cmd":"status"}
//   <- {"ok":true,"connections":[{"name":"acme","provider":"xero","enabled":true,
//        "queue":{"ready":1,"running":0,"done":4,"dead":0},
//        "last_sync":{"started_at":"2024-05-01T10:41:58Z"|null,"at":"2024-05-01T10:42:07Z",
//                     "kind":"pull","ok":false,"error":"…"},  (a failing kind wins over a later success)
//        "sync_running_since":"…Z"|null,
//        "rate_limited":{"until":"…Z","provider":"xero"}|null}],
//       "queue":{"ready":1,"running":0,"done":4,"dead":0},"status":"1 connection, queue: …",
//       "webhooks":[{"source":"xero","last_delivery":"…Z"|null,"last_outcome":"accepted",
//                    "deliveries_24h":12[,"warning":"…"]}]}  (R27; a source per configured webhook)
//      each connection also: "auth":"ok" (accounting side),"capsule_auth":"ok","counts":{"linked":40,"created":3,"conflicts":1},
//        "next_sync":"…Z"|null,"rate_limits":[{"provider":"xero","window":"minute","limit":60,
//        "left":57,"resets_at":"…Z"|null}],"webhooks":{"state":"slots_full","detail":"…"}|null
//   -> {"cmd":"sync-now","connection":"acme"}
//   <- {"ok":true,"job":17}
//   -> {"cmd":"export","connection":"acme","party_id":1234}       (R12)
//   <- {"ok":true,"job":18}
//   -> {"cmd":"disable","connection":"acme"}                       (R16)
//   <- {"ok":true,"job":19}
//   -> {"cmd":"enable","connection":"acme"}
//   <- {"ok":true,"was":"disabled","jobs":[20,21]}   (was: active | disabling | disabled)
//   -> {"cmd":"sync-now","full":true}               (no connection: every active one)
//   <- {"ok":true,"job":22,"jobs":[22,23]}
//   -> {"cmd":"jobs","connection":"acme","dead":true}               (both optional)
//   <- {"ok":true,"jobs":[{"id":17,"kind":"pull","connection":"acme","state":"dead",
//        "attempts":8,"max_attempts":8,"created_at":"…","run_after":"…","finished_at":"…",
//        "last_error":"…"}]}
//   -> {"cmd":"job","id":17}                                 <- {"ok":true,"jobs":[{…}]}
//   -> {"cmd":"retry","id":17}  or  {"cmd":"retry","all_dead":true}
//   <- {"ok":true,"retried":1}
//   -> {"cmd":"conflicts","connection":"acme"}                      (connection optional)
//   <- {"ok":true,"conflicts":[{"id":3,"connection":"acme","kind":"ambiguous_match",
//        "capsule_ids":["11","12"],"capsule_names":["Acme","Acme"],"remote_id":"c-1",
//        "remote_name":"Acme","detail":"…","created_at":"…"}]}      (R17)
//   -> {"cmd":"resolve","id":3,"link":11}  or  {"cmd":"resolve","id":3,"ignore":true}
//   <- {"ok":true,"resolution":"linked"}                          (linked | ignored)
//   <- {"ok":false,"error":"unknown connection \"acme2\""}       (any failure)
// Commands the sync layer serves (AdminCommands) document their lines where they are answered:
// connect, connect-wait and connect-finish in connect_handler.hpp, export-preview in
// export_preview.hpp, plan in admin_plan.hpp. Their request lines are built here, for capsyncctl.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "daemon/admin_status.hpp"
#include "daemon/daemon_status.hpp"

namespace capsync::daemon::admin {

// A request line longer than this is refused (and the connection closed).
inline constexpr std::size_t max_request_bytes = 64 * 1024;

enum class Command { status, sync_now, export_party, disable, enable, jobs, job, retry, conflicts, resolve };

struct Request {
  Command command = Command::status;
  std::string connection;     // export, disable, enable; optional for sync-now, jobs, conflicts
  std::int64_t party_id = 0;  // export: the Capsule party, > 0
  bool full = false;          // sync-now: a full reconcile that ignores cursors
  bool dead = false;          // jobs: only dead ones
  std::int64_t id = 0;        // job, retry: the job; resolve: the conflict
  bool all_dead = false;      // retry: every dead job instead of one
  std::int64_t link = 0;      // resolve: the Capsule party to link
  bool ignore = false;        // resolve: hide the conflict for good
};

// "status", "sync-now", "export", "disable", "enable", "jobs", "job", "retry", "conflicts", "resolve".
std::string_view command_name(Command command);

// Parses one request line (without its newline). Errors say what is wrong with it.
Result<Request> parse_request(std::string_view line);
// The request line a client sends (without the newline).
std::string format_request(const Request& request);

// Response lines (without the newline).
std::string error_response(std::string_view message);
// `reports` (when given) parallels status.connections and adds "auth", "counts",
// "next_sync" and "rate_limits" to each connection.
std::string status_response(const DaemonStatus& status, const std::vector<ConnectionReport>& reports = {});
std::string sync_now_response(std::int64_t job_id);
// export and disable: the job that does the work.
std::string job_response(std::int64_t job_id);
// enable: the state the connection was in and the syncs queued.
std::string enable_response(std::string_view was, const std::vector<std::int64_t>& jobs);
// sync-now: the first job and every job queued.
std::string sync_now_response(const std::vector<std::int64_t>& jobs);
// jobs and job.
std::string jobs_response(const std::vector<queue::Job>& jobs);
std::string retry_response(int retried);

// One R17 conflict as capsyncctl shows it, with the names of both sides when known.
struct ConflictView {
  std::int64_t id = 0;
  std::string connection, kind;
  std::vector<std::string> capsule_ids, capsule_names;  // names in the same order, "" when unknown
  std::string remote_id, remote_name, detail;
  std::chrono::system_clock::time_point created_at;
};
std::string conflicts_response(const std::vector<ConflictView>& conflicts);
std::string resolve_response(std::string_view resolution);

}  // namespace capsync::daemon::admin

namespace capsync::daemon {

inline constexpr std::string_view export_preview_command = "export-preview";
// The export-preview request line capsyncctl sends.
std::string export_preview_request(std::string_view connection, std::string_view party);

inline constexpr std::string_view plan_command = "plan";
// The plan request line capsyncctl sends.
std::string plan_request(std::string_view connection, bool full);

}  // namespace capsync::daemon
