#pragma once
// KashFlow REST quotes JSON <-> model::Quote (https://www.kashflow.com/developers/rest-api/quotes/:
// "The individual resource is identified by the quote number"; members Number, Date,
// CustomerCode, CustomerName, CustomerReference, GrossAmount, NetAmount, VATAmount, Category,
// Currency, LineItems, ProjectNumber, SuppressAmount, PreviousNumber, NextNumber, Permalink).
//
// Status (the one place it is mapped): KashFlow documents no status for a quote, no draft
// state and no sent flag (a quote is a finished document the moment it is saved; its Category
// flag is the user's own). Every quote therefore reads as `sent`: open (R18), and never
// changed by capsync (R21), which cannot tell whether the customer has seen it.
// Fields: remote_id and number = Number; contact = CustomerCode; reference =
// CustomerReference ("Quote's reference"); date = Date (the wall date KashFlow wrote);
// total = GrossAmount, exact; currency = Currency.Code (GBP when absent); url = Permalink made
// absolute on `api_origin`; expiry_date = Date + the account's quote validity (GET
// /settings/quote "QuoteDueDate": "Days in which quote will be due after it is created", e.g.
// "30 Days"), empty when that is unknown. KashFlow quotes have no title, notes or update date:
// title and summary are not written (the opportunity's name is the line's Description), and
// updated_at stays empty.
// Writes: Date ("YYYY-MM-DD 12:00:00", midday UK time as KashFlow's examples write it),
// CustomerCode, CustomerReference, Currency.Code and one line: Number 0 (a new line),
// Quantity, Rate, Description, VATRate (the tax type, a percentage) and ChargeType (the
// account code, a nominal code) when set.

#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "core/connector/page.hpp"
#include "core/error/result.hpp"
#include "core/model/quote.hpp"

namespace capsync::kashflow {

model::QuoteStatus quote_status();

// The days in the quote settings' QuoteDueDate ("30 Days" -> 30); nullopt when the body has
// none that reads so.
std::optional<int> quote_valid_days(std::string_view settings_body);

// `valid_days`: quote_valid_days() of the account, when known.
Result<model::Quote> parse_quote(const rapidjson::Value& item, std::string_view api_origin,
                                 std::optional<int> valid_days = std::nullopt);
connector::Decoded<model::Quote> parse_quotes(const rapidjson::Value& items, std::string_view api_origin,
                                              std::optional<int> valid_days = std::nullopt);
Result<model::Quote> parse_quote_body(std::string_view body, std::string_view api_origin,
                                      std::optional<int> valid_days = std::nullopt);

// The body of POST /quotes and PUT /quotes/{number}; Errc::invalid_argument when the tax type
// is not a percentage or the account code not a nominal code.
Result<std::string> quote_body(const model::QuoteSpec& spec);

}  // namespace capsync::kashflow
