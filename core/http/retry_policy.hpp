#pragma once
// Retry policy: which attempts the client repeats and how long it waits between them.
// Pure functions so the arithmetic is tested without sockets.

#include <chrono>
#include <optional>
#include <random>
#include <string_view>

#include "core/http/request.hpp"

namespace capsync::http {

// The longest wait capsync accepts from a server before asking again. A larger Retry-After or
// reset (a proxy's "999999", a daily quota hours away) counts as this: an hour costs at most 24
// refused requests a day, and a wrong answer from the server heals within the hour.
inline constexpr std::chrono::milliseconds max_server_wait{std::chrono::hours{1}};

struct RetryPolicy {
  int max_attempts = 4;  // including the first
  std::chrono::milliseconds base_delay{500};
  std::chrono::milliseconds max_delay{30000};
  // A server asking us to wait longer than this ends the retries instead (the caller reschedules).
  std::chrono::milliseconds max_server_delay{120000};
};

// Whether the request may be sent again after a failure: GET/DELETE always; POST/PUT only with an
// idempotency key or retry_safe.
bool may_retry(const Request& request);
// Whether a request answered with `status` may be sent again: as may_retry, and any request
// refused with a 429, which the server did not carry out.
bool may_retry_after(const Request& request, int status);

// Whether a final status is worth another attempt (5xx, 429, 408).
bool retryable_status(int status);

// "Full jitter": uniform in [0, min(max_delay, base_delay * 2^(attempt-1))], attempt >= 1.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempt, std::mt19937_64& rng);

// Retry-After as delta-seconds or an HTTP-date, at most max_server_wait; a date in the past is 0.
// nullopt if absent, negative or unparsable (the caller then falls back to its own backoff).
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

// The wait the server asked for on this response: Retry-After, or for a 429 without it an
// X-RateLimit-Reset epoch (seconds); at most max_server_wait. nullopt when the server said
// nothing usable.
std::optional<std::chrono::milliseconds> server_delay(const Response& response,
                                                      std::chrono::system_clock::time_point now);

// Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT").
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

}  // namespace capsync::http
