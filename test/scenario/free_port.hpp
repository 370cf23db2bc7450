#pragma once
// free_port: a loopback TCP port nobody listens on now (bind port 0 and let it go), for a
// daemon endpoint a test configures (metrics_listen, webhooks.listen).

namespace capsync::scenario {

int free_port();

}  // namespace capsync::scenario
