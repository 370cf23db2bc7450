#include "core/connector/status_error.hpp"

#include <algorithm>
#include <cctype>

#include "core/connector/headers.hpp"

namespace capsync::connector {

namespace {

// ": advice", or nothing when there is none.
std::string then(std::string_view advice) { return advice.empty() ? std::string() : fmt::format(": {}", advice); }

// "(404 reason)", or "(404)" when the provider said nothing.
std::string status_and(int status, std::string_view reason) {
  return reason.empty() ? fmt::format("({})", status) : fmt::format("({} {})", status, reason);
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// The wait a 429 asked for: Retry-After (seconds or an HTTP date), else an X-RateLimit-Reset epoch.
std::string wait_of(const http::Headers& headers) {
  if (auto after = find_header(headers, "Retry-After"))
    return all_digits(*after) ? fmt::format("retry after {} s", *after) : fmt::format("retry after {}", *after);
  if (auto reset = find_header(headers, "X-RateLimit-Reset"))
    return fmt::format("it resets at {} (epoch seconds)", *reset);
  return "retry after a while (no Retry-After given)";
}

}  // namespace

Errc errc_from_status(int status) {
  switch (status) {
    case 400:
    case 409:
    case 422:
      return Errc::invalid_argument;
    case 401:
    case 403:
      return Errc::unauthorized;
    case 404:
      return Errc::not_found;
    case 429:
      return Errc::rate_limited;
    default:
      return Errc::http;
  }
}

Error error_from_status(const http::Response& r, std::string_view what, const ProviderRefusal& p) {
  const Errc code = errc_from_status(r.status);
  switch (r.status) {
    case 401:
      return make_error(code, "{} rejected the {} for {} {}{}", p.provider, p.credential, what,
                        status_and(r.status, p.reason), then(p.unauthorized_advice));
    case 403:
      return make_error(code, "{} refused access to {} {}{}", p.provider, what, status_and(r.status, p.reason),
                        then(p.forbidden_advice));
    case 404:
      return make_error(code, "{} has no {} {}", p.provider, what, status_and(r.status, p.reason));
    case 429:
      return make_error(code, "{} {} reached on {}; {}", p.provider, p.rate_limit, what, wait_of(r.headers));
    default:
      break;
  }
  if (code == Errc::invalid_argument)
    return make_error(p.name_taken ? Errc::conflict : code, "{} refused {}: {}", p.provider, what, p.reason);
  return make_error(code, "{} answered HTTP {} to {}: {}", p.provider, r.status, what, p.reason);
}

}  // namespace capsync::connector
