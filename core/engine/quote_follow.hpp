#pragma once
// What happens to a quote capsync drafted, after the create (R21, R22):
//  - follow_opportunity: while the quote is a draft, a change to its opportunity's name,
//    description, value or expected close updates it. A change is told by opportunity_hash(),
//    stored with the intent, so an unchanged opportunity sends nothing. Once the quote is sent,
//    accepted, declined or invoiced it is never touched again, and it is never deleted. A
//    service that keeps no drafts (capabilities().quotes_update false: KashFlow) is skipped.
//  - show_quotes: one note on each such opportunity (number, status, amount, link), written
//    once and updated in place as the quote changes, and the `quotes.accepted_tag` once it is
//    accepted. The opportunity's milestone is never moved. A failed Capsule write is logged
//    and tried again at the next sync; it does not stop the sync.

#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/config/settings.hpp"
#include "core/engine/quotes_repo.hpp"
#include "core/engine/sync_context.hpp"

namespace capsync::engine {

// The opportunity's fields a quote is made from, as a stable hash.
std::string opportunity_hash(const model::Opportunity& opportunity);

// R21 for the opportunity `o` of `intent` (whose quote was made): true when the quote was updated.
boost::asio::awaitable<Result<bool>> follow_opportunity(SyncContext& ctx, const config::QuoteSettings& settings,
                                                        const QuoteIntent& intent, const model::Opportunity& o);

// R22 for every opportunity whose quote capsync made, as the store last read the quotes.
boost::asio::awaitable<Status> show_quotes(SyncContext& ctx, const config::QuoteSettings& settings);

}  // namespace capsync::engine
