#pragma once
// StableHash: a 64-bit FNV-1a over length-prefixed fields, written as 16 hex digits. Stable
// across runs, builds and machines, so it can be stored and compared later (R11). Not a
// security hash: it only tells "did what we would write change".

#include <cstdint>
#include <string>
#include <string_view>

namespace capsync::sync {

class StableHash {
 public:
  // Each field is framed by its length, so ("ab","c") and ("a","bc") differ.
  StableHash& add(std::string_view field);
  StableHash& add(bool flag) { return add(std::string_view(flag ? "1" : "0")); }
  std::string hex() const;

 private:
  void mix(std::string_view bytes);
  std::uint64_t state_ = 0xcbf29ce484222325ULL;
};

}  // namespace capsync::sync
