// What the admin commands ask of the engine's repositories: the figures `capsyncctl status`
// and the metrics page show (each counts the one connection's rows, and only those that
// qualify), and `conflicts resolve --link`.

#include <catch2/catch.hpp>

#include "core/engine/bindings_repo.hpp"
#include "core/engine/conflicts_repo.hpp"
#include "core/engine/mirror_repo.hpp"
#include "core/store/database.hpp"
#include "test/unit/store/temp_dir.hpp"

using namespace capsync;

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

sync::Conflict clash(std::string remote_id) {
  sync::Conflict c;
  c.kind = sync::ConflictKind::name_clash;
  c.remote_id = std::move(remote_id);
  c.name = "Acme";
  return c;
}

sync::Binding link(model::PartyId party, std::string remote_id) {
  sync::Binding b;
  b.party_id = party;
  b.remote_id = std::move(remote_id);
  return b;
}

}  // namespace

TEST_CASE("BindingsRepo::counts counts the connection's links and those capsync created") {
  test::TempDir dir;
  auto db = store::Database::open(dir.file("capsync.db"), {}).value();
  engine::BindingsRepo acme(*db, "acme");
  engine::BindingsRepo other(*db, "other");
  CHECK(acme.counts().value().linked == 0);
  REQUIRE(acme.put(link(1, "c-1"), true).ok());
  REQUIRE(acme.put(link(2, "c-2"), false).ok());
  REQUIRE(acme.put(link(3, "c-3"), true).ok());
  REQUIRE(other.put(link(4, "c-4"), true).ok());

  auto counts = acme.counts();
  REQUIRE(counts.ok());
  CHECK(counts->linked == 3);
  CHECK(counts->created_by_us == 2);

  REQUIRE(acme.erase("c-1").ok());
  counts = acme.counts();
  REQUIRE(counts.ok());
  CHECK(counts->linked == 2);
  CHECK(counts->created_by_us == 1);
  CHECK(other.counts().value().linked == 1);
}

TEST_CASE("ConflictsRepo::count_open counts the connection's open conflicts, not resolved ones") {
  test::TempDir dir;
  auto db = store::Database::open(dir.file("capsync.db"), {}).value();
  engine::ConflictsRepo acme(*db, "acme");
  engine::ConflictsRepo other(*db, "other");
  CHECK(acme.count_open().value() == 0);
  REQUIRE(acme.record(clash("c-1"), kNow).value());
  REQUIRE(acme.record(clash("c-2"), kNow).value());
  REQUIRE(acme.record(clash("c-3"), kNow).value());
  REQUIRE(other.record(clash("c-1"), kNow).value());
  CHECK(acme.count_open().value() == 3);

  const auto open = acme.open().value();
  REQUIRE(open.size() == 3);
  REQUIRE(engine::ConflictsRepo::resolve(*db, open[0].id, true, kNow).ok());
  REQUIRE(engine::ConflictsRepo::resolve(*db, open[1].id, false, kNow).ok());
  CHECK(acme.count_open().value() == 1);
  CHECK(other.count_open().value() == 1);
}

TEST_CASE("ConflictsRepo::resolve_by_link links the party, marks the contact for the next sync and closes the conflict") {
  test::TempDir dir;
  auto db = store::Database::open(dir.file("capsync.db"), {}).value();
  engine::ConflictsRepo conflicts(*db, "acme");
  engine::BindingsRepo bindings(*db, "acme");
  engine::ContactMirror contacts(*db, "acme");
  model::Party party;
  party.id = 7;
  party.name = "Acme";
  REQUIRE(engine::PartyMirror(*db, "acme").upsert(party).ok());
  model::Contact contact;
  contact.remote_id = "c-1";
  contact.name = "Acme";
  contact.is_supplier = true;  // and a customer: both
  REQUIRE(contacts.upsert(contact, false).ok());
  REQUIRE(contacts.pending("", 10).value().empty());
  REQUIRE(conflicts.record(clash("c-1"), kNow).value());
  REQUIRE(conflicts.record(clash("c-2"), kNow).value());
  const auto open = conflicts.open().value();

  SECTION("linked") {
    REQUIRE(engine::ConflictsRepo::resolve_by_link(*db, open[0], 7, kNow).ok());
    const auto linked = bindings.find_by_remote_id("c-1").value();
    REQUIRE(linked);
    CHECK(linked->party_id == 7);
    CHECK(linked->role == sync::ContactRole::both);
    CHECK(bindings.counts().value().created_by_us == 0);
    CHECK(contacts.pending("", 10).value() == std::vector<std::string>{"c-1"});
    CHECK(conflicts.count_open().value() == 1);
  }
  SECTION("a party linked to another contact, or one capsync has not read, changes nothing") {
    REQUIRE(bindings.put(link(7, "c-9"), false).ok());
    auto s = engine::ConflictsRepo::resolve_by_link(*db, open[0], 7, kNow);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code() == Errc::conflict);
    CHECK_THAT(s.error().message(), Catch::Contains("already linked to accounting contact c-9"));
    s = engine::ConflictsRepo::resolve_by_link(*db, open[0], 8, kNow);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code() == Errc::not_found);
    s = engine::ConflictsRepo::resolve_by_link(*db, open[1], 8, kNow);  // c-2 not mirrored either
    REQUIRE_FALSE(s.ok());
    CHECK_FALSE(bindings.find_by_remote_id("c-1").value());
    CHECK(contacts.pending("", 10).value().empty());
    CHECK(conflicts.count_open().value() == 2);
  }
}
