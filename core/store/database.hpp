#pragma once
// Database: capsync's one SQLite store (design.md §3). Owns one connection; not thread-safe:
// each thread (in the daemon, the io_context thread) opens its own Database on the file.
//
//   auto db = store::Database::open(path, {});            // WAL, migrations, mode 0600
//   store::Transaction tx = db->begin().value();          // BEGIN IMMEDIATE (or a savepoint)
//   auto st = db->cached("UPDATE cursors SET value = ?1 WHERE ...");
//   (*st)->bind(1, value);  if (auto s = (*st)->run(); !s) return s;
//   return tx.commit();                                   // rolled back if never reached

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/error/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace capsync::store {

class Database;

// One step of the schema. Migration N takes user_version from N-1 to N in one transaction.
struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;  // may hold several statements
};

enum class Synchronous { off, normal, full };

struct DatabaseOptions {
  Synchronous synchronous = Synchronous::normal;
  std::chrono::milliseconds busy_timeout{5000};
  // The schema to migrate to; empty means capsync's own (core/store/schema.hpp).
  std::span<const Migration> migrations{};
};

// A prepared statement. Binds are chained; a failing bind is reported by the next step().
// Indexes are 1-based for binds (as in SQL) and 0-based for columns (as in SQLite).
class Statement final {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, std::nullopt_t);
  // Named parameters (":name", "@name", "$name"), spelt with their prefix.
  template <typename T>
  Statement& bind(std::string_view name, T&& value) {
    return bind(parameter_index(name), std::forward<T>(value));
  }

  // true: a row is available; false: the statement is done. Errors carry SQLite's message.
  Result<bool> step();
  // Steps to the end (for statements without rows) and resets.
  Status run();
  // Ready to step again; bindings are cleared too.
  void reset();

  std::int64_t column_int64(int column) const;
  // Valid until the next step() or reset().
  std::string_view column_text(int column) const;
  bool column_is_null(int column) const;
  int column_count() const;

 private:
  friend class Database;
  Statement(Database& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}
  int parameter_index(std::string_view name);
  void note_bind(int rc);

  Database* db_;
  sqlite3_stmt* stmt_;
  int bind_rc_ = 0;  // first failing bind since the last reset, reported by step()
};

// A statement from the database's cache, reset (and unbound) when this handle goes away so
// it never holds a read snapshot open. Two handles to the same SQL must not be alive at once.
class CachedStatement final {
 public:
  explicit CachedStatement(Statement& s) : s_(&s) {}
  CachedStatement(CachedStatement&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  CachedStatement& operator=(CachedStatement&&) = delete;
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;
  ~CachedStatement() {
    if (s_) s_->reset();
  }
  Statement* operator->() const { return s_; }
  Statement& operator*() const { return *s_; }

 private:
  Statement* s_;
};

// A write transaction: BEGIN IMMEDIATE at the outermost level, a SAVEPOINT when one is
// already open (so library calls compose into a caller's transaction). Rolled back on
// destruction unless commit() succeeded.
class Transaction final {
 public:
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Status commit();
  Status rollback();  // explicit, to see its error; the destructor does the same silently

 private:
  friend class Database;
  Transaction(Database& db, int depth) : db_(&db), depth_(depth) {}
  Database* db_;
  int depth_;  // 0: BEGIN IMMEDIATE, n > 0: SAVEPOINT sp_n
  bool open_ = true;
};

class Database final {
 public:
  // Opens (creating with mode 0600) and migrates the store. Refuses a database whose schema is
  // newer than this build knows, and reports a failed migration (rolled back) as an error that
  // says which one, why, and that the daemon refuses to start.
  static Result<std::unique_ptr<Database>> open(const std::string& path, const DatabaseOptions& options);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more statements without results.
  Status exec(std::string_view sql);
  // A fresh statement the caller owns.
  Result<Statement> prepare(std::string_view sql);
  // A statement prepared once per Database and kept, keyed by its SQL text.
  Result<CachedStatement> cached(std::string_view sql);
  Result<Transaction> begin();

  std::int64_t last_insert_rowid() const;
  int changes() const;  // rows changed by the last INSERT/UPDATE/DELETE
  int user_version() const { return user_version_; }
  const std::string& path() const { return path_; }

  // Latched fatal error (like leveldb's bg_error_): once SQLite reports corruption or an I/O
  // error, the store cannot be trusted; the daemon stops claiming work and exits.
  const std::optional<Error>& fatal_error() const { return fatal_; }

  // Set from the first write that fails for lack of space (SQLITE_FULL, ENOSPC, EDQUOT) until
  // probe_space() succeeds: not fatal, as SQLite rolls the transaction back and reads still
  // work; the message names the file and the cause.
  const std::optional<Error>& storage_full() const { return full_; }
  // While storage_full(): when the file system has room again and a small committed write
  // succeeds, clears it and returns true. Also true when it was not set.
  bool probe_space();

  // Returns free pages to the file system (the database uses auto_vacuum=incremental).
  Status reclaim_space();

  // A private in-memory copy of the committed state (sqlite3_backup), for work that must
  // never reach this store: `capsyncctl plan` runs a whole sync on it. Errc::busy while a
  // transaction is open on this connection, as the copy would include its uncommitted rows.
  Result<std::unique_ptr<Database>> snapshot_in_memory();

  // Turns SQLite result code `rc` into an Error with the connection's message, latching fatal ones.
  Error error_from(int rc, std::string_view context);

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status configure(const DatabaseOptions& options);
  Status migrate(std::span<const Migration> migrations);

  sqlite3* db_;
  std::string path_;
  int user_version_ = 0;
  int tx_depth_ = 0;  // open Transaction levels
  std::optional<Error> fatal_;
  std::optional<Error> full_;
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> cache_;

  friend class Transaction;
  // Tests reach the SQLite connection through this, to inject faults SQLite can produce (an
  // authorizer that fails reads of one table). Defined only in test/: the product has no access.
  friend struct DatabaseTestAccess;
};

}  // namespace capsync::store
