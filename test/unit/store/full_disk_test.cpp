// The store on a full disk: a write that finds no space fails with a message naming the file and
// the cause, is not a fatal (untrusted) store, leaves reads working, and clears once a write
// succeeds again.

#include <catch2/catch.hpp>

#include "core/store/database.hpp"
#include "test/unit/store/full_disk_vfs.hpp"
#include "test/unit/store/temp_dir.hpp"

using namespace capsync;

TEST_CASE("store: a full disk is reported with the file and the cause, is not fatal, and clears once space is back") {
  test::FullDiskVfs vfs;
  test::TempDir dir;
  const std::string path = dir.file("capsync.db");
  auto opened = store::Database::open(path, {});
  REQUIRE(opened.ok());
  auto& db = **opened;
  REQUIRE(db.exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('kept')").ok());

  vfs.full = true;
  auto s = db.exec("INSERT INTO t VALUES ('lost')");
  REQUIRE_FALSE(s.ok());
  CHECK(vfs.refused_writes > 0);
  CHECK_THAT(s.error().message(), Catch::Contains("Failed to write " + path + ": the disk is full"));
  CHECK_FALSE(db.fatal_error());
  REQUIRE(db.storage_full());
  CHECK(db.storage_full()->message() == s.error().message());

  {  // reads go on: status and capsyncctl keep answering
    auto st = db.prepare("SELECT count(*) FROM t");
    REQUIRE(st.ok());
    REQUIRE(st->step().value());
    CHECK(st->column_int64(0) == 1);
  }
  CHECK_FALSE(db.probe_space());  // still full: stays paused
  CHECK(db.storage_full());

  vfs.full = false;
  CHECK(db.probe_space());
  CHECK_FALSE(db.storage_full());
  CHECK(db.exec("INSERT INTO t VALUES ('after')").ok());
  auto st = db.prepare("SELECT group_concat(x) FROM t");
  REQUIRE(st.ok());
  REQUIRE(st->step().value());
  CHECK(st->column_text(0) == "kept,after");
}
