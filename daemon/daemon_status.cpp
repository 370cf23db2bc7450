#include "daemon/daemon_status.hpp"

#include <ctime>

#include <fmt/format.h>

namespace capsync::daemon {

namespace {

std::tm broken_down(std::chrono::system_clock::time_point at, bool local) {
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm tm{};
  if (local)
    localtime_r(&t, &tm);
  else
    gmtime_r(&t, &tm);
  return tm;
}

}  // namespace

void SyncHistory::record(LastSync outcome) {
  for (auto& entry : by_kind_)
    if (entry.kind == outcome.kind) {
      entry = std::move(outcome);
      return;
    }
  by_kind_.push_back(std::move(outcome));
}

std::optional<LastSync> SyncHistory::last() const {
  const LastSync* latest = nullptr;
  const LastSync* latest_failure = nullptr;
  for (const auto& entry : by_kind_) {
    if (latest == nullptr || entry.at > latest->at) latest = &entry;
    if (!entry.ok && (latest_failure == nullptr || entry.at > latest_failure->at)) latest_failure = &entry;
  }
  if (latest_failure != nullptr) return *latest_failure;
  if (latest != nullptr) return *latest;
  return std::nullopt;
}

std::string local_hh_mm(std::chrono::system_clock::time_point at) {
  const std::tm tm = broken_down(at, true);
  return fmt::format("{:02}:{:02}", tm.tm_hour, tm.tm_min);
}

std::string utc_timestamp(std::chrono::system_clock::time_point at) {
  const std::tm tm = broken_down(at, false);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

std::string status_line(const DaemonStatus& status) {
  std::string line;
  if (status.stopping) line += "stopping, ";
  if (status.paused) line += "syncing paused (disk full), ";
  const auto n = status.connections.size();
  line += fmt::format("{} connection{}, queue: {} ready {} running {} dead", n, n == 1 ? "" : "s",
                      status.queue.ready, status.queue.running, status.queue.dead);
  const ConnectionStatus* latest = nullptr;
  for (const auto& c : status.connections)
    if (c.last_sync && (latest == nullptr || c.last_sync->at > latest->last_sync->at)) latest = &c;
  if (latest != nullptr)
    line += fmt::format(", last sync {} {} {}", latest->name, local_hh_mm(latest->last_sync->at),
                        latest->last_sync->ok ? "ok" : "failed");
  for (const auto& c : status.connections)
    if (c.rate_limited)
      line += fmt::format(", {} rate limited until {} ({})", c.name, local_hh_mm(c.rate_limited->until),
                          c.rate_limited->provider);
  return line;
}

}  // namespace capsync::daemon
