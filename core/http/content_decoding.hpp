#pragma once
// Decodes gzip/deflate response bodies (Content-Encoding) with zlib, bounded in size.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error/result.hpp"

namespace capsync::http {

// Decodes body per the Content-Encoding value ("gzip", "deflate", "identity" or empty).
// Fails if the result would exceed max_bytes or the data is corrupt.
Result<std::string> decode_content(std::string_view encoding, std::string_view body, std::size_t max_bytes);

}  // namespace capsync::http
