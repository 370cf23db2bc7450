#pragma once
// The sandbox's request dispatcher: admin endpoints, the provider route table, armed faults
// and the request log. Not thread-safe: the server calls it from its one io thread.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "test/sandbox/fault_injector.hpp"
#include "test/sandbox/http_message.hpp"
#include "test/sandbox/provider.hpp"

namespace capsync::sandbox {

class Sandbox final {
 public:
  explicit Sandbox(double time_scale = 1.0);
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // Registers a provider under each of its prefixes (longest prefix wins).
  void add_provider(std::unique_ptr<Provider> provider);

  // Replaces all state with a seed document (see README.md). Missing sections = empty.
  Result<void> load_seed(std::string_view json);
  // {"capsule":{…},"xero":{…}} in the providers' own shapes.
  std::string state_json() const;
  // Loads a seed file; an empty path loads default_seed().
  Result<void> load_seed_file(const std::string& path);

  Response handle(const Request& request);

  SandboxContext& context() { return context_; }

 private:
  struct LogEntry {
    std::int64_t seq;
    std::string method, path, query, prefix;
    int status;
  };

  Response handle_admin(const Request& request);
  Response dispatch(const Request& request, Provider& provider);
  std::string requests_json() const;

  SandboxContext context_;
  std::vector<std::unique_ptr<Provider>> providers_;
  std::vector<std::pair<std::string, Provider*>> routes_;
  FaultInjector faults_;
  std::vector<LogEntry> log_;
  std::int64_t next_seq_ = 1;
};

// The sandbox with every provider registered and the built-in credentials-only seed.
std::unique_ptr<Sandbox> make_sandbox(double time_scale);

// Credentials-only seed used when no --seed is given (same as seeds/empty.json).
std::string_view default_seed();

}  // namespace capsync::sandbox
