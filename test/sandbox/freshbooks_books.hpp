#pragma once
// One FreshBooks business as the sandbox keeps it: its clients (the documented text fields),
// its invoices (money as exact Money) and how both are written. JSON goes out the way
// FreshBooks writes it: every text field present ("" when empty), ids as numbers, money as
// {"amount":"41.94","code":"CAD"}, and date-times as zone-less "YYYY-MM-DD HH:MM:SS" wall
// times in US/Eastern (dates "YYYY-MM-DD").

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

// vis_state: 0 active, 1 deleted, 2 archived (https://www.freshbooks.com/api/active_deleted).
enum class VisState : int { active = 0, deleted = 1, archived = 2 };

struct FreshBooksClient {
  std::int64_t id = 0;
  std::map<std::string, std::string> fields;  // writable text fields, empty ones absent
  VisState vis_state = VisState::active;
  TimePoint signup{}, updated{};

  std::string text(const std::string& key) const;
};

struct FreshBooksInvoice {
  std::int64_t id = 0, customer_id = 0;
  std::string invoice_number, currency = "USD";
  std::string fixed_status;  // draft, disputed, …; empty = derived from the amounts
  std::string create_date, due_date;  // "YYYY-MM-DD"
  TimePoint created{}, updated{};
  Money amount = 0, paid = 0;
  VisState vis_state = VisState::active;

  Money outstanding() const { return amount - paid; }
  // v3_status: the fixed one, else paid / partial / sent from the amounts.
  std::string v3_status() const;
};

// An estimate (…/estimates/estimates). status: 1 draft, 2 sent, 3 viewed, 4 replied,
// 5 accepted, 6 invoiced (https://www.freshbooks.com/api/estimates).
struct FreshBooksEstimateLine {
  std::string name, description;
  Money qty = kMoneyScale, unit_cost = 0;
};

struct FreshBooksEstimate {
  std::int64_t id = 0, customer_id = 0;
  std::string estimate_number, currency = "USD", po_number, notes, terms, create_date;
  int status = 1;
  std::vector<FreshBooksEstimateLine> lines;
  VisState vis_state = VisState::active;
  TimePoint created{}, updated{};

  Money amount() const;
};

struct FreshBooksBusiness {
  std::int64_t id = 0;
  std::string name, account_id, business_uuid, currency = "USD";
};

// The writable text fields of POST/PUT …/users/clients.
bool freshbooks_client_text_field(std::string_view key);

struct FreshBooksBooks {
  std::vector<FreshBooksBusiness> businesses;  // the first holds the clients and invoices below
  std::vector<FreshBooksClient> clients;
  std::vector<FreshBooksInvoice> invoices;
  std::vector<FreshBooksEstimate> estimates;  // test/sandbox/freshbooks_estimates.cpp
  std::int64_t next_estimate_id = 300001, next_estimate_number = 1;
  std::int64_t next_client_id = 100001, next_invoice_id = 700001, next_number = 1;

  const FreshBooksBusiness& business() const { return businesses.front(); }
  FreshBooksClient* client(std::int64_t id);
  FreshBooksInvoice* invoice(std::int64_t id);

  // Seeds from the "freshbooks" section (`exact`: the same with numbers as text).
  void load(const rapidjson::Value& section, const rapidjson::Value& exact, TimePoint now);

  void write_client(JsonWriter& writer, const FreshBooksClient& client) const;
  void write_invoice(JsonWriter& writer, const FreshBooksInvoice& invoice) const;
  void write_business(JsonWriter& writer, const FreshBooksBusiness& business) const;
};

// {"amount":"41.94","code":"CAD"} under `key`.
void write_money(JsonWriter& w, const char* key, Money value, const std::string& currency);

// "2021-04-16 10:31:58": the US/Eastern wall time of `t`.
std::string eastern_time(TimePoint t);
// "2021-04-16": the US/Eastern date of `t`.
std::string eastern_date(TimePoint t);
// Reads "YYYY-MM-DD HH:MM:SS" (or "YYYY-MM-DD", midnight) as a US/Eastern wall time.
std::optional<TimePoint> parse_eastern(std::string_view text);

}  // namespace capsync::sandbox
