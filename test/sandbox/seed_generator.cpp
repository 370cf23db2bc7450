#include "test/sandbox/seed_generator.hpp"

#include <chrono>
#include <random>
#include <set>

#include <fmt/format.h>

#include "test/sandbox/json_util.hpp"
#include "test/sandbox/money.hpp"
#include "test/sandbox/sandbox.hpp"
#include "test/sandbox/time_format.hpp"
#include "test/sandbox/xero_books.hpp"

namespace capsync::sandbox {
namespace {

constexpr const char* kAdjectives[] = {"Silver", "Northern", "Bright", "Golden", "Blue", "Red", "Oak", "Iron", "Green",
                                       "Swift", "Granite", "Harbour", "Maple", "Summit", "Coastal", "Royal", "Cedar",
                                       "Crystal", "Eastern", "Highland", "Meadow", "Pioneer", "Quarry", "River",
                                       "Solar", "Thistle", "Union", "Valley", "Willow", "Amber"};
constexpr const char* kNouns[] = {"Bridge", "Harvest", "Forge", "Anchor", "Lantern", "Orchard", "Compass", "Falcon",
                                  "Meridian", "Beacon", "Harbour", "Summit", "Quill", "Thread", "Crown", "Garden",
                                  "Keystone", "Mill", "Pixel", "Signal", "Tower", "Wharf", "Atlas", "Cobalt",
                                  "Fjord", "Heron", "Juniper", "Kiln", "Loom", "Nimbus"};
constexpr const char* kSuffixes[] = {"Ltd", "Limited", "Consulting", "Logistics", "Studio", "Partners", "Foods",
                                     "Engineering", "Trading", "Design"};
constexpr const char* kFirst[] = {"Alice", "Ben", "Chloe", "Daniel", "Emma", "Farid", "Grace", "Hugo", "Isla", "Jack",
                                  "Kiran", "Lena", "Mateo", "Nadia", "Oliver", "Priya", "Quentin", "Rosa", "Sam",
                                  "Tariq", "Uma", "Victor", "Wen", "Yusuf", "Zara"};
constexpr const char* kLast[] = {"Smith", "Jones", "Patel", "Nguyen", "Garcia", "Okafor", "Müller", "Rossi", "Kowalski",
                                 "O'Brien", "Taylor", "Brown", "Wilson", "Khan", "Novak", "Silva", "Andersen",
                                 "Dubois", "Yamamoto", "Hughes"};

// Platform-independent draws (std distributions differ between standard libraries).
struct Dice {
  std::mt19937_64 rng;
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : rng() % n; }
  bool chance(int percent) { return below(100) < static_cast<std::uint64_t>(percent); }
  template <class T, std::size_t N>
  const T& pick(const T (&items)[N]) { return items[below(N)]; }
};

struct Party {
  std::int64_t id;
  bool person;
  std::string name, first, last;
  std::int64_t organisation = 0;
  std::string organisation_name;
};

struct Contact {
  std::string id, name, first, last, status = "ACTIVE", currency;
  bool drafts_only = false, supplier = false;
};

void key(JsonWriter& w, const char* k) { w.Key(k); }
void raw(JsonWriter& w, std::string_view json) { w.RawValue(json.data(), json.size(), rapidjson::kArrayType); }
void str(JsonWriter& w, const char* k, std::string_view v) {
  w.Key(k);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

// Xero's UpdatedDateUTC of the n-th generated record: one second apart from 2026-01-01, so an
// incremental read (If-Modified-Since, inclusive) after a sync meets only the newest, not every
// record of one shared second.
std::string updated_at(std::size_t n) {
  constexpr std::int64_t k2026 = 1767225600;  // 2026-01-01T00:00:00Z
  return iso_seconds(TimePoint{} + std::chrono::seconds(k2026 + static_cast<std::int64_t>(n)));
}

std::string email_for(std::string_view name, std::int64_t n) {
  std::string local;
  for (char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) local += c;
    else if (c >= 'A' && c <= 'Z') local += static_cast<char>(c - 'A' + 'a');
  }
  if (local.empty()) local = "contact";
  return fmt::format("{}{}@example.test", local.substr(0, 20), n);
}

class Generator {
 public:
  explicit Generator(const GeneratorOptions& options) : options_(options), dice_{std::mt19937_64(options.seed)} {}

