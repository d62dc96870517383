#include "common/event_loop/event_loop.h"

#include <pthread.h>

#include <cstdio>
#include <cstdlib>

namespace centella {

EventLoop::EventLoop(std::string name, Clock& clock)
    : name_(std::move(name)), clock_(clock), real_clock_(&clock == &RealClock()) {
  thread_ = std::thread([this] { Run(); });
  pthread_setname_np(thread_.native_handle(), name_.substr(0, 15).c_str());
}

EventLoop::~EventLoop() { Stop(); }

void EventLoop::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void EventLoop::AssertInLoop(const char* method) const {
  if (InLoopThread()) return;
  // A loop-owned method called from another thread is a data race on the loop's state:
  // stop at once, with the place to fix, rather than corrupt it.
  std::fprintf(stderr, "FATAL: %s must run on the %s event loop thread\n", method, name_.c_str());
  std::abort();
}

bool EventLoop::Post(absl::AnyInvocable<void()> fn) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return false;
  queue_.push_back(std::move(fn));
  return true;
}

bool EventLoop::PostAfter(absl::Duration delay, absl::AnyInvocable<void()> fn) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return false;
  timers_.emplace(std::make_pair(clock_.Now() + delay, next_timer_++), std::move(fn));
  timers_changed_ = true;
  return true;
}

void EventLoop::Run() {
  auto ready = +[](EventLoop* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
    return self->stopping_ || !self->queue_.empty() || self->timers_changed_ ||
           (!self->timers_.empty() && self->timers_.begin()->first.first <= self->clock_.Now());
  };
  while (true) {
    absl::AnyInvocable<void()> fn;
    {
      absl::MutexLock lock(&mu_);
      if (timers_.empty()) {
        mu_.Await(absl::Condition(ready, this));
      } else if (real_clock_) {
        // Wakes for new work or at the earliest deadline.
        mu_.AwaitWithDeadline(absl::Condition(ready, this), timers_.begin()->first.first);
      } else {
        // Another clock moves on its own: look at it again soon.
        mu_.AwaitWithTimeout(absl::Condition(ready, this), kFakeClockPoll);
      }
      timers_changed_ = false;
      if (!queue_.empty()) {
        fn = std::move(queue_.front());
        queue_.pop_front();
      } else if (stopping_) {
        return;  // everything posted has run; pending timers are dropped
      } else if (!timers_.empty() && timers_.begin()->first.first <= clock_.Now()) {
        fn = std::move(timers_.begin()->second);
        timers_.erase(timers_.begin());
      } else {
        continue;
      }
    }
    fn();
  }
}

}  // namespace centella
