#pragma once
// FreshBooks error responses -> Error with text an operator can act on. Bodies come in three
// documented shapes, all read: accounting {"response":{"errors":[{"errno","field","message",…}]}},
// newer endpoints {"errno","message","details":[…]}, and OAuth {"error","error_description"}.
// The status decides the Errc (connector::error_from_status); a 403 means a scope the app
// lacks, or another business.

#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "core/http/request.hpp"

namespace capsync::freshbooks {

// Every message in a FreshBooks error body ("field: message [errno N]"); empty when none.
std::vector<std::string> error_messages(std::string_view body);

// `what` names the record or request: "client 'Acme Ltd'", "the clients page 3".
Error map_error(const http::Response& response, std::string_view what);

}  // namespace capsync::freshbooks
