#include "core/error/result.hpp"

namespace capsync {

std::string_view to_string(Errc code) {
  switch (code) {
    case Errc::invalid_argument: return "invalid argument";
    case Errc::not_found: return "not found";
    case Errc::io: return "I/O error";
    case Errc::corruption: return "corruption";
    case Errc::busy: return "busy";
    case Errc::timeout: return "timeout";
    case Errc::cancelled: return "cancelled";
    case Errc::protocol: return "protocol error";
    case Errc::http: return "HTTP error";
    case Errc::rate_limited: return "rate limited";
    case Errc::unauthorized: return "unauthorized";
    case Errc::conflict: return "conflict";
    case Errc::unsupported: return "unsupported";
  }
  return "unknown";
}

}  // namespace capsync
