#include "core/engine/sync_engine.hpp"

#include <chrono>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/ranges.h>

#include "core/engine/capsule_accounts.hpp"
#include "core/engine/jobs.hpp"
#include "core/engine/quote_drafts.hpp"
#include "core/engine/reconcile_pass.hpp"
#include "core/engine/webhook_refresh.hpp"
#include "core/log/log.hpp"
#include "core/store/database.hpp"
#include "core/webhook/refresh_store.hpp"

namespace capsync::engine {

namespace asio = boost::asio;

Result<std::unique_ptr<SyncEngine>> SyncEngine::create(asio::any_io_executor executor, store::Database& db,
                                                       ConnectorSource& connectors, EngineOptions options) {
  if (!options.now_ms)
    options.now_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  return std::unique_ptr<SyncEngine>(new SyncEngine(std::move(executor), db, connectors, std::move(options)));
}

SyncEngine::SyncEngine(asio::any_io_executor executor, store::Database& db, ConnectorSource& connectors,
                       EngineOptions options)
    : db_(db), connectors_(connectors), options_(std::move(options)), locks_(std::move(executor)) {}

void SyncEngine::register_handlers(const std::function<void(std::string, JobHandler)>& add) {
  add("pull", [this](const queue::Job& job) { return pull(job); });
  add("capsule_poll", [this](const queue::Job& job) { return capsule_poll(job); });
  add("full_reconcile", [this](const queue::Job& job) { return full_reconcile(job); });
  add(std::string(kind_push), [this](const queue::Job& job) { return push(job); });
  add(std::string(kind_export), [this](const queue::Job& job) { return export_party(job); });
  add(std::string(kind_disable), [this](const queue::Job& job) { return disable(job); });
  add(std::string(webhook::kind_refresh), [this](const queue::Job& job) { return webhook_refresh(job); });
}

bool SyncEngine::skipped(const queue::Job& job) {
  if (!DisableState(db_).stopped(job.connection)) return false;
  log::info({.connection = job.connection}, "Skipping {} job {}: connection {} is disabled (capsyncctl enable {} "
            "resumes it)", job.kind, job.id, job.connection, job.connection);
  return true;
}

ConnectionStore& SyncEngine::store_of(const std::string& connection) {
  auto it = stores_.find(connection);
  if (it == stores_.end()) it = stores_.emplace(connection, std::make_unique<ConnectionStore>(db_, connection)).first;
  return *it->second;
}

Result<SyncContext> SyncEngine::context(std::string_view name, bool even_if_disabled) {
  const config::ConnectionConfig* connection = options_.find_connection ? options_.find_connection(name) : nullptr;
  if (connection == nullptr)
    return make_error(Errc::not_found, "connection \"{}\" is not in the configuration any more", name);
  if (!connection->enabled && !even_if_disabled)
    return make_error(Errc::invalid_argument, "connection \"{}\" is disabled", name);
  auto connectors = connectors_.connectors(*connection);
  if (!connectors) return connectors.error();
  auto policy = sync::policy_from(*connection);
  policy.quotes_read = connectors->accounting->capabilities().quotes_read;
  return SyncContext{connection->name, connection->time_zone, std::move(policy),
                     store_of(connection->name), *connectors->capsule, *connectors->accounting,
                     options_.enqueue, options_.now_ms};
}

asio::awaitable<Status> SyncEngine::pull(const queue::Job& job) { co_return co_await sync(job, SyncMode::pull); }
asio::awaitable<Status> SyncEngine::capsule_poll(const queue::Job& job) { co_return co_await sync(job, SyncMode::poll); }
asio::awaitable<Status> SyncEngine::full_reconcile(const queue::Job& job) {
  co_return co_await sync(job, SyncMode::full);
}

asio::awaitable<Status> SyncEngine::sync(const queue::Job& job, SyncMode mode) {
  auto guard = co_await locks_.lock(job.connection);
  if (skipped(job)) co_return Status{};
  auto ctx = context(job.connection);
  if (!ctx) co_return ctx.error();
  const std::string job_id = std::to_string(job.id);
  const log::Fields fields{.connection = ctx->connection, .job = job_id};
  // A later attempt (after a crash or a failure), or a sync that finds contacts an interrupted
  // one left pending (a stop between its batches), counts from zero again and says so.
  auto left_pending = ctx->store.contacts.count_pending();
  if (!left_pending) co_return left_pending.error();
  const config::ConnectionConfig* settings = options_.find_connection(job.connection);
  ProgressRun progress(options_.progress, ctx->connection, ctx->now_ms(), job.attempts > 0 || *left_pending > 0,
                       settings != nullptr ? std::string(settings->accounting.provider.display) : std::string());
  ctx->progress = options_.progress;
  const auto active = [this](std::string_view other) {
    const config::ConnectionConfig* c = options_.find_connection ? options_.find_connection(other) : nullptr;
    return c != nullptr && c->enabled && !DisableState(db_).stopped(other);
  };
  if (auto s = co_await record_capsule_account(*ctx, active); !s) co_return s;
  // R19: a milestone Capsule does not have turns only the quote side off; the sync goes on.
  const config::QuoteSettings quotes = options_.find_connection(job.connection)->quotes;
  QuoteSide side;
  if (auto resolved = co_await quote_sides_.resolve(*ctx, quotes); resolved)
    side = *resolved;
  else
    log::warning(fields, "{}, retrying with the next sync", resolved.error().message());
  // Only an incremental pull can find changes webhooks should have announced; a first import
  // or a full pass reads everything.
  auto cursor = ctx->store.cursors.get(kInvoices);
  if (!cursor) co_return cursor.error();
  const bool incremental = mode == SyncMode::pull && !cursor->empty();
  auto run = co_await sync_connection(*ctx, mode);
  if (!run) co_return run.error();
  if (const int changed = run->contacts.changed + run->invoices.changed; incremental && changed > 0)
    if (auto s = ctx->store.cursors.set(kPolledChanges, std::to_string(changed), ctx->now_ms()); !s) co_return s;
  // After the pull: the parties' links are current. The Capsule poll drafts too, so a deal
  // reaching the milestone gets its quote within capsule_poll.
  auto drafted = co_await draft_quotes(*ctx, side, quotes);
  if (!drafted) co_return drafted.error();
  run->drafts = *drafted;
  log::info(fields,
            "Synced connection {}: {} Capsule parties read ({} pushes queued), {} contacts read ({} changed), "
            "{} invoices read ({} changed), {} quotes read ({} changed), {} contacts reconciled, {} writes, "
            "{} quotes drafted, {} draft quotes updated",
            ctx->connection, run->capsule.parties_read, run->capsule.pushes_enqueued, run->contacts.contacts_read,
            run->contacts.changed, run->invoices.invoices_read, run->invoices.changed, run->quotes.quotes_read,
            run->quotes.changed, run->pass.contacts, run->pass.writes, run->drafts.created,
            run->drafts.updated);
  co_return Status{};
}

asio::awaitable<Status> SyncEngine::push(const queue::Job& job) {
  auto guard = co_await locks_.lock(job.connection);
  if (skipped(job)) co_return Status{};
  auto ctx = context(job.connection);
  if (!ctx) co_return ctx.error();
  model::PartyId party = 0;
  try {
    party = std::stoll(job.payload);
  } catch (const std::exception&) {
    co_return make_error(Errc::invalid_argument, "push job {} has no party id (payload \"{}\")", job.id, job.payload);
  }
  auto pass = co_await reconcile_party(*ctx, party);
  if (!pass) co_return pass.error().with_context(fmt::format("Failed to push Capsule party {}", party));
  co_return Status{};
}

asio::awaitable<Status> SyncEngine::export_party(const queue::Job& job) {
  auto guard = co_await locks_.lock(job.connection);
  if (skipped(job)) co_return Status{};
  auto ctx = context(job.connection);
  if (!ctx) co_return ctx.error();
  model::PartyId party = 0;
  try {
    party = std::stoll(job.payload);
  } catch (const std::exception&) {
    co_return make_error(Errc::invalid_argument, "export job {} has no party id (payload \"{}\")", job.id, job.payload);
  }
  auto pass = co_await engine::export_party(*ctx, party);
  if (!pass) co_return pass.error().with_context(fmt::format("Failed to export Capsule party {}", party));
  co_return Status{};
}

asio::awaitable<Status> SyncEngine::disable(const queue::Job& job) {
  auto guard = co_await locks_.lock(job.connection);
  auto ctx = context(job.connection, true);
  if (!ctx) co_return ctx.error().with_context(fmt::format("Failed to disable connection {}", job.connection));
  DisableState state(db_);
  auto done = co_await disable_connection(*ctx, state);
  if (!done) co_return done.error().with_context(fmt::format("Failed to disable connection {}", job.connection));
  log::notice({.connection = ctx->connection, .job = std::to_string(job.id)},
              "Disabled connection {}: removed capsync's invoice summaries, tags and notes from {} linked Capsule "
              "parties and forgot the links; the parties stay. `capsyncctl enable {}` resumes syncing",
              ctx->connection, done->parties_cleared, ctx->connection);
  co_return Status{};
}

namespace {

void enter(SyncContext& ctx, SyncPhase phase, std::optional<std::int64_t> total = std::nullopt) {
  if (ctx.progress) ctx.progress->phase(ctx.connection, phase, total, ctx.now_ms());
}

// A listing of a reading phase begins: "parties", "contacts", "invoices", "quotes".
void listing(SyncContext& ctx, SyncPhase phase, const char* what) {
  if (ctx.progress) ctx.progress->reading(ctx.connection, phase, what, ctx.now_ms());
}

}  // namespace

asio::awaitable<Status> record_capsule_account(SyncContext& ctx, const std::function<bool(std::string_view)>& active) {
  auto account = co_await ctx.capsule.account();
  if (!account) co_return account.error().with_context("Failed to read which Capsule account the token reaches");
  CapsuleAccounts accounts(ctx.store.db);
  const auto& f = ctx.policy.summary_fields;
  auto changed = accounts.record(ctx.connection, *account, {f.outstanding, f.overdue, f.next_due, f.last_invoice});
  if (!changed) co_return changed.error();
  // Tokens of two users of one account pass the config's check; the account read says it.
  auto clashes = accounts.field_clashes(ctx.connection);
  if (!clashes) co_return clashes.error();
  for (const auto& [other, field] : *clashes) {
    if (!active(other)) continue;
    co_return make_error(Errc::invalid_argument,
                         "connection {} would write Capsule summary field \"{}\", which connection {} on the same "
                         "Capsule account '{}' writes: give one of them its own sync.summary_fields in the config",
                         ctx.connection, field, other, account->name);
  }
  if (!*changed) co_return Status{};
  auto others = accounts.sharing_with(ctx.connection);
  if (!others) co_return others.error();
  std::erase_if(*others, [&](const std::string& other) { return !active(other); });
  const log::Fields fields{.connection = ctx.connection};
  if (others->empty()) {
    log::info(fields, "Connection {} syncs Capsule account '{}' ({})", ctx.connection, account->name, account->key);
  } else {
    log::notice(fields,
                "Connection {} shares Capsule account '{}' ({}) with {}: each keeps its own summary fields and "
                "invoice note, and the overdue tag stays while any of them sees an overdue amount",
                ctx.connection, account->name, account->key, fmt::join(*others, ", "));
  }
  co_return Status{};
}

asio::awaitable<Status> SyncEngine::webhook_refresh(const queue::Job& job) {
  auto guard = co_await locks_.lock(job.connection);
  webhook::RefreshStore refreshes(db_);
  if (skipped(job)) co_return refreshes.clear(job.connection);
  auto ctx = context(job.connection);
  if (!ctx) co_return ctx.error();
  auto run = co_await refresh_from_webhooks(*ctx, refreshes);
  if (!run) co_return run.error().with_context("Failed to refresh records named by webhooks");
  log::info({.connection = ctx->connection, .job = std::to_string(job.id)},
            "Refreshed connection {} from webhooks: {} contacts and {} invoices read back ({} changed{}), {} contacts "
            "reconciled, {} writes",
            ctx->connection, run->contacts_read, run->invoices_read, run->changed,
            run->listed ? ", through the incremental listing" : "", run->pass.contacts, run->pass.writes);
  co_return Status{};
}

boost::asio::awaitable<Result<SyncRunResult>> sync_connection(SyncContext& ctx, SyncMode mode) {
  const bool full = mode == SyncMode::full;
  SyncRunResult out;
  listing(ctx, SyncPhase::reading_capsule, "parties");
  // The poll reads changed parties only (one request when nothing changed); deletions (R14)
  // wait for the next pull.
  auto capsule = co_await pull_capsule(ctx, {.full = full, .deletions = mode != SyncMode::poll});
  if (!capsule) co_return capsule.error();
  out.capsule = std::move(*capsule);
  if (mode != SyncMode::poll) {
    listing(ctx, SyncPhase::reading_accounting, "contacts");
    auto contacts = co_await pull_contacts(ctx, full);
    if (!contacts) co_return contacts.error();
    out.contacts = *contacts;
    listing(ctx, SyncPhase::reading_accounting, "invoices");
    auto invoices = co_await pull_invoices(ctx, full);
    if (!invoices) co_return invoices.error();
    out.invoices = *invoices;
    if (ctx.policy.quotes_read) listing(ctx, SyncPhase::reading_accounting, "quotes");
    auto quotes = co_await pull_quotes(ctx, full);
    if (!quotes) co_return quotes.error();
    out.quotes = *quotes;
  }
  if (full) {
    // Overdue flags change as days pass (R9) and incremental filters miss some changes.
    if (auto s = ctx.store.contacts.mark_all_pending(); !s) co_return s.error();
  }
  // Once after an upgrade to schema 3, so export's near-duplicate check (R17) uses the index.
  if (auto s = ctx.store.contacts.fill_near_keys(); !s) co_return s.error();
  if (ctx.progress) {
    auto pending = ctx.store.contacts.count_pending();
    if (!pending) co_return pending.error();
    enter(ctx, SyncPhase::reconciling, *pending);
  }
  auto pass = co_await reconcile_pending(ctx, out.capsule.deleted_bound);
  if (!pass) co_return pass.error();
  out.pass = *pass;
  // The deletions are handled: later polls need not see them again.
  if (!out.capsule.deleted_cursor.empty())
    if (auto s = ctx.store.cursors.set(kCapsuleDeleted, out.capsule.deleted_cursor, ctx.now_ms()); !s)
      co_return s.error();
  co_return out;
}

asio::awaitable<ConnectionLocks::Guard> ConnectionLocks::lock(std::string connection) {
  State& state = states_[connection];
  if (!state.held) {
    state.held = true;
    co_return Guard(this, std::move(connection));
  }
  auto timer = std::make_shared<asio::steady_timer>(executor_, asio::steady_timer::time_point::max());
  state.waiters.push_back(timer);
  // unlock() cancels the timer to hand the lock over; `held` stays true across the hand-over.
  (void)co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
  co_return Guard(this, std::move(connection));
}

bool ConnectionLocks::held(const std::string& connection) const {
  auto it = states_.find(connection);
  return it != states_.end() && it->second.held;
}

void ConnectionLocks::unlock(const std::string& connection) {
  State& state = states_[connection];
  if (state.waiters.empty()) {
    state.held = false;
    return;
  }
  auto next = std::move(state.waiters.front());
  state.waiters.pop_front();
  next->cancel();
}

}  // namespace capsync::engine
