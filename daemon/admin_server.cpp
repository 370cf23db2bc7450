#include "daemon/admin_server.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "core/log/log.hpp"
#include "daemon/admin_protocol.hpp"
#include "daemon/listener_guard.hpp"
#include "daemon/tasks.hpp"

namespace capsync::daemon {

namespace asio = boost::asio;
using stream = asio::local::stream_protocol;
using namespace asio::experimental::awaitable_operators;

bool peer_allowed(uid_t uid, gid_t gid, const AdminAccess& access) {
  if (uid == 0 || uid == access.daemon_uid) return true;
  if (!access.group) return false;
  if (gid == *access.group) return true;
  // Supplementary groups come from the user database, as for a login.
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) return false;
  int n = 64;
  std::vector<gid_t> groups(static_cast<std::size_t>(n));
  if (getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n) < 0) {
    groups.resize(static_cast<std::size_t>(n));
    if (getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n) < 0) return false;
  }
  groups.resize(static_cast<std::size_t>(n));
  for (gid_t g : groups)
    if (g == *access.group) return true;
  return false;
}

struct AdminServer::State {
  State(asio::any_io_executor executor, Options o, Handler h, Tasks& t)
      : acceptor(executor),
        options(std::move(o)),
        handler(std::move(h)),
        tasks(t),
        guard(executor, {.name = "admin socket", .max_sessions = options.max_sessions}) {}
  stream::acceptor acceptor;
  Options options;
  Handler handler;
  Tasks& tasks;
  ListenerGuard guard;
  AdminAccess access;
  bool stopped = false;
};

namespace {

Result<gid_t> resolve_group(const std::string& name) {
  std::vector<char> buf(16384);
  group gr{};
  group* found = nullptr;
  const int rc = getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found);
  if (rc != 0) return make_error(Errc::io, "cannot look up group \"{}\": {}", name, std::strerror(rc));
  if (found == nullptr) return make_error(Errc::not_found, "group \"{}\" does not exist", name);
  return gr.gr_gid;
}

// A socket file left by a crash is removed; one a live daemon answers on is not.
Status remove_stale_socket(const std::string& path) {
  struct stat st{};
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return make_error(Errc::io, "cannot inspect {}: {}", path, std::strerror(errno));
  }
  if (!S_ISSOCK(st.st_mode)) return make_error(Errc::invalid_argument, "{} exists and is not a socket", path);
  asio::io_context probe_io;
  stream::socket probe(probe_io);
  boost::system::error_code ec;
  probe.connect(stream::endpoint(path), ec);
  if (!ec) return make_error(Errc::busy, "another capsyncd is already listening on {}", path);
  if (unlink(path.c_str()) != 0 && errno != ENOENT)
    return make_error(Errc::io, "cannot remove the stale socket {}: {}", path, std::strerror(errno));
  log::info({}, "Removed stale admin socket {}", path);
  return {};
}

// False when the client did not take the answer within the write timeout (or went away).
asio::awaitable<bool> write_line(const AdminServer::State& state, stream::socket& socket, std::string line) {
  line.push_back('\n');
  asio::steady_timer deadline(socket.get_executor(), state.options.write_timeout);
  auto result = co_await (asio::async_write(socket, asio::buffer(line), asio::as_tuple(asio::use_awaitable)) ||
                          deadline.async_wait(asio::as_tuple(asio::use_awaitable)));
  co_return result.index() == 0 && !std::get<0>(std::get<0>(result));
}

asio::awaitable<void> session(std::shared_ptr<AdminServer::State> state, std::shared_ptr<stream::socket> shared,
                              ListenerGuard::Session slot) {
  stream::socket& socket = *shared;
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    log::warning({}, "Failed to read the credentials of an admin socket peer: {}, closing", std::strerror(errno));
    co_return;
  }
  const bool allowed = peer_allowed(cred.uid, cred.gid, state->access);
  if (!allowed)
    log::warning({}, "Refused admin socket peer uid={} gid={} pid={}: not root, the daemon's user or a member of "
                 "the admin group", cred.uid, cred.gid, cred.pid);

  asio::steady_timer idle(socket.get_executor());
  std::string buffer;
  for (;;) {
    idle.expires_after(state->options.idle_timeout);
    auto result = co_await (
        asio::async_read_until(socket, asio::dynamic_buffer(buffer, admin::max_request_bytes + 1), '\n',
                               asio::as_tuple(asio::use_awaitable)) ||
        idle.async_wait(asio::as_tuple(asio::use_awaitable)));
    if (result.index() == 1) co_return;  // idle for too long
    auto [ec, n] = std::get<0>(result);
    if (ec == asio::error::not_found) {
      co_await write_line(*state, socket, admin::error_response("request too long"));
      co_return;
    }
    if (ec) co_return;  // peer closed (eof) or reset
    std::string line = buffer.substr(0, n - 1);
    buffer.erase(0, n);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (!allowed) {
      // Answered only after the request is read: closing with unread data would reset the
      // connection and the client would never see why.
      co_await write_line(*state, socket, admin::error_response("permission denied: this user may not use the "
                                                                "capsync admin socket (ask for membership of its "
                                                                "group)"));
      co_return;
    }
    slot.idle(false);  // answering: not to be closed to make room
    std::string answer = co_await state->handler(std::move(line));
    if (!co_await write_line(*state, socket, std::move(answer))) co_return;
    slot.idle(true);
  }
}


}  // namespace

AdminServer::AdminServer(asio::any_io_executor executor, Options options, Handler handler, Tasks& tasks)
    : state_(std::make_shared<State>(std::move(executor), std::move(options), std::move(handler), tasks)) {}

AdminServer::~AdminServer() { stop(); }

Status AdminServer::start() {
  const std::string& path = state_->options.path;
  state_->access.daemon_uid = geteuid();
  std::optional<gid_t> gid;
  if (state_->options.group) {
    auto g = resolve_group(*state_->options.group);
    if (!g) return g.error().with_context("admin_socket_group");
    gid = *g;
    state_->access.group = gid;
  }
  if (auto s = remove_stale_socket(path); !s) return s;

  boost::system::error_code ec;
  state_->acceptor.open(stream(), ec);
  if (!ec) state_->acceptor.bind(stream::endpoint(path), ec);
  if (!ec) state_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return make_error(Errc::io, "cannot listen on {}: {}", path, ec.message());
  // A socket created under the admin group already has it (systemd Group=): no chown, which
  // the unit's system call filter forbids.
  struct stat st{};
  const bool has_group = gid && stat(path.c_str(), &st) == 0 && st.st_gid == *gid;
  if (gid && !has_group && chown(path.c_str(), static_cast<uid_t>(-1), *gid) != 0)
    return make_error(Errc::io, "cannot give {} to group {}: {}", path, *state_->options.group, std::strerror(errno));
  if (chmod(path.c_str(), 0660) != 0)
    return make_error(Errc::io, "cannot set the mode of {}: {}", path, std::strerror(errno));
  state_->tasks.spawn("the admin socket", Tasks::Policy::essential,
                      accept_loop<stream::socket>(state_, "an admin socket session", session));
  return {};
}

void AdminServer::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  if (state_->acceptor.is_open()) {
    boost::system::error_code ignored;
    state_->acceptor.close(ignored);
    unlink(state_->options.path.c_str());
  }
}

std::size_t AdminServer::sessions() const { return state_->guard.sessions(); }

}  // namespace capsync::daemon
