#include "test/sandbox/sage_quotes.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "test/sandbox/sage_books.hpp"
#include "test/sandbox/sage_query.hpp"
#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox {
namespace {

using rapidjson::Value;

constexpr std::array<std::string_view, 6> kStatuses{"DRAFT", "PENDING", "ACCEPTED", "DECLINED", "INVOICED", "EXPIRED"};

struct TaxRate {
  std::string_view id;
  Money percent;
};
constexpr std::array<TaxRate, 5> kTaxRates{{{"GB_STANDARD", 20 * kMoneyScale},
                                            {"GB_LOWER", 5 * kMoneyScale},
                                            {"GB_ZERO", 0},
                                            {"GB_EXEMPT", 0},
                                            {"GB_NO_TAX", 0}}};

const TaxRate* tax_rate(std::string_view id) {
  for (const auto& r : kTaxRates)
    if (r.id == id) return &r;
  return nullptr;
}

std::string status_name(std::string_view id) {
  std::string out(id);
  std::transform(out.begin() + 1, out.end(), out.begin() + 1, [](unsigned char c) { return std::tolower(c); });
  return out;
}

const char* resource_of(bool estimate) { return estimate ? "sales_estimates" : "sales_quotes"; }
const char* wrapper_of(bool estimate) { return estimate ? "sales_estimate" : "sales_quote"; }
const char* lines_of(bool estimate) { return estimate ? "estimate_lines" : "quote_lines"; }

// Request bodies read with numbers as text: money keeps its digits.
std::optional<rapidjson::Document> parse_exact(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseNumbersAsStringsFlag>(body.data(), body.size());
  if (doc.HasParseError()) return std::nullopt;
  return doc;
}

std::optional<Money> money_text(const Value& object, std::string_view key) {
  auto text = string_member(object, key);
  return text ? parse_money(*text) : std::nullopt;
}

// Reads `given` over `quote` (POST: `creating`); the first problem is the answer.
std::optional<Response> read_quote(const SageBooks& books, const Value& given, SageQuote& quote, bool creating) {
  auto invalid = [](std::string message, std::string source) {
    return sage_error(422, "RecordInvalid", message, source);
  };
  const char* lines_key = lines_of(quote.estimate);
  if (creating) {
    for (const char* key : {"contact_id", "date", "expiry_date"})
      if (!string_member(given, key)) return invalid("can't be blank", key);
    if (member(given, lines_key) == nullptr) return invalid("can't be blank", lines_key);
  }
  if (auto contact = string_member(given, "contact_id")) {
    const SageContact* c = books.any_contact(*contact);
    if (c == nullptr || c->deleted) return invalid("Contact not found", "contact_id");
    quote.contact_id = *contact;
  }
  for (auto [key, target] : {std::pair{"date", &quote.date}, std::pair{"expiry_date", &quote.expiry_date}}) {
    auto text = string_member(given, key);
    if (!text) continue;
    auto t = parse_time(*text);
    if (!t) return invalid("is not a date", key);
    *target = floor_day(*t);
  }
  if (quote.expiry_date < quote.date) return invalid("must be on or after the date", "expiry_date");
  if (auto reference = string_member(given, "reference")) quote.reference = *reference;
  if (auto notes = string_member(given, "notes")) quote.notes = *notes;
  if (auto currency = string_member(given, "currency_id")) quote.currency = *currency;
  if (auto sent = bool_member(given, "sent")) quote.sent = *sent;
  if (auto status = string_member(given, "status_id")) {
    if (std::find(kStatuses.begin(), kStatuses.end(), *status) == kStatuses.end())
      return invalid("is not a valid status", "status_id");
    quote.status = *status;
  }
  if (const auto* lines = member(given, lines_key)) {
    if (!lines->IsArray() || lines->Empty()) return invalid("must have at least one line", lines_key);
    std::vector<SageQuoteLine> read;
    for (const auto& l : lines->GetArray()) {
      SageQuoteLine line;
      std::string source = fmt::format("{}.", lines_key);
      line.description = string_member(l, "description").value_or("");
      if (line.description.empty()) return invalid("can't be blank", source + "description");
      line.ledger_account_id = string_member(l, "ledger_account_id").value_or("");
      bool known = std::any_of(books.ledger_accounts.begin(), books.ledger_accounts.end(),
                               [&](const auto& a) { return a.id == line.ledger_account_id; });
      if (!known) return invalid("Ledger account not found", source + "ledger_account_id");
      auto quantity = money_text(l, "quantity");
      auto price = money_text(l, "unit_price");
      if (!quantity) return invalid("is not a number", source + "quantity");
      if (!price) return invalid("is not a number", source + "unit_price");
      line.quantity = *quantity;
      line.unit_price = *price;
      line.tax_rate_id = string_member(l, "tax_rate_id").value_or("");
      if (!line.tax_rate_id.empty() && tax_rate(line.tax_rate_id) == nullptr)
        return invalid("Tax rate not found", source + "tax_rate_id");
      read.push_back(std::move(line));
    }
    quote.lines = std::move(read);
  }
  return std::nullopt;
}

void write_quote(JsonWriter& w, const SageBooks& books, const SageQuote& q, const SageAttributes& shown, TimePoint now) {
  const char* resource = resource_of(q.estimate);
  w.StartObject();
  w.Key("id");
  w.String(q.id);
  w.Key("displayed_as");
  w.String(q.number);
  w.Key("$path");
  w.String(fmt::format("/{}/{}", resource, q.id));
  auto show = [&](const char* key) {
    if (!shown.shows(key)) return false;
    w.Key(key);
    return true;
  };
  if (show("created_at")) w.String(iso_seconds(q.created));
  if (show("updated_at")) w.String(iso_seconds(q.updated));
  if (show("editable")) w.Bool(q.editable());
  const SageContact* contact = books.any_contact(q.contact_id);
  std::string contact_name = contact ? contact->name() : std::string();
  if (shown.shows("contact")) sage_write_ref(w, "contact", q.contact_id, contact_name, "/contacts/" + q.contact_id);
  if (show("contact_name")) w.String(contact_name);
  std::string prefix = q.estimate ? "estimate" : "quote";
  if (show((prefix + "_number_prefix").c_str())) w.String(q.estimate ? "SE-" : "SQ-");
  if (show((prefix + "_number").c_str())) w.String(q.number);
  if (show("date")) w.String(sage_date(q.date));
  if (show("expiry_date")) w.String(sage_date(q.expiry_date));
  if (show("reference")) w.String(q.reference);
  if (show("notes")) w.String(q.notes);
  std::string status = q.status_at(now);
  if (shown.shows("status")) sage_write_ref(w, "status", status, status_name(status), "/artefact_statuses/" + status);
  if (show("sent")) w.Bool(q.sent);
  if (shown.shows("currency")) sage_write_ref(w, "currency", q.currency, q.currency, "/currencies/" + q.currency);
  if (shown.shows("net_amount")) sage_write_money(w, "net_amount", q.net());
  if (shown.shows("tax_amount")) sage_write_money(w, "tax_amount", q.tax());
  if (shown.shows("total_amount")) sage_write_money(w, "total_amount", q.net() + q.tax());
  if (q.invoice_id && shown.shows("invoice"))
    sage_write_ref(w, "invoice", *q.invoice_id, *q.invoice_id, "/sales_invoices/" + *q.invoice_id);
  if (show(lines_of(q.estimate))) {
    w.StartArray();
    for (const auto& l : q.lines) {
      w.StartObject();
      w.Key("description");
      w.String(l.description);
      sage_write_ref(w, "ledger_account", l.ledger_account_id, l.ledger_account_id,
                     "/ledger_accounts/" + l.ledger_account_id);
      sage_write_money(w, "quantity", l.quantity);
      sage_write_money(w, "unit_price", l.unit_price);
      sage_write_money(w, "net_amount", l.net());
      if (!l.tax_rate_id.empty()) sage_write_ref(w, "tax_rate", l.tax_rate_id, l.tax_rate_id, "/tax_rates/" + l.tax_rate_id);
      sage_write_money(w, "tax_amount", l.tax());
      sage_write_money(w, "total_amount", l.net() + l.tax());
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

std::string quote_json(const SageBooks& books, const SageQuote& q, TimePoint now) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  write_quote(w, books, q, SageAttributes{.all = true, .names = {}}, now);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

Money SageQuoteLine::tax() const {
  const TaxRate* rate = tax_rate(tax_rate_id);
  return rate ? net() * rate->percent / (100 * kMoneyScale) : 0;
}

Money SageQuote::net() const {
  Money sum = 0;
  for (const auto& l : lines) sum += l.net();
  return sum;
}

Money SageQuote::tax() const {
  Money sum = 0;
  for (const auto& l : lines) sum += l.tax();
  return sum;
}

std::string SageQuote::status_at(TimePoint now) const {
  if (status == "PENDING" && expiry_date < floor_day(now)) return "EXPIRED";
  return status;
}

void sage_load_quotes(SageBooks& books, const Value& section, const Value& exact, TimePoint now) {
  books.quotes.clear();
  books.ledger_accounts.clear();
  if (const auto* list = member(section, "ledger_accounts"); list && list->IsArray()) {
    for (const auto& a : list->GetArray())
      books.ledger_accounts.push_back({string_member(a, "id").value_or(books.new_id()),
                                       string_member(a, "nominal_code").value_or(""),
                                       string_member(a, "name").value_or("Sales"),
                                       bool_member(a, "visible_in_sales").value_or(true)});
  } else {
    for (auto [code, name] : {std::pair{"4000", "Sales Type A"}, std::pair{"4010", "Sales Type B"},
                              std::pair{"4900", "Other Income"}})
      books.ledger_accounts.push_back({books.new_id(), code, name, true});
  }
  for (bool estimate : {false, true}) {
    const auto* list = member(exact, resource_of(estimate));
    if (list == nullptr || !list->IsArray()) continue;
    for (const auto& e : list->GetArray()) {
      SageQuote q;
      q.estimate = estimate;
      q.id = string_member(e, "id").value_or(books.new_id());
      q.contact_id = string_member(e, "contact_id").value_or("");
      q.number = string_member(e, estimate ? "estimate_number" : "quote_number")
                     .value_or(fmt::format("{}{}", estimate ? "SE-" : "SQ-", ++books.next_quote_number));
      q.reference = string_member(e, "reference").value_or("");
      q.notes = string_member(e, "notes").value_or("");
      q.status = string_member(e, "status_id").value_or("PENDING");
      q.sent = bool_member(e, "sent").value_or(q.status != "DRAFT");
      q.currency = string_member(e, "currency_id").value_or("GBP");
      q.date = floor_day(parse_time(string_member(e, "date").value_or("")).value_or(now));
      if (auto offset = string_member(e, "date_offset_days"))
        q.date = floor_day(now) + std::chrono::hours(24 * std::stoll(*offset));
      q.expiry_date = floor_day(parse_time(string_member(e, "expiry_date").value_or(""))
                                    .value_or(q.date + std::chrono::hours(24 * 30)));
      if (auto offset = string_member(e, "expiry_date_offset_days"))
        q.expiry_date = floor_day(now) + std::chrono::hours(24 * std::stoll(*offset));
      SageQuoteLine line;
      line.description = string_member(e, "description").value_or("Services");
      line.ledger_account_id = books.ledger_accounts.front().id;
      line.unit_price = money_text(e, "net_amount").value_or(0);
      line.tax_rate_id = string_member(e, "tax_rate_id").value_or("");
      q.lines.push_back(std::move(line));
      q.created = parse_time(string_member(e, "created_at").value_or("")).value_or(now);
      q.updated = parse_time(string_member(e, "updated_at").value_or("")).value_or(q.created);
      books.quotes.push_back(std::move(q));
    }
  }
}

void sage_dump_quotes(JsonWriter& w, const SageBooks& books, TimePoint now) {
  SageAttributes all{.all = true, .names = {}};
  for (bool estimate : {false, true}) {
    w.Key(resource_of(estimate));
    w.StartArray();
    for (const auto& q : books.quotes)
      if (q.estimate == estimate) write_quote(w, books, q, all, now);
    w.EndArray();
  }
}

Response sage_quotes(SageBooks& books, const Request& request, bool estimate, const std::optional<std::string>& id,
                     TimePoint now, std::chrono::milliseconds idempotency_window) {
  const std::string& method = request.method;
  auto found = std::find_if(books.quotes.begin(), books.quotes.end(),
                            [&](const SageQuote& q) { return id && q.id == *id && q.estimate == estimate; });
  if (id && found == books.quotes.end()) return sage_error(404, "RecordNotFound", "Resource not found");
  if (method == "GET" && id) return json_response(200, quote_json(books, *found, now));
  if (method == "DELETE" && id) {
    books.quotes.erase(found);
    return json_response(204, "");
  }
  if (method == "GET") {
    SagePaging paging;
    if (auto bad = sage_paging(request, paging)) return std::move(*bad);
    std::optional<TimePoint> since;
    if (auto bad = sage_time_param(request, "updated_or_created_since", since)) return std::move(*bad);
    auto contact = request.param("contact_id");
    auto status = request.param("status_id");
    auto search = request.param("search");
    std::vector<const SageQuote*> matches;
    for (const auto& q : books.quotes) {
      if (q.estimate != estimate || (since && q.updated < *since) || (contact && q.contact_id != *contact)) continue;
      if (status && q.status_at(now) != *status) continue;
      if (search) {
        const SageContact* c = books.any_contact(q.contact_id);
        bool hit = q.reference.find(*search) != std::string::npos ||
                   (c && c->name().find(*search) != std::string::npos);
        if (!hit) continue;
      }
      matches.push_back(&q);
    }
    auto shown = SageAttributes::parse(request.param("attributes").value_or(""));
    return sage_list(request, resource_of(estimate), matches.size(), paging,
                     [&](JsonWriter& w, std::size_t i) { write_quote(w, books, *matches[i], shown, now); });
  }
  if (method != "POST" && method != "PUT") return sage_error(404, "RecordNotFound", "Resource not found");
  if ((method == "POST") == id.has_value()) return sage_error(404, "RecordNotFound", "Resource not found");
  auto doc = parse_exact(request.body);
  if (!doc || !doc->IsObject()) return sage_error(400, "InvalidJSON", "The request body is not valid JSON");
  const Value* given = member(*doc, wrapper_of(estimate));
  if (given == nullptr || !given->IsObject())
    return sage_error(422, "RecordInvalid", fmt::format("param is missing or the value is empty: {}", wrapper_of(estimate)),
                      wrapper_of(estimate));
  auto idempotency_id = string_member(*given, "idempotency_id");
  if (idempotency_id && !id) {
    auto cached = books.idempotency.find(*idempotency_id);
    if (cached != books.idempotency.end() && cached->second.expires_at > now)
      return json_response(cached->second.status, cached->second.body);
  }
  if (id && !found->editable())
    return sage_error(422, "RecordInvalid", fmt::format("This {} cannot be edited", estimate ? "estimate" : "quote"),
                      "base");
  SageQuote next = id ? *found : SageQuote{};
  next.estimate = estimate;
  if (!id) next.status = "PENDING";  // saved, not a draft, unless status_id says DRAFT
  if (auto bad = read_quote(books, *given, next, !id)) return std::move(*bad);
  next.updated = std::max(now, next.updated + std::chrono::milliseconds(1));
  if (id) {
    *found = std::move(next);
    return json_response(200, quote_json(books, *found, now));
  }
  next.id = books.new_id();
  next.number = fmt::format("{}{}", estimate ? "SE-" : "SQ-", ++books.next_quote_number);
  next.created = next.updated = now;
  books.quotes.push_back(std::move(next));
  Response response = json_response(201, quote_json(books, books.quotes.back(), now));
  if (idempotency_id)
    books.idempotency[*idempotency_id] = SageIdempotent{response.status, response.body, now + idempotency_window};
  return response;
}

Response sage_ledger_accounts(const SageBooks& books, const Request& request) {
  SagePaging paging;
  if (auto bad = sage_paging(request, paging)) return std::move(*bad);
  auto visible = request.param("visible_in");
  auto search = request.param("search");
  std::vector<const SageLedgerAccount*> matches;
  for (const auto& a : books.ledger_accounts) {
    if (visible && (*visible != "sales" || !a.sales)) continue;
    if (search && a.nominal_code.find(*search) == std::string::npos && a.name.find(*search) == std::string::npos)
      continue;
    matches.push_back(&a);
  }
  auto shown = SageAttributes::parse(request.param("attributes").value_or(""));
  return sage_list(request, "ledger_accounts", matches.size(), paging, [&](JsonWriter& w, std::size_t i) {
    const auto& a = *matches[i];
    w.StartObject();
    w.Key("id");
    w.String(a.id);
    w.Key("displayed_as");
    w.String(fmt::format("{} ({})", a.name, a.nominal_code));
    w.Key("$path");
    w.String("/ledger_accounts/" + a.id);
    if (shown.shows("nominal_code")) {
      w.Key("nominal_code");
      w.String(a.nominal_code);
    }
    if (shown.shows("name")) {
      w.Key("name");
      w.String(a.name);
    }
    if (shown.shows("visible_in_sales")) {
      w.Key("visible_in_sales");
      w.Bool(a.sales);
    }
    w.EndObject();
  });
}

}  // namespace capsync::sandbox
