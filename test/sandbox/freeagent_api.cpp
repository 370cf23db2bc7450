#include "test/sandbox/freeagent_api.hpp"

#include <algorithm>
#include <charconv>

#include <date/date.h>
#include <fmt/format.h>

#include "test/sandbox/freeagent_http.hpp"
#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox {
namespace {

using namespace freeagent_http;

constexpr std::string_view kPrefix = "/freeagent/v2";

Response unauthorized() {
  Response r = error(401, "Unauthorised: the access token is invalid or has expired");
  r.set_header("WWW-Authenticate", R"(Bearer realm="FreeAgent", error="invalid_token")");
  return r;
}

// "sort=-updated_at" -> {"updated_at", descending}.
std::pair<std::string, bool> sort_param(const Request& request, std::string fallback) {
  std::string sort = request.param("sort").value_or(fallback);
  bool descending = sort.starts_with('-');
  if (descending) sort.erase(0, 1);
  return {sort, descending};
}

}  // namespace

FreeAgentApi::FreeAgentApi(SandboxContext& context) : context_(context), identity_(context) {}

std::string FreeAgentApi::api_url() const { return context_.base_url + std::string(kPrefix); }

void FreeAgentApi::load_seed(const rapidjson::Value& section, const rapidjson::Value& exact) {
  identity_.load_seed(section);
  limits_ = {};
  minute_ = hour_ = test_minute_ = {};
  if (const auto* limits = member(section, "rateLimits")) {
    limits_.minute = int_member(*limits, "minute").value_or(limits_.minute);
    limits_.hour = int_member(*limits, "hour").value_or(limits_.hour);
  }
  books_.load(section, exact, context_.clock.now());
  estimates_.load(exact, books_, context_.clock.now());
}

void FreeAgentApi::dump_state(JsonWriter& w) const {
  auto now = context_.clock.now();
  std::string api = api_url();
  w.StartObject();
  w.Key("company");
  books_.write_company(w, api);
  w.Key("contacts");
  w.StartArray();
  for (const auto& c : books_.contacts) books_.write_contact(w, c, api);
  w.EndArray();
  w.Key("invoices");
  w.StartArray();
  for (const auto& i : books_.invoices) books_.write_invoice(w, i, api, now);
  w.EndArray();
  w.Key("estimates");
  estimates_.dump(w, api);
  w.EndObject();
}

Response FreeAgentApi::fault_status(const Request&, int status, int retry_after_s) {
  if (status == 429) {
    Response r;
    r.status = 429;
    r.set_header("Retry-After", std::to_string(std::max(1, retry_after_s)));
    r.set_header("Content-Type", "text/plain");
    r.body = fmt::format("You must not exceed {} requests per 60 seconds", limits_.minute);
    return r;
  }
  if (status == 401) return unauthorized();
  if (status == 403) return error(403, "Access denied");
  if (status == 404) return error(404, "Resource not found");
  if (status == 422) return invalid({"Organisation name can't be blank"});
  return error(status, "We're sorry, but something went wrong");
}

Response FreeAgentApi::fault_expired_token(const Request&) { return unauthorized(); }

std::optional<Response> FreeAgentApi::admit(const Request& request) {
  auto now = context_.clock.now().time_since_epoch();
  auto count = [&](Window& window, std::chrono::milliseconds length, std::int64_t limit) -> std::optional<Response> {
    std::int64_t index = now / length;
    if (window.index != index) window = {index, 0};
    if (window.used < limit) return std::nullopt;
    Response r;
    r.status = 429;
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(length * (index + 1) - now);
    r.set_header("Retry-After", std::to_string(SandboxClock::ceil_seconds(wait)));
    r.set_header("Content-Type", "text/plain");
    r.body = fmt::format("You must not exceed {} requests per {} seconds", limit,
                         length == context_.clock.scaled(std::chrono::hours(1)) ? 3600 : 60);
    return r;
  };
  auto minute = context_.clock.scaled(std::chrono::minutes(1));
  auto hour = context_.clock.scaled(std::chrono::hours(1));
  const std::string* test = request.header("x-ratelimit-test");
  if (test && *test == "true")
    if (auto limited = count(test_minute_, minute, limits_.test_minute)) return limited;
  if (auto limited = count(minute_, minute, limits_.minute)) return limited;
  if (auto limited = count(hour_, hour, limits_.hour)) return limited;
  ++minute_.used;
  ++hour_.used;
  if (test && *test == "true") ++test_minute_.used;
  return std::nullopt;
}

