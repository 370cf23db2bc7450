// capsyncd: keeps a Capsule CRM account in step with an accounting service.

#include "daemon/daemon_main.hpp"

int main(int argc, char** argv) { return capsync::daemon::daemon_main(argc, argv); }
