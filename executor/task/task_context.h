// TaskContext: everything one running task may use besides its records — its identity,
// the shuffle inputs it reads, where it writes map output, its share of the executor's
// memory, where it spills, and its metrics.
//
// Owned by the executor for the duration of one task attempt; used only by the thread
// running that task.
#ifndef CENTELLA_EXECUTOR_TASK_TASK_CONTEXT_H_
#define CENTELLA_EXECUTOR_TASK_TASK_CONTEXT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "executor/memory/memory_manager.h"
#include "executor/memory/spill_file.h"
#include "task.pb.h"

namespace centella {

class ShuffleStore;
class ShuffleFetcher;

class TaskContext {
 public:
  // All pointers must outlive the context. Without a memory manager every memory request
  // is granted; without a spill directory spills go to the system's temporary directory.
  TaskContext(const v1::TaskDescriptor* task, ShuffleStore* store, ShuffleFetcher* fetcher,
              MemoryManager* memory = nullptr, std::string spill_dir = "");

  int stage_id() const { return task_->stage_id(); }
  int partition() const { return task_->partition(); }
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

  v1::TaskMetrics& metrics() { return metrics_; }

 private:
  const v1::TaskDescriptor* task_;
  ShuffleStore* store_;
  ShuffleFetcher* fetcher_;
  TaskMemory memory_;
  std::string spill_dir_;
  int spill_files_ = 0;
  v1::TaskMetrics metrics_;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_TASK_TASK_CONTEXT_H_
