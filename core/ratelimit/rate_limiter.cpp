#include "core/ratelimit/rate_limiter.hpp"

#include <algorithm>
#include <charconv>
#include <cctype>
#include <deque>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/http/request.hpp"
#include "core/http/retry_policy.hpp"
#include "core/log/log.hpp"
#include "core/ratelimit/sliding_window.hpp"

namespace capsync::ratelimit {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using std::chrono::steady_clock;
using std::chrono::system_clock;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::optional<std::int64_t> header_int(const http::Response& r, std::string_view name) {
  auto v = r.header(name);
  if (!v) return std::nullopt;
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size()) return std::nullopt;
  return out;
}

std::string thousands(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string label(const std::string& window) {
  if (window == "day") return "today";
  return "per " + window;
}

}  // namespace

struct RateLimiter::Impl {
  struct Slot {
    Window spec;
    SlidingWindow window;
    std::optional<std::int64_t> declared;  // the limit the server declared, saved with the budget
  };

  asio::any_io_executor executor;
  RateLimiterOptions options;
  Clock* clock;
  std::vector<Slot> slots;
  log::Fields fields;
  milliseconds max_wait{}, hold_limit{};  // options' durations, time-scaled

  // Admission state; everything below is used from the executor's thread only.
  int in_flight = 0;
  steady_clock::time_point paused_until{};
  std::optional<system_clock::time_point> daily_cap_until;  // server-declared (429 day problem)
  bool cap_reported = false;                                // on_daily_cap fired for this episode
  bool head_busy = false;  // a coroutine is in the admission loop; others queue behind it
  std::deque<std::shared_ptr<asio::steady_timer>> queue;
  asio::steady_timer head_timer;
  std::int64_t admitted_count = 0, throttled_count = 0;
  steady_clock::time_point last_save;

  Impl(asio::any_io_executor ex, RateLimiterOptions opts)
      : executor(std::move(ex)), options(std::move(opts)), clock(options.clock ? options.clock : &Clock::real()),
        head_timer(executor) {
    fields.connection = options.connection;
    fields.provider = options.limits.provider;
    double scale = options.time_scale > 0 ? options.time_scale : 1.0;
    auto scaled = [scale](milliseconds d) {
      return std::chrono::duration_cast<milliseconds>(
          std::chrono::duration<double, std::milli>(static_cast<double>(d.count()) / scale));
    };
    for (const auto& w : options.limits.windows) {
      auto length = std::chrono::duration_cast<steady_clock::duration>(
          std::chrono::duration<double, std::milli>(static_cast<double>(w.length.count()) / scale));
      slots.push_back({w, SlidingWindow(w.limit, length), std::nullopt});
    }
    max_wait = std::max(scaled(options.max_server_wait), milliseconds(1));
    hold_limit = scaled(options.hold_limit);
    last_save = clock->steady_now();
    load();
  }

  steady_clock::time_point to_steady(system_clock::time_point t) const {
    return clock->steady_now() + std::chrono::duration_cast<steady_clock::duration>(t - clock->system_now());
  }
  system_clock::time_point to_system(steady_clock::time_point t) const {
    return clock->system_now() + std::chrono::duration_cast<system_clock::duration>(t - clock->steady_now());
  }

  void load() {
    if (!options.store) return;
    auto rows = options.store->load(options.connection, options.limits.provider);
    if (!rows) {
      log::warning(fields, "Failed to load rate limit budget: {}, ignoring", rows.error());
      return;
    }
    auto now = clock->steady_now();
    for (const auto& row : *rows) {
      for (auto& slot : slots) {
        if (slot.spec.name == row.window && row.limit && *row.limit > 0) {
          slot.declared = row.limit;
          slot.window.set_limit(*row.limit);
        }
        if (slot.spec.name != row.window || row.used <= 0 || !row.reset_at) continue;
        // Spread the saved requests evenly between the oldest and the newest one (reset_at - length).
        auto first = to_steady(row.window_start);
        auto last = to_steady(*row.reset_at) - slot.window.length();
        if (last < first) last = first;
        auto step = row.used > 1 ? (last - first) / (row.used - 1) : steady_clock::duration::zero();
        for (std::int64_t i = 0; i < row.used; ++i) {
          auto t = first + step * i;
          if (t + slot.window.length() > now) slot.window.record(t);
        }
      }
    }
  }

