#include <catch2/catch.hpp>

#include <vector>

#include "core/error/result.hpp"
#include "core/log/log.hpp"
#include "core/secret/secret.hpp"

using namespace capsync;

namespace {
struct Capture {
  std::vector<log::Record> records;
  Capture() {
    log::TEST_set_sink([this](const log::Record& r) { records.push_back(r); });
  }
  ~Capture() { log::TEST_set_sink(nullptr); }
};
}  // namespace

TEST_CASE("log events carry structured fields and the caller's location") {
  log::configure(log::Level::info, log::Target::stderr_lines);
  Capture c;
  log::warning({.connection = "acme", .provider = "xero", .record = "C-1"}, "Failed to push {}: {}", "C-1", 42);
  REQUIRE(c.records.size() == 1);
  auto& r = c.records[0];
  CHECK(r.level == log::Level::warning);
  CHECK(r.connection == "acme");
  CHECK(r.provider == "xero");
  CHECK(r.job.empty());
  CHECK(r.record == "C-1");
  CHECK(r.message == "Failed to push C-1: 42");
  CHECK(std::string_view(r.where.file_name()).ends_with("log_test.cpp"));
}

TEST_CASE("events below the configured level are dropped") {
  log::configure(log::Level::notice, log::Target::stderr_lines);
  Capture c;
  log::info({}, "quiet {}", 1);
  log::error({}, "loud {}", 2);
  REQUIRE(c.records.size() == 1);
  CHECK(c.records[0].message == "loud 2");
  log::configure(log::Level::info, log::Target::stderr_lines);
}

TEST_CASE("Result carries either a value or an error with context") {
  Result<int> good = 3;
  Result<int> bad = make_error(Errc::not_found, "party {} missing", 7);
  CHECK(good.ok());
  CHECK(*good == 3);
  CHECK_FALSE(bad.ok());
  CHECK(bad.error().code() == Errc::not_found);
  CHECK(bad.error().with_context("sync acme").message() == "sync acme: party 7 missing");
  Status s;
  CHECK(s.ok());
}

TEST_CASE("a Secret reveals its value only on request") {
  Secret s("hunter2");
  CHECK(s.reveal() == "hunter2");
  CHECK_FALSE(s.empty());
  static_assert(!std::is_convertible_v<Secret, std::string>);
  static_assert(!std::is_convertible_v<Secret, std::string_view>);
}
