#pragma once
// Fake Xero sales quotes: GET /Quotes[/{QuoteID}], PUT /Quotes (create), POST /Quotes/{QuoteID}
// (update), seeded from the "quotes" of a Xero seed section. Rules as Xero enforces them, with
// the unverified ones marked in the sandbox README: an update that leaves out Reference, Terms,
// Title or Summary clears it; LineItems left out are kept; DRAFT -> DECLINED is refused; DELETED
// only from DRAFT; only a draft's content may change.

#include <optional>
#include <random>
#include <string>

#include <rapidjson/document.h>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/xero_books.hpp"

namespace capsync::sandbox {

// GET, PUT and POST under /Quotes; `id` is the path segment after /Quotes/, if any.
Response xero_quotes(XeroBooks& books, const Request& request, const std::optional<std::string>& id, TimePoint now,
                     std::mt19937_64& rng);

// Seed "quotes": Xero quote JSON (Contact by ContactID or Name; money as JSON numbers, kept
// exactly); ext "DateOffsetDays", "ExpiryDateOffsetDays" (days from the sandbox clock).
void xero_load_quotes(XeroBooks& books, const rapidjson::Value& quotes, TimePoint now, std::mt19937_64& rng);

void xero_write_quote(JsonWriter& writer, const XeroBooks& books, const XeroQuote& quote);

}  // namespace capsync::sandbox
