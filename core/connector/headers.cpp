#include "core/connector/headers.hpp"

namespace capsync::connector {

std::string next_link(std::string_view header) {
  // Link: <https://…?page=2&per_page=100>; rel="next", <…>; rel="last"
  while (!header.empty()) {
    auto open = header.find('<');
    auto close = header.find('>', open);
    if (open == std::string_view::npos || close == std::string_view::npos) break;
    std::string_view url = header.substr(open + 1, close - open - 1);
    auto comma = header.find(',', close);
    std::string_view params = header.substr(close + 1, comma == std::string_view::npos ? std::string_view::npos : comma - close - 1);
    if (params.find("rel=\"next\"") != std::string_view::npos || params.find("rel=next") != std::string_view::npos)
      return std::string(url);
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return {};
}

}  // namespace capsync::connector
