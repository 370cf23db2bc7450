#include "core/config/http_url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace capsync::config::detail {

std::optional<HttpUrl> parse_http_url(std::string_view url) {
  namespace urls = boost::urls;
  const auto parsed = urls::parse_absolute_uri(url);
  if (!parsed) return std::nullopt;
  const urls::url_view& view = *parsed;
  if (view.scheme_id() != urls::scheme::http && view.scheme_id() != urls::scheme::https) return std::nullopt;
  if (!view.has_authority() || view.encoded_host().empty()) return std::nullopt;
  // Boost.URL 1.81 reads "http://127.0.0.1.evil.com/" as host 127.0.0.1 and path ".evil.com/":
  // after an authority the path is empty or starts with "/", so such a split is refused.
  if (!view.encoded_path().empty() && !view.encoded_path().starts_with('/')) return std::nullopt;
  HttpUrl out;
  out.http = view.scheme_id() == urls::scheme::http;
  out.userinfo = view.has_userinfo();
  out.host = std::string(view.encoded_host());
  switch (view.host_type()) {
    case urls::host_type::ipv4: out.loopback = view.host_ipv4_address().is_loopback(); break;
    case urls::host_type::ipv6: out.loopback = view.host_ipv6_address().is_loopback(); break;
    case urls::host_type::name: out.loopback = out.host == "localhost"; break;
    default: break;
  }
  return out;
}

}  // namespace capsync::config::detail
