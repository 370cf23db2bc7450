#include "test/sandbox/kashflow_books.hpp"

#include <charconv>

#include <algorithm>
#include <cctype>
#include <utility>

#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>

#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox {
namespace {

using rapidjson::Value;

// Customer and supplier members the fake keeps as sent (REST customer example, supplier member
// table); the rest are ignored.
constexpr std::string_view kWritable[] = {"Name",          "Contacts",     "Addresses",  "DeliveryAddresses",
                                          "Address",       "Email",        "TelephoneNumber", "MobileNumber",
                                          "FaxNumber",     "Website",      "Note",       "VatNumber",
                                          "PaymentTerms",  "Currency",     "DiscountRate", "Source"};

const date::time_zone* london() {
  static const date::time_zone* zone = date::locate_zone("Europe/London");
  return zone;
}

Money money_member(const Value& object, std::string_view key, Money fallback) {
  const Value* v = member(object, key);
  if (v == nullptr || !v->IsString()) return fallback;
  return parse_money(v->GetString()).value_or(fallback);
}

TimePoint time_member(const Value& object, std::string_view key, TimePoint fallback) {
  auto text = string_member(object, key);
  if (!text) return fallback;
  return parse_kashflow_time(*text).value_or(fallback);
}

TimePoint day_member(const Value& object, const char* key, const char* offset_key, TimePoint fallback, TimePoint now) {
  if (auto text = string_member(object, key))
    if (auto t = parse_kashflow_time(*text)) return floor_day(*t);
  if (auto days = int_member(object, offset_key)) return floor_day(now) + std::chrono::hours(24 * *days);
  return fallback;
}

void write_money(JsonWriter& w, const char* key, Money value) {
  w.Key(key);
  write_decimal(w, format_money(value));
}

void write_text(JsonWriter& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_time(JsonWriter& w, const char* key, TimePoint t) { write_text(w, key, kashflow_time(t)); }

std::string derived_status(const KashFlowInvoice& inv, TimePoint now) {
  if (!inv.status.empty()) return inv.status;
  if (inv.paid >= inv.gross) return "Paid";
  if (inv.due < floor_day(now)) return "Overdue";
  return inv.paid > 0 ? "PartiallyPaid" : "Unpaid";
}

// Purchases document Unpaid, Paid, Overpaid, Overdue and NA (a zero amount).
std::string purchase_status(const KashFlowInvoice& p, TimePoint now) {
  if (!p.status.empty()) return p.status;
  if (p.gross == 0) return "NA";
  if (p.paid > p.gross) return "Overpaid";
  std::string status = derived_status(p, now);
  return status == "PartiallyPaid" ? "Unpaid" : status;
}

void write_currency(JsonWriter& w, std::string_view code) {
  w.Key("Currency");
  w.StartObject();
  write_text(w, "Code", code);
  w.Key("ExchangeRate");
  write_decimal(w, "1.0000");
  w.EndObject();
}

// The members a sales invoice and a purchase share from Id to TotalPaidAmount; `party` is
// "Customer" or "Supplier", `c` that party (null for a code no longer on file).
void write_document_head(JsonWriter& w, const KashFlowInvoice& d, std::string_view party, const KashFlowContact* c) {
  w.Key("Id");
  w.Int64(d.id);
  w.Key("Number");
  w.Int64(d.number);
  std::string id_key = fmt::format("{}Id", party), code_key = fmt::format("{}Code", party),
              name_key = fmt::format("{}Name", party);
  w.Key(id_key.c_str());
  w.Int64(c ? c->id : 0);
  write_text(w, code_key.c_str(), d.party_code);
  write_text(w, name_key.c_str(), c ? c->name() : std::string());
  write_time(w, "IssuedDate", d.issued);
  write_time(w, "DueDate", d.due);
  write_money(w, "NetAmount", d.net);
  write_money(w, "VATAmount", d.vat);
  write_money(w, "GrossAmount", d.gross);
  write_money(w, "HomeCurrencyGrossAmount", d.gross);
  write_money(w, "TotalPaidAmount", d.paid);
}

// PaidDate (the due date once paid in full, null before), Status, Currency and the Permalink
// of document kind `kind` ("invoice", "purchaseorder"), which both documents end with.
void write_document_tail(JsonWriter& w, const KashFlowInvoice& d, std::string_view status, std::string_view kind) {
  w.Key("PaidDate");
  if (d.paid >= d.gross)
    w.String(kashflow_time(d.due));
  else
    w.Null();
  write_text(w, "Status", status);
  write_currency(w, d.currency);
  write_text(w, "Permalink", fmt::format("/v2/documents/{}/{:08x}-0000-4000-8000-{:012x}", kind, d.id, d.number));
}

}  // namespace

std::string kashflow_time(TimePoint t) {
  auto zoned = date::make_zoned(london(), std::chrono::floor<std::chrono::seconds>(t));
  auto offset = std::chrono::duration_cast<std::chrono::minutes>(zoned.get_info().offset).count();
  char sign = offset < 0 ? '-' : '+';
  offset = std::abs(offset);
  return fmt::format("{} {}{:02}:{:02}", date::format("%Y-%m-%d %H:%M:%S", zoned.get_local_time()), sign,
                     offset / 60, offset % 60);
}

std::optional<TimePoint> parse_kashflow_time(std::string_view text) {
  if (text.size() >= 19 && text[10] == ' ') {
    auto number = [&](std::size_t at, std::size_t n) {
      int v = 0;
      for (std::size_t i = at; i < at + n; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return -1;
        v = v * 10 + (text[i] - '0');
      }
      return v;
    };
    int y = number(0, 4), mo = number(5, 2), d = number(8, 2), h = number(11, 2), mi = number(14, 2), sec = number(17, 2);
    date::year_month_day day{date::year(y), date::month(static_cast<unsigned>(mo)), date::day(static_cast<unsigned>(d))};
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0 || !day.ok()) return std::nullopt;
    date::local_seconds local = date::local_days(day) + std::chrono::hours(h) + std::chrono::minutes(mi) +
                                std::chrono::seconds(sec);
    std::string_view rest = text.substr(19);
    if (rest.empty())
      return std::chrono::time_point_cast<std::chrono::milliseconds>(
          london()->to_sys(local, date::choose::earliest));
    if (rest.size() != 7 || rest[0] != ' ' || (rest[1] != '+' && rest[1] != '-') || rest[4] != ':') return std::nullopt;
    int hours = number(21, 2), minutes = number(24, 2);
    if (hours < 0 || minutes < 0) return std::nullopt;
    auto offset = std::chrono::minutes(hours * 60 + minutes) * (rest[1] == '-' ? -1 : 1);
    return TimePoint(std::chrono::duration_cast<std::chrono::milliseconds>(local.time_since_epoch() - offset));
  }
  return parse_time(text);
}

