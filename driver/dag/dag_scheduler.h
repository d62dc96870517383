// DagScheduler: turns an action over a lineage graph into stages and runs them.
//
// Lineage is cut at shuffle dependencies: one map stage per shuffle, one result stage per
// job. Map stages are shared across jobs and skipped while their outputs exist. All
// scheduling state is owned by one event-loop thread. SubmitJob may be called from any
// thread and returns at once; RunJob blocks its caller until the job ends. Jobs of many
// threads run at once, sharing the executors as the SchedulingPolicy says.
//
// A job that fails or is cancelled stops what only it needed: its stages are cancelled
// and their running tasks killed on the executors (stages another running job still
// needs go on). It ends once those tasks have stopped (they may be writing its output),
// or after failed_job_task_wait.
#ifndef CENTELLA_DRIVER_DAG_DAG_SCHEDULER_H_
#define CENTELLA_DRIVER_DAG_DAG_SCHEDULER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/event_loop/event_loop.h"
#include "driver/accumulator/accumulator_registry.h"
#include "driver/dag/dag_scheduler_stats.h"
#include "driver/dag/scheduler_listener.h"
#include "driver/dag/stage.h"
#include "driver/scheduler/executor_backend.h"
#include "driver/scheduler/map_output_registry.h"
#include "driver/scheduler/scheduling_policy.h"
#include "driver/scheduler/task_scheduler.h"

namespace centella {

struct DagSchedulerOptions {
  std::string app_id;
  // Failures of one task before its job is aborted (centella.task.maxFailures).
  int max_task_failures = 4;
  // Consecutive fetch-failure resubmissions of one stage before its job is aborted.
  int max_stage_attempts = 4;
  // Optional observer; must outlive the scheduler.
  SchedulerListener* listener = nullptr;
  // Where counted tasks' accumulator updates are merged (null: they are dropped); must
  // outlive the scheduler. A task counts when it succeeded and is the first to complete
  // its partition: in a result stage the result the job keeps, in a map stage the first
  // success in the stage's current attempt.
  AccumulatorRegistry* accumulators = nullptr;
  // How long a task that reads a cached partition waits for the executor holding it.
  absl::Duration locality_wait = absl::Seconds(3);
  // How long jobs wait while the application has no executor at all before they fail
  // with the reason (centella.scheduler.noExecutorsTimeout; zero waits forever). The wait
  // is logged when it starts and when it ends.
  absl::Duration no_executors_timeout = absl::Minutes(2);
  // Copies of slow tasks (centella.speculation*); off by default.
  TaskScheduler::SpeculationOptions speculation;
  // How long a failed job waits for its result stage's running tasks to stop before it
  // ends anyway (a task stuck in user code must not hold the failure back forever).
  absl::Duration failed_job_task_wait = absl::Seconds(30);
  // Every timeout, delay and timestamp of the scheduler reads this clock (tests give a
  // FakeClock); not owned, must outlive the scheduler.
  Clock* clock = &RealClock();
  // How concurrent jobs share the executors (centella.scheduler.mode and pools).
  SchedulingPolicy scheduling;
};

class DagScheduler {
 public:
  // `backend` must outlive the scheduler and stop delivering results (e.g.
  // LocalBackend::Shutdown) before the scheduler is destroyed.
  DagScheduler(ExecutorBackend* backend, DagSchedulerOptions options);
  ~DagScheduler();

  using JobCallback = std::function<void(absl::StatusOr<std::vector<std::string>>)>;

  // Starts computing `partitions` of `root` with `runner`; returns the job's id at once.
  // `done` is called exactly once — on the scheduler's loop thread, so it must be quick
  // and must not wait for another job — with each partition's result in the order of
  // `partitions`, or the error: the lineage's own build error (e.g. a missing input,
  // then before SubmitJob returns), a failure naming the stage, the task and its last
  // error, or Cancelled. `pool` is the job's scheduling pool (FAIR mode).
  int SubmitJob(std::shared_ptr<NodeBase> root, std::shared_ptr<StageRunner> runner,
                std::vector<int> partitions, std::string description, std::string pool,
                JobCallback done);

  // SubmitJob, then waits for the outcome.
  absl::StatusOr<std::vector<std::string>> RunJob(std::shared_ptr<NodeBase> root,
                                                  std::shared_ptr<StageRunner> runner,
                                                  std::vector<int> partitions,
                                                  std::string description,
                                                  std::string pool = "default");

  // Cancels a running job: it ends with Cancelled("job <id> cancelled: <reason>") and its
  // running tasks are killed. A job that has ended already is left alone. Thread-safe.
  void CancelJob(int job_id, std::string reason);
  // CancelJob for every job running now.
  void CancelAllJobs(std::string reason);

