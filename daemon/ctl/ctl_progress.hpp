#pragma once
// How capsyncctl shows a running sync's progress (the "progress" member of a status answer):
// on the status line, and while `sync-now --wait` follows the sync — one redrawn line with a
// bar on a terminal, a plain line per phase otherwise (a log file or a pipe gets no redraws).

#include <string>

#include <rapidjson/document.h>

namespace capsync::ctl {

// "writing to Capsule 4,210 of 10,000 contacts, 4,210 of 10,000 writes, about 2 h 10 min left
// (Capsule allows 4,000 requests per hour, 5,790 writes left)".
std::string progress_text(const rapidjson::Value& progress);

class ProgressFollower final {
 public:
  explicit ProgressFollower(bool terminal) : terminal_(terminal) {}
  ProgressFollower(const ProgressFollower&) = delete;
  ProgressFollower& operator=(const ProgressFollower&) = delete;

  // The latest progress of `connection`'s sync; null when none runs.
  void show(const std::string& connection, const rapidjson::Value& progress);
  // Ends a redrawn line, so the next line starts on its own.
  void end_line();

 private:
  bool terminal_;
  bool drawn_ = false;      // a redrawn line is on the screen
  std::string last_phase_;  // of the last plain line, per sync start
};

}  // namespace capsync::ctl
