#pragma once
// TEST-ONLY job handlers, so the scenario tests can drive the real capsyncd through a job's
// life (run, crash mid-job, restart) without a provider. They are off unless the
// environment asks for them, and the daemon logs a warning when they are on:
//
//   CAPSYNC_TEST_HANDLERS="pull=sleep-until-file,capsule_poll=succeed"
//   CAPSYNC_TEST_DIR=/tmp/capsync-test-xyz
//
// Behaviours:
//   succeed          completes at once
//   fail             fails with "test handler failure"
//   sleep-until-file appends "<job id> <attempt>\n" to $CAPSYNC_TEST_DIR/started, then waits
//                    until $CAPSYNC_TEST_DIR/release exists and completes

#include "core/error/result.hpp"

namespace capsync::daemon {

class HandlerRegistry;

// Registers the handlers named by $CAPSYNC_TEST_HANDLERS (nothing when unset). Fails on an
// unknown behaviour or a missing $CAPSYNC_TEST_DIR.
Status TEST_register_handlers_from_env(HandlerRegistry& registry);

}  // namespace capsync::daemon
