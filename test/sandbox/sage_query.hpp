#pragma once
// What every fake Sage list and error shares: the error array
// [{"$severity","$dataCode","$message","$source"}], the list envelope
// {"$total","$page","$next","$back","$itemsPerPage","$items"} with `page`/`items_per_page`
// (default 20, at most 200; a page past the end answers the last page, as Sage does), and the
// timestamp filters (updated_or_created_since inclusive, deleted_since exclusive).

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/json_util.hpp"
#include "test/sandbox/sandbox_clock.hpp"

namespace capsync::sandbox {

Response sage_error(int status, std::string_view data_code, std::string_view message, std::string_view source = "");

struct SagePaging {
  int page = 1;
  int per_page = 20;
};
// Reads page/items_per_page; a bad value is a 400 error response.
std::optional<Response> sage_paging(const Request& request, SagePaging& out);

// Reads a timestamp filter; absent -> nullopt in `out`; unparsable -> a 400 error response.
std::optional<Response> sage_time_param(const Request& request, std::string_view name, std::optional<TimePoint>& out);

// The envelope over `total` matches; `write_item(i)` writes the i-th match (0-based) of the page.
Response sage_list(const Request& request, std::string_view resource, std::size_t total, SagePaging paging,
                   const std::function<void(JsonWriter&, std::size_t)>& write_item);

}  // namespace capsync::sandbox
