#pragma once
// Capsule error responses -> Error, through connector::error_from_status (the status table).
// Capsule's part: 422 {"message":"Validation Failed","errors":[{resource,field,message}]} reads
// as each "field: message", and a name already taken is a conflict (R13). A 429 carries
// X-RateLimit-Reset (epoch seconds) and no Retry-After.

#include <string_view>

#include "core/error/result.hpp"
#include "core/http/request.hpp"

namespace capsync::capsule {

// `what` names the record or request: "party 11587", "organisation 'Acme Ltd'".
Error map_error(const http::Response& response, std::string_view what);

}  // namespace capsync::capsule
