#pragma once
// draft_quotes: R19-R20 for one connection whose quote side is on (quote_side.hpp). Reads the
// Capsule opportunities changed since its cursor; each open one at the configured milestone
// without a quote gets one draft quote for the accounting contact linked to its party (its
// organisation first). The intent is committed before the create, the create carries an
// idempotency key, and a create whose answer was lost is found by its reference
// ("Capsule opportunity #ID") before another is made: never two quotes for one opportunity.
// What needs a person is a conflict (R17): no linked contact, no value or currency, a refusal.
//
// Not yet: exporting an unlinked party first (R12), following the opportunity while the quote
// is a draft (R21), and the opportunity's note and accepted tag (R22).

#include <boost/asio/awaitable.hpp>

#include "core/config/settings.hpp"
#include "core/engine/quote_side.hpp"
#include "core/engine/sync_context.hpp"

namespace capsync::engine {

// The Capsule opportunity listing's cursor (CursorsRepo).
inline constexpr std::string_view kOpportunities = "capsule.opportunities";

struct DraftResult {
  int opportunities_read = 0;
  int created = 0;  // quotes created by this sync
};

boost::asio::awaitable<Result<DraftResult>> draft_quotes(SyncContext& ctx, const QuoteSide& side,
                                                         const config::QuoteSettings& settings);

// R19's quote for `opportunity`, to the contact `contact_remote_id`, dated `today`.
model::QuoteSpec quote_spec(const model::Opportunity& opportunity, std::string contact_remote_id, model::Date today,
                            const config::QuoteSettings& settings);

}  // namespace capsync::engine
