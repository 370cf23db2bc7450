// R25: the verifiers FreshBooks posted, kept per connection and callback in the state database:
// pending until FreshBooks accepted one back, and still there when the database is opened again.

#include <catch2/catch.hpp>

#include "core/store/database.hpp"
#include "core/webhook/verifier_store.hpp"
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

std::vector<std::string> revealed(const std::vector<Secret>& secrets) {
  std::vector<std::string> out;
  for (const auto& s : secrets) out.emplace_back(s.reveal());
  return out;
}

}  // namespace

TEST_CASE("R25 a posted verifier checks deliveries only once FreshBooks accepted it, and survives a reopen") {
  test::TempDir dir;
  {
    auto db = open(dir);
    VerifierStore store(*db);
    REQUIRE(store.put("acme", 2001, Secret("code-1"), kNow));
    REQUIRE(store.put("acme", 2002, Secret("code-2"), kNow));
    REQUIRE(store.put("beta", 2003, Secret("code-3"), kNow));
    CHECK(store.verified("acme")->empty());  // pending: nobody confirmed them yet
    REQUIRE(store.mark_verified("acme", 2001, Secret("code-1")));
    REQUIRE(store.mark_verified("acme", 2002, Secret("not-the-stored-code")));  // replaced meanwhile
    CHECK(revealed(*store.verified("acme")) == std::vector<std::string>{"code-1"});
    CHECK(store.verified("beta")->empty());
  }
  auto db = open(dir);
  VerifierStore store(*db);
  CHECK(revealed(*store.verified("acme")) == std::vector<std::string>{"code-1"});
  auto found = store.find("acme", 2002);
  REQUIRE(found);
  REQUIRE(*found);
  CHECK((*found)->reveal() == "code-2");
  CHECK_FALSE(*store.find("acme", 9999));
}

TEST_CASE("R25 a newly posted verifier replaces the one in use only once FreshBooks accepted it") {
  test::TempDir dir;
  auto db = open(dir);
  VerifierStore store(*db);
  REQUIRE(store.put("acme", 2001, Secret("code-1"), kNow));
  REQUIRE(store.mark_verified("acme", 2001, Secret("code-1")));
  // A second code (a resend, or a post nobody confirmed): the accepted one keeps checking.
  REQUIRE(store.put("acme", 2001, Secret("code-new"), kNow + 1));
  CHECK(revealed(*store.verified("acme")) == std::vector<std::string>{"code-1"});
  REQUIRE(store.mark_verified("acme", 2001, Secret("code-new")));
  CHECK(revealed(*store.verified("acme")) == std::vector<std::string>{"code-new"});
  REQUIRE(store.clear("acme"));
  CHECK_FALSE(*store.find("acme", 2001));
  CHECK(store.verified("acme")->empty());
}
