#pragma once
// JobRunner: the daemon's worker loop over the durable queue. It claims due jobs under one
// lease owner per process start, runs up to `max_running` of them at once through the
// HandlerRegistry, keeps each lease alive while its handler runs, and completes or fails
// the job with the handler's Status. When nothing is due it waits on a timer until the
// queue's next run_after, the next maintenance, or wake() (new work was enqueued).
// Maintenance returns expired leases to the queue and prunes old done jobs.
//
// A job refused by a rate limit is not a failure: no attempt is counted. A limit the whole
// connection waits for (Error::retry_at with daily_cap: a daily quota, or a server that asked for
// a long wait) parks every job of that connection until then, at most max_park ahead, said once
// in the journal; jobs of a parked connection claimed meanwhile go back without running. Any
// other rate limit puts the job back for a short while.
//
// Once the store latches a fatal error (corruption, I/O) the runner stops claiming and
// reports it through on_fatal; the daemon then exits non-zero so systemd restarts it.
// A full disk is not fatal: the runner claims nothing while the store reports it, probes every
// few seconds, and once writes work again gives back the jobs whose outcome it could not
// record, without counting an attempt, so they run again.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/error/result.hpp"
#include "core/http/retry_policy.hpp"
#include "core/queue/job_queue.hpp"
#include "daemon/daemon_status.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::daemon {

class HandlerRegistry;
class Tasks;

struct RunnerOptions {
  int max_running = 4;
  std::chrono::milliseconds lease{std::chrono::minutes{2}};
  std::chrono::milliseconds retention{std::chrono::hours{24 * 7}};
  std::chrono::milliseconds maintenance_period{std::chrono::minutes{1}};
  // The longest a connection is parked for one refusal; then its jobs try again (and are parked
  // again if the limit still holds), so a wrong or huge reset time never stalls it for long.
  std::chrono::milliseconds max_park = http::max_server_wait;
};

// Wall-clock unix milliseconds, the queue's time base.
std::int64_t unix_now_ms();

// How often expired leases are looked for: often enough that a job orphaned by a crash is
// picked up again soon after its lease ends, rarely enough to cost nothing.
std::chrono::milliseconds maintenance_period_for(std::chrono::milliseconds lease);

class JobRunner final {
 public:
  using Finished = std::function<void(const queue::Job&, const Status&)>;
  using Fatal = std::function<void(const Error&)>;

  // Its claim loop and jobs run as `tasks`; cancelling those (at shutdown) abandons the jobs.
  JobRunner(boost::asio::any_io_executor executor, store::Database& db, queue::JobQueue& queue,
            const HandlerRegistry& registry, Tasks& tasks, std::string owner, RunnerOptions options);
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  void on_finished(Finished f) { finished_ = std::move(f); }
  // Called as a job's handler is about to run (not for a job parked without running).
  void on_started(std::function<void(const queue::Job&)> f) { started_ = std::move(f); }
  void on_fatal(Fatal f) { fatal_cb_ = std::move(f); }
  // Called whenever the number of running jobs changes (for the status line).
  void on_change(std::function<void()> f) { changed_ = std::move(f); }

  void start();
  // New work may be due: look at the queue now instead of at the next planned time.
  void wake();
  // Takes effect for jobs claimed from now on.
  void set_options(const RunnerOptions& options);

  // Stops claiming. `done(unfinished)` runs once every running job has finished, or when
  // `grace` has passed; jobs still running then are returned to ready (no attempt counted)
  // so the next start runs them again.
  void stop(std::chrono::milliseconds grace, std::function<void(int unfinished)> done);
  // Stops claiming at once and returns every running job to ready (no attempt counted); their
  // handlers' results are dropped. For a daemon that stops without waiting (a fatal error).
  void abandon();

  int running() const { return static_cast<int>(running_.size()); }
  // Until when, and for whose limit, the jobs of a parked connection wait; nullopt if it is not parked.
  std::optional<RateLimitWait> rate_limited(const std::string& connection) const;
  const std::string& owner() const { return owner_; }

 private:
  boost::asio::awaitable<void> claim_loop();
  boost::asio::awaitable<void> run(queue::Job job);
  boost::asio::awaitable<void> keep_lease(std::int64_t id, std::shared_ptr<boost::asio::steady_timer> timer);
  boost::asio::awaitable<Status> invoke(const queue::Job& job);
  void finish(const queue::Job& job, const Status& result);
  // Puts a job refused by a rate limit back without counting an attempt.
  void defer(const queue::Job& job, const Error& error);
  void park_connection(const queue::Job& job, const RetryAt& reset);
  // Forgets parks whose reset has passed; returns the earliest one still pending.
  std::optional<std::int64_t> expire_parks(std::int64_t now_ms);
  void maintain();
  // True (and stopping) when the store has latched a fatal error.
  bool check_fatal();
  // True while the disk is full (nothing is claimed); resumes once Database::probe_space() works.
  bool paused_for_space();
  // Records the outcome of the jobs that ended while the disk was full.
  void record_unrecorded();
  void finish_stop();
  // Gives the running jobs back to the queue (once) and drops their results.
  void release();
  void changed() {
    if (changed_) changed_();
  }

  // All state belongs to the io_context thread; coroutines capture `this`, so the runner
  // must outlive the io_context's run().
  boost::asio::any_io_executor executor_;
  store::Database& db_;
  queue::JobQueue& queue_;
  const HandlerRegistry& registry_;
  Tasks& tasks_;
  const std::string owner_;
  RunnerOptions options_;
  Finished finished_;
  std::function<void(const queue::Job&)> started_;
  Fatal fatal_cb_;
  std::function<void()> changed_;

  boost::asio::steady_timer wake_timer_;
  bool wake_pending_ = false;
  std::chrono::steady_clock::time_point next_maintenance_{};
  std::set<std::int64_t> running_;  // ids of the jobs whose handlers run now
  struct Park {
    std::int64_t until_ms = 0;
    std::string provider;
  };
  std::map<std::string, Park> parked_;  // connection -> when its jobs may run again
  // Jobs that ended while the disk was full -> whether their handler succeeded.
  std::map<std::int64_t, bool> unrecorded_;
  bool paused_ = false;  // the disk was full at the last look

  bool stopping_ = false;
  bool stop_called_ = false;
  bool fatal_ = false;
  bool released_ = false;  // stop() gave the unfinished jobs back; their results are dropped
  boost::asio::steady_timer grace_timer_;
  std::function<void(int)> stop_done_;
};

}  // namespace capsync::daemon
