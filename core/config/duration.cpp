#include "core/config/duration.hpp"

#include <array>
#include <charconv>

namespace capsync::config {
namespace {

struct Unit {
  char letter;
  std::chrono::seconds::rep seconds;
};
// Largest first: the order parts must appear in.
constexpr std::array<Unit, 4> kUnits{{{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}}};

// What std::chrono::steady_clock (nanoseconds) can hold, about 292 years: the daemon's timers
// use it, so a longer duration cannot be represented and is an error, never a wrap.
constexpr std::chrono::seconds::rep kMaxSeconds =
    std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::duration::max()).count();

constexpr std::string_view kAccepted = "use a number and a unit s, m, h or d, e.g. \"90s\", \"15m\", \"1h30m\"";

Error invalid(std::string_view what) {
  return make_error(Errc::invalid_argument, "{} ({})", what, kAccepted);
}

Error too_large() {
  return make_error(Errc::invalid_argument, "duration too large (at most {}d)", kMaxSeconds / 86400);
}

}  // namespace

Result<std::chrono::seconds> parse_duration(std::string_view text) {
  if (text.empty()) return invalid("empty duration");
  std::chrono::seconds::rep total = 0;
  std::size_t next_unit = 0;  // index into kUnits of the smallest unit still allowed
  std::size_t pos = 0;
  while (pos < text.size()) {
    // from_chars would accept a sign; durations have none.
    if (text[pos] < '0' || text[pos] > '9') {
      return invalid(text[pos] == '-' ? "negative duration" : "expected a number");
    }
    std::chrono::seconds::rep number = 0;
    const char* first = text.data() + pos;
    const char* last = text.data() + text.size();
    auto [end, ec] = std::from_chars(first, last, number);
    if (ec == std::errc::result_out_of_range) return too_large();
    pos = static_cast<std::size_t>(end - text.data());
    if (pos == text.size()) return invalid("missing unit");
    const char letter = text[pos++];
    std::size_t unit = next_unit;
    while (unit < kUnits.size() && kUnits[unit].letter != letter) ++unit;
    if (unit == kUnits.size()) {
      bool known = false;
      for (const Unit& u : kUnits) known = known || u.letter == letter;
      return invalid(known ? "units must appear once each, largest first" : "unknown unit");
    }
    next_unit = unit + 1;
    if (number > (kMaxSeconds - total) / kUnits[unit].seconds) return too_large();
    total += number * kUnits[unit].seconds;
  }
  return std::chrono::seconds(total);
}

std::string format_duration(std::chrono::seconds value) {
  auto rest = value.count();
  if (rest <= 0) return fmt::format("{}s", rest);
  std::string out;
  for (const Unit& u : kUnits) {
    if (rest >= u.seconds) {
      out += fmt::format("{}{}", rest / u.seconds, u.letter);
      rest %= u.seconds;
    }
  }
  return out;
}

}  // namespace capsync::config
