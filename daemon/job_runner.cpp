#include "daemon/job_runner.hpp"

#include <algorithm>
#include <exception>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log/log.hpp"
#include "core/metrics/process_metrics.hpp"
#include "core/queue/saturating.hpp"
#include "core/store/database.hpp"
#include "daemon/daemon_status.hpp"
#include "daemon/handler_registry.hpp"
#include "daemon/tasks.hpp"

namespace capsync::daemon {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

namespace {
// After a queue error that is not fatal (SQLITE_BUSY after the busy timeout), try again after this.
constexpr milliseconds retry_after_error{1000};
// Floor between two looks at a queue that reports work due but yields none to claim.
constexpr milliseconds min_idle_wait{100};
// A job refused by a rate limit other than a daily cap runs again after this (or its retry_at).
constexpr milliseconds rate_limited_delay{5000};
// While the disk holding the store is full, how often to look whether space is back.
constexpr milliseconds space_probe_period{2000};

std::chrono::system_clock::time_point from_unix_ms(std::int64_t ms) {
  using std::chrono::system_clock;
  return system_clock::time_point(std::chrono::duration_cast<system_clock::duration>(milliseconds(ms)));
}

// capsync_job_duration_seconds: how long a handler ran, by how it ended.
void record_duration(const queue::Job& job, const Status& result, steady::duration took) {
  const char* outcome = result ? "ok" : result.error().code() == Errc::rate_limited ? "rate_limited" : "error";
  metrics::process_metrics().job_duration.with({job.kind, outcome}).observe(std::chrono::duration<double>(took).count());
}
}  // namespace

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

milliseconds maintenance_period_for(milliseconds lease) {
  return std::clamp(lease / 4, milliseconds{1000}, milliseconds{60'000});
}

JobRunner::JobRunner(asio::any_io_executor executor, store::Database& db, queue::JobQueue& queue,
                     const HandlerRegistry& registry, Tasks& tasks, std::string owner, RunnerOptions options)
    : executor_(executor),
      db_(db),
      queue_(queue),
      registry_(registry),
      tasks_(tasks),
      owner_(std::move(owner)),
      options_(options),
      wake_timer_(executor),
      grace_timer_(executor) {}

void JobRunner::start() { tasks_.spawn("the job runner", Tasks::Policy::essential, claim_loop()); }

void JobRunner::wake() {
  wake_pending_ = true;
  wake_timer_.cancel();
}

void JobRunner::set_options(const RunnerOptions& options) {
  options_ = options;
  next_maintenance_ = steady::now() + options_.maintenance_period;
  wake();
}

bool JobRunner::check_fatal() {
  if (fatal_) return true;
  if (!db_.fatal_error()) return false;
  fatal_ = true;
  stopping_ = true;
  wake_timer_.cancel();
  if (fatal_cb_) fatal_cb_(*db_.fatal_error());
  return true;
}

bool JobRunner::paused_for_space() {
  if (!db_.storage_full()) return false;
  if (!paused_) {
    paused_ = true;
    changed();
  }
  if (!db_.probe_space()) return true;
  paused_ = false;
  record_unrecorded();
  changed();
  return false;
}

void JobRunner::record_unrecorded() {
  const std::int64_t now = unix_now_ms();
  for (auto it = unrecorded_.begin(); it != unrecorded_.end();) {
    const auto [id, ok] = *it;
    // A failure caused by the full disk is no attempt: the job is simply ready again.
    Status s = ok ? queue_.complete(id, owner_, now)
                  : queue_.park(id, owner_, now, "the disk holding the state database was full");
    if (!s && db_.storage_full()) return;  // full again: keep the rest for the next resume
    if (!s) log::debug({.job = std::to_string(id)}, "Job {} is no longer ours to record: {}", id, s.error());
    it = unrecorded_.erase(it);
  }
}

std::optional<RateLimitWait> JobRunner::rate_limited(const std::string& connection) const {
  auto it = parked_.find(connection);
  if (it == parked_.end() || it->second.until_ms <= unix_now_ms()) return std::nullopt;
  return RateLimitWait{from_unix_ms(it->second.until_ms), it->second.provider};
}

std::optional<std::int64_t> JobRunner::expire_parks(std::int64_t now_ms) {
  std::optional<std::int64_t> earliest;
  bool resumed = false;
  for (auto it = parked_.begin(); it != parked_.end();) {
    if (it->second.until_ms > now_ms) {
      earliest = std::min(earliest.value_or(it->second.until_ms), it->second.until_ms);
      ++it;
      continue;
    }
    log::info({.connection = it->first, .provider = it->second.provider},
              "Connection {}: the rate limit of {} has passed; its jobs resume", it->first, it->second.provider);
    it = parked_.erase(it);
    resumed = true;
  }
  if (resumed) changed();
  return earliest;
}

void JobRunner::maintain() {
  const std::int64_t now = unix_now_ms();
  if (auto n = queue_.recover_expired(now); !n) {
    if (!check_fatal()) log::warning({}, "Failed to recover jobs with expired leases: {}, ignoring", n.error());
  } else if (*n > 0) {
    log::notice({}, "Returned {} job(s) whose lease expired to the queue", *n);
    changed();
  }
  if (auto n = queue_.prune_done(queue::saturating_sub(now, options_.retention.count())); !n) {
    if (!check_fatal()) log::warning({}, "Failed to prune finished jobs: {}, ignoring", n.error());
  } else if (*n > 0) {
    log::debug({}, "Pruned {} finished job(s)", *n);
  }
}

asio::awaitable<void> JobRunner::claim_loop() {
  next_maintenance_ = steady::now() + options_.maintenance_period;
  while (!stopping_) {
    if (steady::now() >= next_maintenance_) {
      maintain();
      next_maintenance_ = steady::now() + options_.maintenance_period;
    }
    if (check_fatal()) co_return;
    if (paused_for_space()) {
      wake_timer_.expires_after(space_probe_period);
      co_await wake_timer_.async_wait(asio::as_tuple(asio::use_awaitable));  // cancelled by wake()
      wake_pending_ = false;
      continue;
    }
    const auto park_ends = expire_parks(unix_now_ms());

    bool claimed_any = false;
    bool queue_error = false;
    while (!stopping_ && running() < options_.max_running) {
      auto claimed = queue_.claim(owner_, unix_now_ms(), options_.lease.count());
      if (!claimed) {
        if (check_fatal()) co_return;
        log::warning({}, "Failed to claim a job: {}, retrying", claimed.error());
        queue_error = true;
        break;
      }
      if (!claimed->has_value()) break;
      queue::Job job = std::move(**claimed);
      running_.insert(job.id);
      claimed_any = true;
      std::string name = fmt::format("job {} ({})", job.id, job.kind);
      tasks_.spawn(std::move(name), Tasks::Policy::essential, run(std::move(job)));
    }
    if (claimed_any) changed();
    if (stopping_) break;

    steady::time_point deadline = next_maintenance_;
    if (park_ends) {  // the status line stops showing the park then
      const milliseconds left{std::max<std::int64_t>(*park_ends - unix_now_ms(), 0)};
      deadline = std::min(deadline, steady::now() + left);
    }
    if (queue_error) {
      deadline = std::min(deadline, steady::now() + retry_after_error);
    } else if (running() < options_.max_running) {
      const std::int64_t now = unix_now_ms();
      auto next = queue_.next_run_after(now);
      if (!next) {
        if (check_fatal()) co_return;
        log::warning({}, "Failed to read when the next job is due: {}, retrying", next.error());
        deadline = std::min(deadline, steady::now() + retry_after_error);
      } else if (next->has_value()) {
        const milliseconds wait{std::max<std::int64_t>(**next - now, 0)};
        deadline = std::min(deadline, steady::now() + std::max(wait, claimed_any ? milliseconds{0} : min_idle_wait));
      }
    }
    if (wake_pending_) {
      wake_pending_ = false;
      continue;
    }
    wake_timer_.expires_at(deadline);
    co_await wake_timer_.async_wait(asio::as_tuple(asio::use_awaitable));  // cancelled by wake()
    wake_pending_ = false;
  }
}

asio::awaitable<Status> JobRunner::invoke(const queue::Job& job) {
  const JobHandler* found = registry_.find(job.kind);
  if (found == nullptr)
    co_return make_error(Errc::unsupported, "no handler is registered for job kind \"{}\"", job.kind);
  // A copy: the coroutine may refer to the callable's captures for as long as it runs.
  JobHandler handler = *found;
  auto [error, status] = co_await asio::co_spawn(executor_, handler(job), asio::as_tuple(asio::use_awaitable));
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      co_return make_error(Errc::invalid_argument, "job handler threw an exception: {}", e.what());
    } catch (...) {
      co_return make_error(Errc::invalid_argument, "job handler threw an unknown exception");
    }
  }
  co_return status;
}

asio::awaitable<void> JobRunner::keep_lease(std::int64_t id, std::shared_ptr<asio::steady_timer> timer) {
  const std::string job_id = std::to_string(id);
  for (;;) {
    timer->expires_after(std::max(options_.lease / 3, milliseconds{100}));
    auto [ec] = co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec || !running_.contains(id) || released_) co_return;
    if (auto s = queue_.extend_lease(id, owner_, unix_now_ms() + options_.lease.count()); !s) {
      if (check_fatal()) co_return;
      if (db_.storage_full()) continue;  // said once by the store; the job is given back on resume
      log::warning({.job = job_id}, "Failed to extend the lease of job {}: {}, ignoring", id, s.error());
    }
  }
}

