// Compiled with -fsyntax-only by ctest: must compile as is, and must NOT compile with
// CAPSYNC_FORMAT_SECRET defined, because a Secret has no formatter.
#include <string>

#include <fmt/format.h>

#include "core/secret/secret.hpp"

std::string render(const capsync::Secret& secret) {
#ifdef CAPSYNC_FORMAT_SECRET
  return fmt::format("token={}", secret);
#else
  return fmt::format("token={}", secret.redacted);
#endif
}
