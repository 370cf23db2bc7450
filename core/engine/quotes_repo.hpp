#pragma once
// QuotesRepo: the quotes and estimates of a connection's accounting side per contact, as last
// read (R18), in `engine_quotes`. Amounts are exact decimal strings (R8).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
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

 private:
  store::Database& db_;
  std::string connection_;
};

// QuoteIntents: the quote capsync drafts for each opportunity (R20), in `engine_quote_intents`:
// begun (committed before the create) and, once the service answered, its remote id. Kept when
// a connection is disabled, so a quote is never drafted twice for one opportunity.
struct QuoteIntent {
  std::int64_t opportunity_id = 0;
  std::string remote_id;  // "" while the create's answer is not known
};

class QuoteIntents final {
 public:
  QuoteIntents(store::Database& db, std::string connection) : db_(db), connection_(std::move(connection)) {}

  Result<std::optional<QuoteIntent>> get(std::int64_t opportunity_id) const;
  Status begin(std::int64_t opportunity_id, std::int64_t now_ms);
  Status created(std::int64_t opportunity_id, std::string_view remote_id);

 private:
  store::Database& db_;
  std::string connection_;
};

}  // namespace capsync::engine
