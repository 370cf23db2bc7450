// The sync engine when its store cannot be read: a failed read of the views that decide
// link-or-create (bindings, the party mirror) fails the job, and nothing is written on either
// side; once the store reads again, the retry converges as if nothing had happened.

#include <sqlite3.h>

#include <cstring>
#include <string>

#include <catch2/catch.hpp>

#include "core/engine/bindings_repo.hpp"
#include "core/queue/job_queue.hpp"
#include "core/store/database.hpp"
#include "test/unit/store/database_test_access.hpp"
#include "test/unit/engine/engine_harness.hpp"

using namespace capsync;

namespace {

struct Harness : test::EngineHarness {
  std::unique_ptr<queue::JobQueue> jobs;

  Harness() {
    jobs = std::make_unique<queue::JobQueue>(*db);
    start([this](queue::JobSpec spec) { return jobs->enqueue(spec, clock.ms); });
    capsule.add_organisation("Acme Ltd");
    xero.add_contact("c-acme", "Acme Ltd");
    xero.add_invoice("i-1", "c-acme", model::InvoiceStatus::authorised, "100.00", "2024-05-15");
  }

  Status pull() { return run(engine->pull(job("pull"))); }
  std::int64_t bindings() { return engine::BindingsRepo(*db, connection.name).counts().value().linked; }
  int writes() const { return capsule.writes + xero.writes; }
};

// SQLite's authorizer refuses every statement that reads this column: a store that fails reads
// of one table (SQLITE_AUTH here, SQLITE_BUSY or an I/O error in the field).
struct DeniedColumn {
  const char* table;
  const char* column;
};

int deny_reads(void* user, int action, const char* table, const char* column, const char*, const char*) {
  const auto* denied = static_cast<const DeniedColumn*>(user);
  if (action == SQLITE_READ && table != nullptr && column != nullptr && std::strcmp(table, denied->table) == 0 &&
      std::strcmp(column, denied->column) == 0)
    return SQLITE_DENY;
  return SQLITE_OK;
}

void fail_reads(store::Database& db, DeniedColumn& denied) {
  REQUIRE(sqlite3_set_authorizer(store::DatabaseTestAccess::handle(db), deny_reads, &denied) == SQLITE_OK);
}

void heal(store::Database& db) {
  REQUIRE(sqlite3_set_authorizer(store::DatabaseTestAccess::handle(db), nullptr, nullptr) == SQLITE_OK);
}

}  // namespace

TEST_CASE("R2 a party mirror that cannot be read fails the sync and creates no party") {
  Harness h;
  DeniedColumn names{"engine_parties", "exact_key"};  // the R1 name lookup
  fail_reads(*h.db, names);

  auto s = h.pull();
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.error().message(), Catch::Contains("Failed to read the party mirror"));
  CHECK(h.capsule.parties.size() == 1);  // no second "Acme Ltd"
  CHECK(h.xero.created.empty());
  CHECK(h.writes() == 0);
  CHECK(h.bindings() == 0);

  heal(*h.db);
  auto retry = h.pull();
  INFO((retry.ok() ? std::string() : retry.error().message()));
  REQUIRE(retry.ok());
  CHECK(h.capsule.parties.size() == 1);
  auto b = engine::BindingsRepo(*h.db, h.connection.name).find_by_remote_id("c-acme").value();
  REQUIRE(b);
  CHECK(b->party_id == h.capsule.parties.begin()->first);  // linked to the party that was there
}

TEST_CASE("R11 a binding that cannot be read fails the sync: the linked contact is neither relinked nor rewritten") {
  Harness h;
  REQUIRE(h.pull().ok());
  REQUIRE(h.bindings() == 1);
  const int before = h.writes();
  h.xero.add_invoice("i-2", "c-acme", model::InvoiceStatus::authorised, "20.00", "2024-06-15");

  DeniedColumn links{"bindings", "state"};  // every lookup of a linked binding
  fail_reads(*h.db, links);
  auto s = h.pull();
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.error().message(), Catch::Contains("Failed to read bindings"));
  CHECK(h.capsule.parties.size() == 1);
  CHECK(h.xero.created.empty());
  CHECK(h.writes() == before);

  heal(*h.db);
  auto retry = h.pull();
  INFO((retry.ok() ? std::string() : retry.error().message()));
  REQUIRE(retry.ok());
  CHECK(h.capsule.parties.size() == 1);
  CHECK(h.bindings() == 1);
  CHECK(h.writes() > before);  // the new invoice reaches the summary now
}
