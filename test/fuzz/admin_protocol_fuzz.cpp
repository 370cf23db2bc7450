// The admin socket's request parser, fed any line a local client could send. Besides never
// crashing, a parsed request must survive the trip capsyncctl makes: formatting it and parsing
// that line again gives the same request line.

#include <cstdio>
#include <cstdlib>

#include "daemon/admin_protocol.hpp"
#include "test/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace admin = capsync::daemon::admin;
  auto request = admin::parse_request(capsync::fuzz::as_text(data, size));
  if (!request) return 0;
  const std::string line = admin::format_request(*request);
  auto again = admin::parse_request(line);
  if (!again || admin::format_request(*again) != line) {
    std::fprintf(stderr, "admin request does not survive format and parse: %s\n", line.c_str());
    std::abort();
  }
  return 0;
}
