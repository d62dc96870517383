// RunOnLoop: run a closure on an EventLoop and wait for its result. The bridge between
// the blocking gRPC handler threads and the loop thread that owns a daemon's state.
//
// Must not be called from the loop thread itself (it would wait for itself).
#ifndef CENTELLA_EXECUTOR_DAEMON_RUN_ON_LOOP_H_
#define CENTELLA_EXECUTOR_DAEMON_RUN_ON_LOOP_H_

#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "common/event_loop/event_loop.h"

namespace centella {

// `T` is an absl::Status or absl::StatusOr<...>: Unavailable when the loop is stopping.
template <typename T, typename Fn>
T RunOnLoop(EventLoop& loop, Fn fn) {
  std::optional<T> result;
  absl::Notification done;
  bool posted = loop.Post([&result, &done, &fn] {
    result.emplace(fn());
    done.Notify();
  });
  if (!posted) return T(absl::UnavailableError("the executor daemon is shutting down"));
  done.WaitForNotification();
  return *std::move(result);
}

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_RUN_ON_LOOP_H_
