// capsyncd-test: capsyncd whose job handlers are the scenario tests' (test_handlers.hpp)
// instead of the sync engine's, for the lifecycle tests that need no provider.

#include "daemon/daemon_main.hpp"
#include "test/scenario/test_handlers.hpp"

int main(int argc, char** argv) {
  return capsync::daemon::daemon_main(argc, argv, {.job_handlers = capsync::test::register_handlers_from_env});
}
