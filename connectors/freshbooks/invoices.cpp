#include "connectors/freshbooks/invoices.hpp"

#include "connectors/freshbooks/eastern_time.hpp"
#include "core/connector/json.hpp"
#include "core/model/date_time.hpp"

namespace capsync::freshbooks {

namespace json = connector::json;
using model::InvoiceStatus;

InvoiceStatus invoice_status(std::string_view v3, std::int64_t vis_state) {
  if (vis_state == 1) return InvoiceStatus::deleted;
  if (v3 == "draft" || v3 == "created") return InvoiceStatus::draft;
  if (v3 == "paid" || v3 == "autopaid") return InvoiceStatus::paid;
  return InvoiceStatus::authorised;
}

Result<model::Invoice> parse_invoice(const rapidjson::Value& e) {
  model::Invoice inv;
  auto id = json::integer(e, "id");
  if (!id) return id.error();
  if (!*id) return Error(Errc::protocol, "an invoice has no \"id\"");
  inv.remote_id = std::to_string(**id);
  auto customer = json::integer(e, "customerid");
  if (!customer) return customer.error().with_context(fmt::format("invoice {}", inv.remote_id));
  if (!*customer) return make_error(Errc::protocol, "invoice {} has no \"customerid\"", inv.remote_id);
  inv.contact_remote_id = std::to_string(**customer);
  inv.number = std::string(json::text_or_empty(e, "invoice_number"));
  inv.type = model::InvoiceType::sales;
  auto vis = json::integer(e, "vis_state");
  if (!vis) return vis.error().with_context(fmt::format("invoice {}", inv.remote_id));
  inv.status = invoice_status(json::text_or_empty(e, "v3_status"), vis->value_or(0));

  std::string_view code = json::text_or_empty(e, "currency_code");
  if (const auto* amount = json::object(e, "amount"); amount && code.empty()) code = json::text_or_empty(*amount, "code");
  auto currency = model::normalize_currency(code);
  if (!currency) return currency.error().with_context(fmt::format("invoice {}", inv.remote_id));
  inv.currency = *currency;
  auto money = [&](const char* key, model::Money& out) -> Result<void> {
    const auto* object = json::object(e, key);
    std::string_view amount = object ? json::text(*object, "amount").value_or("0") : "0";
    if (object) {
      auto own = json::text_or_empty(*object, "code");
      auto own_code = model::normalize_currency(own);
      if (!own.empty() && (!own_code || *own_code != inv.currency))
        return make_error(Errc::protocol, "invoice {}: {} is in {}, not {}", inv.remote_id, key, own, inv.currency);
    }
    auto parsed = model::Money::parse(amount, inv.currency);
    if (!parsed) return parsed.error().with_context(fmt::format("invoice {} {}", inv.remote_id, key));
    out = *parsed;
    return {};
  };
  for (auto [key, out] : {std::pair{"amount", &inv.total}, std::pair{"paid", &inv.amount_paid},
                          std::pair{"outstanding", &inv.amount_due}}) {
    if (auto ok = money(key, *out); !ok) return ok.error();
  }
  for (auto [key, out] : {std::pair{"create_date", &inv.issue_date}, std::pair{"due_date", &inv.due_date}}) {
    auto date = json::date(e, key, fmt::format("invoice {}", inv.remote_id));
    if (!date) return date.error();
    *out = *date;
  }
  if (auto updated = json::text(e, "updated"); updated && !updated->empty()) {
    auto ts = parse_eastern_time(*updated);
    if (!ts) return ts.error().with_context(fmt::format("invoice {}: bad \"updated\"", inv.remote_id));
    inv.updated_at = *ts;
  }
  return inv;
}

Result<InvoicePage> parse_invoice_list(std::string_view text) {
  auto doc = json::parse(text);
  if (!doc) return doc.error();
  auto result = result_of(*doc);
  if (!result) return result.error();
  const auto* list = json::array(**result, "invoices");
  if (!list) return Error(Errc::protocol, "no \"invoices\" array in the response");
  InvoicePage out;
  auto paging = paging_of(**result);
  if (!paging) return paging.error();
  out.paging = *paging;
  json::decode_each(*list, {"id", {"invoice_number"}}, out.unreadable, parse_invoice,
                    [&](model::Invoice inv) { out.items.push_back(std::move(inv)); });
  return out;
}

}  // namespace capsync::freshbooks
