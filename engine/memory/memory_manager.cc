#include "engine/memory/memory_manager.h"

#include <algorithm>

namespace centella {

int64_t MemoryManager::Acquire(const std::string& task, int64_t bytes) {
  if (bytes <= 0) return 0;
  absl::MutexLock lock(&mu_);
  int64_t& held = held_[task];
  const int64_t tasks = static_cast<int64_t>(held_.size());
  const int64_t fair_share = budget_ / std::max<int64_t>(1, tasks);
  const int64_t grant = std::max<int64_t>(0, std::min({bytes, budget_ - used_, fair_share - held}));
  held += grant;
  used_ += grant;
  if (held == 0) held_.erase(task);  // a task holding nothing does not shrink the shares
  return grant;
}

void MemoryManager::Release(const std::string& task, int64_t bytes) {
  absl::MutexLock lock(&mu_);
  auto it = held_.find(task);
  if (it == held_.end()) return;
  const int64_t n = std::min(bytes, it->second);
  it->second -= n;
  used_ -= n;
  if (it->second == 0) held_.erase(it);
}

void MemoryManager::ReleaseAll(const std::string& task) {
  absl::MutexLock lock(&mu_);
  auto it = held_.find(task);
  if (it == held_.end()) return;
  used_ -= it->second;
  held_.erase(it);
}

int64_t MemoryManager::used() const {
  absl::MutexLock lock(&mu_);
  return used_;
}

int64_t MemoryManager::held_by(const std::string& task) const {
  absl::MutexLock lock(&mu_);
  auto it = held_.find(task);
  return it == held_.end() ? 0 : it->second;
}

int64_t TaskMemory::Acquire(int64_t bytes) {
  const int64_t grant = manager_ == nullptr ? bytes : manager_->Acquire(key_, bytes);
  held_ += grant;
  peak_ = std::max(peak_, held_);
  return grant;
}

void TaskMemory::Release(int64_t bytes) {
  bytes = std::min(bytes, held_);
  if (manager_ != nullptr) manager_->Release(key_, bytes);
  held_ -= bytes;
}

bool MemoryReservation::Ensure(int64_t bytes) {
  if (bytes <= held_) return true;
  if (memory_ == nullptr) {
    held_ = bytes;
    return true;
  }
  const int64_t want = std::max(bytes - held_, held_);  // at least double
  held_ += memory_->Acquire(want);
  if (held_ >= bytes) return true;
  // The doubling was refused in part; the exact need may still fit.
  return false;
}

void MemoryReservation::ReleaseAll() {
  if (memory_ != nullptr && held_ > 0) memory_->Release(held_);
  held_ = 0;
}

}  // namespace centella
