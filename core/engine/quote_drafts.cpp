#include "core/engine/quote_drafts.hpp"

#include <set>

#include <fmt/format.h>

#include "core/engine/connection_store.hpp"
#include "core/engine/jobs.hpp"
#include "core/engine/pull.hpp"
#include "core/engine/quote_follow.hpp"
#include "core/engine/reconcile_pass.hpp"
#include "core/log/log.hpp"
#include "core/store/database.hpp"
#include "core/sync/stable_hash.hpp"

namespace capsync::engine {

namespace asio = boost::asio;

namespace {

// R19: the accounting contact of the opportunity's party, its organisation's first (R12's B2B rule).
Result<std::optional<std::string>> contact_of(const SyncContext& ctx, model::PartyId party_id) {
  auto party = ctx.store.parties.get(party_id);
  if (!party) return party.error();
  if (*party && (*party)->organisation) {
    auto org = ctx.store.bindings.find_by_party((*party)->organisation->id);
    if (!org) return org.error();
    if (*org) return std::optional<std::string>((*org)->remote_id);
  }
  auto own = ctx.store.bindings.find_by_party(party_id);
  if (!own) return own.error();
  if (*own) return std::optional<std::string>((*own)->remote_id);
  return std::optional<std::string>{};
}

// What a waiting opportunity's retry is decided on: the contact its party is linked to, when
// its party and organisation last changed, and the quote settings a refusal may be about.
Result<std::string> retry_key(const SyncContext& ctx, model::PartyId party_id, const config::QuoteSettings& settings) {
  auto contact = contact_of(ctx, party_id);
  if (!contact) return contact.error();
  sync::StableHash h;
  h.add(contact->value_or("")).add(settings.account_code).add(settings.tax_type);
  auto party = ctx.store.parties.get(party_id);
  if (!party) return party.error();
  if (!*party) return h.hex();
  h.add(model::format_timestamp((*party)->updated_at.value_or(model::Timestamp{})));
  if ((*party)->organisation) {
    auto org = ctx.store.parties.get((*party)->organisation->id);
    if (!org) return org.error();
    if (*org) h.add(model::format_timestamp((*org)->updated_at.value_or(model::Timestamp{})));
  }
  return h.hex();
}

// The opportunity got no quote: a conflict for a person (R17), and it waits for a retry.
Status not_drafted(SyncContext& ctx, const config::QuoteSettings& settings, const model::Opportunity& o,
                   std::string contact, std::string why) {
  auto c = sync::make_conflict(sync::ConflictKind::quote_not_drafted, std::move(contact),
                               {fmt::format("opportunity-{}", o.id)}, {o.party_id}, o.name,
                               fmt::format("Capsule opportunity #{} reached its milestone but got no quote: {}", o.id,
                                           why));
  auto fresh = ctx.store.conflicts.record(c, ctx.now_ms());
  if (!fresh) return fresh.error();
  if (*fresh) log::warning({.connection = ctx.connection, .record = std::to_string(o.id)}, "{}", c.describe());
  auto key = retry_key(ctx, o.party_id, settings);
  if (!key) return key.error();
  return ctx.store.quote_waiting.wait({o.id, o.party_id, c.identity(), *key});
}

// R19: the party's contact; an unlinked party is exported first (R12, R13) through the
// operator's export path, which reports a name clash itself.
asio::awaitable<Result<std::optional<std::string>>> contact_or_export(SyncContext& ctx, const model::Opportunity& o) {
  auto contact = contact_of(ctx, o.party_id);
  if (!contact || *contact) co_return contact;
  auto exported = co_await export_party(ctx, o.party_id);
  if (!exported) co_return exported.error().with_context(fmt::format("Failed to export Capsule party {}", o.party_id));
  co_return contact_of(ctx, o.party_id);
}

enum class Drafted { nothing, created, updated };

// One opportunity: its quote drafted (R19, R20), or followed when it has one (R21).
asio::awaitable<Result<Drafted>> draft_one(SyncContext& ctx, const QuoteSide& side,
                                           const config::QuoteSettings& settings, const model::Opportunity& o,
                                           model::Date today) {
  auto intent = ctx.store.quote_intents.get(o.id);
  if (!intent) co_return intent.error();
  if (*intent && !(*intent)->remote_id.empty()) {  // it has its quote (R20)
    auto followed = co_await follow_opportunity(ctx, settings, **intent, o);
    if (!followed) co_return followed.error();
    co_return *followed ? Drafted::updated : Drafted::nothing;
  }
  if (o.closed_on || o.milestone_id != side.milestone_id) {
    if (auto s = ctx.store.quote_waiting.erase(o.id); !s) co_return s.error();  // left the milestone
    co_return Drafted::nothing;
  }
  auto contact = co_await contact_or_export(ctx, o);
  if (!contact) co_return contact.error();
  if (!*contact) {
    if (auto s = not_drafted(ctx, settings, o, "",
                             "its party is not linked to an accounting contact and could not be exported (see its "
                             "name clash in capsyncctl conflicts); link or rename it");
        !s)
      co_return s.error();
    co_return Drafted::nothing;
  }
  if (!o.value) {
    if (auto s = not_drafted(ctx, settings, o, **contact, "it has no value; give it a value and currency in Capsule");
        !s)
      co_return s.error();
    co_return Drafted::nothing;
  }
  const std::string reference = quote_reference(o);
  const std::string hash = opportunity_hash(o);
  if (*intent) {
    // A create began and its answer was lost (or capsyncd stopped): the quote may exist.
    auto found = co_await ctx.accounting.find_quotes_by_reference(reference);
    if (!found) co_return found.error();
    if (!found->empty()) {
      if (auto s = ctx.store.quote_intents.created(o.id, found->front().remote_id); !s) co_return s.error();
      co_return Drafted::nothing;
    }
    // Made from the opportunity as it is now, whatever the first attempt saw.
    if (auto s = ctx.store.quote_intents.followed(o.id, hash); !s) co_return s.error();
  } else if (auto s = ctx.store.quote_intents.begin(o.id, hash, ctx.now_ms()); !s) {
    co_return s.error();  // committed on its own: no create without its intent
  }
  const auto spec = quote_spec(o, **contact, today, settings);
  auto created = co_await ctx.accounting.create_quote(spec, fmt::format("capsync-{}-{}", ctx.store.name, reference));
  if (!created) {
    const auto code = created.error().code();
    if (code != Errc::conflict && code != Errc::invalid_argument) co_return created.error();
    if (auto s = not_drafted(ctx, settings, o, **contact,
                             fmt::format("{} refused it: {}", ctx.accounting.provider(), created.error().message()));
        !s)
      co_return s.error();
    co_return Drafted::nothing;
  }
  {
    auto tx = ctx.store.db.begin();
    if (!tx) co_return tx.error();
    if (auto s = ctx.store.quote_intents.created(o.id, created->remote_id); !s) co_return s.error();
    // Shown on the opportunity at once (R22), before the next read of the quotes.
    if (auto s = ctx.store.quotes.upsert(*created, ctx.now_ms()); !s) co_return s.error();
    // Its contact's summary lists it once it is open (R18; KashFlow issues it at once): the
    // next read of the quotes finds it unchanged, so that is not what marks the contact.
    if (auto s = ctx.store.contacts.mark_pending(created->contact_remote_id); !s) co_return s.error();
    if (auto s = ctx.store.quote_waiting.erase(o.id); !s) co_return s.error();
    if (auto s = tx->commit(); !s) co_return s.error();
  }
  // Whatever stopped it before is over.
  for (const auto& earlier : {std::string(), **contact}) {
    auto c = sync::make_conflict(sync::ConflictKind::quote_not_drafted, earlier, {fmt::format("opportunity-{}", o.id)},
                                 {o.party_id}, "", "");
    if (auto s = ctx.store.conflicts.settle(c.identity(), ctx.now_ms()); !s) co_return s.error();
  }
  log::info({.connection = ctx.connection, .record = created->remote_id},
            "Drafted quote {} for Capsule opportunity #{} '{}' (accounting contact {})",
            created->number.empty() ? created->remote_id : created->number, o.id, o.name, **contact);
  co_return Drafted::created;
}

void count(DraftResult& out, Drafted d) {
  if (d == Drafted::created) ++out.created;
  if (d == Drafted::updated) ++out.updated;
}

// The waiting opportunities whose conflict was resolved or whose retry key changed, read
// again and drafted; `seen` were handled by this pass's listing already.
asio::awaitable<Status> retry_waiting(SyncContext& ctx, const QuoteSide& side, const config::QuoteSettings& settings,
                                      model::Date today, const std::set<model::OpportunityId>& seen,
                                      DraftResult& out) {
  auto waiting = ctx.store.quote_waiting.all();
  if (!waiting) co_return waiting.error();
  for (const auto& w : *waiting) {
    if (seen.contains(w.opportunity_id)) continue;
    auto open = ctx.store.conflicts.contains(w.conflict);
    if (!open) co_return open.error();
    auto key = retry_key(ctx, w.party_id, settings);
    if (!key) co_return key.error();
    if (*open && *key == w.retry_key) continue;
    auto o = co_await ctx.capsule.get_opportunity(w.opportunity_id);
    if (!o) {
      if (o.error().code() != Errc::not_found)
        co_return o.error().with_context(fmt::format("Failed to read Capsule opportunity #{}", w.opportunity_id));
      if (auto s = ctx.store.quote_waiting.erase(w.opportunity_id); !s) co_return s;  // deleted
      continue;
    }
    ++out.retried;
    auto made = co_await draft_one(ctx, side, settings, *o, today);
    if (!made)
      co_return made.error().with_context(fmt::format("Failed to draft a quote for Capsule opportunity #{}", o->id));
    count(out, *made);
  }
  co_return Status{};
}

}  // namespace

std::string quote_reference(const model::Opportunity& o) { return fmt::format("Capsule opportunity #{}", o.id); }

model::QuoteSpec quote_spec(const model::Opportunity& o, std::string contact_remote_id, model::Date today,
                            const config::QuoteSettings& settings) {
  model::QuoteSpec spec;
  spec.contact_remote_id = std::move(contact_remote_id);
  spec.reference = quote_reference(o);
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
  // was handled, so a listing broken off is read again (the intents make that harmless), and
  // from when the listing began, so an edit to one on a page already read is not skipped.
  std::string newest = *stored;
  std::optional<model::Timestamp> began;
  std::set<model::OpportunityId> seen;
  connector::ListRequest request{*stored, 1};
  for (;;) {
    auto page = co_await ctx.capsule.list_opportunities(request);
    if (!page) co_return page.error().with_context("Failed to list Capsule opportunities");
    for (const auto& o : page->items) {
      auto made = co_await draft_one(ctx, side, settings, o, *today);
      if (!made) co_return made.error().with_context(fmt::format("Failed to draft a quote for Capsule opportunity #{}", o.id));
      count(out, *made);
      seen.insert(o.id);
    }
    if (auto s = record_unreadable(ctx.store.conflicts, page->unreadable, "Capsule opportunity", true, request.page,
                                   ctx.connection, ctx.now_ms());
        !s)
      co_return s.error();
    out.opportunities_read += static_cast<int>(page->items.size());
    if (!page->cursor.empty() && page->cursor > newest) newest = page->cursor;
    if (request.page == 1) began = page->answered_at;
    if (!page->has_next) break;
    ++request.page;
  }
  newest = capsule_listing_cursor(*stored, newest, began);
  if (newest != *stored)
    if (auto s = ctx.store.cursors.set(kOpportunities, newest, ctx.now_ms()); !s) co_return s.error();
  if (auto s = co_await retry_waiting(ctx, side, settings, *today, seen, out); !s) co_return s.error();
  if (auto s = co_await show_quotes(ctx, settings); !s) co_return s.error();
  // The summaries of the contacts that got a quote, with the sync that made it.
  if (out.created > 0)
    if (auto pass = co_await reconcile_pending(ctx, {}); !pass) co_return pass.error();
  co_return out;
}

}  // namespace capsync::engine
