#include "test/sandbox/freshbooks_api.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "test/sandbox/freshbooks_estimates.hpp"
#include "test/sandbox/freshbooks_responses.hpp"
#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox {
namespace {

constexpr std::string_view kPrefix = "/freshbooks/";
constexpr std::string_view kAuthPrefix = "/freshbooks-auth/";
Response unauthorized() {
  return json_response(401, R"({"errno":401,"message":"invalid_token: The request token failed to authenticate or validate."})");
}

Response too_many(std::chrono::milliseconds wait) {
  Response r = error(429, 429, "Too many requests. Please slow down.");
  r.set_header("Retry-After", std::to_string(SandboxClock::ceil_seconds(wait)));
  return r;
}

}  // namespace

FreshBooksApi::FreshBooksApi(SandboxContext& context) : context_(context), identity_(context), callbacks_(context) {}

void FreshBooksApi::load_seed(const rapidjson::Value& section, const rapidjson::Value& exact) {
  identity_.load_seed(section);
  per_minute_ = 100;
  window_used_ = 0;
  if (const auto* limits = member(section, "rateLimits")) per_minute_ = int_member(*limits, "perMinute").value_or(per_minute_);
  books_.load(section, exact, context_.clock.now());
  freshbooks_load_estimates(books_, member(section, "estimates"), member(exact, "estimates"), context_.clock.now());
  callbacks_.clear();
}

void FreshBooksApi::dump_state(JsonWriter& w) const {
  w.StartObject();
  w.Key("businesses");
  w.StartArray();
  for (const auto& b : books_.businesses) books_.write_business(w, b);
  w.EndArray();
  w.Key("clients");
  w.StartArray();
  for (const auto& c : books_.clients) books_.write_client(w, c);
  w.EndArray();
  w.Key("callbacks");
  callbacks_.dump(w);
  w.Key("invoices");
  w.StartArray();
  for (const auto& i : books_.invoices) books_.write_invoice(w, i);
  w.EndArray();
  w.Key("estimates");
  w.StartArray();
  for (const auto& e : books_.estimates) freshbooks_write_estimate(w, books_, e, true);
  w.EndArray();
  w.EndObject();
}

Response FreshBooksApi::fault_status(const Request&, int status, int retry_after_s) {
  if (status == 429) return too_many(std::chrono::seconds(std::max(1, retry_after_s)));
  if (status == 401) return unauthorized();
  if (status == 403)
    return json_response(403, R"({"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token."})");
  if (status == 404) return error(404, 1012, "Client not found.", "userid", "client");
  if (status == 422) return error(422, 2001, "At least one of first name, last name, email or organization is required.", "client", "client");
  return error(status, status, "An internal server error occurred.");
}

Response FreshBooksApi::fault_expired_token(const Request&) { return unauthorized(); }

std::optional<Response> FreshBooksApi::admit() {
  auto now = context_.clock.now();
  auto window = context_.clock.scaled(std::chrono::seconds(60));
  if (window_used_ == 0 || now >= window_start_ + window) {
    window_start_ = now;
    window_used_ = 0;
  }
  if (window_used_ >= per_minute_) return too_many(window_start_ + window - now);
  ++window_used_;
  return std::nullopt;
}

Response FreshBooksApi::handle(const Request& request) {
  std::string_view path = request.path;
  if (path.starts_with(kAuthPrefix)) {
    std::string_view rest = path.substr(kAuthPrefix.size());
    if (rest == "oauth/authorize" || rest == "oauth/authorize/") return identity_.authorize(request);
    return error(404, 404, "Not found.");
  }
  std::string_view rest = path.substr(kPrefix.size());
  if (rest == "auth/oauth/token") return identity_.token(request);
  if (identity_.check(request) != FreshBooksIdentity::TokenState::live) return unauthorized();
  if (auto limited = admit()) return std::move(*limited);
  if (rest == "auth/api/v1/users/me" && request.method == "GET") return users_me();
  constexpr std::string_view kAccounting = "accounting/account/";
  if (rest.starts_with(kAccounting)) {
    Response response = accounting(request, rest.substr(kAccounting.size()));
    announce(request, response);
    return response;
  }
  constexpr std::string_view kEvents = "events/account/";
  if (rest.starts_with(kEvents))
    return callbacks_.handle(request, rest.substr(kEvents.size()), books_.business().account_id);
  return error(404, 404, "Not found.");
}

