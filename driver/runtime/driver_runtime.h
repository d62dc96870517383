// DriverRuntime: the engine's side of a Context — the schedulers, the executor backend,
// the shared variables' registries, lineage ids, and the services the RDD implementation
// calls (InitNode, NewShuffleId, RunJob, Unpersist, the checkpoint directory).
//
// Not for jobs: a job holds a Context, whose public methods are the user API; Rdd,
// Accumulator and Broadcast reach the runtime through it as friends. Streaming and the
// DataFrame layer build on this class, not on Context's internals.
//
// Lifecycle: Create builds the backend (local[N] or a cluster application), the DAG
// scheduler on its event loop and the listeners; destruction stops the backend's task
// threads first, then the scheduler, then the backend, and removes the scratch directory.
//
// Thread safety: every method may be called from any thread; RunJob blocks the caller
// until the job ends, SubmitJob does not (several jobs may run at once from different
// threads, sharing the executors as centella.scheduler.mode says).
#ifndef CENTELLA_DRIVER_RUNTIME_DRIVER_RUNTIME_H_
#define CENTELLA_DRIVER_RUNTIME_DRIVER_RUNTIME_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/config/conf.h"
#include "driver/accumulator/accumulator_registry.h"
#include "driver/api/context_options.h"
#include "driver/broadcast/broadcast_manager.h"
#include "driver/dag/dag_scheduler_stats.h"
#include "driver/runtime/context_cleaner.h"
#include "driver/runtime/job_completion.h"
#include "driver/runtime/master_url.h"
#include "engine/task/node.h"
#include "engine/task/stage_runner.h"

namespace centella {

class ConsoleProgressBar;
class DagScheduler;
class EventLog;
class ExecutorBackend;
class FanOutListener;
class SharedSecret;

class DriverRuntime {
 public:
  // InvalidArgument for a malformed master or configuration; FailedPrecondition when the
  // scratch directory cannot be made; a cluster's errors when its manager refuses.
  static absl::StatusOr<std::unique_ptr<DriverRuntime>> Create(ContextOptions options);
  ~DriverRuntime();

  DriverRuntime(const DriverRuntime&) = delete;
  DriverRuntime& operator=(const DriverRuntime&) = delete;

  const std::string& app_id() const { return app_id_; }
  const std::string& app_name() const { return app_name_; }
  const Conf& conf() const { return conf_; }
  const MasterUrl& master() const { return master_; }
  int default_parallelism() const { return default_parallelism_; }
  // The largest byte range of an input file one text_file() partition reads.
  uint64_t max_split_bytes() const { return max_split_bytes_; }
  int num_executors() const;

  AccumulatorRegistry& accumulators() { return *accumulators_; }
  BroadcastManager& broadcasts() { return *broadcasts_; }
  // Broadcast::destroy(): frees the value here and tells the executors to drop theirs.
  absl::Status DestroyBroadcast(int64_t id);

  // Gives `node` a fresh RDD id, its partition count and narrow parents.
  void InitNode(NodeBase& node, int num_partitions,
                std::vector<std::shared_ptr<NodeBase>> parents = {});
  int NewShuffleId() { return next_shuffle_id_++; }
  // The release hook of every ShuffleDependency: removes the shuffle once nothing can
  // read it (see ContextCleaner).
  std::function<void(int shuffle_id)> ShuffleReleaseHook();
  // What the scheduler holds now (jobs, stages, shuffles); see DagSchedulerStats.
  DagSchedulerStats SchedulerStats() const;
  // Drops a persisted RDD's cached partitions everywhere (Rdd::unpersist).
  void Unpersist(int rdd_id);
  // <centella.checkpoint.dir>/<app id>, absolute; FailedPrecondition when not configured.
  absl::StatusOr<std::string> CheckpointDir() const;
  // Runs `runner` over `partitions` of `root` and returns each partition's result, in
  // the order of `partitions`; the first error of a job that failed.
  absl::StatusOr<std::vector<std::string>> RunJob(std::shared_ptr<NodeBase> root,
                                                  std::shared_ptr<StageRunner> runner,
                                                  std::vector<int> partitions,
                                                  std::string description);
  // The same without waiting: the job's completion (its id, outcome, callbacks, cancel).
  std::shared_ptr<JobCompletion> SubmitJob(std::shared_ptr<NodeBase> root,
                                           std::shared_ptr<StageRunner> runner,
                                           std::vector<int> partitions, std::string description);
  // Cancels a running job (its running tasks are killed); see DagScheduler::CancelJob.
  void CancelJob(int job_id, std::string reason);
  void CancelAllJobs(std::string reason);
  // The scheduling pool of the jobs this thread submits from now on ("default" until
  // set); it matters in FAIR mode.
  void SetSchedulerPool(std::string pool);
  std::string SchedulerPool() const;

 private:
  DriverRuntime() = default;

  std::string app_id_;
  std::string app_name_;
  MasterUrl master_;
  Conf conf_;
  int default_parallelism_ = 1;
  uint64_t max_split_bytes_ = 0;
  std::string local_dir_;
  std::atomic<int> next_rdd_id_{0};
  std::atomic<int> next_shuffle_id_{0};
  // Shared variables: used by the backend and the scheduler, so they outlive both.
  std::unique_ptr<AccumulatorRegistry> accumulators_;
  std::unique_ptr<BroadcastManager> broadcasts_;
  std::unique_ptr<SharedSecret> secret_;  // cluster mode: outlives the backend
  // Drawn on stderr when it is a terminal (centella.ui.showConsoleProgress); else null.
  std::unique_ptr<ConsoleProgressBar> progress_bar_;
  // centella.eventLog.dir; else null.
  std::unique_ptr<EventLog> event_log_;
  // The scheduler's listener: the progress bar and the user's listener. Outlives it.
  std::unique_ptr<FanOutListener> listeners_;
  std::unique_ptr<ExecutorBackend> backend_;
  std::unique_ptr<DagScheduler> scheduler_;
  // Removes unreachable shuffles; stopped before the scheduler goes.
  std::shared_ptr<ContextCleaner> cleaner_;
  // Runs JobCompletion callbacks (one thread: a job's callbacks never race each other).
  // Declared last: destroyed first, running what is queued while the scheduler lives.
  std::unique_ptr<ThreadPool> callbacks_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_RUNTIME_DRIVER_RUNTIME_H_
