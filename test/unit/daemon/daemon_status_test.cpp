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
  c.last_sync = LastSync{at, ok, ok ? "" : "boom", std::nullopt, "pull"};
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

TEST_CASE("status line names a connection parked by a rate limit, whose, and when it resumes") {
  UtcZone zone;
  DaemonStatus s;
  s.connections.push_back(synced("acme", utc(10, 42), true));
  ConnectionStatus beta;
  beta.name = "beta";
  beta.rate_limited = RateLimitWait{utc(23, 59), "xero"};
  s.connections.push_back(beta);
  CHECK(status_line(s) ==
        "2 connections, queue: 0 ready 0 running 0 dead, last sync acme 10:42 ok, beta rate limited until 23:59 (xero)");
}

TEST_CASE("last sync: a later successful Capsule poll does not hide a failing accounting pull") {
  UtcZone zone;
  SyncHistory history;
  CHECK_FALSE(history.last());
  history.record(LastSync{utc(10, 0), false, "Failed to list Xero invoices: HTTP 500", std::nullopt, "pull"});
  // Six snapshots while the pull keeps failing and the Capsule poll keeps succeeding.
  for (int minute = 5; minute <= 30; minute += 5) {
    history.record(LastSync{utc(10, minute), true, "", std::nullopt, "capsule_poll"});
    const auto last = history.last();
    REQUIRE(last);
    CHECK_FALSE(last->ok);
    CHECK(last->kind == "pull");
    CHECK(last->error == "Failed to list Xero invoices: HTTP 500");
    DaemonStatus s;
    ConnectionStatus acme;
    acme.name = "acme";
    acme.last_sync = last;
    s.connections.push_back(acme);
    CHECK(status_line(s) == "1 connection, queue: 0 ready 0 running 0 dead, last sync acme 10:00 failed");
  }
  // The pull recovers: the latest run is reported again.
  history.record(LastSync{utc(10, 31), true, "", std::nullopt, "pull"});
  history.record(LastSync{utc(10, 35), true, "", std::nullopt, "capsule_poll"});
  REQUIRE(history.last());
  CHECK(history.last()->ok);
  CHECK(history.last()->at == utc(10, 35));
  // A later failure of any kind is the last sync.
  history.record(LastSync{utc(10, 40), false, "Capsule rejected the access token", std::nullopt, "capsule_poll"});
  CHECK(history.last()->kind == "capsule_poll");
  CHECK_FALSE(history.last()->ok);
}

TEST_CASE("timestamps for machines are RFC 3339 UTC") { CHECK(utc_timestamp(utc(10, 42)) == "2024-05-01T10:42:00Z"); }
