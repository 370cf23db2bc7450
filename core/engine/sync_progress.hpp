#pragma once
// How far a running sync has got, per connection, and when it will end: what `capsyncctl
// status`, `sync-now --wait`, the journal and the metrics show during a long sync (issue 22).
// Kept in memory only: after a restart the resumed sync starts counting again and says so.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace capsync::engine {

// The steps of one sync, in the order it runs them.
enum class SyncPhase { reading_capsule, reading_accounting, reconciling, writing_capsule, pushing_accounting };

// "reading_capsule": the machine name (JSON, metrics labels).
std::string_view phase_name(SyncPhase phase);
// "reading Capsule": the words status lines use.
std::string_view phase_words(SyncPhase phase);

struct SyncProgress {
  SyncPhase phase = SyncPhase::reading_capsule;
  // Records of this phase handled, of `total` where it is known (the contacts to reconcile;
  // a listing's total where the provider says it).
  std::int64_t done = 0;
  std::optional<std::int64_t> total;
  // While reading: what the listing read now holds ("contacts", "invoices", "quotes",
  // "parties") and its pages read so far (what a page holds, for the requests the rest needs).
  std::string listing;
  std::int64_t pages = 0;
  // The accounting service as its vendor writes it ("Xero"); empty: "the accounting side".
  std::string accounting;
  // The reconcile pass: changes made (links, parties created, summaries, pushes), of those
  // decided so far plus an estimate for the contacts not decided yet.
  std::int64_t writes_done = 0;
  std::int64_t writes_planned = 0;
  // Provider requests those changes took: what the rate limits count.
  std::int64_t requests = 0;
  // Contacts and changes decided so far, from which the estimate for the rest is made.
  std::int64_t decided_contacts = 0, decided_writes = 0;
  std::int64_t started_ms = 0, phase_started_ms = 0;
  // The sync is a later attempt of its job (after a restart or a failure): it counts from zero.
  bool resumed = false;
};

// One window of a provider's request budget as it stands now.
struct BudgetWindow {
  std::string provider;  // "capsule", "xero"
  std::string window;    // "minute", "hour", "day"
  std::int64_t limit = 0, left = 0;
  std::int64_t length_ms = 0;
};

struct Eta {
  std::int64_t seconds = 0;
  // Why: "Capsule allows 4,000 requests per hour, 8,700 writes left"; empty when the sync's
  // own pace bounds it rather than a rate limit.
  std::string reason;
};

// When the sync's current work will end: the requests it needs (while writing: the changes
// still planned, at the requests per change seen so far; while reading: the pages of the
// listing left, at the records per page seen so far) spent at what the bounding provider's
// windows allow beyond what is left in them now, or at the pace seen so far when that is slower.
// None before the work left is known (a listing without a total). `accounting` names the
// accounting provider (its config name, as the budgets do).
std::optional<Eta> estimate_eta(const SyncProgress& progress, std::span<const BudgetWindow> budgets,
                                std::string_view accounting, std::int64_t now_ms);

// "about 2 h 10 min", "about 4 min", "less than a minute".
std::string eta_words(std::int64_t seconds);

// "writing to Capsule 4,210 of 10,000 contacts, 8,420 of 20,000 writes", "reading Xero: 1,200 of
// 10,000 contacts", "reading Capsule: 300 parties read" (+ ", resumed").
std::string progress_words(const SyncProgress& progress);

// The progress of the syncs running now, by connection. The engine updates it as a sync goes;
// `observer` sees every update (the journal line, tests). Single-threaded: the io_context
// thread owns it.
class ProgressBoard final {
 public:
  using Observer = std::function<void(const std::string& connection, const SyncProgress&)>;
  void observe(Observer observer) { observer_ = std::move(observer); }

  // `accounting`: the accounting service's name as its vendor writes it ("Xero").
  void start(const std::string& connection, std::int64_t now_ms, bool resumed, std::string accounting = {});
  void finish(const std::string& connection);
  // A new phase: `done` back to zero.
  void phase(const std::string& connection, SyncPhase phase, std::optional<std::int64_t> total, std::int64_t now_ms);
  // A new listing of a reading phase (`listing`: what it holds): `done` back to zero, total unknown.
  void reading(const std::string& connection, SyncPhase phase, std::string listing, std::int64_t now_ms);
  // A page of the listing was read: `records` in it, `total` the listing's as the provider says
  // it on that page (a total below what was read already counts as what was read).
  void page_read(const std::string& connection, std::int64_t records, std::optional<std::int64_t> total);
  void advance(const std::string& connection, std::int64_t records);
  // A batch of `contacts` was decided into `writes` changes.
  void planned(const std::string& connection, std::int64_t contacts, std::int64_t writes);
  // One change made, with the provider requests it took.
  void wrote(const std::string& connection, std::int64_t requests);

  std::optional<SyncProgress> find(std::string_view connection) const;

 private:
  void changed(const std::string& connection, const SyncProgress& progress) const;

  std::map<std::string, SyncProgress, std::less<>> running_;
  Observer observer_;
};

}  // namespace capsync::engine
