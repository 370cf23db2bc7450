#include "core/oauth/token_manager.hpp"

#include <algorithm>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log/log.hpp"
#include "core/oauth/token_endpoint.hpp"

namespace capsync::oauth {

namespace asio = boost::asio;
using std::chrono::system_clock;

struct TokenManager::Impl {
  // A coroutine waiting for the refresh another one started.
  struct Waiter {
    explicit Waiter(asio::any_io_executor ex) : timer(ex, std::chrono::steady_clock::time_point::max()) {}
    asio::steady_timer timer;
    std::optional<Result<Secret>> result;
  };

  asio::any_io_executor executor;
  http::Client& client;
  TokenStore& store;
  TokenManagerOptions options;
  Clock* clock;
  log::Fields fields;

  // State below is used from the executor's thread only.
  bool loaded = false;
  std::optional<TokenRecord> current;    // committed to the store
  std::optional<TokenRecord> uncommitted;  // received but its save failed: not used until saved
  bool invalidated = false;
  bool needs_authorization = false;
  bool refreshing = false;
  std::vector<std::shared_ptr<Waiter>> waiters;
  int refresh_count = 0;

  Impl(asio::any_io_executor ex, http::Client& c, TokenStore& s, TokenManagerOptions o)
      : executor(std::move(ex)), client(c), store(s), options(std::move(o)),
        clock(options.clock ? options.clock : &Clock::real()) {
    fields.connection = options.connection;
    fields.provider = options.profile.provider;
  }

  Error unauthorized() const {
    return make_error(Errc::unauthorized, "Connection {} needs authorization: run `capsyncctl connect {}`",
                      options.connection, options.connection);
  }

  Status load() {
    if (loaded) return {};
    auto rec = store.load(options.connection);
    if (!rec) return rec.error().with_context("Failed to load OAuth tokens");
    loaded = true;
    if (*rec) {
      if ((*rec)->state != TokenState::ok) needs_authorization = true;
      else if (!(*rec)->refresh_token.empty() || !(*rec)->access_token.empty()) current = std::move(**rec);
    }
    return {};
  }

  // The margin is at most half the token's lifetime, so a short-lived token (the sandbox's
  // --time-scale) serves requests before it is refreshed instead of being refreshed before each.
  bool fresh() const {
    if (!current || invalidated || current->access_token.empty()) return false;
    const auto lifetime = std::max<system_clock::duration>(current->expires_at - current->updated_at, {});
    const auto margin = std::min<system_clock::duration>(options.refresh_margin, lifetime / 2);
    return current->expires_at - margin > clock->system_now();
  }

  void mark_needs_authorization(const std::string& reason) {
    if (needs_authorization) return;
    needs_authorization = true;
    if (auto s = store.set_state(options.connection, TokenState::needs_authorization); !s)
      log::warning(fields, "Failed to persist needs_authorization: {}, ignoring", s.error());
    log::error(fields, "The provider refused the refresh token ({}); connection {} is stopped until an operator runs "
               "`capsyncctl connect {}`", reason, options.connection, options.connection);
  }

  Status commit(TokenRecord record) {
    if (auto s = store.save(record); !s) {
      uncommitted = std::move(record);
      return s.error().with_context(
          "Failed to save rotated OAuth tokens (the previous refresh token is kept and will be retried)");
    }
    uncommitted.reset();
    current = std::move(record);
    invalidated = false;
    return {};
  }

  asio::awaitable<Result<Secret>> refresh() {
    // A token set from a refresh whose save failed is committed first: it is the newest one.
    if (uncommitted) {
      TokenRecord pending = *uncommitted;
      if (auto s = commit(pending); !s) co_return s.error();
      if (fresh()) co_return current->access_token;
    }
    std::optional<Secret> refresh_token;
    if (current && !current->refresh_token.empty()) refresh_token = current->refresh_token;
    else if (options.bootstrap_refresh_token && !options.bootstrap_refresh_token->empty())
      refresh_token = options.bootstrap_refresh_token;
    if (!refresh_token) {
      mark_needs_authorization("no refresh token stored");
      co_return unauthorized();
    }
    ++refresh_count;
    FormFields form{{"grant_type", "refresh_token"}, {"refresh_token", std::string(refresh_token->reveal())}};
    auto outcome = co_await request_tokens(client, options.profile, std::move(form), fields);
    if (auto* failure = std::get_if<TokenError>(&outcome)) {
      if (failure->oauth_error == "invalid_grant") {
        mark_needs_authorization("invalid_grant");
        co_return unauthorized();
      }
      co_return failure->error.with_context("Failed to refresh the OAuth access token");
    }
    auto& tokens = std::get<TokenResponse>(outcome);
    TokenRecord record;
    record.connection = options.connection;
    record.access_token = std::move(tokens.access_token);
    record.refresh_token = tokens.refresh_token ? std::move(*tokens.refresh_token) : *refresh_token;
    record.expires_at = clock->system_now() + tokens.expires_in;
    record.scope = !tokens.scope.empty() ? tokens.scope : (current ? current->scope : std::string());
    record.tenant_id = current ? current->tenant_id : std::string();
    record.state = TokenState::ok;
    record.updated_at = clock->system_now();
    const auto lifetime = tokens.expires_in;
    Secret access = record.access_token;
    // The rotated refresh token must be durable before anything uses the new access token: the
    // provider may have retired the old one already (Sage), so a kill before this loses it.
    if (auto s = commit(std::move(record)); !s) co_return s.error();
    log::debug(fields, "Refreshed the OAuth access token of connection {} (valid for {} s)", options.connection,
               lifetime.count());
    co_return access;
  }
};

TokenManager::TokenManager(asio::any_io_executor executor, http::Client& client, TokenStore& store,
                           TokenManagerOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), client, store, std::move(options))) {}

TokenManager::~TokenManager() = default;

asio::awaitable<Result<Secret>> TokenManager::access_token() {
  auto self = impl_;  // keeps the state alive while suspended
  Impl& im = *self;
  if (auto s = im.load(); !s) co_return s.error();
  if (im.needs_authorization) co_return im.unauthorized();
  if (im.fresh() && !im.uncommitted) co_return im.current->access_token;

  if (im.refreshing) {
    auto waiter = std::make_shared<Impl::Waiter>(im.executor);
    im.waiters.push_back(waiter);
    co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (waiter->result) co_return std::move(*waiter->result);
    co_return make_error(Errc::cancelled, "OAuth token refresh was abandoned");
  }

  im.refreshing = true;
  Result<Secret> result = co_await im.refresh();
  im.refreshing = false;
  auto waiting = std::move(im.waiters);
  im.waiters.clear();
  for (auto& w : waiting) {
    w->result = result;
    w->timer.cancel();
  }
  co_return result;
}

void TokenManager::invalidate() { impl_->invalidated = true; }

void TokenManager::reload() {
  Impl& im = *impl_;
  im.loaded = false;
  im.current.reset();
  im.uncommitted.reset();
  im.invalidated = false;
  im.needs_authorization = false;
}

bool TokenManager::needs_authorization() const { return impl_->needs_authorization; }
int TokenManager::refreshes() const { return impl_->refresh_count; }

}  // namespace capsync::oauth