Response FreeAgentApi::handle(const Request& request) {
  const std::string& path = request.path;
  if (!path.starts_with(kPrefix) || (path.size() > kPrefix.size() && path[kPrefix.size()] != '/'))
    return error(404, "Resource not found");
  std::string_view rest = std::string_view(path).substr(std::min(path.size(), kPrefix.size() + 1));
  if (rest == "token_endpoint") return identity_.token(request);
  if (rest == "approve_app") return identity_.approve_app(request);

  const FreeAgentAccessToken* token = identity_.find_access_token(request);
  if (token == nullptr || token->expires_at <= context_.clock.now()) return unauthorized();
  const std::string* agent = request.header("user-agent");
  if (agent == nullptr || agent->empty()) return error(400, "A User-Agent header is required");
  if (auto limited = admit(request)) return std::move(*limited);
  return route(request, rest);
}

Response FreeAgentApi::route(const Request& request, std::string_view path) {
  std::string_view resource = path;
  std::optional<std::int64_t> id;
  bool bad_id = false;
  if (auto slash = path.find('/'); slash != std::string_view::npos) {
    resource = path.substr(0, slash);
    std::string_view tail = path.substr(slash + 1);
    id = freeagent_id(tail.substr(0, tail.find('/')));
    bad_id = !id;
  }
  const std::string& method = request.method;
  if (resource == "estimates" || resource == "estimate_items")
    return estimates_.route(request, path, books_, context_.base_url, api_url(), context_.clock.now());
  if (bad_id) return error(404, "Resource not found");
  if (resource == "company" && method == "GET" && !id) {
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    w.Key("company");
    books_.write_company(w, api_url());
    w.EndObject();
    return json_response(200, std::string(buffer.GetString(), buffer.GetSize()));
  }
  if (resource == "contacts" && std::count(path.begin(), path.end(), '/') <= 1) {
    if (!id && method == "GET") return list_contacts(request);
    if (!id && method == "POST") return write_contact(request, nullptr);
    FreeAgentContact* contact = id ? books_.contact(*id) : nullptr;
    if (id && contact == nullptr) return error(404, "Resource not found");
    if (contact && method == "GET") return one_contact(200, *contact);
    if (contact && method == "PUT") return write_contact(request, contact);
    if (contact && method == "DELETE") return delete_contact(*id);
  }
  if (resource == "invoices" && method == "POST" && !id) return create_invoice(request);
  if (resource == "invoices" && id) {
    FreeAgentInvoice* invoice = books_.invoice(*id);
    if (invoice == nullptr) return error(404, "Resource not found");
    std::string_view rest = path.substr(path.find('/') + 1);
    if (auto slash = rest.find('/'); slash != std::string_view::npos && method == "PUT") {
      std::string_view action = rest.substr(slash + 1);
      if (action.starts_with("transitions/")) return transition_invoice(*invoice, action.substr(12));
    }
    if (method == "DELETE" && rest.find('/') == std::string_view::npos) {
      std::erase_if(books_.invoices, [&](const auto& i) { return i.id == *id; });
      return json_response(200, "");
    }
  }
  if (resource == "invoices" && method == "GET") {
    if (!id) return list_invoices(request);
    const FreeAgentInvoice* invoice = books_.invoice(*id);
    if (invoice == nullptr) return error(404, "Resource not found");
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    w.Key("invoice");
    books_.write_invoice(w, *invoice, api_url(), context_.clock.now());
    w.EndObject();
    return json_response(200, std::string(buffer.GetString(), buffer.GetSize()));
  }
  return error(404, "Resource not found");
}

