#include "core/store/database.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <vector>

#include "core/store/schema.hpp"
#include "test/unit/store/temp_dir.hpp"

using capsync::Errc;
using capsync::store::Database;
using capsync::store::DatabaseOptions;
using capsync::store::Migration;
using capsync::store::Statement;
using capsync::store::Synchronous;

namespace {

std::unique_ptr<Database> open_ok(const std::string& path, const DatabaseOptions& options = {}) {
  auto db = Database::open(path, options);
  INFO((db ? std::string() : db.error().message()));
  REQUIRE(db.ok());
  return std::move(*db);
}

std::int64_t scalar_int(Database& db, std::string_view sql) {
  auto st = db.prepare(sql);
  REQUIRE(st.ok());
  auto row = st->step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  return st->column_int64(0);
}

std::string scalar_text(Database& db, std::string_view sql) {
  auto st = db.prepare(sql);
  REQUIRE(st.ok());
  auto row = st->step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  return std::string(st->column_text(0));
}

bool table_exists(Database& db, std::string_view name) {
  auto st = db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1");
  REQUIRE(st.ok());
  st->bind(1, name);
  REQUIRE(*st->step());
  return st->column_int64(0) == 1;
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

}  // namespace

TEST_CASE("store: open applies WAL, synchronous, foreign keys and a private file mode") {
  capsync::test::TempDir dir;
  const std::string path = dir.file("capsync.db");
  auto db = open_ok(path);
  CHECK(scalar_text(*db, "PRAGMA journal_mode") == "wal");
  CHECK(scalar_int(*db, "PRAGMA synchronous") == 1);  // NORMAL
  CHECK(scalar_int(*db, "PRAGMA foreign_keys") == 1);
  CHECK(scalar_int(*db, "PRAGMA busy_timeout") == 5000);
  REQUIRE(db->exec("INSERT INTO cursors (connection, resource, value, updated_at) VALUES ('a', 'b', 'c', 1)"));
  CHECK(mode_of(path) == 0600);
  CHECK(mode_of(path + "-wal") == 0600);
  CHECK(mode_of(path + "-shm") == 0600);

  DatabaseOptions full;
  full.synchronous = Synchronous::full;
  full.busy_timeout = std::chrono::milliseconds(250);
  auto second = open_ok(path, full);
  CHECK(scalar_int(*second, "PRAGMA synchronous") == 2);
  CHECK(scalar_int(*second, "PRAGMA busy_timeout") == 250);
}

TEST_CASE("store: an existing database readable by others is made private") {
  capsync::test::TempDir dir;
  const std::string path = dir.file("shared.db");
  std::ofstream(path).close();
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  auto db = open_ok(path);
  CHECK(mode_of(path) == 0600);
}

TEST_CASE("store: an empty file is migrated to the newest schema with every table") {
  capsync::test::TempDir dir;
  const std::string path = dir.file("capsync.db");
  std::ofstream(path).close();  // empty file, as a fresh state_dir may hold
  auto db = open_ok(path);
  const int newest = capsync::store::schema_migrations().back().version;
  CHECK(db->user_version() == newest);
  CHECK(scalar_int(*db, "PRAGMA user_version") == newest);
  for (auto table : {"connections", "tokens", "rate_budget", "bindings", "invoices", "cursors", "conflicts", "audit",
                     "jobs", "engine_parties", "engine_contacts", "engine_conflict_keys", "engine_notes"}) {
    INFO(table);
    CHECK(table_exists(*db, table));
  }
  // The token and budget tables other areas depend on, column for column.
  REQUIRE(db->exec("INSERT INTO tokens (connection, access_token, refresh_token, expires_at, scope, tenant_id, "
                   "updated_at) VALUES ('acme', 'a', 'r', 1, 's', 't', 2)"));
  CHECK(scalar_text(*db, "SELECT state FROM tokens WHERE connection = 'acme'") == "ok");
  REQUIRE(db->exec("INSERT INTO rate_budget (connection, provider, window, used, window_start, reset_at) "
                   "VALUES ('acme', 'xero', 'minute', 3, 1000, NULL)"));
  auto dup = db->exec("INSERT INTO rate_budget (connection, provider, window, used, window_start) "
                      "VALUES ('acme', 'xero', 'minute', 4, 1000)");
  REQUIRE_FALSE(dup.ok());
  CHECK_THAT(dup.error().message(), Catch::Contains("UNIQUE constraint failed"));
  // Money columns are exact text, never REAL.
  REQUIRE(db->exec("INSERT INTO invoices (connection, remote_id, contact_remote_id, type, status, currency, total, "
                   "amount_paid, amount_due, updated_at) VALUES ('acme', 'i1', 'c1', 'sales', 'AUTHORISED', 'GBP', "
                   "'0.10', '0.00', '0.10', 1)"));
  CHECK(scalar_text(*db, "SELECT typeof(total) || ':' || total FROM invoices") == "text:0.10");

  // Opening again leaves the schema as it is.
  db.reset();
  auto again = open_ok(path);
  CHECK(again->user_version() == newest);
}

TEST_CASE("store: a version 1 database whose sync tables were created at start-up upgrades to version 2") {
  capsync::test::TempDir dir;
  const std::string path = dir.file("capsync.db");
  {
    // As the previous release left it: migration 1, then the sync tables created with
    // IF NOT EXISTS (user_version untouched), holding a row.
    const std::vector<Migration> v1{capsync::store::schema_migrations().front()};
    auto db = open_ok(path, {.migrations = v1});
    REQUIRE(db->exec(R"sql(
      CREATE TABLE IF NOT EXISTS engine_parties (connection TEXT NOT NULL, party_id INTEGER NOT NULL,
        type TEXT NOT NULL, name TEXT NOT NULL, exact_key TEXT NOT NULL, normalized_key TEXT NOT NULL,
        near_key TEXT NOT NULL, updated_at INTEGER, body TEXT NOT NULL, PRIMARY KEY (connection, party_id));
      CREATE INDEX IF NOT EXISTS engine_parties_exact ON engine_parties (connection, exact_key);
      CREATE TABLE IF NOT EXISTS engine_contacts (connection TEXT NOT NULL, remote_id TEXT NOT NULL,
        name TEXT NOT NULL, exact_key TEXT NOT NULL, status TEXT NOT NULL, updated_at INTEGER,
        pending INTEGER NOT NULL DEFAULT 1, body TEXT NOT NULL, PRIMARY KEY (connection, remote_id));
      CREATE INDEX IF NOT EXISTS engine_contacts_pending ON engine_contacts (connection, remote_id) WHERE pending = 1;
      CREATE TABLE IF NOT EXISTS engine_conflict_keys (connection TEXT NOT NULL, identity TEXT NOT NULL,
        conflict_id INTEGER NOT NULL, PRIMARY KEY (connection, identity));
      CREATE TABLE IF NOT EXISTS engine_notes (connection TEXT NOT NULL, party_id INTEGER NOT NULL,
        note_id INTEGER NOT NULL, PRIMARY KEY (connection, party_id));
      INSERT INTO engine_parties VALUES ('acme', 7, 'organisation', 'Acme', 'Acme', 'acme', 'acme', 1, '{}');
      INSERT INTO engine_notes VALUES ('acme', 7, 70);
    )sql"));
    CHECK(scalar_int(*db, "PRAGMA user_version") == 1);
  }
  auto db = open_ok(path, {.migrations = capsync::store::schema_migrations().first(2)});
  CHECK(scalar_int(*db, "PRAGMA user_version") == 2);
  for (auto table : {"engine_parties", "engine_contacts", "engine_conflict_keys", "engine_notes"}) {
    INFO(table);
    CHECK(table_exists(*db, table));
  }
  CHECK(scalar_int(*db, "SELECT count(*) FROM engine_parties WHERE connection = 'acme' AND party_id = 7") == 1);
  CHECK(scalar_int(*db, "SELECT note_id FROM engine_notes WHERE party_id = 7") == 70);
  // Indexes the start-up code had not created yet are there now.
  CHECK(scalar_int(*db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN "
                        "('engine_parties_normalized', 'engine_parties_near', 'engine_contacts_exact')") == 3);
}

TEST_CASE("store: a failing migration rolls back, keeps user_version and says why") {
  capsync::test::TempDir dir;
  const std::string path = dir.file("capsync.db");
  const std::vector<Migration> good{{1, "first", "CREATE TABLE a (x INTEGER);"}};
  const std::vector<Migration> bad{
      {1, "first", "CREATE TABLE a (x INTEGER);"},
      {2, "add b", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1); INSERT INTO missing VALUES (1);"},
  };
  open_ok(path, {.migrations = good});

  auto failed = Database::open(path, {.migrations = bad});
  REQUIRE_FALSE(failed.ok());
  const std::string& message = failed.error().message();
  CHECK_THAT(message, Catch::Contains("migration 2 (add b)"));
  CHECK_THAT(message, Catch::Contains("no such table: missing"));
  CHECK_THAT(message, Catch::Contains("stays at version 1"));
  CHECK_THAT(message, Catch::Contains("refuses to start"));

  auto db = open_ok(path, {.migrations = good});
  CHECK(scalar_int(*db, "PRAGMA user_version") == 1);
  CHECK_FALSE(table_exists(*db, "b"));
  CHECK(scalar_int(*db, "SELECT count(*) FROM a") == 0);
}

TEST_CASE("store: a database newer than this build is refused") {
  capsync::test::TempDir dir;
  const std::string path = dir.file("capsync.db");
  const std::vector<Migration> newer{{1, "one", "CREATE TABLE a (x);"}, {2, "two", "CREATE TABLE b (y);"}};
  open_ok(path, {.migrations = newer});

  const std::vector<Migration> older{{1, "one", "CREATE TABLE a (x);"}};
  auto db = Database::open(path, {.migrations = older});
  REQUIRE_FALSE(db.ok());
  CHECK(db.error().code() == Errc::unsupported);
  CHECK_THAT(db.error().message(), Catch::Contains("schema version 2 is newer than this capsync supports (1)"));
  CHECK_THAT(db.error().message(), Catch::Contains("refusing to start"));
}

TEST_CASE("store: a file that is not a database is reported as corruption") {
  capsync::test::TempDir dir;
  const std::string path = dir.file("garbage.db");
  std::ofstream(path) << std::string(8192, 'x');
  auto db = Database::open(path, {});
  REQUIRE_FALSE(db.ok());
  CHECK(db.error().code() == Errc::corruption);
  CHECK_THAT(db.error().message(), Catch::Contains("not a database"));
}

TEST_CASE("store: transactions roll back on destruction and nest as savepoints") {
  capsync::test::TempDir dir;
  auto db = open_ok(dir.file("capsync.db"));
  auto count = [&] { return scalar_int(*db, "SELECT count(*) FROM audit"); };
  auto insert = [&](std::string_view action) {
    auto st = db->cached("INSERT INTO audit (at, actor, action) VALUES (1, 'test', ?1)");
    REQUIRE(st.ok());
    (*st)->bind(1, action);
    REQUIRE((*st)->run());
  };

  {
    auto tx = db->begin();
    REQUIRE(tx.ok());
    insert("dropped");
    CHECK(count() == 1);
  }
  CHECK(count() == 0);

  {
    auto outer = db->begin();
    REQUIRE(outer.ok());
    insert("kept");
    {
      auto inner = db->begin();
      REQUIRE(inner.ok());
      insert("inner dropped");
    }
    {
      auto inner = db->begin();
      REQUIRE(inner.ok());
      insert("inner kept");
      REQUIRE(inner->commit());
    }
    REQUIRE(outer->commit());
    CHECK_FALSE(outer->commit().ok());  // once only
  }
  CHECK(count() == 2);
  CHECK(scalar_int(*db, "SELECT count(*) FROM audit WHERE action = 'inner dropped'") == 0);

  // A new transaction can start after the others ended.
  auto tx = db->begin();
  REQUIRE(tx.ok());
  REQUIRE(tx->rollback());
}

TEST_CASE("store: statements bind by index and name and read every column type") {
  capsync::test::TempDir dir;
  auto db = open_ok(dir.file("capsync.db"));
  REQUIRE(db->exec("CREATE TABLE t (i INTEGER, s TEXT, n TEXT)"));
  auto insert = db->prepare("INSERT INTO t VALUES (:i, :s, :n)");
  REQUIRE(insert.ok());
  insert->bind(":i", std::int64_t{1} << 40).bind(":s", "h\xc3\xa9llo").bind(":n", std::nullopt);
  REQUIRE(insert->run());
  CHECK(db->changes() == 1);
  CHECK(db->last_insert_rowid() == 1);

  auto select = db->prepare("SELECT i, s, n FROM t");
  REQUIRE(select.ok());
  for (int pass = 0; pass < 2; ++pass) {  // reset() makes it ready again
    auto row = select->step();
    REQUIRE(row.ok());
    REQUIRE(*row);
    CHECK(select->column_count() == 3);
    CHECK(select->column_int64(0) == (std::int64_t{1} << 40));
    CHECK(select->column_text(1) == "h\xc3\xa9llo");
    CHECK(select->column_is_null(2));
    CHECK_FALSE(select->column_is_null(0));
    CHECK_FALSE(*select->step());
    select->reset();
  }

  auto unknown = db->prepare("SELECT :a");
  REQUIRE(unknown.ok());
  unknown->bind(":nope", 1);
  auto failed = unknown->step();
  REQUIRE_FALSE(failed.ok());
  CHECK_THAT(failed.error().message(), Catch::Contains("bind"));

  auto bad = db->prepare("SELEC 1");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message(), Catch::Contains("syntax error"));
  CHECK_FALSE(db->fatal_error().has_value());
}

TEST_CASE("store: cached statements are prepared once and reset when released") {
  capsync::test::TempDir dir;
  auto db = open_ok(dir.file("capsync.db"));
  Statement* first = nullptr;
  {
    auto st = db->cached("SELECT 1 UNION ALL SELECT 2");
    REQUIRE(st.ok());
    first = &**st;
    REQUIRE(*(*st)->step());  // leaves a row pending: the handle resets it
  }
  auto st = db->cached("SELECT 1 UNION ALL SELECT 2");
  REQUIRE(st.ok());
  CHECK(&**st == first);
  REQUIRE(*(*st)->step());
  CHECK((*st)->column_int64(0) == 1);
}

TEST_CASE("store: reclaim_space gives freed pages back to the file system") {
  capsync::test::TempDir dir;
  auto db = open_ok(dir.file("capsync.db"));
  REQUIRE(db->exec("CREATE TABLE big (x TEXT)"));
  REQUIRE(db->exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                   "INSERT INTO big SELECT printf('%.500c', 'x') FROM n"));
  REQUIRE(db->exec("DELETE FROM big"));
  CHECK(scalar_int(*db, "PRAGMA freelist_count") > 100);
  REQUIRE(db->reclaim_space());
  CHECK(scalar_int(*db, "PRAGMA freelist_count") == 0);
}

