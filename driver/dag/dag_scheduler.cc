#include "driver/dag/dag_scheduler.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/logging/logger.h"
#include "driver/dag/lineage_status.h"
#include "driver/dag/stage_plan_builder.h"

namespace centella {
namespace {

std::shared_ptr<spdlog::logger> Log() {
  static auto logger = GetLogger("dag-scheduler");
  return logger;
}

}  // namespace

DagScheduler::DagScheduler(ExecutorBackend* backend, DagSchedulerOptions options)
    : options_(std::move(options)),
      backend_(backend),
      task_scheduler_(backend, options_.max_task_failures, *options_.clock),
      loop_(std::make_unique<EventLoop>("dag-scheduler", *options_.clock)) {
  if (options_.listener != nullptr) {
    task_scheduler_.SetLaunchCallback(
        [listener = options_.listener](const v1::TaskDescriptor& task,
                                       const std::string& executor_id) {
          listener->OnTaskStart(task, executor_id);
        });
  }
  task_scheduler_.SetPolicy(options_.scheduling);
  task_scheduler_.SetSpeculation(options_.speculation, [this](absl::Duration delay) {
    loop_->PostAfter(delay, [this] { task_scheduler_.CheckSpeculation(); });
  });
  task_scheduler_.SetEpochSource([this] { return map_outputs_.epoch(); });
  task_scheduler_.SetLocalityWait(options_.locality_wait, [this](absl::Duration delay) {
    loop_->PostAfter(delay, [this] { task_scheduler_.Revive(); });
  });
  backend_->SetExecutorsChangedCallback([this] {
    loop_->Post([this] {
      // Cached partitions of executors that are gone are lost with them.
      absl::flat_hash_set<std::string> alive;
      for (const ExecutorSlots& ex : backend_->Executors()) alive.insert(ex.executor_id);
      task_scheduler_.cache_locations().RetainExecutors(alive);
      CheckExecutors();
      task_scheduler_.Revive();
    });
  });
  backend_->SetShuffleServerLostCallback([this](std::string address) {
    loop_->Post([this, address = std::move(address)] {
      // Forgetting them now, rather than at each reducer's fetch failure, lets the next
      // stage submission recompute exactly the lost partitions in one go.
      const int lost = map_outputs_.UnregisterShuffleAddress(address);
      if (lost > 0) {
        Log()->warn("{} map outputs lost with the shuffle server at {}", lost, address);
      }
    });
  });
  backend_->SetApplicationEndedCallback([this](absl::Status reason) {
    loop_->Post([this, reason] {
      application_ended_ = reason;
      std::vector<Job*> jobs;
      for (auto& [id, job] : jobs_) jobs.push_back(job.get());
      for (Job* job : jobs) FinishJob(job, reason, /*now=*/true);  // no results will come
    });
  });
  backend_->SetResultCallback([this](v1::TaskResult result) {
    loop_->Post(
        [this, result = std::move(result)]() mutable { HandleTaskResult(std::move(result)); });
  });
}

DagScheduler::~DagScheduler() {
  // Drains what is still posted while loop_ is set: reset() would null it first, and the
  // closures it runs use the loop (AssertInLoop, timers).
  loop_->Stop();
  loop_.reset();
}

int DagScheduler::SubmitJob(std::shared_ptr<NodeBase> root, std::shared_ptr<StageRunner> runner,
                            std::vector<int> partitions, std::string description, std::string pool,
                            JobCallback done) {
  const int id = next_job_id_++;
  absl::Status lineage = LineageStatus(*root);
  if (!lineage.ok()) {
    done(lineage);
    return id;
  }
  for (int p : partitions) {
    if (p < 0 || p >= root->num_partitions()) {
      done(absl::InvalidArgumentError(
          absl::StrCat("partition ", p, " does not exist; the RDD has ", root->num_partitions())));
      return id;
    }
  }
  if (partitions.empty()) {
    done(std::vector<std::string>());
    return id;
  }
  auto job = std::make_unique<Job>();
  job->id = id;
  job->partitions = std::move(partitions);
  job->description = std::move(description);
  job->done = std::move(done);
  loop_->Post([this, job = std::move(job), root = std::move(root), runner = std::move(runner),
               pool = std::move(pool)]() mutable {
    HandleJobSubmitted(std::move(job), std::move(root), std::move(runner), std::move(pool));
  });
  return id;
}

absl::StatusOr<std::vector<std::string>> DagScheduler::RunJob(std::shared_ptr<NodeBase> root,
                                                              std::shared_ptr<StageRunner> runner,
                                                              std::vector<int> partitions,
                                                              std::string description,
                                                              std::string pool) {
  absl::Notification finished;
  absl::StatusOr<std::vector<std::string>> outcome;
  SubmitJob(std::move(root), std::move(runner), std::move(partitions), std::move(description),
            std::move(pool), [&](absl::StatusOr<std::vector<std::string>> r) {
              outcome = std::move(r);
              finished.Notify();
            });
  finished.WaitForNotification();
  return outcome;
}

void DagScheduler::CancelJob(int job_id, std::string reason) {
  loop_->Post([this, job_id, reason = std::move(reason)] {
    auto it = jobs_.find(job_id);
    if (it == jobs_.end() || it->second->failure) return;  // ended, or ending already
    absl::Status cancelled =
        absl::CancelledError(absl::StrCat("job ", job_id, " (", it->second->description,
                                          ") cancelled", reason.empty() ? "" : ": ", reason));
    Log()->info("{}", std::string(cancelled.message()));
    FinishJob(it->second.get(), cancelled);
  });
}

void DagScheduler::CancelAllJobs(std::string reason) {
  loop_->Post([this, reason = std::move(reason)] {
    std::vector<int> ids;
    for (const auto& [id, job] : jobs_) ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    for (int id : ids) CancelJob(id, reason);
  });
}

void DagScheduler::HandleJobSubmitted(std::unique_ptr<Job> job, std::shared_ptr<NodeBase> root,
                                      std::shared_ptr<StageRunner> runner, std::string pool) {
  loop_->AssertInLoop("DagScheduler::HandleJobSubmitted");
  if (!application_ended_.ok()) {
    job->done(application_ended_);
    return;
  }
  job->started = loop_->Now();
  task_scheduler_.JobStarted(job->id, std::move(pool));
  auto stage = std::make_unique<Stage>();
  stage->id = next_stage_id_++;
  stage->root = std::move(root);
  stage->runner = std::move(runner);
  stage->job_id = job->id;
  stage->name = job->description;
  stage->parents = ParentStages(*stage->root);
  job->stage = stage.get();
  job->results.resize(job->partitions.size());
  job->remaining = static_cast<int>(job->partitions.size());
  for (size_t i = 0; i < job->partitions.size(); ++i) {
    job->slot_of_partition[job->partitions[i]] = static_cast<int>(i);
  }
  Log()->info("Job {} submitted: {} ({} partitions)", job->id, job->description,
              job->partitions.size());
  if (options_.listener) options_.listener->OnJobStart(job->id, job->description);
  Stage* s = stage.get();
  stages_[s->id] = std::move(stage);
  jobs_[job->id] = std::move(job);
  SubmitStage(s);
  CheckExecutors();
}

std::vector<Stage*> DagScheduler::ParentStages(const NodeBase& root) {
  std::vector<Stage*> parents;
  for (const NodeBase* node : StageNodes(root)) {
    if (auto dep = node->shuffle_dependency()) parents.push_back(GetOrCreateMapStage(dep));
  }
  return parents;
}

Stage* DagScheduler::GetOrCreateMapStage(const std::shared_ptr<ShuffleDependency>& dep) {
  auto it = shuffle_stages_.find(dep->shuffle_id());
  if (it != shuffle_stages_.end()) return it->second;
  auto stage = std::make_unique<Stage>();
  stage->id = next_stage_id_++;
  stage->root = dep->parent();
  stage->runner = dep->map_runner();
  stage->shuffle_dep = dep;
  stage->name = absl::StrCat(dep->op_name(), " (map side)");
  stage->parents = ParentStages(*stage->root);
  map_outputs_.RegisterShuffle(dep->shuffle_id(), dep->num_map_partitions());
  Stage* s = stage.get();
  stages_[s->id] = std::move(stage);
  shuffle_stages_[dep->shuffle_id()] = s;
  return s;
}

void DagScheduler::SubmitStage(Stage* stage) {
  loop_->AssertInLoop("DagScheduler::SubmitStage");
  if (waiting_.contains(stage) || running_.contains(stage)) return;
  bool missing_parent = false;
  for (Stage* parent : stage->parents) {
    if (!map_outputs_.IsAvailable(parent->shuffle_dep->shuffle_id())) {
      missing_parent = true;
      SubmitStage(parent);
    }
  }
  if (missing_parent) {
    waiting_.insert(stage);
  } else {
    SubmitMissingTasks(stage);
  }
}

void DagScheduler::SubmitMissingTasks(Stage* stage) {
  loop_->AssertInLoop("DagScheduler::SubmitMissingTasks");
  std::vector<int> partitions;
  if (stage->is_map()) {
    partitions = map_outputs_.MissingMaps(stage->shuffle_dep->shuffle_id());
  } else {
    const Job& job = *jobs_.at(stage->job_id);
    for (size_t i = 0; i < job.partitions.size(); ++i) {
      if (!job.results[i]) partitions.push_back(job.partitions[i]);
    }
  }
  if (partitions.empty()) {
    MarkStageFinished(stage);
    return;
  }
  ++stage->attempt;
  std::vector<int> shuffles_read;
  stage->plan = std::make_shared<const v1::StagePlan>(
      BuildStagePlan(*stage, options_.app_id, &shuffles_read));
  stage->pending = std::set<int>(partitions.begin(), partitions.end());
  stage->started = loop_->Now();
  running_.insert(stage);

  std::vector<v1::ShuffleReadInput> inputs;
  for (int shuffle_id : shuffles_read) inputs.push_back(map_outputs_.ReadInput(shuffle_id));
  std::vector<v1::TaskDescriptor> tasks;
  tasks.reserve(partitions.size());
  for (int p : partitions) {
    v1::TaskDescriptor& t = tasks.emplace_back();
    t.set_stage_id(stage->id);
    t.set_stage_attempt(stage->attempt);
    t.set_partition(p);
    t.set_epoch(map_outputs_.epoch());
    for (const v1::ShuffleReadInput& in : inputs) *t.add_shuffle_inputs() = in;
  }
  Log()->info("Stage {} submitted: {} ({} tasks{})", stage->id, stage->name, tasks.size(),
              stage->attempt > 0 ? absl::StrCat(", attempt ", stage->attempt) : "");
  if (options_.listener) {
    StageInfo info = Info(*stage);
    info.num_tasks = static_cast<int>(tasks.size());
    options_.listener->OnStageSubmitted(info);
  }
  // Persisted RDDs whose partition p this stage's task p reads (same partitioning).
  std::vector<int> cached_rdds;
  for (const NodeBase* node : StageNodes(*stage->root)) {
    if (node->persisted() && node->num_partitions() == stage->num_partitions()) {
      cached_rdds.push_back(node->rdd_id());
    }
  }
  std::optional<int> shuffle;
  if (stage->is_map()) shuffle = stage->shuffle_dep->shuffle_id();
  task_scheduler_.Submit(stage->plan, std::move(tasks), cached_rdds, JobOf(stage), shuffle);
}

void DagScheduler::CheckExecutors() {
  loop_->AssertInLoop("DagScheduler::CheckExecutors");
  if (!backend_->Executors().empty() || jobs_.empty()) {
    if (no_executors_since_ && !jobs_.empty() &&
        loop_->Now() - *no_executors_since_ > absl::Seconds(10)) {
      Log()->info("executors available again after {}; jobs continue",
                  absl::FormatDuration(loop_->Now() - *no_executors_since_));
    }
    no_executors_since_.reset();
    return;
  }
  if (no_executors_since_) return;
  no_executors_since_ = loop_->Now();
  const absl::Duration timeout = options_.no_executors_timeout;
  // A cluster application starts with no executors; only a wait longer than executors
  // take to start is worth a warning (Spark's "Initial job has not accepted any
  // resources" comes after 15 s).
  const absl::Duration grace =
      timeout > absl::ZeroDuration() ? std::min(timeout / 2, absl::Seconds(10)) : absl::Seconds(10);
  loop_->PostAfter(grace, [this, since = *no_executors_since_, timeout] {
    if (no_executors_since_ != since || !backend_->Executors().empty()) return;
    Log()->warn(
        "{} job(s) waiting for {}: the application has no executors (is the cluster full, "
        "or are its daemons down?); {}",
        jobs_.size(), absl::FormatDuration(loop_->Now() - since),
        timeout > absl::ZeroDuration()
            ? absl::StrCat("they fail if none registers within ", absl::FormatDuration(timeout),
                           " (centella.scheduler.noExecutorsTimeout)")
            : std::string("waiting without a limit (centella.scheduler.noExecutorsTimeout=0)"));
  });
  if (timeout > absl::ZeroDuration()) {
    loop_->PostAfter(timeout,
                     [this, since = *no_executors_since_] { OnNoExecutorsTimeout(since); });
  }
}

void DagScheduler::OnNoExecutorsTimeout(absl::Time since) {
  loop_->AssertInLoop("DagScheduler::OnNoExecutorsTimeout");
  if (no_executors_since_ != since || !backend_->Executors().empty()) return;
  const absl::Status reason = absl::UnavailableError(absl::StrCat(
      "no executor registered for ", absl::FormatDuration(loop_->Now() - since),
      " (centella.scheduler.noExecutorsTimeout): the cluster has no free resources for this "
      "application, or its daemons are down"));
  Log()->error("{}", std::string(reason.message()));
  std::vector<Job*> jobs;
  for (auto& [id, job] : jobs_) jobs.push_back(job.get());
  for (Job* job : jobs) FinishJob(job, reason, /*now=*/true);
  no_executors_since_.reset();
}

void DagScheduler::ForgetCachedRdd(int rdd_id) {
  loop_->Post([this, rdd_id] { task_scheduler_.cache_locations().RemoveRdd(rdd_id); });
}

StageInfo DagScheduler::Info(const Stage& stage) const {
  StageInfo info;
  info.stage_id = stage.id;
  info.attempt = stage.attempt;
  info.job_id = stage.job_id;
  info.name = stage.name;
  info.is_map = stage.is_map();
  info.num_partitions = stage.num_partitions();
  for (const Stage* p : stage.parents) info.parent_ids.push_back(p->id);
  for (const NodeBase* n : StageNodes(*stage.root)) info.node_ops.emplace_back(n->op_name());
  return info;
}

void DagScheduler::HandleTaskResult(v1::TaskResult result) {
  loop_->AssertInLoop("DagScheduler::HandleTaskResult");
  TaskScheduler::Verdict verdict = task_scheduler_.OnResult(result);
  if (options_.listener) options_.listener->OnTaskEnd(result);
  // Whatever the attempt, a fetch failure is news about map outputs: forget what it
  // found missing now, so that the next (re)submission recomputes all of it at once.
  if (result.state() == v1::TASK_STATE_FETCH_FAILED) ForgetFailedFetch(result.fetch_failure());
  for (auto& [id, job] : jobs_) {
    if (job->failure && job->stage->id == result.stage_id() &&
        task_scheduler_.RunningTasksOfStage(result.stage_id()) == 0) {
      FinishJob(job.get(), *job->failure, /*now=*/true);
      return;
    }
  }
  auto sit = stages_.find(result.stage_id());
  if (sit == stages_.end() || verdict == TaskScheduler::Verdict::kIgnored) return;
  Stage* stage = sit->second.get();

  switch (verdict) {
    case TaskScheduler::Verdict::kFinished: {
      if (stage->is_map()) {
        // Only the first success of a partition in the current attempt counts: a retry
        // of an attempt that already succeeded, or a straggler of an older attempt, does
        // not (its output, if registered, replaces an equal one).
        if (result.stage_attempt() == stage->attempt &&
            stage->pending.contains(result.partition())) {
          MergeAccumulators(*stage, result);
        }
        if (!map_outputs_.RegisterMapOutput(result.map_status())) {
          // Its files went with a host lost after the task started: the partition stays
          // missing and runs again when the stage ends (MarkStageFinished).
          Log()->warn("Ignoring the output of task {} of stage {}: its host {} was lost",
                      result.task_id(), stage->id, result.map_status().shuffle_address());
        }
      } else {
        auto jit = jobs_.find(stage->job_id);
        if (jit == jobs_.end()) return;
        Job& job = *jit->second;
        auto slot = job.slot_of_partition.find(result.partition());
        if (slot != job.slot_of_partition.end() && !job.results[slot->second]) {
          // The result the job keeps is the one whose accumulator updates count.
          MergeAccumulators(*stage, result);
          job.results[slot->second] = std::move(*result.mutable_value());
          --job.remaining;
        }
      }
      if (result.stage_attempt() == stage->attempt) stage->pending.erase(result.partition());
      if (running_.contains(stage) && stage->pending.empty()) MarkStageFinished(stage);
      return;
    }
    case TaskScheduler::Verdict::kFetchFailed:
      HandleFetchFailure(stage, result);
      return;
    case TaskScheduler::Verdict::kResubmitted:
      Log()->warn("Task {} of stage {} will run again: {}", result.task_id(), stage->id,
                  result.error_message());
      return;
    case TaskScheduler::Verdict::kRetrying:
      Log()->warn("Task {} of stage {} failed, retrying: {}", result.task_id(), stage->id,
                  result.error_message());
      return;
    case TaskScheduler::Verdict::kGaveUp:
      AbortStage(stage,
                 absl::Status(static_cast<absl::StatusCode>(result.error_code()),
                              absl::StrFormat("stage %d (%s) failed: task for partition "
                                              "%d failed %d times; last error: %s",
                                              stage->id, stage->name, result.partition(),
                                              options_.max_task_failures, result.error_message())));
      return;
    case TaskScheduler::Verdict::kIgnored:
      return;
  }
}

void DagScheduler::MergeAccumulators(const Stage& stage, const v1::TaskResult& result) {
  if (options_.accumulators == nullptr || result.accumulator_updates().empty()) return;
  absl::Status s = options_.accumulators->MergeUpdates(result.accumulator_updates());
  if (!s.ok()) {
    Log()->error("Task {} of stage {}: {}", result.task_id(), stage.id, std::string(s.message()));
  }
}

void DagScheduler::MarkStageFinished(Stage* stage) {
  loop_->AssertInLoop("DagScheduler::MarkStageFinished");
  running_.erase(stage);
  backend_->RemoveStage(stage->id);
  stage->fetch_failures = 0;
  Log()->info(
      "Stage {} finished: {} in {}", stage->id, stage->name,
      absl::FormatDuration(absl::Trunc(loop_->Now() - stage->started, absl::Milliseconds(1))));
  if (options_.listener) options_.listener->OnStageCompleted(Info(*stage));
  if (!stage->is_map()) {
    auto jit = jobs_.find(stage->job_id);
    if (jit != jobs_.end() && jit->second->remaining == 0) {
      std::vector<std::string> results;
      results.reserve(jit->second->results.size());
      for (auto& r : jit->second->results) results.push_back(std::move(*r));
      FinishJob(jit->second.get(), std::move(results));
    }
    return;
  }
  if (!map_outputs_.IsAvailable(stage->shuffle_dep->shuffle_id())) {
    // Outputs were lost while it ran (fetch failures, a lost host): run the missing ones
    // again, or the stages waiting for them would wait forever.
    Log()->info("Stage {} ({}) lost outputs while it ran; running the missing partitions",
                stage->id, stage->name);
    SubmitStage(stage);
    return;
  }
  SubmitWaitingStages();
}

void DagScheduler::SubmitWaitingStages() {
  loop_->AssertInLoop("DagScheduler::SubmitWaitingStages");
  std::vector<Stage*> ready;
  for (Stage* s : waiting_) {
    bool all = std::all_of(s->parents.begin(), s->parents.end(), [this](Stage* p) {
      return map_outputs_.IsAvailable(p->shuffle_dep->shuffle_id());
    });
    if (all) ready.push_back(s);
  }
  std::sort(ready.begin(), ready.end(), [](Stage* a, Stage* b) { return a->id < b->id; });
  for (Stage* s : ready) {
    waiting_.erase(s);
    SubmitMissingTasks(s);
  }
}

void DagScheduler::ForgetFailedFetch(const v1::FetchFailure& ff) {
  if (ff.server_unreachable()) {
    // The daemon serving it is unreachable, not one file bad: all it serves is lost
    // (Spark does the same with an external shuffle service).
    const int lost = map_outputs_.UnregisterShuffleAddress(ff.shuffle_address());
    if (lost > 0) {
      Log()->warn("{} map outputs lost: the shuffle server at {} is unreachable", lost,
                  ff.shuffle_address());
    }
  } else {
    map_outputs_.UnregisterMapOutput(ff.shuffle_id(), ff.map_id(), ff.shuffle_address());
  }
}

void DagScheduler::HandleFetchFailure(Stage* stage, const v1::TaskResult& result) {
  loop_->AssertInLoop("DagScheduler::HandleFetchFailure");
  const v1::FetchFailure& ff = result.fetch_failure();
  Log()->warn("Stage {}: {}", stage->id, ff.message());
  if (!running_.contains(stage)) return;  // this stage attempt already failed
  if (++stage->fetch_failures >= options_.max_stage_attempts) {
    AbortStage(stage, absl::UnavailableError(absl::StrFormat(
                          "stage %d (%s) failed %d times because of fetch failures; last: %s",
                          stage->id, stage->name, stage->fetch_failures, ff.message())));
    return;
  }
  // Stop this attempt. The other tasks of the attempt that read the same lost outputs
  // fail in a burst; waiting a moment before resubmitting lets their reports unregister
  // everything that is missing, so the parents rerun once and this stage once (Spark
  // waits 200 ms for the same reason).
  task_scheduler_.CancelStage(stage->id);
  running_.erase(stage);
  failed_stages_.insert(stage->id);
  if (failed_stages_.size() == 1) {
    loop_->PostAfter(kResubmitDelay, [this] { ResubmitFailedStages(); });
  }
}

void DagScheduler::ResubmitFailedStages() {
  loop_->AssertInLoop("DagScheduler::ResubmitFailedStages");
  std::vector<int> ids(failed_stages_.begin(), failed_stages_.end());
  failed_stages_.clear();
  std::sort(ids.begin(), ids.end());
  for (int id : ids) {
    auto it = stages_.find(id);
    if (it == stages_.end()) continue;  // its job ended meanwhile
    Stage* stage = it->second.get();
    if (!stage->is_map() && !jobs_.contains(stage->job_id)) continue;
    Log()->info("Resubmitting stage {} ({}) and the map outputs it is missing", stage->id,
                stage->name);
    SubmitStage(stage);  // submits the parents that lost outputs first
  }
}

int DagScheduler::JobOf(Stage* stage) const {
  if (!stage->is_map()) return stage->job_id;
  // A map stage may serve several jobs: it runs for the oldest that needs it.
  int oldest = -1;
  for (const auto& [id, job] : jobs_) {
    if ((oldest < 0 || id < oldest) && StageUsedByJob(stage, *job)) oldest = id;
  }
  return oldest;
}

bool DagScheduler::StageUsedByJob(Stage* stage, const Job& job) const {
  std::vector<Stage*> stack{job.stage};
  absl::flat_hash_set<Stage*> seen;
  while (!stack.empty()) {
    Stage* s = stack.back();
    stack.pop_back();
    if (s == stage) return true;
    if (!seen.insert(s).second) continue;
    for (Stage* p : s->parents) stack.push_back(p);
  }
  return false;
}

void DagScheduler::AbortStage(Stage* stage, const absl::Status& reason) {
  loop_->AssertInLoop("DagScheduler::AbortStage");
  Log()->error("{}", std::string(reason.message()));
  task_scheduler_.CancelStage(stage->id);
  running_.erase(stage);
  waiting_.erase(stage);
  std::vector<Job*> affected;
  for (auto& [id, job] : jobs_) {
    if (StageUsedByJob(stage, *job)) affected.push_back(job.get());
  }
  for (Job* job : affected) FinishJob(job, reason);
}

void DagScheduler::StopStagesOnlyFor(const Job& job, const absl::Status& reason) {
  loop_->AssertInLoop("DagScheduler::StopStagesOnlyFor");
  std::vector<Stage*> stack{job.stage};
  absl::flat_hash_set<Stage*> seen;
  const std::string why = std::string(reason.message());
  while (!stack.empty()) {
    Stage* s = stack.back();
    stack.pop_back();
    if (!seen.insert(s).second) continue;
    for (Stage* p : s->parents) stack.push_back(p);
    const bool needed_elsewhere = std::any_of(jobs_.begin(), jobs_.end(), [&](const auto& kv) {
      return kv.second.get() != &job && !kv.second->failure && StageUsedByJob(s, *kv.second);
    });
    if (needed_elsewhere) continue;
    const bool active = running_.contains(s) || waiting_.contains(s);
    // Killed before it is cancelled would not matter: a cancelled stage's results are
    // ignored either way; the kill only saves the executors the rest of the work.
    for (const auto& [task_id, executor] : task_scheduler_.RunningAttemptsOfStage(s->id)) {
      backend_->KillTask(executor, task_id, why);
    }
    if (active || s == job.stage) {
      task_scheduler_.CancelStage(s->id);
      running_.erase(s);
      waiting_.erase(s);
    }
  }
}

void DagScheduler::FinishJob(Job* job, absl::StatusOr<std::vector<std::string>> outcome, bool now) {
  loop_->AssertInLoop("DagScheduler::FinishJob");
  Stage* stage = job->stage;
  if (!outcome.ok() && !job->failure) StopStagesOnlyFor(*job, outcome.status());
  if (!outcome.ok() && !now && task_scheduler_.RunningTasksOfStage(stage->id) > 0) {
    task_scheduler_.CancelStage(stage->id);
    running_.erase(stage);
    waiting_.erase(stage);
    job->failure = outcome.status();
    // Bounded: a task stuck for good (user code that never returns) must not hold the
    // failure back forever; its late output is then no one's.
    loop_->PostAfter(options_.failed_job_task_wait, [this, id = job->id] {
      auto it = jobs_.find(id);
      if (it == jobs_.end() || !it->second->failure) return;
      Log()->warn("Job {} failed; its running tasks did not stop within {}, ending it anyway", id,
                  absl::FormatDuration(options_.failed_job_task_wait));
      FinishJob(it->second.get(), *it->second->failure, /*now=*/true);
    });
    return;
  }
  if (outcome.ok()) {
    Log()->info(
        "Job {} finished: {} in {}", job->id, job->description,
        absl::FormatDuration(absl::Trunc(loop_->Now() - job->started, absl::Milliseconds(1))));
  }
  task_scheduler_.CancelStage(stage->id);
  running_.erase(stage);
  waiting_.erase(stage);
  if (options_.listener) options_.listener->OnJobEnd(job->id, outcome.ok());
  task_scheduler_.JobEnded(job->id);
  auto done = std::move(job->done);
  jobs_.erase(job->id);
  task_scheduler_.ForgetStage(stage->id);
  stages_.erase(stage->id);
  if (!forget_pending_) {
    forget_pending_ = true;
    loop_->Post([this] { ForgetUnusedStages(); });
  }
  done(std::move(outcome));
}

void DagScheduler::ForgetUnusedStages() {
  loop_->AssertInLoop("DagScheduler::ForgetUnusedStages");
  forget_pending_ = false;
  absl::flat_hash_set<Stage*> used;
  for (const auto& [id, job] : jobs_) {
    std::vector<Stage*> stack{job->stage};
    while (!stack.empty()) {
      Stage* s = stack.back();
      stack.pop_back();
      if (!used.insert(s).second) continue;
      for (Stage* p : s->parents) stack.push_back(p);
    }
  }
  std::vector<Stage*> unused;
  for (const auto& [id, stage] : stages_) {
    if (!used.contains(stage.get())) unused.push_back(stage.get());
  }
  // Parents of a used stage are used, so every stage pointing at one of these goes too.
  for (Stage* stage : unused) ForgetStage(stage);
}

void DagScheduler::ForgetStage(Stage* stage) {
  const bool active = running_.erase(stage) + waiting_.erase(stage) > 0;
  // A finished stage told the executors already (MarkStageFinished).
  if (active) backend_->RemoveStage(stage->id);
  task_scheduler_.ForgetStage(stage->id);
  failed_stages_.erase(stage->id);
  if (stage->is_map()) shuffle_stages_.erase(stage->shuffle_dep->shuffle_id());
  // May drop the last reference to a ShuffleDependency, whose hook then posts
  // RemoveShuffle to this loop.
  stages_.erase(stage->id);
}

void DagScheduler::RemoveShuffle(int shuffle_id) {
  loop_->Post([this, shuffle_id] {
    // A stage using the shuffle holds its dependency, so none can exist; if a later
    // job built one anyway, its outputs must stay.
    if (shuffle_stages_.contains(shuffle_id)) return;
    map_outputs_.RemoveShuffle(shuffle_id);
    task_scheduler_.ForgetShuffle(shuffle_id);
    backend_->RemoveShuffle(shuffle_id);
    ++shuffles_removed_;
  });
}

DagSchedulerStats DagScheduler::Stats() {
  return loop_
      ->PostAndWait([this] {
        DagSchedulerStats stats;
        stats.active_jobs = static_cast<int>(jobs_.size());
        stats.stages = static_cast<int>(stages_.size());
        stats.map_stages = static_cast<int>(shuffle_stages_.size());
        stats.registered_shuffles = map_outputs_.num_shuffles();
        stats.task_scheduler_stages = task_scheduler_.tracked_stages();
        stats.shuffles_removed = shuffles_removed_;
        return stats;
      })
      .value_or(DagSchedulerStats{});
}

}  // namespace centella
