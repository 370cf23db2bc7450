#include "core/engine/sync_engine.hpp"

#include <chrono>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/engine/jobs.hpp"
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
  return SyncContext{connection->name, connection->time_zone, sync::policy_from(*connection),
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
  auto run = co_await sync_connection(*ctx, mode);
  if (!run) co_return run.error();
  log::info(fields,
            "Synced connection {}: {} Capsule parties read ({} pushes queued), {} contacts read ({} changed), "
            "{} invoices read ({} changed), {} contacts reconciled, {} writes",
            ctx->connection, run->capsule.parties_read, run->capsule.pushes_enqueued, run->contacts.contacts_read,
            run->contacts.changed, run->invoices.invoices_read, run->invoices.changed, run->pass.contacts,
            run->pass.writes);
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
  // The poll reads changed parties only (one request when nothing changed); deletions (R14)
  // wait for the next pull.
  auto capsule = co_await pull_capsule(ctx, {.full = full, .deletions = mode != SyncMode::poll});
  if (!capsule) co_return capsule.error();
  out.capsule = std::move(*capsule);
  if (mode != SyncMode::poll) {
    auto contacts = co_await pull_contacts(ctx, full);
    if (!contacts) co_return contacts.error();
    out.contacts = *contacts;
    auto invoices = co_await pull_invoices(ctx, full);
    if (!invoices) co_return invoices.error();
    out.invoices = *invoices;
  }
  if (full) {
    // Overdue flags change as days pass (R9) and incremental filters miss some changes.
    if (auto s = ctx.store.contacts.mark_all_pending(); !s) co_return s.error();
  }
  // Once after an upgrade to schema 3, so export's near-duplicate check (R17) uses the index.
  if (auto s = ctx.store.contacts.fill_near_keys(); !s) co_return s.error();
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
