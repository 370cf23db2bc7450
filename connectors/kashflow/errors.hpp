#pragma once
// KashFlow REST error responses -> Error with text an operator can act on. KashFlow answers
// {"Error":"<Code>","Message":"<text>"} (kashflow.com/developers/rest-api/authentication/):
//   401 InvalidSessionToken (invalid or idle for 60 min) -> Errc::unauthorized (log in again)
//   401 AccountLocked                                     -> Errc::unauthorized (an administrator must unlock it)
//   403                                                   -> Errc::unauthorized (the user lacks a permission)
//   400 / 409 / 422                                       -> Errc::invalid_argument "Message [Code]"
//   404 -> not_found, 429 -> rate_limited (Retry-After), other -> Errc::http
// Codes other than the two documented 401s are unverified.

#include <string>
#include <string_view>

#include "core/error/result.hpp"
#include "core/http/request.hpp"

namespace capsync::kashflow {

// The "Error" code of a body, or "" when it has none.
std::string error_code(std::string_view body);

// `what` names the record or request: "customer 'Acme Ltd'", "the customers page 3".
Error map_error(const http::Response& response, std::string_view what);

}  // namespace capsync::kashflow
