#include "core/http/retry_policy.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>

namespace capsync::http {

using std::chrono::milliseconds;

bool may_retry(const Request& request) {
  switch (request.method) {
    case Method::get:
    case Method::del: return true;
    case Method::post:
    case Method::put: return request.retry_safe || !request.idempotency_key.empty();
  }
  return false;
}

bool may_retry_after(const Request& request, int status) { return status == 429 || may_retry(request); }

bool retryable_status(int status) { return status == 429 || status == 408 || (status >= 500 && status <= 599); }

milliseconds backoff_delay(const RetryPolicy& policy, int attempt, std::mt19937_64& rng) {
  int shift = std::clamp(attempt - 1, 0, 30);
  long long cap = policy.base_delay.count() << shift;
  if (cap > policy.max_delay.count() || cap < 0) cap = policy.max_delay.count();
  std::uniform_int_distribution<long long> dist(0, std::max(0LL, cap));
  return milliseconds(dist(rng));
}

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

template <typename T>
bool parse_number(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}
// The wait until `when`: 0 when it has passed, at most max_server_wait.
milliseconds capped_until(std::chrono::system_clock::time_point when, std::chrono::system_clock::time_point now) {
  if (when <= now) return milliseconds(0);
  if (when - now >= max_server_wait) return max_server_wait;
  return std::chrono::duration_cast<milliseconds>(when - now);
}
}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  text = trim(text);
  if (text.size() != 29 || text[3] != ',' || !text.ends_with(" GMT")) return std::nullopt;
  static constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int day = 0, year = 0, hh = 0, mm = 0, ss = 0;
  if (!parse_number(text.substr(5, 2), day) || !parse_number(text.substr(12, 4), year) ||
      !parse_number(text.substr(17, 2), hh) || !parse_number(text.substr(20, 2), mm) ||
      !parse_number(text.substr(23, 2), ss))
    return std::nullopt;
  auto it = std::find(months.begin(), months.end(), text.substr(8, 3));
  if (it == months.end()) return std::nullopt;
  unsigned month = static_cast<unsigned>(it - months.begin()) + 1;
  using namespace std::chrono;
  year_month_day ymd{std::chrono::year(year), std::chrono::month(month), std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok() || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  // In seconds first: a year like 9999 ("never") does not fit the clock's nanoseconds.
  const sys_seconds at = sys_days(ymd) + hours(hh) + minutes(mm) + seconds(ss);
  const sys_seconds latest = sys_days(year_month_day{std::chrono::year(2200), January, std::chrono::day(1)});
  return std::chrono::system_clock::time_point(std::min(at, latest).time_since_epoch());
}

std::optional<milliseconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  const long long cap_s = std::chrono::duration_cast<std::chrono::seconds>(max_server_wait).count();
  long long secs = 0;
  if (parse_number(value, secs)) {
    if (secs < 0) return std::nullopt;
    return std::min(milliseconds(std::min(secs, cap_s) * 1000), max_server_wait);
  }
  double fractional = 0;  // some servers (and time-scaled sandboxes) send "0.5"
  if (parse_number(value, fractional)) {
    if (!(fractional >= 0)) return std::nullopt;  // negative or NaN
    if (fractional >= static_cast<double>(cap_s)) return max_server_wait;  // also infinity
    return milliseconds(static_cast<long long>(fractional * 1000 + 0.999));
  }
  if (auto when = parse_http_date(value)) return capped_until(*when, now);
  return std::nullopt;
}

std::optional<milliseconds> server_delay(const Response& response, std::chrono::system_clock::time_point now) {
  if (auto ra = response.header("Retry-After")) {
    if (auto d = parse_retry_after(*ra, now)) return d;
  }
  if (response.status == 429) {
    if (auto reset = response.header("X-RateLimit-Reset")) {
      long long epoch = 0;
      if (parse_number(trim(*reset), epoch) && epoch >= 0) {
        // Far-future epochs would overflow the clock's nanoseconds: anything past a day away is capped anyway.
        const long long now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
        epoch = std::min(epoch, now_s + 86400);
        return capped_until(std::chrono::system_clock::time_point(std::chrono::seconds(epoch)), now);
      }
    }
  }
  return std::nullopt;
}

}  // namespace capsync::http
