#include "daemon/notifier.hpp"

#include <cstdlib>
#include <cstring>
#include <ctime>

#include <systemd/sd-daemon.h>

#include <fmt/format.h>

#include "core/log/log.hpp"

namespace capsync::daemon {

std::uint64_t monotonic_usec() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000u + static_cast<std::uint64_t>(ts.tv_nsec) / 1'000u;
}

namespace notify_text {

std::string status(std::string_view line) {
  std::string out = "STATUS=";
  out.reserve(out.size() + line.size());
  for (char c : line) out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  return out;
}

std::string ready(std::string_view status_line) { return "READY=1\n" + status(status_line); }

std::string reloading(std::uint64_t usec) { return fmt::format("RELOADING=1\nMONOTONIC_USEC={}", usec); }

std::string stopping(std::string_view status_line) { return "STOPPING=1\n" + status(status_line); }

std::string_view watchdog() { return "WATCHDOG=1"; }

}  // namespace notify_text

bool Notifier::available() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  return socket != nullptr && *socket != '\0';
}

void Notifier::send(std::string_view message) {
  if (!available()) return;
  const std::string text(message);
  const int r = sd_notify(0, text.c_str());
  if (r < 0) log::debug({}, "Failed to notify the service manager: {}, ignoring", std::strerror(-r));
}

}  // namespace capsync::daemon
