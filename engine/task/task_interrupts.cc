#include "engine/task/task_interrupts.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace centella {

std::string TaskInterrupt::reason() const {
  absl::MutexLock lock(&mu_);
  return reason_;
}

void TaskInterrupt::Raise(const std::string& reason) {
  absl::MutexLock lock(&mu_);
  if (raised_.load(std::memory_order_relaxed)) return;
  reason_ = reason;
  raised_.store(true, std::memory_order_relaxed);
}

std::shared_ptr<TaskInterrupt> TaskInterrupts::Track(const std::string& task_id) {
  absl::MutexLock lock(&mu_);
  std::shared_ptr<TaskInterrupt>& flag = tasks_[task_id];
  if (flag == nullptr) flag = std::make_shared<TaskInterrupt>();
  return flag;
}

void TaskInterrupts::Finished(const std::string& task_id) {
  absl::MutexLock lock(&mu_);
  tasks_.erase(task_id);
}

void TaskInterrupts::Kill(const std::string& task_id, const std::string& reason) {
  std::shared_ptr<TaskInterrupt> flag = Track(task_id);
  flag->Raise(reason);
}

void TaskInterrupts::ForgetStage(int stage_id) {
  const std::string prefix = absl::StrCat(stage_id, ".");
  absl::MutexLock lock(&mu_);
  absl::erase_if(tasks_, [&](const auto& kv) { return absl::StartsWith(kv.first, prefix); });
}

int TaskInterrupts::size() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(tasks_.size());
}

}  // namespace centella
