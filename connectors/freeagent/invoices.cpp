#include "connectors/freeagent/invoices.hpp"

#include "connectors/freeagent/contacts.hpp"
#include "core/connector/json.hpp"
#include "core/model/date_time.hpp"

namespace capsync::freeagent {

namespace json = connector::json;
using model::InvoiceStatus;

InvoiceStatus invoice_status(std::string_view s) {
  if (s == "Draft") return InvoiceStatus::draft;
  if (s == "Open" || s == "Overdue" || s == "Scheduled To Email") return InvoiceStatus::authorised;
  if (s == "Paid" || s == "Overpaid" || s == "Zero Value" || s == "Refunded" || s == "Part written-off")
    return InvoiceStatus::paid;
  return InvoiceStatus::voided;
}

Result<model::Invoice> parse_invoice(const rapidjson::Value& e) {
  model::Invoice inv;
  auto url = json::text(e, "url");
  auto id = url ? id_from_url(*url) : std::nullopt;
  if (!id) return Error(Errc::protocol, "an invoice has no usable \"url\"");
  inv.remote_id = *id;
  auto contact = json::text(e, "contact");
  auto contact_id = contact ? id_from_url(*contact) : std::nullopt;
  if (!contact_id) return make_error(Errc::protocol, "invoice {} has no usable \"contact\"", inv.remote_id);
  inv.contact_remote_id = *contact_id;
  inv.number = std::string(json::text_or_empty(e, "reference"));
  inv.type = model::InvoiceType::sales;
  inv.status = invoice_status(json::text_or_empty(e, "status"));
  auto currency = model::normalize_currency(json::text_or_empty(e, "currency"));
  if (!currency) return currency.error().with_context(fmt::format("invoice {}", inv.remote_id));
  inv.currency = *currency;
  auto money = [&](const char* key, model::Money& out) -> Result<void> {
    auto parsed = model::Money::parse(json::text(e, key).value_or("0"), inv.currency);
    if (!parsed) return parsed.error().with_context(fmt::format("invoice {} {}", inv.remote_id, key));
    out = *parsed;
    return {};
  };
  for (auto [key, out] : {std::pair{"total_value", &inv.total}, std::pair{"paid_value", &inv.amount_paid},
                          std::pair{"due_value", &inv.amount_due}}) {
    if (auto ok = money(key, *out); !ok) return ok.error();
  }
  for (auto [key, out] : {std::pair{"dated_on", &inv.issue_date}, std::pair{"due_on", &inv.due_date}}) {
    auto date = json::date(e, key, fmt::format("invoice {}", inv.remote_id));
    if (!date) return date.error();
    *out = *date;
  }
  if (auto updated = json::text(e, "updated_at")) {
    auto ts = model::parse_timestamp(*updated);
    if (!ts) return make_error(Errc::protocol, "invoice {}: bad updated_at '{}'", inv.remote_id, *updated);
    inv.updated_at = *ts;
  }
  return inv;
}

Result<connector::Decoded<model::Invoice>> parse_invoices(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* list = json::array(*doc, "invoices");
  if (!list) return Error(Errc::protocol, "no \"invoices\" array in the response");
  connector::Decoded<model::Invoice> out;
  json::decode_each(*list, {"url", {"reference"}}, out.unreadable, parse_invoice,
                    [&](model::Invoice inv) { out.items.push_back(std::move(inv)); });
  for (auto& u : out.unreadable) u.id = id_from_url(u.id).value_or(u.id);
  return out;
}

}  // namespace capsync::freeagent
