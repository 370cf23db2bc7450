#pragma once
// AdminServer: the Unix stream socket capsyncctl talks to (see admin_protocol.hpp). The
// socket is created with mode 0660 (group admin_socket_group when set) and, because file
// modes can be loosened by mistake, every peer is also checked by SO_PEERCRED: only root,
// the daemon's own user and members of the admin group are served. Silent or stuck clients
// cost a bounded number of descriptors (ListenerGuard): each waits at most idle_timeout for
// its request and write_timeout for its answer to be taken.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <sys/types.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "core/error/result.hpp"

namespace capsync::daemon {

class Tasks;

struct AdminAccess {
  uid_t daemon_uid = 0;
  std::optional<gid_t> group;  // admin_socket_group, resolved
};

// Whether a peer with these credentials may use the admin socket: root, the daemon's user,
// or (when a group is set) a user whose primary or supplementary groups include it.
bool peer_allowed(uid_t uid, gid_t gid, const AdminAccess& access);

class AdminServer final {
 public:
  // Answers one request line with one response line (both without newline); may wait (a
  // command that reads a provider), while other sessions go on.
  using Handler = std::function<boost::asio::awaitable<std::string>(std::string request)>;

  struct Options {
    std::string path;
    std::optional<std::string> group;
    std::chrono::seconds idle_timeout{60};  // a silent client is disconnected after this
    std::chrono::seconds write_timeout{10};  // a client that does not read its answer, after this
    std::size_t max_sessions = 64;  // beyond it the oldest idle session is closed
  };

  // Sessions run as `tasks` (one failing ends only itself); the accept loop is essential.
  AdminServer(boost::asio::any_io_executor executor, Options options, Handler handler, Tasks& tasks);
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;
  ~AdminServer();

  // Removes a stale socket left by a crash (refusing if a live daemon answers on it), binds,
  // sets mode and group, and starts accepting.
  Status start();
  // Stops accepting and removes the socket file. Sessions in progress end when their task is
  // cancelled (Tasks::cancel_all) or their client goes.
  void stop();

  // Sessions open now (silent clients included).
  std::size_t sessions() const;

  struct State;

 private:
  std::shared_ptr<State> state_;  // shared with the accept loop and sessions
};

}  // namespace capsync::daemon
