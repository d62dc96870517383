#include "driver/cluster/fake_executor_client.h"

#include <algorithm>

namespace centella {

absl::Status FakeExecutorClient::Open(UpdateCallback on_update, ClosedCallback on_closed,
                                      absl::Duration timeout) {
  if (!open_error_.ok()) return open_error_;
  state_.Update([&](State& s) {
    s.on_update = std::move(on_update);
    s.on_closed = std::move(on_closed);
  });
  return absl::OkStatus();
}

bool FakeExecutorClient::Launch(const std::shared_ptr<const v1::StagePlan>& plan,
                                const std::vector<v1::TaskDescriptor>& tasks) {
  return state_.Update([&](State& s) {
    if (s.closed) return false;
    if (std::find(s.plans_sent.begin(), s.plans_sent.end(), plan->stage_id()) ==
        s.plans_sent.end()) {
      s.plans_sent.push_back(plan->stage_id());
    }
    s.launched.insert(s.launched.end(), tasks.begin(), tasks.end());
    return true;
  });
}

void FakeExecutorClient::KillTask(const std::string& task_id, const std::string& reason) {
  state_.Update([&](State& s) { s.killed.push_back(task_id); });
}

void FakeExecutorClient::RemoveStage(int stage_id) {
  state_.Update([&](State& s) { s.removed_stages.push_back(stage_id); });
}

absl::StatusOr<std::string> FakeExecutorClient::FetchResult(const std::string& block_id) {
  return state_.Update([&](State& s) -> absl::StatusOr<std::string> {
    auto it = s.result_blocks.find(block_id);
    if (it == s.result_blocks.end()) return absl::NotFoundError("no result block " + block_id);
    std::string value = std::move(it->second);
    s.result_blocks.erase(it);
    return value;
  });
}

void FakeExecutorClient::Stop(const std::string& reason) {
  state_.Update([&](State& s) { s.stopped = reason; });
}

void FakeExecutorClient::Report(v1::TaskResult result) {
  UpdateCallback cb = state_.Update([](State& s) -> UpdateCallback {
    if (s.closed) return nullptr;
    return s.on_update;
  });
  if (cb) cb(std::move(result));
}

void FakeExecutorClient::Close(const std::string& reason) {
  ClosedCallback cb = state_.Update([](State& s) -> ClosedCallback {
    if (s.closed) return nullptr;
    s.closed = true;
    return std::move(s.on_closed);
  });
  if (cb) cb(reason);
}

void FakeExecutorClient::SetResultBlock(const std::string& block_id, std::string value) {
  state_.Update([&](State& s) { s.result_blocks[block_id] = std::move(value); });
}

bool FakeExecutorClient::WaitForLaunched(int n, absl::Duration timeout) {
  return state_.Await([n](const State& s) { return static_cast<int>(s.launched.size()) >= n; },
                      timeout);
}

}  // namespace centella
