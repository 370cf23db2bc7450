#pragma once
// Sage sales quotes and sales estimates JSON <-> model::Quote (swagger SalesQuote,
// SalesEstimate, postSalesQuotes, putSalesQuotes). The two are separate resources of one
// shape (/sales_quotes with quote_number and quote_lines, /sales_estimates with
// estimate_number and estimate_lines); both are read. remote_id is the quote's id, or
// "estimate:<id>" for an estimate, so an id says which resource it lives in.
//
// status (the one place it is mapped; Sage does not publish the quote status ids, these
// follow the web app's wording): DRAFT -> draft, unless `sent` (emailed or printed) ->
// sent; PENDING -> sent; ACCEPTED -> accepted; DECLINED -> declined; INVOICED -> invoiced;
// EXPIRED -> expired; a deleted_at -> deleted; anything else -> expired (neither open nor
// edited).
// Fields: number = quote_number / estimate_number; reference; summary = notes (Sage has no
// title: the opportunity's name is the line's description); date, expiry_date; currency.id;
// total = total_amount, exact (JSON numbers read as text). Link: links[] text/html when Sage
// gives one, else <web_url>/invoicing/sales_quotes/<id> (links.hpp).
// Writes: every text field (reference, notes, contact_id, dates, currency_id) and one line
// (description, ledger_account_id, quantity, unit_price, tax_rate_id when set); a create is
// status_id DRAFT and carries idempotency_id.

#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "core/connector/page.hpp"
#include "core/error/result.hpp"
#include "core/model/quote.hpp"

namespace capsync::sage {

enum class QuoteKind { quote, estimate };

struct QuoteKey {
  QuoteKind kind = QuoteKind::quote;
  std::string id;  // Sage's id
};
QuoteKey quote_key(std::string_view remote_id);
std::string quote_remote_id(QuoteKind kind, std::string_view id);
// "sales_quotes" / "sales_estimates".
std::string_view quote_resource(QuoteKind kind);

model::QuoteStatus quote_status(std::string_view status_id, bool sent);

Result<model::Quote> parse_quote(const rapidjson::Value& item, QuoteKind kind);
connector::Decoded<model::Quote> parse_quotes(const rapidjson::Value& items, QuoteKind kind);
Result<model::Quote> parse_quote_body(std::string_view body, QuoteKind kind);

// {"sales_quote":{…}} or {"sales_estimate":{…}}; a create (`idempotency_id` set, maybe empty)
// adds status_id DRAFT and, when not empty, the idempotency_id.
std::string quote_body(const model::QuoteSpec& spec, QuoteKind kind, std::string_view ledger_account_id, bool create,
                       std::string_view idempotency_id = {});

}  // namespace capsync::sage