Response FreeAgentApi::list_contacts(const Request& request) {
  std::string view = request.param("view").value_or("active");
  auto since = updated_since(request);
  if (!since) return error(400, "updated_since is not a valid ISO 8601 date and time");
  auto [sort, descending] = sort_param(request, "name");
  if (sort != "name" && sort != "created_at" && sort != "updated_at") return error(400, "Invalid sort order");
  auto open = [&](const FreeAgentContact& c) {
    return std::any_of(books_.invoices.begin(), books_.invoices.end(),
                       [&](const auto& i) { return i.contact_id == c.id && i.due() > 0; });
  };
  std::function<bool(const FreeAgentContact&)> in_view;
  if (view == "all") in_view = [](const auto&) { return true; };
  else if (view == "active") in_view = [](const auto& c) { return !c.hidden(); };
  else if (view == "hidden") in_view = [](const auto& c) { return c.hidden(); };
  else if (view == "clients") in_view = [](const auto& c) { return !c.supplier; };
  else if (view == "suppliers") in_view = [](const auto& c) { return !c.hidden() && c.supplier; };
  else if (view == "open_clients") in_view = [&](const auto& c) { return !c.supplier && open(c); };
  else if (view == "active_projects" || view == "completed_projects" || view == "open_suppliers")
    in_view = [](const auto&) { return false; };  // the sandbox keeps no projects or bills
  else return error(400, fmt::format("Invalid view: {}", view));

  std::vector<const FreeAgentContact*> matches;
  for (const auto& c : books_.contacts)
    if (in_view(c) && (!*since || c.updated >= **since)) matches.push_back(&c);
  auto key = [&](const FreeAgentContact* c) {
    return sort == "name" ? std::pair(c->sort_name(), TimePoint{}) : std::pair(std::string(), sort == "created_at" ? c->created : c->updated);
  };
  std::stable_sort(matches.begin(), matches.end(), [&](const auto* a, const auto* b) {
    auto ka = key(a), kb = key(b);
    if (ka != kb) return descending ? kb < ka : ka < kb;
    return a->id < b->id;
  });
  std::string api = api_url();
  return paged(request, context_.base_url, "contacts", matches,
               [&](JsonWriter& w, const FreeAgentContact& c) { books_.write_contact(w, c, api); });
}

Response FreeAgentApi::list_invoices(const Request& request) {
  auto now = context_.clock.now();
  std::string view = request.param("view").value_or("all");
  auto since = updated_since(request);
  if (!since) return error(400, "updated_since is not a valid ISO 8601 date and time");
  auto [sort, descending] = sort_param(request, "created_at");
  if (sort != "created_at" && sort != "updated_at") return error(400, "Invalid sort order");
  std::optional<std::int64_t> contact;
  if (auto c = request.param("contact")) {
    contact = freeagent_id(*c);
    if (!contact) return error(404, "Contact not found");
  }
  std::function<bool(const FreeAgentInvoice&)> in_view;
  auto status_in = [&](std::initializer_list<std::string_view> wanted) {
    return [&, wanted = std::vector<std::string_view>(wanted)](const FreeAgentInvoice& i) {
      return std::find(wanted.begin(), wanted.end(), i.status(now)) != wanted.end();
    };
  };
  int months = 0;
  if (view == "all") in_view = [](const auto&) { return true; };
  else if (view == "draft") in_view = status_in({"Draft"});
  else if (view == "open") in_view = status_in({"Open"});
  else if (view == "overdue") in_view = status_in({"Overdue"});
  else if (view == "open_or_overdue" || view == "recent_open_or_overdue") in_view = status_in({"Open", "Overdue"});
  else if (view == "paid") in_view = status_in({"Paid", "Overpaid"});
  else if (view == "scheduled_to_email") in_view = status_in({"Scheduled To Email"});
  else if (view.starts_with("last_") && view.ends_with("_months") &&
           std::from_chars(view.data() + 5, view.data() + view.size() - 7, months).ec == std::errc{} && months > 0)
    in_view = [&](const auto& i) { return i.dated_on >= floor_day(now) - std::chrono::hours(24 * 31 * months); };
  else return error(400, fmt::format("Invalid view: {}", view));

  std::vector<const FreeAgentInvoice*> matches;
  for (const auto& i : books_.invoices)
    if (in_view(i) && (!contact || i.contact_id == *contact) && (!*since || i.updated >= **since)) matches.push_back(&i);
  std::stable_sort(matches.begin(), matches.end(), [&](const auto* a, const auto* b) {
    TimePoint ka = sort == "created_at" ? a->created : a->updated, kb = sort == "created_at" ? b->created : b->updated;
    if (ka != kb) return descending ? kb < ka : ka < kb;
    return a->id < b->id;
  });
  std::string api = api_url();
  return paged(request, context_.base_url, "invoices", matches,
               [&](JsonWriter& w, const FreeAgentInvoice& i) { books_.write_invoice(w, i, api, now); });
}

