#pragma once
// Capsule error responses -> Error. 422 {"message":"Validation Failed","errors":[{resource,
// field,message}]} -> Errc::invalid_argument with each "field: message", or Errc::conflict
// when the name is already taken (R13). 429 carries X-RateLimit-Reset (epoch seconds) and no
// Retry-After.

#include <string_view>

#include "core/error/result.hpp"
#include "core/http/request.hpp"

namespace capsync::capsule {

// `what` names the record or request: "party 11587", "organisation 'Acme Ltd'".
Error map_error(const http::Response& response, std::string_view what);

// The next-page URL of a Link header (`<url>; rel="next"`), or empty.
std::string next_link(std::string_view link_header);

}  // namespace capsync::capsule
