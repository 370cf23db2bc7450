#include "test/sandbox/kashflow_api.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox {
namespace {

constexpr std::string_view kApi = "/kashflow/v2/";

Response invalid_session() { return kashflow_error(401, "InvalidSessionToken", "Session token provided is invalid."); }

Response body_response(int status, const rapidjson::StringBuffer& buffer) {
  return json_response(status, std::string(buffer.GetString(), buffer.GetSize()));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int int_param(const Request& request, std::string_view name, int fallback) {
  auto text = request.param(name);
  if (!text || text->empty()) return fallback;
  try {
    return std::stoi(*text);
  } catch (const std::exception&) {
    return fallback;
  }
}

}  // namespace

KashFlowApi::KashFlowApi(SandboxContext& context) : context_(context), session_(context) {}

void KashFlowApi::load_seed(const rapidjson::Value& section, const rapidjson::Value& exact) {
  session_.load_seed(section);
  books_.load(section, exact, context_.clock.now());
  windows_.clear();
  per_minute_ = 120;
  if (const auto* limits = member(section, "rateLimits")) per_minute_ = int_member(*limits, "perMinute").value_or(120);
}

void KashFlowApi::dump_state(JsonWriter& w) const {
  auto now = context_.clock.now();
  w.StartObject();
  session_.dump_state(w);
  w.Key("customers");
  w.StartArray();
  for (const auto& c : books_.customers) books_.write_contact(w, KashFlowRole::customer, c);
  w.EndArray();
  w.Key("invoices");
  w.StartArray();
  for (const auto& inv : books_.invoices) books_.write_invoice(w, inv, now);
  w.EndArray();
  w.Key("quotes");
  w.StartArray();
  for (const auto& q : books_.quotes) books_.write_quote(w, q);
  w.EndArray();
  w.Key("suppliers");
  w.StartArray();
  for (const auto& s : books_.suppliers) books_.write_contact(w, KashFlowRole::supplier, s);
  w.EndArray();
  w.Key("purchases");
  w.StartArray();
  for (const auto& p : books_.purchases) books_.write_purchase(w, p, now);
  w.EndArray();
  w.EndObject();
}

Response KashFlowApi::fault_status(const Request&, int status, int retry_after_s) {
  if (status == 429) return too_many(std::chrono::seconds(retry_after_s));
  if (status == 401) return invalid_session();
  if (status == 404) return kashflow_error(404, "NotFound", "The requested resource was not found.");
  if (status == 400) return kashflow_error(400, "InvalidRequest", "The request is invalid.");
  return kashflow_error(status, "InternalServerError", "An error has occurred.");
}

Response KashFlowApi::fault_expired_token(const Request&) {
  session_.expire_all();  // as an idle expiry: the session is gone, not just this answer
  return invalid_session();
}

Response KashFlowApi::too_many(std::chrono::milliseconds wait) const {
  Response r = kashflow_error(429, "TooManyRequests", "Too many requests, please retry later.");
  r.set_header("Retry-After", std::to_string(SandboxClock::ceil_seconds(wait)));
  return r;
}

std::optional<Response> KashFlowApi::admit(const std::string& user) {
  auto now = context_.clock.now();
  auto window = context_.clock.scaled(std::chrono::seconds(60));
  auto& [start, used] = windows_[user];
  if (used == 0 || now >= start + window) {
    start = now;
    used = 0;
  }
  if (used >= per_minute_) return too_many(start + window - now);
  ++used;
  return std::nullopt;
}

Response KashFlowApi::handle(const Request& request) {
  if (!request.path.starts_with(kApi)) return kashflow_error(404, "NotFound", "The requested resource was not found.");
  std::string_view path = std::string_view(request.path).substr(kApi.size());
  while (path.ends_with('/')) path.remove_suffix(1);
  if (lower(path) == "sessiontoken") {
    if (request.method == "POST") return session_.start(request);
    if (request.method == "PUT") return session_.complete(request);
    if (request.method == "DELETE") return session_.end(request);
    return kashflow_error(405, "MethodNotAllowed", "The requested method is not allowed.");
  }
  auto user = session_.check(request);
  if (!user) return invalid_session();
  if (auto limited = admit(*user)) return std::move(*limited);
  return route(request, path);
}

Response KashFlowApi::route(const Request& request, std::string_view path) {
  std::string resource = lower(path.substr(0, path.find('/')));
  std::optional<std::string> id;
  if (auto slash = path.find('/'); slash != std::string_view::npos) {
    id = url_decode(path.substr(slash + 1));
    if (id->empty() || id->find('/') != std::string::npos)
      return kashflow_error(404, "NotFound", "The requested resource was not found.");
  }
  const std::string& method = request.method;
  if (resource == "metadata" && method == "GET" && !id) return metadata();
  if (resource == "customers" || resource == "suppliers") {
    const auto role = resource == "customers" ? KashFlowRole::customer : KashFlowRole::supplier;
    if (method == "GET") return contacts(request, role, id);
    if ((method == "POST" && !id) || (method == "PUT" && id)) return write_contact(request, role, id);
    if (method == "DELETE" && id) return delete_contact(role, *id);
  }
  if (resource == "invoices" && method == "GET") return invoices(request, id);
  if (resource == "quotes") return quotes(request, id);
  if (resource == "settings" && id && lower(*id) == "quote" && method == "GET") return quote_settings();
  auto now = context_.clock.now();
  if (resource == "purchases" && method == "GET" && !id)
    return list(request, "purchases", "Number", books_.purchases.size(),
                [&](JsonWriter& w, std::size_t i) { books_.write_purchase(w, books_.purchases[i], now); });
  return kashflow_error(404, "NotFound", "The requested resource was not found.");
}

Response KashFlowApi::quotes(const Request& request, const std::optional<std::string>& number) {
  const std::string& method = request.method;
  auto found = books_.quotes.end();
  if (number) {
    found = std::find_if(books_.quotes.begin(), books_.quotes.end(),
                         [&](const KashFlowQuote& q) { return std::to_string(q.number) == *number; });
    if (found == books_.quotes.end()) return kashflow_error(404, "QuoteNotFound", "Quote not found.");
  }
  auto one = [&](int status, const KashFlowQuote& q) {
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    books_.write_quote(w, q);
    return body_response(status, buffer);
  };
  if (method == "GET" && number) return one(200, *found);
  if (method == "GET")
    return list(request, "quotes", "Number", books_.quotes.size(),
                [&](JsonWriter& w, std::size_t i) { books_.write_quote(w, books_.quotes[i]); });
  if (method == "DELETE" && number) {
    books_.quotes.erase(found);
    return json_response(200, "true");
  }
  if ((method == "POST" && number) || (method == "PUT" && !number) || (method != "POST" && method != "PUT"))
    return kashflow_error(404, "NotFound", "The requested resource was not found.");
  rapidjson::Document body;
  body.Parse<rapidjson::kParseNumbersAsStringsFlag>(request.body.data(), request.body.size());
  if (body.HasParseError() || !body.IsObject())
    return kashflow_error(400, "InvalidRequest", "The request body is not valid JSON.");
  KashFlowQuote next = number ? *found : KashFlowQuote{};
  if (!number) next.date = floor_day(context_.clock.now());
  if (auto problem = books_.read_quote(body, next)) return kashflow_error(400, problem->first, problem->second);
  if (number) {
    *found = std::move(next);
    return one(200, *found);
  }
  next.id = books_.next_id++;
  next.number = books_.next_quote_number++;
  books_.quotes.push_back(std::move(next));
  return one(201, books_.quotes.back());
}

Response KashFlowApi::quote_settings() const {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("PrevNextOptionEnabled");
  w.Bool(true);
  w.Key("QuoteAdditionalText");
  w.String("");
  w.Key("QuoteDelete");
  w.Bool(true);
  w.Key("QuoteDueDate");
  w.String(books_.quote_due_date);
  w.Key("QuoteDueDateCaption");
  w.String("Valid For");
  w.Key("QuoteHeading");
  w.String("Quotation");
  w.Key("QuoteName");
  w.String("Quotes");
  w.EndObject();
  return body_response(200, buffer);
}

Response KashFlowApi::metadata() const {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("TotalCustomerCount");
  w.Int64(static_cast<std::int64_t>(books_.customers.size()));
  w.Key("TotalInvoiceCount");
  w.Int64(static_cast<std::int64_t>(books_.invoices.size()));
  w.Key("TotalSupplierCount");
  w.Int64(static_cast<std::int64_t>(books_.suppliers.size()));
  w.EndObject();
  return body_response(200, buffer);
}

Response KashFlowApi::list(const Request& request, std::string_view resource, std::string_view default_sort,
                           std::size_t total, const std::function<void(JsonWriter&, std::size_t)>& write_item) const {
  int page = std::max(1, int_param(request, "page", 1));
  int per_page = std::clamp(int_param(request, "perpage", 25), 1, 100);
  std::size_t first = static_cast<std::size_t>(page - 1) * static_cast<std::size_t>(per_page);
  std::size_t last = std::min(total, first + static_cast<std::size_t>(per_page));
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("Data");
  w.StartArray();
  for (std::size_t i = first; i < last; ++i) write_item(w, i);
  w.EndArray();
  w.Key("MetaData");
  w.StartObject();
  w.Key("NextPageUrl");
  if (last < total) {
    std::string next = fmt::format("{}{}{}?page={}&perpage={}&sortby={}&order={}", context_.base_url, kApi, resource,
                                   page + 1, per_page, request.param("sortby").value_or(std::string(default_sort)),
                                   request.param("order").value_or("Asc"));
    w.String(next);
  } else {
    w.Null();
  }
  w.Key("TotalRecords");
  w.Int64(static_cast<std::int64_t>(total));
  w.EndObject();
  w.EndObject();
  return body_response(200, buffer);
}

Response KashFlowApi::not_found(KashFlowRole role) {
  return role == KashFlowRole::customer ? kashflow_error(404, "CustomerNotFound", "Customer not found.")
                                        : kashflow_error(404, "SupplierNotFound", "Supplier not found.");
}

Response KashFlowApi::contacts(const Request& request, KashFlowRole role, const std::optional<std::string>& code) {
  if (code) {
    const auto* c = books_.find(role, *code);
    if (c == nullptr) return not_found(role);
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    books_.write_contact(w, role, *c);
    return body_response(200, buffer);
  }
  std::vector<const KashFlowContact*> order;
  for (const auto& c : books_.contacts(role)) order.push_back(&c);
  std::string sort = lower(request.param("sortby").value_or("Code"));
  bool descending = lower(request.param("order").value_or("Asc")) == "desc";
  std::stable_sort(order.begin(), order.end(), [&](const auto* a, const auto* b) {
    const std::string& x = sort == "name" ? a->name() : a->code;
    const std::string& y = sort == "name" ? b->name() : b->code;
    return descending ? y < x : x < y;
  });
  const bool customers = role == KashFlowRole::customer;
  return list(request, customers ? "customers" : "suppliers", "Code", order.size(),
              [&](JsonWriter& w, std::size_t i) { books_.write_contact(w, role, *order[i]); });
}

Response KashFlowApi::write_contact(const Request& request, KashFlowRole role, const std::optional<std::string>& code) {
  auto body = parse_json(request.body);
  if (!body || !body->IsObject()) return kashflow_error(400, "InvalidRequest", "The request body is not valid JSON.");
  const std::string_view noun = role == KashFlowRole::customer ? "Customer" : "Supplier";
  auto now = context_.clock.now();
  KashFlowContact* target = nullptr;
  KashFlowContact fresh;
  if (code) {
    target = books_.find(role, *code);
    if (target == nullptr) return not_found(role);
  } else {
    target = &fresh;
    fresh.id = books_.next_id++;
    fresh.created = now;
  }
  std::string new_code = string_member(*body, "Code").value_or(code.value_or(""));
  std::string name = string_member(*body, "Name").value_or(target->name());
  if (name.empty()) {
    if (!bool_member(*body, fmt::format("Create{}NameIfEmptyOrNull", noun)).value_or(false))
      return kashflow_error(400, fmt::format("{}NameRequired", noun), fmt::format("{} name is required.", noun));
    name = new_code.empty() ? books_.new_code(role, noun) : new_code;
  }
  if (new_code.empty()) new_code = books_.new_code(role, name);
  if (new_code.size() > 20)
    return kashflow_error(400, fmt::format("Invalid{}Code", noun), fmt::format("{} code is too long.", noun));
  const auto* holder = books_.find(role, new_code);
  if (holder != nullptr && holder != target) {
    if (!bool_member(*body, fmt::format("Create{}CodeIfDuplicate", noun)).value_or(false))
      return kashflow_error(400, fmt::format("Duplicate{}Code", noun), fmt::format("{} code already exists.", noun));
    new_code = books_.new_code(role, name);
  }
  KashFlowBooks::merge(*target, *body);
  set_string(target->fields, "Name", name, target->fields.GetAllocator());
  if (target->code != new_code)
    for (auto& inv : books_.documents(role))
      if (!target->code.empty() && inv.party_code == target->code) inv.party_code = new_code;
  target->code = new_code;
  target->updated = now;
  if (!code) books_.contacts(role).push_back(std::move(fresh));
  const KashFlowContact& stored = code ? *target : books_.contacts(role).back();
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  books_.write_contact(w, role, stored);
  return body_response(code ? 200 : 201, buffer);
}

Response KashFlowApi::delete_contact(KashFlowRole role, const std::string& code) {
  auto& list = books_.contacts(role);
  auto it = std::find_if(list.begin(), list.end(), [&](const auto& c) { return c.code == code; });
  if (it == list.end()) return not_found(role);
  const auto& documents = books_.documents(role);
  if (std::any_of(documents.begin(), documents.end(), [&](const auto& i) { return i.party_code == code; }))
    return role == KashFlowRole::customer
               ? kashflow_error(400, "CustomerHasTransactions", "A customer with invoices cannot be deleted.")
               : kashflow_error(400, "SupplierHasTransactions", "A supplier with purchases cannot be deleted.");
  list.erase(it);
  return json_response(200, "true");
}

Response KashFlowApi::invoices(const Request& request, const std::optional<std::string>& number) {
  auto now = context_.clock.now();
  if (number) {
    for (const auto& inv : books_.invoices)
      if (std::to_string(inv.number) == *number) {
        rapidjson::StringBuffer buffer;
        JsonWriter w(buffer);
        books_.write_invoice(w, inv, now);
        return body_response(200, buffer);
      }
    return kashflow_error(404, "InvoiceNotFound", "Invoice not found.");
  }
  std::vector<const KashFlowInvoice*> order;
  for (const auto& inv : books_.invoices) order.push_back(&inv);
  bool descending = lower(request.param("order").value_or("Asc")) == "desc";
  std::stable_sort(order.begin(), order.end(),
                   [&](const auto* a, const auto* b) { return descending ? b->number < a->number : a->number < b->number; });
  return list(request, "invoices", "Number", order.size(),
              [&](JsonWriter& w, std::size_t i) { books_.write_invoice(w, *order[i], now); });
}

}  // namespace capsync::sandbox
