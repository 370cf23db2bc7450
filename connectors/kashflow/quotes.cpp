#include "connectors/kashflow/quotes.hpp"

#include <charconv>

#include <date/date.h>
#include <fmt/format.h>

#include "connectors/kashflow/dates.hpp"
#include "core/connector/json.hpp"

namespace capsync::kashflow {

namespace json = connector::json;

namespace {

void write_text(json::Writer& w, std::string_view key, std::string_view value) {
  json::write_key(w, key);
  json::write_string(w, value);
}

}  // namespace

model::QuoteStatus quote_status() { return model::QuoteStatus::sent; }

std::optional<int> quote_valid_days(std::string_view settings_body) {
  auto doc = json::parse(settings_body);
  if (!doc || !doc->IsObject()) return std::nullopt;
  std::string_view text = json::text_or_empty(*doc, "QuoteDueDate");
  int days = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), days);
  std::string_view unit = text.substr(static_cast<std::size_t>(end - text.data()));
  while (unit.starts_with(' ')) unit.remove_prefix(1);
  if (ec != std::errc{} || days < 0 || !(unit == "Days" || unit == "days" || unit == "Day" || unit == "day"))
    return std::nullopt;
  return days;
}

Result<model::Quote> parse_quote(const rapidjson::Value& e, std::string_view api_origin, std::optional<int> valid_days) {
  model::Quote q;
  auto number = json::text(e, "Number");
  if (!number || number->empty()) return Error(Errc::protocol, "a quote has no Number");
  q.number = std::string(*number);
  q.remote_id = q.number;
  auto fail = [&](const Error& err) { return err.with_context(fmt::format("quote {}", q.number)); };
  q.contact_remote_id = std::string(json::text_or_empty(e, "CustomerCode"));
  if (q.contact_remote_id.empty()) return fail(Error(Errc::protocol, "no CustomerCode"));
  q.reference = std::string(json::text_or_empty(e, "CustomerReference"));
  q.status = quote_status();
  const auto* currency_object = json::object(e, "Currency");
  std::string_view code = currency_object ? json::text_or_empty(*currency_object, "Code") : std::string_view{};
  auto currency = model::normalize_currency(code.empty() ? "GBP" : code);
  if (!currency) return fail(make_error(Errc::protocol, "currency '{}' is not a currency", code));
  q.currency = *currency;
  std::string_view gross = json::text(e, "GrossAmount").value_or("0");
  auto total = model::Money::parse(gross, q.currency);
  if (!total) return fail(make_error(Errc::protocol, "GrossAmount '{}' is not an amount", gross));
  q.total = *total;
  if (auto date = json::text(e, "Date"); date && !date->empty()) {
    auto day = parse_day(*date);
    if (!day) return fail(day.error().with_context("Date"));
    q.issue_date = *day;
    if (valid_days) q.expiry_date = model::Date(date::sys_days(*day) + date::days(*valid_days));
  }
  std::string_view permalink = json::text_or_empty(e, "Permalink");
  q.url = permalink.starts_with("/") ? std::string(api_origin) + std::string(permalink) : std::string(permalink);
  return q;
}

connector::Decoded<model::Quote> parse_quotes(const rapidjson::Value& items, std::string_view api_origin,
                                              std::optional<int> valid_days) {
  connector::Decoded<model::Quote> out;
  json::decode_each(
      items, {"Number", {"CustomerReference"}}, out.unreadable,
      [&](const rapidjson::Value& item) { return parse_quote(item, api_origin, valid_days); },
      [&](model::Quote q) { out.items.push_back(std::move(q)); });
  return out;
}

Result<model::Quote> parse_quote_body(std::string_view body, std::string_view api_origin,
                                      std::optional<int> valid_days) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  if (!doc->IsObject()) return Error(Errc::protocol, "the answer is not a quote object");
  return parse_quote(*doc, api_origin, valid_days);
}

Result<std::string> quote_body(const model::QuoteSpec& spec) {
  if (!spec.tax_type.empty() && !model::Money::parse_units(spec.tax_type))
    return make_error(Errc::invalid_argument, "KashFlow's tax type is a VAT rate percentage such as 20, not '{}'",
                      spec.tax_type);
  if (!spec.account_code.empty() && !json::to_int64(spec.account_code))
    return make_error(Errc::invalid_argument, "KashFlow's account code is a nominal code such as 4000, not '{}'",
                      spec.account_code);
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  write_text(w, "Date", fmt::format("{} 12:00:00", model::format_date(spec.issue_date)));
  write_text(w, "CustomerCode", spec.contact_remote_id);
  write_text(w, "CustomerReference", spec.reference);
  json::write_key(w, "Currency");
  w.StartObject();
  write_text(w, "Code", spec.currency);
  w.EndObject();
  json::write_key(w, "LineItems");
  w.StartArray();
  w.StartObject();
  json::write_key(w, "Number");
  w.Int(0);
  json::write_key(w, "Quantity");
  json::write_raw_number(w, std::to_string(spec.quantity));
  json::write_key(w, "Rate");
  json::write_raw_number(w, spec.unit_amount.to_string());
  write_text(w, "Description", spec.line_description);
  if (!spec.tax_type.empty()) {
    json::write_key(w, "VATRate");
    json::write_raw_number(w, spec.tax_type);
  }
  if (!spec.account_code.empty()) {
    json::write_key(w, "ChargeType");
    json::write_raw_number(w, spec.account_code);
  }
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace capsync::kashflow
