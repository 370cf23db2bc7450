#pragma once
// KashFlow REST error responses -> Error with text an operator can act on. KashFlow answers
// {"Error":"<Code>","Message":"<text>"} (kashflow.com/developers/rest-api/authentication/):
//   401 InvalidSessionToken (invalid or idle for 60 min): log in again
//   401 AccountLocked: an administrator must unlock it
//   403: the user lacks a permission
// and reads as "Message [Code]". The status decides the Errc (connector::error_from_status).
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
