#pragma once
// Paging types shared by every connector and the job runner that drives them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/date_time.hpp"
#include "core/model/unreadable_record.hpp"

namespace capsync::connector {

// Where an incremental list starts. `cursor` is opaque to the runner: it stores the value a
// Page hands back and passes it in unchanged (empty = from the beginning, a full scan).
// `page` counts from 1 within one pass over one cursor.
struct ListRequest {
  std::string cursor;
  int page = 1;
};

// One page of a list. Items changed at or after the request's cursor (>= semantics: items
// exactly at the cursor come again, the runner drops those it already has). `cursor` is the
// high-water mark to save in the same transaction as these items; a crash re-reads at most
// this page. `unreadable`: records of this page that could not be read, left out of `items`;
// the runner records each as a conflict in that same transaction.
// `total`: the records the whole listing (this pass, from this cursor) holds, as the API itself
// says it (Xero pagination.itemCount, Sage $total, ...); none where the API does not say. It is
// only for showing progress: paging never depends on it. A listing of two lists read one after
// the other (KashFlow customers then suppliers) says the second one's records from its first page on.
template <typename T>
struct Page {
  std::vector<T> items;
  std::vector<model::UnreadableRecord> unreadable;
  int page = 1;
  bool has_next = false;
  std::string cursor;
  std::optional<std::int64_t> total;
  // When the service answered this page by its own clock (whole seconds), where it says so. A
  // listing's cursor must not pass its first page's time: an edit made while later pages are
  // read may land on a page already read (Capsule parties).
  std::optional<model::Timestamp> answered_at;

  // The records the page listed, those that could not be read included: what `total` counts.
  std::int64_t listed() const { return static_cast<std::int64_t>(items.size() + unreadable.size()); }
};

// What a decoder made of the records of one listed page: those it read, and those it could not.
template <typename T>
struct Decoded {
  std::vector<T> items;
  std::vector<model::UnreadableRecord> unreadable;
};

}  // namespace capsync::connector
