#pragma once
// Request and Response: what connectors hand to http::Client and get back. Plain data, no Boost.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/secret/secret.hpp"

namespace capsync::http {

class RequestGate;

enum class Method { get, post, put, del };
std::string_view to_string(Method method);

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  Method method = Method::get;
  std::string url;  // absolute: https://host[:port]/path?query (http only to loopback)
  Headers headers;
  std::string body;
  std::string content_type;  // sent as Content-Type when body is not empty

  std::optional<Secret> bearer;  // sent as "Authorization: Bearer …"; never logged
  // Marks a POST/PUT as safe to retry because it carries an idempotency key (the caller puts
  // the header it names, e.g. Xero "Idempotency-Key", into headers itself).
  std::string idempotency_key;
  bool retry_safe = false;  // the caller asserts a non-idempotent request may be repeated
  // Whether a 2xx body is whole (e.g. parses as JSON). One that is not is retried like a 5xx
  // when the request may be retried, else returned as it came; empty = every body is accepted.
  std::function<bool(std::string_view body)> accept_body;

  std::chrono::milliseconds timeout{30000};  // one attempt, from connect to last body byte
  // false: a 2xx answer is not logged here but by the caller once it acted on it (a rotated
  // refresh token is saved before anything else happens, design §3).
  bool log_success = true;
  // Consulted before each attempt and fed each response; nullptr = no rate limiting.
  RequestGate* gate = nullptr;
};

struct Response {
  int status = 0;
  Headers headers;
  std::string body;  // already decoded if the server sent Content-Encoding gzip/deflate
  int attempts = 1;  // how many attempts the client made for this response

  // First header with this name (case-insensitive), if any.
  std::optional<std::string_view> header(std::string_view name) const;
  bool ok() const { return status >= 200 && status < 300; }
};

}  // namespace capsync::http