void FreshBooksApi::announce(const Request& request, const Response& response) {
  if (response.status / 100 != 2 || (request.method != "POST" && request.method != "PUT")) return;
  const char* noun = request.path.find("/users/clients") != std::string::npos          ? "client"
                     : request.path.find("/invoices/invoices") != std::string::npos   ? "invoice"
                     : request.path.find("/estimates/estimates") != std::string::npos ? "estimate"
                                                                                      : nullptr;
  if (noun == nullptr) return;
  auto doc = parse_json(response.body);
  const rapidjson::Value* result = doc ? member(*doc, "response") : nullptr;
  result = result ? member(*result, "result") : nullptr;
  const rapidjson::Value* record = result ? member(*result, noun) : nullptr;
  const auto id = record ? int_member(*record, "id") : std::nullopt;
  if (!id) return;
  callbacks_.notify(fmt::format("{}.{}", noun, request.method == "POST" ? "create" : "update"), *id,
                    books_.business());
}

Response FreshBooksApi::users_me() const {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("response");
  w.StartObject();
  w.Key("id");
  w.Int64(2192788);
  w.Key("identity_id");
  w.Int64(712052);
  w.Key("first_name");
  w.String("Sandbox");
  w.Key("last_name");
  w.String("Owner");
  w.Key("email");
  w.String("owner@sandbox.example");
  w.Key("business_memberships");
  w.StartArray();
  std::int64_t membership = 140130;
  for (const auto& b : books_.businesses) {
    w.StartObject();
    w.Key("id");
    w.Int64(membership++);
    w.Key("role");
    w.String("owner");
    w.Key("business");
    books_.write_business(w, b);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return json_response(200, std::string(buffer.GetString(), buffer.GetSize()));
}

Response FreshBooksApi::accounting(const Request& request, std::string_view path) {
  auto slash = path.find('/');
  std::string_view account = path.substr(0, slash);
  if (account != books_.business().account_id)
    return error(403, 1003, "The server could not verify that you are authorized to access the URL requested.");
  std::string_view resource = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
  std::optional<std::int64_t> id;
  for (std::string_view base : {"users/clients", "invoices/invoices", "payments/payments", "estimates/estimates"}) {
    if (!resource.starts_with(base)) continue;
    std::string_view tail = resource.substr(base.size());
    if (!tail.empty() && tail != "/") {
      if (tail.front() != '/' || !(id = to_int(tail.substr(1)))) return error(404, 404, "Not found.");
    }
    resource = base;
  }
  const std::string& method = request.method;
  if (resource == "users/clients") {
    if (!id && method == "GET") return list_clients(request);
    if (!id && method == "POST") return write_client(request, nullptr);
    FreshBooksClient* client = id ? books_.client(*id) : nullptr;
    if (client == nullptr) return error(404, 1012, "Client not found.", "userid", "client", id ? std::to_string(*id) : "");
    if (method == "GET") return one_client(*client);
    if (method == "PUT") return write_client(request, client);
  }
  if (resource == "invoices/invoices") {
    if (!id && method == "GET") return list_invoices(request);
    if (!id && method == "POST") return write_invoice(request, nullptr);
    FreshBooksInvoice* invoice = id ? books_.invoice(*id) : nullptr;
    if (invoice == nullptr)
      return error(404, 1012, "Invoice not found.", "invoiceid", "invoice", id ? std::to_string(*id) : "");
    if (method == "GET") return one_invoice(*invoice);
    if (method == "PUT") return write_invoice(request, invoice);
    if (method == "DELETE") {
      invoice->vis_state = VisState::deleted;
      invoice->updated = touched(context_.clock.now(), invoice->updated);
      return one_invoice(*invoice);
    }
  }
  if (resource == "payments/payments" && !id && method == "POST") return add_payment(request);
  if (resource == "estimates/estimates") return freshbooks_estimates(books_, request, id, context_.clock.now());
  return error(404, 404, "Not found.");
}

Response FreshBooksApi::one_client(const FreshBooksClient& client) const {
  return result(200, [&](JsonWriter& w) {
    w.Key("client");
    books_.write_client(w, client);
  });
}

Response FreshBooksApi::one_invoice(const FreshBooksInvoice& invoice) const {
  return result(200, [&](JsonWriter& w) {
    w.Key("invoice");
    books_.write_invoice(w, invoice);
  });
}

Response FreshBooksApi::list_clients(const Request& request) {
  ListFilter filter;
  if (auto bad = read_filter(request, filter)) return std::move(*bad);
  auto like = [&](const char* param, const FreshBooksClient& c, const char* field) {
    auto wanted = request.param(param);
    return !wanted || lower(c.text(field)).find(lower(*wanted)) != std::string::npos;
  };
  auto email = request.param("search[email]");
  std::vector<const FreshBooksClient*> matches;
  for (const auto& c : books_.clients)
    if (filter.matches(c.vis_state, c.updated) && like("search[organization_like]", c, "organization") &&
        like("search[fname_like]", c, "fname") && like("search[lname_like]", c, "lname") &&
        (!email || lower(c.text("email")) == lower(*email)))
      matches.push_back(&c);
  std::stable_sort(matches.begin(), matches.end(), [](const auto* a, const auto* b) { return a->id < b->id; });
  return paged(request, "clients", matches, [&](JsonWriter& w, const FreshBooksClient& c) { books_.write_client(w, c); });
}

Response FreshBooksApi::list_invoices(const Request& request) {
  ListFilter filter;
  if (auto bad = read_filter(request, filter)) return std::move(*bad);
  std::optional<std::int64_t> customer;
  if (auto text = request.param("search[customerid]")) customer = to_int(*text).value_or(-1);
  std::vector<const FreshBooksInvoice*> matches;
  for (const auto& i : books_.invoices)
    if (filter.matches(i.vis_state, i.updated) && (!customer || i.customer_id == *customer)) matches.push_back(&i);
  std::stable_sort(matches.begin(), matches.end(), [](const auto* a, const auto* b) { return a->id < b->id; });
  return paged(request, "invoices", matches, [&](JsonWriter& w, const FreshBooksInvoice& i) { books_.write_invoice(w, i); });
}

Response FreshBooksApi::write_client(const Request& request, FreshBooksClient* existing) {
  auto doc = parse_json(request.body);
  const auto* given = doc && doc->IsObject() ? member(*doc, "client") : nullptr;
  if (given == nullptr || !given->IsObject()) return error(400, 2, "The request body must hold a client object.", "client");
  auto now = context_.clock.now();
  // A vis_state in a PUT activates its own phase: the other fields are dropped silently, as
  // https://www.freshbooks.com/api/active_deleted warns.
  if (existing) {
    if (const auto* vis = member(*given, "vis_state")) {
      auto state = vis->IsInt() ? std::optional<int>(vis->GetInt()) : std::nullopt;
      if (!state || *state < 0 || *state > 2) return error(422, 2, "vis_state must be 0, 1 or 2", "vis_state", "client");
      if (static_cast<VisState>(*state) != existing->vis_state) {
        existing->vis_state = static_cast<VisState>(*state);
        existing->updated = touched(now, existing->updated);
      }
      return one_client(*existing);
    }
  }
  FreshBooksClient next = existing ? *existing : FreshBooksClient{};
  for (const auto& m : given->GetObject()) {
    std::string key(m.name.GetString(), m.name.GetStringLength());
    if (!freshbooks_client_text_field(key)) continue;  // unknown and read-only fields are ignored
    if (m.value.IsNull() || (m.value.IsString() && m.value.GetStringLength() == 0)) next.fields.erase(key);
    else if (m.value.IsString()) next.fields[key] = std::string(m.value.GetString(), m.value.GetStringLength());
    else return error(422, 2, fmt::format("{} must be a string", key), key, "client");
  }
  if (!existing && next.text("organization").empty() && !(next.text("fname").empty() && next.text("lname").empty())) {
    // FreshBooks fills a missing organization from the person's name.
    std::string name = next.text("fname");
    if (!name.empty() && !next.text("lname").empty()) name += ' ';
    next.fields["organization"] = name + next.text("lname");
  }
  std::vector<FieldError> problems;
  if (next.text("fname").empty() && next.text("lname").empty() && next.text("email").empty() &&
      next.text("organization").empty())
    problems.push_back({2001, "client", "At least one of first name, last name, email or organization is required.", "client", ""});
  if (std::string email = next.text("email"); !email.empty() && email.find('@') == std::string::npos)
    problems.push_back({2002, "email", "Invalid email address.", "client", email});
  if (!problems.empty()) return errors(422, problems);
  if (existing) {
    if (next.fields != existing->fields) {
      next.updated = touched(now, existing->updated);
      *existing = std::move(next);
    }
    return one_client(*existing);
  }
  next.id = books_.next_client_id++;
  next.signup = next.updated = floor_seconds(now);
  books_.clients.push_back(std::move(next));
  return one_client(books_.clients.back());
}

Response FreshBooksApi::write_invoice(const Request& request, FreshBooksInvoice* existing) {
  auto doc = parse_json(request.body);
  const auto* given = doc && doc->IsObject() ? member(*doc, "invoice") : nullptr;
  if (given == nullptr || !given->IsObject()) return error(400, 2, "The request body must hold an invoice object.", "invoice");
  auto now = context_.clock.now();
  if (existing) {
    FreshBooksInvoice before = *existing;
    if (const auto* vis = member(*given, "vis_state")) {
      if (!vis->IsInt() || vis->GetInt() < 0 || vis->GetInt() > 2) return error(422, 2, "vis_state must be 0, 1 or 2", "vis_state", "invoice");
      existing->vis_state = static_cast<VisState>(vis->GetInt());
    } else if (bool_member(*given, "action_mark_as_sent").value_or(false)) {
      if (existing->fixed_status == "draft") existing->fixed_status.clear();
    } else {
      if (auto due = string_member(*given, "due_date")) {
        if (!is_date(*due)) return error(422, 2, "due_date must be a date", "due_date", "invoice");
        existing->due_date = *due;
      }
      if (auto number = string_member(*given, "invoice_number")) existing->invoice_number = *number;
    }
    if (existing->vis_state != before.vis_state || existing->fixed_status != before.fixed_status ||
        existing->due_date != before.due_date || existing->invoice_number != before.invoice_number)
      existing->updated = touched(now, existing->updated);
    return one_invoice(*existing);
  }
  FreshBooksInvoice inv;
  auto customer = int_member(*given, "customerid");
  const FreshBooksClient* client = customer ? books_.client(*customer) : nullptr;
  if (client == nullptr || client->vis_state == VisState::deleted)
    return error(422, 1012, "Client not found.", "customerid", "invoice", customer ? std::to_string(*customer) : "");
  inv.customer_id = *customer;
  inv.create_date = string_member(*given, "create_date").value_or(eastern_date(now));
  if (!is_date(inv.create_date)) return error(422, 2, "create_date must be a date", "create_date", "invoice");
  inv.due_date = inv.create_date;
  if (auto offset = int_member(*given, "due_offset_days"))
    inv.due_date = eastern_date(*parse_eastern(inv.create_date) + std::chrono::hours(24 * *offset + 12));
  inv.currency = string_member(*given, "currency_code").value_or(books_.business().currency);
  if (const auto* lines = member(*given, "lines"); lines && lines->IsArray()) {
    for (const auto& line : lines->GetArray()) {
      auto qty = member(line, "qty") ? decimal_member(line, "qty") : std::optional<Money>(kMoneyScale);
      const auto* unit = member(line, "unit_cost");
      auto cost = unit ? decimal_member(*unit, "amount") : std::nullopt;
      if (!qty || !cost) return error(422, 2, "Each line needs a qty and a unit_cost amount", "lines", "invoice");
      inv.amount += *qty * *cost / kMoneyScale;
    }
  }
  inv.fixed_status = int_member(*given, "status").value_or(1) == 2 ? "" : "draft";
  inv.id = books_.next_invoice_id++;
  inv.invoice_number = string_member(*given, "invoice_number").value_or(fmt::format("{:07d}", books_.next_number++));
  inv.created = inv.updated = floor_seconds(now);
  books_.invoices.push_back(inv);
  return one_invoice(books_.invoices.back());
}

Response FreshBooksApi::add_payment(const Request& request) {
  auto doc = parse_json(request.body);
  const auto* given = doc && doc->IsObject() ? member(*doc, "payment") : nullptr;
  if (given == nullptr || !given->IsObject()) return error(400, 2, "The request body must hold a payment object.", "payment");
  auto id = int_member(*given, "invoiceid");
  FreshBooksInvoice* invoice = id ? books_.invoice(*id) : nullptr;
  if (invoice == nullptr) return error(422, 1012, "Invoice not found.", "invoiceid", "payment");
  const auto* amount = member(*given, "amount");
  auto paid = amount ? decimal_member(*amount, "amount") : std::nullopt;
  if (!paid || *paid <= 0) return error(422, 2, "amount must be a positive decimal", "amount", "payment");
  invoice->paid += *paid;
  if (invoice->fixed_status == "draft") invoice->fixed_status.clear();
  invoice->updated = touched(context_.clock.now(), invoice->updated);
  return result(200, [&](JsonWriter& w) {
    w.Key("payment");
    w.StartObject();
    w.Key("invoiceid");
    w.Int64(invoice->id);
    w.Key("amount");
    w.StartObject();
    w.Key("amount");
    w.String(format_money(*paid));
    w.Key("code");
    w.String(invoice->currency);
    w.EndObject();
    w.Key("date");
    w.String(string_member(*given, "date").value_or(eastern_date(context_.clock.now())));
    w.EndObject();
  });
}

}  // namespace capsync::sandbox
