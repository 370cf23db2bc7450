#pragma once
// The state of one fake KashFlow account: customers (their writable members kept as KashFlow
// REST JSON, plus Id, Code, dates, archive flag), sales invoices, suppliers and purchases
// (typed, money exact). JSON output follows the REST examples on kashflow.com/developers
// (customers, invoices); dates are Europe/London wall time with its offset,
// "2026-11-23 10:00:00 +00:00".

#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "test/sandbox/json_util.hpp"
#include "test/sandbox/money.hpp"
#include "test/sandbox/sandbox_clock.hpp"

namespace capsync::sandbox {

struct KashFlowCustomer {
  std::int64_t id = 0;
  std::string code;
  rapidjson::Document fields{rapidjson::kObjectType};  // Name, Contacts, Addresses, Email, ...
  bool archived = false;
  TimePoint created{}, updated{};

  std::string name() const;
};

struct KashFlowInvoice {
  std::int64_t id = 0, number = 0;
  std::string party_code;  // CustomerCode, or SupplierCode for a purchase
  std::string status;      // as seeded; empty = derived from amounts and due date
  std::string currency = "GBP";
  TimePoint issued{}, due{};
  Money net = 0, vat = 0, gross = 0, paid = 0;
};

struct KashFlowSupplier {
  std::int64_t id = 0;
  std::string code, name;
  TimePoint created{}, updated{};
};

struct KashFlowBooks {
  std::vector<KashFlowCustomer> customers;
  std::vector<KashFlowInvoice> invoices;
  std::vector<KashFlowSupplier> suppliers;
  std::vector<KashFlowInvoice> purchases;
  std::int64_t next_id = 1000;

  // Seeds "customers", "invoices", "suppliers", "purchases" (`exact` keeps money as text).
  void load(const rapidjson::Value& section, const rapidjson::Value& exact, TimePoint now);
  KashFlowCustomer* customer(std::string_view code);
  // A code no customer has: the name's first letters (A-Z, 0-9, up to 4) and a two-digit number.
  std::string new_code(std::string_view name) const;
  // Copies the writable members of a customer body into `customer` (each replaces the old one).
  static void merge(KashFlowCustomer& customer, const rapidjson::Value& body);

  void write_customer(JsonWriter& writer, const KashFlowCustomer& customer) const;
  void write_invoice(JsonWriter& writer, const KashFlowInvoice& invoice, TimePoint now) const;
  void write_supplier(JsonWriter& writer, const KashFlowSupplier& supplier) const;
  void write_purchase(JsonWriter& writer, const KashFlowInvoice& purchase, TimePoint now) const;
};

// "2026-11-23 10:00:00 +00:00" in Europe/London.
std::string kashflow_time(TimePoint t);
// Accepts kashflow_time() text, the same without offset (London time) and parse_time()'s forms.
std::optional<TimePoint> parse_kashflow_time(std::string_view text);

}  // namespace capsync::sandbox
