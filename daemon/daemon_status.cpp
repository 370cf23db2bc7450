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
    if (c.parked_until) line += fmt::format(", {} at its daily limit until {}", c.name, local_hh_mm(*c.parked_until));
  return line;
}

}  // namespace capsync::daemon
