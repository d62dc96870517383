#include "driver/runtime/context_cleaner.h"

#include "driver/dag/dag_scheduler.h"

namespace centella {

std::function<void(int)> ContextCleaner::ShuffleHook() {
  return [weak = weak_from_this()](int shuffle_id) {
    if (std::shared_ptr<ContextCleaner> cleaner = weak.lock()) cleaner->ReleaseShuffle(shuffle_id);
  };
}

void ContextCleaner::ReleaseShuffle(int shuffle_id) {
  absl::MutexLock lock(&mu_);
  if (scheduler_ == nullptr) return;
  // Only posts to the scheduler's loop: the hook may run on that very loop (a job's last
  // stage dropping the dependency), where waiting would deadlock.
  scheduler_->RemoveShuffle(shuffle_id);
  ++shuffles_released_;
}

void ContextCleaner::Stop() {
  absl::MutexLock lock(&mu_);
  scheduler_ = nullptr;
}

int64_t ContextCleaner::shuffles_released() const {
  absl::MutexLock lock(&mu_);
  return shuffles_released_;
}

}  // namespace centella
