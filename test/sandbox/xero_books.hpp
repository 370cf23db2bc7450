#pragma once
// One Xero organisation's ledger as the sandbox keeps it: contacts (JSON objects in Xero's
// shape, normalised on output) and invoices (typed, money as exact Money), plus that
// tenant's rate-limit windows and Idempotency-Key cache.

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <rapidjson/document.h>

#include "test/sandbox/json_util.hpp"
#include "test/sandbox/money.hpp"
#include "test/sandbox/sandbox_clock.hpp"

namespace capsync::sandbox {

struct XeroContact {
  std::string id;
  rapidjson::Value json;  // everything but ContactID/UpdatedDateUTC/Balances/IsSupplier/IsCustomer
  TimePoint updated;
  std::int64_t seq = 0;   // creation order, breaks UpdatedDateUTC ties
};

struct XeroLineItem {
  std::string id, description, account_code, tax_type, item_code;
  Money quantity = kMoneyScale, unit_amount = 0, line_amount = 0, tax_amount = 0;
};

struct XeroInvoice {
  std::string id, number, type = "ACCREC", status = "AUTHORISED", contact_id, currency = "GBP", reference;
  std::string line_amount_types = "Exclusive";
  TimePoint date{}, due_date{}, updated{};
  std::optional<TimePoint> fully_paid_on;
  Money subtotal = 0, total_tax = 0, total = 0, amount_due = 0, amount_paid = 0, amount_credited = 0;
  std::vector<XeroLineItem> lines;
  std::int64_t seq = 0;
};

// A sales quote (GET/PUT/POST /Quotes). No EXPIRED status: Xero's are DRAFT, SENT, DECLINED,
// ACCEPTED, INVOICED and DELETED.
struct XeroQuote {
  std::string id, number, reference, terms, title, summary, contact_id, status = "DRAFT", currency = "GBP";
  std::string line_amount_types = "EXCLUSIVE";
  TimePoint date{}, updated{};
  std::optional<TimePoint> expiry;
  Money subtotal = 0, total_tax = 0, total = 0;
  std::vector<XeroLineItem> lines;
  std::int64_t seq = 0;
};

struct XeroWindow {
  TimePoint start{};
  std::int64_t used = 0;
};

struct XeroIdempotent {
  std::string method_path, body;
  int status = 0;
  std::string response;
  TimePoint expires_at;
};

// The ordered matches of the last list query of one resource, kept while the books are
// unchanged: paging through 50,000 invoices would otherwise filter and sort them all again
// for every page.
struct XeroListCache {
  std::string key;  // the query without its page, plus If-Modified-Since
  std::uint64_t version = 0;
  std::vector<std::size_t> matches;  // indexes into contacts or invoices
};

struct XeroBooks {
  rapidjson::Document doc{rapidjson::kObjectType};  // allocator for contact JSON
  std::vector<XeroContact> contacts;
  std::unordered_map<std::string, std::size_t> contact_index;
  std::vector<XeroInvoice> invoices;
  std::unordered_multimap<std::string, std::size_t> invoices_by_contact;
  std::vector<XeroQuote> quotes;  // test/sandbox/xero_quotes.cpp
  XeroWindow minute, day;
  int in_flight = 0;
  std::map<std::string, XeroIdempotent> idempotency;
  std::int64_t next_seq = 1;
  std::uint64_t version = 1;  // bumped by every change to contacts or invoices
  XeroListCache contact_list, invoice_list;

  Alloc& alloc() { return doc.GetAllocator(); }
  XeroContact* contact(std::string_view id);
  // Active contact whose name equals `name` (case-insensitive), other than `except_id`.
  const XeroContact* active_named(std::string_view name, std::string_view except_id) const;
  void add_contact(XeroContact contact);
  void add_invoice(XeroInvoice invoice);

  // Loads contacts and invoices from a seed section. Offsets such as "DueDateOffsetDays"
  // are resolved against `now` (sandbox extension: dates relative to the sandbox clock).
  void load(const rapidjson::Value& section, const rapidjson::Value& exact, TimePoint now, std::mt19937_64& rng);

  // `status_attribute` ("OK") is added when summarizeErrors=false asks for per-element status.
  void write_contact(JsonWriter& writer, const XeroContact& contact, bool summary_only, TimePoint now,
                     const char* status_attribute = nullptr) const;
  void write_invoice(JsonWriter& writer, const XeroInvoice& invoice, bool with_lines) const;
};

// A seed date: `key` or `string_key` as text, else `offset_key` days from `now` (sandbox extension).
std::optional<TimePoint> xero_seed_date(const rapidjson::Value& object, const char* key, const char* string_key,
                                        const char* offset_key, TimePoint now);
// Money as Xero writes it: a JSON number with the exact digits ("46.00").
void write_key_money(JsonWriter& writer, const char* key, Money value);
void write_line_items(JsonWriter& writer, const std::vector<XeroLineItem>& lines);

// A random version-4 UUID.
std::string make_uuid(std::mt19937_64& rng);
std::string to_lower_ascii(std::string_view text);

}  // namespace capsync::sandbox
