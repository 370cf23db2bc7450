#pragma once
// Fake FreshBooks estimates under …/accounting/account/{account_id}/estimates/estimates
// (https://www.freshbooks.com/api/estimates): list (page/per_page, search[updated_min|max],
// search[vis_state], search[customerid], search[estimate_number], search[notes_like]), get,
// create, partial update (lines given replace the old ones; a vis_state alone changes only the
// vis_state; status 1..6 or action_mark_as_sent) and delete (vis_state 1).

#include <cstdint>
#include <optional>

#include <rapidjson/document.h>

#include "test/sandbox/freshbooks_books.hpp"
#include "test/sandbox/http_message.hpp"

namespace capsync::sandbox {

Response freshbooks_estimates(FreshBooksBooks& books, const Request& request, std::optional<std::int64_t> id,
                              TimePoint now);

// Seed "estimates": "id", "customerid", "estimate_number", "po_number", "notes", "terms",
// "status" (1..6), "currency_code", "create_date" or ext "create_date_offset_days", "lines"
// ([{name, qty, unit_cost:{amount}}]) or ext "amount" (one line), "vis_state", "updated".
// `exact`: the same array parsed with numbers as text (money kept exactly).
void freshbooks_load_estimates(FreshBooksBooks& books, const rapidjson::Value* estimates,
                               const rapidjson::Value* exact, TimePoint now);

void freshbooks_write_estimate(JsonWriter& writer, const FreshBooksBooks& books, const FreshBooksEstimate& estimate,
                               bool with_lines);

}  // namespace capsync::sandbox