asio::awaitable<void> JobRunner::run(queue::Job job) {
  const std::string job_id = std::to_string(job.id);
  if (auto it = parked_.find(job.connection); it != parked_.end() && it->second.until_ms > unix_now_ms()) {
    // Its connection waits for a rate limit: back to the queue without running, no attempt counted.
    if (auto s = queue_.park(job.id, owner_, it->second.until_ms,
                             fmt::format("waiting for the rate limit of {}", it->second.provider));
        !s && !check_fatal())
      log::warning({.connection = job.connection, .job = job_id}, "Failed to park job {}: {}, ignoring", job.id,
                   s.error());
    running_.erase(job.id);
    changed();
    if (stopping_) {
      if (running_.empty()) finish_stop();
    } else {
      wake();
    }
    co_return;
  }
  log::debug({.connection = job.connection, .job = job_id}, "Running job {} ({}), attempt {}", job.id, job.kind,
             job.attempts + 1);
  auto lease_timer = std::make_shared<asio::steady_timer>(executor_);
  tasks_.spawn(fmt::format("the lease keeper of job {}", job.id), Tasks::Policy::essential,
               keep_lease(job.id, lease_timer));
  if (started_) started_(job);

  const auto started = steady::now();
  Status result = co_await invoke(job);
  record_duration(job, result, steady::now() - started);

  lease_timer->cancel();
  running_.erase(job.id);
  if (released_) co_return;  // stop() already gave the job back to the queue
  finish(job, result);
  changed();
  if (stopping_) {
    if (running_.empty()) finish_stop();
  } else {
    wake();  // a slot is free, and jobs of the same record may be claimable now
  }
}

