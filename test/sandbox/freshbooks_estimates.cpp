#include "test/sandbox/freshbooks_estimates.hpp"

#include "test/sandbox/freshbooks_responses.hpp"

namespace capsync::sandbox {
namespace {

using rapidjson::Value;

// ui_status for each status code (https://www.freshbooks.com/api/estimates, "UI Statuses").
constexpr const char* kUiStatus[] = {"", "draft", "sent", "viewed", "replied", "accepted", "invoiced"};

FreshBooksEstimate* find(FreshBooksBooks& books, std::int64_t id) {
  for (auto& e : books.estimates)
    if (e.id == id) return &e;
  return nullptr;
}

// lines: [{name, description, qty, unit_cost:{amount}}]; problems go to `problem`.
std::optional<std::vector<FreshBooksEstimateLine>> lines_of(const Value& list, std::string& problem) {
  std::vector<FreshBooksEstimateLine> out;
  for (const auto& l : list.GetArray()) {
    FreshBooksEstimateLine line;
    line.name = string_member(l, "name").value_or("");
    line.description = string_member(l, "description").value_or("");
    auto qty = member(l, "qty") ? decimal_member(l, "qty") : std::optional<Money>(kMoneyScale);
    const auto* unit = member(l, "unit_cost");
    auto cost = unit ? decimal_member(*unit, "amount") : std::nullopt;
    if (!qty || !cost) {
      problem = "Each line needs a qty and a unit_cost amount";
      return std::nullopt;
    }
    line.qty = *qty;
    line.unit_cost = *cost;
    out.push_back(std::move(line));
  }
  return out;
}

Response one(const FreshBooksBooks& books, const FreshBooksEstimate& e, bool with_lines) {
  return result(200, [&](JsonWriter& w) {
    w.Key("estimate");
    freshbooks_write_estimate(w, books, e, with_lines);
  });
}

bool with_lines(const Request& request) { return request.param("include[]") == "lines"; }

Response list(FreshBooksBooks& books, const Request& request) {
  ListFilter filter;
  if (auto bad = read_filter(request, filter)) return std::move(*bad);
  std::optional<std::int64_t> customer;
  if (auto text = request.param("search[customerid]")) customer = to_int(*text).value_or(-1);
  auto number = request.param("search[estimate_number]");
  auto notes = request.param("search[notes_like]");
  std::vector<const FreshBooksEstimate*> matches;
  for (const auto& e : books.estimates)
    if (filter.matches(e.vis_state, e.updated) && (!customer || e.customer_id == *customer) &&
        (!number || e.estimate_number == *number) &&
        (!notes || lower(e.notes).find(lower(*notes)) != std::string::npos))
      matches.push_back(&e);
  std::stable_sort(matches.begin(), matches.end(), [](const auto* a, const auto* b) { return a->id < b->id; });
  bool lines = with_lines(request);
  return paged(request, "estimates", matches,
               [&](JsonWriter& w, const FreshBooksEstimate& e) { freshbooks_write_estimate(w, books, e, lines); });
}

Response write(FreshBooksBooks& books, const Request& request, FreshBooksEstimate* existing, TimePoint now) {
  auto doc = parse_json(request.body);
  const auto* given = doc && doc->IsObject() ? member(*doc, "estimate") : nullptr;
  if (given == nullptr || !given->IsObject())
    return error(400, 2, "The request body must hold an estimate object.", "estimate");
  if (existing) {
    // A vis_state activates its own phase: the other fields are dropped (as for clients).
    if (const auto* vis = member(*given, "vis_state")) {
      if (!vis->IsInt() || vis->GetInt() < 0 || vis->GetInt() > 2)
        return error(422, 2, "vis_state must be 0, 1 or 2", "vis_state", "estimate");
      if (static_cast<VisState>(vis->GetInt()) != existing->vis_state) {
        existing->vis_state = static_cast<VisState>(vis->GetInt());
        existing->updated = touched(now, existing->updated);
      }
      return one(books, *existing, false);
    }
  }
  FreshBooksEstimate next = existing ? *existing : FreshBooksEstimate{};
  if (!existing) {
    next.currency = books.business().currency;
    next.create_date = eastern_date(now);
  }
  if (auto customer = int_member(*given, "customerid")) {
    const FreshBooksClient* client = books.client(*customer);
    if (client == nullptr || client->vis_state == VisState::deleted)
      return error(422, 1012, "Client not found.", "customerid", "estimate", std::to_string(*customer));
    next.customer_id = *customer;
  } else if (!existing) {
    return error(422, 1012, "Client not found.", "customerid", "estimate");
  }
  if (auto date = string_member(*given, "create_date")) {
    if (!is_date(*date)) return error(422, 2, "create_date must be a date", "create_date", "estimate");
    next.create_date = *date;
  }
  for (auto [key, target] : {std::pair{"currency_code", &next.currency}, std::pair{"po_number", &next.po_number},
                             std::pair{"notes", &next.notes}, std::pair{"terms", &next.terms},
                             std::pair{"estimate_number", &next.estimate_number}}) {
    if (const auto* v = member(*given, key)) *target = v->IsString() ? v->GetString() : "";
  }
  if (const auto* lines = member(*given, "lines"); lines && lines->IsArray()) {
    std::string problem;
    auto parsed = lines_of(*lines, problem);
    if (!parsed) return error(422, 2, problem, "lines", "estimate");
    next.lines = std::move(*parsed);
  }
  if (auto status = int_member(*given, "status")) {
    if (*status < 1 || *status > 6) return error(422, 2, "status must be between 1 and 6", "status", "estimate");
    next.status = static_cast<int>(*status);
  }
  if (bool_member(*given, "action_mark_as_sent").value_or(false) && next.status == 1) next.status = 2;
  if (existing) {
    bool changed = next.customer_id != existing->customer_id || next.create_date != existing->create_date ||
                   next.currency != existing->currency || next.po_number != existing->po_number ||
                   next.notes != existing->notes || next.terms != existing->terms ||
                   next.estimate_number != existing->estimate_number || next.status != existing->status ||
                   next.amount() != existing->amount() || next.lines.size() != existing->lines.size();
    if (changed) next.updated = touched(now, existing->updated);
    *existing = std::move(next);
    return one(books, *existing, false);
  }
  next.id = books.next_estimate_id++;
  if (next.estimate_number.empty()) next.estimate_number = fmt::format("{:07d}", books.next_estimate_number++);
  next.created = next.updated = floor_seconds(now);
  books.estimates.push_back(std::move(next));
  return one(books, books.estimates.back(), false);
}

}  // namespace

Money FreshBooksEstimate::amount() const {
  Money total = 0;
  for (const auto& l : lines) total += l.qty * l.unit_cost / kMoneyScale;
  return total;
}

Response freshbooks_estimates(FreshBooksBooks& books, const Request& request, std::optional<std::int64_t> id,
                              TimePoint now) {
  const std::string& method = request.method;
  if (!id && method == "GET") return list(books, request);
  if (!id && method == "POST") return write(books, request, nullptr, now);
  FreshBooksEstimate* estimate = id ? find(books, *id) : nullptr;
  if (estimate == nullptr)
    return error(404, 1012, "Estimate not found.", "estimateid", "estimate", id ? std::to_string(*id) : "");
  if (method == "GET") return one(books, *estimate, with_lines(request));
  if (method == "PUT") return write(books, request, estimate, now);
  if (method == "DELETE") {
    estimate->vis_state = VisState::deleted;
    estimate->updated = touched(now, estimate->updated);
    return one(books, *estimate, false);
  }
  return error(404, 404, "Not found.");
}

void freshbooks_load_estimates(FreshBooksBooks& books, const Value* estimates, const Value* exact, TimePoint now) {
  if (estimates == nullptr || !estimates->IsArray()) return;
  for (rapidjson::SizeType i = 0; i < estimates->Size(); ++i) {
    const Value& v = (*estimates)[i];
    const Value& x = exact && exact->IsArray() && i < exact->Size() ? (*exact)[i] : v;  // money as text
    FreshBooksEstimate e;
    e.id = int_member(v, "id").value_or(books.next_estimate_id);
    books.next_estimate_id = std::max(books.next_estimate_id, e.id + 1);
    e.customer_id = int_member(v, "customerid").value_or(0);
    e.estimate_number = string_member(v, "estimate_number").value_or(fmt::format("{:07d}", books.next_estimate_number++));
    e.currency = string_member(v, "currency_code").value_or(books.business().currency);
    e.po_number = string_member(v, "po_number").value_or("");
    e.notes = string_member(v, "notes").value_or("");
    e.terms = string_member(v, "terms").value_or("");
    e.status = static_cast<int>(std::clamp<std::int64_t>(int_member(v, "status").value_or(1), 1, 6));
    e.create_date = string_member(v, "create_date").value_or("");
    if (auto offset = int_member(v, "create_date_offset_days"))
      e.create_date = eastern_date(now + std::chrono::hours(24 * *offset));
    if (e.create_date.empty()) e.create_date = eastern_date(now);
    std::string problem;
    if (const auto* lines = member(x, "lines"); lines && lines->IsArray())
      e.lines = lines_of(*lines, problem).value_or(std::vector<FreshBooksEstimateLine>{});
    if (auto amount = decimal_member(x, "amount")) e.lines.push_back({"Services", "", kMoneyScale, *amount});
    e.vis_state = static_cast<VisState>(std::clamp<std::int64_t>(int_member(v, "vis_state").value_or(0), 0, 2));
    auto updated = string_member(v, "updated");
    e.updated = floor_seconds(updated ? parse_eastern(*updated).value_or(now) : now);
    e.created = e.updated;
    books.estimates.push_back(std::move(e));
  }
}

void freshbooks_write_estimate(JsonWriter& w, const FreshBooksBooks& books, const FreshBooksEstimate& e,
                               bool with_lines) {
  const FreshBooksClient* client = nullptr;
  for (const auto& c : books.clients)
    if (c.id == e.customer_id) client = &c;
  auto client_text = [&](const char* key) { return client ? client->text(key) : std::string(); };
  w.StartObject();
  w.Key("id");
  w.Int64(e.id);
  w.Key("estimateid");
  w.Int64(e.id);
  w.Key("accountid");
  w.String(books.business().account_id);
  w.Key("estimate_number");
  w.String(e.estimate_number);
  w.Key("customerid");
  w.Int64(e.customer_id);
  w.Key("create_date");
  w.String(e.create_date);
  w.Key("currency_code");
  w.String(e.currency);
  write_money(w, "amount", e.amount(), e.currency);
  write_money(w, "discount_total", 0, e.currency);
  w.Key("description");
  w.String(e.lines.empty() ? "" : e.lines.front().description);
  for (const char* key : {"fname", "lname", "organization"}) {
    w.Key(key);
    w.String(client_text(key));
  }
  w.Key("current_organization");
  w.String(client_text("organization"));
  w.Key("po_number");
  w.String(e.po_number);
  w.Key("notes");
  w.String(e.notes);
  w.Key("terms");
  w.String(e.terms);
  w.Key("status");
  w.Int(e.status);
  w.Key("ui_status");
  w.String(kUiStatus[e.status]);
  w.Key("display_status");
  w.String(kUiStatus[e.status]);
  w.Key("accepted");
  w.Bool(e.status >= 5);
  w.Key("invoiced");
  w.Bool(e.status == 6);
  w.Key("language");
  w.String("en");
  w.Key("vis_state");
  w.Int(static_cast<int>(e.vis_state));
  w.Key("created_at");
  w.String(eastern_time(e.created));
  w.Key("updated");
  w.String(eastern_time(e.updated));
  if (with_lines) {
    w.Key("lines");
    w.StartArray();
    for (const auto& l : e.lines) {
      w.StartObject();
      w.Key("name");
      w.String(l.name);
      w.Key("description");
      w.String(l.description);
      w.Key("qty");
      w.String(format_money(l.qty));
      write_money(w, "unit_cost", l.unit_cost, e.currency);
      write_money(w, "amount", l.qty * l.unit_cost / kMoneyScale, e.currency);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace capsync::sandbox
