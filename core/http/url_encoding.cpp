#include "core/http/url_encoding.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace capsync::http {

std::string encode_component(std::string_view text) { return boost::urls::encode(text, boost::urls::unreserved_chars); }

std::string form_encode(const FormFields& fields) {
  std::string out;
  for (const auto& [key, value] : fields) {
    if (!out.empty()) out += '&';
    out += encode_component(key);
    out += '=';
    out += encode_component(value);
  }
  return out;
}

}  // namespace capsync::http
