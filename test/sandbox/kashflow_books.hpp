#pragma once
// The state of one fake KashFlow account: customers and suppliers (their writable members kept
// as KashFlow REST JSON, plus Id, Code, dates, archive flag), sales invoices and purchases
// (typed, money exact). JSON output follows the REST examples and member tables on
// kashflow.com/developers (customers, suppliers, invoices, purchases); dates are Europe/London
// wall time with its offset, "2026-11-23 10:00:00 +00:00".

#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "test/sandbox/json_util.hpp"
#include "test/sandbox/money.hpp"
#include "test/sandbox/sandbox_clock.hpp"

namespace capsync::sandbox {

// Customers and suppliers are separate lists with codes of their own and the same writable
// members, but for the address: a customer's is Addresses[], a supplier's the Address object
// (both as REST documents them).
enum class KashFlowRole { customer, supplier };

// A customer or a supplier.
struct KashFlowContact {
  std::int64_t id = 0;
  std::string code;
  rapidjson::Document fields{rapidjson::kObjectType};  // Name, Contacts, Addresses or Address, Email, ...
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

// A sales quote (kashflow.com/developers/rest-api/quotes): addressed by its Number; no status
// and no update date are documented, so the fake keeps neither.
struct KashFlowQuoteLine {
  std::string description;
  Money quantity = kMoneyScale, rate = 0, vat_rate = 0;  // vat_rate a percentage
  std::int64_t charge_type = 0;                         // nominal code; 0 = the default sales code

  Money net() const { return quantity * rate / kMoneyScale; }
  Money vat() const { return net() * vat_rate / (100 * kMoneyScale); }
};

struct KashFlowQuote {
  std::int64_t id = 0, number = 0;
  std::string customer_code, reference, currency = "GBP";
  TimePoint date{};
  std::vector<KashFlowQuoteLine> lines;

  Money net() const;
  Money vat() const;
};

struct KashFlowBooks {
  std::vector<KashFlowContact> customers;
  std::vector<KashFlowInvoice> invoices;
  std::vector<KashFlowContact> suppliers;
  std::vector<KashFlowInvoice> purchases;
  std::vector<KashFlowQuote> quotes;
  std::int64_t next_id = 1000, next_quote_number = 1;
  std::string quote_due_date = "30 Days";  // quote settings' QuoteDueDate: how long a quote is valid

  // Seeds "customers", "invoices", "suppliers", "purchases", "quotes", "quoteSettings"
  // ({"QuoteDueDate"}) (`exact` keeps money as text).
  void load(const rapidjson::Value& section, const rapidjson::Value& exact, TimePoint now);
  // Customers or suppliers; their sales invoices or purchases.
  std::vector<KashFlowContact>& contacts(KashFlowRole role) { return role == KashFlowRole::customer ? customers : suppliers; }
  const std::vector<KashFlowContact>& contacts(KashFlowRole role) const {
    return role == KashFlowRole::customer ? customers : suppliers;
  }
  std::vector<KashFlowInvoice>& documents(KashFlowRole role) { return role == KashFlowRole::customer ? invoices : purchases; }
  const std::vector<KashFlowInvoice>& documents(KashFlowRole role) const {
    return role == KashFlowRole::customer ? invoices : purchases;
  }
  KashFlowContact* find(KashFlowRole role, std::string_view code);
  const KashFlowContact* find(KashFlowRole role, std::string_view code) const;
  // A code no contact of the role has: the name's first letters (A-Z, 0-9, up to 4) and a two-digit number.
  std::string new_code(KashFlowRole role, std::string_view name) const;
  // Copies the writable members of a customer or supplier body into `contact` (each replaces the old one).
  static void merge(KashFlowContact& contact, const rapidjson::Value& body);

  void write_contact(JsonWriter& writer, KashFlowRole role, const KashFlowContact& contact) const;
  void write_invoice(JsonWriter& writer, const KashFlowInvoice& invoice, TimePoint now) const;
  void write_purchase(JsonWriter& writer, const KashFlowInvoice& purchase, TimePoint now) const;
  void write_quote(JsonWriter& writer, const KashFlowQuote& quote) const;
  // Reads a quote body's writable members (Date, CustomerCode, CustomerReference, Currency,
  // LineItems) over `quote`; the problem as {code, message} when it is refused.
  std::optional<std::pair<std::string, std::string>> read_quote(const rapidjson::Value& body, KashFlowQuote& quote) const;
};

// "2026-11-23 10:00:00 +00:00" in Europe/London.
std::string kashflow_time(TimePoint t);
// Accepts kashflow_time() text, the same without offset (London time) and parse_time()'s forms.
std::optional<TimePoint> parse_kashflow_time(std::string_view text);

}  // namespace capsync::sandbox
