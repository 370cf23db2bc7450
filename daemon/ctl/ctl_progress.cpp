#include "daemon/ctl/ctl_progress.hpp"

#include <cstdio>

#include <fmt/format.h>

#include "core/connector/json.hpp"
#include "core/engine/sync_progress.hpp"

namespace capsync::ctl {

namespace {

using connector::json::text_or_empty;

// "[########------------]  42%", or an empty bar while the total is not known.
std::string bar(const rapidjson::Value& p) {
  constexpr std::int64_t width = 20;
  if (!p.HasMember("total") || !p["total"].IsInt64() || p["total"].GetInt64() <= 0) return "[" + std::string(width, '-') + "]     ";
  const std::int64_t total = p["total"].GetInt64();
  const std::int64_t done = std::min(p["done"].GetInt64(), total);
  const std::int64_t filled = done * width / total;
  return fmt::format("[{}{}] {:3}%", std::string(filled, '#'), std::string(width - filled, '-'), done * 100 / total);
}

}  // namespace

std::string progress_text(const rapidjson::Value& p) {
  std::string out(text_or_empty(p, "summary"));
  if (p.HasMember("eta_seconds") && p["eta_seconds"].IsInt64()) {
    out += fmt::format(", {} left", engine::eta_words(p["eta_seconds"].GetInt64()));
    if (const auto reason = text_or_empty(p, "eta_reason"); !reason.empty()) out += fmt::format(" ({})", reason);
  }
  return out;
}

void ProgressFollower::show(const std::string& connection, const rapidjson::Value& progress) {
  if (!progress.IsObject()) return;
  if (terminal_) {
    // \r and erase-to-end-of-line: the line is redrawn in place.
    fmt::print("\r\033[K{} {}: {}", bar(progress), connection, progress_text(progress));
    drawn_ = true;
  } else {
    const std::string phase =
        fmt::format("{} {}", text_or_empty(progress, "started_at"), text_or_empty(progress, "phase"));
    if (phase == last_phase_) return;
    last_phase_ = phase;
    fmt::print("{}: {}\n", connection, progress_text(progress));
  }
  std::fflush(stdout);
}

void ProgressFollower::end_line() {
  if (!drawn_) return;
  fmt::print("\n");
  drawn_ = false;
}

}  // namespace capsync::ctl
