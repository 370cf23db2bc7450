#include "test/sandbox/freeagent_books.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include <date/date.h>
#include <fmt/format.h>

#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox {
namespace {

using rapidjson::Value;

constexpr std::array<std::string_view, 18> kTextFields{
    "first_name", "last_name", "organisation_name", "email", "billing_email", "phone_number",
    "mobile", "address1", "address2", "address3", "town", "region", "postcode", "country",
    "charge_sales_tax", "sales_tax_registration_number", "status", "locale"};

// Fixed statuses a seed may give; the others follow from amounts and dates.
constexpr std::array<std::string_view, 6> kFixedStatuses{"Draft", "Scheduled To Email", "Written-off",
                                                         "Part written-off", "Refunded", "Cancelled"};

std::optional<TimePoint> day_member(const Value& given, const char* key, const char* offset_key, TimePoint now) {
  if (auto text = string_member(given, key))
    if (auto t = parse_time(*text)) return floor_day(*t);
  if (auto offset = string_member(given, offset_key)) {
    std::int64_t days = 0;
    auto [p, ec] = std::from_chars(offset->data(), offset->data() + offset->size(), days);
    if (ec == std::errc{}) return floor_day(now) + std::chrono::hours(24 * days);
  }
  return std::nullopt;
}

Money money_text(const Value& given, const char* key, Money fallback) {
  auto text = string_member(given, key);
  if (!text) return fallback;
  return parse_money(*text).value_or(fallback);
}

void field(JsonWriter& w, const char* key, const std::string& value) {
  if (value.empty()) return;  // FreeAgent omits empty fields
  w.Key(key);
  w.String(value);
}

}  // namespace

bool freeagent_writable_text_field(std::string_view key) {
  return std::find(kTextFields.begin(), kTextFields.end(), key) != kTextFields.end();
}

std::string freeagent_money(Money value) {
  std::string s = format_money(value);  // two decimals, more when needed
  if (s.ends_with('0') && s[s.size() - 3] == '.') s.pop_back();
  return s;
}

std::string freeagent_timestamp(TimePoint t) { return date::format("%FT%TZ", t); }

std::string freeagent_date(TimePoint t) { return date::format("%F", date::floor<date::days>(t)); }

std::optional<std::int64_t> freeagent_id(std::string_view text) {
  if (auto slash = text.rfind('/'); slash != std::string_view::npos) text.remove_prefix(slash + 1);
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || p != text.data() + text.size() || text.empty()) return std::nullopt;
  return id;
}

std::string FreeAgentContact::text(const std::string& key) const {
  auto it = fields.find(key);
  return it == fields.end() ? std::string() : it->second;
}

std::string FreeAgentContact::sort_name() const {
  return text("organisation_name") + text("last_name") + text("first_name");
}

std::string FreeAgentInvoice::status(TimePoint now) const {
  if (!fixed_status.empty()) return fixed_status;
  if (total() == 0) return "Zero Value";
  if (due() < 0) return "Overpaid";
  if (due() == 0) return "Paid";
  if (due_on < floor_day(now)) return "Overdue";
  return "Open";
}

FreeAgentContact* FreeAgentBooks::contact(std::int64_t id) {
  auto it = std::find_if(contacts.begin(), contacts.end(), [&](const auto& c) { return c.id == id; });
  return it == contacts.end() ? nullptr : &*it;
}

FreeAgentInvoice* FreeAgentBooks::invoice(std::int64_t id) {
  auto it = std::find_if(invoices.begin(), invoices.end(), [&](const auto& i) { return i.id == id; });
  return it == invoices.end() ? nullptr : &*it;
}

bool FreeAgentBooks::has_invoices(std::int64_t contact_id) const {
  return std::any_of(invoices.begin(), invoices.end(), [&](const auto& i) { return i.contact_id == contact_id; });
}

Money FreeAgentBooks::account_balance(std::int64_t contact_id) const {
  Money balance = 0;
  for (const auto& i : invoices)
    if (i.contact_id == contact_id) balance -= i.due();
  return balance;
}

