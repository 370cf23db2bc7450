#pragma once
// One mapping from a provider's HTTP error status to capsync's Errc, shared by every connector.
// A connector keeps only what is its own: how its error body reads as text, whether the body
// says a name is taken, and its advice to the operator.
//   400 / 409 / 422 -> invalid_argument, or conflict when the name is taken (R13)
//   401 / 403       -> unauthorized: an operator must act
//   404             -> not_found
//   429             -> rate_limited, naming the wait the provider asked for
//   other (5xx)     -> http, which the job runner retries

#include <string>
#include <string_view>

#include "core/error/result.hpp"
#include "core/http/request.hpp"

namespace capsync::connector {

// The Errc of a non-2xx status, as the table above.
Errc errc_from_status(int status);

// What a provider adds to the shared mapping of one refused request.
struct ProviderRefusal {
  std::string_view provider{};  // as operators read it: "Xero", "FreeAgent"
  std::string reason{};       // the provider's error body as text (its errors.cpp reads it)
  bool name_taken = false;    // the body says the name is already used (R13): conflict
  std::string_view credential = "access token";  // what a 401 rejected
  std::string unauthorized_advice{};              // after a 401: what the operator does
  std::string forbidden_advice{};                 // after a 403
  std::string rate_limit = "rate limit";          // what a 429 reached: "minute rate limit"
};

// The Error for a non-2xx `response` to the request `what` names ("contact 'Acme Ltd'"):
// errc_from_status(), with a message naming the provider, the status, its reason and advice.
Error error_from_status(const http::Response& response, std::string_view what, const ProviderRefusal& refusal);

}  // namespace capsync::connector
