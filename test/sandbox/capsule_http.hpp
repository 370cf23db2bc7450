#pragma once
// The HTTP conventions every fake Capsule endpoint shares: its error bodies, ids in paths,
// page/perPage and the Link header, embed=. Defined in capsule_api.cpp.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/provider.hpp"

namespace capsync::sandbox::capsule_http {

Response message(int status, std::string_view text);  // {"message": text}
Response not_found();
Response method_not_allowed();
std::optional<std::int64_t> to_id(std::string_view text);  // a positive id, else nullopt

struct Paging {
  std::int64_t page = 1, per_page = 50;
  std::string error;  // a 400 to answer
};
Paging paging(const Request& request);  // page=, perPage= (at most 100)

// Capsule's Link header: rel="next" while more pages exist, rel="prev" after the first page.
void set_links(Response& response, const SandboxContext& context, const Request& request, std::int64_t page,
               bool has_next);
bool has_embed(const Request& request, std::string_view what);

}  // namespace capsync::sandbox::capsule_http