  Status save() {
    last_save = clock->steady_now();
    if (!options.store) return {};
    auto now = clock->steady_now();
    std::vector<BudgetRow> rows;
    for (auto& slot : slots) {
      BudgetRow row;
      row.window = slot.spec.name;
      row.used = slot.window.used(now);
      row.limit = slot.declared;
      row.window_start = to_system(slot.window.oldest_expiry(now) - slot.window.length());
      // Pending requests count as made now.
      auto newest = slot.window.pending() ? now : slot.window.all_expired(now) - slot.window.length();
      row.reset_at = to_system(newest + slot.window.length());
      rows.push_back(row);
    }
    return options.store->save(options.connection, options.limits.provider, rows);
  }

  // What the head of the queue may do now.
  struct Decision {
    enum { admit, wait, refuse } kind;
    std::optional<steady_clock::duration> wait_for;  // nullopt: until a release
    system_clock::time_point cap_reset{};
    bool daily = true;  // refused for a daily quota, else for a server pause beyond hold_limit
  };

  Decision evaluate() {
    auto now = clock->steady_now();
    auto sys_now = clock->system_now();
    if (daily_cap_until && *daily_cap_until <= sys_now) daily_cap_until.reset();
    if (daily_cap_until) return {Decision::refuse, {}, *daily_cap_until};
    for (auto& slot : slots) {
      if (!slot.spec.daily_cap) continue;
      auto w = slot.window.wait(now);
      if (!w || *w > steady_clock::duration::zero()) {
        auto reset = w ? to_system(now + *w) : sys_now + std::chrono::duration_cast<system_clock::duration>(slot.window.length());
        return {Decision::refuse, {}, reset};
      }
    }
    if (paused_until - now > hold_limit) return {Decision::refuse, {}, to_system(paused_until), false};
    if (paused_until > now) return {Decision::wait, paused_until - now, {}};
    std::optional<steady_clock::duration> longest = steady_clock::duration::zero();
    for (auto& slot : slots) {
      auto w = slot.window.wait(now);
      if (!w) longest.reset();
      else if (longest && *w > *longest) longest = w;
    }
    if (longest && *longest == steady_clock::duration::zero() &&
        (options.limits.max_concurrent <= 0 || in_flight < options.limits.max_concurrent))
      return {Decision::admit, {}, {}};
    if (longest && *longest == steady_clock::duration::zero()) longest.reset();  // concurrency bound
    return {Decision::wait, longest, {}};
  }

  void report_cap(system_clock::time_point reset) {
    if (cap_reported) return;
    cap_reported = true;
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(reset - clock->system_now()).count();
    // Debug only: the job runner tells the operator when it parks the connection's jobs.
    log::debug(fields, "Daily request limit reached; refusing requests for {} s until the limit resets", secs);
    if (options.on_daily_cap) options.on_daily_cap({options.connection, options.limits.provider, reset});
  }

  void pass_head() {
    head_busy = false;
    if (!queue.empty()) {
      head_busy = true;
      queue.front()->cancel();
      queue.pop_front();
    }
  }

  void wake_head() { head_timer.cancel(); }

  void apply_headers(const http::Response& r) {
    auto now = clock->steady_now();
    auto correct = [&](std::string_view window, std::optional<std::int64_t> remaining) {
      if (!remaining) return;
      for (auto& slot : slots)
        if (slot.spec.name == window) slot.window.correct_remaining(now, *remaining);
    };
    switch (options.limits.headers) {
      case HeaderStyle::min_day_remaining:
        correct("minute", header_int(r, "X-MinLimit-Remaining"));
        correct("day", header_int(r, "X-DayLimit-Remaining"));
        break;
      case HeaderStyle::ratelimit_remaining:
        // The hour's limit as the server states it on every response (Capsule: "X-RateLimit-Limit
        // ... per hour", developer.capsulecrm.com/v2/overview/handling-api-responses) replaces
        // the documented one: the budget and the ETA then follow what the account really gets.
        if (auto limit = header_int(r, "X-RateLimit-Limit"); limit && *limit > 0)
          for (auto& slot : slots)
            if (slot.spec.name == "hour") {
              slot.declared = *limit;
              slot.window.set_limit(*limit);
            }
        // X-RateLimit-Reset matters only on a 429 (server_delay below reads it); on success the
        // filled window already holds requests back, without the reset's whole-second rounding.
        correct("hour", header_int(r, "X-RateLimit-Remaining"));
        break;
      case HeaderStyle::none: break;
    }
    if (r.status != 429) return;
    ++throttled_count;
    auto delay = std::min(http::server_delay(r, clock->system_now()).value_or(milliseconds(1000)), max_wait);
    auto problem = r.header("X-Rate-Limit-Problem");
    std::string p = problem ? std::string(*problem) : "";
    std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return std::tolower(c); });
    if (p == "day") {
      daily_cap_until = clock->system_now() + delay;
      for (auto& slot : slots)
        if (slot.spec.daily_cap) slot.window.correct_remaining(now, 0);
      return;
    }
    log::debug(fields, "Throttled by the server ({}); pausing requests for {} ms", p.empty() ? "429" : p, delay.count());
    paused_until = std::max(paused_until, now + delay);
  }
};

