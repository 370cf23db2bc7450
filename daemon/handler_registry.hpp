#pragma once
// HandlerRegistry: which coroutine runs a job of a given kind. The sync layer registers one
// handler per kind it understands (pull, capsule_poll, full_reconcile, push_…) before the
// job runner starts; a job whose kind has no handler fails with a message naming the kind.
//
//   registry.add("pull", [&](const queue::Job& job) -> asio::awaitable<Status> {
//     co_return co_await sync.pull(job.connection);
//   });
//
// A handler returns ok (the job is completed), or an Error (the job fails and is retried
// with backoff, then goes dead). It runs on the io_context thread; exceptions it throws
// are caught by the runner and fail the job.

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error/result.hpp"
#include "core/queue/job_queue.hpp"

namespace capsync::daemon {

using JobHandler = std::function<boost::asio::awaitable<Status>(const queue::Job&)>;

class HandlerRegistry final {
 public:
  HandlerRegistry() = default;
  HandlerRegistry(const HandlerRegistry&) = delete;
  HandlerRegistry& operator=(const HandlerRegistry&) = delete;

  // Registers (or replaces) the handler of `kind`.
  void add(std::string kind, JobHandler handler);
  // nullptr when no handler is registered for `kind`.
  const JobHandler* find(std::string_view kind) const;
  // Registered kinds, sorted.
  std::vector<std::string> kinds() const;

 private:
  std::map<std::string, JobHandler, std::less<>> handlers_;
};

}  // namespace capsync::daemon
