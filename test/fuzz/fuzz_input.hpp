#pragma once
// What every fuzz target does with libFuzzer's bytes: read them as a response body (or a
// request line, or a YAML file), exactly as the daemon receives them from the network.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/http/request.hpp"

namespace capsync::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A refused answer carrying `body`, as the connectors' error mappers receive it.
inline http::Response refusal(int status, std::string_view body) {
  http::Response response;
  response.status = status;
  response.body = std::string(body);
  return response;
}

}  // namespace capsync::fuzz
