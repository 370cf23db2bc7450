#include "connectors/xero/quotes.hpp"

#include "connectors/xero/dates.hpp"
#include "core/connector/json.hpp"

namespace capsync::xero {

namespace json = connector::json;
using model::QuoteStatus;

namespace {

// At most `max` characters (code points) of UTF-8 text.
std::string_view cut(std::string_view text, std::size_t max) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (count++ == max) return text.substr(0, i);
  }
  return text;
}

void write_text(json::Writer& w, std::string_view key, std::string_view value) {
  json::write_key(w, key);
  json::write_string(w, value);
}

}  // namespace

std::optional<QuoteStatus> quote_status(std::string_view s) {
  if (s == "DRAFT") return QuoteStatus::draft;
  if (s == "SENT") return QuoteStatus::sent;
  if (s == "ACCEPTED") return QuoteStatus::accepted;
  if (s == "DECLINED") return QuoteStatus::declined;
  if (s == "INVOICED") return QuoteStatus::invoiced;
  if (s == "DELETED") return QuoteStatus::deleted;
  return std::nullopt;
}

Result<model::Quote> parse_quote(const rapidjson::Value& e, std::string* terms) {
  model::Quote q;
  auto id = json::required_text(e, "QuoteID");
  if (!id) return id.error();
  q.remote_id = std::string(*id);
  auto fail = [&](const Error& err) { return err.with_context(fmt::format("quote {}", q.remote_id)); };
  if (const auto* contact = json::object(e, "Contact"))
    q.contact_remote_id = std::string(json::text_or_empty(*contact, "ContactID"));
  if (q.contact_remote_id.empty()) return fail(Error(Errc::protocol, "no Contact.ContactID"));
  q.number = std::string(json::text_or_empty(e, "QuoteNumber"));
  q.reference = std::string(json::text_or_empty(e, "Reference"));
  q.title = std::string(json::text_or_empty(e, "Title"));
  q.summary = std::string(json::text_or_empty(e, "Summary"));
  if (terms) *terms = std::string(json::text_or_empty(e, "Terms"));

  std::string_view status = json::text_or_empty(e, "Status");
  auto st = quote_status(status);
  if (!st) return fail(make_error(Errc::protocol, "unknown Status '{}'", status));
  q.status = *st;

  auto issue = date_field(e, "DateString", "Date");
  if (!issue) return fail(issue.error());
  q.issue_date = *issue;
  auto expiry = date_field(e, "ExpiryDateString", "ExpiryDate");
  if (!expiry) return fail(expiry.error());
  q.expiry_date = *expiry;

  auto currency = model::normalize_currency(json::text_or_empty(e, "CurrencyCode"));
  if (!currency)
    return fail(make_error(Errc::protocol, "CurrencyCode '{}' is not a currency", json::text_or_empty(e, "CurrencyCode")));
  q.currency = *currency;
  std::string_view total = json::text(e, "Total").value_or("0");
  auto money = model::Money::parse(total, q.currency);
  if (!money) return fail(make_error(Errc::protocol, "Total '{}' is not an amount", total));
  q.total = std::move(*money);
  if (auto updated = json::text(e, "UpdatedDateUTC")) {
    auto ts = parse_timestamp(*updated);
    if (!ts) return fail(ts.error());
    q.updated_at = *ts;
  }
  return q;
}

Result<QuotesPage> parse_quotes(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* list = json::array(*doc, "Quotes");
  if (!list) return Error(Errc::protocol, "no \"Quotes\" array in the response");
  QuotesPage page;
  auto pagination = parse_pagination(*doc);
  if (!pagination) return pagination.error();
  page.pagination = *pagination;
  page.raw_count = list->Size();
  json::decode_each(
      *list, {"QuoteID", {"QuoteNumber"}}, page.unreadable, [](const rapidjson::Value& e) { return parse_quote(e); },
      [&](model::Quote q) { page.quotes.push_back(std::move(q)); });
  return page;
}

std::string quote_body(const model::QuoteSpec& spec, std::string_view remote_id, std::string_view terms) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  json::write_key(w, "Quotes");
  w.StartArray();
  w.StartObject();
  if (!remote_id.empty()) {
    write_text(w, "QuoteID", remote_id);
  } else {
    write_text(w, "Status", "DRAFT");
  }
  json::write_key(w, "Contact");
  w.StartObject();
  write_text(w, "ContactID", spec.contact_remote_id);
  w.EndObject();
  write_text(w, "Date", model::format_date(spec.issue_date));
  write_text(w, "ExpiryDate", model::format_date(spec.expiry_date));
  write_text(w, "CurrencyCode", spec.currency);
  write_text(w, "LineAmountTypes", "EXCLUSIVE");
  write_text(w, "Title", cut(spec.title, kMaxQuoteTitle));
  write_text(w, "Summary", cut(spec.summary, kMaxQuoteSummary));
  write_text(w, "Reference", spec.reference);
  write_text(w, "Terms", terms);
  json::write_key(w, "LineItems");
  w.StartArray();
  w.StartObject();
  write_text(w, "Description", spec.line_description);
  json::write_key(w, "Quantity");
  json::write_raw_number(w, std::to_string(spec.quantity));
  json::write_key(w, "UnitAmount");
  json::write_raw_number(w, spec.unit_amount.to_string());
  if (!spec.account_code.empty()) write_text(w, "AccountCode", spec.account_code);
  if (!spec.tax_type.empty()) write_text(w, "TaxType", spec.tax_type);
  w.EndObject();
  w.EndArray();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace capsync::xero