void JobRunner::finish(const queue::Job& job, const Status& result) {
  const std::string job_id = std::to_string(job.id);
  const log::Fields fields{.connection = job.connection, .job = job_id};
  const std::int64_t now = unix_now_ms();
  Status recorded;
  if (!result && result.error().code() == Errc::rate_limited) {
    defer(job, result.error());
    return;
  }
  if (result) {
    log::debug(fields, "Job {} ({}) finished", job.id, job.kind);
    recorded = queue_.complete(job.id, owner_, now);
  } else {
    log::warning(fields, "Failed to run job {} ({}) of connection {}: {}", job.id, job.kind, job.connection,
                 result.error());
    // Failed for lack of space, its outcome is recorded once space is back, as no attempt.
    recorded = db_.storage_full() ? Status(*db_.storage_full())
                                  : queue_.fail(job.id, owner_, result.error().message(), now);
  }
  if (!recorded && db_.storage_full()) {
    unrecorded_[job.id] = result.ok();
  } else if (!recorded && !check_fatal())
    log::warning(fields, "Failed to record the outcome of job {}: {}, ignoring", job.id, recorded.error());
  if (finished_) finished_(job, result);
}

void JobRunner::defer(const queue::Job& job, const Error& error) {
  const std::optional<RetryAt>& at = error.retry_at();
  if (at && at->daily_cap) return park_connection(job, *at);
  const std::string job_id = std::to_string(job.id);
  const log::Fields fields{.connection = job.connection, .job = job_id};
  const std::int64_t now = unix_now_ms();
  const std::int64_t until = std::max(now + rate_limited_delay.count(), at ? at->unix_ms : 0);
  log::info(fields, "Job {} ({}) of connection {} was held back by a rate limit; it runs again in {} s: {}", job.id,
            job.kind, job.connection, (until - now + 999) / 1000, error);
  if (auto s = queue_.park(job.id, owner_, until, error.message()); !s && !check_fatal())
    log::warning(fields, "Failed to put job {} back in the queue: {}, ignoring", job.id, s.error());
}

