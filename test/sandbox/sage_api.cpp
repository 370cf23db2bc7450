#include "test/sandbox/sage_api.hpp"

#include <fmt/format.h>

#include "test/sandbox/sage_contacts.hpp"
#include "test/sandbox/sage_query.hpp"
#include "test/sandbox/sage_quotes.hpp"
#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox {
namespace {

constexpr std::string_view kApi = "/sage/v3.1/";
constexpr std::string_view kDefaultBusiness = "5a1e0b0c0d0e4f10a1b2c3d4e5f60001";
constexpr auto kIdempotencyWindow = std::chrono::hours(24);

Response unauthorized() {
  return sage_error(401, "AuthorizationFailure", "The access token is invalid or has expired");
}

}  // namespace

SageApi::SageApi(SandboxContext& context) : context_(context), identity_(context) {}

void SageApi::load_seed(const rapidjson::Value& section, const rapidjson::Value& exact) {
  identity_.load_seed(section);
  books_.clear();
  order_.clear();
  per_minute_ = 200;
  if (const auto* limits = member(section, "rateLimits")) per_minute_ = int_member(*limits, "perMinute").value_or(200);
  if (const auto* list = member(section, "businesses"); list && list->IsArray()) {
    for (const auto& b : list->GetArray()) {
      std::string id = string_member(b, "id").value_or("");
      if (id.empty() || books_.contains(id)) continue;
      order_.push_back(id);
      books_[id].id = id;
      books_[id].name = string_member(b, "name").value_or("Sandbox Business");
    }
  }
  if (order_.empty()) {
    order_.emplace_back(kDefaultBusiness);
    books_[order_.front()].id = order_.front();
    books_[order_.front()].name = "Sandbox Business";
  }
  auto now = context_.clock.now();
  books_[order_.front()].load(section, exact, now);
  const auto* others = member(section, "businessData");
  const auto* exact_others = member(exact, "businessData");
  if (others == nullptr || !others->IsObject() || exact_others == nullptr) return;
  for (const auto& m : others->GetObject()) {
    std::string id(m.name.GetString(), m.name.GetStringLength());
    if (const auto* x = member(*exact_others, id); x && books_.contains(id)) books_[id].load(m.value, *x, now);
  }
}

void SageApi::dump_state(JsonWriter& writer) const {
  SageAttributes all{.all = true, .names = {}};
  auto write_books = [&](const SageBooks& books) {
    writer.Key("contacts");
    writer.StartArray();
    for (const auto& c : books.contacts) books.write_contact(writer, c, all);
    writer.EndArray();
    for (bool purchase : {false, true}) {
      writer.Key(purchase ? "purchase_invoices" : "sales_invoices");
      writer.StartArray();
      for (const auto& inv : books.invoices)
        if (inv.purchase == purchase) books.write_invoice(writer, inv, all);
      writer.EndArray();
    }
    sage_dump_quotes(writer, books, context_.clock.now());
  };
  writer.StartObject();
  writer.Key("businesses");
  writer.StartArray();
  for (const auto& id : order_) {
    writer.StartObject();
    writer.Key("id");
    writer.String(id);
    writer.Key("name");
    writer.String(books_.at(id).name);
    writer.EndObject();
  }
  writer.EndArray();
  write_books(books_.at(order_.front()));
  if (order_.size() > 1) {
    writer.Key("businessData");
    writer.StartObject();
    for (std::size_t i = 1; i < order_.size(); ++i) {
      writer.Key(order_[i].c_str(), static_cast<rapidjson::SizeType>(order_[i].size()));
      writer.StartObject();
      write_books(books_.at(order_[i]));
      writer.EndObject();
    }
    writer.EndObject();
  }
  writer.EndObject();
}

Response SageApi::handle(const Request& request) {
  if (request.path == "/sage-oauth/token") return identity_.token(request);
  if (request.path == "/sage-login/oauth2/auth/central") return identity_.authorize(request);
  if (request.path.starts_with(kApi)) return api(request);
  return sage_error(404, "RecordNotFound", "Resource not found");
}

Response SageApi::fault_status(const Request&, int status, int retry_after_s) {
  if (status == 429) return too_many(std::chrono::seconds(retry_after_s));
  if (status == 401) return unauthorized();
  if (status == 403)
    return sage_error(403, "MultiUserAccessDenied",
                      "The current user is not allowed to access that resource with that method.");
  if (status == 404) return sage_error(404, "RecordNotFound", "Resource not found");
  if (status == 422) return sage_error(422, "RecordInvalid", "is invalid", "base");
  return sage_error(status, "UnexpectedError", "An unexpected error occurred.");
}

Response SageApi::fault_expired_token(const Request&) { return unauthorized(); }

Response SageApi::too_many(std::chrono::milliseconds wait) const {
  Response response = sage_error(429, "TooManyRequests", "Rate limit exceeded. Please retry later.");
  response.set_header("Retry-After", std::to_string(SandboxClock::ceil_seconds(wait)));
  return response;
}

std::optional<Response> SageApi::admit(SageBooks& books) {
  auto now = context_.clock.now();
  auto window = context_.clock.scaled(std::chrono::seconds(60));
  if (books.window_used == 0 || now >= books.window_start + window) {
    books.window_start = now;
    books.window_used = 0;
  }
  if (books.window_used >= per_minute_) return too_many(books.window_start + window - now);
  ++books.window_used;
  return std::nullopt;
}

