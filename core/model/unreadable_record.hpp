#pragma once
// A record on a listed page that capsync could not read (a field of the wrong type, text that
// is not UTF-8, ...). The connector skips it and says so in neutral terms; the sync records it
// as a conflict (R17) and goes on with the rest of the page, so the record is never lost silently.

#include <string>

namespace capsync::model {

struct UnreadableRecord {
  int position = 0;    // 1-based, on its page
  std::string id;      // the service's id for it, when that could be read
  std::string name;    // its name, when that could be read (valid UTF-8, repaired for showing)
  std::string reason;  // what was wrong, e.g. "'ContactID' is not text"
};

}  // namespace capsync::model
