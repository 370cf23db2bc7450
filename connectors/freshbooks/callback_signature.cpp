#include "connectors/freshbooks/callback_signature.hpp"

#include <cstdint>

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/encoding/base64.hpp"

namespace capsync::freshbooks {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> decode_component(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The next code point of UTF-8 `s` at `i` (advanced past it); U+FFFD for a byte that does not
// start a well-formed sequence, as Python's decoder with errors="replace" reads it.
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  int length = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xe ? 3 : (b0 >> 3) == 0x1e ? 4 : 0;
  if (length == 1) {
    ++i;
    return b0;
  }
  if (length == 0 || i + static_cast<std::size_t>(length) > s.size()) {
    ++i;
    return 0xfffd;
  }
  std::uint32_t cp = b0 & (0x7f >> length);
  for (int k = 1; k < length; ++k) {
    const unsigned char b = byte(i + static_cast<std::size_t>(k));
    if ((b & 0xc0) != 0x80) {
      ++i;
      return 0xfffd;
    }
    cp = (cp << 6) | (b & 0x3f);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[length] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    ++i;
    return 0xfffd;
  }
  i += static_cast<std::size_t>(length);
  return cp;
}

void append_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const std::uint32_t cp = next_code_point(s, i);
    switch (cp) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        // Python escapes everything outside ' '..'~' (ESCAPE_ASCII), DEL included.
        if (cp < 0x20 || (cp > 0x7e && cp < 0x10000)) {
          out += fmt::format("\\u{:04x}", cp);
        } else if (cp >= 0x10000) {
          const std::uint32_t v = cp - 0x10000;
          out += fmt::format("\\u{:04x}\\u{:04x}", 0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
        } else {
          out += static_cast<char>(cp);
        }
    }
  }
  out += '"';
}

}  // namespace

std::optional<http::FormFields> decode_form(std::string_view body) {
  http::FormFields fields;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto key = decode_component(pair.substr(0, eq));
    auto value = decode_component(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!key || !value) return std::nullopt;
    fields.emplace_back(std::move(*key), std::move(*value));
  }
  return fields;
}

std::string python_json(const http::FormFields& fields) {
  std::string out = "{";
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ", ";
    append_string(out, fields[i].first);
    out += ": ";
    append_string(out, fields[i].second);
  }
  return out + "}";
}

std::string callback_signature(const Secret& verifier, const http::FormFields& fields) {
  const std::string message = python_json(fields);
  const std::string_view key = verifier.reveal();
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), mac, &length);
  return encoding::base64_encode(std::string_view(reinterpret_cast<const char*>(mac), length));
}

bool callback_signature_matches(std::string_view header, const Secret& verifier, const http::FormFields& fields) {
  const std::string expected = callback_signature(verifier, fields);
  return header.size() == expected.size() && CRYPTO_memcmp(header.data(), expected.data(), expected.size()) == 0;
}

}  // namespace capsync::freshbooks
