#pragma once
// FreshBooks estimates JSON <-> model::Quote (https://www.freshbooks.com/api/estimates).
//
// Status mapping, the one place FreshBooks estimate states become model::QuoteStatus:
//   vis_state 1 (deleted)                  -> deleted, whatever the status says
//   ui_status draft, created (status 1)    -> draft
//   ui_status sent, viewed, replied (2..4) -> sent: issued and awaiting the client
//   ui_status accepted (5)                 -> accepted
//   ui_status invoiced (6)                 -> invoiced
// ui_status is read first, the numeric status when it is absent; anything else is
// unreadable (R17). FreshBooks documents no declined or expired estimate state.
//
// Fields: the reference ("Capsule opportunity #ID") is po_number, the estimate's reference
// field, and is also the last paragraph of notes: FreshBooks documents no filter on
// po_number, but search[notes_like] is one, so find_quotes_by_reference asks the server for
// notes containing it and keeps exact po_number matches (an estimate whose notes a bookkeeper
// stripped of the reference is not found; capsync's own drafts are found). notes = summary, a blank line, the
// reference; the title is the line's description (the estimate's "description", which
// FreshBooks takes from its first line). Estimates have no expiry date. Money: amount is
// {"amount":"41.94","code":"CAD"}, read exactly.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "connectors/freshbooks/envelope.hpp"
#include "core/error/result.hpp"
#include "core/model/quote.hpp"
#include "core/model/unreadable_record.hpp"

namespace capsync::freshbooks {

std::optional<model::QuoteStatus> estimate_status(std::string_view ui_status, std::int64_t status,
                                                  std::int64_t vis_state);

// `terms`, when given, gets the estimate's terms (carried over on update).
Result<model::Quote> parse_estimate(const rapidjson::Value& element, std::string* terms = nullptr);
// {"response":{"result":{"estimate":{…}}}}.
Result<model::Quote> parse_single_estimate(std::string_view body, std::string* terms = nullptr);

struct EstimatePage {
  std::vector<model::Quote> items;
  std::vector<model::UnreadableRecord> unreadable;
  Paging paging;
};
Result<EstimatePage> parse_estimate_list(std::string_view body);

// {"estimate":{…}} for POST (a draft, status 1) and PUT (no status: a sent estimate is never
// turned back into a draft). `terms` is carried over on update.
std::string estimate_body(const model::QuoteSpec& spec, bool create, std::string_view terms = {});

// https://my.freshbooks.com/#/estimate/<account_id>-<id>, shaped like FreshBooks' invoice
// links (unverified for estimates).
std::string estimate_link(std::string_view account_id, std::string_view estimate_id);

}  // namespace capsync::freshbooks
