// EventLoop: one thread that owns a component's mutable state.
//
// Other threads (gRPC handlers, task threads, callers of a blocking API) never touch that
// state; they Post() closures that the loop thread runs one at a time, in order, or
// PostAndWait() for a result. Timers (PostAfter) are measured on the loop's Clock, so a
// test that gives the loop a FakeClock moves its timers by advancing the clock. This is
// how every Centella daemon and the driver's schedulers avoid locks around their state.
//
// Loop-owned methods start with AssertInLoop(): called from another thread they abort
// with the method's name instead of racing.
//
// Lifecycle: the thread starts in the constructor. Destruction stops accepting work, runs
// what was already posted (pending timers are dropped) and joins the thread.
#ifndef CENTELLA_COMMON_EVENT_LOOP_EVENT_LOOP_H_
#define CENTELLA_COMMON_EVENT_LOOP_EVENT_LOOP_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"

namespace centella {

class EventLoop {
 public:
  // How long the loop waits in real time before reading a clock other than RealClock()
  // again: a FakeClock's Advance() is noticed within this.
  static constexpr absl::Duration kFakeClockPoll = absl::Milliseconds(5);

  // Starts the loop thread. `name` appears in logs and thread names. `clock` measures
  // timers; not owned, must outlive the loop.
  explicit EventLoop(std::string name, Clock& clock = RealClock());
  ~EventLoop();

  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Queues `fn` to run on the loop thread. Thread-safe. Returns false (and drops `fn`)
  // once the loop is stopping.
  bool Post(absl::AnyInvocable<void()> fn);

  // Queues `fn` to run on the loop thread once `delay` has passed on the clock (timers of
  // equal deadline run in the order posted). Timers still pending when the loop stops
  // are dropped. Thread-safe; false once the loop is stopping.
  bool PostAfter(absl::Duration delay, absl::AnyInvocable<void()> fn);

  // Runs `fn` on the loop thread and returns its result, blocking the caller until it
  // ran; nullopt when the loop is stopping. From the loop thread itself `fn` runs at once
  // (waiting for itself would never end).
  template <class Fn, class R = std::invoke_result_t<Fn&>>
  std::optional<R> PostAndWait(Fn fn);

  // PostAndWait for callers that answer with absl::Status or absl::StatusOr<T> (a gRPC
  // handler, a blocking API): returns fn()'s result converted to R (by default fn's own
  // result type), or Unavailable("event loop <name> has stopped") when the loop is
  // stopping.
  template <class R = void, class Fn>
  auto RunAndWait(Fn fn) -> std::conditional_t<std::is_void_v<R>, std::invoke_result_t<Fn&>, R>;

  // Stops accepting work, drops pending timers, runs what was already posted and joins
  // the thread. Idempotent; the destructor calls it. Not from the loop thread.
  void Stop();

  // True when called from the loop thread.
  bool InLoopThread() const { return std::this_thread::get_id() == thread_.get_id(); }
  // Aborts, naming `method` and the loop, unless called from the loop thread.
  void AssertInLoop(const char* method) const;

  Clock& clock() const { return clock_; }
  absl::Time Now() const { return clock_.Now(); }

 private:
  void Run();

  const std::string name_;
  Clock& clock_;
  const bool real_clock_;
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

template <class Fn, class R>
std::optional<R> EventLoop::PostAndWait(Fn fn) {
  if (InLoopThread()) return std::optional<R>(fn());
  std::optional<R> result;
  absl::Notification done;
  if (!Post([&result, &done, &fn] {
        result.emplace(fn());
        done.Notify();
      })) {
    return std::nullopt;
  }
  done.WaitForNotification();
  return result;
}

template <class R, class Fn>
auto EventLoop::RunAndWait(Fn fn)
    -> std::conditional_t<std::is_void_v<R>, std::invoke_result_t<Fn&>, R> {
  using Result = std::conditional_t<std::is_void_v<R>, std::invoke_result_t<Fn&>, R>;
  std::optional<Result> result = PostAndWait([&fn]() -> Result { return fn(); });
  if (!result) return Result(absl::UnavailableError("event loop " + name_ + " has stopped"));
  return *std::move(result);
}

}  // namespace centella

#endif  // CENTELLA_COMMON_EVENT_LOOP_EVENT_LOOP_H_
