#include "test/sandbox/xero_quotes.hpp"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "test/sandbox/time_format.hpp"
#include "test/sandbox/xero_invoice_writes.hpp"
#include "test/sandbox/xero_query.hpp"

namespace capsync::sandbox {
namespace {

using rapidjson::Value;

const std::set<std::string> kStatuses{"DRAFT", "SENT", "DECLINED", "ACCEPTED", "INVOICED", "DELETED"};

// Xero's length limits (xero_accounting.yaml, schema Quote), in characters.
struct TextField {
  const char* key;
  std::string XeroQuote::*member;
  std::size_t max;
};
constexpr TextField kTextFields[] = {{"Reference", &XeroQuote::reference, 4000},
                                     {"Terms", &XeroQuote::terms, 4000},
                                     {"Title", &XeroQuote::title, 100},
                                     {"Summary", &XeroQuote::summary, 3000}};

std::size_t characters(std::string_view utf8) {
  return static_cast<std::size_t>(
      std::count_if(utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Which status changes Xero accepts. Refused as observed against a live organisation
// (XeroAPI/xero-mcp-server#309): DRAFT -> DECLINED and ACCEPTED -> DECLINED. DELETED only from
// DRAFT, and a draft must be sent before it can be accepted. The rest is the sandbox's choice.
bool allowed_transition(const std::string& from, const std::string& to) {
  if (from == to) return true;
  if (from == "DRAFT") return to == "SENT" || to == "DELETED";
  if (from == "SENT") return to == "DRAFT" || to == "ACCEPTED" || to == "DECLINED";
  if (from == "ACCEPTED") return to == "SENT" || to == "INVOICED";
  if (from == "DECLINED") return to == "SENT";
  if (from == "INVOICED") return to == "ACCEPTED";
  return false;  // DELETED is final
}

XeroQuote* find_quote(XeroBooks& books, std::string_view id) {
  std::string wanted = to_lower_ascii(id);
  for (auto& q : books.quotes)
    if (to_lower_ascii(q.id) == wanted) return &q;
  return nullptr;
}

std::string next_number(const XeroBooks& books) {
  int highest = 0;
  for (const auto& q : books.quotes)
    if (q.number.starts_with("QU-")) highest = std::max(highest, std::atoi(q.number.c_str() + 3));
  return fmt::format("QU-{:04d}", highest + 1);
}

void total_up(XeroQuote& q) {
  q.subtotal = q.total_tax = 0;
  for (const auto& line : q.lines) {
    q.subtotal += line.line_amount;
    q.total_tax += line.tax_amount;
  }
  q.total = q.subtotal + q.total_tax;
}

std::string contact_of(XeroBooks& books, const Value& given) {
  const Value* c = member(given, "Contact");
  if (c == nullptr || !c->IsObject()) return {};
  if (auto id = string_member(*c, "ContactID")) {
    const XeroContact* found = books.contact(*id);
    return found ? found->id : std::string();
  }
  if (auto name = string_member(*c, "Name"))
    if (const XeroContact* found = books.active_named(*name, "")) return found->id;
  return {};
}

// Applies the members of `given` to `q`: what a create or an update sends. The text fields
// are replaced whether sent or not (left out = cleared, as Xero does).
void apply(XeroBooks& books, XeroQuote& q, const Value& given, std::vector<std::string>& errors, std::mt19937_64& rng) {
  for (const auto& field : kTextFields) {
    q.*field.member = string_member(given, field.key).value_or("");
    if (characters(q.*field.member) > field.max)
      errors.push_back(fmt::format("{} must not be more than {} characters long.", field.key, field.max));
  }
  if (member(given, "Contact") != nullptr) {
    q.contact_id = contact_of(books, given);
    if (q.contact_id.empty()) errors.push_back("A valid Contact must be specified for the quote.");
  }
  if (auto currency = string_member(given, "CurrencyCode")) q.currency = *currency;
  if (auto types = string_member(given, "LineAmountTypes")) q.line_amount_types = *types;
  if (auto date = xero_date(given, "Date", errors)) q.date = floor_day(*date);
  if (auto expiry = xero_date(given, "ExpiryDate", errors)) q.expiry = floor_day(*expiry);
  if (const Value* lines = member(given, "LineItems"); lines != nullptr && lines->IsArray())
    q.lines = xero_line_items(*lines, errors, rng);
  total_up(q);
  if (q.expiry && *q.expiry < q.date) errors.push_back("Expiry date must be on or after the quote date.");
}

// What of a quote that is no longer a draft a request would change besides its status.
bool changes_content(const XeroQuote& before, const XeroQuote& after) {
  return before.contact_id != after.contact_id || before.currency != after.currency || before.date != after.date ||
         before.expiry != after.expiry || before.title != after.title || before.summary != after.summary ||
         before.reference != after.reference || before.terms != after.terms ||
         before.line_amount_types != after.line_amount_types || before.total != after.total ||
         before.lines.size() != after.lines.size();
}

std::optional<rapidjson::Document> body_of(const Request& request) {
  rapidjson::Document body;
  body.Parse<rapidjson::kParseNumbersAsStringsFlag>(request.body.data(), request.body.size());
  if (body.HasParseError() || !body.IsObject()) return std::nullopt;
  return body;
}

Response not_json() {
  return json_response(400, xero_exception(14, "PostDataInvalidException", "The request body is not valid JSON"));
}

// {"Quotes":[…]} elements, or the body itself as one quote.
std::vector<const Value*> elements_of(const Value& body) {
  std::vector<const Value*> out;
  if (const Value* list = member(body, "Quotes"); list != nullptr && list->IsArray()) {
    for (const auto& e : list->GetArray())
      if (e.IsObject()) out.push_back(&e);
  } else {
    out.push_back(&body);
  }
  return out;
}

Response quotes_answer(const XeroBooks& books, const std::vector<const XeroQuote*>& quotes, TimePoint now,
                       std::mt19937_64& rng, const XeroQuery& query = {}, std::size_t total = 0) {
  return json_response(200, xero_envelope(now, rng, "Quotes", query, query.page ? total : quotes.size(),
                                          [&](JsonWriter& w) {
                                            for (const auto* q : quotes) xero_write_quote(w, books, *q);
                                          }));
}

Response create(XeroBooks& books, const Request& request, TimePoint now, std::mt19937_64& rng) {
  auto body = body_of(request);
  if (!body) return not_json();
  std::vector<XeroQuote> created;
  std::vector<std::string> errors;
  std::string number = next_number(books);
  for (const Value* given : elements_of(*body)) {
    XeroQuote q;
    q.id = make_uuid(rng);
    q.date = floor_day(now);  // Xero: today in the organisation's time zone
    q.status = string_member(*given, "Status").value_or("DRAFT");
    if (q.status != "DRAFT" && q.status != "SENT")
      errors.push_back(fmt::format("Quote Status {} cannot be set when creating a quote.", q.status));
    if (member(*given, "Contact") == nullptr) errors.push_back("A Contact must be specified for this type of transaction");
    apply(books, q, *given, errors, rng);
    q.number = string_member(*given, "QuoteNumber").value_or(number);
    if (q.number == number) number = fmt::format("QU-{:04d}", std::atoi(number.c_str() + 3) + 1);
    for (const auto& other : books.quotes)
      if (other.number == q.number) errors.push_back("Quote number must be unique.");
    q.updated = now;
    created.push_back(std::move(q));
  }
  // summarizeErrors (the default): a batch with any error changes nothing.
  if (!errors.empty()) return xero_validation_response(errors);
  std::vector<std::size_t> at;
  for (auto& q : created) {
    q.seq = books.next_seq++;
    at.push_back(books.quotes.size());
    books.quotes.push_back(std::move(q));
  }
  ++books.version;
  std::vector<const XeroQuote*> out;
  for (auto i : at) out.push_back(&books.quotes[i]);
  return quotes_answer(books, out, now, rng);
}

Response update(XeroBooks& books, const Request& request, const std::string& id, TimePoint now, std::mt19937_64& rng) {
  XeroQuote* stored = find_quote(books, id);
  if (stored == nullptr)
    return json_response(404, xero_problem(404, "Not Found", "The resource you're looking for cannot be found"));
  auto body = body_of(request);
  if (!body) return not_json();
  const Value& given = *elements_of(*body).front();
  XeroQuote q = *stored;
  std::vector<std::string> errors;
  apply(books, q, given, errors, rng);
  q.status = string_member(given, "Status").value_or(stored->status);
  if (!kStatuses.contains(q.status)) errors.push_back(fmt::format("'{}' is not a valid quote status.", q.status));
  else if (!allowed_transition(stored->status, q.status))
    errors.push_back(fmt::format("Quote status cannot be changed from {} to {}.", stored->status, q.status));
  if (stored->status != "DRAFT" && changes_content(*stored, q))
    errors.push_back(fmt::format("This quote cannot be edited because its status is {}.", stored->status));
  if (!errors.empty()) return xero_validation_response(errors);
  q.updated = now;
  *stored = std::move(q);
  ++books.version;
  return quotes_answer(books, {stored}, now, rng);
}

Response list(XeroBooks& books, const Request& request, TimePoint now, std::mt19937_64& rng) {
  XeroQuery query = parse_xero_query(request, "IDs");
  query.page_size = 100;  // GET /Quotes takes no pageSize: "Up to 100 Quotes" a page
  if (!query.error.empty())
    return json_response(400, xero_exception(14, "PostDataInvalidException", query.error));
  // Filters are plain parameters; `where` is ignored on /Quotes (calcinai/xero-php#675, #853).
  auto contact = request.param("ContactID");
  auto status = request.param("Status");
  auto number = request.param("QuoteNumber");
  std::vector<std::string> errors;
  std::optional<TimePoint> bounds[4];
  const char* bound_keys[4] = {"DateFrom", "DateTo", "ExpiryDateFrom", "ExpiryDateTo"};
  for (int i = 0; i < 4; ++i)
    if (auto text = request.param(bound_keys[i])) {
      bounds[i] = parse_time(*text);
      if (!bounds[i]) errors.push_back(fmt::format("{} is not a valid date", bound_keys[i]));
    }
  if (!errors.empty()) return json_response(400, xero_exception(14, "PostDataInvalidException", errors.front()));
  std::vector<const XeroQuote*> matches;
  for (const auto& q : books.quotes) {
    if (query.modified_since && q.updated < *query.modified_since) continue;
    if (contact && to_lower_ascii(*contact) != to_lower_ascii(q.contact_id)) continue;
    if (status && to_lower_ascii(*status) != to_lower_ascii(q.status)) continue;
    if (number && *number != q.number) continue;
    if ((bounds[0] && q.date < *bounds[0]) || (bounds[1] && q.date > *bounds[1])) continue;
    if ((bounds[2] && (!q.expiry || *q.expiry < *bounds[2])) || (bounds[3] && (!q.expiry || *q.expiry > *bounds[3])))
      continue;
    matches.push_back(&q);
  }
  // order: "UpdatedDateUTC [ASC|DESC]" or "Date"; else UpdatedDateUTC, then creation.
  std::string order = request.param("order").value_or("");
  bool by_date = order.starts_with("Date");
  bool descending = order.ends_with("DESC") || order.ends_with("desc");
  std::stable_sort(matches.begin(), matches.end(), [&](const XeroQuote* a, const XeroQuote* b) {
    auto ka = std::pair(by_date ? a->date : a->updated, a->seq);
    auto kb = std::pair(by_date ? b->date : b->updated, b->seq);
    return descending ? kb < ka : ka < kb;
  });
  std::size_t total = matches.size();
  if (query.page) {
    std::size_t first = std::min(total, static_cast<std::size_t>(*query.page - 1) * 100);
    matches = std::vector<const XeroQuote*>(matches.begin() + static_cast<std::ptrdiff_t>(first),
                                            matches.begin() + static_cast<std::ptrdiff_t>(std::min(total, first + 100)));
  }
  return quotes_answer(books, matches, now, rng, query, total);
}

}  // namespace

Response xero_quotes(XeroBooks& books, const Request& request, const std::optional<std::string>& id, TimePoint now,
                     std::mt19937_64& rng) {
  if (request.method == "GET" && !id) return list(books, request, now, rng);
  if (request.method == "GET") {
    const XeroQuote* q = find_quote(books, *id);
    if (q == nullptr)
      return json_response(404, xero_problem(404, "Not Found", "The resource you're looking for cannot be found"));
    return quotes_answer(books, {q}, now, rng);
  }
  if (request.method == "PUT" && !id) return create(books, request, now, rng);
  if (request.method == "POST" && id) return update(books, request, *id, now, rng);
  return json_response(404, xero_problem(404, "Not Found", "The resource you're looking for cannot be found"));
}

void xero_load_quotes(XeroBooks& books, const Value& quotes, TimePoint now, std::mt19937_64& rng) {
  if (!quotes.IsArray()) return;
  for (const auto& given : quotes.GetArray()) {
    XeroQuote q;
    std::vector<std::string> ignored;
    apply(books, q, given, ignored, rng);
    q.id = string_member(given, "QuoteID").value_or(make_uuid(rng));
    q.status = string_member(given, "Status").value_or("DRAFT");
    q.number = string_member(given, "QuoteNumber").value_or(next_number(books));
    q.date = xero_seed_date(given, "Date", "DateString", "DateOffsetDays", now).value_or(floor_day(now));
    q.expiry = xero_seed_date(given, "ExpiryDate", "ExpiryDateString", "ExpiryDateOffsetDays", now);
    q.updated = xero_seed_date(given, "UpdatedDateUTC", "UpdatedDateUTC", "UpdatedOffsetDays", now).value_or(now);
    q.seq = books.next_seq++;
    books.quotes.push_back(std::move(q));
  }
  ++books.version;
}

void xero_write_quote(JsonWriter& writer, const XeroBooks& books, const XeroQuote& q) {
  writer.StartObject();
  writer.Key("QuoteID");
  writer.String(q.id);
  writer.Key("QuoteNumber");
  writer.String(q.number);
  for (const auto& field : kTextFields) {
    writer.Key(field.key);
    writer.String(q.*field.member);
  }
  writer.Key("Contact");
  writer.StartObject();
  writer.Key("ContactID");
  writer.String(q.contact_id);
  auto it = books.contact_index.find(to_lower_ascii(q.contact_id));
  if (it != books.contact_index.end()) {
    writer.Key("Name");
    writer.String(string_member(books.contacts[it->second].json, "Name").value_or(""));
  }
  writer.EndObject();
  writer.Key("LineItems");
  write_line_items(writer, q.lines);
  writer.Key("Date");
  writer.String(ms_date(q.date));
  writer.Key("DateString");
  writer.String(xero_date_string(q.date));
  if (q.expiry) {
    writer.Key("ExpiryDate");
    writer.String(ms_date(*q.expiry));
    writer.Key("ExpiryDateString");
    writer.String(xero_date_string(*q.expiry));
  }
  writer.Key("Status");
  writer.String(q.status);
  writer.Key("CurrencyRate");
  write_decimal(writer, "1.000000");
  writer.Key("CurrencyCode");
  writer.String(q.currency);
  write_key_money(writer, "SubTotal", q.subtotal);
  write_key_money(writer, "TotalTax", q.total_tax);
  write_key_money(writer, "Total", q.total);
  write_key_money(writer, "TotalDiscount", 0);
  writer.Key("UpdatedDateUTC");
  writer.String(ms_date(q.updated));
  writer.Key("LineAmountTypes");
  writer.String(q.line_amount_types);
  writer.EndObject();
}

}  // namespace capsync::sandbox
