#include "cluster-manager/app_event_queue.h"

#include <utility>

namespace centella::cluster_manager {

void AppEventQueue::Push(v1::ApplicationEvent event) {
  absl::MutexLock lock(&mu_);
  if (closed_) return;
  event.set_sequence(next_sequence_++);
  events_.push_back(std::move(event));
}

void AppEventQueue::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
}

AppEventQueue::PopResult AppEventQueue::Pop(absl::Duration timeout, v1::ApplicationEvent* event) {
  absl::MutexLock lock(&mu_);
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return closed_ || !events_.empty(); };
  mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
  if (!events_.empty()) {
    *event = std::move(events_.front());
    events_.pop_front();
    return PopResult::kEvent;
  }
  return closed_ ? PopResult::kClosed : PopResult::kTimeout;
}

int64_t AppEventQueue::pushed() const {
  absl::MutexLock lock(&mu_);
  return next_sequence_ - 1;
}

}  // namespace centella::cluster_manager
