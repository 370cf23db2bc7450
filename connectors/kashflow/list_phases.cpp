#include "connectors/kashflow/list_phases.hpp"

#include <algorithm>

namespace capsync::kashflow {

ListPhases::Step ListPhases::locate(int page) {
  if (page <= 1) {
    first_pages_.reset();
    first_total_ = 0;
  }
  if (first_pages_ && page > *first_pages_) return {true, page - *first_pages_};
  return {false, page};
}

void ListPhases::learn_total(long long total, int per_page) {
  first_total_ = total;
  const long long per = std::max(per_page, 1);
  first_pages_ = static_cast<int>(std::max(1LL, (total + per - 1) / per));
}

}  // namespace capsync::kashflow
