// TaskInterrupts: the task attempts an executor runs now, by task id, each with a flag
// that a kill request (Spark's killTask with interruptThread) raises.
//
// A running task sees the flag through its TaskContext: the record loop of every stage
// (RunPipeline) checks it between batches and ends the task with a Cancelled status,
// which TaskRunner reports as TASK_STATE_KILLED. User code that runs long without
// returning to the loop can poll TaskContext::Current()->interrupted() itself. A kill
// that arrives before the task starts is kept: the task then ends as soon as it starts.
//
// Thread-safe: the driver's messages raise flags while task threads read them.
#ifndef CENTELLA_ENGINE_TASK_TASK_INTERRUPTS_H_
#define CENTELLA_ENGINE_TASK_TASK_INTERRUPTS_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace centella {

// One attempt's flag. Read with a relaxed load: a kill may be noticed one batch late.
class TaskInterrupt {
 public:
  bool raised() const { return raised_.load(std::memory_order_relaxed); }
  // The reason given with the first kill ("" while not raised).
  std::string reason() const ABSL_LOCKS_EXCLUDED(mu_);
  void Raise(const std::string& reason) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  std::atomic<bool> raised_{false};
  mutable absl::Mutex mu_;
  std::string reason_ ABSL_GUARDED_BY(mu_);
};

class TaskInterrupts {
 public:
  // The flag of `task_id`, created on first use (by the launch or by an early kill).
  // Call Finished() when the attempt has ended, so the table stays as small as the set
  // of running tasks.
  std::shared_ptr<TaskInterrupt> Track(const std::string& task_id) ABSL_LOCKS_EXCLUDED(mu_);
  void Finished(const std::string& task_id) ABSL_LOCKS_EXCLUDED(mu_);

  // Raises the flag of `task_id`. A kill of a task not seen yet is remembered so that a
  // launch racing with it still stops; what a kill of an already finished task leaves
  // behind is dropped with its stage (ForgetStage).
  void Kill(const std::string& task_id, const std::string& reason) ABSL_LOCKS_EXCLUDED(mu_);
  // Drops every entry of `stage_id` (task ids are "<stage>.<partition>.<attempt>").
  void ForgetStage(int stage_id) ABSL_LOCKS_EXCLUDED(mu_);

  // Tasks tracked now (running or killed before they started).
  int size() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<TaskInterrupt>> tasks_ ABSL_GUARDED_BY(mu_);
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_TASK_TASK_INTERRUPTS_H_
