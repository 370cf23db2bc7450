#include "daemon/freshbooks_webhook_route.hpp"

#include <charconv>

#include <fmt/format.h>

#include "connectors/freshbooks/callback_signature.hpp"
#include "connectors/freshbooks/callbacks.hpp"
#include "connectors/freshbooks/freshbooks_connector.hpp"
#include "core/engine/sync_context.hpp"
#include "core/log/log.hpp"
#include "core/store/database.hpp"
#include "core/webhook/signature.hpp"
#include "core/webhook/verifier_store.hpp"

namespace capsync::daemon {

namespace {

std::optional<std::int64_t> parse_id(std::string_view text) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

std::string_view field(const http::FormFields& fields, std::string_view key) {
  for (const auto& [k, v] : fields)
    if (k == key) return v;
  return {};
}

// FreshBooks' event noun as the record it names; nullopt for nouns capsync does not sync.
std::optional<webhook::RecordKind> kind_of(std::string_view name) {
  const std::string_view noun = name.substr(0, name.find('.'));
  if (noun == "client") return webhook::RecordKind::contact;
  if (noun == "invoice") return webhook::RecordKind::invoice;
  if (noun == "estimate") return webhook::RecordKind::quote;
  return std::nullopt;
}

}  // namespace

std::string freshbooks_callback_token(const Secret& client_secret, std::string_view connection) {
  return webhook::hmac_sha256_hex(client_secret, fmt::format("freshbooks-callback:{}", connection));
}

std::string freshbooks_callback_path(const config::ConnectionConfig& c) {
  return fmt::format("{}/{}/{}", kFreshBooksWebhookPrefix, c.name,
                     freshbooks_callback_token(c.accounting.client_secret, c.name));
}

FreshBooksWebhookRoute::FreshBooksWebhookRoute(store::Database& db, Enqueue enqueue, Clock now_ms)
    : db_(db), enqueue_(std::move(enqueue)), now_ms_(std::move(now_ms)) {}

void FreshBooksWebhookRoute::serve(const std::vector<config::ConnectionConfig>& connections) {
  tokens_.clear();
  for (const auto& c : connections)
    if (c.enabled && c.accounting.provider.name == "freshbooks")
      tokens_[c.name] = freshbooks_callback_token(c.accounting.client_secret, c.name);
}

WebhookAnswer FreshBooksWebhookRoute::verify(const std::string& connection, std::string_view object_id,
                                             std::string_view verifier) const {
  const auto id = parse_id(object_id);
  if (!id || verifier.empty()) {
    log::warning({.connection = connection}, "Failed to read a FreshBooks callback verification: no callback id or "
                 "verifier, ignoring");
    return {.status = 200, .outcome = "malformed"};
  }
  // The verifier and the job that hands it back are committed together, before the answer.
  auto tx = db_.begin();
  Status stored = tx ? webhook::VerifierStore(db_).put(connection, *id, Secret(std::string(verifier)), now_ms_())
                     : Status(tx.error());
  if (stored) {
    auto job = enqueue_({.kind = std::string(kind_freshbooks_verify),
                         .connection = connection,
                         .payload = std::to_string(*id),
                         .dedupe_key = fmt::format("{}:{}:{}", kind_freshbooks_verify, connection, *id),
                         .priority = 1});
    stored = job ? tx->commit() : Status(job.error());
  }
  if (!stored) {
    log::error({.connection = connection}, "Failed to store the verifier of FreshBooks callback {}: {}", *id,
               stored.error());
    return {.status = 503, .outcome = "error"};  // FreshBooks' resend brings it back
  }
  log::info({.connection = connection}, "FreshBooks sent the verifier of callback {}; handing it back", *id);
  return {.status = 200, .outcome = "verified"};
}

WebhookAnswer FreshBooksWebhookRoute::handle(const WebhookRequest& request) const {
  const auto [connection, token] = connection_path(request.rest);
  const auto it = tokens_.find(connection);
  // Compared even for an unknown connection, so both take the same time.
  const bool good = webhook::constant_time_equal(token, it == tokens_.end() ? std::string_view() : it->second);
  if (it == tokens_.end() || !good || token.empty()) return {.status = 401, .outcome = "forged"};
  const std::string& name = it->first;
  const auto fields = freshbooks::decode_form(request.body);
  const std::string_view event = fields ? field(*fields, "name") : std::string_view();
  if (event == "callback.verify") return verify(name, field(*fields, "object_id"), field(*fields, "verifier"));

  // A delivery: signed with the verifier of the callback that sent it.
  auto verifiers = webhook::VerifierStore(db_).verified(name);
  if (!verifiers) {
    log::error({.connection = name}, "Failed to read the FreshBooks callback verifiers: {}", verifiers.error());
    return {.status = 503, .outcome = "error"};
  }
  const std::string_view signature = request.header("x-freshbooks-hmac-sha256");
  bool signed_ok = false;
  if (fields && !signature.empty())
    for (const Secret& v : *verifiers) signed_ok = freshbooks::callback_signature_matches(signature, v, *fields) || signed_ok;
  if (!signed_ok) return {.status = 401, .outcome = "forged"};
  const auto kind = kind_of(event);
  if (!kind) return {.status = 200, .outcome = "dropped"};
  const std::string_view object_id = field(*fields, "object_id");
  if (!parse_id(object_id)) {
    log::warning({.connection = name}, "Failed to read a FreshBooks {} delivery: no object id, ignoring", event);
    return {.status = 200, .outcome = "malformed"};
  }
  return {.status = 200,
          .outcome = "accepted",
          .events = {{.connection = name, .kind = *kind, .remote_id = std::string(object_id), .source = "freshbooks"}}};
}

WebhookRoute FreshBooksWebhookRoute::route() {
  return {.prefix = std::string(kFreshBooksWebhookPrefix),
          .source = "freshbooks",
          .handler = [this](const WebhookRequest& request) { return handle(request); }};
}

boost::asio::awaitable<Status> verify_freshbooks_callback(const queue::Job& job, const config::ConnectionConfig& c,
                                                          store::Database& db, engine::ConnectorSource& source) {
  const auto id = parse_id(job.payload);
  if (!id) co_return make_error(Errc::invalid_argument, "a {} job without a callback id", kind_freshbooks_verify);
  auto verifier = webhook::VerifierStore(db).find(c.name, *id);
  if (!verifier) co_return verifier.error();
  if (!*verifier) co_return Status{};  // forgotten meanwhile (the connection's callbacks were removed)
  auto built = source.connectors(c);
  if (!built) co_return built.error();
  auto* fb = dynamic_cast<freshbooks::FreshBooksConnector*>(built->accounting);
  if (fb == nullptr) co_return make_error(Errc::invalid_argument, "connection {} is not a FreshBooks connection", c.name);
  auto tenant = co_await fb->tenant();
  if (!tenant) co_return tenant.error();
  auto callbacks = fb->callbacks(tenant->id);
  auto verified = co_await callbacks.verify(*id, **verifier);
  if (!verified && (verified.error().code() == Errc::invalid_argument || verified.error().code() == Errc::not_found)) {
    // Refused or gone: a retry cannot change that. FreshBooks' resend (or a new callback) starts over.
    log::warning({.connection = c.name}, "Failed to verify FreshBooks callback {}: {}, ignoring", *id,
                 verified.error());
    co_return Status{};
  }
  if (!verified) co_return verified.error().with_context(fmt::format("cannot verify FreshBooks callback {}", *id));
  if (auto s = webhook::VerifierStore(db).mark_verified(c.name, *id, **verifier); !s) co_return s;
  log::info({.connection = c.name}, "Verified FreshBooks callback {} ({})", *id, verified->event);
  co_return Status{};
}

}  // namespace capsync::daemon