std::string KashFlowContact::name() const { return string_member(fields, "Name").value_or(""); }

void KashFlowBooks::merge(KashFlowContact& contact, const Value& body) {
  auto& alloc = contact.fields.GetAllocator();
  for (auto key : kWritable) {
    const Value* v = member(body, key);
    if (v == nullptr) continue;
    Value copy(*v, alloc);
    set_member(contact.fields, key, std::move(copy), alloc);
  }
  if (auto archived = bool_member(body, "IsArchived")) contact.archived = *archived;
}

KashFlowContact* KashFlowBooks::find(KashFlowRole role, std::string_view code) {
  return const_cast<KashFlowContact*>(std::as_const(*this).find(role, code));
}

const KashFlowContact* KashFlowBooks::find(KashFlowRole role, std::string_view code) const {
  for (const auto& c : contacts(role))
    if (c.code == code) return &c;
  return nullptr;
}

std::string KashFlowBooks::new_code(KashFlowRole role, std::string_view name) const {
  std::string stem;
  for (char ch : name)
    if (std::isalnum(static_cast<unsigned char>(ch)) && stem.size() < 4)
      stem += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (stem.empty()) stem = role == KashFlowRole::customer ? "CUST" : "SUPP";
  for (int n = 1;; ++n) {
    std::string code = fmt::format("{}{:02}", stem, n);
    if (find(role, code) == nullptr) return code;
  }
}

