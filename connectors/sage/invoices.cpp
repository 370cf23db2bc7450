#include "connectors/sage/invoices.hpp"

#include <fmt/format.h>

#include "core/connector/json.hpp"

namespace capsync::sage {

namespace json = connector::json;
using model::InvoiceStatus;

namespace {

InvoiceStatus status_of(std::string_view id) {
  if (id == "DRAFT") return InvoiceStatus::draft;
  if (id == "PAID") return InvoiceStatus::paid;
  if (id == "VOID") return InvoiceStatus::voided;
  return InvoiceStatus::authorised;
}

Result<model::Money> money(const rapidjson::Value& e, std::string_view key, std::string_view currency) {
  std::string_view raw = json::text(e, key).value_or("0");  // a fresh draft may leave amounts out
  auto m = model::Money::parse(raw, currency);
  if (!m) return make_error(Errc::protocol, "{} '{}' is not an amount", key, raw);
  return *m;
}

Result<std::optional<model::Date>> date_field(const rapidjson::Value& e, std::string_view key) {
  auto text = json::text(e, key);
  if (!text || text->empty()) return std::optional<model::Date>{};
  auto d = model::parse_date(text->substr(0, 10));
  if (!d) return make_error(Errc::protocol, "{} '{}' is not a date", key, *text);
  return std::optional<model::Date>{*d};
}

}  // namespace

std::string_view html_link(const rapidjson::Value& e) {
  if (const auto* links = json::array(e, "links"))
    for (const auto& l : links->GetArray())
      if (json::text_or_empty(l, "type") == "text/html" || json::text_or_empty(l, "rel") == "alternate")
        return json::text_or_empty(l, "href");
  return {};
}

Result<model::Invoice> parse_invoice(const rapidjson::Value& e, model::InvoiceType type) {
  model::Invoice inv;
  inv.type = type;
  auto id = json::required_text(e, "id");
  if (!id) return id.error();
  inv.remote_id = std::string(*id);
  auto fail = [&](const Error& err) { return err.with_context(fmt::format("invoice {}", inv.remote_id)); };

  if (const auto* contact = json::object(e, "contact"))
    inv.contact_remote_id = std::string(json::text_or_empty(*contact, "id"));
  if (inv.contact_remote_id.empty()) return fail(Error(Errc::protocol, "no contact.id"));
  const char* number_key = type == model::InvoiceType::sales ? "invoice_number" : "vendor_reference";
  std::string_view number = json::text_or_empty(e, number_key);
  if (number.empty()) number = json::text_or_empty(e, "reference");
  if (number.empty()) number = json::text_or_empty(e, "displayed_as");
  inv.number = std::string(number);

  const auto* status = json::object(e, "status");
  if (json::text(e, "deleted_at"))
    inv.status = InvoiceStatus::deleted;
  else if (status == nullptr)
    return fail(Error(Errc::protocol, "no status"));
  else
    inv.status = status_of(json::text_or_empty(*status, "id"));
  auto issue = date_field(e, "date");
  if (!issue) return fail(issue.error());
  inv.issue_date = *issue;
  auto due = date_field(e, "due_date");
  if (!due) return fail(due.error());
  inv.due_date = *due;

  const auto* currency_object = json::object(e, "currency");
  std::string_view code = currency_object ? json::text_or_empty(*currency_object, "id") : std::string_view{};
  auto currency = model::normalize_currency(code);
  if (!currency) return fail(make_error(Errc::protocol, "currency '{}' is not a currency", code));
  inv.currency = *currency;
  for (auto [key, target] : {std::pair{"total_amount", &inv.total}, std::pair{"total_paid", &inv.amount_paid},
                             std::pair{"outstanding_amount", &inv.amount_due}}) {
    auto m = money(e, key, inv.currency);
    if (!m) return fail(m.error());
    *target = std::move(*m);
  }
  for (auto key : {"deleted_at", "updated_at"}) {
    auto stamp = json::text(e, key);
    if (!stamp) continue;
    auto ts = model::parse_timestamp(*stamp);
    if (!ts) return fail(make_error(Errc::protocol, "{} '{}' is not a date-time", key, *stamp));
    inv.updated_at = *ts;
    break;
  }
  inv.url = std::string(html_link(e));
  return inv;
}

connector::Decoded<model::Invoice> parse_invoices(const rapidjson::Value& items, model::InvoiceType type) {
  connector::Decoded<model::Invoice> out;
  const char* number_key = type == model::InvoiceType::sales ? "invoice_number" : "vendor_reference";
  json::decode_each(
      items, {"id", {number_key}}, out.unreadable, [&](const rapidjson::Value& item) { return parse_invoice(item, type); },
      [&](model::Invoice inv) { out.items.push_back(std::move(inv)); });
  return out;
}

}  // namespace capsync::sage
