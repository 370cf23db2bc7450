#include "daemon/daemon_status.hpp"

#include <cstdlib>
#include <ctime>

#include <catch2/catch.hpp>

using namespace capsync::daemon;

namespace {

std::chrono::system_clock::time_point utc(int hour, int minute) {
  // 2024-05-01 at hour:minute UTC.
  return std::chrono::system_clock::time_point{std::chrono::seconds{1714521600 + hour * 3600 + minute * 60}};
}

ConnectionStatus synced(std::string name, std::chrono::system_clock::time_point at, bool ok) {
  ConnectionStatus c;
  c.name = std::move(name);
  c.last_sync = LastSync{at, ok, ok ? "" : "boom", std::nullopt};
  return c;
}

struct UtcZone {
  UtcZone() {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

}  // namespace

TEST_CASE("status line counts connections and queue states and names the latest sync") {
  UtcZone zone;
  DaemonStatus s;
  s.queue.ready = 3;
  s.queue.running = 1;
  s.connections.push_back(synced("acme", utc(10, 42), true));
  s.connections.push_back(synced("beta", utc(9, 5), false));
  CHECK(status_line(s) == "2 connections, queue: 3 ready 1 running 0 dead, last sync acme 10:42 ok");
}

TEST_CASE("status line says failed when the latest sync failed") {
  UtcZone zone;
  DaemonStatus s;
  s.connections.push_back(synced("beta", utc(9, 5), false));
  CHECK(status_line(s) == "1 connection, queue: 0 ready 0 running 0 dead, last sync beta 09:05 failed");
}

TEST_CASE("status line before any sync and while stopping") {
  DaemonStatus s;
  CHECK(status_line(s) == "0 connections, queue: 0 ready 0 running 0 dead");
  s.stopping = true;
  CHECK(status_line(s) == "stopping, 0 connections, queue: 0 ready 0 running 0 dead");
}

TEST_CASE("status line leads with a pause for a full disk") {
  DaemonStatus s;
  s.paused = "Failed to write /var/lib/capsync/capsync.db: the disk is full";
  CHECK(status_line(s) == "syncing paused (disk full), 0 connections, queue: 0 ready 0 running 0 dead");
}

TEST_CASE("status line names a connection parked by its daily limit and when it resumes") {
  UtcZone zone;
  DaemonStatus s;
  s.connections.push_back(synced("acme", utc(10, 42), true));
  ConnectionStatus beta;
  beta.name = "beta";
  beta.parked_until = utc(23, 59);
  s.connections.push_back(beta);
  CHECK(status_line(s) ==
        "2 connections, queue: 0 ready 0 running 0 dead, last sync acme 10:42 ok, beta at its daily limit until 23:59");
}

TEST_CASE("timestamps for machines are RFC 3339 UTC") { CHECK(utc_timestamp(utc(10, 42)) == "2024-05-01T10:42:00Z"); }
