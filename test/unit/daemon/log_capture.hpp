#pragma once
// Captures the log events of a test (from any thread) instead of writing them.

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "core/log/log.hpp"

namespace capsync::daemon::test {

class LogCapture final {
 public:
  LogCapture() {
    log::TEST_set_sink([this](const log::Record& r) {
      std::lock_guard lock(mutex_);
      records_.push_back(r);
    });
  }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  ~LogCapture() { log::TEST_set_sink(nullptr); }

  // Events at `level` whose message contains `text`.
  std::size_t count(log::Level level, const std::string& text) const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(std::count_if(records_.begin(), records_.end(), [&](const log::Record& r) {
      return r.level == level && r.message.find(text) != std::string::npos;
    }));
  }
  // Events whose message contains `text`, at any level.
  std::size_t count(const std::string& text) const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(std::count_if(records_.begin(), records_.end(), [&](const log::Record& r) {
      return r.message.find(text) != std::string::npos;
    }));
  }
  // Every message, one a line, for failure reports.
  std::string text() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& r : records_) out += r.message + "\n";
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<log::Record> records_;
};

}  // namespace capsync::daemon::test
