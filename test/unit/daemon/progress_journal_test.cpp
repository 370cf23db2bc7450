// Issue 22: the journal's progress line of a long sync, at most once a minute, with fields.

#include "daemon/progress_journal.hpp"

#include <catch2/catch.hpp>

#include "core/log/extra_fields.hpp"

using namespace capsync;

namespace {

struct Event {
  log::Record record;
  std::vector<log::ExtraField> extra;
  const std::string& message() const { return record.message; }
};

struct Captured {
  std::vector<Event> records;
  Captured() {
    log::TEST_set_extra_sink([this](const log::Record& r, const std::vector<log::ExtraField>& extra) {
      records.push_back({r, extra});
    });
  }
  ~Captured() { log::TEST_set_extra_sink(nullptr); }
  Captured(const Captured&) = delete;
  Captured& operator=(const Captured&) = delete;
};

std::string field(const Event& e, std::string_view key) {
  for (const auto& f : e.extra)
    if (f.key == key) return f.value;
  return "<none>";
}

}  // namespace

TEST_CASE("A long sync logs a progress line at most once a minute, with structured fields") {
  Captured captured;
  std::int64_t now = 1'000'000;
  daemon::ProgressJournal journal([&] { return now; },
                                  [](const std::string&, const engine::SyncProgress& p) -> std::optional<engine::Eta> {
                                    if (p.phase != engine::SyncPhase::writing_capsule) return std::nullopt;
                                    return engine::Eta{7'830, "Capsule allows 4,000 requests per hour, 8,700 writes left"};
                                  });
  engine::SyncProgress p;
  p.started_ms = now;
  p.phase_started_ms = now;
  p.listing = "parties";
  // Updates every 10 s for 3 minutes and a half: a line at 60 s, 120 s and 180 s.
  for (int step = 0; step <= 21; ++step) {
    now = 1'000'000 + step * 10'000;
    if (step == 9) {
      p.phase = engine::SyncPhase::writing_capsule;
      p.total = 10'000;
      p.writes_planned = 10'000;
    }
    p.done += 100;
    p.writes_done = p.phase == engine::SyncPhase::writing_capsule ? p.done : 0;
    journal.update("acme", p);
  }
  REQUIRE(captured.records.size() == 3);
  const auto& first = captured.records[0];
  CHECK(first.record.connection == "acme");
  CHECK(first.message() == "Syncing connection acme: reading Capsule: 700 parties read");
  CHECK(field(first, "DONE") == "700");
  CHECK(field(first, "TOTAL") == "<none>");
  CHECK(field(first, "ETA_SECONDS") == "<none>");
  const auto& second = captured.records[1];
  CHECK(field(second, "PHASE") == "writing_capsule");
  CHECK(field(second, "DONE") == "1300");
  CHECK(field(second, "TOTAL") == "10000");
  CHECK(field(second, "ETA_SECONDS") == "7830");
  CHECK(second.message().ends_with(
      "1,300 of 10,000 contacts, 1,300 of 10,000 writes, about 2 h 11 min left (Capsule allows 4,000 requests per "
      "hour, 8,700 writes left)"));

  // The next sync of the connection counts its minute from its own start.
  engine::SyncProgress next;
  next.started_ms = now + 5'000;
  now += 30'000;
  journal.update("acme", next);
  CHECK(captured.records.size() == 3);
}
