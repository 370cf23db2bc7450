#include "connectors/kashflow/invoices.hpp"

#include <fmt/format.h>

#include "connectors/kashflow/dates.hpp"
#include "connectors/kashflow/suppliers.hpp"
#include "core/connector/json.hpp"

namespace capsync::kashflow {

namespace json = connector::json;
using model::InvoiceStatus;

namespace {

InvoiceStatus status_of(std::string_view status) {
  if (status == "Paid") return InvoiceStatus::paid;
  if (status == "Draft") return InvoiceStatus::draft;
  if (status == "Void" || status == "Voided" || status == "Cancelled") return InvoiceStatus::voided;
  return InvoiceStatus::authorised;
}

Result<model::Money> money(const rapidjson::Value& e, std::string_view key, std::string_view currency) {
  std::string_view raw = json::text(e, key).value_or("0");
  auto m = model::Money::parse(raw, currency);
  if (!m) return make_error(Errc::protocol, "{} '{}' is not an amount", key, raw);
  return *m;
}

Result<std::optional<model::Date>> day_field(const rapidjson::Value& e, std::string_view key) {
  auto text = json::text(e, key);
  if (!text || text->empty()) return std::optional<model::Date>{};
  auto d = parse_day(*text);
  if (!d) return d.error().with_context(std::string(key));
  return std::optional<model::Date>{*d};
}

// A sales invoice or a purchase: they differ in their party's member and in their ids.
Result<model::Invoice> parse_document(const rapidjson::Value& e, std::string_view api_origin, model::InvoiceType type) {
  const bool sales = type == model::InvoiceType::sales;
  const std::string_view noun = sales ? "invoice" : "purchase";
  const std::string_view party_key = sales ? "CustomerCode" : "SupplierCode";
  model::Invoice inv;
  inv.type = type;
  auto number = json::text(e, "Number");
  if (!number || number->empty()) return make_error(Errc::protocol, "a {} has no Number", noun);
  inv.number = std::string(*number);
  inv.remote_id = sales ? inv.number : purchase_remote_id(inv.number);
  auto fail = [&](const Error& err) { return err.with_context(fmt::format("{} {}", noun, inv.number)); };
  std::string_view party = json::text_or_empty(e, party_key);
  if (party.empty()) return fail(make_error(Errc::protocol, "no {}", party_key));
  inv.contact_remote_id = sales ? std::string(party) : supplier_remote_id(party);

  const auto* currency_object = json::object(e, "Currency");
  std::string_view code = currency_object ? json::text_or_empty(*currency_object, "Code") : std::string_view{};
  auto currency = model::normalize_currency(code.empty() ? "GBP" : code);
  if (!currency) return fail(make_error(Errc::protocol, "currency '{}' is not a currency", code));
  inv.currency = *currency;
  auto total = money(e, "GrossAmount", inv.currency);
  if (!total) return fail(total.error());
  auto paid = money(e, "TotalPaidAmount", inv.currency);
  if (!paid) return fail(paid.error());
  auto due = total->subtract(*paid);
  if (!due) return fail(due.error());
  inv.total = *total;
  inv.amount_paid = *paid;
  inv.amount_due = *due;
  inv.status = status_of(json::text_or_empty(e, "Status"));
  if (inv.status == InvoiceStatus::authorised && !inv.total.is_zero() && !inv.amount_due.is_positive())
    inv.status = InvoiceStatus::paid;

  auto issued = day_field(e, "IssuedDate");
  if (!issued) return fail(issued.error());
  inv.issue_date = *issued;
  auto due_date = day_field(e, "DueDate");
  if (!due_date) return fail(due_date.error());
  inv.due_date = *due_date;
  std::string_view permalink = json::text_or_empty(e, "Permalink");
  if (permalink.starts_with("/"))
    inv.url = std::string(api_origin) + std::string(permalink);
  else
    inv.url = std::string(permalink);
  return inv;
}

}  // namespace

std::string purchase_remote_id(std::string_view number) { return "purchase:" + std::string(number); }

Result<model::Invoice> parse_invoice(const rapidjson::Value& item, std::string_view api_origin) {
  return parse_document(item, api_origin, model::InvoiceType::sales);
}

Result<model::Invoice> parse_purchase(const rapidjson::Value& item, std::string_view api_origin) {
  return parse_document(item, api_origin, model::InvoiceType::purchase);
}

connector::Decoded<model::Invoice> parse_invoices(const rapidjson::Value& items, std::string_view api_origin,
                                                  bool purchases) {
  connector::Decoded<model::Invoice> out;
  json::decode_each(
      items, {"Number", {}}, out.unreadable,
      [&](const rapidjson::Value& item) { return purchases ? parse_purchase(item, api_origin) : parse_invoice(item, api_origin); },
      [&](model::Invoice inv) { out.items.push_back(std::move(inv)); });
  for (auto& u : out.unreadable)
    if (purchases && !u.id.empty()) u.id = purchase_remote_id(u.id);
  return out;
}

}  // namespace capsync::kashflow
