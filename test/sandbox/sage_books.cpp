#include "test/sandbox/sage_books.hpp"

#include <algorithm>

#include <date/date.h>
#include <fmt/format.h>

#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox {
namespace {

using rapidjson::Value;

// postContacts/putContacts members capsync's fake keeps (swagger); the rest are ignored.
constexpr std::string_view kWritable[] = {"name", "reference", "notes", "tax_number", "credit_limit", "credit_days",
                                          "currency_id", "main_address", "main_contact_person", "delivery_address",
                                          "registered_number", "locale", "aux_reference"};

std::optional<TimePoint> time_member(const Value& object, std::string_view key) {
  auto text = string_member(object, key);
  return text ? parse_time(*text) : std::nullopt;
}

Money money_member(const Value& object, std::string_view key, Money fallback) {
  const Value* v = member(object, key);
  if (v == nullptr) return fallback;
  if (v->IsString()) return parse_money(v->GetString()).value_or(fallback);
  if (v->IsInt64()) return v->GetInt64() * kMoneyScale;
  return fallback;
}

TimePoint day_member(const Value& object, const char* key, const char* offset_key, TimePoint fallback, TimePoint now) {
  if (auto text = string_member(object, key))
    if (auto t = parse_time(*text)) return floor_day(*t);
  if (auto days = int_member(object, offset_key)) return floor_day(now) + std::chrono::hours(24 * *days);
  return fallback;
}

std::string type_name(std::string_view id) { return id == "VENDOR" ? "Supplier" : "Customer"; }

std::string status_name(std::string_view id) {
  if (id == "DRAFT") return "Draft";
  if (id == "UNPAID") return "Unpaid";
  if (id == "PART_PAID") return "Part Paid";
  if (id == "PAID") return "Paid";
  if (id == "VOID") return "Void";
  return std::string(id);
}

}  // namespace

std::string sage_date(TimePoint t) { return date::format("%F", std::chrono::floor<date::days>(t)); }

void sage_write_ref(JsonWriter& w, const char* key, std::string_view id, std::string_view shown, std::string_view path) {
  w.Key(key);
  w.StartObject();
  w.Key("id");
  w.String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
  w.Key("displayed_as");
  w.String(shown.data(), static_cast<rapidjson::SizeType>(shown.size()));
  w.Key("$path");
  w.String(path.data(), static_cast<rapidjson::SizeType>(path.size()));
  w.EndObject();
}

void sage_write_money(JsonWriter& w, const char* key, Money value) {
  w.Key(key);
  write_decimal(w, format_money(value));
}

std::string SageContact::name() const { return string_member(fields, "name").value_or(""); }
std::string SageContact::reference() const { return string_member(fields, "reference").value_or(""); }

SageAttributes SageAttributes::parse(std::string_view text) {
  SageAttributes out;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string name(text.substr(0, comma));
    if (name == "all") out.all = true;
    else if (!name.empty()) out.names.insert(name);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return out;
}

void sage_merge_contact_fields(SageContact& contact, const Value& given) {
  auto& alloc = contact.fields.GetAllocator();
  for (const auto& m : given.GetObject()) {
    std::string_view key(m.name.GetString(), m.name.GetStringLength());
    if (std::find(std::begin(kWritable), std::end(kWritable), key) == std::end(kWritable)) continue;
    if (key == "currency_id") {
      Value currency(rapidjson::kObjectType);
      set_member(currency, "id", Value(m.value, alloc), alloc);
      set_member(contact.fields, "currency", std::move(currency), alloc);
      continue;
    }
    if (!m.value.IsObject()) {
      set_member(contact.fields, key, Value(m.value, alloc), alloc);
      continue;
    }
    Value key_value(key.data(), static_cast<rapidjson::SizeType>(key.size()), alloc);
    auto found = contact.fields.FindMember(key_value);
    if (found == contact.fields.MemberEnd() || !found->value.IsObject()) {
      set_member(contact.fields, key, Value(rapidjson::kObjectType), alloc);
      found = contact.fields.FindMember(key_value);
    }
    Value* target = &found->value;
    for (const auto& inner : m.value.GetObject()) {
      std::string_view inner_key(inner.name.GetString(), inner.name.GetStringLength());
      if (inner_key == "country_id") {
        Value country(rapidjson::kObjectType);
        set_member(country, "id", Value(inner.value, alloc), alloc);
        set_member(*target, "country", std::move(country), alloc);
      } else {
        set_member(*target, inner_key, Value(inner.value, alloc), alloc);
      }
    }
  }
}

std::string SageBooks::new_id() {
  // Sage ids are 32 hex digits (GUIDs without hyphens).
  return fmt::format("{:08x}{:024x}", std::hash<std::string>{}(id) & 0xffffffffu, next_serial++);
}

