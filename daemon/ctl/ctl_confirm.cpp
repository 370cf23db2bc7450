#include "daemon/ctl/ctl_confirm.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iostream>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "daemon/admin_protocol.hpp"

namespace capsync::ctl {

Confirmation confirm(std::string_view question, bool assume_yes) {
  if (assume_yes) return Confirmation::yes;
  if (isatty(STDIN_FILENO) == 0) return Confirmation::not_a_terminal;
  fmt::print("{} [y/N] ", question);
  std::fflush(stdout);
  std::string answer;
  if (!std::getline(std::cin, answer)) {
    fmt::print("\n");
    return Confirmation::no;
  }
  answer.erase(std::remove_if(answer.begin(), answer.end(), [](unsigned char c) { return std::isspace(c); }),
               answer.end());
  std::transform(answer.begin(), answer.end(), answer.begin(), [](unsigned char c) { return std::tolower(c); });
  return answer == "y" || answer == "yes" ? Confirmation::yes : Confirmation::no;
}

std::optional<int> refuse_disable(const AdminCall& call, const std::string& connection, bool yes, bool json) {
  // Asked only about a connection that exists: the status lists them.
  int exit_code = 0;
  daemon::admin::Request status;
  status.command = daemon::admin::Command::status;
  auto doc = call(daemon::admin::format_request(status), exit_code);
  if (!doc) return exit_code;
  std::vector<std::string> known;
  for (const auto& c : (*doc)["connections"].GetArray()) known.emplace_back(c["name"].GetString());
  if (std::find(known.begin(), known.end(), connection) == known.end()) {
    fmt::print(stderr, "capsyncctl: unknown connection \"{}\" (known: {})\n", connection,
               known.empty() ? std::string("none") : fmt::format("{}", fmt::join(known, ", ")));
    return 1;
  }
  if (yes) return std::nullopt;
  if (json) {
    fmt::print(stderr, "capsyncctl: not disabling {}: with --json pass --yes, nothing is asked\n", connection);
    return 2;
  }
  fmt::print("Disabling {} stops its syncing, removes capsync's summaries, tags and notes from Capsule and forgets "
             "its links (R16); parties capsync created stay in Capsule. `capsyncctl enable {}` resumes syncing "
             "later.\n",
             connection, connection);
  switch (confirm(fmt::format("Disable {}?", connection), false)) {
    case Confirmation::yes:
      return std::nullopt;
    case Confirmation::no:
      fmt::print("Not disabled\n");
      return 1;
    case Confirmation::not_a_terminal:
      break;
  }
  fmt::print(stderr, "capsyncctl: not disabling {}: stdin is not a terminal to ask on; pass --yes\n", connection);
  return 2;
}

}  // namespace capsync::ctl
