#pragma once
// Sage's list envelope {"$total","$page","$next","$back","$itemsPerPage","$items"}. A page past
// the end answers the last page again, so a reader stops when $next is null, never on an
// empty page (developer.sage.com "Pagination").

#include <string_view>

#include <rapidjson/document.h>

#include "core/error/result.hpp"

namespace capsync::sage {

struct ListEnvelope {
  rapidjson::Document doc;
  const rapidjson::Value* items = nullptr;  // inside doc
  bool has_next = false;
  long long total = 0;
  long long page = 0;  // the page Sage answered (the last one when asked past the end)
};

// Errc::protocol when the body is not JSON or has no "$items" array.
Result<ListEnvelope> parse_list(std::string_view body);

}  // namespace capsync::sage
