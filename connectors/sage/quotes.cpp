#include "connectors/sage/quotes.hpp"

#include <fmt/format.h>

#include "connectors/sage/invoices.hpp"
#include "core/connector/json.hpp"
#include "core/model/date_time.hpp"

namespace capsync::sage {

namespace json = connector::json;
using model::QuoteStatus;

namespace {

constexpr std::string_view kEstimatePrefix = "estimate:";

std::string_view number_key(QuoteKind kind) { return kind == QuoteKind::estimate ? "estimate_number" : "quote_number"; }

Result<std::optional<model::Date>> date_of(const rapidjson::Value& e, std::string_view key) {
  auto text = json::text(e, key);
  if (!text || text->empty()) return std::optional<model::Date>{};
  auto d = model::parse_date(text->substr(0, 10));
  if (!d) return make_error(Errc::protocol, "{} '{}' is not a date", key, *text);
  return std::optional<model::Date>{*d};
}

void write_text(json::Writer& w, std::string_view key, std::string_view value) {
  json::write_key(w, key);
  json::write_string(w, value);
}

}  // namespace

QuoteKey quote_key(std::string_view remote_id) {
  if (remote_id.starts_with(kEstimatePrefix))
    return {QuoteKind::estimate, std::string(remote_id.substr(kEstimatePrefix.size()))};
  return {QuoteKind::quote, std::string(remote_id)};
}

std::string quote_remote_id(QuoteKind kind, std::string_view id) {
  return kind == QuoteKind::estimate ? fmt::format("{}{}", kEstimatePrefix, id) : std::string(id);
}

std::string_view quote_resource(QuoteKind kind) {
  return kind == QuoteKind::estimate ? "sales_estimates" : "sales_quotes";
}

QuoteStatus quote_status(std::string_view id, bool sent) {
  if (id == "DRAFT") return sent ? QuoteStatus::sent : QuoteStatus::draft;
  if (id == "PENDING") return QuoteStatus::sent;
  if (id == "ACCEPTED") return QuoteStatus::accepted;
  if (id == "DECLINED") return QuoteStatus::declined;
  if (id == "INVOICED") return QuoteStatus::invoiced;
  return QuoteStatus::expired;
}

Result<model::Quote> parse_quote(const rapidjson::Value& e, QuoteKind kind) {
  model::Quote q;
  auto id = json::required_text(e, "id");
  if (!id) return id.error();
  q.remote_id = quote_remote_id(kind, *id);
  auto fail = [&](const Error& err) { return err.with_context(fmt::format("quote {}", q.remote_id)); };
  if (const auto* contact = json::object(e, "contact")) q.contact_remote_id = std::string(json::text_or_empty(*contact, "id"));
  if (q.contact_remote_id.empty()) return fail(Error(Errc::protocol, "no contact.id"));
  q.number = std::string(json::text_or_empty(e, number_key(kind)));
  if (q.number.empty()) q.number = std::string(json::text_or_empty(e, "displayed_as"));
  q.reference = std::string(json::text_or_empty(e, "reference"));
  q.summary = std::string(json::text_or_empty(e, "notes"));
  const auto* status = json::object(e, "status");
  if (json::text(e, "deleted_at")) q.status = QuoteStatus::deleted;
  else if (status == nullptr) return fail(Error(Errc::protocol, "no status"));
  else q.status = quote_status(json::text_or_empty(*status, "id"), json::boolean(e, "sent"));
  auto issue = date_of(e, "date");
  if (!issue) return fail(issue.error());
  q.issue_date = *issue;
  auto expiry = date_of(e, "expiry_date");
  if (!expiry) return fail(expiry.error());
  q.expiry_date = *expiry;
  const auto* currency_object = json::object(e, "currency");
  std::string_view code = currency_object ? json::text_or_empty(*currency_object, "id") : std::string_view{};
  auto currency = model::normalize_currency(code);
  if (!currency) return fail(make_error(Errc::protocol, "currency '{}' is not a currency", code));
  q.currency = *currency;
  std::string_view total = json::text(e, "total_amount").value_or("0");
  auto money = model::Money::parse(total, q.currency);
  if (!money) return fail(make_error(Errc::protocol, "total_amount '{}' is not an amount", total));
  q.total = *money;
  for (auto key : {"deleted_at", "updated_at"}) {
    auto stamp = json::text(e, key);
    if (!stamp) continue;
    auto ts = model::parse_timestamp(*stamp);
    if (!ts) return fail(make_error(Errc::protocol, "{} '{}' is not a date-time", key, *stamp));
    q.updated_at = *ts;
    break;
  }
  q.url = std::string(html_link(e));
  return q;
}

connector::Decoded<model::Quote> parse_quotes(const rapidjson::Value& items, QuoteKind kind) {
  connector::Decoded<model::Quote> out;
  json::decode_each(
      items, {"id", {number_key(kind)}}, out.unreadable,
      [&](const rapidjson::Value& item) { return parse_quote(item, kind); },
      [&](model::Quote q) { out.items.push_back(std::move(q)); });
  return out;
}

Result<model::Quote> parse_quote_body(std::string_view body, QuoteKind kind) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  if (!doc->IsObject()) return Error(Errc::protocol, "the answer is not a quote object");
  return parse_quote(*doc, kind);
}

std::string quote_body(const model::QuoteSpec& spec, QuoteKind kind, std::string_view ledger_account_id, bool create,
                       std::string_view idempotency_id) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  json::write_key(w, kind == QuoteKind::estimate ? "sales_estimate" : "sales_quote");
  w.StartObject();
  write_text(w, "contact_id", spec.contact_remote_id);
  write_text(w, "date", model::format_date(spec.issue_date));
  write_text(w, "expiry_date", model::format_date(spec.expiry_date));
  write_text(w, "reference", spec.reference);
  write_text(w, "notes", spec.summary);
  write_text(w, "currency_id", spec.currency);
  if (create) write_text(w, "status_id", "DRAFT");
  if (create && !idempotency_id.empty()) write_text(w, "idempotency_id", idempotency_id);
  json::write_key(w, kind == QuoteKind::estimate ? "estimate_lines" : "quote_lines");
  w.StartArray();
  w.StartObject();
  write_text(w, "description", spec.line_description);
  write_text(w, "ledger_account_id", ledger_account_id);
  json::write_key(w, "quantity");
  json::write_raw_number(w, std::to_string(spec.quantity));
  json::write_key(w, "unit_price");
  json::write_raw_number(w, spec.unit_amount.to_string());
  if (!spec.tax_type.empty()) write_text(w, "tax_rate_id", spec.tax_type);
  w.EndObject();
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace capsync::sage
