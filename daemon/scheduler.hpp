#pragma once
// Scheduler: the periodic work of each enabled connection. For every connection it keeps
// one timer per job kind (pull at sync.interval, capsule_poll at sync.capsule_poll,
// full_reconcile at sync.full_reconcile), each period stretched by a small random jitter so
// that many connections do not hit the providers in step. A connection seen for the first
// time (start-up or reload) also gets an immediate pull and Capsule poll. A connection the
// operator disabled (`capsyncctl disable`, see skip_when) keeps its timers but gets no jobs
// until it is enabled again.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "core/config/settings.hpp"
#include "core/queue/job_queue.hpp"

namespace capsync::daemon {

class Tasks;

// The job kinds the daemon itself enqueues; the sync layer registers their handlers.
inline constexpr std::string_view kind_pull = "pull";
inline constexpr std::string_view kind_capsule_poll = "capsule_poll";
inline constexpr std::string_view kind_full_reconcile = "full_reconcile";

// "pull:acme": at most one ready job of a kind per connection (the queue absorbs repeats).
std::string dedupe_key(std::string_view kind, std::string_view connection);

// The job a timer (or `capsyncctl sync-now`) enqueues for a connection.
queue::JobSpec periodic_job(std::string_view kind, std::string_view connection);

// The largest jitter, as a fraction of the period.
inline constexpr double max_jitter_fraction = 0.05;

// The longest a timer waits between jobs: beyond any period the config accepts (sync.interval
// is at most 30 days) and far inside what steady_clock's nanoseconds hold, so a period that
// got past validation can never wrap into the past and fire in a busy loop.
inline constexpr std::chrono::milliseconds max_timer_period = std::chrono::hours{24 * 366};

// period plus a uniformly drawn extra in [0, period * max_jitter_fraction]; a period above
// max_timer_period counts as max_timer_period.
std::chrono::milliseconds jittered(std::chrono::milliseconds period, std::mt19937_64& rng);

struct Schedule {
  std::string kind;
  std::chrono::milliseconds period;
  friend bool operator==(const Schedule&, const Schedule&) = default;
};

// The timers a connection needs; none when it is disabled.
std::vector<Schedule> schedules_for(const config::ConnectionConfig& connection);

class Scheduler final {
 public:
  using Enqueue = std::function<void(const queue::JobSpec&)>;
  // True when `connection` must get no periodic jobs now; asked each time a job is due.
  using Skip = std::function<bool(std::string_view connection)>;

  // The timer loops run as `tasks` (essential: an exception from `enqueue` stops the daemon).
  Scheduler(boost::asio::any_io_executor executor, Enqueue enqueue, Tasks& tasks, std::uint64_t seed = 0);
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;
  ~Scheduler();

  // Makes the timers match `connections`: a connection added (or re-enabled) gets timers
  // and an initial sync, one whose periods changed gets its timers re-armed, a removed or
  // disabled one loses its timers; unchanged connections keep their phase.
  void apply(const std::vector<config::ConnectionConfig>& connections);
  void skip_when(Skip skip) { *skip_ = std::move(skip); }
  // Cancels every timer; apply() may start again.
  void stop();

  struct Timer;

 private:
  void start_timer(const std::string& connection, const Schedule& schedule);

  // All members belong to the io_context thread.
  boost::asio::any_io_executor executor_;
  Enqueue enqueue_;
  Tasks& tasks_;
  std::shared_ptr<std::mt19937_64> rng_;  // shared with the timer loops
  std::shared_ptr<Skip> skip_ = std::make_shared<Skip>();  // shared with the timer loops
  struct Entry {
    std::vector<Schedule> schedules;
    std::vector<std::shared_ptr<Timer>> timers;
  };
  std::map<std::string, Entry> connections_;
};

}  // namespace capsync::daemon
