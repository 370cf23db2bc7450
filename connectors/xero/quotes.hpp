#pragma once
// Xero Quotes JSON <-> model::Quote (xero_accounting.yaml, schema Quote).
//
// Status mapping, the one place Xero's QuoteStatusCodes become model::QuoteStatus:
//   DRAFT -> draft, SENT -> sent, ACCEPTED -> accepted, DECLINED -> declined,
//   INVOICED -> invoiced, DELETED -> deleted.
// Xero has no EXPIRED status: a sent quote past its ExpiryDate stays SENT in the API, and its
// expiry_date says so. Anything else is unreadable (R17).
//
// Writes: one line (Quantity x UnitAmount, exclusive of tax) and every text field. An update
// that leaves out Reference, Terms, Title or Summary clears it, while LineItems left out are
// kept (XeroAPI/xero-mcp-server#309), so the body always carries all four; Terms, which capsync
// does not own, is carried over from the quote as last read.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "connectors/xero/contacts.hpp"
#include "core/error/result.hpp"
#include "core/model/quote.hpp"
#include "core/model/unreadable_record.hpp"

namespace capsync::xero {

// Xero's limits in characters (schema Quote): Title 100, Summary 3000.
inline constexpr std::size_t kMaxQuoteTitle = 100;
inline constexpr std::size_t kMaxQuoteSummary = 3000;

std::optional<model::QuoteStatus> quote_status(std::string_view xero_status);

struct QuotesPage {
  std::vector<model::Quote> quotes;
  std::vector<model::UnreadableRecord> unreadable;
  std::optional<Pagination> pagination;
  std::size_t raw_count = 0;  // elements in the response (paging)
};

// One element of "Quotes"; `terms` gets its Terms when not null (carried over on update).
Result<model::Quote> parse_quote(const rapidjson::Value& element, std::string* terms = nullptr);
Result<QuotesPage> parse_quotes(std::string_view body);

// {"Quotes":[{...}]} for PUT /Quotes (a DRAFT) or, with `remote_id`, POST /Quotes/{id}. An
// update sends no Status: a quote sent meanwhile is never turned back into a draft.
std::string quote_body(const model::QuoteSpec& spec, std::string_view remote_id = {}, std::string_view terms = {});

}  // namespace capsync::xero