Response SageApi::api(const Request& request) {
  if (identity_.check(request) != SageIdentity::TokenState::live) return unauthorized();
  const std::string* business = request.header("x-business");
  std::string id = business ? *business : order_.front();
  auto it = books_.find(id);
  if (it == books_.end())
    return sage_error(404, "RecordNotFound", "The business given in X-Business does not exist or is not accessible",
                      "X-Business");
  if (auto limited = admit(it->second)) return std::move(*limited);
  return route(request, it->second, std::string_view(request.path).substr(kApi.size()));
}

Response SageApi::businesses(const Request& request, std::string_view path) const {
  auto write = [&](JsonWriter& w, const std::string& id) {
    w.StartObject();
    w.Key("id");
    w.String(id);
    w.Key("displayed_as");
    w.String(books_.at(id).name);
    w.Key("$path");
    w.String("/businesses/" + id);
    w.Key("name");
    w.String(books_.at(id).name);
    w.EndObject();
  };
  if (path == "businesses") {
    SagePaging paging;
    if (auto bad = sage_paging(request, paging)) return std::move(*bad);
    return sage_list(request, "businesses", order_.size(), paging,
                     [&](JsonWriter& w, std::size_t i) { write(w, order_[i]); });
  }
  std::string id(path.substr(std::string_view("businesses/").size()));
  if (id == "lead") id = order_.front();
  if (!books_.contains(id)) return sage_error(404, "RecordNotFound", "Resource not found");
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  write(w, id);
  return json_response(200, std::string(buffer.GetString(), buffer.GetSize()));
}

Response SageApi::invoices(const Request& request, SageBooks& books, bool purchase,
                           const std::optional<std::string>& id) {
  SageAttributes all{.all = true, .names = {}};
  if (id) {
    for (auto& inv : books.invoices) {
      if (inv.id != *id || inv.purchase != purchase || inv.deleted) continue;
      // GET /sales_invoices/{key}: mark_as_sent "Defaulted to 'true'" (swagger).
      if (!purchase && request.param("mark_as_sent").value_or("true") != "false" && !inv.sent &&
          inv.status != "DRAFT" && inv.status != "VOID") {
        inv.sent = true;
        inv.updated = context_.clock.now();
      }
      rapidjson::StringBuffer buffer;
      JsonWriter w(buffer);
      books.write_invoice(w, inv, all);
      return json_response(200, std::string(buffer.GetString(), buffer.GetSize()));
    }
    return sage_error(404, "RecordNotFound", "Resource not found");
  }
  SagePaging paging;
  if (auto bad = sage_paging(request, paging)) return std::move(*bad);
  std::optional<TimePoint> since, deleted_since;
  if (auto bad = sage_time_param(request, "updated_or_created_since", since)) return std::move(*bad);
  if (auto bad = sage_time_param(request, "deleted_since", deleted_since)) return std::move(*bad);
  auto contact = request.param("contact_id");
  auto status = request.param("status_id");
  std::vector<const SageInvoice*> matches;
  for (const auto& inv : books.invoices) {
    if (inv.purchase != purchase) continue;
    if (deleted_since ? !(inv.deleted && *inv.deleted > *deleted_since) : inv.deleted.has_value()) continue;
    if (since && inv.updated < *since) continue;
    if (contact && inv.contact_id != *contact) continue;
    if (status && inv.status != *status) continue;
    matches.push_back(&inv);
  }
  auto shown = SageAttributes::parse(request.param("attributes").value_or(""));
  return sage_list(request, purchase ? "purchase_invoices" : "sales_invoices", matches.size(), paging,
                   [&](JsonWriter& w, std::size_t i) { books.write_invoice(w, *matches[i], shown); });
}

Response SageApi::route(const Request& request, SageBooks& books, std::string_view path) {
  const std::string& method = request.method;
  std::string_view resource = path;
  std::optional<std::string> id;
  if (auto slash = path.find('/'); slash != std::string_view::npos) {
    resource = path.substr(0, slash);
    id = std::string(path.substr(slash + 1));
    if (id->empty() || id->find('/') != std::string::npos)
      return sage_error(404, "RecordNotFound", "Resource not found");
  }
  auto now = context_.clock.now();
  if (resource == "businesses" && method == "GET") return businesses(request, path);
  if (resource == "contacts") {
    if (method == "GET") return sage_get_contacts(books, request, id);
    if (method == "POST" && !id)
      return sage_write_contact(books, request, id, now, context_.clock.scaled(kIdempotencyWindow));
    if (method == "PUT" && id)
      return sage_write_contact(books, request, id, now, context_.clock.scaled(kIdempotencyWindow));
    if (method == "DELETE" && id) return sage_delete_contact(books, *id, now);
  }
  if (resource == "sales_quotes" || resource == "sales_estimates")
    return sage_quotes(books, request, resource == "sales_estimates", id, now, context_.clock.scaled(kIdempotencyWindow));
  if (resource == "ledger_accounts" && method == "GET" && !id) return sage_ledger_accounts(books, request);
  if ((resource == "sales_invoices" || resource == "purchase_invoices") && method == "GET")
    return invoices(request, books, resource == "purchase_invoices", id);
  return sage_error(404, "RecordNotFound", "Resource not found");
}

}  // namespace capsync::sandbox
