#pragma once
// The order invoices and quotes are listed in: newest first by issue date, then number, then
// id, so equal inputs always give one order.

namespace capsync::sync {

template <typename Record>
bool newer(const Record& a, const Record& b) {
  if (a.issue_date != b.issue_date) {
    if (!a.issue_date) return false;
    if (!b.issue_date) return true;
    return *a.issue_date > *b.issue_date;
  }
  if (a.number != b.number) return a.number > b.number;
  return a.remote_id > b.remote_id;
}

}  // namespace capsync::sync
