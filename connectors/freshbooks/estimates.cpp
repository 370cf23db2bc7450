#include "connectors/freshbooks/estimates.hpp"

#include "connectors/freshbooks/eastern_time.hpp"
#include "core/connector/json.hpp"
#include "core/model/date_time.hpp"

namespace capsync::freshbooks {

namespace json = connector::json;
using model::QuoteStatus;

namespace {

constexpr std::string_view kReferenceBreak = "\n\n";

void write_text(json::Writer& w, std::string_view key, std::string_view value) {
  json::write_key(w, key);
  json::write_string(w, value);
}

}  // namespace

std::optional<QuoteStatus> estimate_status(std::string_view ui, std::int64_t status, std::int64_t vis_state) {
  if (vis_state == 1) return QuoteStatus::deleted;
  if (ui.empty()) {
    constexpr std::string_view kByCode[] = {"", "draft", "sent", "viewed", "replied", "accepted", "invoiced"};
    if (status >= 1 && status <= 6) ui = kByCode[status];
  }
  if (ui == "draft" || ui == "created") return QuoteStatus::draft;
  if (ui == "sent" || ui == "viewed" || ui == "replied") return QuoteStatus::sent;
  if (ui == "accepted") return QuoteStatus::accepted;
  if (ui == "invoiced") return QuoteStatus::invoiced;
  return std::nullopt;
}

Result<model::Quote> parse_estimate(const rapidjson::Value& e, std::string* terms) {
  model::Quote q;
  auto id = json::integer(e, "id");
  if (!id) return id.error();
  if (!*id) return Error(Errc::protocol, "an estimate has no \"id\"");
  q.remote_id = std::to_string(**id);
  auto fail = [&](const Error& err) { return err.with_context(fmt::format("estimate {}", q.remote_id)); };
  auto customer = json::integer(e, "customerid");
  if (!customer) return fail(customer.error());
  if (!*customer) return fail(Error(Errc::protocol, "no \"customerid\""));
  q.contact_remote_id = std::to_string(**customer);
  q.number = std::string(json::text_or_empty(e, "estimate_number"));
  q.reference = std::string(json::text_or_empty(e, "po_number"));
  q.title = std::string(json::text_or_empty(e, "description"));
  std::string notes(json::text_or_empty(e, "notes"));
  if (!q.reference.empty() && notes == q.reference) notes.clear();
  if (std::string tail = std::string(kReferenceBreak) + q.reference; !q.reference.empty() && notes.ends_with(tail))
    notes.resize(notes.size() - tail.size());
  q.summary = std::move(notes);
  if (terms) *terms = std::string(json::text_or_empty(e, "terms"));

  auto status = json::integer(e, "status");
  if (!status) return fail(status.error());
  auto vis = json::integer(e, "vis_state");
  if (!vis) return fail(vis.error());
  std::string_view ui = json::text_or_empty(e, "ui_status");
  auto st = estimate_status(ui, status->value_or(0), vis->value_or(0));
  if (!st) return fail(make_error(Errc::protocol, "unknown ui_status '{}' (status {})", ui, status->value_or(0)));
  q.status = *st;

  std::string_view code = json::text_or_empty(e, "currency_code");
  const auto* amount = json::object(e, "amount");
  if (amount && code.empty()) code = json::text_or_empty(*amount, "code");
  auto currency = model::normalize_currency(code);
  if (!currency) return fail(currency.error());
  q.currency = *currency;
  std::string_view total = amount ? json::text(*amount, "amount").value_or("0") : "0";
  auto money = model::Money::parse(total, q.currency);
  if (!money) return fail(money.error());
  q.total = std::move(*money);
  if (auto date = json::text(e, "create_date"); date && !date->empty()) {
    auto parsed = model::parse_date(*date);
    if (!parsed) return fail(make_error(Errc::protocol, "bad create_date '{}'", *date));
    q.issue_date = *parsed;
  }
  if (auto updated = json::text(e, "updated"); updated && !updated->empty()) {
    auto ts = parse_eastern_time(*updated);
    if (!ts) return fail(ts.error().with_context("bad \"updated\""));
    q.updated_at = *ts;
  }
  return q;
}

Result<model::Quote> parse_single_estimate(std::string_view text, std::string* terms) {
  auto doc = json::parse(text);
  if (!doc) return doc.error();
  auto result = result_of(*doc);
  if (!result) return result.error();
  const auto* estimate = json::object(**result, "estimate");
  if (!estimate) return Error(Errc::protocol, "no \"estimate\" object in the response");
  return parse_estimate(*estimate, terms);
}

Result<EstimatePage> parse_estimate_list(std::string_view text) {
  auto doc = json::parse(text);
  if (!doc) return doc.error();
  auto result = result_of(*doc);
  if (!result) return result.error();
  const auto* list = json::array(**result, "estimates");
  if (!list) return Error(Errc::protocol, "no \"estimates\" array in the response");
  EstimatePage out;
  auto paging = paging_of(**result);
  if (!paging) return paging.error();
  out.paging = *paging;
  json::decode_each(
      *list, {"id", {"estimate_number"}}, out.unreadable, [](const rapidjson::Value& e) { return parse_estimate(e); },
                    [&](model::Quote q) { out.items.push_back(std::move(q)); });
  return out;
}

std::string estimate_body(const model::QuoteSpec& spec, bool create, std::string_view terms) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  json::write_key(w, "estimate");
  w.StartObject();
  json::write_key(w, "customerid");
  json::write_raw_number(w, spec.contact_remote_id);
  if (create) {
    json::write_key(w, "status");
    w.Int(1);
  }
  write_text(w, "create_date", model::format_date(spec.issue_date));
  write_text(w, "currency_code", spec.currency);
  write_text(w, "po_number", spec.reference);
  std::string notes = spec.summary.empty() ? spec.reference
                                           : spec.summary + std::string(kReferenceBreak) + spec.reference;
  write_text(w, "notes", notes);
  write_text(w, "terms", terms);
  json::write_key(w, "lines");
  w.StartArray();
  w.StartObject();
  json::write_key(w, "type");
  w.Int(0);
  write_text(w, "name", spec.line_description);
  write_text(w, "description", spec.title);
  write_text(w, "qty", std::to_string(spec.quantity));
  json::write_key(w, "unit_cost");
  w.StartObject();
  write_text(w, "amount", spec.unit_amount.to_string());
  write_text(w, "code", spec.currency);
  w.EndObject();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string estimate_link(std::string_view account_id, std::string_view estimate_id) {
  return fmt::format("https://my.freshbooks.com/#/estimate/{}-{}", account_id, estimate_id);
}

}  // namespace capsync::freshbooks
