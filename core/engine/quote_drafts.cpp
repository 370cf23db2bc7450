#include "core/engine/quote_drafts.hpp"

#include <fmt/format.h>

#include "core/engine/connection_store.hpp"
#include "core/engine/reconcile_pass.hpp"
#include "core/log/log.hpp"
#include "core/store/database.hpp"

namespace capsync::engine {

namespace asio = boost::asio;

namespace {

std::string reference_of(const model::Opportunity& o) { return fmt::format("Capsule opportunity #{}", o.id); }

// R19: the accounting contact of the opportunity's party, its organisation's first (R12's B2B rule).
Result<std::optional<std::string>> contact_of(const SyncContext& ctx, const model::Opportunity& o) {
  auto party = ctx.store.parties.get(o.party_id);
  if (!party) return party.error();
  if (*party && (*party)->organisation) {
    auto org = ctx.store.bindings.find_by_party((*party)->organisation->id);
    if (!org) return org.error();
    if (*org) return std::optional<std::string>((*org)->remote_id);
  }
  auto own = ctx.store.bindings.find_by_party(o.party_id);
  if (!own) return own.error();
  if (*own) return std::optional<std::string>((*own)->remote_id);
  return std::optional<std::string>{};
}

Status not_drafted(SyncContext& ctx, const model::Opportunity& o, std::string contact, std::string why) {
  auto c = sync::make_conflict(sync::ConflictKind::quote_not_drafted, std::move(contact),
                               {fmt::format("opportunity-{}", o.id)}, {o.party_id}, o.name,
                               fmt::format("Capsule opportunity #{} reached its milestone but got no quote: {}", o.id,
                                           why));
  auto fresh = ctx.store.conflicts.record(c, ctx.now_ms());
  if (!fresh) return fresh.error();
  if (*fresh) log::warning({.connection = ctx.connection, .record = std::to_string(o.id)}, "{}", c.describe());
  return {};
}

// One opportunity: true when a quote was created for it.
asio::awaitable<Result<bool>> draft_one(SyncContext& ctx, const QuoteSide& side, const config::QuoteSettings& settings,
                                        const model::Opportunity& o, model::Date today) {
  if (o.closed_on || o.milestone_id != side.milestone_id) co_return false;
  auto intent = ctx.store.quote_intents.get(o.id);
  if (!intent) co_return intent.error();
  if (*intent && !(*intent)->remote_id.empty()) co_return false;  // it has its quote (R20)
  auto contact = contact_of(ctx, o);
  if (!contact) co_return contact.error();
  if (!*contact) {
    if (auto s = not_drafted(ctx, o, "", "its party is not linked to an accounting contact; link or export it"); !s)
      co_return s.error();
    co_return false;
  }
  if (!o.value) {
    if (auto s = not_drafted(ctx, o, **contact, "it has no value; give it a value and currency in Capsule"); !s)
      co_return s.error();
    co_return false;
  }
  const std::string reference = reference_of(o);
  if (*intent) {
    // A create began and its answer was lost (or capsyncd stopped): the quote may exist.
    auto found = co_await ctx.accounting.find_quotes_by_reference(reference);
    if (!found) co_return found.error();
    if (!found->empty()) {
      if (auto s = ctx.store.quote_intents.created(o.id, found->front().remote_id); !s) co_return s.error();
      co_return false;
    }
  } else if (auto s = ctx.store.quote_intents.begin(o.id, ctx.now_ms()); !s) {
    co_return s.error();  // committed on its own: no create without its intent
  }
  const auto spec = quote_spec(o, **contact, today, settings);
  auto created = co_await ctx.accounting.create_quote(spec, fmt::format("capsync-{}-{}", ctx.store.name, reference));
  if (!created) {
    const auto code = created.error().code();
    if (code != Errc::conflict && code != Errc::invalid_argument) co_return created.error();
    if (auto s = not_drafted(ctx, o, **contact, fmt::format("{} refused it: {}", ctx.accounting.provider(),
                                                            created.error().message()));
        !s)
      co_return s.error();
    co_return false;
  }
  if (auto s = ctx.store.quote_intents.created(o.id, created->remote_id); !s) co_return s.error();
  log::info({.connection = ctx.connection, .record = created->remote_id},
            "Drafted quote {} for Capsule opportunity #{} '{}' (accounting contact {})",
            created->number.empty() ? created->remote_id : created->number, o.id, o.name, **contact);
  co_return true;
}

}  // namespace

model::QuoteSpec quote_spec(const model::Opportunity& o, std::string contact_remote_id, model::Date today,
                            const config::QuoteSettings& settings) {
  model::QuoteSpec spec;
  spec.contact_remote_id = std::move(contact_remote_id);
  spec.reference = reference_of(o);
  spec.title = o.name;
  spec.summary = o.description;
  spec.issue_date = today;
  const auto valid_days = std::chrono::duration_cast<date::days>(settings.valid_for);
  spec.expiry_date = o.expected_close && *o.expected_close > today
                         ? *o.expected_close
                         : model::Date(date::sys_days(today) + valid_days);
  spec.currency = o.value->currency();
  spec.line_description = o.name;
  spec.unit_amount = *o.value;
  // R19: quantity = the duration, unit = value / duration, only where that division is exact
  // (R8): otherwise one line of the whole value.
  const std::int64_t n = o.duration_basis == model::DurationBasis::fixed ? 1 : o.duration.value_or(1);
  if (n > 1 && o.value->units() % n == 0) {
    spec.quantity = n;
    spec.unit_amount = model::Money(o.value->units() / n, o.value->currency());
  }
  spec.account_code = settings.account_code;
  spec.tax_type = settings.tax_type;
  return spec;
}

asio::awaitable<Result<DraftResult>> draft_quotes(SyncContext& ctx, const QuoteSide& side,
                                                  const config::QuoteSettings& settings) {
  DraftResult out;
  if (!side.on) co_return out;
  auto today = today_for(ctx);
  if (!today) co_return today.error();
  auto stored = ctx.store.cursors.get(kOpportunities);
  if (!stored) co_return stored.error();
  // Capsule lists opportunities by id, not by change: the cursor moves once the whole listing
  // was handled, so a listing broken off is read again (the intents make that harmless).
  std::string newest = *stored;
  connector::ListRequest request{*stored, 1};
  for (;;) {
    auto page = co_await ctx.capsule.list_opportunities(request);
    if (!page) co_return page.error().with_context("Failed to list Capsule opportunities");
    for (const auto& o : page->items) {
      auto made = co_await draft_one(ctx, side, settings, o, *today);
      if (!made) co_return made.error().with_context(fmt::format("Failed to draft a quote for Capsule opportunity #{}", o.id));
      if (*made) ++out.created;
    }
    if (auto s = record_unreadable(ctx.store.conflicts, page->unreadable, "Capsule opportunity", true, request.page,
                                   ctx.connection, ctx.now_ms());
        !s)
      co_return s.error();
    out.opportunities_read += static_cast<int>(page->items.size());
    if (!page->cursor.empty() && page->cursor > newest) newest = page->cursor;
    if (!page->has_next) break;
    ++request.page;
  }
  if (newest != *stored)
    if (auto s = ctx.store.cursors.set(kOpportunities, newest, ctx.now_ms()); !s) co_return s.error();
  co_return out;
}

}  // namespace capsync::engine
