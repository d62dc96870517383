#include "driver/scheduler/local_backend.h"

#include <string>

#include "common/logging/logger.h"

namespace centella {

LocalBackend::LocalBackend(int num_threads, std::string shuffle_dir, BlockCodec codec,
                           MemoryBudgets budgets, std::string spill_dir, std::string block_dir,
                           BroadcastSource* broadcasts)
    : num_threads_(num_threads),
      memory_(budgets.execution),
      blocks_(budgets.storage, std::move(block_dir)),
      store_(std::move(shuffle_dir), codec),
      fetcher_(&store_),
      runner_(&store_, &fetcher_, broadcasts, kExecutorId, "localhost", ""),
      pool_(std::make_unique<ThreadPool>(num_threads, "task")) {
  runner_.SetMemory(&memory_, std::move(spill_dir));
  runner_.SetBlockManager(&blocks_);
}

LocalBackend::~LocalBackend() { pool_->Shutdown(); }

std::vector<ExecutorSlots> LocalBackend::Executors() const {
  return {ExecutorSlots{kExecutorId, "localhost", num_threads_}};
}

absl::StatusOr<std::shared_ptr<const StageInstance>> LocalBackend::Instance(
    const v1::StagePlan& plan) {
  auto key = std::make_pair(plan.stage_id(), plan.stage_attempt());
  {
    absl::MutexLock lock(&mu_);
    auto it = stages_.find(key);
    if (it != stages_.end()) return it->second;
  }
  // Built outside the lock; if two threads race, both instances are equivalent.
  absl::StatusOr<std::shared_ptr<const StageInstance>> built = BuildStageInstance(plan);
  if (!built.ok()) return built;
  absl::MutexLock lock(&mu_);
  return stages_.try_emplace(key, *std::move(built)).first->second;
}

void LocalBackend::RemoveStage(int stage_id) {
  interrupts_.ForgetStage(stage_id);
  absl::MutexLock lock(&mu_);
  absl::erase_if(stages_, [stage_id](const auto& kv) { return kv.first.first == stage_id; });
}

void LocalBackend::RemoveShuffle(int shuffle_id) {
  if (absl::Status s = store_.RemoveShuffle(shuffle_id); !s.ok()) {
    GetLogger("local-backend")->warn("{}", std::string(s.message()));
  }
}

void LocalBackend::LaunchTasks(const std::string& executor_id,
                               std::shared_ptr<const v1::StagePlan> plan,
                               std::vector<v1::TaskDescriptor> tasks) {
  for (v1::TaskDescriptor& task : tasks) {
    std::shared_ptr<TaskInterrupt> interrupt = interrupts_.Track(task.task_id());
    pool_->Schedule([this, plan, task = std::move(task), interrupt] {
      absl::StatusOr<std::shared_ptr<const StageInstance>> stage = Instance(*plan);
      v1::TaskResult result =
          stage.ok() ? runner_.Run(**stage, task, interrupt)
                     : UnfinishedTaskResult(task, v1::TASK_STATE_FAILED, stage.status());
      interrupts_.Finished(task.task_id());
      callback_(std::move(result));
    });
  }
}

}  // namespace centella
