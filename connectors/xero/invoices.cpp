#include "connectors/xero/invoices.hpp"

#include "connectors/xero/dates.hpp"
#include "core/connector/json.hpp"

namespace capsync::xero {

namespace json = connector::json;
using model::InvoiceStatus;

namespace {

std::optional<InvoiceStatus> status_of(std::string_view s) {
  if (s == "DRAFT") return InvoiceStatus::draft;
  if (s == "SUBMITTED") return InvoiceStatus::submitted;
  if (s == "AUTHORISED") return InvoiceStatus::authorised;
  if (s == "PAID") return InvoiceStatus::paid;
  if (s == "VOIDED") return InvoiceStatus::voided;
  if (s == "DELETED") return InvoiceStatus::deleted;
  return std::nullopt;
}

Result<model::Money> money(const rapidjson::Value& e, std::string_view key, std::string_view currency) {
  // Absent amounts are zero (a fresh draft has no AmountPaid yet).
  std::string_view raw = json::text(e, key).value_or("0");
  auto m = model::Money::parse(raw, currency);
  if (!m) return make_error(Errc::protocol, "{} '{}' is not an amount", key, raw);
  return *m;
}

}  // namespace

Result<std::optional<model::Invoice>> parse_invoice(const rapidjson::Value& e) {
  std::string_view type = json::text_or_empty(e, "Type");
  model::Invoice inv;
  if (type == "ACCREC")
    inv.type = model::InvoiceType::sales;
  else if (type == "ACCPAY")
    inv.type = model::InvoiceType::purchase;
  else
    return std::optional<model::Invoice>{};

  auto id = json::required_text(e, "InvoiceID");
  if (!id) return id.error();
  inv.remote_id = std::string(*id);
  auto fail = [&](const Error& err) { return err.with_context(fmt::format("invoice {}", inv.remote_id)); };

  if (const auto* contact = json::object(e, "Contact"))
    inv.contact_remote_id = std::string(json::text_or_empty(*contact, "ContactID"));
  if (inv.contact_remote_id.empty()) return fail(Error(Errc::protocol, "no Contact.ContactID"));
  inv.number = std::string(json::text_or_empty(e, "InvoiceNumber"));

  std::string_view status = json::text_or_empty(e, "Status");
  auto st = status_of(status);
  if (!st) return fail(make_error(Errc::protocol, "unknown Status '{}'", status));
  inv.status = *st;

  auto issue = date_field(e, "DateString", "Date");
  if (!issue) return fail(issue.error());
  inv.issue_date = *issue;
  auto due = date_field(e, "DueDateString", "DueDate");
  if (!due) return fail(due.error());
  inv.due_date = *due;

  auto currency = model::normalize_currency(json::text_or_empty(e, "CurrencyCode"));
  if (!currency) return fail(make_error(Errc::protocol, "CurrencyCode '{}' is not a currency",
                                        json::text_or_empty(e, "CurrencyCode")));
  inv.currency = *currency;
  for (auto [key, target] : {std::pair{"Total", &inv.total}, std::pair{"AmountPaid", &inv.amount_paid},
                             std::pair{"AmountDue", &inv.amount_due}}) {
    auto m = money(e, key, inv.currency);
    if (!m) return fail(m.error());
    *target = std::move(*m);
  }
  if (auto updated = json::text(e, "UpdatedDateUTC")) {
    auto ts = parse_timestamp(*updated);
    if (!ts) return fail(ts.error());
    inv.updated_at = *ts;
  }
  return std::optional<model::Invoice>{std::move(inv)};
}

Result<InvoicesPage> parse_invoices(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* list = json::array(*doc, "Invoices");
  if (!list) return Error(Errc::protocol, "no \"Invoices\" array in the response");
  InvoicesPage page;
  auto pagination = parse_pagination(*doc);
  if (!pagination) return pagination.error();
  page.pagination = *pagination;
  page.raw_count = list->Size();
  json::decode_each(*list, {"InvoiceID", {"InvoiceNumber"}}, page.unreadable, parse_invoice,
                    [&](std::optional<model::Invoice> inv) {
                      if (inv) page.invoices.push_back(std::move(*inv));
                    });
  return page;
}

}  // namespace capsync::xero