SageContact* SageBooks::contact(std::string_view wanted) {
  for (auto& c : contacts)
    if (c.id == wanted && !c.deleted) return &c;
  return nullptr;
}

const SageContact* SageBooks::any_contact(std::string_view wanted) const {
  for (const auto& c : contacts)
    if (c.id == wanted) return &c;
  return nullptr;
}

bool SageBooks::has_invoices(std::string_view contact_id) const {
  return std::any_of(invoices.begin(), invoices.end(),
                     [&](const SageInvoice& i) { return i.contact_id == contact_id && !i.deleted; });
}

void SageBooks::load(const Value& section, const Value& exact, TimePoint now) {
  contacts.clear();
  invoices.clear();
  idempotency.clear();
  window_used = 0;
  next_quote_number = 0;
  sage_load_quotes(*this, section, exact, now);
  if (!section.IsObject()) return;
  if (const auto* list = member(section, "contacts"); list && list->IsArray()) {
    for (const auto& c : list->GetArray()) {
      SageContact contact;
      contact.id = string_member(c, "id").value_or(new_id());
      sage_merge_contact_fields(contact, c);
      if (auto email = string_member(c, "email"); email && !member(contact.fields, "main_contact_person")) {
        Value person(rapidjson::kObjectType);
        set_string(person, "email", *email, contact.fields.GetAllocator());
        set_member(contact.fields, "main_contact_person", std::move(person), contact.fields.GetAllocator());
      }
      set_member(contact.fields, "is_active", Value(bool_member(c, "is_active").value_or(true)),
                 contact.fields.GetAllocator());
      if (const auto* types = member(c, "contact_type_ids"); types && types->IsArray())
        for (const auto& t : types->GetArray())
          if (t.IsString()) contact.types.emplace_back(t.GetString());
      if (contact.types.empty()) contact.types.emplace_back("CUSTOMER");
      contact.created = time_member(c, "created_at").value_or(now);
      contact.updated = time_member(c, "updated_at").value_or(contact.created);
      if (auto deleted = string_member(c, "deleted_at")) contact.deleted = parse_time(*deleted);
      contacts.push_back(std::move(contact));
    }
  }
  for (bool purchase : {false, true}) {
    const char* key = purchase ? "purchase_invoices" : "sales_invoices";
    const auto* list = member(section, key);
    const auto* exact_list = member(exact, key);
    if (list == nullptr || !list->IsArray() || exact_list == nullptr) continue;
    for (rapidjson::SizeType n = 0; n < list->Size(); ++n) {
      const Value& e = (*list)[n];
      const Value& x = (*exact_list)[n];
      SageInvoice inv;
      inv.purchase = purchase;
      inv.id = string_member(e, "id").value_or(new_id());
      inv.contact_id = string_member(e, "contact_id").value_or("");
      if (auto contact_name = string_member(e, "contact_name"); inv.contact_id.empty() && contact_name)
        for (const auto& c : contacts)
          if (c.name() == *contact_name) inv.contact_id = c.id;
      inv.number = string_member(e, purchase ? "vendor_reference" : "invoice_number")
                       .value_or(fmt::format("{}-{}", purchase ? "PI" : "SI", invoices.size() + 1));
      inv.reference = string_member(e, "reference").value_or("");
      inv.currency = string_member(e, "currency_id").value_or("GBP");
      inv.date = day_member(e, "date", "date_offset_days", floor_day(now), now);
      inv.due_date = day_member(e, "due_date", "due_date_offset_days", inv.date + std::chrono::hours(24 * 30), now);
      inv.total = money_member(x, "total_amount", 0);
      inv.tax = money_member(x, "tax_amount", 0);
      inv.net = money_member(x, "net_amount", inv.total - inv.tax);
      inv.paid = money_member(x, "total_paid", 0);
      if (member(x, "outstanding_amount") && !member(x, "total_paid"))
        inv.paid = inv.total - money_member(x, "outstanding_amount", 0);
      inv.status = string_member(e, "status_id")
                       .value_or(inv.paid == 0 ? "UNPAID" : inv.paid >= inv.total ? "PAID" : "PART_PAID");
      inv.void_reason = string_member(e, "void_reason").value_or("");
      inv.sent = bool_member(e, "sent").value_or(false);
      inv.created = time_member(e, "created_at").value_or(now);
      inv.updated = time_member(e, "updated_at").value_or(inv.created);
      if (auto deleted = string_member(e, "deleted_at")) inv.deleted = parse_time(*deleted);
      invoices.push_back(std::move(inv));
    }
  }
}

