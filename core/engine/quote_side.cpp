#include "core/engine/quote_side.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/log/log.hpp"

namespace capsync::engine {

boost::asio::awaitable<Result<QuoteSide>> QuoteSides::resolve(SyncContext& ctx, const config::QuoteSettings& settings) {
  if (!settings.from_milestone) co_return QuoteSide{};
  const std::string& wanted = *settings.from_milestone;
  if (auto it = known_.find(ctx.connection); it != known_.end() && it->second.milestone == wanted)
    co_return it->second.side;
  QuoteSide side;
  if (!ctx.accounting.capabilities().quotes_write) {
    log::warning({.connection = ctx.connection},
                 "Failed to turn on draft quotes for connection {}: {} has no quote API capsync can write to ({}), "
                 "ignoring",
                 ctx.connection, ctx.accounting.provider(), settings.from_milestone_at);
    known_[ctx.connection] = Known{wanted, side};
    co_return side;
  }
  auto milestones = co_await ctx.capsule.list_milestones();
  if (!milestones) co_return milestones.error().with_context("Failed to read the Capsule milestones");
  std::vector<std::string> names;
  for (const auto& m : *milestones) {
    if (m.name == wanted) {
      side = QuoteSide{true, m.id};
      break;
    }
    names.push_back(fmt::format("'{}' ({})", m.name, m.pipeline));
  }
  if (!side.on)
    log::error({.connection = ctx.connection},
               "Failed to find Capsule milestone '{}' named at {}: the account has {}. Draft quotes stay off for "
               "connection {}; fix quotes.from_milestone and reload",
               wanted, settings.from_milestone_at, names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", ")),
               ctx.connection);
  known_[ctx.connection] = Known{wanted, side};
  co_return side;
}

}  // namespace capsync::engine
