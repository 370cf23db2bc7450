#include "test/sandbox/xero_books.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox {
namespace {

using rapidjson::Value;

// Read-only or derived members, never stored from input.
bool derived_member(std::string_view key) {
  return key == "ContactID" || key == "UpdatedDateUTC" || key == "Balances" || key == "IsSupplier" ||
         key == "IsCustomer" || key == "HasValidationErrors" || key == "ValidationErrors" || key == "HasAttachments";
}

Money money_member(const Value& object, std::string_view key, Money fallback) {
  const Value* v = member(object, key);
  if (v == nullptr) return fallback;
  if (v->IsString()) return parse_money(v->GetString()).value_or(fallback);
  if (v->IsInt64()) return v->GetInt64() * kMoneyScale;
  return fallback;
}

void write_address_or_phone(JsonWriter& writer, const Value* given, const char* type_key,
                            std::initializer_list<const char*> types) {
  writer.StartArray();
  for (const char* type : types) {
    const Value* found = nullptr;
    if (given != nullptr && given->IsArray())
      for (const auto& item : given->GetArray())
        if (string_member(item, type_key) == type) found = &item;
    if (found != nullptr) {
      found->Accept(writer);
    } else {  // Xero always lists every address and phone type
      writer.StartObject();
      writer.Key(type_key);
      writer.String(type);
      writer.EndObject();
    }
  }
  writer.EndArray();
}

}  // namespace

std::optional<TimePoint> xero_seed_date(const Value& object, const char* key, const char* string_key,
                                     const char* offset_key, TimePoint now) {
  if (auto text = string_member(object, key)) return parse_time(*text);
  if (auto text = string_member(object, string_key)) return parse_time(*text);
  const Value* offset = member(object, offset_key);
  if (offset != nullptr) {
    std::int64_t days = offset->IsString() ? std::stoll(offset->GetString()) : offset->IsInt64() ? offset->GetInt64() : 0;
    return floor_day(now) + std::chrono::hours(24 * days);
  }
  return std::nullopt;
}

void write_key_money(JsonWriter& writer, const char* key, Money value) {
  writer.Key(key);
  std::string text = format_money(value);
  write_decimal(writer, text);
}

void write_line_items(JsonWriter& writer, const std::vector<XeroLineItem>& lines) {
  writer.StartArray();
  for (const auto& line : lines) {
    writer.StartObject();
    writer.Key("Description");
    writer.String(line.description);
    write_key_money(writer, "UnitAmount", line.unit_amount);
    writer.Key("TaxType");
    writer.String(line.tax_type);
    write_key_money(writer, "TaxAmount", line.tax_amount);
    write_key_money(writer, "LineAmount", line.line_amount);
    writer.Key("AccountCode");
    writer.String(line.account_code);
    write_key_money(writer, "Quantity", line.quantity);
    writer.Key("LineItemID");
    writer.String(line.id);
    writer.EndObject();
  }
  writer.EndArray();
}

std::string make_uuid(std::mt19937_64& rng) {
  std::uint64_t a = rng(), b = rng();
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xffff, b >> 48,
                     b & 0xffffffffffffULL);
}

std::string to_lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

XeroContact* XeroBooks::contact(std::string_view id) {
  auto it = contact_index.find(to_lower_ascii(id));
  return it == contact_index.end() ? nullptr : &contacts[it->second];
}

const XeroContact* XeroBooks::active_named(std::string_view name, std::string_view except_id) const {
  std::string wanted = to_lower_ascii(name);
  for (const auto& c : contacts) {
    if (c.id == except_id || string_member(c.json, "ContactStatus").value_or("ACTIVE") != "ACTIVE") continue;
    if (to_lower_ascii(string_member(c.json, "Name").value_or("")) == wanted) return &c;
  }
  return nullptr;
}

void XeroBooks::add_contact(XeroContact contact) {
  contact.seq = next_seq++;
  ++version;
  contact_index[to_lower_ascii(contact.id)] = contacts.size();
  contacts.push_back(std::move(contact));
}

void XeroBooks::add_invoice(XeroInvoice invoice) {
  invoice.seq = next_seq++;
  ++version;
  invoices_by_contact.emplace(to_lower_ascii(invoice.contact_id), invoices.size());
  invoices.push_back(std::move(invoice));
}

