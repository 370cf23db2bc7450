#pragma once
// DaemonStatus: what the daemon reports about itself, to the service manager (the one-line
// STATUS=) and to capsyncctl (the admin socket's "status" answer).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/sync_progress.hpp"
#include "core/queue/job_queue.hpp"

namespace capsync::daemon {

struct LastSync {
  std::chrono::system_clock::time_point at;  // when it finished
  bool ok = true;
  std::string error;  // the failed job's message; empty when ok
  std::optional<std::chrono::system_clock::time_point> started_at;  // when its job started running
  std::string kind;  // the job kind ("pull", "capsule_poll"); empty when unknown
};

// The latest outcome of each kind of sync job of one connection, and the "last sync" status
// reports from them: the latest run, unless the latest run of some kind failed, then that failure.
// A Capsule poll every few minutes must not hide an accounting pull that keeps failing.
class SyncHistory {
 public:
  void record(LastSync outcome);
  std::optional<LastSync> last() const;

 private:
  std::vector<LastSync> by_kind_;  // one entry per kind, its latest run
};

// A connection whose jobs wait for a provider's rate limit (a daily quota, or a server that asked
// for a long wait): nothing of it runs until `until`.
struct RateLimitWait {
  std::chrono::system_clock::time_point until;
  std::string provider;  // whose limit ("xero", "capsule")
};

struct ConnectionStatus {
  std::string name;
  std::string provider;
  bool enabled = true;
  queue::QueueCounts queue;
  std::optional<LastSync> last_sync;
  // A sync job of the connection is running now, since then.
  std::optional<std::chrono::system_clock::time_point> sync_running_since;
  // Its jobs wait for a rate limit (JobRunner::rate_limited).
  std::optional<RateLimitWait> rate_limited;
  // How far the running sync has got, and when it will end (none before its work left is known).
  std::optional<engine::SyncProgress> progress;
  std::optional<engine::Eta> eta;
};

// R27: one webhook source (xero, freshbooks, capsule) as status shows it.
struct WebhookSourceStatus {
  std::string source;
  std::optional<std::chrono::system_clock::time_point> last_delivery;  // within the last 24 h
  std::string last_outcome;  // "accepted", "forged", ...
  std::int64_t deliveries_24h = 0;
  // Set when polling found changes while this source had delivered nothing for
  // webhooks.silence_warning: its webhook may be disabled (Xero gives up after 24 h of failures).
  std::optional<std::string> warning;
};

struct DaemonStatus {
  std::vector<ConnectionStatus> connections;
  std::vector<WebhookSourceStatus> webhooks;
  queue::QueueCounts queue;  // all connections
  bool stopping = false;
  // Why syncing is paused (the store's disk is full), naming the file and the cause.
  std::optional<std::string> paused;
};

// e.g. "2 connections, queue: 3 ready 1 running 0 dead, last sync acme 10:42 ok"; the most
// recent sync of any connection, in local time ("failed" instead of "ok" after an error), then
// each parked connection: ", beta rate limited until 00:00 (xero)". Led by "syncing paused (disk
// full), " while the store cannot write.
std::string status_line(const DaemonStatus& status);

// "HH:MM" in local time.
std::string local_hh_mm(std::chrono::system_clock::time_point at);
// RFC 3339 UTC with seconds, "2024-05-01T10:42:07Z", for machine-readable output.
std::string utc_timestamp(std::chrono::system_clock::time_point at);

}  // namespace capsync::daemon
