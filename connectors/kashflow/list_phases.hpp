#pragma once
// ListPhases: two KashFlow lists read as one paged pass, the second after the first: customers
// then suppliers, sales invoices then purchases. KashFlow pages each list on its own (page=1..);
// a pass numbers its pages 1, 2, ... across both (connector::ListRequest::page).
//
// Pass page p is page p of the first list until that list's last page; the pages after it are
// the second list's, from 1. The first list's page count is learnt when its last page is read
// (it has no NextPageUrl), so the pass goes on to the second list even when the first ends
// with a short or empty page.
//
// Resuming: the engine saves a cursor with each page, never a page number, and starts every
// pass at page 1, a pass after a crash too (core/engine/pull.cpp), so a pass is always
// read from its start by one connector. Should a connector be asked for a later page of a pass
// it did not read, that page past the end of the first list is placed by the first list's
// TotalRecords (learn_total), which its empty answer for that page still carries.
//
// Not thread-safe; one pass at a time, on the connector's io_context thread.

#include <optional>

namespace capsync::kashflow {

class ListPhases {
 public:
  struct Step {
    bool second = false;  // the second list
    int page = 1;         // that list's page
  };

  // Where pass page `page` is. Page 1 starts a pass and forgets the last pass's count.
  Step locate(int page);
  // The first list's page `page` was its last.
  void first_ended(int page) { first_pages_ = page; }
  // The first list holds `total` records at `per_page` a page (at least one page, maybe empty).
  void learn_total(long long total, int per_page);
  bool first_known() const { return first_pages_.has_value(); }
  // The first list's TotalRecords as its pages say it: with the second list's, the records of
  // the whole pass (for progress).
  void count_first(long long total) { first_total_ = total; }
  long long first_total() const { return first_total_; }

 private:
  std::optional<int> first_pages_;
  long long first_total_ = 0;
};

}  // namespace capsync::kashflow
