// Issue 22: the progress a sync keeps as it goes, and the ETA the rate limit gives it.

#include <catch2/catch.hpp>

#include "core/engine/sync_engine.hpp"
#include "core/engine/sync_progress.hpp"
#include "core/queue/job_queue.hpp"
#include "test/unit/engine/engine_harness.hpp"

using namespace capsync;

namespace {

struct Snapshot {
  engine::SyncProgress progress;
  int capsule_writes = 0;
  std::int64_t now_ms = 0;
};

struct Harness : test::EngineHarness {
  engine::ProgressBoard board;
  std::vector<Snapshot> snapshots;

  Harness() {
    board.observe([this](const std::string& name, const engine::SyncProgress& p) {
      CHECK(name == "acme");
      snapshots.push_back({p, capsule.writes, clock.ms});
    });
    engine::EngineOptions options;
    options.find_connection = [this](std::string_view name) -> const config::ConnectionConfig* {
      return name == connection.name ? &connection : nullptr;
    };
    options.enqueue = [](queue::JobSpec) -> Result<std::int64_t> { return 1; };
    options.now_ms = [this] { return clock.ms; };
    options.progress = &board;
    engine = engine::SyncEngine::create(io.get_executor(), *db, source, std::move(options)).value();
  }

  // `n` accounting contacts with an issued invoice each and no Capsule party: each is created.
  void seed(int n) {
    for (int i = 0; i < n; ++i) {
      const std::string id = fmt::format("c-{:04}", i);
      xero.add_contact(id, fmt::format("Customer {:04} Ltd", i));
      xero.add_invoice("i-" + id, id, model::InvoiceStatus::authorised, "10.00", "2030-01-01");
    }
  }

  engine::ConnectionStore store() { return engine::ConnectionStore(*db, connection.name); }

  void pull() {
    auto s = run(engine->pull(job("pull")));
    INFO((s.ok() ? std::string() : s.error().message()));
    REQUIRE(s.ok());
  }
};

}  // namespace

TEST_CASE("Sync progress is monotone and ends at N of N contacts for a sync of N contacts") {
  Harness h;
  constexpr int n = 250;
  h.seed(n);
  h.pull();
  REQUIRE_FALSE(h.snapshots.empty());
  for (std::size_t i = 1; i < h.snapshots.size(); ++i) {
    const auto& a = h.snapshots[i - 1].progress;
    const auto& b = h.snapshots[i].progress;
    INFO("update " << i << ": " << engine::progress_words(a) << " -> " << engine::progress_words(b));
    REQUIRE(static_cast<int>(b.phase) >= static_cast<int>(a.phase));
    // Each listing of a reading phase counts from zero; within one, nothing goes back.
    if (b.phase == a.phase && b.listing == a.listing) CHECK(b.done >= a.done);
    CHECK(b.writes_done >= a.writes_done);
    if (b.total) CHECK(b.done <= *b.total);
  }
  const auto& last = h.snapshots.back().progress;
  CHECK(last.phase == engine::SyncPhase::writing_capsule);
  REQUIRE(last.total);
  CHECK(*last.total == n);
  CHECK(last.done == n);
  CHECK(last.writes_done == last.writes_planned);
  CHECK_FALSE(last.resumed);
  CHECK(engine::progress_words(last).starts_with("writing to Capsule 250 of 250 contacts"));
  // Nothing is kept once the sync ended.
  CHECK_FALSE(h.board.find("acme"));
}

TEST_CASE("A sync that finds contacts an interrupted one left pending says it counts from zero again") {
  Harness h;
  h.seed(3);
  h.pull();
  CHECK_FALSE(h.snapshots.back().progress.resumed);
  // As a stop between two batches of the reconcile pass leaves them.
  REQUIRE(h.store().contacts.mark_all_pending().ok());
  h.snapshots.clear();
  h.pull();
  REQUIRE_FALSE(h.snapshots.empty());
  CHECK(h.snapshots.front().progress.resumed);
}

TEST_CASE("A later attempt of a sync job says it counts from zero again") {
  Harness h;
  h.seed(3);
  auto job = h.job("pull");
  job.attempts = 1;
  REQUIRE(h.run(h.engine->pull(job)).ok());
  REQUIRE_FALSE(h.snapshots.empty());
  CHECK(h.snapshots.back().progress.resumed);
  CHECK(engine::progress_words(h.snapshots.back().progress).find("resumed") != std::string::npos);
}

