#pragma once
// Sage error responses -> Error with text an operator can act on. Sage answers a JSON array of
// {"$severity","$dataCode","$message","$source"} (developer.sage.com "Frequently Raised Errors"):
//   401 AuthorizationFailure "No active subscription": renew the subscription
//   403 MultiUserAccessDenied: the user's role is too low
//   422 RecordInvalid: reads as "source message [code]; ..."
// The status decides the Errc (connector::error_from_status).

#include <string>
#include <string_view>

#include "core/error/result.hpp"
#include "core/http/request.hpp"

namespace capsync::sage {

// `what` names the record or request: "contact 'Acme Ltd'", "the contacts page 3".
Error map_error(const http::Response& response, std::string_view what);

}  // namespace capsync::sage
