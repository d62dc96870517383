// TaskContext: everything one running task may use besides its records — its identity,
// the shuffle inputs it reads, where it writes map output, and its metrics.
//
// Owned by the executor for the duration of one task attempt; used only by the thread
// running that task.
#ifndef CENTELLA_EXECUTOR_TASK_TASK_CONTEXT_H_
#define CENTELLA_EXECUTOR_TASK_TASK_CONTEXT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "task.pb.h"

namespace centella {

class ShuffleStore;
class ShuffleFetcher;

class TaskContext {
 public:
  // All pointers must outlive the context.
  TaskContext(const v1::TaskDescriptor* task, ShuffleStore* store, ShuffleFetcher* fetcher)
      : task_(task), store_(store), fetcher_(fetcher) {}

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

  v1::TaskMetrics& metrics() { return metrics_; }

 private:
  const v1::TaskDescriptor* task_;
  ShuffleStore* store_;
  ShuffleFetcher* fetcher_;
  v1::TaskMetrics metrics_;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_TASK_TASK_CONTEXT_H_
