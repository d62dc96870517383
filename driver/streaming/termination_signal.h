// TerminationSignal: while it lives, SIGTERM and SIGINT run `on_signal` on a thread of
// its own instead of ending the process, so a streaming driver can stop gracefully —
// finish and commit its running batch — and exit 0 when a supervisor or docker stops it.
// The handlers that were installed before come back when it is destroyed.
//
// One per process at a time (signal dispositions are process-wide): a second Install is
// FailedPrecondition. The handler itself only writes the signal number to a pipe (all a
// signal handler may safely do); the watcher thread does the rest.
#ifndef CENTELLA_DRIVER_STREAMING_TERMINATION_SIGNAL_H_
#define CENTELLA_DRIVER_STREAMING_TERMINATION_SIGNAL_H_

#include <functional>
#include <memory>
#include <thread>

#include "absl/status/statusor.h"

namespace centella {

class TerminationSignal {
 public:
  // `on_signal(signo)` runs once per signal received, on the watcher thread.
  static absl::StatusOr<std::unique_ptr<TerminationSignal>> Install(
      std::function<void(int signo)> on_signal);
  // Restores the previous handlers and joins the watcher. Not from `on_signal`.
  ~TerminationSignal();
  TerminationSignal(const TerminationSignal&) = delete;
  TerminationSignal& operator=(const TerminationSignal&) = delete;

 private:
  TerminationSignal() = default;
  std::function<void(int)> on_signal_;
  std::thread watcher_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_TERMINATION_SIGNAL_H_
