#pragma once
// UTF-8 checks for text read from a service. Names and details travel on to the other side and
// into the journal: a record whose text is not valid UTF-8 is refused (R17), never passed on.

#include <string>
#include <string_view>

namespace capsync::model {

// Whether `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// beyond U+10FFFF).
bool valid_utf8(std::string_view text);

// `text` with each ill-formed byte sequence replaced by U+FFFD, for showing a broken name.
std::string repaired_utf8(std::string_view text);

}  // namespace capsync::model
