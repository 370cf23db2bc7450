#pragma once
// Xero list-request parameters (page, pageSize, If-Modified-Since, where, IDs, ...) and the
// response envelope {Id, Status, ProviderName, DateTimeUTC, pagination, <Items>}.

#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/json_util.hpp"
#include "test/sandbox/sandbox_clock.hpp"

namespace capsync::sandbox {

struct XeroCondition {
  std::string field;  // e.g. "ContactStatus", "Contact.ContactID"
  bool equals = true;
  std::string value;  // unquoted; lower-cased for comparison
};

struct XeroQuery {
  std::optional<int> page;
  int page_size = 100;
  std::optional<TimePoint> modified_since;  // already floored to the second
  std::vector<XeroCondition> where;
  std::vector<std::string> ids;       // lower-cased
  std::vector<std::string> statuses;  // Statuses=
  std::vector<std::string> contact_ids;
  bool include_archived = false;
  bool summary_only = false;
  std::string error;  // non-empty: the request is invalid
};

XeroQuery parse_xero_query(const Request& request, const char* ids_param);

// True if every where-condition holds; `field` returns the record's value for a field name
// (nullopt = unsupported field, which makes the condition false).
bool matches_where(const std::vector<XeroCondition>& where,
                   const std::function<std::optional<std::string>(std::string_view)>& field);

std::vector<std::string> split_list(std::string_view text);

// Writes the envelope around `count` items (the page slice is already chosen by the caller).
std::string xero_envelope(TimePoint now, std::mt19937_64& rng, const char* items_key, const XeroQuery& query,
                          std::size_t item_count, const std::function<void(JsonWriter&)>& write_items);

// Xero's 400 ValidationException body. `elements` is a JSON array text.
std::string xero_validation_error(std::string_view elements_json);

// A body of the Error schema of Xero's accounting spec ({"ErrorNumber","Type","Message"}).
std::string xero_exception(int error_number, std::string_view type, std::string_view message);

// Xero's RFC 7807-style problem body ({"Type":null,"Title":…,"Status":…,"Detail":…}).
std::string xero_problem(int status, std::string_view title, std::string_view detail);

}  // namespace capsync::sandbox