void KashFlowBooks::load(const Value& section, const Value& exact, TimePoint now) {
  customers.clear();
  invoices.clear();
  suppliers.clear();
  purchases.clear();
  quotes.clear();
  next_id = 1000;
  next_quote_number = 1;
  quote_due_date = "30 Days";
  if (const Value* settings = member(section, "quoteSettings"))
    quote_due_date = string_member(*settings, "QuoteDueDate").value_or(quote_due_date);
  auto seeded_id = [&](const Value& v) {
    auto id = int_member(v, "Id").value_or(next_id);
    next_id = std::max(next_id, id) + 1;
    return id;
  };
  auto load_contacts = [&](KashFlowRole role, const char* key) {
    const Value* list = member(section, key);
    if (list == nullptr || !list->IsArray()) return;
    for (const auto& c : list->GetArray()) {
      KashFlowContact contact;
      contact.id = seeded_id(c);
      merge(contact, c);
      contact.code = string_member(c, "Code").value_or("");
      if (contact.code.empty() || find(role, contact.code)) contact.code = new_code(role, contact.name());
      contact.created = time_member(c, "CreatedDate", now);
      contact.updated = time_member(c, "LastUpdatedDate", contact.created);
      contacts(role).push_back(std::move(contact));
    }
  };
  load_contacts(KashFlowRole::customer, "customers");
  auto load_invoices = [&](const char* key, const char* party_key, std::vector<KashFlowInvoice>& out) {
    const Value* list = member(section, key);
    const Value* exact_list = member(exact, key);
    if (list == nullptr || !list->IsArray() || exact_list == nullptr) return;
    std::int64_t number = 1;
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
      const Value& v = (*list)[i];
      const Value& x = (*exact_list)[i];
      KashFlowInvoice inv;
      inv.id = seeded_id(v);
      inv.number = int_member(v, "Number").value_or(number);
      number = inv.number + 1;
      inv.party_code = string_member(v, party_key).value_or("");
      inv.status = string_member(v, "Status").value_or("");
      if (const Value* currency = member(v, "Currency"))
        inv.currency = currency->IsString() ? currency->GetString() : string_member(*currency, "Code").value_or("GBP");
      inv.issued = day_member(v, "IssuedDate", "IssuedDateOffsetDays", floor_day(now), now);
      inv.due = day_member(v, "DueDate", "DueDateOffsetDays", inv.issued + std::chrono::hours(24 * 30), now);
      inv.gross = money_member(x, "GrossAmount", 0);
      inv.vat = money_member(x, "VATAmount", 0);
      inv.net = money_member(x, "NetAmount", inv.gross - inv.vat);
      if (member(x, "GrossAmount") == nullptr) inv.gross = inv.net + inv.vat;
      inv.paid = money_member(x, "TotalPaidAmount", 0);
      out.push_back(std::move(inv));
    }
  };
  load_invoices("invoices", "CustomerCode", invoices);
  load_contacts(KashFlowRole::supplier, "suppliers");
  load_invoices("purchases", "SupplierCode", purchases);
  const Value* list = member(section, "quotes");
  const Value* exact_list = member(exact, "quotes");
  if (list == nullptr || !list->IsArray() || exact_list == nullptr) return;
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    const Value& v = (*list)[i];
    const Value& x = (*exact_list)[i];
    KashFlowQuote q;
    q.id = seeded_id(v);
    q.number = int_member(v, "Number").value_or(next_quote_number);
    next_quote_number = std::max(next_quote_number, q.number + 1);
    q.customer_code = string_member(v, "CustomerCode").value_or("");
    q.reference = string_member(v, "CustomerReference").value_or("");
    if (const Value* currency = member(v, "Currency"))
      q.currency = currency->IsString() ? currency->GetString() : string_member(*currency, "Code").value_or("GBP");
    q.date = day_member(v, "Date", "DateOffsetDays", floor_day(now), now);
    KashFlowQuoteLine line;
    line.description = string_member(v, "Description").value_or("Services");
    line.rate = money_member(x, "NetAmount", 0);
    line.vat_rate = money_member(x, "VATRate", 0);
    q.lines.push_back(std::move(line));
    quotes.push_back(std::move(q));
  }
}

