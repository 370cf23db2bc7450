#include "core/engine/quote_follow.hpp"

#include <fmt/format.h>

#include "core/engine/quote_drafts.hpp"
#include "core/engine/reconcile_pass.hpp"
#include "core/log/log.hpp"
#include "core/store/database.hpp"
#include "core/sync/quote_list.hpp"
#include "core/sync/stable_hash.hpp"

namespace capsync::engine {

namespace asio = boost::asio;

std::string opportunity_hash(const model::Opportunity& o) {
  sync::StableHash h;
  h.add(o.name).add(o.description);
  h.add(o.value ? o.value->to_string() : std::string()).add(o.value ? o.value->currency() : std::string());
  h.add(o.expected_close ? model::format_date(*o.expected_close) : std::string());
  h.add(model::to_string(o.duration_basis)).add(o.duration ? std::to_string(*o.duration) : std::string());
  return h.hex();
}

namespace {

// The quote as it stands: the store's copy (R18 reads), else the service's answer to a search
// by its reference; nullopt when the service no longer has it.
asio::awaitable<Result<std::optional<model::Quote>>> current_quote(SyncContext& ctx, const QuoteIntent& intent,
                                                                  const model::Opportunity& o) {
  auto stored = ctx.store.quotes.get(intent.remote_id);
  if (!stored) co_return stored.error();
  if (*stored) co_return stored;
  auto found = co_await ctx.accounting.find_quotes_by_reference(quote_reference(o));
  if (!found) co_return found.error();
  for (auto& q : *found)
    if (q.remote_id == intent.remote_id) co_return std::optional<model::Quote>(std::move(q));
  co_return std::optional<model::Quote>{};
}

}  // namespace

asio::awaitable<Result<bool>> follow_opportunity(SyncContext& ctx, const config::QuoteSettings& settings,
                                                 const QuoteIntent& intent, const model::Opportunity& o) {
  if (!ctx.accounting.capabilities().quotes_update) co_return false;
  const std::string hash = opportunity_hash(o);
  if (hash == intent.opportunity_hash) co_return false;
  const auto settle = [&]() -> Result<bool> {
    if (auto s = ctx.store.quote_intents.followed(o.id, hash); !s) return s.error();
    return false;
  };
  // Drafted before capsync kept the hash: what it was made from is unknown, so it is not guessed.
  if (intent.opportunity_hash.empty() || !o.value) co_return settle();
  auto quote = co_await current_quote(ctx, intent, o);
  if (!quote) co_return quote.error();
  // Gone, or no longer a draft: never changed again (R21), never made again (R20).
  if (!*quote || (*quote)->status != model::QuoteStatus::draft) co_return settle();
  const model::Quote& q = **quote;
  // The quote keeps its contact and date; the rest follows the opportunity as R19 maps it.
  auto spec = quote_spec(o, q.contact_remote_id, q.issue_date.value_or(model::Date{}), settings);
  if (!q.issue_date) {
    auto today = today_for(ctx);
    if (!today) co_return today.error();
    spec = quote_spec(o, q.contact_remote_id, *today, settings);
  }
  const log::Fields fields{.connection = ctx.connection, .record = intent.remote_id};
  auto updated = co_await ctx.accounting.update_quote(intent.remote_id, spec);
  if (!updated) {
    const auto code = updated.error().code();
    if (code == Errc::conflict) {  // sent (or more) since it was last read: leave it be
      log::info(fields, "Left quote {} of Capsule opportunity #{} as it is: {}", intent.remote_id, o.id,
                updated.error().message());
      co_return settle();
    }
    if (code != Errc::invalid_argument) co_return updated.error();
    auto c = sync::make_conflict(sync::ConflictKind::refused_by_api, intent.remote_id,
                                 {fmt::format("opportunity-{}", o.id)}, {o.party_id}, o.name,
                                 fmt::format("{} refused to update the draft quote of Capsule opportunity #{}: {}",
                                             ctx.accounting.provider(), o.id, updated.error().message()));
    auto fresh = ctx.store.conflicts.record(c, ctx.now_ms());
    if (!fresh) co_return fresh.error();
    if (*fresh) log::warning(fields, "{}", c.describe());
    co_return settle();
  }
  auto tx = ctx.store.db.begin();
  if (!tx) co_return tx.error();
  if (auto s = ctx.store.quotes.upsert(*updated, ctx.now_ms()); !s) co_return s.error();
  if (auto s = ctx.store.quote_intents.followed(o.id, hash); !s) co_return s.error();
  if (auto s = tx->commit(); !s) co_return s.error();
  log::info(fields, "Updated draft quote {} to follow Capsule opportunity #{} '{}'",
            updated->number.empty() ? updated->remote_id : updated->number, o.id, o.name);
  co_return true;
}

namespace {

// The opportunity's note now shows `content`; true when it was written.
asio::awaitable<Result<bool>> write_note(SyncContext& ctx, const QuoteIntent& intent, const std::string& content) {
  const std::string hash = sync::StableHash().add(content).hex();
  if (intent.note_id && hash == intent.note_hash) co_return false;
  if (intent.note_id) {
    auto updated = co_await ctx.capsule.update_note(*intent.note_id, content);
    if (updated) {
      if (auto s = ctx.store.quote_intents.noted(intent.opportunity_id, updated->id, hash); !s) co_return s.error();
      co_return true;
    }
    if (updated.error().code() != Errc::not_found) co_return updated.error();
    // A person deleted the note: the opportunity gets a new one.
  }
  auto notes = co_await ctx.capsule.list_opportunity_notes(intent.opportunity_id);
  if (!notes) {
    if (notes.error().code() != Errc::not_found) co_return notes.error();
    // The opportunity was deleted: nothing to show it on until the quote changes again.
    if (auto s = ctx.store.quote_intents.noted(intent.opportunity_id, std::nullopt, hash); !s) co_return s.error();
    co_return false;
  }
  // A create whose answer was lost made this very note: it is adopted, not made twice.
  for (const auto& n : *notes)
    if (n.content == content) {
      if (auto s = ctx.store.quote_intents.noted(intent.opportunity_id, n.id, hash); !s) co_return s.error();
      co_return false;
    }
  auto made = co_await ctx.capsule.create_opportunity_note(intent.opportunity_id, content);
  if (!made) co_return made.error();
  if (auto s = ctx.store.quote_intents.noted(intent.opportunity_id, made->id, hash); !s) co_return s.error();
  co_return true;
}

asio::awaitable<Status> show_one(SyncContext& ctx, const config::QuoteSettings& settings, const QuoteIntent& intent,
                                 const model::Quote& quote) {
  auto noted = co_await write_note(ctx, intent, sync::render_quote_line(quote));
  if (!noted) co_return noted.error();
  if (quote.status == model::QuoteStatus::accepted && !intent.accepted_tagged && !settings.accepted_tag.empty()) {
    auto tagged = co_await ctx.capsule.tag_opportunity(intent.opportunity_id, settings.accepted_tag);
    if (!tagged && tagged.error().code() != Errc::not_found) co_return tagged;
    if (auto s = ctx.store.quote_intents.tagged(intent.opportunity_id); !s) co_return s;
    log::info({.connection = ctx.connection, .record = quote.remote_id},
              "Tagged Capsule opportunity #{} '{}': its quote {} was accepted", intent.opportunity_id,
              settings.accepted_tag, quote.number.empty() ? quote.remote_id : quote.number);
  }
  co_return Status{};
}

}  // namespace

asio::awaitable<Status> show_quotes(SyncContext& ctx, const config::QuoteSettings& settings) {
  auto intents = ctx.store.quote_intents.created_ones();
  if (!intents) co_return intents.error();
  for (const auto& intent : *intents) {
    auto quote = ctx.store.quotes.get(intent.remote_id);
    if (!quote) co_return quote.error();
    if (!*quote) continue;  // not read yet
    auto shown = co_await show_one(ctx, settings, intent, **quote);
    if (shown) continue;
    // The store, a quota or the credentials stop the whole sync, as elsewhere; a refused or
    // failed note or tag waits for the next one.
    switch (shown.error().code()) {
      case Errc::corruption:
      case Errc::busy:
      case Errc::rate_limited:
      case Errc::unauthorized:
      case Errc::cancelled: co_return shown;
      default: break;
    }
    log::warning({.connection = ctx.connection, .record = intent.remote_id},
                 "Failed to show quote {} on Capsule opportunity #{}: {}, retrying with the next sync",
                 intent.remote_id, intent.opportunity_id, shown.error().message());
  }
  co_return Status{};
}

}  // namespace capsync::engine
