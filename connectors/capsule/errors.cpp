#include "connectors/capsule/errors.hpp"

#include <string>
#include <vector>

#include "core/connector/json.hpp"
#include "core/connector/status_error.hpp"

namespace capsync::capsule {

namespace json = connector::json;

Error map_error(const http::Response& r, std::string_view what) {
  auto doc = json::parse(r.body);
  std::string message;
  std::vector<std::string> details;
  bool clash = false;
  if (doc) {
    message = std::string(json::text(*doc, "message").value_or(json::text_or_empty(*doc, "error")));
    if (const auto* errors = json::array(*doc, "errors")) {
      for (const auto& e : errors->GetArray()) {
        std::string_view field = json::text_or_empty(e, "field");
        std::string_view text = json::text_or_empty(e, "message");
        details.push_back(field.empty() ? std::string(text) : fmt::format("{}: {}", field, text));
        clash = clash || (field == "name" && text.find("already") != std::string_view::npos);
      }
    }
  }
  if (message.empty()) message = json::excerpt(r.body);
  return connector::error_from_status(
      r, what,
      {.provider = "Capsule",
       .reason = details.empty() ? message : fmt::format("{}", fmt::join(details, "; ")),
       .name_taken = clash,
       // A 401 reaches here after CapsuleClient::call read the token file again.
       .unauthorized_advice = "it was read again and still refused: the connection needs a new Capsule token in its token file",
       .forbidden_advice = "the token needs the read and write scopes"});
}

}  // namespace capsync::capsule