  std::string run() {
    build_hard_cases();
    fill();
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    auto credentials = parse_json(default_seed());
    w.StartObject();
    key(w, "generator");
    w.StartObject();
    w.Key("seed");
    w.Uint64(options_.seed);
    w.EndObject();
    write_capsule(w, *member(*credentials, "capsule"));
    write_xero(w, *member(*credentials, "xero"));
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
  }

 private:
  std::string currency(std::size_t i) const {
    const auto& list = options_.currencies;
    return i % 5 == 4 && list.size() > 1 ? list[1 + (i / 5) % (list.size() - 1)] : list.front();
  }

  void add_org(std::string name) {
    if (static_cast<int>(parties_.size()) >= options_.parties) return;
    org_names_.insert(name);
    parties_.push_back({next_party_++, false, std::move(name), {}, {}, 0, {}});
  }
  void add_person(std::string first, std::string last, std::int64_t org = 0, std::string org_name = {}) {
    if (static_cast<int>(parties_.size()) >= options_.parties) return;
    parties_.push_back({next_party_++, true, first + " " + last, first, last, org, std::move(org_name)});
  }
  Contact& add_contact(std::string name, std::string status = "ACTIVE") {
    if (status == "ACTIVE") xero_active_.insert(to_lower_ascii(name));
    Contact c;
    c.id = make_uuid(dice_.rng);
    c.name = std::move(name);
    c.status = std::move(status);
    c.currency = currency(contacts_.size());
    contacts_.push_back(std::move(c));
    return contacts_.back();
  }
  bool room() const { return static_cast<int>(contacts_.size()) < options_.contacts; }

  void build_hard_cases() {
    // Exact match on both sides.
    add_org("Acme Trading Ltd");
    if (room()) add_contact("Acme Trading Ltd");
    // Near duplicates: Ltd/Limited, case, spacing.
    add_org("Brightwater Consulting Limited");
    if (room()) add_contact("Brightwater Consulting Ltd");
    add_org("Hollowbrook Farms");
    if (room()) add_contact("HOLLOWBROOK FARMS");
    add_org("Kestrel  Analytics");
    if (room()) add_contact("Kestrel Analytics ");
    // Unicode, and the same name in NFC (Capsule) and NFD (Xero).
    add_org("Caf\u00e9 M\u00fcller GmbH");
    if (room()) add_contact("Cafe\u0301 Mu\u0308ller GmbH");
    add_org("\u6771\u4eac\u5546\u4e8b\u682a\u5f0f\u4f1a\u793e");
    if (room()) add_contact("\u6771\u4eac\u5546\u4e8b\u682a\u5f0f\u4f1a\u793e");
    add_person("Zo\u00eb", "\u0141ukasiewicz");
    if (room()) {
      auto& c = add_contact("Zo\u00eb \u0141ukasiewicz");
      c.first = "Zo\u00eb";
      c.last = "\u0141ukasiewicz";
    }
    // A person on both sides.
    add_person("Jane", "Smith");
    if (room()) {
      auto& c = add_contact("Jane Smith");
      c.first = "Jane";
      c.last = "Smith";
    }
    // A customer and a supplier with the same name (Xero allows it when one is archived).
    add_org("Northwind Traders");
    if (room()) add_contact("Northwind Traders");
    if (room()) add_contact("Northwind Traders", "ARCHIVED").supplier = true;
    // Only draft invoices; archived contact; a person and an organisation with one name; two namesake people.
    add_org("Draftworks Studio");
    if (room()) add_contact("Draftworks Studio").drafts_only = true;
    add_org("Oldco Holdings");
    if (room()) add_contact("Oldco Holdings", "ARCHIVED");
    add_org("Morgan Taylor");
    add_person("Morgan", "Taylor");
    add_person("Chris", "Evans");
    add_person("Chris", "Evans");
    if (!parties_.empty() && !parties_.front().person) add_person("Pat", "Lee", parties_.front().id, parties_.front().name);
    // Only in Capsule / only in Xero.
    add_org("Capsule Only Prospects Ltd");
    if (room()) add_contact("Xero Only Supplies Ltd").supplier = true;
  }

  std::string fresh_org_name() {
    for (;;) {
      std::string name = fmt::format("{} {} {}", dice_.pick(kAdjectives), dice_.pick(kNouns), dice_.pick(kSuffixes));
      if (!org_names_.contains(name) && !xero_active_.contains(to_lower_ascii(name))) return name;
      name += fmt::format(" {}", ++collisions_);
      if (!org_names_.contains(name) && !xero_active_.contains(to_lower_ascii(name))) return name;
    }
  }

