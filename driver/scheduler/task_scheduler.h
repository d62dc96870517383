// TaskScheduler: places the tasks of running stages onto executor slots, and retries
// failed tasks.
//
// Owned and called only by the DAG scheduler's event loop (not thread-safe). Tasks are
// served FIFO by stage submission order.
//
// Short tasks are pipelined: while the recent average task lasts under
// kPipelineBelow, each executor is given up to kPipelineDepth tasks per core (never more
// than its fair share of the outstanding tasks), so a core never waits a network round
// trip for its next task. Longer tasks get one per core, which keeps the end of a stage
// balanced and leaves work for executors that join mid-stage. A task that fails is retried (on the next free
// slot) until it has failed `max_task_failures` times; fetch failures are not retried
// here — the DAG scheduler recomputes the missing map output instead.
#ifndef CENTELLA_DRIVER_SCHEDULER_TASK_SCHEDULER_H_
#define CENTELLA_DRIVER_SCHEDULER_TASK_SCHEDULER_H_

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "driver/scheduler/executor_backend.h"
#include "task.pb.h"

namespace centella {

class TaskScheduler {
 public:
  TaskScheduler(ExecutorBackend* backend, int max_task_failures);

  // Called for every task attempt as it is handed to an executor, before the backend
  // sends it (so before its result can arrive). Optional.
  using LaunchCallback =
      std::function<void(const v1::TaskDescriptor& task, const std::string& executor_id)>;
  void SetLaunchCallback(LaunchCallback on_launch) { on_launch_ = std::move(on_launch); }

  // Queues one task per descriptor (attempt numbers are assigned here) and launches what
  // fits in free slots.
  void Submit(std::shared_ptr<const v1::StagePlan> plan, std::vector<v1::TaskDescriptor> tasks);

  enum class Verdict {
    kFinished,     // the task succeeded
    kFetchFailed,  // the task could not read a shuffle block
    kRetrying,     // the task failed and was queued again
    kResubmitted,  // its executor was lost; queued again without counting a failure
    kGaveUp,       // the task failed max_task_failures times
    kIgnored,      // a result for a cancelled stage attempt or an unknown task
  };
  // Accounts for a task's outcome, frees its slot and launches waiting tasks.
  Verdict OnResult(const v1::TaskResult& result);

  // Drops queued tasks of `stage_id` and ignores results of its running ones.
  void CancelStage(int stage_id);

  // Offers free slots (e.g. of executors that just joined) to queued tasks.
  void Revive() { LaunchReady(); }

  int RunningTasksOfStage(int stage_id) const {
    int n = 0;
    for (const auto& [id, entry] : running_) n += entry.second.task.stage_id() == stage_id;
    return n;
  }


 private:
  struct Pending {
    std::shared_ptr<const v1::StagePlan> plan;
    v1::TaskDescriptor task;
  };
  void LaunchReady();

  static constexpr int kPipelineDepth = 8;
  static constexpr double kPipelineBelowMicros = 20000;
  int SlotsPerCore() const {
    return avg_task_micros_ < kPipelineBelowMicros ? kPipelineDepth : 1;
  }

  ExecutorBackend* backend_;
  const int max_task_failures_;
  LaunchCallback on_launch_;
  // Exponential moving average of task run times; starts "long" (no pipelining) until
  // tasks have shown they are short.
  double avg_task_micros_ = 1e9;
  std::deque<Pending> queue_;
  // task_id -> (executor, the pending entry, for a retry)
  absl::flat_hash_map<std::string, std::pair<std::string, Pending>> running_;
  absl::flat_hash_map<std::string, int> busy_cores_;
  // (stage, partition) -> launches so far / failures so far.
  absl::flat_hash_map<std::pair<int, int>, int> launches_;
  absl::flat_hash_map<std::pair<int, int>, int> failures_;
  absl::flat_hash_set<int> cancelled_stages_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_SCHEDULER_TASK_SCHEDULER_H_
