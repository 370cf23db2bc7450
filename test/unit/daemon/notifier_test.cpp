#include "daemon/notifier.hpp"

#include <catch2/catch.hpp>

using namespace capsync::daemon;

TEST_CASE("READY=1 carries the one-line status") {
  CHECK(notify_text::ready("1 connection") == "READY=1\nSTATUS=1 connection");
}

TEST_CASE("RELOADING=1 is sent with MONOTONIC_USEC so systemd can match the reload") {
  CHECK(notify_text::reloading(123456789) == "RELOADING=1\nMONOTONIC_USEC=123456789");
}

TEST_CASE("STOPPING=1 carries a status line") {
  CHECK(notify_text::stopping("stopping") == "STOPPING=1\nSTATUS=stopping");
}

TEST_CASE("WATCHDOG=1 is the bare keep-alive") { CHECK(notify_text::watchdog() == "WATCHDOG=1"); }

TEST_CASE("STATUS= stays on one line whatever the text holds") {
  CHECK(notify_text::status("a\nb\tc") == "STATUS=a b c");
}

TEST_CASE("monotonic_usec follows CLOCK_MONOTONIC and never goes back") {
  const auto a = monotonic_usec();
  const auto b = monotonic_usec();
  CHECK(a > 0);
  CHECK(b >= a);
}