TEST_CASE("The ETA of a sync held back by Capsule's rate limit is the time its remaining requests take at that limit") {
  Harness h;
  constexpr int n = 400;
  h.seed(n);
  h.pull();
  const int total_writes = h.capsule.writes;
  // Capsule's budget as a tight sandbox limit leaves it: 60 requests a minute, all spent.
  const std::vector<engine::BudgetWindow> budget{{"capsule", "minute", 60, 0, 60'000}};
  int checked = 0;
  for (const auto& s : h.snapshots) {
    // From the first batch's end (what a change costs is known) to the last write.
    if (s.progress.phase != engine::SyncPhase::writing_capsule || s.progress.done == 0) continue;
    if (s.progress.writes_done == s.progress.writes_planned) continue;
    auto eta = engine::estimate_eta(s.progress, budget, "xero", s.now_ms);
    REQUIRE(eta);
    // What the rest of the sync really cost, at what the limit allows.
    const std::int64_t expected = (total_writes - s.capsule_writes) * 60 / 60;
    INFO(engine::progress_words(s.progress) << ": ETA " << eta->seconds << " s, expected " << expected << " s");
    // Within 10%, or a second when the rest is so short that whole seconds round by more.
    const std::int64_t off = eta->seconds > expected ? eta->seconds - expected : expected - eta->seconds;
    CHECK((off * 10 <= expected || off <= 1));
    CHECK(eta->reason.starts_with("Capsule allows 60 requests per minute"));
    ++checked;
  }
  CHECK(checked >= 3 * 200);  // every write of the batches after the first
}

TEST_CASE("ETA figures: writes left at the hourly limit, budget still left, no total yet") {
  engine::SyncProgress p;
  p.phase = engine::SyncPhase::writing_capsule;
  p.total = 10'000;
  p.done = 1'300;
  p.writes_done = 1'300;
  p.writes_planned = 10'000;
  p.requests = 1'300;
  const std::vector<engine::BudgetWindow> hourly{{"capsule", "hour", 4'000, 0, 3'600'000}};
  auto eta = engine::estimate_eta(p, hourly, "xero", 0);
  REQUIRE(eta);
  CHECK(eta->seconds == 8'700 * 3'600 / 4'000);
  CHECK(engine::eta_words(eta->seconds) == "about 2 h 11 min");
  CHECK(eta->reason == "Capsule allows 4,000 requests per hour, 8,700 writes left");
  // What the window still holds is spent first.
  const std::vector<engine::BudgetWindow> some_left{{"capsule", "hour", 4'000, 700, 3'600'000}};
  CHECK(engine::estimate_eta(p, some_left, "xero", 0)->seconds == 8'000 * 3'600 / 4'000);
  // Another provider's limit does not bound Capsule writes.
  const std::vector<engine::BudgetWindow> other{{"xero", "minute", 60, 0, 60'000}};
  CHECK(engine::estimate_eta(p, other, "xero", 0)->reason.empty());
  engine::SyncProgress reading;
  reading.phase = engine::SyncPhase::reading_accounting;
  reading.done = 300;
  CHECK_FALSE(engine::estimate_eta(reading, hourly, "xero", 0));
  CHECK(engine::eta_words(30) == "less than a minute");
  CHECK(engine::eta_words(4 * 60 + 10) == "about 4 min");
}

TEST_CASE("A listing whose total the provider says reads 'N of total', and its ETA is the pages left at the limit") {
  engine::ProgressBoard board;
  board.start("acme", 0, false, "Xero");
  board.reading("acme", engine::SyncPhase::reading_accounting, "contacts", 0);
  for (int i = 0; i < 12; ++i) board.page_read("acme", 100, 10'000);
  auto p = board.find("acme");
  REQUIRE(p);
  CHECK(engine::progress_words(*p) == "reading Xero: 1,200 of 10,000 contacts");
  // 88 pages left; Xero allows 60 a minute and none are left in this minute.
  const std::vector<engine::BudgetWindow> xero{{"xero", "minute", 60, 0, 60'000},
                                               {"capsule", "hour", 4'000, 0, 3'600'000}};
  auto eta = engine::estimate_eta(*p, xero, "xero", 1'000);
  REQUIRE(eta);
  CHECK(eta->seconds == 88);
  CHECK(eta->reason == "Xero allows 60 requests per minute, 88 pages of contacts left");
  // What the minute still holds is spent first.
  const std::vector<engine::BudgetWindow> some_left{{"xero", "minute", 60, 28, 60'000}};
  CHECK(engine::estimate_eta(*p, some_left, "xero", 1'000)->seconds == 60);
  // Pages within what is left: the pace read so far bounds it (12 pages in 12 s -> 88 s).
  const std::vector<engine::BudgetWindow> ample{{"xero", "minute", 600, 600, 60'000}};
  auto paced = engine::estimate_eta(*p, ample, "xero", 12'000);
  REQUIRE(paced);
  CHECK(paced->seconds == 88);
  CHECK(paced->reason.empty());

  // A total that comes with a later page (KashFlow's suppliers after its customers) raises it;
  // one below what was read counts as what was read.
  board.page_read("acme", 50, 1'000);
  CHECK(board.find("acme")->total == 1'250);
  // The next listing counts from zero, its total unknown until its first page says it.
  board.reading("acme", engine::SyncPhase::reading_accounting, "invoices", 20'000);
  p = board.find("acme");
  CHECK(p->done == 0);
  CHECK_FALSE(p->total);
  CHECK(engine::progress_words(*p) == "reading Xero: 0 invoices read");
}

TEST_CASE("A listing without a total stays 'N read', without an ETA") {
  engine::ProgressBoard board;
  board.start("acme", 0, false, "Xero");
  board.reading("acme", engine::SyncPhase::reading_capsule, "parties", 0);
  board.page_read("acme", 100, std::nullopt);
  board.page_read("acme", 100, std::nullopt);
  auto p = board.find("acme");
  REQUIRE(p);
  CHECK(engine::progress_words(*p) == "reading Capsule: 200 parties read");
  const std::vector<engine::BudgetWindow> hourly{{"capsule", "hour", 4'000, 0, 3'600'000}};
  CHECK_FALSE(engine::estimate_eta(*p, hourly, "xero", 1'000));
}
