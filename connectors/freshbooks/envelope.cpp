#include "connectors/freshbooks/envelope.hpp"

#include "core/connector/json.hpp"

namespace capsync::freshbooks {

namespace json = connector::json;

Result<const rapidjson::Value*> result_of(const rapidjson::Document& doc) {
  const auto* response = json::object(doc, "response");
  const auto* result = response ? json::object(*response, "result") : nullptr;
  if (result == nullptr) return Error(Errc::protocol, "no {\"response\":{\"result\":…}} envelope in the response");
  return result;
}

Result<Paging> paging_of(const rapidjson::Value& result) {
  Paging out;
  for (auto [key, target] : {std::pair{"page", &out.page}, std::pair{"pages", &out.pages}, std::pair{"total", &out.total}}) {
    auto value = json::integer(result, key);
    if (!value) return value.error();
    if (*value) *target = **value;
  }
  return out;
}

}  // namespace capsync::freshbooks