void FreeAgentBooks::load(const Value& section, const Value& exact, TimePoint now) {
  *this = FreeAgentBooks{};
  if (!section.IsObject()) return;
  if (const auto* c = member(section, "company"); c && c->IsObject()) {
    company.name = string_member(*c, "name").value_or(company.name);
    company.subdomain = string_member(*c, "subdomain").value_or(company.subdomain);
    company.currency = string_member(*c, "currency").value_or(company.currency);
  }
  if (const auto* list = member(exact, "contacts"); list && list->IsArray()) {
    for (const auto& given : list->GetArray()) {
      FreeAgentContact contact;
      auto id = freeagent_id(string_member(given, "url").value_or(string_member(given, "id").value_or("")));
      contact.id = id.value_or(next_contact_id);
      next_contact_id = std::max(next_contact_id, contact.id) + 1;
      for (auto key : kTextFields)
        if (auto v = string_member(given, key); v && !v->empty()) contact.fields[std::string(key)] = *v;
      if (!contact.fields.contains("status")) contact.fields["status"] = "Active";
      if (!contact.fields.contains("charge_sales_tax")) contact.fields["charge_sales_tax"] = "Auto";
      if (!contact.fields.contains("locale")) contact.fields["locale"] = "en";
      contact.supplier = bool_member(given, "is_supplier").value_or(false);
      contact.created = parse_time(string_member(given, "created_at").value_or("")).value_or(now);
      contact.updated = parse_time(string_member(given, "updated_at").value_or("")).value_or(contact.created);
      contacts.push_back(std::move(contact));
    }
  }
  const auto* list = member(exact, "invoices");
  if (list == nullptr || !list->IsArray()) return;
  for (const auto& given : list->GetArray()) {
    FreeAgentInvoice inv;
    inv.id = freeagent_id(string_member(given, "url").value_or(string_member(given, "id").value_or("")))
                 .value_or(next_invoice_id);
    next_invoice_id = std::max(next_invoice_id, inv.id) + 1;
    if (auto c = string_member(given, "contact")) inv.contact_id = freeagent_id(*c).value_or(0);
    if (auto name = string_member(given, "contact_name"); name && inv.contact_id == 0) {
      for (const auto& c : contacts)
        if (c.text("organisation_name") == *name || c.text("first_name") + " " + c.text("last_name") == *name)
          inv.contact_id = c.id;
    }
    inv.reference = string_member(given, "reference").value_or(fmt::format("{:03d}", next_reference++));
    inv.currency = string_member(given, "currency").value_or(company.currency);
    inv.fixed_status = string_member(given, "status").value_or("");
    if (std::find(kFixedStatuses.begin(), kFixedStatuses.end(), inv.fixed_status) == kFixedStatuses.end())
      inv.fixed_status.clear();
    if (auto terms = string_member(given, "payment_terms_in_days"))
      std::from_chars(terms->data(), terms->data() + terms->size(), inv.payment_terms_in_days);
    inv.dated_on = day_member(given, "dated_on", "dated_on_offset_days", now).value_or(floor_day(now));
    inv.due_on = day_member(given, "due_on", "due_on_offset_days", now)
                     .value_or(inv.dated_on + std::chrono::hours(24 * inv.payment_terms_in_days));
    inv.sales_tax = money_text(given, "sales_tax_value", 0);
    inv.net = money_text(given, "net_value", money_text(given, "total_value", 0) - inv.sales_tax);
    inv.paid = money_text(given, "paid_value", 0);
    if (auto due = string_member(given, "due_value"); due && !member(given, "paid_value"))
      inv.paid = inv.total() - parse_money(*due).value_or(inv.total());
    inv.created = parse_time(string_member(given, "created_at").value_or("")).value_or(now);
    inv.updated = parse_time(string_member(given, "updated_at").value_or("")).value_or(inv.created);
    invoices.push_back(std::move(inv));
  }
}

void FreeAgentBooks::write_contact(JsonWriter& w, const FreeAgentContact& c, const std::string& api) const {
  w.StartObject();
  w.Key("url");
  w.String(fmt::format("{}/contacts/{}", api, c.id));
  for (auto key : kTextFields) field(w, std::string(key).c_str(), c.text(std::string(key)));
  w.Key("contact_name_on_invoices");
  w.Bool(c.contact_name_on_invoices);
  if (c.default_payment_terms_in_days) {
    w.Key("default_payment_terms_in_days");
    w.Int64(*c.default_payment_terms_in_days);
  }
  w.Key("account_balance");
  w.String(freeagent_money(account_balance(c.id)));
  w.Key("uses_contact_invoice_sequence");
  w.Bool(c.uses_contact_invoice_sequence);
  w.Key("active_projects_count");
  w.Int(0);
  w.Key("created_at");
  w.String(freeagent_timestamp(c.created));
  w.Key("updated_at");
  w.String(freeagent_timestamp(c.updated));
  w.EndObject();
}

void FreeAgentBooks::write_invoice(JsonWriter& w, const FreeAgentInvoice& inv, const std::string& api,
                                   TimePoint now) const {
  w.StartObject();
  w.Key("url");
  w.String(fmt::format("{}/invoices/{}", api, inv.id));
  w.Key("contact");
  w.String(fmt::format("{}/contacts/{}", api, inv.contact_id));
  for (const auto& c : contacts) {
    if (c.id != inv.contact_id) continue;
    std::string person = c.text("first_name") + (c.text("first_name").empty() ? "" : " ") + c.text("last_name");
    field(w, "contact_name", c.text("organisation_name").empty() ? person : c.text("organisation_name"));
  }
  w.Key("dated_on");
  w.String(freeagent_date(inv.dated_on));
  w.Key("due_on");
  w.String(freeagent_date(inv.due_on));
  field(w, "reference", inv.reference);
  w.Key("currency");
  w.String(inv.currency);
  w.Key("exchange_rate");
  w.String("1.0");
  w.Key("net_value");
  w.String(freeagent_money(inv.net));
  w.Key("sales_tax_value");
  w.String(freeagent_money(inv.sales_tax));
  w.Key("total_value");
  w.String(freeagent_money(inv.total()));
  w.Key("paid_value");
  w.String(freeagent_money(inv.paid));
  w.Key("due_value");
  w.String(freeagent_money(inv.due()));
  std::string status = inv.status(now);
  w.Key("status");
  w.String(status);
  w.Key("long_status");
  w.String(status == "Overdue" || status == "Open" ? fmt::format("{} – due on {}", status, freeagent_date(inv.due_on))
                                                   : status);
  w.Key("payment_terms_in_days");
  w.Int64(inv.payment_terms_in_days);
  w.Key("involves_sales_tax");
  w.Bool(inv.sales_tax != 0);
  w.Key("created_at");
  w.String(freeagent_timestamp(inv.created));
  w.Key("updated_at");
  w.String(freeagent_timestamp(inv.updated));
  w.EndObject();
}

void FreeAgentBooks::write_company(JsonWriter& w, const std::string& api) const {
  w.StartObject();
  w.Key("url");
  w.String(api + "/company");
  w.Key("name");
  w.String(company.name);
  w.Key("subdomain");
  w.String(company.subdomain);
  w.Key("type");
  w.String(company.type);
  w.Key("currency");
  w.String(company.currency);
  w.Key("mileage_units");
  w.String("miles");
  w.EndObject();
}

}  // namespace capsync::sandbox
