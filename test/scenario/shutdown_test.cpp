// capsyncd stopped (SIGTERM, as `systemctl restart` does) while a provider request outlives
// shutdown_grace: the daemon exits 0, the unfinished sync goes back to the queue, and the
// next start completes it.

#include <signal.h>

#include <thread>

#include <catch2/catch.hpp>

#include "test/scenario/sync_world.hpp"

using namespace capsync::scenario;
using namespace std::chrono_literals;

namespace {

bool contacts_read_started(const SyncWorld& world) {
  for (const auto& r : world.requests())
    if (r.method == "GET" && r.path.find("/api.xro/2.0/Contacts") != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("SIGTERM during a slow provider request exits 0 and the next start completes the sync",
          "[scenario][lifecycle]") {
  Seed seed;
  seed.party(organisation(11, "Acme Ltd"))
      .contact(xero_contact("c-1", "Acme Ltd"))
      .contact(xero_contact("c-2", "Brook Ltd"))
      .invoice(xero_invoice("c-1", "INV-1", "120.00", 10))
      .invoice(xero_invoice("c-2", "INV-2", "80.00", -3));
  WorldOptions options;
  options.shutdown_grace = "1s";
  SyncWorld world(seed, options);
  // The initial sync's read of the Xero contacts is answered long after the grace period.
  auto armed = world.admin("POST", "/_admin/faults",
                           R"({"prefix":"/xero/api.xro/2.0/Contacts","method":"GET","kind":"delay",)"
                           R"("delay_ms":30000,"count":1})");
  REQUIRE(armed.status == 200);
  world.start_daemon(false);
  REQUIRE(wait_until([&] { return contacts_read_started(world); }, 30s));

  ::kill(world.daemon_pid(), SIGTERM);
  const auto code = world.wait_daemon_exit(20s);
  const std::string log = world.daemon_log();
  INFO(log);
  REQUIRE(code.has_value());
  CHECK(*code == 0);  // not 128 + SIGSEGV
  CHECK(log.find(" unfinished job(s) to the queue for the next start") != std::string::npos);

  // The sync starts again from the queue and links both contacts.
  world.start_daemon();
  CHECK(world.binding_of_contact(world.remote_id("c-1")) == "11");
  CHECK(world.binding_of_contact(world.remote_id("c-2")).has_value());
  CHECK(world.query_text("SELECT count(*) FROM jobs WHERE state IN ('ready','running','dead')") == "0");
}

TEST_CASE("SIGTERM while an admin command waits on a slow provider request exits 0", "[scenario][lifecycle]") {
  Seed seed;
  seed.party(organisation(11, "Acme Ltd"))
      .contact(xero_contact("c-1", "Acme Ltd"))
      .invoice(xero_invoice("c-1", "INV-1", "120.00", 10));
  WorldOptions options;
  options.shutdown_grace = "1s";
  SyncWorld world(seed, options);
  world.start_daemon();
  world.clear_requests();
  auto armed = world.admin("POST", "/_admin/faults",
                           R"({"prefix":"/xero/api.xro/2.0/Contacts","method":"GET","kind":"delay",)"
                           R"("delay_ms":30000,"count":1})");
  REQUIRE(armed.status == 200);
  // `capsyncctl plan` reads both sides through the daemon's connectors, in an admin session.
  std::thread plan([&] { (void)world.ctl({"plan", "acme"}); });
  const bool waiting = wait_until([&] { return contacts_read_started(world); }, 30s);
  ::kill(world.daemon_pid(), SIGTERM);
  const auto code = world.wait_daemon_exit(20s);
  plan.join();
  INFO(world.daemon_log());
  REQUIRE(waiting);
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  world.start_daemon();
  CHECK(world.binding_of_contact(world.remote_id("c-1")) == "11");
  CHECK(world.query_text("SELECT count(*) FROM jobs WHERE state IN ('ready','running','dead')") == "0");
}
