#include "test/sandbox/freeagent_estimates.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "test/sandbox/freeagent_http.hpp"
#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox {
namespace {

using namespace freeagent_http;

constexpr std::array<std::string_view, 6> kStatuses{"Draft", "Sent", "Open", "Approved", "Rejected", "Invoiced"};
constexpr std::array<std::string_view, 3> kTypes{"Estimate", "Quote", "Proposal"};

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& set, std::string_view value) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

TimePoint later(TimePoint now, TimePoint before) { return std::max(now, before + std::chrono::milliseconds(1)); }

// Reads one item's writable attributes over `item`; a problem is appended to `problems`.
void read_item(const rapidjson::Value& given, FreeAgentEstimateItem& item, std::vector<std::string>& problems) {
  if (auto type = string_member(given, "item_type")) item.item_type = *type;
  if (auto description = string_member(given, "description")) item.description = *description;
  auto decimal = [&](const char* key, Money& out, const char* label) {
    auto text = string_member(given, key);
    if (!text) return;
    auto value = parse_money(*text);
    if (!value) problems.push_back(fmt::format("Estimate items {} is not a number", label));
    else out = *value;
  };
  decimal("quantity", item.quantity, "quantity");
  decimal("price", item.price, "price");
  decimal("sales_tax_rate", item.sales_tax_rate, "sales tax rate");
}

}  // namespace

Money FreeAgentEstimate::net() const {
  Money sum = 0;
  for (const auto& i : items) sum += i.net();
  return sum;
}

Money FreeAgentEstimate::tax() const {
  Money sum = 0;
  for (const auto& i : items) sum += i.tax();
  return sum;
}

void FreeAgentEstimates::load(const rapidjson::Value& exact, const FreeAgentBooks& books, TimePoint now) {
  *this = FreeAgentEstimates{};
  const auto* list = member(exact, "estimates");
  if (list == nullptr || !list->IsArray()) return;
  for (const auto& given : list->GetArray()) {
    FreeAgentEstimate e;
    e.id = freeagent_id(string_member(given, "url").value_or(string_member(given, "id").value_or(""))).value_or(next_id_);
    next_id_ = std::max(next_id_, e.id) + 1;
    e.contact_id = freeagent_id(string_member(given, "contact").value_or("")).value_or(0);
    e.reference = string_member(given, "reference").value_or(fmt::format("{:03d}", next_reference_++));
    e.status = string_member(given, "status").value_or("Draft");
    if (!one_of(kStatuses, e.status)) e.status = "Draft";
    e.estimate_type = string_member(given, "estimate_type").value_or("Estimate");
    e.currency = string_member(given, "currency").value_or(books.company.currency);
    e.notes = string_member(given, "notes").value_or("");
    e.dated_on = floor_day(parse_time(string_member(given, "dated_on").value_or("")).value_or(now));
    if (auto offset = string_member(given, "dated_on_offset_days"))
      e.dated_on = floor_day(now) + std::chrono::hours(24 * std::stoll(*offset));
    FreeAgentEstimateItem item;
    item.id = next_item_id_++;
    item.description = string_member(given, "description").value_or("Services");
    item.price = parse_money(string_member(given, "net_value").value_or("0")).value_or(0);
    item.sales_tax_rate = parse_money(string_member(given, "sales_tax_rate").value_or("0")).value_or(0);
    e.created = parse_time(string_member(given, "created_at").value_or("")).value_or(now);
    e.updated = parse_time(string_member(given, "updated_at").value_or("")).value_or(e.created);
    item.created = item.updated = e.created;
    e.items.push_back(item);
    estimates_.push_back(std::move(e));
  }
}

void FreeAgentEstimates::dump(JsonWriter& w, const std::string& api) const {
  w.StartArray();
  for (const auto& e : estimates_) write(w, e, api, true);
  w.EndArray();
}

