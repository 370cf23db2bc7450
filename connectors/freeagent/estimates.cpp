#include "connectors/freeagent/estimates.hpp"

#include <fmt/format.h>

#include "connectors/freeagent/contacts.hpp"
#include "core/connector/json.hpp"
#include "core/model/date_time.hpp"

namespace capsync::freeagent {

namespace json = connector::json;
using model::QuoteStatus;

namespace {

// A decimal with more than 4 places, rounded half away from zero to Money's 4.
Result<model::Money> money_rounded(std::string_view text, const std::string& currency) {
  auto point = text.find('.');
  if (point == std::string_view::npos || text.size() - point - 1 <= static_cast<std::size_t>(model::Money::kScale))
    return model::Money::parse(text, currency);
  auto kept = model::Money::parse(text.substr(0, point + 1 + model::Money::kScale), currency);
  if (!kept) return kept;
  char next = text[point + 1 + model::Money::kScale];
  if (next < '5' || next > '9') return kept;
  std::int64_t step = text.starts_with('-') ? -1 : 1;
  return model::Money(kept->units() + step, kept->currency());
}

void write_text(json::Writer& w, std::string_view key, std::string_view value) {
  json::write_key(w, key);
  json::write_string(w, value);
}

void write_item_fields(json::Writer& w, const model::QuoteSpec& spec, std::string_view api) {
  write_text(w, "item_type", "Services");
  write_text(w, "description", spec.line_description);
  write_text(w, "quantity", std::to_string(spec.quantity));
  write_text(w, "price", spec.unit_amount.to_string());
  if (!spec.account_code.empty()) write_text(w, "category", fmt::format("{}/categories/{}", api, spec.account_code));
  if (!spec.tax_type.empty()) write_text(w, "sales_tax_rate", spec.tax_type);
}

void write_estimate_fields(json::Writer& w, const model::QuoteSpec& spec, std::string_view api) {
  write_text(w, "contact", fmt::format("{}/contacts/{}", api, spec.contact_remote_id));
  write_text(w, "reference", spec.reference);
  write_text(w, "dated_on", model::format_date(spec.issue_date));
  write_text(w, "currency", spec.currency);
  write_text(w, "notes", spec.summary);
}

std::string finish(rapidjson::StringBuffer& buffer) { return std::string(buffer.GetString(), buffer.GetSize()); }

}  // namespace

QuoteStatus estimate_status(std::string_view s) {
  if (s == "Draft") return QuoteStatus::draft;
  if (s == "Sent" || s == "Open") return QuoteStatus::sent;
  if (s == "Approved") return QuoteStatus::accepted;
  if (s == "Rejected") return QuoteStatus::declined;
  if (s == "Invoiced") return QuoteStatus::invoiced;
  return QuoteStatus::expired;
}

Result<model::Quote> parse_estimate(const rapidjson::Value& e) {
  model::Quote q;
  auto url = json::text(e, "url");
  auto id = url ? id_from_url(*url) : std::nullopt;
  if (!id) return Error(Errc::protocol, "an estimate has no usable \"url\"");
  q.remote_id = *id;
  auto contact = json::text(e, "contact");
  auto contact_id = contact ? id_from_url(*contact) : std::nullopt;
  if (!contact_id) return make_error(Errc::protocol, "estimate {} has no usable \"contact\"", q.remote_id);
  q.contact_remote_id = *contact_id;
  q.reference = std::string(json::text_or_empty(e, "reference"));
  q.number = q.reference;
  q.summary = std::string(json::text_or_empty(e, "notes"));
  q.status = estimate_status(json::text_or_empty(e, "status"));
  auto currency = model::normalize_currency(json::text_or_empty(e, "currency"));
  if (!currency) return currency.error().with_context(fmt::format("estimate {}", q.remote_id));
  q.currency = *currency;
  auto net = money_rounded(json::text(e, "net_value").value_or("0"), q.currency);
  if (!net) return net.error().with_context(fmt::format("estimate {} net_value", q.remote_id));
  auto tax = money_rounded(json::text(e, "sales_tax_value").value_or("0"), q.currency);
  if (!tax) return tax.error().with_context(fmt::format("estimate {} sales_tax_value", q.remote_id));
  bool with_tax = json::boolean(e, "include_sales_tax_on_total_value", true);
  auto total = with_tax ? net->add(*tax) : Result<model::Money>(*net);
  if (!total) return total.error().with_context(fmt::format("estimate {} total", q.remote_id));
  q.total = *total;
  if (auto dated = json::text(e, "dated_on"); dated && !dated->empty()) {
    auto d = model::parse_date(*dated);
    if (!d) return make_error(Errc::protocol, "estimate {}: bad dated_on '{}'", q.remote_id, *dated);
    q.issue_date = *d;
  }
  if (auto updated = json::text(e, "updated_at")) {
    auto ts = model::parse_timestamp(*updated);
    if (!ts) return make_error(Errc::protocol, "estimate {}: bad updated_at '{}'", q.remote_id, *updated);
    q.updated_at = *ts;
  }
  return q;
}

Result<connector::Decoded<model::Quote>> parse_estimates(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* list = json::array(*doc, "estimates");
  if (!list) return Error(Errc::protocol, "no \"estimates\" array in the response");
  connector::Decoded<model::Quote> out;
  json::decode_each(*list, {"url", {"reference"}}, out.unreadable, parse_estimate,
                    [&](model::Quote q) { out.items.push_back(std::move(q)); });
  for (auto& u : out.unreadable) u.id = id_from_url(u.id).value_or(u.id);
  return out;
}

Result<EstimateDetail> parse_estimate_detail(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* estimate = json::object(*doc, "estimate");
  if (!estimate) return Error(Errc::protocol, "no \"estimate\" object in the response");
  auto quote = parse_estimate(*estimate);
  if (!quote) return quote.error();
  EstimateDetail out{std::move(*quote), {}};
  if (const auto* items = json::array(*estimate, "estimate_items"); items && !items->Empty())
    out.first_item_id = id_from_url(json::text_or_empty((*items)[0], "url")).value_or("");
  return out;
}

std::string estimate_create_body(const model::QuoteSpec& spec, std::string_view api) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  json::write_key(w, "estimate");
  w.StartObject();
  write_estimate_fields(w, spec, api);
  write_text(w, "status", "Draft");
  write_text(w, "estimate_type", "Quote");
  json::write_key(w, "estimate_items");
  w.StartArray();
  w.StartObject();
  write_item_fields(w, spec, api);
  w.EndObject();
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return finish(buffer);
}

std::string estimate_update_body(const model::QuoteSpec& spec, std::string_view api) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  json::write_key(w, "estimate");
  w.StartObject();
  write_estimate_fields(w, spec, api);
  w.EndObject();
  w.EndObject();
  return finish(buffer);
}

std::string estimate_item_body(const model::QuoteSpec& spec, std::string_view api, std::string_view estimate_url) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  if (!estimate_url.empty()) write_text(w, "estimate", estimate_url);
  json::write_key(w, "estimate_item");
  w.StartObject();
  write_item_fields(w, spec, api);
  w.EndObject();
  w.EndObject();
  return finish(buffer);
}

}  // namespace capsync::freeagent