void JobRunner::park_connection(const queue::Job& job, const RetryAt& reset) {
  const std::string job_id = std::to_string(job.id);
  const log::Fields fields{.connection = job.connection, .provider = reset.provider, .job = job_id};
  const std::int64_t now = unix_now_ms();
  const bool already_parked = rate_limited(job.connection).has_value();
  Park& park = parked_[job.connection];
  if (!already_parked) park = Park{};
  // Never in the past (a reset that has passed would send the jobs straight back), never beyond
  // max_park (a wrong reset would stall the connection).
  const std::int64_t latest = now + std::max<std::int64_t>(options_.max_park.count(), 1000);
  const std::int64_t wanted = std::clamp(reset.unix_ms, now + 1000, latest);
  if (wanted >= park.until_ms) {
    park.until_ms = wanted;
    park.provider = reset.provider;
  }
  const std::int64_t until = park.until_ms;
  if (!already_parked)
    log::notice(fields, "Connection {} is rate limited until {} ({}); its jobs wait until then", job.connection,
                utc_timestamp(from_unix_ms(until)), reset.provider);
  const std::string reason = fmt::format("waiting for the rate limit of {}", park.provider);
  if (auto s = queue_.park(job.id, owner_, until, reason); !s && !check_fatal())
    log::warning(fields, "Failed to park job {}: {}, ignoring", job.id, s.error());
  if (auto s = queue_.park_connection(job.connection, until); !s && !check_fatal())
    log::warning(fields, "Failed to park the jobs of connection {}: {}; they will be refused until {}",
                 job.connection, s.error(), utc_timestamp(from_unix_ms(until)));
}

void JobRunner::stop(milliseconds grace, std::function<void(int)> done) {
  if (stop_called_) return;  // a second SIGTERM changes nothing
  stop_called_ = true;
  stopping_ = true;
  stop_done_ = std::move(done);
  wake_timer_.cancel();
  if (running_.empty()) {
    asio::post(executor_, [this] { finish_stop(); });
    return;
  }
  log::info({}, "Waiting up to {:g} s for {} running job(s) to finish", static_cast<double>(grace.count()) / 1000.0,
            running());
  grace_timer_.expires_after(grace);
  grace_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || !stop_done_) return;
    release();
    finish_stop();
  });
}

void JobRunner::release() {
  if (released_) return;
  released_ = true;
  const std::int64_t now = unix_now_ms();
  for (std::int64_t id : running_) {
    if (auto s = queue_.park(id, owner_, now, "the daemon stopped before the job finished"); !s)
      log::warning({.job = std::to_string(id)}, "Failed to return job {} to the queue: {}; it runs again once its "
                   "lease expires", id, s.error());
  }
  if (!running_.empty())
    log::notice({}, "Returned {} unfinished job(s) to the queue for the next start", running());
}

void JobRunner::abandon() {
  stopping_ = true;
  wake_timer_.cancel();
  grace_timer_.cancel();
  stop_done_ = nullptr;  // the caller stops the daemon itself
  release();
}

void JobRunner::finish_stop() {
  if (!stop_done_) return;
  grace_timer_.cancel();
  auto done = std::move(stop_done_);
  stop_done_ = nullptr;
  done(released_ ? running() : 0);
}

}  // namespace capsync::daemon