Money KashFlowQuote::net() const {
  Money sum = 0;
  for (const auto& l : lines) sum += l.net();
  return sum;
}

Money KashFlowQuote::vat() const {
  Money sum = 0;
  for (const auto& l : lines) sum += l.vat();
  return sum;
}

void KashFlowBooks::write_quote(JsonWriter& w, const KashFlowQuote& q) const {
  const KashFlowContact* c = find(KashFlowRole::customer, q.customer_code);
  w.StartObject();
  w.Key("Id");
  w.Int64(q.id);
  w.Key("Number");
  w.Int64(q.number);
  write_time(w, "Date", q.date);
  write_text(w, "CustomerCode", q.customer_code);
  write_text(w, "CustomerName", c ? c->name() : std::string());
  write_text(w, "CustomerReference", q.reference);
  write_money(w, "NetAmount", q.net());
  write_money(w, "VATAmount", q.vat());
  write_money(w, "GrossAmount", q.net() + q.vat());
  w.Key("Category");
  w.Null();
  write_currency(w, q.currency);
  w.Key("LineItems");
  w.StartArray();
  for (std::size_t n = 0; n < q.lines.size(); ++n) {
    const auto& l = q.lines[n];
    w.StartObject();
    w.Key("Number");
    w.Int64(static_cast<std::int64_t>(n + 1));
    write_money(w, "Quantity", l.quantity);
    write_money(w, "Rate", l.rate);
    write_text(w, "Description", l.description);
    write_money(w, "VATRate", l.vat_rate);
    write_money(w, "VATAmount", l.vat());
    write_money(w, "NetAmount", l.net());
    w.Key("ChargeType");
    w.Int64(l.charge_type);
    w.EndObject();
  }
  w.EndArray();
  w.Key("ProjectNumber");
  w.Null();
  w.Key("SuppressAmount");
  w.Bool(false);
  write_text(w, "Permalink", fmt::format("/v2/documents/quote/{:08x}-0000-4000-8000-{:012x}", q.id, q.number));
  w.EndObject();
}

std::optional<std::pair<std::string, std::string>> KashFlowBooks::read_quote(const Value& body, KashFlowQuote& q) const {
  if (auto code = string_member(body, "CustomerCode")) q.customer_code = *code;
  if (find(KashFlowRole::customer, q.customer_code) == nullptr)
    return std::pair{std::string("CustomerNotFound"), std::string("Customer not found.")};
  if (auto date = string_member(body, "Date")) {
    auto t = parse_kashflow_time(*date);
    if (!t) return std::pair{std::string("InvalidDate"), std::string("Quote date is not a valid date.")};
    q.date = floor_day(*t);
  }
  if (auto reference = string_member(body, "CustomerReference")) q.reference = *reference;
  if (const Value* currency = member(body, "Currency"))
    q.currency = currency->IsString() ? currency->GetString() : string_member(*currency, "Code").value_or(q.currency);
  if (const Value* items = member(body, "LineItems")) {
    if (!items->IsArray() || items->Empty())
      return std::pair{std::string("LineItemsRequired"), std::string("A quote needs at least one line item.")};
    std::vector<KashFlowQuoteLine> lines;
    for (const auto& item : items->GetArray()) {
      KashFlowQuoteLine line;
      line.description = string_member(item, "Description").value_or("");
      auto quantity = money_member(item, "Quantity", -1);
      auto rate = money_member(item, "Rate", -1);
      if (quantity < 0 || rate < 0)
        return std::pair{std::string("InvalidLineItem"), std::string("Line item quantity and rate must be numbers.")};
      line.quantity = quantity;
      line.rate = rate;
      line.vat_rate = money_member(item, "VATRate", 0);
      if (auto code = string_member(item, "ChargeType"); code && !code->empty()) {
        auto [p, ec] = std::from_chars(code->data(), code->data() + code->size(), line.charge_type);
        if (ec != std::errc{} || p != code->data() + code->size())
          return std::pair{std::string("InvalidChargeType"), std::string("Charge type is not a nominal code.")};
      }
      lines.push_back(std::move(line));
    }
    q.lines = std::move(lines);
  }
  if (q.lines.empty()) return std::pair{std::string("LineItemsRequired"), std::string("A quote needs at least one line item.")};
  return std::nullopt;
}

