// TimerQueue: one thread that runs closures when their delay, measured on a Clock, has
// passed (SIGKILL after a kill's grace period, heartbeats, supervised driver restarts).
//
// The thread waits in real time for at most kPollInterval before re-reading the clock,
// so it also follows a FakeClock that a test advances.
//
// Thread safety: RunAfter may be called from any thread, including from a closure.
// Closures run on the queue's thread one at a time, in deadline order.
#ifndef CENTELLA_EXECUTOR_DAEMON_TIMER_QUEUE_H_
#define CENTELLA_EXECUTOR_DAEMON_TIMER_QUEUE_H_

#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"

namespace centella {

class TimerQueue {
 public:
  static constexpr absl::Duration kPollInterval = absl::Milliseconds(50);

  // `clock` is not owned and must outlive the queue.
  TimerQueue(Clock& clock, std::string name);
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // Runs `fn` once `delay` has passed on the clock. Dropped after Stop().
  void RunAfter(absl::Duration delay, absl::AnyInvocable<void()> fn) ABSL_LOCKS_EXCLUDED(mu_);

  // Drops pending closures, lets a running one finish and joins the thread. Idempotent.
  // Must not be called from a closure of this queue.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Run();

  Clock& clock_;
  const std::string name_;
  absl::Mutex mu_;
  // Keyed by (deadline, insertion number): equal deadlines run in insertion order.
  std::map<std::pair<absl::Time, uint64_t>, absl::AnyInvocable<void()>> pending_
      ABSL_GUARDED_BY(mu_);
  uint64_t inserted_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_TIMER_QUEUE_H_
