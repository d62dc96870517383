#include "driver/cluster/fake_executor_client.h"

#include <algorithm>

namespace centella {

absl::Status FakeExecutorClient::Open(UpdateCallback on_update, ClosedCallback on_closed,
                                      absl::Duration timeout) {
  if (!open_error_.ok()) return open_error_;
  absl::MutexLock lock(&mu_);
  on_update_ = std::move(on_update);
  on_closed_ = std::move(on_closed);
  return absl::OkStatus();
}

bool FakeExecutorClient::Launch(const std::shared_ptr<const v1::StagePlan>& plan,
                                const std::vector<v1::TaskDescriptor>& tasks) {
  absl::MutexLock lock(&mu_);
  if (closed_) return false;
  if (std::find(plans_sent_.begin(), plans_sent_.end(), plan->stage_id()) == plans_sent_.end()) {
    plans_sent_.push_back(plan->stage_id());
  }
  launched_.insert(launched_.end(), tasks.begin(), tasks.end());
  return true;
}

void FakeExecutorClient::KillTask(const std::string& task_id, const std::string& reason) {
  absl::MutexLock lock(&mu_);
  killed_.push_back(task_id);
}

void FakeExecutorClient::RemoveStage(int stage_id) {
  absl::MutexLock lock(&mu_);
  removed_stages_.push_back(stage_id);
}

absl::StatusOr<std::string> FakeExecutorClient::FetchResult(const std::string& block_id) {
  absl::MutexLock lock(&mu_);
  auto it = result_blocks_.find(block_id);
  if (it == result_blocks_.end()) return absl::NotFoundError("no result block " + block_id);
  std::string value = std::move(it->second);
  result_blocks_.erase(it);
  return value;
}

void FakeExecutorClient::Stop(const std::string& reason) {
  absl::MutexLock lock(&mu_);
  stopped_ = reason;
}

void FakeExecutorClient::Report(v1::TaskResult result) {
  UpdateCallback cb;
  {
    absl::MutexLock lock(&mu_);
    if (closed_) return;
    cb = on_update_;
  }
  if (cb) cb(std::move(result));
}

void FakeExecutorClient::Close(const std::string& reason) {
  ClosedCallback cb;
  {
    absl::MutexLock lock(&mu_);
    if (closed_) return;
    closed_ = true;
    cb = std::move(on_closed_);
  }
  if (cb) cb(reason);
}

void FakeExecutorClient::SetResultBlock(const std::string& block_id, std::string value) {
  absl::MutexLock lock(&mu_);
  result_blocks_[block_id] = std::move(value);
}

bool FakeExecutorClient::WaitForLaunched(int n, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return static_cast<int>(launched_.size()) >= n;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
}

std::vector<v1::TaskDescriptor> FakeExecutorClient::launched() const {
  absl::MutexLock lock(&mu_);
  return launched_;
}

std::vector<int> FakeExecutorClient::plans_sent() const {
  absl::MutexLock lock(&mu_);
  return plans_sent_;
}

std::vector<std::string> FakeExecutorClient::killed() const {
  absl::MutexLock lock(&mu_);
  return killed_;
}

std::vector<int> FakeExecutorClient::removed_stages() const {
  absl::MutexLock lock(&mu_);
  return removed_stages_;
}

std::string FakeExecutorClient::stopped() const {
  absl::MutexLock lock(&mu_);
  return stopped_;
}

}  // namespace centella
