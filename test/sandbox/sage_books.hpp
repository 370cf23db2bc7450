#pragma once
// The state of one fake Sage business: contacts (their writable fields kept as Sage JSON,
// contact types, timestamps, deletion) and sales/purchase invoices (typed, money exact), plus
// the idempotency cache and the rate-limit window. JSON output follows the v3.1 swagger
// (SynergiTech/sage-php swagger-2.0.0.json): lists give id/displayed_as/$path unless
// `attributes` asks for more.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "test/sandbox/json_util.hpp"
#include "test/sandbox/money.hpp"
#include "test/sandbox/sandbox_clock.hpp"
#include "test/sandbox/sage_quotes.hpp"

namespace capsync::sandbox {

struct SageContact {
  std::string id;
  rapidjson::Document fields{rapidjson::kObjectType};  // name, reference, main_address, main_contact_person, ...
  std::vector<std::string> types;                      // "CUSTOMER", "VENDOR"
  TimePoint created{}, updated{};
  std::optional<TimePoint> deleted;

  std::string name() const;
  std::string reference() const;
};

struct SageInvoice {
  std::string id, contact_id, number, reference, status = "UNPAID", currency = "GBP", void_reason;
  bool purchase = false, sent = false;
  TimePoint date{}, due_date{}, created{}, updated{};
  std::optional<TimePoint> deleted;
  Money net = 0, tax = 0, total = 0, paid = 0;

  Money outstanding() const { return status == "VOID" || status == "DRAFT" ? 0 : total - paid; }
};

struct SageIdempotent {
  int status = 0;
  std::string body;
  TimePoint expires_at;
};

// Which attributes a list shows: none (id, displayed_as, $path), all, or the named ones.
struct SageAttributes {
  bool all = false;
  std::set<std::string> names;
  static SageAttributes parse(std::string_view text);
  bool shows(std::string_view key) const { return all || names.contains(std::string(key)); }
};

struct SageBooks {
  std::string id, name;
  std::vector<SageContact> contacts;
  std::vector<SageInvoice> invoices;
  std::vector<SageQuote> quotes;  // sales quotes and estimates (sage_quotes.hpp)
  std::vector<SageLedgerAccount> ledger_accounts;
  std::int64_t next_quote_number = 0;
  std::map<std::string, SageIdempotent> idempotency;  // by idempotency_id
  TimePoint window_start{};
  std::int64_t window_used = 0;
  std::int64_t next_serial = 1;

  // Seeds contacts, then "sales_invoices"/"purchase_invoices" (`exact` keeps money as text).
  void load(const rapidjson::Value& section, const rapidjson::Value& exact, TimePoint now);
  std::string new_id();
  // Live (not deleted) contact by id, or nullptr.
  SageContact* contact(std::string_view id);
  const SageContact* any_contact(std::string_view id) const;
  bool has_invoices(std::string_view contact_id) const;

  void write_contact(JsonWriter& writer, const SageContact& contact, const SageAttributes& shown) const;
  void write_invoice(JsonWriter& writer, const SageInvoice& invoice, const SageAttributes& shown) const;
};

// Sage's shapes shared by the fake's resources: "YYYY-MM-DD"; a reference
// {"id","displayed_as","$path"}; an amount as a JSON number with its exact digits.
std::string sage_date(TimePoint t);
void sage_write_ref(JsonWriter& w, const char* key, std::string_view id, std::string_view shown, std::string_view path);
void sage_write_money(JsonWriter& w, const char* key, Money value);

// Stores the writable members of a {"contact":{...}} body into `contact`: nested objects
// (main_address, main_contact_person) are merged key by key; country_id becomes country{id}.
void sage_merge_contact_fields(SageContact& contact, const rapidjson::Value& given);

}  // namespace capsync::sandbox
