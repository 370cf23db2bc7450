#pragma once
// Secret: a token, password or client secret. It cannot be formatted, streamed or
// converted to a string by accident: the only way out is reveal(), which is meant for
// the few places that put it on the wire (an Authorization header, a token request).
// fmt and iostreams refuse it at compile time.

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace capsync {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  // `origin`: the file it was read from, so its holder can read a rotated value again.
  Secret(std::string value, std::string origin) : value_(std::move(value)), origin_(std::move(origin)) {}

  bool empty() const { return value_.empty(); }
  // The file the secret was read from (a path, not secret); empty when it came from elsewhere.
  const std::string& origin() const { return origin_; }
  // Intentionally verbose: grep for reveal() to find every place a secret leaves memory.
  std::string_view reveal() const { return value_; }

  // Equal values are equal secrets, wherever they were read from.
  friend bool operator==(const Secret& a, const Secret& b) { return a.value_ == b.value_; }

  // What logs, errors and CLI output show instead of the value.
  static constexpr std::string_view redacted = "<redacted>";

 private:
  std::string value_;
  std::string origin_;
};

}  // namespace capsync

// Formatting a Secret is a compile error, not a runtime redaction.
template <>
struct fmt::formatter<capsync::Secret> {
  template <typename Ctx>
  constexpr auto parse(Ctx& ctx) {
    return ctx.begin();
  }
  template <typename Ctx>
  auto format(const capsync::Secret&, Ctx&) const = delete;
};