RateLimiter::RateLimiter(asio::any_io_executor executor, RateLimiterOptions options)
    : impl_(std::make_unique<Impl>(std::move(executor), std::move(options))) {}

RateLimiter::~RateLimiter() {
  if (auto s = impl_->save(); !s) log::warning(impl_->fields, "Failed to save rate limit budget: {}, ignoring", s.error());
}

asio::awaitable<Status> RateLimiter::acquire() {
  Impl& im = *impl_;
  if (im.head_busy) {
    auto turn = std::make_shared<asio::steady_timer>(im.executor, steady_clock::time_point::max());
    im.queue.push_back(turn);
    co_await turn->async_wait(use_tuple);  // cancelled by pass_head(): we are the head now
  } else {
    im.head_busy = true;
  }
  for (;;) {
    auto d = im.evaluate();
    if (d.kind == Impl::Decision::refuse) {
      if (d.daily) im.report_cap(d.cap_reset);
      im.pass_head();
      // Rounded up to the second: a job resumed at the reset must not find the last request still counted.
      const auto reset_ms = std::chrono::ceil<std::chrono::seconds>(d.cap_reset.time_since_epoch());
      const RetryAt at{std::chrono::duration_cast<milliseconds>(reset_ms).count(), true, im.options.limits.provider};
      if (!d.daily)
        co_return make_error(Errc::rate_limited, "{} asked to wait {} s before the next request",
                             im.options.limits.provider,
                             std::chrono::ceil<std::chrono::seconds>(d.cap_reset - im.clock->system_now()).count())
            .with_retry_at(at);
      co_return make_error(Errc::rate_limited, "Daily request limit of {} reached; retry after the reset",
                           im.options.limits.provider)
          .with_retry_at(at);
    }
    if (d.kind == Impl::Decision::admit) {
      im.cap_reported = false;
      for (auto& slot : im.slots) slot.window.begin_pending();
      ++im.in_flight;
      ++im.admitted_count;
      im.pass_head();
      co_return Status{};
    }
    if (d.wait_for) im.head_timer.expires_after(*d.wait_for);
    else im.head_timer.expires_at(steady_clock::time_point::max());
    co_await im.head_timer.async_wait(use_tuple);
  }
}

void RateLimiter::release(const http::Response* response) {
  Impl& im = *impl_;
  auto now = im.clock->steady_now();
  --im.in_flight;
  for (auto& slot : im.slots) slot.window.complete(now);
  if (response) im.apply_headers(*response);
  if (now - im.last_save >= im.options.save_interval) {
    if (auto s = im.save(); !s) log::warning(im.fields, "Failed to save rate limit budget: {}, ignoring", s.error());
  }
  im.wake_head();
}

Status RateLimiter::flush() { return impl_->save(); }

std::string RateLimiter::status_line() {
  Impl& im = *impl_;
  auto now = im.clock->steady_now();
  std::string out = im.options.limits.provider + ":";
  bool first = true;
  for (auto& slot : im.slots) {
    out += first ? " " : ", ";
    first = false;
    out += thousands(slot.window.used(now)) + "/" + thousands(slot.window.limit()) + " " + label(slot.spec.name);
  }
  if (im.paused_until > now)
    out += fmt::format(", paused {} s",
                       std::chrono::ceil<std::chrono::seconds>(im.paused_until - now).count());
  if (im.cap_reported || im.daily_cap_until) out += ", daily cap reached";
  return out;
}

std::int64_t RateLimiter::admitted() const { return impl_->admitted_count; }
std::int64_t RateLimiter::throttled() const { return impl_->throttled_count; }
void RateLimiter::TEST_wake() { impl_->wake_head(); }

}  // namespace capsync::ratelimit
