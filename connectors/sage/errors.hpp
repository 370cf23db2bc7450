#pragma once
// Sage error responses -> Error with text an operator can act on. Sage answers a JSON array of
// {"$severity","$dataCode","$message","$source"} (developer.sage.com "Frequently Raised Errors"):
//   401 AuthorizationFailure "No active subscription"  -> Errc::unauthorized (renew the subscription)
//   401 other                                          -> Errc::unauthorized (token rejected)
//   403 MultiUserAccessDenied                          -> Errc::unauthorized (the user's role is too low)
//   400 / 422 RecordInvalid                            -> Errc::invalid_argument "source: message; ..."
//   404 -> not_found, 429 -> rate_limited, other -> Errc::http

#include <string>
#include <string_view>

#include "core/error/result.hpp"
#include "core/http/request.hpp"

namespace capsync::sage {

// `what` names the record or request: "contact 'Acme Ltd'", "the contacts page 3".
Error map_error(const http::Response& response, std::string_view what);

}  // namespace capsync::sage