void KashFlowBooks::write_contact(JsonWriter& w, KashFlowRole role, const KashFlowContact& c) const {
  const bool customer = role == KashFlowRole::customer;
  w.StartObject();
  w.Key("Id");
  w.Int64(c.id);
  write_text(w, "Code", c.code);
  write_text(w, "Name", c.name());
  if (customer) write_text(w, "DisplayName", c.name());
  for (const auto& m : c.fields.GetObject()) {
    std::string_view key(m.name.GetString(), m.name.GetStringLength());
    if (key == "Name") continue;
    w.Key(m.name.GetString(), m.name.GetStringLength());
    m.value.Accept(w);
  }
  for (auto key : {"Contacts", "Addresses", "DeliveryAddresses"})
    if (!c.fields.HasMember(key) && (customer || std::string_view(key) == "Contacts")) {
      w.Key(key);
      w.StartArray();
      w.EndArray();
    }
  if (!customer && !c.fields.HasMember("Address")) {
    w.Key("Address");
    w.StartObject();
    w.EndObject();
  }
  for (auto key : {"Email", "TelephoneNumber", "MobileNumber", "FaxNumber", "Website"})
    if (!c.fields.HasMember(key)) write_text(w, key, "");
  Money outstanding = 0, paid = 0;
  int count = 0;
  for (const auto& inv : documents(role))
    if (inv.party_code == c.code) {
      outstanding += inv.gross - inv.paid;
      paid += inv.paid;
      ++count;
    }
  write_money(w, "OutstandingBalance", outstanding);
  write_money(w, "TotalPaidAmount", paid);
  if (customer) {
    w.Key("InvoiceCount");
    w.Int(count);
  }
  w.Key("IsArchived");
  w.Bool(c.archived);
  write_time(w, "CreatedDate", c.created);
  write_time(w, "LastUpdatedDate", c.updated);
  if (customer) {
    w.Key("CreateCustomerCodeIfDuplicate");
    w.Bool(false);
    w.Key("CreateCustomerNameIfEmptyOrNull");
    w.Bool(false);
  }
  w.EndObject();
}

void KashFlowBooks::write_invoice(JsonWriter& w, const KashFlowInvoice& inv, TimePoint now) const {
  w.StartObject();
  write_document_head(w, inv, "Customer", find(KashFlowRole::customer, inv.party_code));
  auto overdue = inv.paid < inv.gross && inv.due < floor_day(now)
                     ? std::chrono::duration_cast<std::chrono::hours>(floor_day(now) - inv.due).count() / 24
                     : 0;
  w.Key("OverdueDays");
  w.Int64(overdue);
  write_document_tail(w, inv, derived_status(inv, now), "invoice");
  w.Key("LineItems");
  w.Null();
  w.Key("PaymentLines");
  w.Null();
  w.EndObject();
}

void KashFlowBooks::write_purchase(JsonWriter& w, const KashFlowInvoice& p, TimePoint now) const {
  w.StartObject();
  write_document_head(w, p, "Supplier", find(KashFlowRole::supplier, p.party_code));
  write_document_tail(w, p, purchase_status(p, now), "purchaseorder");
  w.EndObject();
}

}  // namespace capsync::sandbox
