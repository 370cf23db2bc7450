#include "test/scenario/test_handlers.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log/log.hpp"
#include "daemon/handler_registry.hpp"

namespace capsync::test {

namespace asio = boost::asio;

namespace {

asio::awaitable<Status> sleep_until_file(std::filesystem::path dir, const queue::Job& job) {
  {
    std::ofstream started(dir / "started", std::ios::app);
    started << job.id << ' ' << job.attempts + 1 << '\n';
  }
  // Polling is fine here: this handler exists only for tests.
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!std::filesystem::exists(dir / "release")) {
    timer.expires_after(std::chrono::milliseconds{20});
    co_await timer.async_wait(asio::use_awaitable);
  }
  co_return Status{};
}

}  // namespace

Status register_handlers_from_env(daemon::HandlerRegistry& registry) {
  const char* spec = std::getenv("CAPSYNC_TEST_HANDLERS");
  if (spec == nullptr || *spec == '\0') return {};
  const char* dir_env = std::getenv("CAPSYNC_TEST_DIR");
  const std::filesystem::path dir = dir_env != nullptr ? dir_env : "";

  std::string_view rest(spec);
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos)
      return make_error(Errc::invalid_argument, "CAPSYNC_TEST_HANDLERS: expected kind=behaviour, got \"{}\"", item);
    const std::string kind(item.substr(0, eq));
    const std::string_view behaviour = item.substr(eq + 1);
    if (behaviour == "succeed") {
      registry.add(kind, [](const queue::Job&) -> asio::awaitable<Status> { co_return Status{}; });
    } else if (behaviour == "fail") {
      registry.add(kind, [](const queue::Job&) -> asio::awaitable<Status> {
        co_return make_error(Errc::invalid_argument, "test handler failure");
      });
    } else if (behaviour == "sleep-until-file") {
      if (dir.empty()) return make_error(Errc::invalid_argument, "sleep-until-file needs CAPSYNC_TEST_DIR");
      registry.add(kind, [dir](const queue::Job& job) { return sleep_until_file(dir, job); });
    } else {
      return make_error(Errc::invalid_argument, "CAPSYNC_TEST_HANDLERS: unknown behaviour \"{}\"", behaviour);
    }
    log::warning({}, "TEST-ONLY job handler enabled: {} = {}", kind, behaviour);
  }
  return {};
}

}  // namespace capsync::test