void XeroBooks::load(const Value& section, const Value& exact, TimePoint now, std::mt19937_64& rng) {
  if (!section.IsObject()) return;
  if (const auto* list = member(section, "contacts"); list && list->IsArray()) {
    for (const auto& given : list->GetArray()) {
      XeroContact contact;
      contact.id = string_member(given, "ContactID").value_or(make_uuid(rng));
      contact.json.SetObject();
      for (const auto& m : given.GetObject()) {
        std::string_view key(m.name.GetString(), m.name.GetStringLength());
        if (!derived_member(key)) set_member(contact.json, key, Value(m.value, alloc()), alloc());
      }
      if (!member(contact.json, "ContactStatus")) set_string(contact.json, "ContactStatus", "ACTIVE", alloc());
      // IsSupplier/IsCustomer are derived from invoices but seeds may force them.
      for (const char* flag : {"IsSupplier", "IsCustomer"})
        if (bool_member(given, flag) == true) set_member(contact.json, std::string("_") + flag, Value(true), alloc());
      contact.updated = now;
      if (auto text = string_member(given, "UpdatedDateUTC"))
        contact.updated = parse_time(*text).value_or(now);
      add_contact(std::move(contact));
    }
  }
  const auto* list = member(exact, "invoices");
  if (list == nullptr || !list->IsArray()) return;
  int number = 0;
  for (const auto& given : list->GetArray()) {
    XeroInvoice inv;
    inv.id = string_member(given, "InvoiceID").value_or(make_uuid(rng));
    inv.type = string_member(given, "Type").value_or("ACCREC");
    inv.status = string_member(given, "Status").value_or("AUTHORISED");
    inv.number = string_member(given, "InvoiceNumber").value_or(inv.type == "ACCREC" ? fmt::format("INV-{:04d}", ++number) : "");
    inv.reference = string_member(given, "Reference").value_or("");
    inv.currency = string_member(given, "CurrencyCode").value_or("GBP");
    inv.line_amount_types = string_member(given, "LineAmountTypes").value_or("Exclusive");
    if (const auto* c = member(given, "Contact")) {
      inv.contact_id = string_member(*c, "ContactID").value_or("");
      if (inv.contact_id.empty())
        if (auto name = string_member(*c, "Name"))
          if (const auto* found = active_named(*name, "")) inv.contact_id = found->id;
    }
    inv.date = xero_seed_date(given, "Date", "DateString", "DateOffsetDays", now).value_or(floor_day(now));
    inv.due_date = xero_seed_date(given, "DueDate", "DueDateString", "DueDateOffsetDays", now).value_or(inv.date);
    inv.updated = xero_seed_date(given, "UpdatedDateUTC", "UpdatedDateUTC", "UpdatedOffsetDays", now).value_or(now);
    if (const auto* lines = member(given, "LineItems"); lines && lines->IsArray()) {
      for (const auto& l : lines->GetArray()) {
        XeroLineItem line;
        line.id = string_member(l, "LineItemID").value_or(make_uuid(rng));
        line.description = string_member(l, "Description").value_or("");
        line.account_code = string_member(l, "AccountCode").value_or("200");
        line.tax_type = string_member(l, "TaxType").value_or("NONE");
        line.item_code = string_member(l, "ItemCode").value_or("");
        line.quantity = money_member(l, "Quantity", kMoneyScale);
        line.unit_amount = money_member(l, "UnitAmount", 0);
        line.line_amount = money_member(l, "LineAmount", line.quantity * line.unit_amount / kMoneyScale);
        line.tax_amount = money_member(l, "TaxAmount", 0);
        inv.subtotal += line.line_amount;
        inv.total_tax += line.tax_amount;
        inv.lines.push_back(std::move(line));
      }
    }
    inv.subtotal = money_member(given, "SubTotal", inv.subtotal);
    inv.total_tax = money_member(given, "TotalTax", inv.total_tax);
    inv.total = money_member(given, "Total", inv.subtotal + inv.total_tax);
    if (!member(given, "SubTotal") && inv.lines.empty()) inv.subtotal = inv.total - inv.total_tax;
    inv.amount_credited = money_member(given, "AmountCredited", 0);
    inv.amount_paid = money_member(given, "AmountPaid", inv.status == "PAID" ? inv.total - inv.amount_credited : 0);
    inv.amount_due = money_member(given, "AmountDue", inv.total - inv.amount_paid - inv.amount_credited);
    if (inv.status == "PAID")
      inv.fully_paid_on = xero_seed_date(given, "FullyPaidOnDate", "FullyPaidOnDate", "FullyPaidOnOffsetDays", now)
                              .value_or(inv.due_date);
    add_invoice(std::move(inv));
  }
}

