#pragma once
// Asking the person at the terminal before capsyncctl does something that cannot be taken
// back (export, disable). Never asks a script: without a terminal on stdin the answer is
// not_a_terminal, and the command refuses (exit 2) and says to pass --yes.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace capsync::ctl {

enum class Confirmation { yes, no, not_a_terminal };

// `assume_yes` (--yes): yes without asking. Otherwise prints "<question> [y/N] " on stdout and
// reads one line from stdin: "y" or "yes" (any case) is yes, anything else (or end of input) no.
Confirmation confirm(std::string_view question, bool assume_yes);

// Sends one request line to capsyncd; the answer when it accepted the request, else nullopt
// with the error printed and `exit_code` set.
using AdminCall = std::function<std::optional<rapidjson::Document>(const std::string& line, int& exit_code)>;

// `disable CONNECTION` (R16): says what disabling does and asks, unless `yes`. nullopt: go
// ahead; else the exit code (1 unknown connection or declined, 2 nobody to ask). --json never asks.
std::optional<int> refuse_disable(const AdminCall& call, const std::string& connection, bool yes, bool json);

}  // namespace capsync::ctl
