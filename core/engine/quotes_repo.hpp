#pragma once
// QuotesRepo: the quotes and estimates of a connection's accounting side per contact, as last
// read (R18), in `engine_quotes`. Amounts are exact decimal strings (R8).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "core/model/party.hpp"
#include "core/model/quote.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

// The cursor of the incremental quote read (CursorsRepo).
inline constexpr std::string_view kQuotes = "accounting.quotes";

class QuotesRepo final {
 public:
  QuotesRepo(store::Database& db, std::string connection) : db_(db), connection_(std::move(connection)) {}

  // Inserts or replaces; true when the stored row changed (new, or any column differs), so a
  // quote read again at the cursor changes nothing. Meant to run in the page's Transaction.
  Result<bool> upsert(const model::Quote& quote, std::int64_t now_ms);
  // Every stored quote of the contact, by remote id. Title and summary are not kept.
  Result<std::vector<model::Quote>> for_contact(std::string_view contact_remote_id) const;
  // One stored quote; nullopt when it was not read (yet).
  Result<std::optional<model::Quote>> get(std::string_view remote_id) const;

 private:
  store::Database& db_;
  std::string connection_;
};

// QuoteIntents: the quote capsync drafts for each opportunity (R20), in `engine_quote_intents`:
// begun (committed before the create) and, once the service answered, its remote id; then what
// the quote last carried of the opportunity (R21) and what the opportunity shows of it (R22).
// Kept when a connection is disabled, so a quote is never drafted twice for one opportunity.
struct QuoteIntent {
  std::int64_t opportunity_id = 0;
  std::string remote_id;         // "" while the create's answer is not known
  std::string opportunity_hash;  // R21: opportunity_hash() of what the quote was last made from
  std::optional<std::int64_t> note_id;  // R22: the opportunity's note about its quote
  std::string note_hash;                // of the note's content as last written
  bool accepted_tagged = false;         // R22: the accepted tag was added
};

class QuoteIntents final {
 public:
  QuoteIntents(store::Database& db, std::string connection) : db_(db), connection_(std::move(connection)) {}

  Result<std::optional<QuoteIntent>> get(std::int64_t opportunity_id) const;
  // Every intent whose quote was made, by opportunity id.
  Result<std::vector<QuoteIntent>> created_ones() const;
  // `opportunity_hash`: of the opportunity the create is made from.
  Status begin(std::int64_t opportunity_id, std::string_view opportunity_hash, std::int64_t now_ms);
  Status created(std::int64_t opportunity_id, std::string_view remote_id);
  // R21: the quote now carries the opportunity whose hash this is (or never will again).
  Status followed(std::int64_t opportunity_id, std::string_view opportunity_hash);
  // R22: the note `note_id` shows content of hash `note_hash` (no note: the opportunity is gone).
  Status noted(std::int64_t opportunity_id, std::optional<std::int64_t> note_id, std::string_view note_hash);
  Status tagged(std::int64_t opportunity_id);

 private:
  store::Database& db_;
  std::string connection_;
};

// QuoteWaiting: the opportunities at the milestone that got no quote because of a conflict
// (R17), in `engine_quote_waiting`, so they are tried again when what stopped them changes —
// the conflict is resolved, or `retry_key` (their party's links and changes, the quote
// settings) differs — and not only when the opportunity itself changes.
struct WaitingOpportunity {
  std::int64_t opportunity_id = 0;
  model::PartyId party_id = 0;  // the opportunity's party when it was skipped
  std::string conflict;   // the conflict's identity
  std::string retry_key;  // what the wait was decided on
};

class QuoteWaiting final {
 public:
  QuoteWaiting(store::Database& db, std::string connection) : db_(db), connection_(std::move(connection)) {}

  Result<std::vector<WaitingOpportunity>> all() const;
  Status wait(const WaitingOpportunity& waiting);
  Status erase(std::int64_t opportunity_id);

 private:
  store::Database& db_;
  std::string connection_;
};

}  // namespace capsync::engine
