#include "daemon/connect_handler.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "connectors/registry/registry.hpp"
#include "core/config/config.hpp"
#include "core/config/provider.hpp"
#include "core/connector/json.hpp"
#include "core/engine/connection_store.hpp"
#include "core/engine/sync_context.hpp"
#include "core/http/client.hpp"
#include "core/http/url.hpp"
#include "core/log/log.hpp"
#include "core/oauth/authorization_session.hpp"
#include "core/oauth/oauth_profile.hpp"
#include "core/oauth/sqlite_token_store.hpp"
#include "core/queue/job_queue.hpp"
#include "daemon/admin_protocol.hpp"
#include "daemon/daemon.hpp"
#include "daemon/daemon_status.hpp"
#include "daemon/job_runner.hpp"
#include "daemon/scheduler.hpp"
#include "daemon/tasks.hpp"
#include "daemon/webhook_subscriptions.hpp"

namespace capsync::daemon {

namespace asio = boost::asio;

namespace {

struct ConnectRequest {
  std::string connection;
  bool manual = false;
  bool capsule = false;  // authorize the Capsule side (a registered Capsule app, R26)
  std::string redirected_url;  // carries the one-time code: never logged
};

Result<ConnectRequest> parse(std::string_view line) {
  auto parsed = connector::json::parse(line, connector::json::Numbers::as_numbers);
  if (!parsed || !parsed->IsObject()) return make_error(Errc::protocol, "a request must be a JSON object");
  const rapidjson::Document& doc = *parsed;
  ConnectRequest r;
  auto text = [&](const char* key, std::string& out) {
    auto m = doc.FindMember(key);
    if (m != doc.MemberEnd() && m->value.IsString()) out.assign(m->value.GetString(), m->value.GetStringLength());
  };
  text("connection", r.connection);
  text("redirected_url", r.redirected_url);
  auto manual = doc.FindMember("manual");
  r.manual = manual != doc.MemberEnd() && manual->value.IsBool() && manual->value.GetBool();
  auto capsule = doc.FindMember("capsule");
  r.capsule = capsule != doc.MemberEnd() && capsule->value.IsBool() && capsule->value.GetBool();
  if (r.connection.empty()) return make_error(Errc::invalid_argument, "needs a string member \"connection\"");
  return r;
}

// What a successful connect reports.
struct Connected {
  std::string provider, organisation;
  int retried = 0;
  std::optional<std::int64_t> job;
};

std::string connected_response(const Connected& c) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("ok");
  w.Bool(true);
  w.Key("provider");
  w.String(c.provider);
  w.Key("organisation");
  w.String(c.organisation);
  w.Key("jobs_retried");
  w.Int(c.retried);
  w.Key("job");
  if (c.job) w.Int64(*c.job);
  else w.Null();
  w.EndObject();
  return buf.GetString();
}

std::string started_response(std::string_view provider, const std::string& url, const std::string& redirect_uri,
                             bool manual) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("ok");
  w.Bool(true);
  w.Key("provider");
  w.String(provider.data(), static_cast<rapidjson::SizeType>(provider.size()));
  w.Key("url");
  w.String(url);
  w.Key("redirect_uri");
  w.String(redirect_uri);
  w.Key("manual");
  w.Bool(manual);
  w.EndObject();
  return buf.GetString();
}


}  // namespace

struct ConnectHandler::Impl : std::enable_shared_from_this<ConnectHandler::Impl> {
  // One authorization in progress (or finished and not yet reported).
  struct Pending {
    explicit Pending(asio::any_io_executor ex) : done_signal(ex, std::chrono::steady_clock::time_point::max()),
                                                 expiry(ex) {}
    std::unique_ptr<oauth::AuthorizationSession> session;
    bool manual = false;
    bool capsule = false;    // the Capsule side is being authorized
    bool finishing = false;  // a connect-finish is exchanging the code
    std::optional<Result<Connected>> outcome;
    asio::steady_timer done_signal;  // cancelled when outcome is set
    asio::steady_timer expiry;       // manual: nobody pasted a URL in time
    std::chrono::system_clock::time_point gives_up_at;
  };

  Impl(asio::any_io_executor ex, Daemon& d, engine::ConnectorSource& c, std::chrono::seconds t)
      : executor(ex), daemon(d), connectors(c), timeout(t), tokens(d.database()),
        client(ex, client_options(d.config().ca_file.value_or(""))) {}

  static http::ClientOptions client_options(std::string ca_file) {
    http::ClientOptions o;
    o.ca_file = std::move(ca_file);
    return o;
  }

