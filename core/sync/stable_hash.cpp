#include "core/sync/stable_hash.hpp"

#include <fmt/format.h>

namespace capsync::sync {

void StableHash::mix(std::string_view bytes) {
  for (unsigned char c : bytes) {
    state_ ^= c;
    state_ *= 0x100000001b3ULL;
  }
}

StableHash& StableHash::add(std::string_view field) {
  mix(fmt::format("{}:", field.size()));
  mix(field);
  return *this;
}

std::string StableHash::hex() const { return fmt::format("{:016x}", state_); }

}  // namespace capsync::sync