TEST_CASE("store: an in-memory snapshot holds the committed rows, and its writes never reach the file") {
  capsync::test::TempDir dir;
  auto db = open_ok(dir.file("capsync.db"));
  REQUIRE(db->exec("INSERT INTO cursors (connection, resource, value, updated_at) VALUES ('acme', 'capsule', 'a', 1)"));

  auto copy = db->snapshot_in_memory();
  REQUIRE(copy.ok());
  CHECK((*copy)->user_version() == db->user_version());
  CHECK(scalar_text(**copy, "SELECT value FROM cursors WHERE connection = 'acme'") == "a");
  REQUIRE((*copy)->exec("UPDATE cursors SET value = 'b'"));
  REQUIRE((*copy)->exec("INSERT INTO cursors (connection, resource, value, updated_at) VALUES ('acme', 'xero', 'x', 1)"));
  CHECK(scalar_text(*db, "SELECT value FROM cursors WHERE connection = 'acme'") == "a");
  CHECK(scalar_int(*db, "SELECT COUNT(*) FROM cursors") == 1);

  // An open transaction's rows are not committed yet: no copy is taken of them.
  auto tx = db->begin();
  REQUIRE(tx.ok());
  auto refused = db->snapshot_in_memory();
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code() == Errc::busy);
}