void SageBooks::write_contact(JsonWriter& w, const SageContact& c, const SageAttributes& shown) const {
  std::string contact_name = c.name(), reference = c.reference();
  std::string displayed = reference.empty() ? contact_name : fmt::format("{} ({})", contact_name, reference);
  w.StartObject();
  w.Key("id");
  w.String(c.id);
  w.Key("displayed_as");
  w.String(displayed);
  w.Key("$path");
  w.String("/contacts/" + c.id);
  auto show = [&](std::string_view key) {
    if (!shown.shows(key)) return false;
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    return true;
  };
  if (show("created_at")) w.String(iso_seconds(c.created));
  if (show("updated_at")) w.String(iso_seconds(c.updated));
  if (c.deleted && show("deleted_at")) w.String(iso_seconds(*c.deleted));
  if (show("contact_types")) {
    w.StartArray();
    for (const auto& t : c.types) {
      w.StartObject();
      w.Key("id");
      w.String(t);
      w.Key("displayed_as");
      w.String(type_name(t));
      w.Key("$path");
      w.String("/contact_types/" + t);
      w.EndObject();
    }
    w.EndArray();
  }
  for (const auto& m : c.fields.GetObject()) {
    std::string_view key(m.name.GetString(), m.name.GetStringLength());
    if (!show(key)) continue;
    if (key == "main_contact_person" && m.value.IsObject()) {
      w.StartObject();
      for (const auto& inner : m.value.GetObject()) {
        w.Key(inner.name.GetString(), inner.name.GetStringLength());
        inner.value.Accept(w);
      }
      w.Key("is_main_contact");
      w.Bool(true);
      w.Key("displayed_as");
      w.String(string_member(m.value, "name").value_or(""));
      w.EndObject();
      continue;
    }
    m.value.Accept(w);
  }
  // The top-level email mirrors the main contact person's (read-only).
  if (show("email")) {
    const Value* person = member(c.fields, "main_contact_person");
    auto email = person ? string_member(*person, "email") : std::nullopt;
    if (email) w.String(*email);
    else w.Null();
  }
  if (show("system")) w.Bool(false);
  if (show("deletable")) w.Bool(!has_invoices(c.id));
  w.EndObject();
}

void SageBooks::write_invoice(JsonWriter& w, const SageInvoice& inv, const SageAttributes& shown) const {
  const char* resource = inv.purchase ? "purchase_invoices" : "sales_invoices";
  w.StartObject();
  w.Key("id");
  w.String(inv.id);
  w.Key("displayed_as");
  w.String(inv.number);
  w.Key("$path");
  w.String(fmt::format("/{}/{}", resource, inv.id));
  auto show = [&](const char* key) {
    if (!shown.shows(key)) return false;
    w.Key(key);
    return true;
  };
  if (show("created_at")) w.String(iso_seconds(inv.created));
  if (show("updated_at")) w.String(iso_seconds(inv.updated));
  if (inv.deleted && show("deleted_at")) w.String(iso_seconds(*inv.deleted));
  const SageContact* contact = any_contact(inv.contact_id);
  std::string contact_name = contact ? contact->name() : std::string();
  if (shown.shows("contact")) sage_write_ref(w, "contact", inv.contact_id, contact_name, "/contacts/" + inv.contact_id);
  if (show("contact_name")) w.String(contact_name);
  if (show("contact_reference")) w.String(contact ? contact->reference() : std::string());
  if (show(inv.purchase ? "vendor_reference" : "invoice_number")) w.String(inv.number);
  if (show("reference")) w.String(inv.reference);
  if (show("date")) w.String(sage_date(inv.date));
  if (show("due_date")) w.String(sage_date(inv.due_date));
  if (shown.shows("status"))
    sage_write_ref(w, "status", inv.status, status_name(inv.status), "/artefact_statuses/" + inv.status);
  if (!inv.purchase && show("sent")) w.Bool(inv.sent);
  if (shown.shows("currency")) sage_write_ref(w, "currency", inv.currency, inv.currency, "/currencies/" + inv.currency);
  if (shown.shows("net_amount")) sage_write_money(w, "net_amount", inv.net);
  if (shown.shows("tax_amount")) sage_write_money(w, "tax_amount", inv.tax);
  if (shown.shows("total_amount")) sage_write_money(w, "total_amount", inv.total);
  if (shown.shows("total_paid")) sage_write_money(w, "total_paid", inv.paid);
  if (shown.shows("outstanding_amount")) sage_write_money(w, "outstanding_amount", inv.outstanding());
  if (!inv.void_reason.empty() && show("void_reason")) w.String(inv.void_reason);
  w.EndObject();
}

}  // namespace capsync::sandbox
