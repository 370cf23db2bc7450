#pragma once
// Logging for capsync. Under systemd (JOURNAL_STREAM names our stderr) each event goes to
// journald natively with PRIORITY, MESSAGE, CODE_FILE/CODE_LINE/CODE_FUNC and the
// structured fields CAPSYNC_CONNECTION, CAPSYNC_PROVIDER, CAPSYNC_JOB, CAPSYNC_RECORD;
// otherwise one line per event on stderr with the same fields as key=value.
//
// Usage:   log::warning({.connection = "acme", .record = id}, "Failed to push {}: {}", id, err);
// Secrets cannot reach a log line: capsync::Secret has no formatter (compile error).

#include <functional>
#include <source_location>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace capsync::log {

enum class Level { debug = 7, info = 6, notice = 5, warning = 4, error = 3, critical = 2 };

std::string_view to_string(Level level);

// Structured context of an event; empty members are left out.
struct Fields {
  std::string_view connection{};
  std::string_view provider{};
  std::string_view job{};
  std::string_view record{};
};

// One event as handed to a sink.
struct Record {
  Level level;
  std::string connection, provider, job, record;
  std::string message;
  std::source_location where;
};

enum class Target { automatic, journal, stderr_lines };

// Chooses where events go and the lowest level written. Safe to call again (on reload).
void configure(Level min_level, Target target = Target::automatic);
Level min_level();

// Tests capture events here instead of writing them; pass nullptr to restore.
using Sink = std::function<void(const Record&)>;
void TEST_set_sink(Sink sink);

void emit(Level level, const Fields& fields, std::string message, const std::source_location& where);

#define CAPSYNC_LOG_LEVEL_FN(NAME, LEVEL)                                                        \
  template <typename... Args>                                                                    \
  struct NAME {                                                                                  \
    NAME(const Fields& fields, fmt::format_string<Args...> format, Args&&... args,               \
         const std::source_location& where = std::source_location::current()) {                  \
      if (static_cast<int>(LEVEL) <= static_cast<int>(min_level()))                              \
        emit(LEVEL, fields, fmt::format(format, std::forward<Args>(args)...), where);            \
    }                                                                                            \
  };                                                                                             \
  template <typename... Args>                                                                    \
  NAME(const Fields&, fmt::format_string<Args...>, Args&&...) -> NAME<Args...>;

CAPSYNC_LOG_LEVEL_FN(debug, Level::debug)
CAPSYNC_LOG_LEVEL_FN(info, Level::info)
CAPSYNC_LOG_LEVEL_FN(notice, Level::notice)
CAPSYNC_LOG_LEVEL_FN(warning, Level::warning)
CAPSYNC_LOG_LEVEL_FN(error, Level::error)
CAPSYNC_LOG_LEVEL_FN(critical, Level::critical)
#undef CAPSYNC_LOG_LEVEL_FN

}  // namespace capsync::log