  asio::any_io_executor executor;
  Daemon& daemon;
  engine::ConnectorSource& connectors;
  std::chrono::seconds timeout;
  oauth::SqliteTokenStore tokens;
  http::Client client;
  std::map<std::string, std::shared_ptr<Pending>> pending;  // by connection

  const config::ConnectionConfig* find(const std::string& name) const {
    for (const auto& c : daemon.config().connections)
      if (c.name == name) return &c;
    return nullptr;
  }

  static void finish(Pending& p, Result<Connected> outcome) {
    p.outcome = std::move(outcome);
    p.expiry.cancel();
    p.done_signal.cancel();
  }

  // The new credentials work: the connectors use them, the connection's dead jobs are retried,
  // its backed-off jobs are due at once and a sync is queued.
  // `capsule`: the Capsule side was authorized; one read proves Capsule takes the new token.
  asio::awaitable<Result<Connected>> connected(std::string name, bool capsule = false) {
    const config::ConnectionConfig* c = find(name);
    if (c == nullptr) co_return make_error(Errc::not_found, "connection \"{}\" was removed from the config", name);
    const std::string provider = capsule ? std::string("Capsule") : std::string(c->accounting.provider.display);
    connectors.reload_credentials(name);
    auto built = connectors.connectors(*c);
    if (!built) co_return built.error();
    std::string organisation;
    if (capsule) {
      auto tags = co_await built->capsule->list_tags();
      if (!tags) co_return tags.error();
      organisation = "account";
    } else {
      auto tenant = co_await built->accounting->tenant();
      if (!tenant) co_return tenant.error();
      organisation = tenant->name;
    }
    c = find(name);  // the config may have been reloaded meanwhile
    if (c == nullptr) co_return make_error(Errc::not_found, "connection \"{}\" was removed from the config", name);

    Connected out{provider, organisation, 0, std::nullopt};
    queue::JobQueue jobs(daemon.database());
    queue::JobFilter dead;
    dead.state = queue::JobState::dead;
    dead.connection = name;
    dead.limit = 1000;
    if (auto listed = jobs.list(dead); listed) {
      for (const auto& job : *listed)
        if (jobs.retry_dead(job.id, unix_now_ms()).ok()) ++out.retried;
    }
    if (auto s = jobs.wake_connection(name, unix_now_ms()); !s)
      log::warning({.connection = name}, "{}, ignoring", s.error());
    if (c->enabled && !engine::DisableState(daemon.database()).stopped(name)) {
      // New credentials may be the first that can subscribe the connection's webhooks (R25, R26).
      (void)daemon.enqueue(webhooks_subscribe_job(name));
      queue::JobSpec spec = periodic_job(kind_pull, name);
      spec.priority = 10;  // an operator is waiting for it
      if (auto id = daemon.enqueue(std::move(spec)); id) out.job = *id;
    }
    log::notice({.connection = name, .provider = std::string(c->accounting.provider.name)},
                "Connection {} is connected to {} organisation {}; {} dead job(s) back in the queue{}", name, provider,
                out.organisation, out.retried, out.job ? fmt::format(", sync queued (job {})", *out.job) : "");
    co_return out;
  }

  // Runs the loopback session to its end.
  asio::awaitable<void> listen(std::string name, std::shared_ptr<Pending> p) {
    auto self = shared_from_this();
    auto authorized = co_await p->session->complete();
    if (!authorized) {
      log::warning({.connection = name}, "Authorization of connection {} failed: {}", name, authorized.error());
      finish(*p, authorized.error());
      co_return;
    }
    finish(*p, co_await connected(name, p->capsule));
  }

