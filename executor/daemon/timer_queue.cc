#include "executor/daemon/timer_queue.h"

#include <pthread.h>

#include <algorithm>

namespace centella {

TimerQueue::TimerQueue(Clock& clock, std::string name) : clock_(clock), name_(std::move(name)) {
  thread_ = std::thread([this] { Run(); });
  pthread_setname_np(thread_.native_handle(), name_.substr(0, 15).c_str());
}

TimerQueue::~TimerQueue() { Stop(); }

void TimerQueue::RunAfter(absl::Duration delay, absl::AnyInvocable<void()> fn) {
  absl::Time deadline = clock_.Now() + delay;
  absl::MutexLock lock(&mu_);
  if (stopping_) return;
  pending_.emplace(std::make_pair(deadline, inserted_++), std::move(fn));
}

void TimerQueue::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    pending_.clear();
  }
  if (thread_.joinable()) thread_.join();
}

void TimerQueue::Run() {
  while (true) {
    absl::AnyInvocable<void()> fn;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      if (pending_.empty()) {
        const uint64_t seen = inserted_;
        auto changed = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return stopping_ || inserted_ != seen;
        };
        mu_.Await(absl::Condition(&changed));
        continue;
      }
      auto first = pending_.begin();
      absl::Duration wait = first->first.first - clock_.Now();
      if (wait > absl::ZeroDuration()) {
        // Wake early for Stop() or an insertion (maybe with an earlier deadline).
        const uint64_t seen = inserted_;
        auto changed = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return stopping_ || inserted_ != seen;
        };
        mu_.AwaitWithTimeout(absl::Condition(&changed), std::min(wait, kPollInterval));
        continue;
      }
      fn = std::move(first->second);
      pending_.erase(first);
    }
    fn();
  }
}

}  // namespace centella
