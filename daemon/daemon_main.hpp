#pragma once
// capsyncd as a program: arguments, config, the Daemon with the sync engine and the live
// connectors, the loop. capsyncd's main() is this alone; the scenario tests' capsyncd-test
// runs it with job handlers of its own (test/scenario/test_handlers.hpp).

#include <functional>

#include "core/error/result.hpp"

namespace capsync::daemon {

class HandlerRegistry;

struct ProgramOptions {
  // When set, registers the job handlers in place of the sync engine's.
  std::function<Status(HandlerRegistry&)> job_handlers{};
};

// Runs capsyncd with its command line; returns the process's exit code.
int daemon_main(int argc, char** argv, const ProgramOptions& options = {});

}  // namespace capsync::daemon