  // unpersist(): forgets where the RDD's partitions were cached. Thread-safe.
  void ForgetCachedRdd(int rdd_id);

  // The shuffle can no longer be read by any job (its ShuffleDependency is gone): forgets
  // its map outputs and deletes its files on the executors. Thread-safe and non-blocking
  // (it may be called on the loop thread itself).
  void RemoveShuffle(int shuffle_id);

  // A snapshot taken on the loop (waits for it); zeros once the loop has stopped.
  DagSchedulerStats Stats();

 private:
  struct Job {
    int id;
    Stage* stage;
    std::vector<int> partitions;
    absl::flat_hash_map<int, int> slot_of_partition;
    std::vector<std::optional<std::string>> results;
    int remaining;
    std::string description;
    absl::Time started;
    std::function<void(absl::StatusOr<std::vector<std::string>>)> done;
    // Set while a failed job waits for its running tasks to stop.
    std::optional<absl::Status> failure;
  };

  // Loop-thread handlers.
  void HandleJobSubmitted(std::unique_ptr<Job> job, std::shared_ptr<NodeBase> root,
                          std::shared_ptr<StageRunner> runner, std::string pool);
  void HandleTaskResult(v1::TaskResult result);
  // Merges the accumulator updates of a task that counts (see DagSchedulerOptions).
  void MergeAccumulators(const Stage& stage, const v1::TaskResult& result);

  Stage* GetOrCreateMapStage(const std::shared_ptr<ShuffleDependency>& dep);
  std::vector<Stage*> ParentStages(const NodeBase& root);
  void SubmitStage(Stage* stage);
  // Starts or ends a no-executors episode; see DagSchedulerOptions::no_executors_timeout.
  void CheckExecutors();
  void OnNoExecutorsTimeout(absl::Time since);
  void SubmitMissingTasks(Stage* stage);
  void MarkStageFinished(Stage* stage);
  void SubmitWaitingStages();
  void HandleFetchFailure(Stage* stage, const v1::TaskResult& result);
  void ForgetFailedFetch(const v1::FetchFailure& ff);
  void ResubmitFailedStages();
  // The job whose exclusions apply to the stage's tasks (-1: none is running).
  int JobOf(Stage* stage) const;
  void AbortStage(Stage* stage, const absl::Status& reason);
  // Cancels the stages `job` uses that no other running job needs, and kills their
  // running tasks with `reason`.
  void StopStagesOnlyFor(const Job& job, const absl::Status& reason);
  // Ends `job`. A failed job whose result stage still has running tasks ends when they
  // have stopped (they may be writing its output) or after failed_job_task_wait, unless
  // `now` is set.
  void FinishJob(Job* job, absl::StatusOr<std::vector<std::string>> outcome, bool now = false);
  // Drops the stages no running job uses (posted after a job ends, so that no handler
  // up the stack still holds one): what a later job needs again is rebuilt from its
  // lineage, and its map outputs, kept by shuffle id, are found registered.
  void ForgetUnusedStages();
  // Removes `stage` from every table of this scheduler and of the task scheduler.
  void ForgetStage(Stage* stage);
  bool StageUsedByJob(Stage* stage, const Job& job) const;
  StageInfo Info(const Stage& stage) const;

  const DagSchedulerOptions options_;
  ExecutorBackend* backend_;

  // Loop-owned state.
  TaskScheduler task_scheduler_;
  MapOutputRegistry map_outputs_;
  int next_stage_id_ = 0;
  std::atomic<int> next_job_id_{0};  // assigned by SubmitJob, on the caller's thread
  absl::flat_hash_map<int, std::unique_ptr<Stage>> stages_;
  absl::flat_hash_map<int, Stage*> shuffle_stages_;  // shuffle id -> its map stage
  absl::flat_hash_map<int, std::unique_ptr<Job>> jobs_;
  absl::flat_hash_set<Stage*> waiting_;
  absl::flat_hash_set<Stage*> running_;
  // Stages stopped by a fetch failure, resubmitted together after kResubmitDelay.
  absl::flat_hash_set<int> failed_stages_;
  static constexpr absl::Duration kResubmitDelay = absl::Milliseconds(200);
  // Set when the backend reports the application over: every job fails with it.
  absl::Status application_ended_;
  // Since when jobs have been waiting with no executor registered (one episode).
  std::optional<absl::Time> no_executors_since_;
  bool forget_pending_ = false;
  int64_t shuffles_removed_ = 0;

  // Declared last so it is destroyed first: no handler runs once members are gone.
  std::unique_ptr<EventLoop> loop_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_DAG_DAG_SCHEDULER_H_
