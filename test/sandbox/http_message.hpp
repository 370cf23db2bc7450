#pragma once
// Plain request/response values exchanged between the sandbox's HTTP server and the fake
// providers, so that only sandbox_server.cpp needs Beast.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace capsync::sandbox {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // raw path, no query
  std::string query;   // raw query string without '?'
  Headers headers;     // names lower-cased
  std::string body;

  // Header value by (lower-case) name, or nullptr.
  const std::string* header(std::string_view name) const;
  // Percent-decoded query parameter (first occurrence), if present.
  std::optional<std::string> param(std::string_view name) const;
};

// How the server delivers a response: normally, by closing the connection unanswered, or
// by announcing a longer body than it sends.
enum class Delivery { normal, reset, truncate };

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  Delivery delivery = Delivery::normal;
  int delay_ms = 0;
  std::function<void()> on_done;  // runs once the response has been sent (or dropped)

  void set_header(std::string name, std::string value);
  const std::string* header(std::string_view name) const;
};

// A JSON response with the given status.
Response json_response(int status, std::string body);

// Percent-decodes a form/query component ('+' is a space); a malformed escape stays as sent.
std::string url_decode(std::string_view text);
// Percent-encodes all but the unreserved characters (RFC 3986 §2.3).
std::string url_encode(std::string_view text);
// Splits "a=1&b=2" into decoded pairs ('+' is a space); none when an escape is malformed.
std::vector<std::pair<std::string, std::string>> parse_form(std::string_view text);

}  // namespace capsync::sandbox
