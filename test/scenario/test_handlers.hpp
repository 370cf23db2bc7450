#pragma once
// Job handlers for capsyncd-test, capsyncd built with these in place of the sync engine's, so
// the scenario tests can drive the daemon through a job's life (run, crash mid-job, restart)
// without a provider. The production capsyncd does not contain them. The environment names
// them, and the daemon logs a warning for each:
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
}

namespace capsync::test {

// Registers the handlers named by $CAPSYNC_TEST_HANDLERS (nothing when unset). Fails on an
// unknown behaviour or a missing $CAPSYNC_TEST_DIR.
Status register_handlers_from_env(daemon::HandlerRegistry& registry);

}  // namespace capsync::test
