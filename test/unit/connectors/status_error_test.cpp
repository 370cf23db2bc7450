// The one HTTP status -> Errc mapping every connector's errors.cpp goes through.
#include <catch2/catch.hpp>

#include "core/connector/status_error.hpp"
#include "core/http/retry_policy.hpp"

using namespace capsync;

namespace {

http::Response response(int status, http::Headers headers = {}) {
  http::Response r;
  r.status = status;
  r.headers = std::move(headers);
  return r;
}

connector::ProviderRefusal demo(std::string reason = "Name is too long") {
  return {.provider = "Demo", .reason = std::move(reason)};
}

}  // namespace

TEST_CASE("Status mapping: one table from HTTP status to Errc for every provider") {
  struct Row {
    int status;
    Errc code;
  };
  const Row table[] = {
      {400, Errc::invalid_argument}, {409, Errc::invalid_argument}, {422, Errc::invalid_argument},
      {401, Errc::unauthorized},     {403, Errc::unauthorized},     {404, Errc::not_found},
      {429, Errc::rate_limited},     {405, Errc::http},             {408, Errc::http},
      {410, Errc::http},             {500, Errc::http},             {502, Errc::http},
      {503, Errc::http},             {504, Errc::http},             {599, Errc::http},
  };
  for (const auto& row : table) {
    INFO("HTTP " << row.status);
    CHECK(connector::errc_from_status(row.status) == row.code);
    CHECK(connector::error_from_status(response(row.status), "contact 7", demo()).code() == row.code);
  }
}

TEST_CASE("Status mapping: a 5xx is Errc::http, which the HTTP layer and the job runner retry") {
  for (int status : {500, 502, 503, 504}) {
    INFO("HTTP " << status);
    CHECK(http::retryable_status(status));
    auto e = connector::error_from_status(response(status), "the contacts page 2", demo("<html>down</html>"));
    CHECK(e.code() == Errc::http);
    CHECK(e.message() == fmt::format("Demo answered HTTP {} to the contacts page 2: <html>down</html>", status));
  }
}

TEST_CASE("Status mapping: a 429 names the wait the provider asked for") {
  auto seconds = connector::error_from_status(response(429, {{"retry-after", "17"}}), "the Contacts page 2", demo());
  CHECK(seconds.code() == Errc::rate_limited);
  CHECK(seconds.message() == "Demo rate limit reached on the Contacts page 2; retry after 17 s");
  CHECK(http::retryable_status(429));

  auto date = connector::error_from_status(response(429, {{"Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT"}}), "x", demo());
  CHECK(date.message() == "Demo rate limit reached on x; retry after Wed, 21 Oct 2026 07:28:00 GMT");

  auto reset = connector::error_from_status(response(429, {{"X-RateLimit-Reset", "1718932539"}}), "x", demo());
  CHECK(reset.message() == "Demo rate limit reached on x; it resets at 1718932539 (epoch seconds)");

  auto silent = connector::error_from_status(response(429), "x", demo());
  CHECK(silent.message() == "Demo rate limit reached on x; retry after a while (no Retry-After given)");

  auto refusal = demo();
  refusal.rate_limit = "minute rate limit";
  CHECK(connector::error_from_status(response(429, {{"Retry-After", "3"}}), "x", refusal).message() ==
        "Demo minute rate limit reached on x; retry after 3 s");
}

TEST_CASE("Status mapping: refusals carry the provider's reason, a taken name is a conflict (R13)") {
  auto refused = connector::error_from_status(response(422), "contact 'Bo'", demo("Last name can't be blank"));
  CHECK(refused.message() == "Demo refused contact 'Bo': Last name can't be blank");
  auto clash = demo("name: already taken");
  clash.name_taken = true;
  for (int status : {400, 409, 422}) {
    INFO("HTTP " << status);
    CHECK(connector::error_from_status(response(status), "contact 'Bo'", clash).code() == Errc::conflict);
  }
  // A taken name means nothing on another status.
  CHECK(connector::error_from_status(response(503), "contact 'Bo'", clash).code() == Errc::http);
}

TEST_CASE("Status mapping: 401 and 403 say what was rejected and what the operator does") {
  auto refusal = demo("invalid_token");
  refusal.credential = "session token";
  refusal.unauthorized_advice = "log in again";
  refusal.forbidden_advice = "grant the contacts scope";
  CHECK(connector::error_from_status(response(401), "contact 7", refusal).message() ==
        "Demo rejected the session token for contact 7 (401 invalid_token): log in again");
  CHECK(connector::error_from_status(response(403), "contact 7", refusal).message() ==
        "Demo refused access to contact 7 (403 invalid_token): grant the contacts scope");
  CHECK(connector::error_from_status(response(401), "contact 7", demo("")).message() ==
        "Demo rejected the access token for contact 7 (401)");
  CHECK(connector::error_from_status(response(404), "contact 7", demo("")).message() == "Demo has no contact 7 (404)");
  CHECK(connector::error_from_status(response(404), "client 7", demo("Client not found.")).message() ==
        "Demo has no client 7 (404 Client not found.)");
}
