#include "core/log/log.hpp"
#include "core/log/extra_fields.hpp"

#define SD_JOURNAL_SUPPRESS_LOCATION
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <vector>

#include <date/date.h>

namespace capsync::log {
namespace {

struct State {
  std::mutex mu;  // guards target, sink and stderr writes
  bool journal = false;
  Sink sink;
  ExtraSink extra_sink;
};

State& state() {
  static State s;
  return s;
}

std::atomic<int> g_min_level{static_cast<int>(Level::info)};

// systemd sets JOURNAL_STREAM=dev:inode for the stream it connected to stderr; if stderr is
// still that stream, native journal entries are the better choice.
bool stderr_is_journal() {
  const char* env = std::getenv("JOURNAL_STREAM");
  if (!env) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(env, "%llu:%llu", &dev, &ino) != 2) return false;
  struct stat st {};
  if (fstat(2, &st) != 0) return false;
  return st.st_dev == dev && st.st_ino == ino;
}

void write_journal(const Record& r, const std::vector<ExtraField>& extra = {}) {
  std::vector<std::string> fields;
  fields.reserve(10);
  fields.push_back("MESSAGE=" + r.message);
  fields.push_back(fmt::format("PRIORITY={}", static_cast<int>(r.level)));
  fields.push_back(fmt::format("CODE_FILE={}", r.where.file_name()));
  fields.push_back(fmt::format("CODE_LINE={}", r.where.line()));
  fields.push_back(fmt::format("CODE_FUNC={}", r.where.function_name()));
  fields.push_back("SYSLOG_IDENTIFIER=capsyncd");
  if (!r.connection.empty()) fields.push_back("CAPSYNC_CONNECTION=" + r.connection);
  if (!r.provider.empty()) fields.push_back("CAPSYNC_PROVIDER=" + r.provider);
  if (!r.job.empty()) fields.push_back("CAPSYNC_JOB=" + r.job);
  if (!r.record.empty()) fields.push_back("CAPSYNC_RECORD=" + r.record);
  for (const auto& f : extra) fields.push_back(fmt::format("CAPSYNC_{}={}", f.key, f.value));
  std::vector<iovec> iov;
  iov.reserve(fields.size());
  for (auto& f : fields) iov.push_back({f.data(), f.size()});
  sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
}

// key=value with quotes only where a value needs them, so lines stay greppable.
void append_field(std::string& line, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  line += ' ';
  line += key;
  line += '=';
  if (value.find_first_of(" \"=") == std::string_view::npos) {
    line += value;
    return;
  }
  line += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') line += '\\';
    line += c;
  }
  line += '"';
}

void write_stderr(const Record& r, const std::vector<ExtraField>& extra = {}) {
  auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  std::string line = date::format("%FT%TZ ", now);
  line += to_string(r.level);
  append_field(line, "connection", r.connection);
  append_field(line, "provider", r.provider);
  append_field(line, "job", r.job);
  append_field(line, "record", r.record);
  for (const auto& f : extra) {
    std::string key = f.key;
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    append_field(line, key, f.value);
  }
  line += ' ';
  for (char c : r.message) line += (c == '\n' ? ' ' : c);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

std::string_view to_string(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::notice: return "notice";
    case Level::warning: return "warning";
    case Level::error: return "error";
    case Level::critical: return "critical";
  }
  return "info";
}

void configure(Level min, Target target) {
  g_min_level = static_cast<int>(min);
  auto& s = state();
  std::lock_guard lock(s.mu);
  s.journal = target == Target::journal || (target == Target::automatic && stderr_is_journal());
}

Level min_level() { return static_cast<Level>(g_min_level.load()); }

void TEST_set_sink(Sink sink) {
  auto& s = state();
  std::lock_guard lock(s.mu);
  s.sink = std::move(sink);
}

namespace {

Record record_of(Level level, const Fields& f, std::string message, const std::source_location& where) {
  return Record{level,
                std::string(f.connection),
                std::string(f.provider),
                std::string(f.job),
                std::string(f.record),
                std::move(message),
                where};
}

}  // namespace

void emit(Level level, const Fields& f, std::string message, const std::source_location& where) {
  const Record r = record_of(level, f, std::move(message), where);
  auto& s = state();
  std::lock_guard lock(s.mu);
  if (s.sink) {
    s.sink(r);
  } else if (s.journal) {
    write_journal(r);
  } else {
    write_stderr(r);
  }
}

void TEST_set_extra_sink(ExtraSink sink) {
  auto& s = state();
  std::lock_guard lock(s.mu);
  s.extra_sink = std::move(sink);
}

void emit_extra(Level level, const Fields& f, const std::vector<ExtraField>& extra, std::string message,
                const std::source_location& where) {
  const Record r = record_of(level, f, std::move(message), where);
  auto& s = state();
  std::lock_guard lock(s.mu);
  if (s.extra_sink) {
    s.extra_sink(r, extra);
  } else if (s.sink) {
    s.sink(r);
  } else if (s.journal) {
    write_journal(r, extra);
  } else {
    write_stderr(r, extra);
  }
}

}  // namespace capsync::log
