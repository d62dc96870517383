// TaskScheduler: places the tasks of running stages onto executor slots, and retries
// failed tasks.
//
// Owned and called only by the DAG scheduler's event loop (not thread-safe). Each job has
// its own queue, served in submission order; which job a free slot goes to is the
// SchedulingPolicy's choice (FIFO: the oldest job; FAIR: pools and jobs by their share).
//
// Short tasks are pipelined: while the recent average task lasts under
// kPipelineBelow, each executor is given up to kPipelineDepth tasks per core (never more
// than its fair share of the outstanding tasks), so a core never waits a network round
// trip for its next task. Longer tasks get one per core, which keeps the end of a stage
// balanced and leaves work for executors that join mid-stage. A task that fails is retried (on the
// next free slot) until it has failed `max_task_failures` times; fetch failures are not retried
// here — the DAG scheduler recomputes the missing map output instead.
//
// A failed task is retried on another executor when there is one, and an executor on
// which kMaxFailedTasksPerExecutor different tasks of a job failed gets no more tasks of
// that job (Spark's exclude-on-failure) — unless no other executor is left, so that
// exclusion can slow a job down but never hang it.
//
// Speculation (off by default): once a stage has finished `quantile` of its tasks, a task
// running longer than max(min_run_time, multiplier x the median finished task) gets a
// copy, on another executor when there is one. The first attempt to succeed is the
// task's result; the other's result is ignored (the DAG scheduler keeps the first), and
// its failure is not retried.
//
// Cache locality (delay scheduling, as Spark): a task that reads a cached partition goes
// to an executor holding it; it waits up to the locality wait for one of them to have a
// free slot before it runs anywhere (and never waits for executors that are gone).
#ifndef CENTELLA_DRIVER_SCHEDULER_TASK_SCHEDULER_H_
#define CENTELLA_DRIVER_SCHEDULER_TASK_SCHEDULER_H_

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "driver/scheduler/cache_locations.h"
#include "driver/scheduler/executor_backend.h"
#include "driver/scheduler/scheduling_policy.h"
#include "task.pb.h"

namespace centella {

class TaskScheduler {
 public:
  // `clock` times locality waits and speculation; not owned, must outlive the scheduler.
  TaskScheduler(ExecutorBackend* backend, int max_task_failures, Clock& clock = RealClock());

  // Called for every task attempt as it is handed to an executor, before the backend
  // sends it (so before its result can arrive). Optional.
  using LaunchCallback =
      std::function<void(const v1::TaskDescriptor& task, const std::string& executor_id)>;
  void SetLaunchCallback(LaunchCallback on_launch) { on_launch_ = std::move(on_launch); }

  // Queues one task per descriptor (attempt numbers and epochs are assigned at launch)
  // and launches what fits in free slots. A task prefers the executors holding its
  // partition of any of `cached_rdds` (persisted RDDs whose partition p is read by the
  // stage's partition p). `job_id` is the job the tasks run for (exclusion is per job).
  // A map stage gives its `shuffle_id`: attempt numbers then count per map partition of
  // the shuffle, across every stage that ever computes it, so that a recomputed output
  // never takes the file name (map, attempt) of one that a stale reader may still fetch.
  void Submit(std::shared_ptr<const v1::StagePlan> plan, std::vector<v1::TaskDescriptor> tasks,
              const std::vector<int>& cached_rdds = {}, int job_id = 0,
              std::optional<int> shuffle_id = std::nullopt);
  // The shuffle is gone: forget its attempt counts.
  void ForgetShuffle(int shuffle_id);

  // Where a task's map-output epoch comes from: read at each launch, so a task queued
  // before outputs were lost (a retry, a task waiting for a slot) carries the epoch it
  // actually ran under. Without a source, tasks keep the epoch they were submitted with.
  void SetEpochSource(std::function<int64_t()> epoch) { epoch_ = std::move(epoch); }

  // How slots are shared between jobs (default FIFO). Call before the first Submit.
  void SetPolicy(SchedulingPolicy policy) { policy_ = std::move(policy); }
  // The job's pool (FAIR scheduling); a job never started counts in the default pool.
  void JobStarted(int job_id, std::string pool) { job_pools_[job_id] = std::move(pool); }

  // Forgets the job's exclusions and pool.
  void JobEnded(int job_id) {
    job_pools_.erase(job_id);
    excluded_.erase(job_id);
    absl::erase_if(failed_partitions_,
                   [job_id](const auto& kv) { return kv.first.first == job_id; });
  }

  // Forgets everything kept about the stage (attempts, failures, successes, run times) and
  // drops its queued tasks: its DAG stage is gone. Its tasks still running keep their
  // slots until their results arrive; those results are then ignored.
  void ForgetStage(int stage_id);
  // Stages something is kept about (live stages plus forgotten ones with running tasks'
  // bookkeeping): bounded by the stages in use, however many jobs have run.
  int tracked_stages() const { return static_cast<int>(current_attempt_.size()); }

  // How long a task waits for a preferred executor (default 3 s, as Spark's
  // spark.locality.wait); `revive_after(d)` must call Revive() after d, from the owner's
  // loop, to launch tasks whose wait has run out.
  void SetLocalityWait(absl::Duration wait, std::function<void(absl::Duration)> revive_after) {
    locality_wait_ = wait;
    revive_after_ = std::move(revive_after);
  }
  CacheLocations& cache_locations() { return cache_; }

