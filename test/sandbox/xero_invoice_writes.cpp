#include "test/sandbox/xero_invoice_writes.hpp"

#include <vector>

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>

#include "test/sandbox/time_format.hpp"
#include "test/sandbox/xero_query.hpp"

namespace capsync::sandbox {
namespace {

using rapidjson::Value;

// Amounts are parsed as text, so 0.1 stays exactly one tenth.
std::optional<Money> amount(const Value& object, std::string_view key, Money fallback, std::vector<std::string>& errors) {
  const Value* v = member(object, key);
  if (v == nullptr || v->IsNull()) return fallback;
  auto parsed = v->IsString() ? parse_money(v->GetString()) : std::nullopt;
  if (!parsed) errors.push_back(fmt::format("{} is not a valid amount", key));
  return parsed;
}

std::optional<TimePoint> date(const Value& object, const char* key, std::vector<std::string>& errors) {
  auto text = string_member(object, key);
  if (!text) return std::nullopt;
  auto parsed = parse_time(*text);
  if (!parsed) errors.push_back(fmt::format("{} is not a valid date", key));
  return parsed;
}

struct Draft {
  XeroInvoice invoice;
  std::vector<std::string> errors;
};

Draft draft_of(XeroBooks& books, const Value& given, TimePoint now, std::mt19937_64& rng) {
  Draft d;
  XeroInvoice& inv = d.invoice;
  inv.id = make_uuid(rng);
  inv.type = string_member(given, "Type").value_or("");
  if (inv.type != "ACCREC" && inv.type != "ACCPAY") d.errors.push_back("Invoice Type must be ACCREC or ACCPAY.");
  inv.status = string_member(given, "Status").value_or("DRAFT");
  if (inv.status != "DRAFT" && inv.status != "SUBMITTED" && inv.status != "AUTHORISED")
    d.errors.push_back(fmt::format("Invoice Status {} cannot be set when creating an invoice.", inv.status));
  if (const Value* c = member(given, "Contact"); c != nullptr && c->IsObject()) {
    if (auto id = string_member(*c, "ContactID")) {
      if (const XeroContact* found = books.contact(*id)) inv.contact_id = found->id;
    } else if (auto name = string_member(*c, "Name")) {
      if (const XeroContact* found = books.active_named(*name, "")) inv.contact_id = found->id;
    }
  }
  if (inv.contact_id.empty()) d.errors.push_back("A Contact must be specified for this type of transaction");
  inv.reference = string_member(given, "Reference").value_or("");
  inv.currency = string_member(given, "CurrencyCode").value_or("GBP");
  inv.line_amount_types = string_member(given, "LineAmountTypes").value_or("Exclusive");
  inv.date = date(given, "Date", d.errors).value_or(floor_day(now));
  inv.due_date = date(given, "DueDate", d.errors).value_or(inv.date);
  inv.updated = now;
  if (const Value* lines = member(given, "LineItems"); lines != nullptr && lines->IsArray()) {
    for (const auto& l : lines->GetArray()) {
      XeroLineItem line;
      line.id = make_uuid(rng);
      line.description = string_member(l, "Description").value_or("");
      line.account_code = string_member(l, "AccountCode").value_or("");
      line.tax_type = string_member(l, "TaxType").value_or("NONE");
      line.item_code = string_member(l, "ItemCode").value_or("");
      line.quantity = amount(l, "Quantity", kMoneyScale, d.errors).value_or(0);
      line.unit_amount = amount(l, "UnitAmount", 0, d.errors).value_or(0);
      line.line_amount = amount(l, "LineAmount", line.quantity * line.unit_amount / kMoneyScale, d.errors).value_or(0);
      line.tax_amount = amount(l, "TaxAmount", 0, d.errors).value_or(0);
      inv.subtotal += line.line_amount;
      inv.total_tax += line.tax_amount;
      inv.lines.push_back(std::move(line));
    }
  }
  if (inv.status != "DRAFT" && inv.lines.empty()) d.errors.push_back("At least one line item must be specified.");
  inv.total = inv.subtotal + inv.total_tax;
  inv.amount_due = inv.total;
  if (auto number = string_member(given, "InvoiceNumber")) {
    inv.number = *number;
  } else if (inv.type == "ACCREC") {
    std::size_t sales = 0;
    for (const auto& other : books.invoices) sales += other.type == "ACCREC" ? 1 : 0;
    inv.number = fmt::format("INV-{:04d}", sales + 1);
  }
  for (const auto& other : books.invoices)
    if (!inv.number.empty() && other.type == inv.type && other.number == inv.number)
      d.errors.push_back("Invoice # must be unique.");
  return d;
}

bool allowed_transition(const std::string& from, const std::string& to) {
  if (from == to) return true;
  if (from == "DRAFT" || from == "SUBMITTED") return to == "AUTHORISED" || to == "DELETED" || to == "SUBMITTED";
  return from == "AUTHORISED" && to == "VOIDED";
}

Response validation_error(const std::vector<std::string>& errors) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartArray();
  writer.StartObject();
  writer.Key("HasErrors");
  writer.Bool(true);
  writer.Key("ValidationErrors");
  writer.StartArray();
  for (const auto& e : errors) {
    writer.StartObject();
    writer.Key("Message");
    writer.String(e.c_str(), static_cast<rapidjson::SizeType>(e.size()));
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  writer.EndArray();
  return json_response(400, xero_validation_error(std::string_view(buffer.GetString(), buffer.GetSize())));
}

}  // namespace

Response xero_update_invoice(XeroBooks& books, const Request& request, const std::string& id, TimePoint now,
                             std::mt19937_64& rng) {
  XeroInvoice* inv = nullptr;
  for (auto& candidate : books.invoices)
    if (to_lower_ascii(candidate.id) == to_lower_ascii(id)) inv = &candidate;
  if (inv == nullptr)
    return json_response(404, xero_problem(404, "Not Found", "The resource you're looking for cannot be found"));
  rapidjson::Document body;
  body.Parse<rapidjson::kParseNumbersAsStringsFlag>(request.body.data(), request.body.size());
  if (body.HasParseError() || !body.IsObject())
    return json_response(400, R"({"ErrorNumber":14,"Type":"PostDataInvalidException","Message":"The request body is not valid JSON"})");
  const Value* given = &body;
  if (const Value* list = member(body, "Invoices"); list != nullptr && list->IsArray() && !list->Empty())
    given = &(*list)[0];
  std::vector<std::string> errors;
  const std::string status = string_member(*given, "Status").value_or(inv->status);
  if (!allowed_transition(inv->status, status))
    errors.push_back(fmt::format("Invoice status cannot be changed from {} to {}.", inv->status, status));
  if (status == "VOIDED" && inv->amount_paid != 0)
    errors.push_back("Invoice with payments cannot be voided. Remove the payments first.");
  const auto due = date(*given, "DueDate", errors);
  if (!errors.empty()) return validation_error(errors);
  inv->status = status;
  if (due) inv->due_date = *due;
  if (status == "VOIDED" || status == "DELETED") inv->amount_due = 0;
  inv->updated = now;
  ++books.version;
  XeroQuery shape;
  return json_response(200, xero_envelope(now, rng, "Invoices", shape, 1,
                                          [&](JsonWriter& w) { books.write_invoice(w, *inv, true); }));
}

// PUT /Payments (https://developer.xero.com/documentation/api/accounting/payments): one payment
// `{"Invoice":{"InvoiceID"},"Account":{"Code"},"Date","Amount"}` or `{"Payments":[…]}` (the
// first is applied). Only AUTHORISED invoices take payments; the invoice's AmountPaid grows,
// AmountDue shrinks, and at zero due it becomes PAID with FullyPaidOnDate.
Response xero_create_payment(XeroBooks& books, const Request& request, TimePoint now) {
  rapidjson::Document body;
  body.Parse<rapidjson::kParseNumbersAsStringsFlag>(request.body.data(), request.body.size());
  if (body.HasParseError() || !body.IsObject())
    return json_response(400, R"({"ErrorNumber":14,"Type":"PostDataInvalidException","Message":"The request body is not valid JSON"})");
  const Value* given = &body;
  if (const Value* list = member(body, "Payments"); list != nullptr && list->IsArray() && !list->Empty())
    given = &(*list)[0];
  std::vector<std::string> errors;
  XeroInvoice* inv = nullptr;
  if (const Value* invoice = member(*given, "Invoice")) {
    const std::string id = to_lower_ascii(string_member(*invoice, "InvoiceID").value_or(""));
    const std::string number = string_member(*invoice, "InvoiceNumber").value_or("");
    for (auto& candidate : books.invoices)
      if ((!id.empty() && to_lower_ascii(candidate.id) == id) || (!number.empty() && candidate.number == number))
        inv = &candidate;
  }
  if (inv == nullptr) return validation_error({"Invoice could not be found"});
  if (member(*given, "Account") == nullptr) errors.push_back("Account code must be specified");
  const auto paid = amount(*given, "Amount", 0, errors);
  if (paid && *paid <= 0) errors.push_back("Payment amount must be greater than zero");
  if (inv->status != "AUTHORISED") errors.push_back("Payment cannot be applied to an invoice that is not authorised");
  if (paid && *paid > inv->amount_due) errors.push_back("Payment amount exceeds the amount outstanding on this document");
  if (!errors.empty()) return validation_error(errors);
  inv->amount_paid += *paid;
  inv->amount_due -= *paid;
  if (inv->amount_due == 0) {
    inv->status = "PAID";
    inv->fully_paid_on = now;
  }
  inv->updated = now;
  ++books.version;
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("Payments");
  writer.StartArray();
  writer.StartObject();
  writer.Key("Amount");
  write_decimal(writer, format_money(*paid));
  writer.Key("Status");
  writer.String("AUTHORISED");
  writer.Key("Invoice");
  books.write_invoice(writer, *inv, false);
  writer.EndObject();
  writer.EndArray();
  writer.EndObject();
  return json_response(200, std::string(buffer.GetString(), buffer.GetSize()));
}

Response xero_create_invoices(XeroBooks& books, const Request& request, TimePoint now, std::mt19937_64& rng) {
  rapidjson::Document body;
  body.Parse<rapidjson::kParseNumbersAsStringsFlag>(request.body.data(), request.body.size());
  if (body.HasParseError() || !body.IsObject())
    return json_response(400, R"({"ErrorNumber":14,"Type":"PostDataInvalidException","Message":"The request body is not valid JSON"})");
  std::vector<const Value*> elements;
  if (const Value* list = member(body, "Invoices"); list != nullptr && list->IsArray()) {
    for (const auto& e : list->GetArray())
      if (e.IsObject()) elements.push_back(&e);
  } else {
    elements.push_back(&body);  // a single invoice object is accepted too
  }
  std::vector<Draft> drafts;
  for (const Value* e : elements) drafts.push_back(draft_of(books, *e, now, rng));
  bool any_error = false;
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartArray();
  for (const auto& d : drafts) {
    if (d.errors.empty()) continue;
    any_error = true;
    writer.StartObject();
    writer.Key("HasErrors");
    writer.Bool(true);
    writer.Key("ValidationErrors");
    writer.StartArray();
    for (const auto& e : d.errors) {
      writer.StartObject();
      writer.Key("Message");
      writer.String(e.c_str(), static_cast<rapidjson::SizeType>(e.size()));
      writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
  }
  writer.EndArray();
  // A batch with any error changes nothing (summarizeErrors, the default).
  if (any_error) return json_response(400, xero_validation_error(std::string_view(buffer.GetString(), buffer.GetSize())));
  std::vector<std::string> ids;
  for (auto& d : drafts) {
    ids.push_back(d.invoice.id);
    books.add_invoice(std::move(d.invoice));
  }
  XeroQuery shape;
  return json_response(200, xero_envelope(now, rng, "Invoices", shape, ids.size(), [&](JsonWriter& w) {
                         for (const auto& id : ids)
                           for (const auto& inv : books.invoices)
                             if (inv.id == id) books.write_invoice(w, inv, true);
                       }));
}

}  // namespace capsync::sandbox
