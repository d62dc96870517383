#include "common/event_loop/event_loop.h"

#include <pthread.h>

namespace centella {

EventLoop::EventLoop(std::string name) : name_(std::move(name)) {
  thread_ = std::thread([this] { Run(); });
  pthread_setname_np(thread_.native_handle(), name_.substr(0, 15).c_str());
}

EventLoop::~EventLoop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
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
  timers_.emplace(std::make_pair(absl::Now() + delay, next_timer_++), std::move(fn));
  timers_changed_ = true;
  return true;
}

void EventLoop::Run() {
  auto ready = +[](EventLoop* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
    return self->stopping_ || !self->queue_.empty() || self->timers_changed_ ||
           (!self->timers_.empty() && self->timers_.begin()->first.first <= absl::Now());
  };
  while (true) {
    absl::AnyInvocable<void()> fn;
    {
      absl::MutexLock lock(&mu_);
      if (timers_.empty()) {
        mu_.Await(absl::Condition(ready, this));
      } else {
        // Wakes for new work or at the earliest deadline.
        mu_.AwaitWithDeadline(absl::Condition(ready, this), timers_.begin()->first.first);
      }
      timers_changed_ = false;
      if (!queue_.empty()) {
        fn = std::move(queue_.front());
        queue_.pop_front();
      } else if (stopping_) {
        return;  // everything posted has run; pending timers are dropped
      } else if (!timers_.empty() && timers_.begin()->first.first <= absl::Now()) {
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
