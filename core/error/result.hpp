#pragma once
// Error and Result<T>: how expected failures cross module boundaries in capsync.
// Exceptions are kept for programmer errors and process boundaries.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace capsync {

enum class Errc {
  invalid_argument,  // the caller (or the operator's config) asked for something impossible
  not_found,
  io,                // disk or socket failure
  corruption,        // a store that cannot be trusted any more
  busy,              // try again shortly
  timeout,
  cancelled,
  protocol,          // a peer answered with something we cannot understand (malformed JSON, truncated body)
  http,              // a peer answered with an error status
  rate_limited,
  unauthorized,      // credentials need an operator (invalid_grant, rejected password)
  conflict,          // a decision that needs a person (R17)
  unsupported,
};

std::string_view to_string(Errc code);

// When a refused request may be made again: the reset of the quota that refused it, so the
// job runner can wait for it instead of counting a failure.
struct RetryAt {
  std::int64_t unix_ms = 0;
  bool daily_cap = false;  // a provider's daily quota: the whole connection waits until unix_ms
  std::string provider;    // whose quota, for the operator: the provider's config name
};

class Error {
 public:
  Error(Errc code, std::string message) : code_(code), message_(std::move(message)) {}

  Errc code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::optional<RetryAt>& retry_at() const { return retry_at_; }

  // Prepends context, giving "context: message" as errors travel upwards.
  Error with_context(std::string_view context) const {
    Error e(code_, fmt::format("{}: {}", context, message_));
    e.retry_at_ = retry_at_;
    return e;
  }
  Error with_retry_at(RetryAt at) const {
    Error e = *this;
    e.retry_at_ = std::move(at);
    return e;
  }

 private:
  Errc code_;
  std::string message_;
  std::optional<RetryAt> retry_at_;
};

template <typename... Args>
Error make_error(Errc code, fmt::format_string<Args...> format, Args&&... args) {
  return Error(code, fmt::format(format, std::forward<Args>(args)...));
}

// A value or an Error. Accessing the wrong alternative is a programmer error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_{Errc::invalid_argument, {}};
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace capsync

template <>
struct fmt::formatter<capsync::Error> : fmt::formatter<std::string_view> {
  template <typename Ctx>
  auto format(const capsync::Error& e, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(e.message(), ctx);
  }
};