void XeroBooks::write_contact(JsonWriter& writer, const XeroContact& contact, bool summary_only, TimePoint now,
                              const char* status_attribute) const {
  const Value& json = contact.json;
  bool customer = bool_member(json, "_IsCustomer").value_or(false);
  bool supplier = bool_member(json, "_IsSupplier").value_or(false);
  Money receivable = 0, receivable_overdue = 0, payable = 0, payable_overdue = 0;
  auto range = invoices_by_contact.equal_range(to_lower_ascii(contact.id));
  for (auto it = range.first; it != range.second; ++it) {
    const XeroInvoice& inv = invoices[it->second];
    bool approved = inv.status == "AUTHORISED" || inv.status == "PAID";
    bool sales = inv.type == "ACCREC";
    if (approved) (sales ? customer : supplier) = true;
    if (inv.status != "AUTHORISED") continue;
    (sales ? receivable : payable) += inv.amount_due;
    if (inv.due_date < floor_day(now)) (sales ? receivable_overdue : payable_overdue) += inv.amount_due;
  }
  writer.StartObject();
  writer.Key("ContactID");
  writer.String(contact.id);
  for (const char* key : {"ContactNumber", "AccountNumber", "ContactStatus", "Name"}) {
    if (const Value* v = member(json, key)) {
      writer.Key(key);
      v->Accept(writer);
    }
  }
  for (const auto& m : json.GetObject()) {
    std::string_view key(m.name.GetString(), m.name.GetStringLength());
    if (key == "ContactNumber" || key == "AccountNumber" || key == "ContactStatus" || key == "Name" ||
        key == "Addresses" || key == "Phones" || key == "ContactPersons" || key == "ContactGroups" || key.starts_with("_"))
      continue;
    writer.Key(m.name.GetString(), m.name.GetStringLength());
    m.value.Accept(writer);
  }
  if (!summary_only) {
    writer.Key("Addresses");
    write_address_or_phone(writer, member(json, "Addresses"), "AddressType", {"STREET", "POBOX"});
    writer.Key("Phones");
    write_address_or_phone(writer, member(json, "Phones"), "PhoneType", {"DEFAULT", "DDI", "FAX", "MOBILE"});
  }
  writer.Key("UpdatedDateUTC");
  writer.String(ms_date(contact.updated));
  if (!summary_only) {
    writer.Key("ContactGroups");
    writer.StartArray();
    writer.EndArray();
  }
  writer.Key("IsSupplier");
  writer.Bool(supplier);
  writer.Key("IsCustomer");
  writer.Bool(customer);
  if (!summary_only) {
    writer.Key("ContactPersons");
    if (const Value* persons = member(json, "ContactPersons"); persons && persons->IsArray()) {
      persons->Accept(writer);
    } else {
      writer.StartArray();
      writer.EndArray();
    }
    writer.Key("HasAttachments");
    writer.Bool(false);
    writer.Key("Balances");
    writer.StartObject();
    writer.Key("AccountsReceivable");
    writer.StartObject();
    write_key_money(writer, "Outstanding", receivable);
    write_key_money(writer, "Overdue", receivable_overdue);
    writer.EndObject();
    writer.Key("AccountsPayable");
    writer.StartObject();
    write_key_money(writer, "Outstanding", payable);
    write_key_money(writer, "Overdue", payable_overdue);
    writer.EndObject();
    writer.EndObject();
  }
  writer.Key("HasValidationErrors");
  writer.Bool(false);
  if (status_attribute != nullptr) {
    writer.Key("StatusAttributeString");
    writer.String(status_attribute);
  }
  writer.EndObject();
}

void XeroBooks::write_invoice(JsonWriter& writer, const XeroInvoice& inv, bool with_lines) const {
  writer.StartObject();
  writer.Key("Type");
  writer.String(inv.type);
  writer.Key("InvoiceID");
  writer.String(inv.id);
  writer.Key("InvoiceNumber");
  writer.String(inv.number);
  writer.Key("Reference");
  writer.String(inv.reference);
  writer.Key("Payments");
  writer.StartArray();
  writer.EndArray();
  writer.Key("CreditNotes");
  writer.StartArray();
  writer.EndArray();
  write_key_money(writer, "AmountDue", inv.amount_due);
  write_key_money(writer, "AmountPaid", inv.amount_paid);
  write_key_money(writer, "AmountCredited", inv.amount_credited);
  writer.Key("CurrencyRate");
  write_decimal(writer, "1.000000");
  writer.Key("IsDiscounted");
  writer.Bool(false);
  writer.Key("HasAttachments");
  writer.Bool(false);
  writer.Key("HasErrors");
  writer.Bool(false);
  writer.Key("Contact");
  writer.StartObject();
  writer.Key("ContactID");
  writer.String(inv.contact_id);
  auto it = contact_index.find(to_lower_ascii(inv.contact_id));
  if (it != contact_index.end()) {
    writer.Key("Name");
    writer.String(string_member(contacts[it->second].json, "Name").value_or(""));
  }
  writer.EndObject();
  writer.Key("DateString");
  writer.String(xero_date_string(inv.date));
  writer.Key("Date");
  writer.String(ms_date(inv.date));
  writer.Key("DueDateString");
  writer.String(xero_date_string(inv.due_date));
  writer.Key("DueDate");
  writer.String(ms_date(inv.due_date));
  writer.Key("Status");
  writer.String(inv.status);
  writer.Key("LineAmountTypes");
  writer.String(inv.line_amount_types);
  writer.Key("LineItems");
  write_line_items(writer, with_lines ? inv.lines : std::vector<XeroLineItem>{});
  write_key_money(writer, "SubTotal", inv.subtotal);
  write_key_money(writer, "TotalTax", inv.total_tax);
  write_key_money(writer, "Total", inv.total);
  writer.Key("UpdatedDateUTC");
  writer.String(ms_date(inv.updated));
  writer.Key("CurrencyCode");
  writer.String(inv.currency);
  if (inv.fully_paid_on) {
    writer.Key("FullyPaidOnDate");
    writer.String(ms_date(*inv.fully_paid_on));
  }
  writer.EndObject();
}

}  // namespace capsync::sandbox