  struct SpeculationOptions {
    bool enabled = false;
    double quantile = 0.75;
    double multiplier = 1.5;
    absl::Duration min_run_time = absl::Milliseconds(100);
    absl::Duration interval = absl::Milliseconds(100);
  };
  // `check_after(d)` must call CheckSpeculation() after d, from the owner's loop.
  void SetSpeculation(SpeculationOptions options, std::function<void(absl::Duration)> check_after) {
    speculation_ = options;
    check_after_ = std::move(check_after);
  }
  // Queues copies of slow tasks (see above) and schedules the next check while tasks run.
  void CheckSpeculation();
  int speculative_launches() const { return speculative_launches_; }
  // Executors excluded for `job_id` after repeated task failures there.
  std::vector<std::string> ExcludedExecutors(int job_id) const {
    auto it = excluded_.find(job_id);
    if (it == excluded_.end()) return {};
    return std::vector<std::string>(it->second.begin(), it->second.end());
  }

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
  void Revive() {
    revive_pending_ = false;
    LaunchReady();
  }

  int RunningTasksOfStage(int stage_id) const {
    int n = 0;
    for (const auto& [id, entry] : running_) n += entry.second.task.stage_id() == stage_id;
    return n;
  }
  // (task id, executor id) of every attempt of `stage_id` running now.
  std::vector<std::pair<std::string, std::string>> RunningAttemptsOfStage(int stage_id) const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [id, entry] : running_) {
      if (entry.second.task.stage_id() == stage_id) out.emplace_back(id, entry.first);
    }
    return out;
  }
  // Tasks queued for a slot, of every job.
  int queued() const { return queued_; }

 private:
  Clock& clock_;
  struct Pending {
    std::shared_ptr<const v1::StagePlan> plan;
    v1::TaskDescriptor task;
    std::vector<std::string> preferred;  // executors holding its cached input
    absl::Time queued;
    std::vector<std::string> failed_on;  // executors where earlier attempts failed
    absl::Time launched;                 // when it was handed to an executor
    int job_id = 0;
    bool constrained() const { return !preferred.empty() || !failed_on.empty(); }
  };
  // Whether `p` may run on `executor` now: not where it failed or where its stage is
  // excluded, unless no other live executor would take it.
  bool Allowed(const Pending& p, const std::string& executor,
               const absl::flat_hash_set<std::string>& alive) const;
  void LaunchReady();
  void Enqueue(Pending p);
  // The next task for `executor`, from the first job in the policy's order that has one
  // it may run; nullopt if every queued task waits for another executor.
  std::optional<Pending> Take(const std::string& executor,
                              const absl::flat_hash_set<std::string>& alive, absl::Time now);
  // The index in `queue` of the next task for `executor`: one that prefers it, else one
  // free to run anywhere; -1 if every task there waits for another executor.
  int NextTaskFor(const std::deque<Pending>& queue, const std::string& executor,
                  const absl::flat_hash_set<std::string>& alive, absl::Time now) const;

  static constexpr int kPipelineDepth = 8;
  static constexpr double kPipelineBelowMicros = 20000;
  int SlotsPerCore() const { return avg_task_micros_ < kPipelineBelowMicros ? kPipelineDepth : 1; }

  ExecutorBackend* backend_;
  const int max_task_failures_;
  LaunchCallback on_launch_;
  // Exponential moving average of task run times; starts "long" (no pipelining) until
  // tasks have shown they are short.
  double avg_task_micros_ = 1e9;
  // job id -> its queued tasks (ordered: FIFO takes the oldest job first).
  std::map<int, std::deque<Pending>> queues_;
  int queued_ = 0;  // tasks in all queues_
  SchedulingPolicy policy_;
  absl::flat_hash_map<int, std::string> job_pools_;
  absl::flat_hash_map<int, int> running_per_job_;
  static constexpr int kMaxFailedTasksPerExecutor = 2;
  void ScheduleSpeculationCheck();
  SpeculationOptions speculation_;
  std::function<void(absl::Duration)> check_after_;
  bool check_pending_ = false;
  int speculative_launches_ = 0;
  // stage -> tasks submitted, and run times (launch to result) of those that succeeded.
  absl::flat_hash_map<int, std::pair<int, std::vector<absl::Duration>>> stage_times_;
  // (stage, partition) -> attempts running now; partitions already succeeded; copied.
  absl::flat_hash_map<std::pair<int, int>, int> running_attempts_;
  absl::flat_hash_set<std::pair<int, int>> succeeded_;
  absl::flat_hash_set<std::pair<int, int>> speculated_;
  int queued_constrained_ = 0;  // queued tasks with preferred or failed-on executors
  // job -> executors excluded for it; (job, executor) -> (stage, partition)s that failed there.
  absl::flat_hash_map<int, absl::flat_hash_set<std::string>> excluded_;
  absl::flat_hash_map<std::pair<int, std::string>, absl::flat_hash_set<std::pair<int, int>>>
      failed_partitions_;
  std::function<int64_t()> epoch_;
  CacheLocations cache_;
  absl::Duration locality_wait_ = absl::Seconds(3);
  std::function<void(absl::Duration)> revive_after_;
  bool revive_pending_ = false;
  // task_id -> (executor, the pending entry, for a retry)
  absl::flat_hash_map<std::string, std::pair<std::string, Pending>> running_;
  absl::flat_hash_map<std::string, int> busy_cores_;
  // (stage, partition) -> launches so far / failures so far.
  absl::flat_hash_map<std::pair<int, int>, int> launches_;
  absl::flat_hash_map<std::pair<int, int>, int> failures_;
  absl::flat_hash_set<int> cancelled_stages_;
  // stage -> its attempt submitted last; results of older attempts are stale.
  absl::flat_hash_map<int, int> current_attempt_;
  // Map stage -> the key its launches are counted under in launches_: -(1 + shuffle id),
  // apart from stage ids (result stages count under their own id).
  absl::flat_hash_map<int, int> attempt_key_;
  static int ShuffleKey(int shuffle_id) { return -1 - shuffle_id; }
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_SCHEDULER_TASK_SCHEDULER_H_
