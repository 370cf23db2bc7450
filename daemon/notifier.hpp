#pragma once
// Notifier: capsyncd's messages to the service manager (sd_notify). The texts are built by
// the free functions below so tests can check them without a socket; Notifier sends them to
// $NOTIFY_SOCKET, which tests may point at their own datagram socket.

#include <cstdint>
#include <string>
#include <string_view>

namespace capsync::daemon {

// CLOCK_MONOTONIC in microseconds, as systemd expects in MONOTONIC_USEC=.
std::uint64_t monotonic_usec();

namespace notify_text {
// STATUS= is one line: newlines and other control characters become spaces.
std::string status(std::string_view line);
std::string ready(std::string_view status_line);
// systemd matches the READY=1 that follows to this reload by the timestamp.
std::string reloading(std::uint64_t monotonic_usec);
std::string stopping(std::string_view status_line);
std::string_view watchdog();
}  // namespace notify_text

class Notifier final {
 public:
  Notifier() = default;
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // True when a service manager listens ($NOTIFY_SOCKET is set).
  static bool available();

  // Sends one message; a failure is logged at debug level and otherwise ignored (the
  // service manager going away must not stop the daemon).
  void send(std::string_view message);

  void ready(std::string_view status_line) { send(notify_text::ready(status_line)); }
  void status(std::string_view line) { send(notify_text::status(line)); }
  void reloading() { send(notify_text::reloading(monotonic_usec())); }
  void stopping(std::string_view status_line) { send(notify_text::stopping(status_line)); }
  void watchdog() { send(notify_text::watchdog()); }
};

}  // namespace capsync::daemon
