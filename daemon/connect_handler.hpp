#pragma once
// ConnectHandler: the daemon's side of `capsyncctl connect`. capsyncd holds the client secret,
// the token store and the connectors, so it runs the authorization; capsyncctl shows the URL
// and waits. Admin socket lines (framing as in admin_protocol.hpp):
//
//   -> {"cmd":"connect","connection":"acme"}                 OAuth: listens on the redirect_uri
//   <- {"ok":true,"provider":"Xero","url":"https://…/authorize?…","redirect_uri":"http://127.0.0.1:8765/callback",
//       "manual":false}
//   -> {"cmd":"connect-wait","connection":"acme"}            answered once the browser came back
//   -> {"cmd":"connect","connection":"acme","manual":true}   nothing listens; the operator pastes
//   -> {"cmd":"connect-finish","connection":"acme","redirected_url":"https://…/callback?code=…&state=…"}
//   <- {"ok":true,"provider":"Xero","organisation":"Acme Ltd","jobs_retried":2,"job":17}
//                                                            connect-wait and connect-finish; "job"
//                                                            is null for a disabled connection
//   -> {"cmd":"connect","connection":"acme","capsule":true}   the Capsule side, through the
//                                                            registered Capsule app (R26); the
//                                                            rest as above, "provider":"Capsule"
//   KashFlow (no OAuth): connect reads the password and memorable word files again, logs in
//   once with them (even after a refusal) and answers like connect-finish at once.
//
// After an authorization the connection's connectors use the new tokens, its dead jobs go back
// to the queue and a sync is queued. One connect per connection at a time; a browser that has
// not come back (or no pasted URL) after 5 minutes ends it. Codes, tokens, the PKCE verifier
// and the client secret never reach an answer or the journal.

#include <chrono>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

namespace capsync::engine {
class ConnectorSource;
}

namespace capsync::daemon {

class Daemon;

class ConnectHandler final {
 public:
  // `daemon` and `connectors` must outlive every admin request (the io_context's run).
  ConnectHandler(boost::asio::any_io_executor executor, Daemon& daemon, engine::ConnectorSource& connectors,
                 std::chrono::seconds timeout = std::chrono::minutes(5));
  ~ConnectHandler();
  ConnectHandler(const ConnectHandler&) = delete;
  ConnectHandler& operator=(const ConnectHandler&) = delete;

  // Adds connect, connect-wait and connect-finish to daemon.admin_commands().
  void register_commands();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace capsync::daemon