Response FreeAgentApi::one_contact(int status, const FreeAgentContact& contact) const {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("contact");
  books_.write_contact(w, contact, api_url());
  w.EndObject();
  return json_response(status, std::string(buffer.GetString(), buffer.GetSize()));
}

Response FreeAgentApi::write_contact(const Request& request, FreeAgentContact* existing) {
  auto doc = parse_json(request.body);
  if (!doc || !doc->IsObject()) return error(400, "The request body is not valid JSON");
  const auto* given = member(*doc, "contact");
  if (given == nullptr || !given->IsObject()) return error(400, "param is missing or the value is empty: contact");
  FreeAgentContact next = existing ? *existing : FreeAgentContact{};
  // Unknown and read-only attributes are ignored, as FreeAgent does for most endpoints.
  for (const auto& m : given->GetObject()) {
    std::string key(m.name.GetString(), m.name.GetStringLength());
    if (key == "contact_name_on_invoices" && m.value.IsBool()) next.contact_name_on_invoices = m.value.GetBool();
    if (key == "uses_contact_invoice_sequence" && m.value.IsBool()) next.uses_contact_invoice_sequence = m.value.GetBool();
    if (key == "default_payment_terms_in_days" && m.value.IsInt64()) next.default_payment_terms_in_days = m.value.GetInt64();
    if (!freeagent_writable_text_field(key)) continue;
    if (m.value.IsNull() || (m.value.IsString() && m.value.GetStringLength() == 0)) next.fields.erase(key);
    else if (m.value.IsString()) next.fields[key] = std::string(m.value.GetString(), m.value.GetStringLength());
    else return invalid({fmt::format("{} is invalid", key)});
  }
  if (!next.fields.contains("status")) next.fields["status"] = "Active";
  if (!next.fields.contains("charge_sales_tax")) next.fields["charge_sales_tax"] = "Auto";
  if (!next.fields.contains("locale")) next.fields["locale"] = "en";
  std::vector<std::string> problems;
  if (next.text("organisation_name").empty() && (next.text("first_name").empty() || next.text("last_name").empty())) {
    if (next.text("first_name").empty()) problems.emplace_back("First name can't be blank");
    if (next.text("last_name").empty()) problems.emplace_back("Last name can't be blank");
  }
  if (next.text("status") != "Active" && next.text("status") != "Hidden") problems.emplace_back("Status is not included in the list");
  std::string tax = next.text("charge_sales_tax");
  if (tax != "Auto" && tax != "Always" && tax != "Never") problems.emplace_back("Charge sales tax is not included in the list");
  if (!problems.empty()) return invalid(problems);

  auto now = context_.clock.now();
  if (existing) {
    bool changed = next.fields != existing->fields || next.contact_name_on_invoices != existing->contact_name_on_invoices ||
                   next.uses_contact_invoice_sequence != existing->uses_contact_invoice_sequence ||
                   next.default_payment_terms_in_days != existing->default_payment_terms_in_days;
    if (changed) {
      next.updated = std::max(now, existing->updated + std::chrono::milliseconds(1));
      *existing = std::move(next);
    }
    return json_response(200, "");  // FreeAgent documents no body for an update
  }
  next.id = books_.next_contact_id++;
  next.created = next.updated = now;
  books_.contacts.push_back(std::move(next));
  Response response = one_contact(201, books_.contacts.back());
  response.set_header("Location", fmt::format("{}/contacts/{}", api_url(), books_.contacts.back().id));
  return response;
}

