#pragma once
// FreshBooksWebhookRoute: the handler of /webhooks/freshbooks/<connection>/<token> (R25), the URI
// a connection's FreshBooks callbacks are registered at. The token (from the connection's
// FreshBooks client secret) proves the path; wrong token or unknown connection -> 401, empty
// body, nothing queued (one answer for both, so connection names are not revealed).
//   callback.verify: the verifier is stored pending and a freshbooks_verify job is committed
//                    before the 200; the job PUTs it back to FreshBooks (the answer never
//                    waits on the API) and marks it verified
//   events:          X-FreshBooks-Hmac-SHA256 must match one of the connection's verified
//                    verifiers (constant time), else 401 and nothing queued; a good one names
//                    a record to refresh: client -> contact, invoice -> invoice, estimate -> quote
// Single-threaded: everything runs on the io_context thread.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/config/settings.hpp"
#include "core/queue/job_queue.hpp"
#include "daemon/webhook_listener.hpp"

namespace capsync::store {
class Database;
}
namespace capsync::engine {
class ConnectorSource;
}

namespace capsync::daemon {

inline constexpr std::string_view kFreshBooksWebhookPrefix = "/webhooks/freshbooks";
inline constexpr std::string_view kind_freshbooks_verify = "freshbooks_verify";

// The connection's secret path segment: hex(HMAC-SHA256(client secret, connection)), stable
// across restarts without being stored.
std::string freshbooks_callback_token(const Secret& client_secret, std::string_view connection);
// "/webhooks/freshbooks/<connection>/<token>": where the connection's callbacks are registered
// (the public URL's path; the reverse proxy forwards it unchanged).
std::string freshbooks_callback_path(const config::ConnectionConfig& connection);

class FreshBooksWebhookRoute final {
 public:
  using Enqueue = std::function<Result<std::int64_t>(queue::JobSpec)>;
  using Clock = std::function<std::int64_t()>;  // unix ms

  FreshBooksWebhookRoute(store::Database& db, Enqueue enqueue, Clock now_ms);

  // Serves every enabled FreshBooks connection; forgets the others.
  void serve(const std::vector<config::ConnectionConfig>& connections);

  WebhookAnswer handle(const WebhookRequest& request) const;
  // The route for WebhookListener::add_route; `this` must outlive the listener's use of it.
  WebhookRoute route();

 private:
  WebhookAnswer verify(const std::string& connection, std::string_view object_id, std::string_view verifier) const;

  store::Database& db_;
  Enqueue enqueue_;
  Clock now_ms_;
  std::map<std::string, std::string, std::less<>> tokens_;  // connection -> its path token
};

// The freshbooks_verify job: PUTs the verifier stored for the callback in the payload back to
// FreshBooks, then marks it verified. `connection` is the job's connection.
boost::asio::awaitable<Status> verify_freshbooks_callback(const queue::Job& job, const config::ConnectionConfig& connection,
                                                          store::Database& db, engine::ConnectorSource& source);

}  // namespace capsync::daemon
