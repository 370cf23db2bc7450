#pragma once
// `capsyncctl plan CONNECTION [--full] [--all] [--json]`: asks capsyncd what the next sync of
// a connection would do (admin_plan.hpp) and prints it: the counts, then the first lines of
// each list (every line with --all), ending with "Nothing was written: this was a plan.".
// --json prints the daemon's answer as is. Exit codes as capsyncctl's: 0 planned, 1 refused or
// failed, 3 capsyncd is not running, 4 permission denied on the socket.

#include <cstdio>
#include <string>

#include <rapidjson/document.h>

namespace capsync::ctl {

struct PlanArgs {
  std::string connection;
  bool full = false;  // plan a full reconcile instead of the next incremental sync
  bool all = false;   // every line of every list, not only the first ones
};

// Lines shown per list without --all.
inline constexpr int plan_lines_shown = 10;

// The human form of a plan answer ({"ok":true,"connection":…,"plan":{…}}).
std::string format_plan(const rapidjson::Value& answer, bool all);

int run_plan(const std::string& socket_path, const PlanArgs& args, bool json);

}  // namespace capsync::ctl
