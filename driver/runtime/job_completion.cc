#include "driver/runtime/job_completion.h"

namespace centella {

void JobCompletion::Complete(Outcome outcome) {
  std::vector<Callback> waiting;
  {
    absl::MutexLock lock(&mu_);
    if (done_) return;
    outcome_ = std::move(outcome);
    done_ = true;
    waiting = std::move(waiting_);
    waiting_.clear();
  }
  if (waiting.empty()) return;
  // One closure for all, so the job's callbacks keep their order on a multi-thread pool.
  // The outcome is immutable from here on: reading it without the lock is safe.
  callbacks_->Schedule([self = shared_from_this(), waiting = std::move(waiting)] {
    for (const Callback& cb : waiting) cb(self->outcome_);
  });
}

bool JobCompletion::done() const {
  absl::MutexLock lock(&mu_);
  return done_;
}

const JobCompletion::Outcome& JobCompletion::Wait() const {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(&done_));
  return outcome_;
}

bool JobCompletion::WaitFor(absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&done_), timeout);
}

void JobCompletion::OnComplete(Callback callback) {
  {
    absl::MutexLock lock(&mu_);
    if (!done_) {
      waiting_.push_back(std::move(callback));
      return;
    }
  }
  callbacks_->Schedule(
      [self = shared_from_this(), callback = std::move(callback)] { callback(self->outcome_); });
}

}  // namespace centella
