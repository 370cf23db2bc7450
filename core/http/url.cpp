#include "core/http/url.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace capsync::http {

std::string Url::origin() const { return fmt::format("{}://{}:{}", tls ? "https" : "http", host, port); }

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  // 127.0.0.0/8 in dotted-quad form.
  if (!host.starts_with("127.")) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.') ++dots;
    else if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return dots == 3;
}

Result<Url> parse_url(std::string_view text) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) return make_error(Errc::invalid_argument, "Invalid URL '{}': {}", loggable_target(text), parsed.error().message());
  const boost::urls::url_view& u = *parsed;
  Url url;
  if (u.scheme() == "https") url.tls = true;
  else if (u.scheme() == "http") url.tls = false;
  else return make_error(Errc::invalid_argument, "Unsupported URL scheme '{}': only https (and http to loopback)", std::string(u.scheme()));
  url.host = u.host_address();  // IPv6 without brackets
  if (url.host.empty()) return make_error(Errc::invalid_argument, "URL has no host: {}", loggable_target(text));
  if (u.has_port()) {
    if (u.port_number() == 0) return make_error(Errc::invalid_argument, "URL has an invalid port: {}", url.host);
    url.port = u.port_number();
  } else {
    url.port = url.tls ? 443 : 80;
  }
  if (!url.tls && !is_loopback_host(url.host))
    return make_error(Errc::invalid_argument,
                      "Refusing plain http to {}: only loopback addresses may be reached without TLS — use an https:// URL",
                      url.host);
  url.target = std::string(u.encoded_path());
  if (url.target.empty()) url.target = "/";
  if (u.has_query()) url.target += "?" + std::string(u.encoded_query());
  return url;
}

std::string loggable_target(std::string_view target) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, q + 1));
  std::string_view query = target.substr(q + 1);
  static constexpr std::array<std::string_view, 9> secret_words = {
      "token", "code", "secret", "password", "key", "signature", "auth", "credential", "assertion"};
  bool first = true;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto eq = pair.find('=');
    std::string key(pair.substr(0, eq));
    std::string lower = key;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    bool secret = std::any_of(secret_words.begin(), secret_words.end(),
                              [&](std::string_view w) { return lower.find(w) != std::string::npos; });
    if (!first) out += '&';
    first = false;
    out += key;
    if (eq != std::string_view::npos) {
      out += '=';
      out += secret ? std::string("<redacted>") : std::string(pair.substr(eq + 1));
    }
  }
  return out;
}

}  // namespace capsync::http
