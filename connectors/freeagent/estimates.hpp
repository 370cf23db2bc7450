#pragma once
// FreeAgent estimates JSON <-> model::Quote (https://dev.freeagent.com/docs/estimates).
//
// status (the one place it is mapped): Draft -> draft; Sent, Open -> sent; Approved ->
// accepted; Rejected -> declined; Invoiced -> invoiced; anything else -> expired, so an
// estimate FreeAgent describes in a way capsync does not know is neither open nor edited.
// Number: FreeAgent's `reference` is the estimate's one free-text identifier (FreeAgent
// numbers it "001", … when left out); capsync writes its "Capsule opportunity #ID" there, so
// reference and number are the same text. FreeAgent estimates have no title and no expiry
// date: title is not written, expiry_date stays empty; the summary is the estimate's `notes`.
// Total = net_value + sales_tax_value (include_sales_tax_on_total_value is true by default),
// exact; FreeAgent may give sales tax with more than 4 decimals, which is rounded half away
// from zero to 4.
// Creates are Drafts of estimate_type "Quote" (capsync drafts quotes, R19).
// Lines: one estimate item (item_type "Services"): description, quantity, price; the account
// code is the item's `category` (<api>/categories/<code>) and the tax type its
// `sales_tax_rate` (a percentage such as "20.0"); empty = FreeAgent's defaults.

#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "core/connector/page.hpp"
#include "core/error/result.hpp"
#include "core/model/quote.hpp"

namespace capsync::freeagent {

model::QuoteStatus estimate_status(std::string_view freeagent_status);

// One estimate object. Errc::protocol when url/contact is missing or a field is malformed.
Result<model::Quote> parse_estimate(const rapidjson::Value& element);
// {"estimates":[…]}; an element that cannot be read is described in `unreadable`.
Result<connector::Decoded<model::Quote>> parse_estimates(std::string_view body);

// {"estimate":{…}} with its items: the quote and the id of its first item (empty if none).
struct EstimateDetail {
  model::Quote quote;
  std::string first_item_id;
};
Result<EstimateDetail> parse_estimate_detail(std::string_view body);

// {"estimate":{…}} for POST /v2/estimates: a Draft with its one item. `api` is the API root
// ("https://api.freeagent.com/v2") that contact and category URLs are made from.
std::string estimate_create_body(const model::QuoteSpec& spec, std::string_view api);
// {"estimate":{…}} for PUT /v2/estimates/:id: every text field of the spec, items apart.
std::string estimate_update_body(const model::QuoteSpec& spec, std::string_view api);
// {"estimate_item":{…}} for PUT /v2/estimate_items/:id; with `estimate_url`, the
// {"estimate":url,"estimate_item":{…}} of POST /v2/estimate_items.
std::string estimate_item_body(const model::QuoteSpec& spec, std::string_view api, std::string_view estimate_url = {});

}  // namespace capsync::freeagent
