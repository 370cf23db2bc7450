#pragma once
// QuoteSide: whether a connection drafts quotes from Capsule opportunities (R19), decided once
// per configured milestone: `quotes.from_milestone` is set, the accounting service can write
// quotes, and the Capsule account has a milestone of that name. A name Capsule does not have is
// reported with its position in the config, and that connection's quote side stays off while
// everything else syncs. A failed read of the milestones decides nothing: the next sync asks again.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/config/settings.hpp"
#include "core/engine/sync_context.hpp"

namespace capsync::engine {

struct QuoteSide {
  bool on = false;
  std::int64_t milestone_id = 0;  // the from_milestone's id, when on
};

class QuoteSides final {
 public:
  // The quote side of ctx's connection under `settings`, reading Capsule's milestones the first
  // time (and again after the configured milestone changed).
  boost::asio::awaitable<Result<QuoteSide>> resolve(SyncContext& ctx, const config::QuoteSettings& settings);

 private:
  struct Known {
    std::string milestone;  // the configured name this was decided for
    QuoteSide side;
  };
  // Belongs to the io_context thread, like the engine.
  std::map<std::string, Known, std::less<>> known_;  // by connection
};

}  // namespace capsync::engine
