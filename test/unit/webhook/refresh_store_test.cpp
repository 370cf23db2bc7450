// R23: deliveries become refreshes merged per record, bounded per connection; R27: the
// deliveries of the last day per source.

#include <catch2/catch.hpp>

#include "core/store/database.hpp"
#include "core/webhook/delivery_log.hpp"
#include "core/webhook/refresh_store.hpp"
#include "test/unit/store/temp_dir.hpp"

using namespace capsync;
using namespace capsync::webhook;

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

std::unique_ptr<store::Database> open(const test::TempDir& dir) {
  auto db = store::Database::open(dir.file("capsync.db"), {});
  REQUIRE(db);
  return std::move(*db);
}

struct Fixture {
  test::TempDir dir;
  std::unique_ptr<store::Database> db = open(dir);
};

Event invoice(std::string connection, std::string id) {
  return {.connection = std::move(connection), .kind = RecordKind::invoice, .remote_id = std::move(id), .source = "xero"};
}

}  // namespace

TEST_CASE("R23 events for one record merge into one refresh") {
  Fixture f;
  RefreshStore store(*f.db);
  const std::vector<Event> events{invoice("acme", "i-1"), invoice("acme", "i-1"), invoice("acme", "i-2"),
                                  invoice("beta", "i-1")};
  auto added = store.add(events, kNow);
  REQUIRE(added);
  CHECK(added->stored == 3);
  CHECK(added->connections == std::set<std::string>{"acme", "beta"});
  CHECK(*store.count("acme") == 2);
  CHECK(*store.count() == 3);
  auto pending = store.pending("acme", RecordKind::invoice, 10);
  REQUIRE(pending);
  CHECK(pending->size() == 2);
  CHECK(store.pending("acme", RecordKind::contact, 10)->empty());
}

TEST_CASE("R23 a refresh that read a record before a newer event keeps that record pending") {
  Fixture f;
  RefreshStore store(*f.db);
  REQUIRE(store.add(std::vector{invoice("acme", "i-1"), invoice("acme", "i-2")}, kNow));
  auto taken = store.pending("acme", RecordKind::invoice, 10);
  REQUIRE(taken);
  REQUIRE(store.add(std::vector{invoice("acme", "i-2")}, kNow + 1));  // arrives while the refresh reads
  REQUIRE(store.done("acme", RecordKind::invoice, *taken));
  auto left = store.pending("acme", RecordKind::invoice, 10);
  REQUIRE(left);
  REQUIRE(left->size() == 1);
  CHECK(left->front().remote_id == "i-2");
}

TEST_CASE("R23 a storm of 10,000 events for 50 records queues 50 refreshes") {
  Fixture f;
  RefreshStore store(*f.db);
  std::vector<Event> storm;
  for (int i = 0; i < 10'000; ++i) storm.push_back(invoice("acme", "i-" + std::to_string(i % 50)));
  auto added = store.add(storm, kNow);
  REQUIRE(added);
  CHECK(added->stored == 50);
  CHECK(*store.count("acme") == 50);
}

TEST_CASE("R23 beyond the cap a connection overflows instead of growing") {
  Fixture f;
  RefreshStore store(*f.db, 3);
  std::vector<Event> events;
  for (int i = 0; i < 5; ++i) events.push_back(invoice("acme", "i-" + std::to_string(i)));
  events.push_back(invoice("acme", "i-0"));  // a known record still merges
  auto added = store.add(events, kNow);
  REQUIRE(added);
  CHECK(added->stored == 3);
  CHECK(added->overflowed == std::set<std::string>{"acme"});
  CHECK(*store.count("acme") == 3);
  REQUIRE(store.clear("acme"));
  CHECK(*store.count("acme") == 0);
}

TEST_CASE("R27 the delivery log shows each source's last delivery and its count over 24 hours") {
  Fixture f;
  DeliveryLog log(*f.db);
  REQUIRE(log.record("xero", "accepted", kNow - kDayMs - 1));  // over a day old at kNow
  REQUIRE(log.record("xero", "accepted", kNow - 1000));
  REQUIRE(log.record("xero", "forged", kNow));
  REQUIRE(log.record("freshbooks", "verified", kNow - 500));
  auto health = log.health(kNow);
  REQUIRE(health);
  REQUIRE(health->size() == 2);
  CHECK(health->at(0).source == "freshbooks");
  const SourceHealth& xero = health->at(1);
  CHECK(xero.source == "xero");
  CHECK(xero.count_24h == 2);
  CHECK(xero.last_at_ms == kNow);
  CHECK(xero.last_outcome == "forged");
  CHECK(xero.last_accepted_ms == kNow - 1000);
}
