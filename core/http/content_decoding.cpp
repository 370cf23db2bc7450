#include "core/http/content_decoding.hpp"

#include <algorithm>
#include <cctype>

#include <zlib.h>

namespace capsync::http {

Result<std::string> decode_content(std::string_view encoding, std::string_view body, std::size_t max_bytes) {
  std::string enc(encoding);
  std::transform(enc.begin(), enc.end(), enc.begin(), [](unsigned char c) { return std::tolower(c); });
  if (enc.empty() || enc == "identity") return std::string(body);
  int window_bits;
  if (enc == "gzip" || enc == "x-gzip") window_bits = 15 + 16;
  else if (enc == "deflate") window_bits = 15 + 32;  // zlib or gzip header, auto-detected
  else return make_error(Errc::protocol, "response uses unsupported Content-Encoding '{}'", enc);

  z_stream zs{};
  if (inflateInit2(&zs, window_bits) != Z_OK) return make_error(Errc::protocol, "Failed to initialise zlib");
  std::string out;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));  // zlib's API is not const
  zs.avail_in = static_cast<uInt>(body.size());
  char chunk[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return make_error(Errc::protocol, "response body is not valid {} data (zlib error {})", enc, rc);
    }
    out.append(chunk, sizeof chunk - zs.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&zs);
      return make_error(Errc::protocol, "decoded response body exceeds the {} byte limit (max_body_bytes)", max_bytes);
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return make_error(Errc::protocol, "{} response body is truncated", enc);
    }
  }
  inflateEnd(&zs);
  return out;
}

}  // namespace capsync::http