FreeAgentEstimate* FreeAgentEstimates::find(std::int64_t id) {
  auto it = std::find_if(estimates_.begin(), estimates_.end(), [&](const auto& e) { return e.id == id; });
  return it == estimates_.end() ? nullptr : &*it;
}

void FreeAgentEstimates::write(JsonWriter& w, const FreeAgentEstimate& e, const std::string& api, bool items) const {
  auto text = [&](const char* key, const std::string& value) {
    if (value.empty()) return;  // FreeAgent omits empty fields
    w.Key(key);
    w.String(value);
  };
  w.StartObject();
  text("url", fmt::format("{}/estimates/{}", api, e.id));
  text("contact", fmt::format("{}/contacts/{}", api, e.contact_id));
  text("reference", e.reference);
  text("estimate_type", e.estimate_type);
  text("dated_on", freeagent_date(e.dated_on));
  text("status", e.status);
  text("notes", e.notes);
  text("currency", e.currency);
  text("net_value", freeagent_money(e.net()));
  text("sales_tax_value", freeagent_money(e.tax()));
  w.Key("include_sales_tax_on_total_value");
  w.Bool(true);
  if (e.invoice_id) text("invoice", fmt::format("{}/invoices/{}", api, *e.invoice_id));
  text("updated_at", freeagent_timestamp(e.updated));
  text("created_at", freeagent_timestamp(e.created));
  if (items) {
    w.Key("estimate_items");
    w.StartArray();
    for (std::size_t n = 0; n < e.items.size(); ++n) {
      const auto& i = e.items[n];
      w.StartObject();
      text("url", fmt::format("{}/estimate_items/{}", api, i.id));
      text("position", std::to_string(n + 1));
      text("item_type", i.item_type);
      text("quantity", freeagent_money(i.quantity));
      text("price", freeagent_money(i.price));
      text("description", i.description);
      text("sales_tax_rate", freeagent_money(i.sales_tax_rate));
      text("sales_tax_value", freeagent_money(i.tax()));
      text("updated_at", freeagent_timestamp(i.updated));
      text("created_at", freeagent_timestamp(i.created));
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

Response FreeAgentEstimates::one(int status, const FreeAgentEstimate& e, const std::string& api) const {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("estimate");
  write(w, e, api, true);
  w.EndObject();
  return json_response(status, std::string(buffer.GetString(), buffer.GetSize()));
}

Response FreeAgentEstimates::route(const Request& request, std::string_view path, FreeAgentBooks& books,
                                   const std::string& base_url, const std::string& api, TimePoint now) {
  const std::string& method = request.method;
  std::vector<std::string_view> parts;
  for (std::size_t start = 0; start <= path.size();) {
    auto slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  if (parts[0] == "estimate_items" && parts.size() == 2 && method == "PUT") {
    auto id = freeagent_id(parts[1]);
    if (!id) return error(404, "Resource not found");
    return update_item(request, *id, now);
  }
  if (parts.size() == 1) {
    if (method == "GET") return list(request, base_url, api);
    if (method == "POST") return create(request, books, api, now);
    return error(404, "Resource not found");
  }
  auto id = freeagent_id(parts[1]);
  FreeAgentEstimate* estimate = id ? find(*id) : nullptr;
  if (estimate == nullptr) return error(404, "Resource not found");
  if (parts.size() == 2) {
    if (method == "GET") return one(200, *estimate, api);
    if (method == "PUT") return update(request, *estimate, books, now);
    if (method == "DELETE") {
      std::erase_if(estimates_, [&](const auto& e) { return e.id == *id; });
      return json_response(200, "");
    }
  }
  if (parts.size() == 4 && parts[2] == "transitions" && method == "PUT")
    return transition(*estimate, parts[3], books, api, now);
  return error(404, "Resource not found");
}

Response FreeAgentEstimates::list(const Request& request, const std::string& base_url, const std::string& api) const {
  std::string view = request.param("view").value_or("all");
  auto since = updated_since(request);
  if (!since) return error(400, "updated_since is not a valid ISO 8601 date and time");
  std::optional<std::int64_t> contact;
  if (auto c = request.param("contact")) {
    contact = freeagent_id(*c);
    if (!contact) return error(404, "Contact not found");
  }
  auto in_view = [&](const FreeAgentEstimate& e) {
    if (view == "all" || view == "recent") return true;
    if (view == "draft") return e.status == "Draft";
    if (view == "non_draft") return e.status != "Draft";
    if (view == "sent") return e.status == "Sent" || e.status == "Open";
    if (view == "approved") return e.status == "Approved";
    if (view == "rejected") return e.status == "Rejected";
    return e.status == "Invoiced";
  };
  if (view != "all" && view != "recent" && view != "draft" && view != "non_draft" && view != "sent" &&
      view != "approved" && view != "rejected" && view != "invoiced")
    return error(400, fmt::format("Invalid view: {}", view));
  std::vector<const FreeAgentEstimate*> matches;
  for (const auto& e : estimates_)
    if (in_view(e) && (!contact || e.contact_id == *contact) && (!*since || e.updated >= **since)) matches.push_back(&e);
  // No sort parameter is documented for estimates: they come in creation order.
  std::stable_sort(matches.begin(), matches.end(), [](const auto* a, const auto* b) {
    return a->created != b->created ? a->created < b->created : a->id < b->id;
  });
  bool nested = request.param("nested_estimate_items").value_or("") == "true";
  return paged(request, base_url, "estimates", matches,
               [&](JsonWriter& w, const FreeAgentEstimate& e) { write(w, e, api, nested); });
}

Response FreeAgentEstimates::create(const Request& request, FreeAgentBooks& books, const std::string& api,
                                    TimePoint now) {
  auto doc = parse_json(request.body);
  if (!doc || !doc->IsObject()) return error(400, "The request body is not valid JSON");
  const auto* given = member(*doc, "estimate");
  if (given == nullptr || !given->IsObject()) return error(400, "param is missing or the value is empty: estimate");
  FreeAgentEstimate e;
  std::vector<std::string> problems;
  auto contact = freeagent_id(string_member(*given, "contact").value_or(""));
  if (!contact || books.contact(*contact) == nullptr) problems.emplace_back("Contact can't be blank");
  auto dated = parse_time(string_member(*given, "dated_on").value_or(""));
  if (!dated) problems.emplace_back("Dated on can't be blank");
  e.status = string_member(*given, "status").value_or("Draft");
  if (e.status != "Draft") problems.emplace_back("Status must be Draft for a new estimate");
  e.estimate_type = string_member(*given, "estimate_type").value_or("Estimate");
  if (!one_of(kTypes, e.estimate_type)) problems.emplace_back("Estimate type is not included in the list");
  e.currency = string_member(*given, "currency").value_or(books.company.currency);
  e.notes = string_member(*given, "notes").value_or("");
  if (const auto* items = member(*given, "estimate_items"); items && items->IsArray()) {
    for (const auto& given_item : items->GetArray()) {
      FreeAgentEstimateItem item;
      read_item(given_item, item, problems);
      if (item.description.empty()) problems.emplace_back("Estimate items description can't be blank");
      item.id = next_item_id_++;
      item.created = item.updated = now;
      e.items.push_back(std::move(item));
    }
  }
  if (!problems.empty()) return invalid(problems);
  e.id = next_id_++;
  e.contact_id = *contact;
  e.reference = string_member(*given, "reference").value_or("");
  if (e.reference.empty()) e.reference = fmt::format("{:03d}", next_reference_++);
  e.dated_on = floor_day(*dated);
  e.created = e.updated = now;
  estimates_.push_back(std::move(e));
  Response response = one(201, estimates_.back(), api);
  response.set_header("Location", fmt::format("{}/estimates/{}", api, estimates_.back().id));
  return response;
}

Response FreeAgentEstimates::update(const Request& request, FreeAgentEstimate& estimate, FreeAgentBooks& books,
                                    TimePoint now) {
  auto doc = parse_json(request.body);
  if (!doc || !doc->IsObject()) return error(400, "The request body is not valid JSON");
  const auto* given = member(*doc, "estimate");
  if (given == nullptr || !given->IsObject()) return error(400, "param is missing or the value is empty: estimate");
  FreeAgentEstimate next = estimate;
  std::vector<std::string> problems;
  if (auto status = string_member(*given, "status"); status && *status != estimate.status)
    problems.emplace_back("Status can only be changed with a transition");
  if (auto c = string_member(*given, "contact")) {
    auto contact = freeagent_id(*c);
    if (!contact || books.contact(*contact) == nullptr) problems.emplace_back("Contact can't be blank");
    else next.contact_id = *contact;
  }
  if (auto dated = string_member(*given, "dated_on")) {
    auto t = parse_time(*dated);
    if (!t) problems.emplace_back("Dated on is not a date");
    else next.dated_on = floor_day(*t);
  }
  if (auto reference = string_member(*given, "reference")) {
    if (reference->empty()) problems.emplace_back("Reference can't be blank");
    next.reference = *reference;
  }
  if (auto type = string_member(*given, "estimate_type")) {
    if (!one_of(kTypes, *type)) problems.emplace_back("Estimate type is not included in the list");
    next.estimate_type = *type;
  }
  if (auto currency = string_member(*given, "currency")) next.currency = *currency;
  if (auto notes = string_member(*given, "notes")) next.notes = *notes;
  if (!problems.empty()) return invalid(problems);
  next.updated = later(now, estimate.updated);
  estimate = std::move(next);
  return json_response(200, "");  // FreeAgent documents no body for an update
}

Response FreeAgentEstimates::update_item(const Request& request, std::int64_t item_id, TimePoint now) {
  for (auto& e : estimates_) {
    for (auto& item : e.items) {
      if (item.id != item_id) continue;
      auto doc = parse_json(request.body);
      if (!doc || !doc->IsObject()) return error(400, "The request body is not valid JSON");
      const auto* given = member(*doc, "estimate_item");
      if (given == nullptr || !given->IsObject())
        return error(400, "param is missing or the value is empty: estimate_item");
      FreeAgentEstimateItem next = item;
      std::vector<std::string> problems;
      read_item(*given, next, problems);
      if (!problems.empty()) return invalid(problems);
      next.updated = later(now, item.updated);
      item = std::move(next);
      e.updated = later(now, e.updated);
      return json_response(200, "");
    }
  }
  return error(404, "Resource not found");
}

Response FreeAgentEstimates::transition(FreeAgentEstimate& e, std::string_view name, FreeAgentBooks& books,
                                        const std::string& api, TimePoint now) {
  if (name == "mark_as_sent") e.status = "Sent";
  else if (name == "mark_as_draft") e.status = "Draft";
  else if (name == "mark_as_approved") e.status = "Approved";
  else if (name == "mark_as_rejected") e.status = "Rejected";
  else if (name == "convert_to_invoice") {
    if (e.status == "Invoiced") return invalid({"Estimate has already been invoiced"});
    FreeAgentInvoice inv;
    inv.id = books.next_invoice_id++;
    inv.contact_id = e.contact_id;
    inv.reference = fmt::format("{:03d}", books.next_reference++);
    inv.currency = e.currency;
    inv.fixed_status = "Draft";
    inv.dated_on = floor_day(now);
    inv.due_on = inv.dated_on + std::chrono::hours(24 * inv.payment_terms_in_days);
    inv.net = e.net();
    inv.sales_tax = e.tax();
    inv.created = inv.updated = now;
    books.invoices.push_back(inv);
    e.invoice_id = inv.id;
    e.status = "Invoiced";
    e.updated = later(now, e.updated);
    return one(200, e, api);  // the estimate, now Invoiced, with its invoice's url
  } else {
    return error(404, "Resource not found");
  }
  e.updated = later(now, e.updated);
  return json_response(200, "");
}

}  // namespace capsync::sandbox