Response FreeAgentApi::create_invoice(const Request& request) {
  auto doc = parse_json(request.body);
  if (!doc || !doc->IsObject()) return error(400, "The request body is not valid JSON");
  const auto* given = member(*doc, "invoice");
  if (given == nullptr || !given->IsObject()) return error(400, "param is missing or the value is empty: invoice");
  auto now = context_.clock.now();
  FreeAgentInvoice inv;
  std::vector<std::string> problems;
  auto contact = freeagent_id(string_member(*given, "contact").value_or(""));
  if (!contact || books_.contact(*contact) == nullptr) problems.emplace_back("Contact can't be blank");
  auto dated = parse_time(string_member(*given, "dated_on").value_or(""));
  if (!dated) problems.emplace_back("Dated on can't be blank");
  inv.payment_terms_in_days = int_member(*given, "payment_terms_in_days").value_or(inv.payment_terms_in_days);
  inv.currency = string_member(*given, "currency").value_or(books_.company.currency);
  if (const auto* items = member(*given, "invoice_items"); items && items->IsArray()) {
    for (const auto& item : items->GetArray()) {
      auto quantity = parse_money(string_member(item, "quantity").value_or("1"));
      auto price = parse_money(string_member(item, "price").value_or(""));
      if (!quantity || !price) {
        problems.emplace_back("Invoice items price is not a number");
        continue;
      }
      inv.net += *quantity * *price / kMoneyScale;
    }
  }
  if (!problems.empty()) return invalid(problems);
  inv.id = books_.next_invoice_id++;
  inv.contact_id = *contact;
  inv.reference = string_member(*given, "reference").value_or(fmt::format("{:03d}", books_.next_reference++));
  inv.fixed_status = "Draft";
  inv.dated_on = floor_day(*dated);
  auto due = parse_time(string_member(*given, "due_on").value_or(""));
  inv.due_on = due ? floor_day(*due) : inv.dated_on + std::chrono::hours(24 * inv.payment_terms_in_days);
  inv.created = inv.updated = now;
  books_.invoices.push_back(inv);
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("invoice");
  books_.write_invoice(w, inv, api_url(), now);
  w.EndObject();
  Response response = json_response(201, std::string(buffer.GetString(), buffer.GetSize()));
  response.set_header("Location", fmt::format("{}/invoices/{}", api_url(), inv.id));
  return response;
}

Response FreeAgentApi::transition_invoice(FreeAgentInvoice& invoice, std::string_view transition) {
  if (transition == "mark_as_sent") invoice.fixed_status.clear();  // also re-opens a cancelled invoice
  else if (transition == "mark_as_draft") invoice.fixed_status = "Draft";
  else if (transition == "mark_as_scheduled") invoice.fixed_status = "Scheduled To Email";
  // What FreeAgent reports for a cancelled invoice is not documented.
  else if (transition == "mark_as_cancelled") invoice.fixed_status = "Cancelled";
  else return error(404, "Resource not found");
  invoice.updated = std::max(context_.clock.now(), invoice.updated + std::chrono::milliseconds(1));
  return json_response(200, "");
}

Response FreeAgentApi::delete_contact(std::int64_t id) {
  if (books_.has_invoices(id)) return invalid({"Contact cannot be deleted because it has invoices"});
  std::erase_if(books_.contacts, [&](const auto& c) { return c.id == id; });
  return json_response(200, "");
}

}  // namespace capsync::sandbox
