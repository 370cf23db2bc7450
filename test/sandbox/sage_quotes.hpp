#pragma once
// Fake Sage /sales_quotes and /sales_estimates (two resources of one shape, swagger SalesQuote /
// SalesEstimate) and the /ledger_accounts their lines post to.
//  - list: contact_id, status_id, search (reference or contact name, substring), from_date,
//    to_date, updated_or_created_since (inclusive), attributes, paging; get, POST (201, needs
//    contact_id, date, expiry_date and lines with description, ledger_account_id, quantity,
//    unit_price; `idempotency_id` in the wrapper replays the first answer), PUT (partial; lines
//    given replace the lines), DELETE (204). No deleted_since: a deleted quote vanishes.
//  - status ids (GET /artefact_statuses; the set for quotes is not published: these follow the
//    web app's wording): DRAFT, PENDING, ACCEPTED, DECLINED, INVOICED, EXPIRED. A PENDING quote
//    whose expiry_date has passed reads EXPIRED. `editable` is false once INVOICED: a PUT then is
//    422 RecordInvalid, as Sage refuses edits of an artefact that cannot be edited.
//  - numbers: quote_number_prefix + serial ("SQ-1", estimates "SE-1").
//  - tax: tax_rate_id GB_STANDARD (20%), GB_LOWER (5%), GB_ZERO, GB_EXEMPT, GB_NO_TAX (0%).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/json_util.hpp"
#include "test/sandbox/money.hpp"
#include "test/sandbox/sandbox_clock.hpp"

namespace capsync::sandbox {

struct SageBooks;

struct SageQuoteLine {
  std::string description, ledger_account_id, tax_rate_id;
  Money quantity = kMoneyScale, unit_price = 0;

  Money net() const { return quantity * unit_price / kMoneyScale; }
  Money tax() const;
};

struct SageQuote {
  std::string id, contact_id, number, reference, notes, status = "DRAFT", currency = "GBP";
  bool estimate = false, sent = false;
  TimePoint date{}, expiry_date{}, created{}, updated{};
  std::vector<SageQuoteLine> lines;
  std::optional<std::string> invoice_id;

  Money net() const;
  Money tax() const;
  // The status as read at `now`: PENDING past its expiry date is EXPIRED.
  std::string status_at(TimePoint now) const;
  bool editable() const { return status != "INVOICED"; }
};

struct SageLedgerAccount {
  std::string id, nominal_code, name;
  bool sales = true;
};

// Seeds "sales_quotes", "sales_estimates" and "ledger_accounts" of one business (money as text
// in `exact`); without seeded ledger accounts, a UK chart's sales accounts 4000, 4010, 4900.
void sage_load_quotes(SageBooks& books, const rapidjson::Value& section, const rapidjson::Value& exact, TimePoint now);
void sage_dump_quotes(JsonWriter& writer, const SageBooks& books, TimePoint now);

// /sales_quotes[/{id}] (estimate false) and /sales_estimates[/{id}].
Response sage_quotes(SageBooks& books, const Request& request, bool estimate, const std::optional<std::string>& id,
                     TimePoint now, std::chrono::milliseconds idempotency_window);
// GET /ledger_accounts (visible_in=sales, search, attributes, paging).
Response sage_ledger_accounts(const SageBooks& books, const Request& request);

}  // namespace capsync::sandbox