  // Ends a manual connect nobody finished within the timeout.
  asio::awaitable<void> expire(std::string name, std::shared_ptr<Pending> p) {
    p->expiry.expires_after(timeout);
    auto [ec] = co_await p->expiry.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec || p->outcome || p->finishing) co_return;
    finish(*p, make_error(Errc::timeout, "no redirected URL was given within {} s; run `capsyncctl connect --manual "
                                         "{}` again", timeout.count(), name));
  }

  // The operator may have fixed a password or memorable word file since the config was last
  // read: the connection's login is taken from the files as they are now. Nothing else of the
  // config changes before a reload.
  Status read_login_again(const config::ConnectionConfig& c) {
    if (daemon.config_path().empty()) return {};
    auto loaded = config::load_file(daemon.config_path(), registry::catalog());
    if (!loaded.ok()) {
      std::vector<std::string> errors;
      for (const auto& d : loaded.diagnostics) errors.push_back(d.to_string());
      return make_error(Errc::invalid_argument, "cannot read the configuration {} again to check the login: {}",
                        daemon.config_path(), fmt::join(errors, "; "));
    }
    for (const auto& fresh : loaded.config->connections) {
      if (fresh.name != c.name || fresh.accounting.provider != c.accounting.provider) continue;
      if (auto built = connectors.connectors(c); !built) return built.error();
      connectors.update_credentials(fresh);
    }
    return {};
  }

  // KashFlow and other providers without OAuth: one login with the configured credentials, even
  // after a refusal (an operator asked for it). Its outcome is the connection's authorization
  // state in `capsyncctl status`.
  asio::awaitable<std::string> check_credentials(const config::ConnectionConfig& c) {
    if (auto read = read_login_again(c); !read) co_return admin::error_response(read.error().message());
    auto result = co_await connected(c.name);
    const bool rejected = !result && result.error().code() == Errc::unauthorized;
    if (result || rejected) {
      const auto state = rejected ? oauth::TokenState::credentials_rejected : oauth::TokenState::ok;
      if (auto s = tokens.set_state(c.name, state); !s)
        log::warning({.connection = c.name}, "Failed to record the login check of {}: {}, ignoring", c.name, s.error());
    }
    if (result) co_return connected_response(*result);
    if (rejected)
      co_return admin::error_response(fmt::format("credentials rejected: {}; capsync does not retry a rejected login, "
                                                  "to avoid locking the {} user",
                                                  result.error().message(),
                                                  c.accounting.provider.display));
    co_return admin::error_response(result.error().message());
  }

  std::string busy(const std::string& name, const Pending& p) const {
    return fmt::format("a connect of {} is already in progress (it gives up at {} unless finished)", name,
                       utc_timestamp(p.gives_up_at));
  }

  asio::awaitable<std::string> start(std::string line) {
    auto self = shared_from_this();
    auto request = parse(line);
    if (!request) co_return admin::error_response(fmt::format("connect {}", request.error().message()));
    const std::string& name = request->connection;
    const config::ConnectionConfig* c = find(name);
    if (c == nullptr) co_return admin::error_response(daemon.unknown_connection(name));
    if (auto it = pending.find(name); it != pending.end()) {
      if (!it->second->outcome) co_return admin::error_response(busy(name, *it->second));
      pending.erase(it);  // finished, nobody collected it
    }
    if (!request->capsule && c->accounting.provider.login != config::Login::oauth2) {
      // Marked busy while the login runs, so a second connect does not log in again.
      auto p = std::make_shared<Pending>(executor);
      p->gives_up_at = std::chrono::system_clock::now() + timeout;
      pending[name] = p;
      const config::ConnectionConfig copy = *c;
      std::string answer = co_await check_credentials(copy);
      if (auto it = pending.find(name); it != pending.end() && it->second == p) pending.erase(it);
      co_return answer;
    }

    const bool capsule = request->capsule;
    const std::string& redirect_uri = capsule && c->capsule.oauth ? c->capsule.oauth->redirect_uri
                                                                  : c->accounting.redirect_uri;
    oauth::AuthorizationOptions options;
    options.connection = capsule ? registry::capsule_token_key(name) : name;
    auto profile = capsule ? registry::capsule_oauth_profile(name, c->capsule) : registry::oauth_profile(c->accounting);
    if (!profile) co_return admin::error_response(profile.error().message());
    options.profile = std::move(*profile);
    options.timeout = timeout;
    auto p = std::make_shared<Pending>(executor);
    p->manual = request->manual;
    p->capsule = capsule;
    p->gives_up_at = std::chrono::system_clock::now() + timeout;
    Result<std::string> url = std::string();
    if (request->manual) {
      p->session = std::make_unique<oauth::AuthorizationSession>(executor, client, tokens, std::move(options));
      url = p->session->begin_manual(redirect_uri);
    } else {
      auto parsed = http::parse_url(redirect_uri);
      if (!parsed || parsed->tls || !http::is_loopback_host(parsed->host))
        co_return admin::error_response(fmt::format(
            "capsyncd cannot listen for the redirect to {} (not a loopback http:// URL): run `capsyncctl connect "
            "--manual {}` and paste the URL the browser is sent to",
            redirect_uri, name));
      options.redirect_host = parsed->host;
      options.redirect_port = parsed->port;
      options.redirect_path = parsed->target;
      p->session = std::make_unique<oauth::AuthorizationSession>(executor, client, tokens, std::move(options));
      url = p->session->begin();
    }
    if (!url) co_return admin::error_response(url.error().message());
    pending[name] = p;
    if (p->manual) {
      daemon.tasks().spawn(fmt::format("the manual connect of {}", name), Tasks::Policy::contained, expire(name, p));
    } else {
      daemon.tasks().spawn(fmt::format("the connect of {}", name), Tasks::Policy::contained, listen(name, p));
    }
    log::info({.connection = name}, "Authorization of connection {} started over the admin socket{}", name,
              p->manual ? " (the redirected URL is to be pasted)" : fmt::format(", waiting for the redirect to {}",
                                                                                 p->session->redirect_uri()));
    co_return started_response(capsule ? std::string_view("Capsule") : c->accounting.provider.display, *url,
                               p->session->redirect_uri(), p->manual);
  }

  std::optional<std::string> not_started(const std::string& name, const std::shared_ptr<Pending>* p) const {
    if (find(name) == nullptr) return admin::error_response(daemon.unknown_connection(name));
    if (p == nullptr) return admin::error_response(fmt::format("no connect of {} is in progress (run `capsyncctl "
                                                                "connect {}`)", name, name));
    return std::nullopt;
  }

  std::string report(const std::string& name, const std::shared_ptr<Pending>& p) {
    if (auto it = pending.find(name); it != pending.end() && it->second == p) pending.erase(it);
    if (*p->outcome) return connected_response(**p->outcome);
    return admin::error_response(p->outcome->error().message());
  }

  asio::awaitable<std::string> wait(std::string line) {
    auto self = shared_from_this();
    auto request = parse(line);
    if (!request) co_return admin::error_response(fmt::format("connect-wait {}", request.error().message()));
    const std::string name = request->connection;
    auto it = pending.find(name);
    std::shared_ptr<Pending> p = it == pending.end() ? nullptr : it->second;
    if (auto refused = not_started(name, p ? &p : nullptr)) co_return *refused;
    if (!p->session) co_return admin::error_response(busy(name, *p));  // a login check answers connect itself
    if (p->manual && !p->outcome)
      co_return admin::error_response(fmt::format("the connect of {} is manual: send the redirected URL with "
                                                  "connect-finish", name));
    if (!p->outcome) co_await p->done_signal.async_wait(asio::as_tuple(asio::use_awaitable));
    if (!p->outcome) co_return admin::error_response("the connect was abandoned");
    co_return report(name, p);
  }

  asio::awaitable<std::string> finish_manual(std::string line) {
    auto self = shared_from_this();
    auto request = parse(line);
    if (!request) co_return admin::error_response(fmt::format("connect-finish {}", request.error().message()));
    const std::string name = request->connection;
    auto it = pending.find(name);
    std::shared_ptr<Pending> p = it == pending.end() ? nullptr : it->second;
    if (auto refused = not_started(name, p ? &p : nullptr)) co_return *refused;
    if (!p->session) co_return admin::error_response(busy(name, *p));
    if (p->outcome) co_return report(name, p);
    if (!p->manual)
      co_return admin::error_response(fmt::format("the connect of {} waits for the browser's redirect; start it with "
                                                  "`capsyncctl connect --manual {}` to paste the URL instead",
                                                  name, name));
    if (p->finishing) co_return admin::error_response(busy(name, *p));
    p->finishing = true;
    auto authorized = co_await p->session->complete_with(std::move(request->redirected_url));
    if (!authorized) {
      log::warning({.connection = name}, "Authorization of connection {} failed: {}", name, authorized.error());
      finish(*p, authorized.error());
    } else {
      finish(*p, co_await connected(name, p->capsule));
    }
    co_return report(name, p);
  }
};

ConnectHandler::ConnectHandler(asio::any_io_executor executor, Daemon& daemon, engine::ConnectorSource& connectors,
                               std::chrono::seconds timeout)
    : impl_(std::make_shared<Impl>(std::move(executor), daemon, connectors, timeout)) {}

ConnectHandler::~ConnectHandler() = default;

void ConnectHandler::register_commands() {
  auto impl = impl_;
  auto& commands = impl->daemon.admin_commands();
  commands.add("connect", [impl](std::string line) { return impl->start(std::move(line)); });
  commands.add("connect-wait", [impl](std::string line) { return impl->wait(std::move(line)); });
  commands.add("connect-finish", [impl](std::string line) { return impl->finish_manual(std::move(line)); });
}

}  // namespace capsync::daemon
