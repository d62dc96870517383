// EventLoop: one thread that owns a component's mutable state.
//
// Other threads (gRPC handlers, task threads, callers of a blocking API) never touch that
// state; they Post() closures that the loop thread runs one at a time, in order. This is
// how every Centella daemon and the driver's schedulers avoid locks around their state.
#ifndef CENTELLA_COMMON_EVENT_LOOP_EVENT_LOOP_H_
#define CENTELLA_COMMON_EVENT_LOOP_EVENT_LOOP_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace centella {

class EventLoop {
 public:
  // Starts the loop thread. `name` appears in logs and thread names.
  explicit EventLoop(std::string name);
  // Stops accepting work, runs what was already posted, and joins the thread.
  ~EventLoop();

  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Queues `fn` to run on the loop thread. Thread-safe. Returns false (and drops `fn`)
  // once the loop is stopping.
  bool Post(absl::AnyInvocable<void()> fn);

  // Queues `fn` to run on the loop thread once `delay` has passed (timers of equal
  // deadline run in the order posted). Timers still pending when the loop stops are
  // dropped. Thread-safe; false once the loop is stopping.
  bool PostAfter(absl::Duration delay, absl::AnyInvocable<void()> fn);

  // True when called from the loop thread; for debug checks in loop-owned code.
  bool InLoopThread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  void Run();

  const std::string name_;
  absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void()>> queue_ ABSL_GUARDED_BY(mu_);
  // (deadline, sequence) -> timer; the sequence keeps equal deadlines in posting order.
  std::map<std::pair<absl::Time, uint64_t>, absl::AnyInvocable<void()>> timers_
      ABSL_GUARDED_BY(mu_);
  uint64_t next_timer_ ABSL_GUARDED_BY(mu_) = 0;
  // Set by PostAfter so that a sleeping loop recomputes its deadline.
  bool timers_changed_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace centella

#endif  // CENTELLA_COMMON_EVENT_LOOP_EVENT_LOOP_H_
