#include "daemon/scheduler.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "core/log/log.hpp"
#include "daemon/tasks.hpp"

namespace capsync::daemon {

namespace asio = boost::asio;
using std::chrono::milliseconds;

std::string dedupe_key(std::string_view kind, std::string_view connection) {
  return fmt::format("{}:{}", kind, connection);
}

queue::JobSpec periodic_job(std::string_view kind, std::string_view connection) {
  queue::JobSpec spec;
  spec.kind = std::string(kind);
  spec.connection = std::string(connection);
  spec.dedupe_key = dedupe_key(kind, connection);
  // Incremental work first; the long full pass yields to it.
  spec.priority = kind == kind_full_reconcile ? -1 : 0;
  return spec;
}

milliseconds jittered(milliseconds period, std::mt19937_64& rng) {
  if (period.count() <= 0) return period;
  period = std::min(period, max_timer_period);
  const auto max_extra = static_cast<std::int64_t>(static_cast<double>(period.count()) * max_jitter_fraction);
  std::uniform_int_distribution<std::int64_t> extra(0, max_extra);
  return period + milliseconds{extra(rng)};
}

std::vector<Schedule> schedules_for(const config::ConnectionConfig& connection) {
  if (!connection.enabled) return {};
  const auto& s = connection.sync;
  return {
      {std::string(kind_pull), std::chrono::duration_cast<milliseconds>(s.interval)},
      {std::string(kind_capsule_poll), std::chrono::duration_cast<milliseconds>(s.capsule_poll)},
      {std::string(kind_full_reconcile), std::chrono::duration_cast<milliseconds>(s.full_reconcile)},
  };
}

struct Scheduler::Timer {
  explicit Timer(asio::any_io_executor executor) : timer(std::move(executor)) {}
  asio::steady_timer timer;
  bool cancelled = false;
};

namespace {

asio::awaitable<void> timer_loop(std::shared_ptr<Scheduler::Timer> t, std::shared_ptr<std::mt19937_64> rng,
                                 std::shared_ptr<Scheduler::Skip> skip, std::string connection, Schedule schedule,
                                 Scheduler::Enqueue enqueue) {
  // A zero period would spin and a huge one would wrap; the config loader rejects both, this
  // keeps the loop safe anyway.
  const milliseconds period = std::clamp(schedule.period, milliseconds{1000}, max_timer_period);
  while (!t->cancelled) {
    t->timer.expires_after(jittered(period, *rng));
    auto [ec] = co_await t->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    // A wait that completed just before cancel() still returns success: check the flag too.
    if (ec || t->cancelled) co_return;
    if (*skip && (*skip)(connection)) continue;
    enqueue(periodic_job(schedule.kind, connection));
  }
}

}  // namespace

Scheduler::Scheduler(asio::any_io_executor executor, Enqueue enqueue, Tasks& tasks, std::uint64_t seed)
    : executor_(std::move(executor)),
      enqueue_(std::move(enqueue)),
      tasks_(tasks),
      rng_(std::make_shared<std::mt19937_64>(seed != 0 ? seed : std::random_device{}())) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start_timer(const std::string& connection, const Schedule& schedule) {
  auto timer = std::make_shared<Timer>(executor_);
  connections_[connection].timers.push_back(timer);
  tasks_.spawn(fmt::format("the {} timer of connection {}", schedule.kind, connection), Tasks::Policy::essential,
               timer_loop(timer, rng_, skip_, connection, schedule, enqueue_));
}

void Scheduler::apply(const std::vector<config::ConnectionConfig>& connections) {
  std::map<std::string, std::vector<Schedule>> wanted;
  for (const auto& c : connections) {
    auto schedules = schedules_for(c);
    if (!schedules.empty()) wanted.emplace(c.name, std::move(schedules));
  }

  for (auto it = connections_.begin(); it != connections_.end();) {
    auto w = wanted.find(it->first);
    if (w != wanted.end() && w->second == it->second.schedules) {
      ++it;
      continue;
    }
    for (auto& t : it->second.timers) {
      t->cancelled = true;
      t->timer.cancel();
    }
    if (w == wanted.end()) {
      log::info({.connection = it->first}, "Stopped the sync timers of connection {}", it->first);
      it = connections_.erase(it);
    } else {
      it->second.timers.clear();
      it->second.schedules = w->second;
      for (const auto& s : w->second) start_timer(it->first, s);
      log::info({.connection = it->first}, "Re-armed the sync timers of connection {}", it->first);
      ++it;
    }
  }

  for (const auto& [name, schedules] : wanted) {
    if (connections_.contains(name)) continue;
    connections_[name].schedules = schedules;
    for (const auto& s : schedules) start_timer(name, s);
    // The initial sync: do not wait a whole period after a start or reload.
    if (*skip_ && (*skip_)(name)) continue;
    enqueue_(periodic_job(kind_pull, name));
    enqueue_(periodic_job(kind_capsule_poll, name));
  }
}

void Scheduler::stop() {
  for (auto& [name, entry] : connections_)
    for (auto& t : entry.timers) {
      t->cancelled = true;
      t->timer.cancel();
    }
  connections_.clear();
}

}  // namespace capsync::daemon