  void fill() {
    // Parties: 70% organisations; 40% of new organisations also exist in Xero (same name).
    while (static_cast<int>(parties_.size()) < options_.parties) {
      if (dice_.chance(70)) {
        std::string name = fresh_org_name();
        add_org(name);
        if (dice_.chance(40) && room()) add_contact(name);
      } else {
        std::string first = dice_.pick(kFirst), last = dice_.pick(kLast);
        const Party* org = nullptr;
        if (dice_.chance(50) && !parties_.empty()) {
          const Party& candidate = parties_[dice_.below(parties_.size())];
          if (!candidate.person) org = &candidate;
        }
        add_person(first, last, org ? org->id : 0, org ? org->name : std::string());
      }
    }
    while (room()) {
      auto& c = add_contact(fresh_org_name(), dice_.chance(3) ? "ARCHIVED" : "ACTIVE");
      c.supplier = dice_.chance(15);
    }
  }

  void write_capsule(JsonWriter& w, const rapidjson::Value& credentials) {
    key(w, "capsule");
    w.StartObject();
    for (const char* k : {"tokens", "users", "teams"}) {
      w.Key(k);
      (*member(credentials, k)).Accept(w);
    }
    key(w, "fieldDefinitions");
    // The invoice summary fields of etc/capsync.yaml's defaults, so a generated seed syncs as is.
    raw(w, R"([{"id":94,"type":"text","name":"Outstanding","displayOrder":5},{"id":95,"type":"text","name":"Overdue","displayOrder":6},{"id":96,"type":"date","name":"Next due date","displayOrder":7},{"id":97,"type":"date","name":"Last invoice date","displayOrder":8},{"id":98,"type":"text","name":"Open quotes","displayOrder":9},{"id":90,"type":"text","name":"Invoice summary","displayOrder":1},{"id":91,"type":"number","name":"Lead Score","displayOrder":2},{"id":92,"type":"boolean","name":"Local","displayOrder":3},{"id":93,"type":"list","name":"Industry Sector","captureRule":"organisation","options":["Technology","Retail","Services"],"displayOrder":4}])");
    key(w, "tags");
    raw(w, R"([{"id":80,"name":"Customer","dataTag":false},{"id":81,"name":"Supplier","dataTag":false}])");
    key(w, "parties");
    w.StartArray();
    for (const auto& p : parties_) {
      w.StartObject();
      w.Key("id");
      w.Int64(p.id);
      str(w, "type", p.person ? "person" : "organisation");
      if (p.person) {
        str(w, "firstName", p.first);
        str(w, "lastName", p.last);
        key(w, "organisation");
        if (p.organisation != 0) {
          w.StartObject();
          w.Key("id");
          w.Int64(p.organisation);
          str(w, "name", p.organisation_name);
          w.Key("pictureURL");
          w.Null();
          w.EndObject();
        } else {
          w.Null();
        }
      } else {
        str(w, "name", p.name);
      }
      key(w, "emailAddresses");
      w.StartArray();
      w.StartObject();
      str(w, "type", "Work");
      str(w, "address", email_for(p.name, p.id));
      w.EndObject();
      w.EndArray();
      key(w, "addresses");
      w.StartArray();
      if (p.id % 3 == 0) {
        w.StartObject();
        w.Key("type");
        w.Null();
        str(w, "street", fmt::format("{} High Street", p.id % 200 + 1));
        str(w, "city", "London");
        str(w, "zip", "EC1A 1BB");
        str(w, "country", "United Kingdom");
        w.EndObject();
      }
      w.EndArray();
      key(w, "phoneNumbers");
      w.StartArray();
      w.EndArray();
      key(w, "websites");
      w.StartArray();
      w.EndArray();
      key(w, "fields");
      w.StartArray();
      w.EndArray();
      key(w, "tags");
      w.StartArray();
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    write_opportunities(w);
    w.EndObject();
  }

  // One sales pipeline, and an opportunity for each of the first organisations, none yet at
  // "Proposal": the demo moves one there and watches its draft quote appear (R19). Fixed, not
  // drawn from the dice, so the rest of a generated seed stays as it was.
  void write_opportunities(JsonWriter& w) {
    key(w, "pipelines");
    raw(w, R"([{"id":301,"name":"Sales","description":"New business"}])");
    key(w, "milestones");
    raw(w, R"([{"id":311,"name":"Lead","pipeline":{"id":301},"complete":false,"probability":10},)"
           R"({"id":312,"name":"Qualified","pipeline":{"id":301},"complete":false,"probability":30},)"
           R"({"id":313,"name":"Proposal","pipeline":{"id":301},"complete":false,"probability":60}])");
    key(w, "opportunities");
    w.StartArray();
    int made = 0;
    for (const auto& p : parties_) {
      if (p.person || made == 8) continue;
      ++made;
      w.StartObject();
      w.Key("id");
      w.Int64(7000 + made);
      str(w, "name", fmt::format("{} for {}", made % 2 ? "Website rebuild" : "Support plan", p.name));
      str(w, "description", "Scoped with the customer");
      key(w, "party");
      raw(w, fmt::format(R"({{"id":{}}})", p.id));
      key(w, "milestone");
      raw(w, fmt::format(R"({{"id":{}}})", made % 2 ? 311 : 312));
      key(w, "value");
      raw(w, fmt::format(R"({{"amount":{}.00,"currency":"GBP"}})", 1000 * made + 500));
      str(w, "durationBasis", "FIXED");
      w.EndObject();
    }
    w.EndArray();
  }

  void write_invoice(JsonWriter& w, const Contact& c, std::size_t n) {
    bool bill = c.supplier;
    std::string status;
    auto roll = dice_.below(100);
    if (c.drafts_only || roll < 10) status = "DRAFT";
    else if (roll < 15) status = "SUBMITTED";
    else if (roll < 60) status = "AUTHORISED";
    else if (roll < 95) status = "PAID";
    else status = "VOIDED";
    Money subtotal = static_cast<Money>(1000 + dice_.below(999000)) * 100;  // whole pence
    Money tax = (subtotal * 20 / 100 + 50) / 100 * 100;                       // 20% VAT, to the penny
    Money total = subtotal + tax;
    Money paid = status == "PAID" ? total : (status == "AUTHORISED" && dice_.chance(20) ? total / 200 * 100 : 0);
    auto date_offset = -static_cast<std::int64_t>(dice_.below(120));
    auto due_offset = date_offset + (dice_.chance(50) ? 14 : 30);
    w.StartObject();
    str(w, "InvoiceID", make_uuid(dice_.rng));
    str(w, "UpdatedDateUTC", updated_at(contacts_.size() + n));
    str(w, "Type", bill ? "ACCPAY" : "ACCREC");
    str(w, "InvoiceNumber", fmt::format("{}-{:06d}", bill ? "BILL" : "INV", n + 1));
    str(w, "Reference", fmt::format("Order {}", 5000 + n));
    str(w, "Status", status);
    key(w, "Contact");
    w.StartObject();
    str(w, "ContactID", c.id);
    str(w, "Name", c.name);
    w.EndObject();
    key(w, "DateOffsetDays");
    w.Int64(date_offset);
    key(w, "DueDateOffsetDays");
    w.Int64(due_offset);
    str(w, "CurrencyCode", c.currency);
    str(w, "LineAmountTypes", "Exclusive");
    key(w, "LineItems");
    w.StartArray();
    w.StartObject();
    str(w, "Description", "Consulting services");
    auto money = [&](const char* k, Money v) {
      w.Key(k);
      auto text = format_money(v);
      write_decimal(w, text);
    };
    money("Quantity", kMoneyScale);
    money("UnitAmount", subtotal);
    money("LineAmount", subtotal);
    money("TaxAmount", tax);
    str(w, "AccountCode", bill ? "400" : "200");
    str(w, "TaxType", bill ? "INPUT2" : "OUTPUT2");
    w.EndObject();
    w.EndArray();
    money("SubTotal", subtotal);
    money("TotalTax", tax);
    money("Total", total);
    money("AmountPaid", paid);
    money("AmountCredited", 0);
    money("AmountDue", status == "VOIDED" ? 0 : total - paid);
    w.EndObject();
  }

  // A sales quote: one line plus 20% VAT, dated up to 60 days back, valid for 30 days.
  void write_quote(JsonWriter& w, const Contact& c, std::size_t n) {
    constexpr const char* kStatuses[] = {"DRAFT", "DRAFT", "DRAFT", "SENT", "SENT", "SENT", "SENT",
                                         "ACCEPTED", "ACCEPTED", "DECLINED", "DECLINED", "INVOICED", "DELETED"};
    const char* status = n < std::size(kStatuses) ? kStatuses[n] : dice_.pick(kStatuses);  // every status early
    Money subtotal = static_cast<Money>(1000 + dice_.below(499000)) * 100;
    Money tax = (subtotal * 20 / 100 + 50) / 100 * 100;
    auto date_offset = -static_cast<std::int64_t>(dice_.below(60));
    auto money = [&](const char* k, Money v) {
      w.Key(k);
      auto text = format_money(v);
      write_decimal(w, text);
    };
    w.StartObject();
    str(w, "QuoteID", make_uuid(dice_.rng));
    str(w, "QuoteNumber", fmt::format("QU-{:04d}", n + 1));
    str(w, "Reference", fmt::format("RFQ-{}", 7000 + n));
    str(w, "Title", fmt::format("Proposal {}", n + 1));
    str(w, "Summary", fmt::format("Scope and pricing for {}", c.name));
    str(w, "Status", status);
    key(w, "Contact");
    w.StartObject();
    str(w, "ContactID", c.id);
    str(w, "Name", c.name);
    w.EndObject();
    key(w, "DateOffsetDays");
    w.Int64(date_offset);
    key(w, "ExpiryDateOffsetDays");
    w.Int64(date_offset + 30);
    str(w, "CurrencyCode", c.currency);
    str(w, "LineAmountTypes", "EXCLUSIVE");
    key(w, "LineItems");
    w.StartArray();
    w.StartObject();
    str(w, "Description", "Consulting services");
    money("Quantity", kMoneyScale);
    money("UnitAmount", subtotal);
    money("LineAmount", subtotal);
    money("TaxAmount", tax);
    str(w, "AccountCode", "200");
    str(w, "TaxType", "OUTPUT2");
    w.EndObject();
    w.EndArray();
    money("SubTotal", subtotal);
    money("TotalTax", tax);
    money("Total", subtotal + tax);
    str(w, "UpdatedDateUTC", updated_at(contacts_.size() + static_cast<std::size_t>(options_.invoices) + n));
    w.EndObject();
  }

  void write_xero(JsonWriter& w, const rapidjson::Value& credentials) {
    key(w, "xero");
    w.StartObject();
    for (const char* k : {"clients", "refreshTokens", "tenants"}) {
      w.Key(k);
      (*member(credentials, k)).Accept(w);
    }
    key(w, "contacts");
    w.StartArray();
    for (const auto& c : contacts_) {
      w.StartObject();
      str(w, "ContactID", c.id);
      str(w, "ContactStatus", c.status);
      str(w, "Name", c.name);
      if (!c.first.empty()) str(w, "FirstName", c.first);
      if (!c.last.empty()) str(w, "LastName", c.last);
      str(w, "EmailAddress", email_for(c.name, static_cast<std::int64_t>(&c - contacts_.data())));
      str(w, "DefaultCurrency", c.currency);
      str(w, "UpdatedDateUTC", updated_at(static_cast<std::size_t>(&c - contacts_.data())));
      w.EndObject();
    }
    w.EndArray();
    key(w, "invoices");
    w.StartArray();
    // Hard-case contacts each get invoices first, then the rest are spread at random.
    std::size_t n = 0;
    for (std::size_t i = 0; i < contacts_.size() && n < static_cast<std::size_t>(options_.invoices) && i < 16; ++i)
      for (int k = 0; k < 3 && n < static_cast<std::size_t>(options_.invoices); ++k) write_invoice(w, contacts_[i], n++);
    while (n < static_cast<std::size_t>(options_.invoices) && !contacts_.empty())
      write_invoice(w, contacts_[dice_.below(contacts_.size())], n++);
    w.EndArray();
    // Quotes go to customers only, one to three each in contact order.
    key(w, "quotes");
    w.StartArray();
    std::size_t q = 0;
    const auto wanted = static_cast<std::size_t>(std::max(0, options_.quotes));
    for (std::size_t i = 0; i < contacts_.size() && q < wanted; ++i) {
      if (contacts_[i].supplier) continue;
      for (std::uint64_t k = 0, count = 1 + dice_.below(3); k < count && q < wanted; ++k) write_quote(w, contacts_[i], q++);
    }
    w.EndArray();
    w.EndObject();
  }

  GeneratorOptions options_;
  Dice dice_;
  std::vector<Party> parties_;
  std::vector<Contact> contacts_;
  std::set<std::string> org_names_, xero_active_;
  std::int64_t next_party_ = 1;
  int collisions_ = 0;
};

}  // namespace

std::string generate_seed(const GeneratorOptions& options) {
  GeneratorOptions checked = options;
  if (checked.currencies.empty()) checked.currencies.push_back("GBP");
  return Generator(checked).run();
}

}  // namespace capsync::sandbox
