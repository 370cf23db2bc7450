#pragma once
// draft_quotes: R19-R22 for one connection whose quote side is on (quote_side.hpp). Reads the
// Capsule opportunities changed since its cursor; each open one at the configured milestone
// without a quote gets one draft quote for the accounting contact linked to its party (its
// organisation first). An unlinked party is exported first (R12, R13) and the quote drafted in
// the same pass. The intent is committed before the create, the create carries an idempotency
// key, and a create whose answer was lost is found by its reference ("Capsule opportunity #ID")
// before another is made: never two quotes for one opportunity. A changed opportunity whose
// quote was made updates it while it is a draft (R21), and each such opportunity shows its
// quote (R22, quote_follow.hpp).
// What needs a person is a conflict (R17): a party that cannot be exported (a name clash), no
// value or currency, a refusal. Such an opportunity waits (QuoteWaiting) and is tried again
// when the conflict is resolved, its party is linked or changes, or the quote settings change.

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
  int updated = 0;  // draft quotes that followed their opportunity (R21)
  int retried = 0;  // waiting opportunities tried again
};

boost::asio::awaitable<Result<DraftResult>> draft_quotes(SyncContext& ctx, const QuoteSide& side,
                                                         const config::QuoteSettings& settings);

// "Capsule opportunity #ID": how a quote is found again (R20).
std::string quote_reference(const model::Opportunity& opportunity);

// R19's quote for `opportunity`, to the contact `contact_remote_id`, dated `today`.
model::QuoteSpec quote_spec(const model::Opportunity& opportunity, std::string contact_remote_id, model::Date today,
                            const config::QuoteSettings& settings);

}  // namespace capsync::engine
