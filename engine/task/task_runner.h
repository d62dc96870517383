// TaskRunner: runs one task attempt of a rebuilt stage and reports its outcome.
//
// Failures never escape as exceptions or crashes of the executor: a user function that
// throws, an unreadable input, a failed shuffle fetch — each becomes a TaskResult with
// the state and the task's own error message. Whatever the outcome, the result carries
// the attempt's partial accumulator values; the driver decides whether they count.
#ifndef CENTELLA_ENGINE_TASK_TASK_RUNNER_H_
#define CENTELLA_ENGINE_TASK_TASK_RUNNER_H_

#include <string>

#include "engine/memory/memory_manager.h"
#include "engine/shuffle/shuffle_fetcher.h"
#include "engine/shuffle/shuffle_store.h"
#include "engine/storage/block_manager.h"
#include "engine/task/broadcast_source.h"
#include "engine/task/stage_instance.h"
#include "engine/task/task_interrupts.h"
#include "task.pb.h"

namespace centella {

// A result for `task` in `state`, naming the task (id, stage, attempts, partition) as the
// driver matches it; the rest is left to the caller.
v1::TaskResult ResultFor(const v1::TaskDescriptor& task, v1::TaskState state);

// A terminal result for `task` that did not run to completion (its stage could not be
// rebuilt, its executor was lost, ...): `state` with `status`'s code and message.
v1::TaskResult UnfinishedTaskResult(const v1::TaskDescriptor& task, v1::TaskState state,
                                    const absl::Status& status);

class TaskRunner {
 public:
  // `store`, `fetcher` and `broadcasts` must outlive the runner. `executor_id`/`address`
  // are recorded in the map statuses so reducers know where to fetch from.
  TaskRunner(ShuffleStore* store, ShuffleFetcher* fetcher, BroadcastSource* broadcasts,
             std::string executor_id, std::string host, std::string shuffle_address);

  // Tasks then draw their memory from `memory` (which must outlive the runner) and spill
  // into `spill_dir` (which must exist). Call before the first Run.
  void SetMemory(MemoryManager* memory, std::string spill_dir) {
    memory_ = memory;
    spill_dir_ = std::move(spill_dir);
  }

  // Tasks then read and store cached partitions in `blocks` (which must outlive the
  // runner). Call before the first Run.
  void SetBlockManager(BlockManager* blocks) { blocks_ = blocks; }

  // Thread-safe; tasks of any stages may run concurrently. With `interrupt`, the task can
  // be killed: it then ends at its next check with TASK_STATE_KILLED (an attempt killed
  // before it started does not run at all).
  v1::TaskResult Run(const StageInstance& stage, const v1::TaskDescriptor& task,
                     std::shared_ptr<const TaskInterrupt> interrupt = nullptr) const;

 private:
  ShuffleStore* store_;
  ShuffleFetcher* fetcher_;
  BroadcastSource* broadcasts_;
  std::string executor_id_;
  std::string host_;
  std::string shuffle_address_;
  MemoryManager* memory_ = nullptr;
  BlockManager* blocks_ = nullptr;
  std::string spill_dir_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_TASK_TASK_RUNNER_H_
