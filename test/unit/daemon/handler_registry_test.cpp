#include "daemon/handler_registry.hpp"

#include <catch2/catch.hpp>

using namespace capsync;
using namespace capsync::daemon;

TEST_CASE("registry: a registered kind is found, an unknown one is not") {
  HandlerRegistry r;
  r.add("pull", [](const queue::Job&) -> boost::asio::awaitable<Status> { co_return Status{}; });
  CHECK(r.find("pull") != nullptr);
  CHECK(r.find("push") == nullptr);
  CHECK(r.kinds() == std::vector<std::string>{"pull"});
}
