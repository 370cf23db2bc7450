#pragma once
// RequestGate: how http::Client consults a rate limiter without knowing its type.

#include <boost/asio/awaitable.hpp>

#include "core/error/result.hpp"

namespace capsync::http {

struct Response;

class RequestGate {
 public:
  virtual ~RequestGate() = default;
  // Suspends until one more request may start. An error (Errc::rate_limited, e.g. a daily cap)
  // means the attempt must not be made; the client returns that error to its caller.
  virtual boost::asio::awaitable<Status> acquire() = 0;
  // Called exactly once per successful acquire(): with the response when one arrived (so its
  // limit headers can correct the budget), nullptr when the attempt failed without one.
  virtual void release(const Response* response) = 0;
};

}  // namespace capsync::http
