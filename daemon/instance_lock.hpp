#pragma once
// InstanceLock: one capsyncd per state directory. Two daemons on one store would both
// claim jobs and both treat the other's leases as crashed work.

#include <string>

#include "core/error/result.hpp"

namespace capsync::daemon {

class InstanceLock final {
 public:
  // Takes an exclusive flock on <state_dir>/capsyncd.lock; fails with Errc::busy when another
  // process holds it. The lock goes with the process, so a crash never leaves it behind.
  static Result<InstanceLock> acquire(const std::string& state_dir);

  InstanceLock(InstanceLock&& other) noexcept;
  InstanceLock& operator=(InstanceLock&&) = delete;
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;
  ~InstanceLock();

 private:
  explicit InstanceLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace capsync::daemon
