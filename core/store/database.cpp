#include "core/store/database.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/log/log.hpp"
#include "core/store/schema.hpp"

namespace capsync::store {
namespace {

Errc errc_for(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Errc::busy;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Errc::corruption;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL: return Errc::io;
    case SQLITE_INTERRUPT: return Errc::cancelled;
    default: return Errc::invalid_argument;
  }
}

// A write that failed for lack of space: SQLite says SQLITE_FULL for most, but an I/O error
// (growing the -shm index, syncing) may carry ENOSPC or EDQUOT underneath.
bool is_full(int rc, int system_errno) {
  int primary = rc & 0xff;
  return primary == SQLITE_FULL ||
         (primary == SQLITE_IOERR && (system_errno == ENOSPC || system_errno == EDQUOT));
}

bool is_fatal(int rc) {
  int primary = rc & 0xff;
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB || primary == SQLITE_IOERR;
}

// Free space the state directory needs before a paused store tries writing again: a few
// pages of WAL, so that one freed block does not resume work that fails at once.
constexpr std::uint64_t kResumeFreeBytes = 256 * 1024;

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string_view pragma_value(Synchronous s) {
  switch (s) {
    case Synchronous::off: return "OFF";
    case Synchronous::normal: return "NORMAL";
    case Synchronous::full: return "FULL";
  }
  return "NORMAL";
}

// SQLite gives the -wal and -shm files the main file's mode, so creating the main file 0600
// ourselves (before SQLite does, with its 0644) keeps tokens private. An existing file that
// others can read is tightened.
Status create_private(const std::string& path) {
  if (path.empty() || path == ":memory:") return {};
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(Errc::io, "Failed to open {}: {}", path, std::strerror(errno));
  struct stat st {};
  Status status;
  if (::fstat(fd, &st) == 0 && (st.st_mode & 077) != 0) {
    if (::fchmod(fd, st.st_mode & 0700) != 0)
      status = make_error(Errc::io, "Failed to make {} private: {}", path, std::strerror(errno));
    else
      log::notice({}, "Made database {} readable by its owner only (was {:o})", path, st.st_mode & 0777);
  }
  ::close(fd);
  return status;
}

}  // namespace

