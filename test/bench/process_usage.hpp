#pragma once
// What a benchmark reads of a live process from /proc: CPU seconds, current and peak RSS.

#include <sys/types.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include <fmt/format.h>

namespace capsync::bench {

struct Usage {
  double cpu_s = 0;      // user + system
  long rss_kb = 0;       // VmRSS
  long peak_rss_kb = 0;  // VmHWM
};

inline Usage usage_of(pid_t pid) {
  Usage u;
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {  // field 3 is the state; 14 utime, 15 stime
    if (i == 14) utime = std::stol(field);
    if (i == 15) {
      stime = std::stol(field);
      break;
    }
  }
  u.cpu_s = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) u.rss_kb = std::stol(line.substr(6));
    if (line.starts_with("VmHWM:")) u.peak_rss_kb = std::stol(line.substr(6));
  }
  return u;
}

}  // namespace capsync::bench
