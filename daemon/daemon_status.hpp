#pragma once
// DaemonStatus: what the daemon reports about itself, to the service manager (the one-line
// STATUS=) and to capsyncctl (the admin socket's "status" answer).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/queue/job_queue.hpp"

namespace capsync::daemon {

struct LastSync {
  std::chrono::system_clock::time_point at;  // when it finished
  bool ok = true;
  std::string error;  // the failed job's message; empty when ok
  std::optional<std::chrono::system_clock::time_point> started_at;  // when its job started running
};

struct ConnectionStatus {
  std::string name;
  std::string provider;
  bool enabled = true;
  queue::QueueCounts queue;
  std::optional<LastSync> last_sync;
  // A sync job of the connection is running now, since then.
  std::optional<std::chrono::system_clock::time_point> sync_running_since;
  // Its provider's daily request limit is used up: its jobs wait until then (JobRunner::parked_until).
  std::optional<std::chrono::system_clock::time_point> parked_until;
};

struct DaemonStatus {
  std::vector<ConnectionStatus> connections;
  queue::QueueCounts queue;  // all connections
  bool stopping = false;
  // Why syncing is paused (the store's disk is full), naming the file and the cause.
  std::optional<std::string> paused;
};

// e.g. "2 connections, queue: 3 ready 1 running 0 dead, last sync acme 10:42 ok"; the most
// recent sync of any connection, in local time ("failed" instead of "ok" after an error), then
// each parked connection: ", beta at its daily limit until 00:00". Led by "syncing paused (disk
// full), " while the store cannot write.
std::string status_line(const DaemonStatus& status);

// "HH:MM" in local time.
std::string local_hh_mm(std::chrono::system_clock::time_point at);
// RFC 3339 UTC with seconds, "2024-05-01T10:42:07Z", for machine-readable output.
std::string utc_timestamp(std::chrono::system_clock::time_point at);

}  // namespace capsync::daemon
