#include "core/engine/sync_progress.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace capsync::engine {

namespace {

// 8700 -> "8,700": counts people read at a glance.
std::string grouped(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string display_name(std::string_view provider) {
  std::string out(provider);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

bool writing(SyncPhase phase) { return phase == SyncPhase::reconciling || phase == SyncPhase::writing_capsule; }
bool reading(SyncPhase phase) { return phase == SyncPhase::reading_capsule || phase == SyncPhase::reading_accounting; }

// Whose listing a reading phase reads: "Capsule", "Xero".
std::string source_of(const SyncProgress& p) {
  if (p.phase == SyncPhase::reading_capsule) return "Capsule";
  return p.accounting.empty() ? std::string("the accounting side") : p.accounting;
}

// The requests `left` records of the current listing take: one a page, at the records per page
// read so far (the provider's page size; the last page may be short).
std::int64_t pages_for(const SyncProgress& p, std::int64_t left) {
  if (p.pages <= 0 || p.done <= 0) return left;
  const std::int64_t per_page = (p.done + p.pages - 1) / p.pages;
  return (left + per_page - 1) / per_page;
}

// What is left of the phase in its own unit (changes while writing, records otherwise), and done.
std::optional<std::pair<std::int64_t, std::int64_t>> left_and_done(const SyncProgress& p) {
  if (writing(p.phase)) return std::pair{std::max<std::int64_t>(0, p.writes_planned - p.writes_done), p.writes_done};
  if (!p.total) return std::nullopt;
  return std::pair{std::max<std::int64_t>(0, *p.total - p.done), p.done};
}

}  // namespace

std::string_view phase_name(SyncPhase phase) {
  switch (phase) {
    case SyncPhase::reading_capsule: return "reading_capsule";
    case SyncPhase::reading_accounting: return "reading_accounting";
    case SyncPhase::reconciling: return "reconciling";
    case SyncPhase::writing_capsule: return "writing_capsule";
    case SyncPhase::pushing_accounting: return "pushing_accounting";
  }
  return "unknown";
}

std::string_view phase_words(SyncPhase phase) {
  switch (phase) {
    case SyncPhase::reading_capsule: return "reading Capsule";
    case SyncPhase::reading_accounting: return "reading the accounting side";
    case SyncPhase::reconciling: return "reconciling";
    case SyncPhase::writing_capsule: return "writing to Capsule";
    case SyncPhase::pushing_accounting: return "pushing to the accounting side";
  }
  return "unknown";
}

std::optional<Eta> estimate_eta(const SyncProgress& p, std::span<const BudgetWindow> budgets,
                                std::string_view accounting, std::int64_t now_ms) {
  const auto work = left_and_done(p);
  if (!work) return std::nullopt;
  const auto [left, done] = *work;
  Eta eta;
  if (left == 0) return eta;
  // The pace of this phase so far.
  const std::int64_t elapsed_ms = now_ms - p.phase_started_ms;
  if (done > 0 && elapsed_ms > 0) eta.seconds = elapsed_ms * left / done / 1000;
  // The budget: requests beyond what the windows hold now come at each window's rate.
  const bool capsule_side = p.phase == SyncPhase::reading_capsule || writing(p.phase);
  const std::string_view provider = capsule_side ? std::string_view("capsule") : accounting;
  std::int64_t requests = left;
  if (writing(p.phase) && p.writes_done > 0 && p.requests > 0)
    requests = (left * p.requests + p.writes_done - 1) / p.writes_done;
  if (reading(p.phase)) requests = pages_for(p, left);
  std::string work_left = fmt::format("{} {} left", grouped(left), writing(p.phase) ? "writes" : "records");
  if (reading(p.phase))
    work_left = fmt::format("{} {} of {} left", grouped(requests), requests == 1 ? "page" : "pages",
                            p.listing.empty() ? "records" : p.listing);
  for (const auto& w : budgets) {
    if (w.provider != provider || w.limit <= 0 || requests <= w.left) continue;
    const std::int64_t seconds = (requests - w.left) * w.length_ms / w.limit / 1000;
    if (seconds < eta.seconds) continue;
    eta.seconds = seconds;
    const std::string who = w.provider == accounting && !p.accounting.empty() ? p.accounting : display_name(w.provider);
    eta.reason = fmt::format("{} allows {} requests per {}, {}", who, grouped(w.limit), w.window, work_left);
  }
  return eta;
}

std::string eta_words(std::int64_t seconds) {
  if (seconds < 60) return "less than a minute";
  const std::int64_t minutes = (seconds + 30) / 60;
  if (minutes < 60) return fmt::format("about {} min", minutes);
  return fmt::format("about {} h {} min", minutes / 60, minutes % 60);
}

std::string progress_words(const SyncProgress& p) {
  std::string out(phase_words(p.phase));
  if (writing(p.phase)) {
    out += fmt::format(" {} of {} contacts, {} of {} writes", grouped(p.done), grouped(p.total.value_or(0)),
                       grouped(p.writes_done), grouped(p.writes_planned));
  } else if (reading(p.phase)) {
    out = "reading " + source_of(p) + ":";
    const std::string what = p.listing.empty() ? "records" : p.listing;
    if (p.total) out += fmt::format(" {} of {} {}", grouped(p.done), grouped(*p.total), what);
    else out += fmt::format(" {} {} read", grouped(p.done), what);
  } else if (p.total) {
    out += fmt::format(" {} of {} records", grouped(p.done), grouped(*p.total));
  } else {
    out += fmt::format(" {} records read", grouped(p.done));
  }
  if (p.resumed) out += " (resumed after a restart or a failed attempt: counting from here)";
  return out;
}

void ProgressBoard::start(const std::string& connection, std::int64_t now_ms, bool resumed, std::string accounting) {
  SyncProgress& p = running_[connection];
  p = SyncProgress{};
  p.started_ms = p.phase_started_ms = now_ms;
  p.resumed = resumed;
  p.accounting = std::move(accounting);
  changed(connection, p);
}

void ProgressBoard::finish(const std::string& connection) {
  if (auto it = running_.find(connection); it != running_.end()) running_.erase(it);
}

void ProgressBoard::phase(const std::string& connection, SyncPhase phase, std::optional<std::int64_t> total,
                          std::int64_t now_ms) {
  auto it = running_.find(connection);
  if (it == running_.end()) return;
  SyncProgress& p = it->second;
  p.phase = phase;
  p.done = 0;
  p.total = total;
  p.listing.clear();
  p.pages = 0;
  p.phase_started_ms = now_ms;
  changed(connection, p);
}

void ProgressBoard::reading(const std::string& connection, SyncPhase phase, std::string listing, std::int64_t now_ms) {
  auto it = running_.find(connection);
  if (it == running_.end()) return;
  SyncProgress& p = it->second;
  p.phase = phase;
  p.done = 0;
  p.total.reset();
  p.listing = std::move(listing);
  p.pages = 0;
  p.phase_started_ms = now_ms;
  changed(connection, p);
}

void ProgressBoard::page_read(const std::string& connection, std::int64_t records, std::optional<std::int64_t> total) {
  auto it = running_.find(connection);
  if (it == running_.end()) return;
  SyncProgress& p = it->second;
  p.done += records;
  ++p.pages;
  // A provider's total may grow while the listing is read (records added meanwhile, or deleted
  // ones a listing appends): never below what was read.
  if (total) p.total = std::max(*total, p.done);
  else if (p.total) p.total = std::max(*p.total, p.done);
  changed(connection, p);
}

void ProgressBoard::advance(const std::string& connection, std::int64_t records) {
  auto it = running_.find(connection);
  if (it == running_.end()) return;
  it->second.done += records;
  changed(connection, it->second);
}

void ProgressBoard::planned(const std::string& connection, std::int64_t contacts, std::int64_t writes) {
  auto it = running_.find(connection);
  if (it == running_.end()) return;
  SyncProgress& p = it->second;
  p.decided_contacts += contacts;
  p.decided_writes += writes;
  // The contacts not decided yet are expected to need as many changes each as those decided.
  const std::int64_t undecided = std::max<std::int64_t>(0, p.total.value_or(0) - p.decided_contacts);
  const std::int64_t estimate =
      p.decided_contacts > 0 ? (undecided * p.decided_writes + p.decided_contacts - 1) / p.decided_contacts : undecided;
  p.writes_planned = std::max(p.writes_done, p.decided_writes + estimate);
  p.phase = SyncPhase::writing_capsule;
  changed(connection, p);
}

void ProgressBoard::wrote(const std::string& connection, std::int64_t requests) {
  auto it = running_.find(connection);
  if (it == running_.end()) return;
  SyncProgress& p = it->second;
  ++p.writes_done;
  p.requests += requests;
  p.writes_planned = std::max(p.writes_planned, p.writes_done);
  changed(connection, p);
}

std::optional<SyncProgress> ProgressBoard::find(std::string_view connection) const {
  auto it = running_.find(connection);
  if (it == running_.end()) return std::nullopt;
  return it->second;
}

void ProgressBoard::changed(const std::string& connection, const SyncProgress& progress) const {
  if (observer_) observer_(connection, progress);
}

}  // namespace capsync::engine
