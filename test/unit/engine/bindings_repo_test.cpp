// CreateIntents: the creates begun and not linked yet, on either side, kept apart by side and
// by connection, and surviving a reopen of the store (they are what a retry after a crash reads).

#include <catch2/catch.hpp>

#include "core/engine/bindings_repo.hpp"
#include "core/store/database.hpp"
#include "test/unit/store/temp_dir.hpp"

using namespace capsync;

TEST_CASE("R12 an export begun is known until it is finished, for its party and connection only") {
  test::TempDir dir;
  auto db = store::Database::open(dir.file("capsync.db"), {}).value();
  auto exports = engine::CreateIntents::exports(*db, "books");
  REQUIRE(exports.begin(model::PartyId{42}, 1000));
  REQUIRE(exports.begin(model::PartyId{42}, 2000));  // a retry begins it again: no error

  CHECK(exports.started(model::PartyId{42}).value());
  CHECK_FALSE(exports.started(model::PartyId{43}).value());
  CHECK_FALSE(engine::CreateIntents::exports(*db, "other").started(model::PartyId{42}).value());
  CHECK_FALSE(engine::CreateIntents::party_creates(*db, "books").started("42").value());

  REQUIRE(exports.finish(model::PartyId{42}));
  CHECK_FALSE(exports.started(model::PartyId{42}).value());
}

TEST_CASE("R2 a party create begun is known across a restart until it is finished, for its contact only") {
  test::TempDir dir;
  {
    auto db = store::Database::open(dir.file("capsync.db"), {}).value();
    REQUIRE(engine::CreateIntents::party_creates(*db, "books").begin("c-acme", 1000));
  }
  auto db = store::Database::open(dir.file("capsync.db"), {}).value();
  auto creates = engine::CreateIntents::party_creates(*db, "books");
  CHECK(creates.started("c-acme").value());
  CHECK_FALSE(creates.started("c-other").value());
  CHECK_FALSE(engine::CreateIntents::party_creates(*db, "other").started("c-acme").value());

  REQUIRE(creates.finish("c-acme"));
  CHECK_FALSE(creates.started("c-acme").value());
}
