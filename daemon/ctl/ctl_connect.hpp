#pragma once
// `capsyncctl connect CONNECTION [--manual] [--capsule]`: asks capsyncd to authorize a connection (see
// connect_handler.hpp), prints the URL to open and waits for the browser to come back, or with
// --manual reads the URL the browser was sent to from stdin. KashFlow: checks the configured
// credentials. Returns capsyncctl's exit code (0 connected, 1 refused or failed, 3 capsyncd is
// not running, 4 permission denied on the socket).

#include <string>

namespace capsync::ctl {

// capsule: authorize the connection's Capsule account through its registered Capsule app (R26).
int run_connect(const std::string& socket_path, const std::string& connection, bool manual, bool json,
                bool capsule = false);

}  // namespace capsync::ctl
