#include "test/sandbox/xero_api.hpp"

#include <cctype>

#include <fmt/format.h>

#include "test/sandbox/time_format.hpp"
#include "test/sandbox/xero_contacts.hpp"
#include "test/sandbox/xero_invoice_writes.hpp"
#include "test/sandbox/xero_query.hpp"

namespace capsync::sandbox {
namespace {

constexpr std::string_view kAccounting = "/xero/api.xro/2.0/";
constexpr auto kIdempotencyWindow = std::chrono::minutes(6);

Response unauthorized(std::string_view detail, std::string_view www_authenticate) {
  Response response = json_response(401, xero_problem(401, "Unauthorized", detail));
  response.set_header("WWW-Authenticate", std::string(www_authenticate));
  return response;
}

Response forbidden() { return json_response(403, xero_problem(403, "Forbidden", "AuthenticationUnsuccessful")); }

void reset_if_due(XeroWindow& window, TimePoint now, std::chrono::milliseconds length) {
  if (window.used == 0 || now >= window.start + length) {
    window.start = now;
    window.used = 0;
  }
}

}  // namespace

XeroApi::XeroApi(SandboxContext& context)
    : context_(context), rng_(0x5eed), identity_(context), webhooks_(context) {}

void XeroApi::load_seed(const rapidjson::Value& section, const rapidjson::Value& exact) {
  identity_.load_seed(section);
  books_.clear();
  app_minute_ = {};
  limits_ = {};
  rng_.seed(0x5eed);
  if (const auto* limits = member(section, "rateLimits")) {
    limits_.minute = int_member(*limits, "minute").value_or(limits_.minute);
    limits_.day = int_member(*limits, "day").value_or(limits_.day);
    limits_.concurrent = int_member(*limits, "concurrent").value_or(limits_.concurrent);
    limits_.app_minute = int_member(*limits, "appMinute").value_or(limits_.app_minute);
  }
  auto now = context_.clock.now();
  for (const auto& tenant : identity_.tenants()) books_[tenant.tenant_id];
  if (identity_.tenants().empty() || !section.IsObject()) return;
  books_[identity_.tenants().front().tenant_id].load(section, exact, now, rng_);
  const auto* others = member(section, "tenantData");
  if (others == nullptr || !others->IsObject()) return;
  const auto* exact_others = member(exact, "tenantData");
  for (const auto& m : others->GetObject()) {
    std::string id(m.name.GetString(), m.name.GetStringLength());
    const auto* exact_tenant = exact_others ? member(*exact_others, id) : nullptr;
    if (books_.contains(id) && exact_tenant != nullptr) books_[id].load(m.value, *exact_tenant, now, rng_);
  }
}

void XeroApi::dump_state(JsonWriter& writer) const {
  auto now = context_.clock.now();
  auto write_books = [&](const XeroBooks& books) {
    writer.Key("contacts");
    writer.StartArray();
    for (const auto& c : books.contacts) books.write_contact(writer, c, false, now);
    writer.EndArray();
    writer.Key("invoices");
    writer.StartArray();
    for (const auto& inv : books.invoices) books.write_invoice(writer, inv, true);
    writer.EndArray();
  };
  writer.StartObject();
  writer.Key("tenants");
  identity_.dump(writer);
  const auto& tenants = identity_.tenants();
  if (!tenants.empty()) write_books(books_.at(tenants.front().tenant_id));
  if (tenants.size() > 1) {
    writer.Key("tenantData");
    writer.StartObject();
    for (std::size_t i = 1; i < tenants.size(); ++i) {
      writer.Key(tenants[i].tenant_id.c_str(), static_cast<rapidjson::SizeType>(tenants[i].tenant_id.size()));
      writer.StartObject();
      write_books(books_.at(tenants[i].tenant_id));
      writer.EndObject();
    }
    writer.EndObject();
  }
  writer.EndObject();
}

Response XeroApi::handle(const Request& request) {
  const std::string& path = request.path;
  if (path == "/xero-identity/connect/token") return identity_.token(request);
  if (path == "/xero-login/identity/connect/authorize") return identity_.authorize(request);
  if (path == "/xero/connections" || path == "/xero/Connections") return identity_.connections(request);
  if (path.starts_with(kAccounting)) return accounting(request);
  return json_response(404, xero_problem(404, "Not Found", "The resource you're looking for cannot be found"));
}

Response XeroApi::fault_status(const Request& request, int status, int retry_after_s) {
  const std::string* tenant = request.header("xero-tenant-id");
  auto it = tenant ? books_.find(*tenant) : books_.end();
  static const XeroBooks empty;
  const XeroBooks& books = it != books_.end() ? it->second : empty;
  if (status == 429) return too_many(books, "minute", std::chrono::seconds(retry_after_s));
  if (status == 401) return fault_expired_token(request);
  if (status == 403) return forbidden();
  if (status == 400) return json_response(400, xero_validation_error("[]"));
  if (status == 404) return json_response(404, xero_problem(404, "Not Found", "The resource you're looking for cannot be found"));
  if (status == 503)
    return json_response(503, xero_problem(503, "Service Unavailable", "The Xero API is currently unavailable"));
  return json_response(status, xero_problem(status, "An error occurred", "An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status."));
}

Response XeroApi::fault_expired_token(const Request&) {
  auto at = context_.clock.now() - std::chrono::seconds(1);
  return unauthorized(fmt::format("TokenExpired: token expired at {}", xero_us_datetime(at)),
                      fmt::format("Bearer error=\"invalid_token\", error_description=\"The token expired at '{}'\"",
                                  xero_us_datetime(at)));
}

Response XeroApi::too_many(const XeroBooks& books, std::string_view problem, std::chrono::milliseconds wait) const {
  Response response;
  response.status = 429;
  response.set_header("Retry-After", std::to_string(SandboxClock::ceil_seconds(wait)));
  response.set_header("X-Rate-Limit-Problem", std::string(problem));
  add_limit_headers(response, books);
  return response;
}

void XeroApi::add_limit_headers(Response& response, const XeroBooks& books) const {
  response.set_header("X-DayLimit-Remaining", std::to_string(std::max<std::int64_t>(0, limits_.day - books.day.used)));
  response.set_header("X-MinLimit-Remaining", std::to_string(std::max<std::int64_t>(0, limits_.minute - books.minute.used)));
  response.set_header("X-AppMinLimit-Remaining",
                      std::to_string(std::max<std::int64_t>(0, limits_.app_minute - app_minute_.used)));
}

std::optional<Response> XeroApi::admit(XeroBooks& books) {
  auto now = context_.clock.now();
  auto minute = context_.clock.scaled(std::chrono::minutes(1));
  auto day = context_.clock.scaled(std::chrono::hours(24));
  reset_if_due(books.minute, now, minute);
  reset_if_due(books.day, now, day);
  reset_if_due(app_minute_, now, minute);
  if (books.in_flight >= limits_.concurrent) return too_many(books, "concurrent", std::chrono::seconds(1));
  if (books.day.used >= limits_.day) return too_many(books, "day", books.day.start + day - now);
  if (books.minute.used >= limits_.minute) return too_many(books, "minute", books.minute.start + minute - now);
  if (app_minute_.used >= limits_.app_minute) return too_many(books, "appminute", app_minute_.start + minute - now);
  ++books.minute.used;
  ++books.day.used;
  ++app_minute_.used;
  return std::nullopt;
}

Response XeroApi::accounting(const Request& request) {
  const XeroAccessToken* token = identity_.find_access_token(request);
  if (token == nullptr) return unauthorized("AuthenticationUnsuccessful", "Bearer error=\"invalid_token\"");
  auto now = context_.clock.now();
  if (token->expires_at <= now)
    return unauthorized(fmt::format("TokenExpired: token expired at {}", xero_us_datetime(token->expires_at)),
                        fmt::format("Bearer error=\"invalid_token\", error_description=\"The token expired at '{}'\"",
                                    xero_us_datetime(token->expires_at)));
  const std::string* tenant = request.header("xero-tenant-id");
  auto it = tenant ? books_.find(*tenant) : books_.end();
  if (it == books_.end()) return forbidden();
  XeroBooks& books = it->second;
  if (auto limited = admit(books)) return std::move(*limited);

  std::string_view path = std::string_view(request.path).substr(kAccounting.size());
  const std::string* key = request.header("idempotency-key");
  bool idempotent = key != nullptr && (request.method == "PUT" || request.method == "POST");
  std::string cache_key = idempotent ? request.method + " " + request.path : std::string();
  if (idempotent) {
    if (key->size() > 128)
      return json_response(400, xero_exception(10, "ValidationException", "Idempotency-Key must be at most 128 characters"));
    auto cached = books.idempotency.find(*key);
    if (cached != books.idempotency.end() && cached->second.expires_at > now) {
      if (cached->second.method_path != cache_key || cached->second.body != request.body)
        return json_response(400, xero_exception(10, "ValidationException",
                                                  "The Idempotency-Key has already been used with a different request"));
      Response replay = json_response(cached->second.status, cached->second.response);
      add_limit_headers(replay, books);
      return replay;
    }
  }
  ++books.in_flight;
  const std::int64_t first_new_seq = books.next_seq;
  Response response = route(request, books, path);
  if ((request.method == "PUT" || request.method == "POST") && response.status == 200)
    announce(*tenant, books, now, first_new_seq);
  response.on_done = [books_ptr = &books] { --books_ptr->in_flight; };
  if (idempotent)
    books.idempotency[*key] = XeroIdempotent{cache_key, request.body, response.status, response.body,
                                             now + context_.clock.scaled(kIdempotencyWindow)};
  add_limit_headers(response, books);
  return response;
}

std::optional<Response> XeroApi::admin(const Request& request) {
  if (request.path == "/_admin/xero/webhook") return webhooks_.admin(request);
  return std::nullopt;
}

void XeroApi::announce(const std::string& tenant, const XeroBooks& books, TimePoint since, std::int64_t first_new_seq) {
  for (const auto& c : books.contacts)
    if (c.updated >= since) webhooks_.changed(tenant, "CONTACT", c.seq >= first_new_seq, c.id, c.updated);
  for (const auto& inv : books.invoices)
    if (inv.updated >= since) webhooks_.changed(tenant, "INVOICE", inv.seq >= first_new_seq, inv.id, inv.updated);
}

Response XeroApi::route(const Request& request, XeroBooks& books, std::string_view path) {
  auto now = context_.clock.now();
  const std::string& method = request.method;
  std::optional<std::string> id;
  std::string_view resource = path;
  if (auto slash = path.find('/'); slash != std::string_view::npos) {
    resource = path.substr(0, slash);
    id = std::string(path.substr(slash + 1));
    if (id->empty()) id.reset();
  }
  if (resource == "Contacts") {
    if (method == "GET") return xero_get_contacts(books, request, id, now, rng_);
    if (method == "PUT" && !id) return xero_write_contacts(books, request, XeroWriteMode::create, id, now, rng_);
    if (method == "POST")
      return xero_write_contacts(books, request, id ? XeroWriteMode::update_one : XeroWriteMode::update_or_create, id,
                                 now, rng_);
  }
  if (resource == "Organisation" && method == "GET" && !id) return organisation(request, now);
  if (resource == "Invoices" && method == "GET") return xero_get_invoices(books, request, id, now, rng_);
  if (resource == "Invoices" && method == "PUT" && !id) return xero_create_invoices(books, request, now, rng_);
  if (resource == "Invoices" && method == "POST" && id) return xero_update_invoice(books, request, *id, now, rng_);
  if (resource == "Payments" && method == "PUT" && !id) return xero_create_payment(books, request, now);
  return json_response(404, xero_problem(404, "Not Found", "The resource you're looking for cannot be found"));
}

// The tenant's organisation. The ShortCode (Xero's "!" plus five characters) is derived from
// the tenant id so deep links in tests are stable.
Response XeroApi::organisation(const Request& request, TimePoint now) {
  const XeroTenant* tenant = identity_.tenant(*request.header("xero-tenant-id"));
  std::string short_code = "!";
  for (char c : tenant->tenant_id)
    if (std::isalnum(static_cast<unsigned char>(c)) && short_code.size() < 6) short_code += c;
  XeroQuery query;
  return json_response(200, xero_envelope(now, rng_, "Organisations", query, 1, [&](JsonWriter& writer) {
                         writer.StartObject();
                         writer.Key("OrganisationID");
                         writer.String(tenant->tenant_id);
                         writer.Key("Name");
                         writer.String(tenant->tenant_name);
                         writer.Key("LegalName");
                         writer.String(tenant->tenant_name);
                         writer.Key("ShortCode");
                         writer.String(short_code);
                         writer.Key("OrganisationType");
                         writer.String("COMPANY");
                         writer.Key("BaseCurrency");
                         writer.String("GBP");
                         writer.Key("CountryCode");
                         writer.String("GB");
                         writer.EndObject();
                       }));
}

}  // namespace capsync::sandbox
