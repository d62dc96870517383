// TaskContext: everything one running task may use besides its records — its identity,
// the shuffle inputs it reads, where it writes map output, its share of the executor's
// memory, where it spills, its metrics, its partial accumulator values and the broadcast
// values it reads.
//
// Owned by the executor for the duration of one task attempt; used only by the thread
// running that task. While TaskRunner runs the attempt, Current() returns it on that
// thread, which is how user functions reach it (Accumulator::add, Broadcast::value)
// without it being passed through every operator — and how a user function can ask
// which partition and attempt it runs in (Spark's TaskContext.get()).
#ifndef CENTELLA_ENGINE_TASK_TASK_CONTEXT_H_
#define CENTELLA_ENGINE_TASK_TASK_CONTEXT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/memory/memory_manager.h"
#include "engine/memory/spill_file.h"
#include "engine/storage/block_manager.h"
#include "engine/task/broadcast_source.h"
#include "engine/task/task_accumulators.h"
#include "engine/task/task_interrupts.h"
#include "task.pb.h"

namespace centella {

class ShuffleStore;
class ShuffleFetcher;

class TaskContext {
 public:
  // All pointers must outlive the context. `broadcasts` may be null when the task uses
  // no broadcast variable (a use is then an Internal error). Without a memory manager
  // every memory request is granted; without a spill directory spills go to the system's
  // temporary directory.
  TaskContext(const v1::TaskDescriptor* task, ShuffleStore* store, ShuffleFetcher* fetcher,
              BroadcastSource* broadcasts = nullptr, MemoryManager* memory = nullptr,
              std::string spill_dir = "");

  // The context of the task attempt running on this thread, or null outside a task (on
  // the driver's own threads, for example).
  static TaskContext* Current();

  // Makes `ctx` the current task of this thread for the scope's lifetime.
  class ScopedCurrent {
   public:
    explicit ScopedCurrent(TaskContext* ctx);
    ~ScopedCurrent();
    ScopedCurrent(const ScopedCurrent&) = delete;
    ScopedCurrent& operator=(const ScopedCurrent&) = delete;

   private:
    TaskContext* previous_;
  };

  int stage_id() const { return task_->stage_id(); }
  int partition() const { return task_->partition(); }
  // 0 for the first attempt of this partition in the application, then 1, 2, ... for
  // retries and re-runs after an executor loss.
  int attempt() const { return task_->attempt(); }
  const v1::TaskDescriptor& descriptor() const { return *task_; }

  // Reads every block of `shuffle_id` for `reduce_id`. Fetch failures carry the block.
  absl::Status FetchShuffle(
      int shuffle_id, int reduce_id,
      absl::FunctionRef<absl::Status(int map_id, std::string_view block)> consume);

  // Writes this task's map output for `shuffle_id` (one raw block per reduce partition)
  // and returns the stored block sizes.
  absl::StatusOr<std::vector<uint64_t>> WriteShuffle(int shuffle_id,
                                                     const std::vector<std::string>& blocks);
  // The same with blocks produced one at a time (see ShuffleStore::WriteMapOutput).
  absl::StatusOr<std::vector<uint64_t>> WriteShuffle(
      int shuffle_id, int num_blocks,
      absl::FunctionRef<absl::Status(int reduce_id, std::string* raw)> produce);

  // This task's grant of the executor's memory (released when the context goes away).
  TaskMemory& memory() { return memory_; }
  // A new spill file for this task, deleted when the returned object is; its bytes are
  // counted in the task's spilled_bytes once `file` is finished (RecordSpill).
  absl::StatusOr<std::unique_ptr<SpillFile>> CreateSpillFile();
  void RecordSpill(int64_t bytes) { metrics_.set_spilled_bytes(metrics_.spilled_bytes() + bytes); }

  // The value of a broadcast variable, from the executor's source on the first use in
  // this task, then from this context: the value stays alive until the task ends even
  // if the broadcast is destroyed meanwhile. Errors as BroadcastSource::Get.
  absl::StatusOr<const void*> Broadcast(const BroadcastRef& ref, BroadcastDecoder decode);

  TaskAccumulators& accumulators() { return accumulators_; }
  // The executor's cached RDD partitions (persist), or null when the executor has none.
  BlockManager* blocks() const { return blocks_; }
  void set_blocks(BlockManager* blocks) { blocks_ = blocks; }
  // Blocks this task stored or evicted, reported to the driver with the task's result.
  void RecordCachedBlock(BlockId id) { cached_blocks_.push_back(id); }
  void RecordDroppedBlocks(const std::vector<BlockId>& ids) {
    dropped_blocks_.insert(dropped_blocks_.end(), ids.begin(), ids.end());
  }
  const std::vector<BlockId>& cached_blocks() const { return cached_blocks_; }
  const std::vector<BlockId>& dropped_blocks() const { return dropped_blocks_; }

  v1::TaskMetrics& metrics() { return metrics_; }

  // The attempt's kill flag (see TaskInterrupts); none: the task cannot be killed.
  void set_interrupt(std::shared_ptr<const TaskInterrupt> interrupt) {
    interrupt_ = std::move(interrupt);
  }
  // True once the driver asked to kill this attempt. Cheap: checked between batches.
  bool interrupted() const { return interrupt_ != nullptr && interrupt_->raised(); }
  // Cancelled, naming the task and the reason of the kill.
  absl::Status InterruptedStatus() const;

 private:
  std::shared_ptr<const TaskInterrupt> interrupt_;
  const v1::TaskDescriptor* task_;
  ShuffleStore* store_;
  ShuffleFetcher* fetcher_;
  BroadcastSource* broadcasts_;
  TaskMemory memory_;
  std::string spill_dir_;
  int spill_files_ = 0;
  BlockManager* blocks_ = nullptr;
  std::vector<BlockId> cached_blocks_;
  std::vector<BlockId> dropped_blocks_;
  v1::TaskMetrics metrics_;
  TaskAccumulators accumulators_;
  absl::flat_hash_map<int64_t, std::shared_ptr<const void>> broadcast_values_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_TASK_TASK_CONTEXT_H_
