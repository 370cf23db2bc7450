#pragma once
// FreeAgent error responses -> Error with text an operator can act on. Bodies come in several
// shapes, all read: {"errors":{"error":{"message":…}}}, {"errors":[{"message":…},…]},
// {"errors":{"field":["…"]}}, OAuth {"error":…,"error_description":…}, or plain text.
// The status decides the Errc (connector::error_from_status); a 403 means the user's access
// level is too low.

#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "core/http/request.hpp"

namespace capsync::freeagent {

// Every message in a FreeAgent error body; empty when none is recognised.
std::vector<std::string> error_messages(std::string_view body);

// `what` names the record or request: "contact 'Acme Ltd'", "the contacts page 3".
Error map_error(const http::Response& response, std::string_view what);

}  // namespace capsync::freeagent
