#pragma once
// Events with structured fields beyond log::Fields, for the few lines that carry figures
// operators filter or graph on, e.g. the progress line of a long sync: CAPSYNC_DONE=4210.
// A separate header so log.hpp, which nearly every file includes, stays as it is.

#include <functional>
#include <source_location>
#include <string>
#include <vector>

#include "core/log/log.hpp"

namespace capsync::log {

struct ExtraField {
  std::string key;  // without the prefix: "DONE" is CAPSYNC_DONE in the journal, done= on stderr
  std::string value;
};

// As emit(), with `extra` after the usual fields. Not filtered by level: the caller checks.
void emit_extra(Level level, const Fields& fields, const std::vector<ExtraField>& extra, std::string message,
                const std::source_location& where = std::source_location::current());

// Tests capture events with their extra fields here; pass nullptr to restore.
using ExtraSink = std::function<void(const Record&, const std::vector<ExtraField>&)>;
void TEST_set_extra_sink(ExtraSink sink);

}  // namespace capsync::log
