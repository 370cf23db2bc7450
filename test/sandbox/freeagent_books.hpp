#pragma once
// One FreeAgent company as the sandbox keeps it: contacts (the documented writable fields as
// text), sales invoices (money as exact Money) and the rules that derive an invoice's status.
// JSON goes out the way FreeAgent writes it: ids are URLs, empty fields are omitted, money is
// a decimal string ("150.0"), dates "YYYY-MM-DD", timestamps with milliseconds ("….000Z").

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "test/sandbox/json_util.hpp"
#include "test/sandbox/money.hpp"
#include "test/sandbox/sandbox_clock.hpp"

namespace capsync::sandbox {

struct FreeAgentContact {
  std::int64_t id = 0;
  std::map<std::string, std::string> fields;  // writable text fields, empty ones absent
  bool contact_name_on_invoices = true;
  bool uses_contact_invoice_sequence = false;
  std::optional<std::int64_t> default_payment_terms_in_days;
  bool supplier = false;  // ext: seeded "is_supplier" (has bills), for view=suppliers
  TimePoint created{}, updated{};

  std::string text(const std::string& key) const;
  bool hidden() const { return text("status") == "Hidden"; }
  // The documented sort key for sort=name: organisation_name, last_name, first_name.
  std::string sort_name() const;
};

struct FreeAgentInvoice {
  std::int64_t id = 0, contact_id = 0;
  std::string reference, currency = "GBP";
  std::string fixed_status;  // Draft, Scheduled To Email, Written-off, …; empty = derived
  TimePoint dated_on{}, due_on{}, created{}, updated{};
  std::int64_t payment_terms_in_days = 30;
  Money net = 0, sales_tax = 0, paid = 0;

  Money total() const { return net + sales_tax; }
  Money due() const { return fixed_status == "Draft" ? 0 : total() - paid; }
  // Open, Overdue, Paid, Overpaid or Zero Value from the amounts and `now`, unless fixed.
  std::string status(TimePoint now) const;
};

struct FreeAgentCompany {
  std::string name = "Sandbox Company Ltd", subdomain = "sandbox", currency = "GBP", type = "UkLimitedCompany";
};

// The writable contact fields of POST/PUT /v2/contacts taken as text.
bool freeagent_writable_text_field(std::string_view key);

struct FreeAgentBooks {
  FreeAgentCompany company;
  std::vector<FreeAgentContact> contacts;
  std::vector<FreeAgentInvoice> invoices;
  std::int64_t next_contact_id = 225200, next_invoice_id = 5500, next_reference = 1;

  FreeAgentContact* contact(std::int64_t id);
  FreeAgentInvoice* invoice(std::int64_t id);
  bool has_invoices(std::int64_t contact_id) const;
  // Sum of due values of the contact's invoices, negative as FreeAgent shows a debtor's balance.
  Money account_balance(std::int64_t contact_id) const;

  // Seeds from the "freeagent" section (`exact`: the same with numbers as text).
  void load(const rapidjson::Value& section, const rapidjson::Value& exact, TimePoint now);

  // `api` = "<base>/freeagent/v2": the prefix of every url written.
  void write_contact(JsonWriter& writer, const FreeAgentContact& contact, const std::string& api) const;
  void write_invoice(JsonWriter& writer, const FreeAgentInvoice& invoice, const std::string& api, TimePoint now) const;
  void write_company(JsonWriter& writer, const std::string& api) const;
};

// FreeAgent's decimal spelling: at least one decimal place ("150.0", "12.5", "-0.35").
std::string freeagent_money(Money value);
// "2026-08-16T12:43:38.000Z".
std::string freeagent_timestamp(TimePoint t);
// "2026-08-16".
std::string freeagent_date(TimePoint t);
// The numeric id at the end of "…/contacts/225200" or of "225200"; nullopt otherwise.
std::optional<std::int64_t> freeagent_id(std::string_view url_or_id);

}  // namespace capsync::sandbox