// --- Statement ---------------------------------------------------------------------------

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), bind_rc_(other.bind_rc_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_rc_ = other.bind_rc_;
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::note_bind(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Statement& Statement::bind(int index, std::int64_t value) {
  note_bind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  note_bind(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::bind(int index, std::nullopt_t) {
  note_bind(sqlite3_bind_null(stmt_, index));
  return *this;
}

int Statement::parameter_index(std::string_view name) {
  std::string z(name);
  int index = sqlite3_bind_parameter_index(stmt_, z.c_str());
  if (index == 0) note_bind(SQLITE_RANGE);
  return index;
}

Result<bool> Statement::step() {
  if (bind_rc_ != SQLITE_OK) {
    return make_error(Errc::invalid_argument, "Failed to bind parameters of \"{}\": {}", sqlite3_sql(stmt_),
                      sqlite3_errstr(bind_rc_));
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->error_from(rc, sqlite3_sql(stmt_));
}

Status Statement::run() {
  for (;;) {
    auto more = step();
    if (!more) {
      reset();
      return more.error();
    }
    if (!*more) break;
  }
  reset();
  return {};
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

std::int64_t Statement::column_int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string_view Statement::column_text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return {text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

bool Statement::column_is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

int Statement::column_count() const { return sqlite3_column_count(stmt_); }

// --- Transaction -------------------------------------------------------------------------

Transaction::Transaction(Transaction&& other) noexcept
    : db_(other.db_), depth_(other.depth_), open_(std::exchange(other.open_, false)) {}

Transaction::~Transaction() {
  if (open_) (void)rollback();
}

Status Transaction::commit() {
  if (!open_) return make_error(Errc::invalid_argument, "Failed to commit: transaction already finished");
  Status s = depth_ == 0 ? db_->exec("COMMIT") : db_->exec(fmt::format("RELEASE sp_{}", depth_));
  if (!s) return s;  // still open: the destructor rolls back
  open_ = false;
  --db_->tx_depth_;
  return {};
}

Status Transaction::rollback() {
  if (!open_) return {};
  open_ = false;
  --db_->tx_depth_;
  if (depth_ == 0) {
    // SQLite may already have rolled back (e.g. after SQLITE_FULL); that is fine.
    if (sqlite3_get_autocommit(db_->db_)) return {};
    return db_->exec("ROLLBACK");
  }
  return db_->exec(fmt::format("ROLLBACK TO sp_{0}; RELEASE sp_{0}", depth_));
}

// --- Database ----------------------------------------------------------------------------

Result<std::unique_ptr<Database>> Database::open(const std::string& path, const DatabaseOptions& options) {
  if (auto s = create_private(path); !s) return s.error();
  sqlite3* handle = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    Error e(errc_for(rc), fmt::format("Failed to open database {}: {}",
                                      path, handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc)));
    sqlite3_close_v2(handle);
    return e;
  }
  std::unique_ptr<Database> db(new Database(handle, path));
  sqlite3_extended_result_codes(handle, 1);
  if (auto s = db->configure(options); !s) return s.error().with_context(fmt::format("database {}", path));
  auto migrations = options.migrations.empty() ? schema_migrations() : options.migrations;
  if (auto s = db->migrate(migrations); !s) return s.error().with_context(fmt::format("database {}", path));
  return db;
}

Database::~Database() {
  cache_.clear();
  sqlite3_close_v2(db_);
}

Status Database::configure(const DatabaseOptions& options) {
  sqlite3_busy_timeout(db_, static_cast<int>(options.busy_timeout.count()));
  // auto_vacuum only takes effect before the first table exists, hence before WAL too.
  if (auto s = exec("PRAGMA auto_vacuum = INCREMENTAL"); !s) return s;
  auto mode = prepare("PRAGMA journal_mode = WAL");
  if (!mode) return mode.error();
  auto row = mode->step();
  if (!row) return row.error();
  if (!*row || mode->column_text(0) != "wal")
    return make_error(Errc::unsupported, "Failed to switch to WAL journal mode (got {})",
                      *row ? mode->column_text(0) : "nothing");
  // mmap_size = 0: pages are read with read(), never through a mapping that a full disk could
  // leave unbacked (SIGBUS); whatever default the SQLite build has.
  return exec(fmt::format("PRAGMA synchronous = {}; PRAGMA foreign_keys = ON; "
                          "PRAGMA journal_size_limit = 67108864; PRAGMA mmap_size = 0",
                          pragma_value(options.synchronous)));
}

Status Database::migrate(std::span<const Migration> migrations) {
  auto read_version = [this]() -> Result<int> {
    auto st = prepare("PRAGMA user_version");
    if (!st) return st.error();
    auto row = st->step();
    if (!row) return row.error();
    return static_cast<int>(st->column_int64(0));
  };
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  auto version = read_version();
  if (!version) return version.error();
  if (*version > newest) {
    return make_error(Errc::unsupported,
                      "schema version {} is newer than this capsync supports ({}); refusing to start. "
                      "Run a capsync release that knows it, or restore a backup taken before the upgrade",
                      *version, newest);
  }
  for (const Migration& m : migrations) {
    // Re-read inside the transaction: another process may have migrated meanwhile.
    auto tx = begin();
    if (!tx) return tx.error();
    auto current = read_version();
    if (!current) return current.error();
    if (*current >= m.version) continue;
    Status s = exec(m.sql);
    if (s) s = exec(fmt::format("PRAGMA user_version = {}", m.version));
    if (s) s = tx->commit();
    if (!s) {
      Error e(s.error().code(),
              fmt::format("Failed to apply schema migration {} ({}): {}; rolled back, the schema stays at "
                          "version {}; capsyncd refuses to start until this is fixed",
                          m.version, m.description, s.error().message(), *current));
      return e;
    }
    user_version_ = m.version;
  }
  auto final_version = read_version();
  if (!final_version) return final_version.error();
  user_version_ = *final_version;
  return {};
}

Error Database::error_from(int rc, std::string_view context) {
  const int system_errno = sqlite3_system_errno(db_);
  std::string_view detail = sqlite3_errmsg(db_);
  std::string_view name = sqlite3_errstr(rc);
  if (is_full(rc, system_errno)) {
    Error e(Errc::io, fmt::format("Failed to write {}: the disk is full ({}); syncing is paused and resumes by "
                                  "itself once space is freed",
                                  path_, system_errno == EDQUOT ? "disk quota exceeded" : detail));
    if (!full_) {
      full_ = e;
      log::critical({}, "{}", e.message());
    }
    return e;
  }
  Error e(errc_for(rc), detail == name ? fmt::format("{}: {}", context, detail)
                                       : fmt::format("{}: {} ({})", context, detail, name));
  if (is_fatal(rc) && !fatal_) {
    fatal_ = e;
    log::critical({}, "Database {} failed and cannot be trusted any more: {}", path_, e.message());
  }
  return e;
}

Status Database::exec(std::string_view sql) {
  std::string z(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_, z.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  std::string text = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  const bool full = is_full(rc, sqlite3_system_errno(db_));
  Error e = error_from(rc, sql.size() > 80 ? sql.substr(0, 80) : sql);
  return full ? e : Error(e.code(), text);
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                              nullptr);
  if (rc != SQLITE_OK) return error_from(rc, fmt::format("Failed to prepare \"{}\"", sql));
  return Statement(*this, stmt);
}

Result<CachedStatement> Database::cached(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    auto st = prepare(sql);
    if (!st) return st.error();
    it = cache_.emplace(std::string(sql), std::make_unique<Statement>(std::move(*st))).first;
  }
  return CachedStatement(*it->second);
}

Result<Transaction> Database::begin() {
  int depth = tx_depth_;
  if (depth == 0 && !sqlite3_get_autocommit(db_))
    return make_error(Errc::invalid_argument, "Failed to begin: a transaction was opened outside Transaction");
  Status s = depth == 0 ? exec("BEGIN IMMEDIATE") : exec(fmt::format("SAVEPOINT sp_{}", depth));
  if (!s) return s.error();
  ++tx_depth_;
  return Transaction(*this, depth);
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

int Database::changes() const { return sqlite3_changes(db_); }

Status Database::reclaim_space() { return exec("PRAGMA incremental_vacuum"); }

bool Database::probe_space() {
  if (!full_) return true;
  struct statvfs fs {};
  if (::statvfs(directory_of(path_).c_str(), &fs) == 0 &&
      static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize < kResumeFreeBytes)
    return false;
  // One committed write: it rewrites the header page through the WAL, as any transaction would.
  if (tx_depth_ > 0 || !sqlite3_get_autocommit(db_)) return false;
  auto tx = begin();
  if (!tx) return false;
  if (auto s = exec(fmt::format("PRAGMA user_version = {}", user_version_)); !s) return false;
  if (auto s = tx->commit(); !s) return false;
  full_.reset();
  log::notice({}, "The disk holding {} has room again; syncing resumes", path_);
  return true;
}

Result<std::unique_ptr<Database>> Database::snapshot_in_memory() {
  if (tx_depth_ > 0 || !sqlite3_get_autocommit(db_))
    return make_error(Errc::busy, "Failed to copy database {}: a transaction is open", path_);
  sqlite3* handle = nullptr;
  int rc = sqlite3_open_v2(":memory:", &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close_v2(handle);
    return make_error(Errc::io, "Failed to open an in-memory database: {}", sqlite3_errstr(rc));
  }
  std::unique_ptr<Database> copy(new Database(handle, ":memory:"));
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_backup* backup = sqlite3_backup_init(handle, "main", db_, "main");
  if (backup == nullptr) return copy->error_from(sqlite3_errcode(handle), fmt::format("Failed to copy {}", path_));
  rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return error_from(rc, fmt::format("Failed to copy {}", path_));
  if (auto s = copy->exec("PRAGMA foreign_keys = ON"); !s) return s.error();
  copy->user_version_ = user_version_;
  return copy;
}

}  // namespace capsync::store
