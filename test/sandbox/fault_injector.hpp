#pragma once
// Faults armed through POST /_admin/faults and consumed by matching requests.

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/error/result.hpp"
#include "test/sandbox/http_message.hpp"

namespace capsync::sandbox {

// deep_json: a 200 whose body is arrays nested a million deep (2 MB), which crashes a recursive parser.
// corrupt_record: the normal answer with one record of its list changed (`field` set to `value`).
enum class FaultKind { status, reset, delay, truncate, malformed, deep_json, corrupt_record, expired_token, invalid_grant };

struct Fault {
  std::string prefix;  // full request path prefix, e.g. "/xero/api.xro/2.0/Contacts"
  std::string method;  // empty = any
  std::string bearer;  // only requests with this bearer token (a revoked token); empty = any
  FaultKind kind = FaultKind::status;
  int status = 500;
  int retry_after_s = 1;
  int delay_ms = 0;
  std::string field;       // corrupt_record: the member to change, e.g. "id"
  std::string value_json;  // corrupt_record: its new value, as JSON text (any type)
  int index = 0;           // corrupt_record: which record of the list, from 0
  std::int64_t remaining = 1;  // -1 = unlimited (fraction faults without count)
  double fraction = 1.0;
  std::mt19937_64 rng{0};
  // Response headers set on a status fault's answer, over the provider's own: what a proxy or a
  // misbehaving service might send ({"Retry-After":"999999"}).
  std::vector<std::pair<std::string, std::string>> headers;
};

class FaultInjector final {
 public:
  // Parses the admin JSON body and arms the fault.
  Result<void> add(std::string_view json_body);
  void clear() { faults_.clear(); }
  // The fault that fires for this request, if any (consumes one count).
  std::optional<Fault> take(const Request& request);

 private:
  std::vector<Fault> faults_;
};

}  // namespace capsync::sandbox
