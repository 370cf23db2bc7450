#include "test/sandbox/freshbooks_books.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include <date/tz.h>
#include <fmt/format.h>

namespace capsync::sandbox {
namespace {

using rapidjson::Value;

constexpr std::array<std::string_view, 24> kTextFields{
    "fname", "lname", "organization", "email", "bus_phone", "mob_phone", "home_phone", "fax",
    "p_street", "p_street2", "p_city", "p_province", "p_code", "p_country",
    "s_street", "s_street2", "s_city", "s_province", "s_code", "s_country",
    "currency_code", "note", "language", "vat_number"};

const date::time_zone& eastern_zone() {
  static const date::time_zone* zone = date::locate_zone("America/New_York");
  return *zone;
}

// v3_status -> the numeric status FreshBooks writes next to it.
int numeric_status(std::string_view v3) {
  if (v3 == "disputed") return 0;
  if (v3 == "draft" || v3 == "created") return 1;
  if (v3 == "viewed") return 3;
  if (v3 == "paid") return 4;
  if (v3 == "autopaid") return 5;
  if (v3 == "retry") return 6;
  if (v3 == "failed") return 7;
  if (v3 == "partial") return 8;
  return 2;  // sent
}

// A money member: a decimal (number or string) or {"amount":…,"code":…}.
std::optional<Money> money_member(const Value& exact, const char* key) {
  const auto* v = member(exact, key);
  if (v == nullptr) return std::nullopt;
  if (v->IsObject()) v = member(*v, "amount");
  if (v == nullptr || !v->IsString()) return std::nullopt;
  return parse_money(std::string_view(v->GetString(), v->GetStringLength()));
}

std::string date_member(const Value& given, const char* key, const char* offset_key, TimePoint now) {
  if (auto text = string_member(given, key)) return *text;
  if (auto offset = int_member(given, offset_key)) return eastern_date(now + std::chrono::hours(24 * *offset));
  return {};
}

TimePoint updated_member(const Value& given, const char* key, TimePoint fallback) {
  if (auto text = string_member(given, key))
    if (auto t = parse_eastern(*text)) return *t;
  return fallback;
}

}  // namespace

void write_money(JsonWriter& w, const char* key, Money value, const std::string& currency) {
  w.Key(key);
  w.StartObject();
  w.Key("amount");
  w.String(format_money(value));
  w.Key("code");
  w.String(currency);
  w.EndObject();
}

std::string eastern_time(TimePoint t) {
  return date::format("%F %T", eastern_zone().to_local(date::floor<std::chrono::seconds>(t)));
}

std::string eastern_date(TimePoint t) {
  return date::format("%F", date::floor<date::days>(eastern_zone().to_local(t)));
}

std::optional<TimePoint> parse_eastern(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  auto read = [&](std::size_t pos, std::size_t width, int& out) {
    if (pos + width > text.size()) return false;
    auto [p, ec] = std::from_chars(text.data() + pos, text.data() + pos + width, out);
    return ec == std::errc{} && p == text.data() + pos + width;
  };
  if (!read(0, 4, y) || text.size() < 10 || text[4] != '-' || !read(5, 2, mo) || text[7] != '-' || !read(8, 2, d))
    return std::nullopt;
  if (text.size() != 10 && (text.size() != 19 || text[10] != ' ' || !read(11, 2, h) || text[13] != ':' ||
                            !read(14, 2, mi) || text[16] != ':' || !read(17, 2, s)))
    return std::nullopt;
  date::year_month_day ymd{date::year(y), date::month(static_cast<unsigned>(mo)), date::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  auto local = date::local_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(s);
  auto sys = eastern_zone().to_sys(local, date::choose::earliest);
  return TimePoint(std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()));
}

bool freshbooks_client_text_field(std::string_view key) {
  return std::find(kTextFields.begin(), kTextFields.end(), key) != kTextFields.end();
}

std::string FreshBooksClient::text(const std::string& key) const {
  auto it = fields.find(key);
  return it == fields.end() ? std::string() : it->second;
}

std::string FreshBooksInvoice::v3_status() const {
  if (!fixed_status.empty()) return fixed_status;
  if (amount > 0 && paid >= amount) return "paid";
  if (paid > 0) return "partial";
  return "sent";
}

FreshBooksClient* FreshBooksBooks::client(std::int64_t id) {
  auto it = std::find_if(clients.begin(), clients.end(), [&](const auto& c) { return c.id == id; });
  return it == clients.end() ? nullptr : &*it;
}

FreshBooksInvoice* FreshBooksBooks::invoice(std::int64_t id) {
  auto it = std::find_if(invoices.begin(), invoices.end(), [&](const auto& i) { return i.id == id; });
  return it == invoices.end() ? nullptr : &*it;
}

void FreshBooksBooks::load(const Value& section, const Value& exact, TimePoint now) {
  *this = FreshBooksBooks{};
  auto add_business = [&](const Value& b) {
    FreshBooksBusiness business;
    business.id = int_member(b, "id").value_or(439000 + static_cast<std::int64_t>(businesses.size()));
    business.name = string_member(b, "name").value_or("Sandbox Studio Inc.");
    business.account_id = string_member(b, "account_id").value_or(fmt::format("SBX{:03d}", businesses.size() + 1));
    business.business_uuid = string_member(b, "business_uuid").value_or(fmt::format("0f1e2d3c-0000-4000-8000-{:012d}", business.id));
    business.currency = string_member(b, "currency_code").value_or("USD");
    businesses.push_back(std::move(business));
  };
  if (section.IsObject()) {
    if (const auto* list = member(section, "businesses"); list && list->IsArray())
      for (const auto& b : list->GetArray()) add_business(b);
    if (const auto* one = member(section, "business"); one && one->IsObject()) add_business(*one);
  }
  if (businesses.empty()) add_business(Value(rapidjson::kObjectType));
  if (!section.IsObject()) return;

  const auto* given_clients = member(section, "customers");
  if (given_clients && given_clients->IsArray()) {
    for (const auto& c : given_clients->GetArray()) {
      FreshBooksClient client;
      client.id = int_member(c, "id").value_or(next_client_id);
      next_client_id = std::max(next_client_id, client.id + 1);
      for (const auto& m : c.GetObject())
        if (m.value.IsString() && m.value.GetStringLength() > 0 && freshbooks_client_text_field(m.name.GetString()))
          client.fields[m.name.GetString()] = m.value.GetString();
      client.vis_state = static_cast<VisState>(std::clamp<std::int64_t>(int_member(c, "vis_state").value_or(0), 0, 2));
      client.updated = updated_member(c, "updated", now);
      client.signup = updated_member(c, "signup_date", client.updated);
      clients.push_back(std::move(client));
    }
  }
  const auto* given_invoices = member(section, "invoices");
  const auto* exact_invoices = member(exact, "invoices");
  if (given_invoices && given_invoices->IsArray()) {
    for (rapidjson::SizeType i = 0; i < given_invoices->Size(); ++i) {
      const Value& v = (*given_invoices)[i];
      const Value& x = exact_invoices && exact_invoices->IsArray() && i < exact_invoices->Size() ? (*exact_invoices)[i] : v;
      FreshBooksInvoice inv;
      inv.id = int_member(v, "id").value_or(next_invoice_id);
      next_invoice_id = std::max(next_invoice_id, inv.id + 1);
      inv.customer_id = int_member(v, "customerid").value_or(0);
      inv.invoice_number = string_member(v, "invoice_number").value_or(fmt::format("{:07d}", next_number++));
      inv.currency = string_member(v, "currency_code").value_or(business().currency);
      inv.fixed_status = string_member(v, "v3_status").value_or("");
      inv.create_date = date_member(v, "create_date", "create_date_offset_days", now);
      if (inv.create_date.empty()) inv.create_date = eastern_date(now);
      inv.due_date = date_member(v, "due_date", "due_date_offset_days", now);
      if (inv.due_date.empty()) inv.due_date = inv.create_date;
      inv.amount = money_member(x, "amount").value_or(0);
      if (auto paid = money_member(x, "paid")) inv.paid = *paid;
      else if (auto outstanding = money_member(x, "outstanding")) inv.paid = inv.amount - *outstanding;
      inv.vis_state = static_cast<VisState>(std::clamp<std::int64_t>(int_member(v, "vis_state").value_or(0), 0, 2));
      inv.updated = updated_member(v, "updated", now);
      inv.created = updated_member(v, "created_at", inv.updated);
      invoices.push_back(std::move(inv));
    }
  }
}

void FreshBooksBooks::write_client(JsonWriter& w, const FreshBooksClient& c) const {
  w.StartObject();
  w.Key("id");
  w.Int64(c.id);
  w.Key("userid");
  w.Int64(c.id);
  w.Key("accounting_systemid");
  w.String(business().account_id);
  for (auto key : kTextFields) {
    std::string value = c.text(std::string(key));
    if (key == "currency_code" && value.empty()) value = business().currency;
    if (key == "language" && value.empty()) value = "en";
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    if (key == "home_phone" && value.empty()) w.Null();  // FreshBooks writes null here, "" elsewhere
    else w.String(value);
  }
  w.Key("vat_name");
  w.Null();
  w.Key("role");
  w.String("client");
  w.Key("vis_state");
  w.Int(static_cast<int>(c.vis_state));
  w.Key("signup_date");
  w.String(eastern_time(c.signup));
  w.Key("updated");
  w.String(eastern_time(c.updated));
  w.EndObject();
}

void FreshBooksBooks::write_invoice(JsonWriter& w, const FreshBooksInvoice& i) const {
  const FreshBooksClient* client = nullptr;
  for (const auto& c : clients)
    if (c.id == i.customer_id) client = &c;
  std::string v3 = i.v3_status();
  w.StartObject();
  w.Key("id");
  w.Int64(i.id);
  w.Key("invoiceid");
  w.Int64(i.id);
  w.Key("accountid");
  w.String(business().account_id);
  w.Key("invoice_number");
  w.String(i.invoice_number);
  w.Key("customerid");
  w.Int64(i.customer_id);
  for (const char* key : {"fname", "lname", "organization"}) {
    w.Key(key);
    w.String(client ? client->text(key) : std::string());
  }
  w.Key("create_date");
  w.String(i.create_date);
  w.Key("due_date");
  w.String(i.due_date);
  w.Key("currency_code");
  w.String(i.currency);
  write_money(w, "amount", i.amount, i.currency);
  write_money(w, "outstanding", v3 == "draft" ? i.amount : i.outstanding(), i.currency);
  write_money(w, "paid", i.paid, i.currency);
  w.Key("status");
  w.Int(numeric_status(v3));
  w.Key("v3_status");
  w.String(v3);
  w.Key("payment_status");
  w.String(i.paid == 0 ? "unpaid" : i.paid >= i.amount ? "paid" : "partial");
  w.Key("display_status");
  w.String(v3 == "draft" ? "draft" : "sent");
  w.Key("vis_state");
  w.Int(static_cast<int>(i.vis_state));
  w.Key("created_at");
  w.String(eastern_time(i.created));
  w.Key("updated");
  w.String(eastern_time(i.updated));
  w.EndObject();
}

void FreshBooksBooks::write_business(JsonWriter& w, const FreshBooksBusiness& b) const {
  w.StartObject();
  w.Key("id");
  w.Int64(b.id);
  w.Key("business_uuid");
  w.String(b.business_uuid);
  w.Key("name");
  w.String(b.name);
  w.Key("account_id");
  w.String(b.account_id);
  w.Key("currency_code");
  w.String(b.currency);
  w.EndObject();
}

}  // namespace capsync::sandbox
