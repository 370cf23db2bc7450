#pragma once
// Percent-encoding of the values capsync puts into URLs and form bodies (RFC 3986 §2.1).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace capsync::http {

// Every byte but the unreserved ones (ALPHA DIGIT - . _ ~) as %XX: safe as one path segment or
// one query key or value, whatever it holds ('/', '&', '=', '+', '%', spaces, UTF-8).
std::string encode_component(std::string_view text);

using FormFields = std::vector<std::pair<std::string, std::string>>;

// application/x-www-form-urlencoded (RFC 6749 Appendix B): "k=v&k2=v2", each key and value
// encode_component()ed, so a space is %20 and a '+' is %2B, which every form decoder reads back.
std::string form_encode(const FormFields& fields);

}  // namespace capsync::http
