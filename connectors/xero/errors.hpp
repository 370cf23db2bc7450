#pragma once
// Xero error responses -> Error with text an operator can act on.
//   400 ValidationException, name already used  -> Errc::conflict (R13 name clash)
//   400 other validation                        -> Errc::invalid_argument with Xero's reasons
//   429 for the day quota                       -> retry_at: the connection waits for the reset
// Every other status through connector::error_from_status.

#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "core/error/result.hpp"
#include "core/http/request.hpp"

namespace capsync::xero {

// `what` names the record or request: "contact 'Acme Ltd'", "the Contacts page 3".
Error map_error(const http::Response& response, std::string_view what);

// Every ValidationErrors[].Message in a body: top-level Elements[] or a 200 batch response's
// Contacts[] elements with HasValidationErrors.
std::vector<std::string> validation_messages(const rapidjson::Value& root);

// "Xero refused <what>: m1; m2" as conflict when a message is Xero's duplicate-name refusal.
Error refusal(std::string_view what, const std::vector<std::string>& messages);

}  // namespace capsync::xero
