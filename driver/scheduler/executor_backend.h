// ExecutorBackend: how the task scheduler reaches executors.
//
// Implementations: LocalBackend (local[N]: an in-process executor with N task threads)
// and, for a cluster, a backend over the Executor gRPC service. Both send a stage plan
// once per executor and then small task descriptors.
#ifndef CENTELLA_DRIVER_SCHEDULER_EXECUTOR_BACKEND_H_
#define CENTELLA_DRIVER_SCHEDULER_EXECUTOR_BACKEND_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "task.pb.h"

namespace centella {

struct ExecutorSlots {
  std::string executor_id;
  std::string host;
  int cores = 0;
};

class ExecutorBackend {
 public:
  // Called (from any thread) with the outcome of every launched task.
  using ResultCallback = std::function<void(v1::TaskResult)>;

  virtual ~ExecutorBackend() = default;
  virtual void SetResultCallback(ResultCallback callback) = 0;
  // Called (from any thread) when executors join or leave, so waiting tasks can be
  // offered the new slots. Optional: a backend whose executors never change ignores it.
  virtual void SetExecutorsChangedCallback(std::function<void()> callback) {}
  // Called once if the application can no longer run at all (e.g. the cluster manager
  // ended it); every job then fails with this status instead of waiting for executors.
  virtual void SetApplicationEndedCallback(std::function<void(absl::Status)> callback) {}
  // Called with the address of a shuffle server (an executor daemon) that is gone with
  // its machine: every map output it served is lost. Optional.
  virtual void SetShuffleServerLostCallback(std::function<void(std::string address)> callback) {}
  // Executors currently available and their task slots.
  virtual std::vector<ExecutorSlots> Executors() const = 0;
  // Starts `tasks` of `plan` on `executor_id` (one message on a cluster). Returns
  // immediately; each outcome arrives through the result callback, exactly once per task. A task
  // whose executor is lost before it finishes gets a KILLED result whose message names the
  // executor; it is retried without counting as a failure of the task.
  virtual void LaunchTasks(const std::string& executor_id,
                           std::shared_ptr<const v1::StagePlan> plan,
                           std::vector<v1::TaskDescriptor> tasks) = 0;
  // Asks `executor_id` to kill a running attempt (a cancelled job, an aborted stage): it
  // stops at its next check between batches of records and reports KILLED through the
  // result callback (or finishes first if it was about to). Returns at once.
  virtual void KillTask(const std::string& executor_id, const std::string& task_id,
                        const std::string& reason) = 0;
  // The stage's tasks are all done: executors may drop its rebuilt plan.
  virtual void RemoveStage(int stage_id) = 0;
  // The broadcast was destroyed on the driver: executors drop their copies. Optional: a
  // backend whose tasks read the driver's own objects (local mode) has nothing to drop.
  virtual void RemoveBroadcast(int64_t broadcast_id) {}
  // Drops the cached partitions of an unpersisted RDD on every executor.
  virtual void RemoveCachedRdd(int rdd_id) {}
  // Deletes every map output file of a shuffle no job can read any more, wherever it is
  // stored. Returns at once (a cluster's daemons are told in the background); a failure
  // is logged, never fatal: the files go with the application's directory at the end.
  virtual void RemoveShuffle(int shuffle_id) {}
  // How many tasks wait for a free slot (reported by the task scheduler after every
  // change), for dynamic allocation. Thread-safe; cheap.
  virtual void ReportWaitingTasks(int waiting) {}
  // Stops running tasks and delivering results, and releases the executors. Call before
  // destroying the scheduler that receives the results. Idempotent.
  virtual void Shutdown() = 0;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_SCHEDULER_EXECUTOR_BACKEND_H_
