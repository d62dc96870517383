// LocalBackend: the embedded executor of local[N] — N task threads in the driver process,
// with the same stage-plan rebuild, task runner and shuffle files a cluster executor uses.
#ifndef CENTELLA_DRIVER_SCHEDULER_LOCAL_BACKEND_H_
#define CENTELLA_DRIVER_SCHEDULER_LOCAL_BACKEND_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "common/thread_pool/thread_pool.h"
#include "driver/scheduler/executor_backend.h"
#include "engine/memory/memory_budget.h"
#include "engine/memory/memory_manager.h"
#include "engine/shuffle/local_shuffle_fetcher.h"
#include "engine/shuffle/shuffle_store.h"
#include "engine/storage/block_manager.h"
#include "engine/task/broadcast_source.h"
#include "engine/task/stage_instance.h"
#include "engine/task/task_interrupts.h"
#include "engine/task/task_runner.h"

namespace centella {

class LocalBackend : public ExecutorBackend {
 public:
  static constexpr char kExecutorId[] = "driver";

  // `shuffle_dir` must exist and outlive the backend; tasks share `budgets.execution`
  // bytes and spill into `spill_dir` (which must exist); cached partitions take up to
  // `budgets.storage` bytes of memory and go to disk in `block_dir`. Tasks read broadcast
  // values from
  // `broadcasts` (the driver's own objects), which must outlive the backend.
  LocalBackend(int num_threads, std::string shuffle_dir, BlockCodec codec, MemoryBudgets budgets,
               std::string spill_dir, std::string block_dir, BroadcastSource* broadcasts);
  ~LocalBackend() override;

  void SetResultCallback(ResultCallback callback) override { callback_ = std::move(callback); }
  std::vector<ExecutorSlots> Executors() const override;
  void LaunchTasks(const std::string& executor_id, std::shared_ptr<const v1::StagePlan> plan,
                   std::vector<v1::TaskDescriptor> tasks) override;
  void KillTask(const std::string& executor_id, const std::string& task_id,
                const std::string& reason) override {
    interrupts_.Kill(task_id, reason);
  }
  void RemoveStage(int stage_id) override;
  void RemoveCachedRdd(int rdd_id) override { blocks_.RemoveRdd(rdd_id); }
  void RemoveShuffle(int shuffle_id) override;

  // Finishes queued tasks and joins the task threads; later launches are dropped. Call
  // before destroying the scheduler that receives the results.
  void Shutdown() override { pool_->Shutdown(); }

 private:
  // The rebuilt stage for `plan`, built on first use by any task thread.
  absl::StatusOr<std::shared_ptr<const StageInstance>> Instance(const v1::StagePlan& plan);

  const int num_threads_;
  MemoryManager memory_;
  BlockManager blocks_;
  ShuffleStore store_;
  LocalShuffleFetcher fetcher_;
  TaskRunner runner_;
  ResultCallback callback_;
  TaskInterrupts interrupts_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::pair<int, int>, std::shared_ptr<const StageInstance>> stages_
      ABSL_GUARDED_BY(mu_);
  // Declared last: destroyed first, so running tasks finish while the rest is alive.
  std::unique_ptr<ThreadPool> pool_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_SCHEDULER_LOCAL_BACKEND_H_
