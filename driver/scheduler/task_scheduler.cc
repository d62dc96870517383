#include "driver/scheduler/task_scheduler.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"

namespace centella {
namespace {
std::shared_ptr<spdlog::logger> Log() { return GetLogger("task-scheduler"); }
}  // namespace

TaskScheduler::TaskScheduler(ExecutorBackend* backend, int max_task_failures, Clock& clock)
    : clock_(clock), backend_(backend), max_task_failures_(max_task_failures) {}

void TaskScheduler::Submit(std::shared_ptr<const v1::StagePlan> plan,
                           std::vector<v1::TaskDescriptor> tasks,
                           const std::vector<int>& cached_rdds, int job_id,
                           std::optional<int> shuffle_id) {
  cancelled_stages_.erase(plan->stage_id());
  if (shuffle_id) attempt_key_[plan->stage_id()] = ShuffleKey(*shuffle_id);
  current_attempt_[plan->stage_id()] = plan->stage_attempt();
  const absl::Time now = clock_.Now();
  stage_times_[plan->stage_id()].first += static_cast<int>(tasks.size());
  for (v1::TaskDescriptor& t : tasks) {
    succeeded_.erase({t.stage_id(), t.partition()});
    speculated_.erase({t.stage_id(), t.partition()});
    Pending p;
    p.plan = plan;
    p.task = std::move(t);
    p.queued = now;
    p.job_id = job_id;
    for (int rdd : cached_rdds) {
      if (const std::vector<std::string>* where = cache_.Get(rdd, p.task.partition())) {
        p.preferred.insert(p.preferred.end(), where->begin(), where->end());
      }
    }
    Enqueue(std::move(p));
  }
  LaunchReady();
  ScheduleSpeculationCheck();
}

void TaskScheduler::Enqueue(Pending p) {
  queued_constrained_ += p.constrained();
  ++queued_;
  const int job = p.job_id;
  queues_[job].push_back(std::move(p));
}

void TaskScheduler::ScheduleSpeculationCheck() {
  if (!speculation_.enabled || !check_after_ || check_pending_) return;
  check_pending_ = true;
  check_after_(speculation_.interval);
}

void TaskScheduler::CheckSpeculation() {
  check_pending_ = false;
  if (running_.empty() && queued_ == 0) return;  // the next Submit starts checking again
  const absl::Time now = clock_.Now();
  std::vector<Pending> copies;
  for (const auto& [task_id, entry] : running_) {
    const Pending& p = entry.second;
    const std::pair<int, int> key{p.task.stage_id(), p.task.partition()};
    if (speculated_.contains(key) || succeeded_.contains(key) ||
        cancelled_stages_.contains(key.first)) {
      continue;
    }
    auto st = stage_times_.find(key.first);
    if (st == stage_times_.end() || st->second.second.empty()) continue;
    const auto& [total, times] = st->second;
    if (static_cast<double>(times.size()) < speculation_.quantile * total) continue;
    std::vector<absl::Duration> sorted = times;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    const absl::Duration median = sorted[sorted.size() / 2];
    const absl::Duration threshold =
        std::max(speculation_.min_run_time, median * speculation_.multiplier);
    if (now - p.launched <= threshold) continue;
    Log()->info("speculating task {} of stage {}: running {} on {}, median task {}", task_id,
                key.first,
                absl::FormatDuration(absl::Trunc(now - p.launched, absl::Milliseconds(1))),
                entry.first, absl::FormatDuration(absl::Trunc(median, absl::Milliseconds(1))));
    speculated_.insert(key);
    Pending copy = p;
    copy.preferred.clear();
    copy.failed_on = {entry.first};  // elsewhere when another executor can take it
    copy.queued = now;
    copies.push_back(std::move(copy));
  }
  for (Pending& c : copies) {
    ++speculative_launches_;
    Enqueue(std::move(c));
  }
  if (!copies.empty()) LaunchReady();
  ScheduleSpeculationCheck();
}

bool TaskScheduler::Allowed(const Pending& p, const std::string& executor,
                            const absl::flat_hash_set<std::string>& alive) const {
  auto ex = excluded_.find(p.job_id);
  auto barred = [&](const std::string& e) {
    return (ex != excluded_.end() && ex->second.contains(e)) ||
           std::find(p.failed_on.begin(), p.failed_on.end(), e) != p.failed_on.end();
  };
  if (!barred(executor)) return true;
  return std::none_of(alive.begin(), alive.end(),
                      [&](const std::string& e) { return e != executor && !barred(e); });
}

int TaskScheduler::NextTaskFor(const std::deque<Pending>& queue, const std::string& executor,
                               const absl::flat_hash_set<std::string>& alive,
                               absl::Time now) const {
  int anywhere = -1;
  for (int i = 0; i < static_cast<int>(queue.size()); ++i) {
    if (!Allowed(queue[i], executor, alive)) continue;
    const std::vector<std::string>& preferred = queue[i].preferred;
    if (preferred.empty()) {
      if (anywhere < 0) anywhere = i;
      continue;
    }
    if (std::find(preferred.begin(), preferred.end(), executor) != preferred.end()) return i;
    if (anywhere >= 0) continue;
    const bool holder_alive =
        std::any_of(preferred.begin(), preferred.end(),
                    [&alive](const std::string& e) { return alive.contains(e); });
    if (!holder_alive || now - queue[i].queued >= locality_wait_) anywhere = i;
  }
  return anywhere;
}

std::optional<TaskScheduler::Pending> TaskScheduler::Take(
    const std::string& executor, const absl::flat_hash_set<std::string>& alive, absl::Time now) {
  std::vector<int> order;
  if (policy_.mode() == SchedulingMode::kFifo || queues_.size() == 1) {
    for (const auto& [job, queue] : queues_) order.push_back(job);  // oldest job first
  } else {
    std::vector<SchedulingPolicy::JobLoad> loads;
    for (const auto& [job, queue] : queues_) {
      auto pool = job_pools_.find(job);
      auto running = running_per_job_.find(job);
      loads.push_back({job,
                       pool != job_pools_.end() ? pool->second : SchedulingPolicy::kDefaultPool,
                       running != running_per_job_.end() ? running->second : 0});
    }
    order = policy_.Order(loads);
  }
  const bool unconstrained = queued_constrained_ == 0 && excluded_.empty();
  for (int job : order) {
    auto it = queues_.find(job);
    std::deque<Pending>& queue = it->second;
    const int i = unconstrained ? 0 : NextTaskFor(queue, executor, alive, now);
    if (i < 0) continue;
    Pending p = std::move(queue[i]);
    queue.erase(queue.begin() + i);
    if (queue.empty()) queues_.erase(it);
    --queued_;
    queued_constrained_ -= p.constrained();
    return p;
  }
  return std::nullopt;
}

void TaskScheduler::LaunchReady() {
  std::vector<ExecutorSlots> executors = backend_->Executors();
  int total_cores = 0;
  for (const ExecutorSlots& ex : executors) total_cores += ex.cores;
  if (total_cores == 0) {
    backend_->ReportWaitingTasks(queued_);
    return;
  }
  // Never queue more on one executor than its fair share of the outstanding tasks, so an
  // executor that joins mid-stage still finds work.
  const int fair = static_cast<int>((queued_ + running_.size() + total_cores - 1) / total_cores);
  const int per_core = std::max(1, std::min(SlotsPerCore(), fair));
  absl::flat_hash_set<std::string> alive;
  for (const ExecutorSlots& ex : executors) alive.insert(ex.executor_id);
  const absl::Time now = clock_.Now();
  bool waiting_for_locality = false;
  for (const ExecutorSlots& ex : executors) {
    int& busy = busy_cores_[ex.executor_id];
    // Consecutive tasks of one stage go to the executor in one message.
    std::shared_ptr<const v1::StagePlan> batch_plan;
    std::vector<v1::TaskDescriptor> batch;
    auto flush = [&] {
      if (!batch.empty()) backend_->LaunchTasks(ex.executor_id, batch_plan, std::move(batch));
      batch.clear();
    };
    while (busy < ex.cores * per_core && queued_ > 0) {
      std::optional<Pending> taken = Take(ex.executor_id, alive, now);
      if (!taken) {
        waiting_for_locality = true;
        break;
      }
      Pending p = *std::move(taken);
      auto key = attempt_key_.find(p.task.stage_id());
      const int counted_as = key != attempt_key_.end() ? key->second : p.task.stage_id();
      int attempt = launches_[{counted_as, p.task.partition()}]++;
      p.task.set_attempt(attempt);
      if (epoch_) p.task.set_epoch(epoch_());
      p.task.set_task_id(absl::StrCat(p.task.stage_id(), ".", p.task.partition(), ".", attempt));
      ++busy;
      ++running_per_job_[p.job_id];
      p.launched = now;
      ++running_attempts_[{p.task.stage_id(), p.task.partition()}];
      if (batch_plan != p.plan) flush();
      batch_plan = p.plan;
      batch.push_back(p.task);
      if (on_launch_) on_launch_(p.task, ex.executor_id);
      std::string task_id = p.task.task_id();  // before p is moved from
      running_.emplace(std::move(task_id), std::make_pair(ex.executor_id, std::move(p)));
    }
    flush();
  }
  // Free slots left idle for locality: look again when the oldest wait runs out.
  if (waiting_for_locality && revive_after_ && !revive_pending_) {
    absl::Time oldest = now;
    for (const auto& [job, queue] : queues_) {
      for (const Pending& p : queue) {
        if (!p.preferred.empty()) oldest = std::min(oldest, p.queued);
      }
    }
    revive_pending_ = true;
    revive_after_(std::max(absl::ZeroDuration(), oldest + locality_wait_ - now) +
                  absl::Milliseconds(1));
  }
  backend_->ReportWaitingTasks(queued_);
}

TaskScheduler::Verdict TaskScheduler::OnResult(const v1::TaskResult& result) {
  auto it = running_.find(result.task_id());
  if (it == running_.end()) return Verdict::kIgnored;
  auto [executor_id, pending] = std::move(it->second);
  running_.erase(it);
  --busy_cores_[executor_id];
  if (auto rj = running_per_job_.find(pending.job_id);
      rj != running_per_job_.end() && --rj->second <= 0) {
    running_per_job_.erase(rj);
  }
  const std::pair<int, int> key{result.stage_id(), result.partition()};
  const int still_running = --running_attempts_[key];
  if (still_running <= 0) running_attempts_.erase(key);
  for (const v1::CachedBlock& b : result.cached_blocks()) {
    cache_.Add(b.rdd_id(), b.partition(), executor_id);
  }
  for (const v1::CachedBlock& b : result.dropped_blocks()) {
    cache_.Remove(b.rdd_id(), b.partition(), executor_id);
  }
  auto attempt = current_attempt_.find(result.stage_id());
  if (attempt == current_attempt_.end()) {
    // A straggler of a forgotten stage: its slot is free again, nothing else to keep.
    LaunchReady();
    return Verdict::kIgnored;
  }
  if (result.state() == v1::TASK_STATE_FINISHED) {
    double micros = static_cast<double>(result.metrics().run_time_micros());
    avg_task_micros_ = avg_task_micros_ >= 1e9 ? micros : 0.8 * avg_task_micros_ + 0.2 * micros;
  }

  if (result.state() == v1::TASK_STATE_FINISHED && !succeeded_.contains(key)) {
    auto st = stage_times_.find(result.stage_id());
    if (st != stage_times_.end()) st->second.second.push_back(clock_.Now() - pending.launched);
  }
  // Another attempt of this partition already succeeded or is still running (a
  // speculative copy): this attempt's failure needs no retry.
  const bool other_attempt = succeeded_.contains(key) || still_running > 0;
  if (result.state() == v1::TASK_STATE_FINISHED) succeeded_.insert(key);

  Verdict verdict;
  if (result.state() != v1::TASK_STATE_FINISHED && other_attempt &&
      result.state() != v1::TASK_STATE_FETCH_FAILED) {
    verdict = Verdict::kIgnored;
  } else if (cancelled_stages_.contains(result.stage_id()) ||
             result.stage_attempt() != attempt->second) {
    // A task of a cancelled or superseded attempt: its success still counts (its output
    // is as good as any), its failure says nothing about the current attempt.
    verdict = result.state() == v1::TASK_STATE_FINISHED ? Verdict::kFinished : Verdict::kIgnored;
  } else if (result.state() == v1::TASK_STATE_FINISHED) {
    verdict = Verdict::kFinished;
  } else if (result.state() == v1::TASK_STATE_FETCH_FAILED) {
    verdict = Verdict::kFetchFailed;
  } else if (result.state() == v1::TASK_STATE_KILLED) {
    // Not the task's fault: its executor went away. Spark does not count these either.
    pending.preferred.clear();  // its holder is likely the executor that went away
    Enqueue(std::move(pending));
    verdict = Verdict::kResubmitted;
  } else if (++failures_[{result.stage_id(), result.partition()}] >= max_task_failures_) {
    verdict = Verdict::kGaveUp;
  } else {
    pending.preferred.clear();  // a retry may go anywhere but where it failed
    pending.failed_on.push_back(executor_id);
    auto& failed = failed_partitions_[{pending.job_id, executor_id}];
    failed.insert({result.stage_id(), result.partition()});
    if (static_cast<int>(failed.size()) >= kMaxFailedTasksPerExecutor &&
        excluded_[pending.job_id].insert(executor_id).second) {
      Log()->warn("executor {} excluded for job {}: {} of its tasks failed there", executor_id,
                  pending.job_id, failed.size());
    }
    Enqueue(std::move(pending));
    verdict = Verdict::kRetrying;
  }
  LaunchReady();
  return verdict;
}

void TaskScheduler::CancelStage(int stage_id) {
  cancelled_stages_.insert(stage_id);
  queued_ = 0;
  queued_constrained_ = 0;
  for (auto it = queues_.begin(); it != queues_.end();) {
    std::deque<Pending>& queue = it->second;
    std::erase_if(queue, [stage_id](const Pending& p) { return p.task.stage_id() == stage_id; });
    queued_ += static_cast<int>(queue.size());
    queued_constrained_ += static_cast<int>(std::count_if(
        queue.begin(), queue.end(), [](const Pending& p) { return p.constrained(); }));
    it = queue.empty() ? queues_.erase(it) : std::next(it);
  }
  stage_times_.erase(stage_id);
}

void TaskScheduler::ForgetShuffle(int shuffle_id) {
  absl::erase_if(launches_,
                 [key = ShuffleKey(shuffle_id)](const auto& e) { return e.first.first == key; });
}

void TaskScheduler::ForgetStage(int stage_id) {
  CancelStage(stage_id);
  cancelled_stages_.erase(stage_id);
  current_attempt_.erase(stage_id);
  attempt_key_.erase(stage_id);  // its shuffle's counts stay: another stage may recompute it
  auto of_stage = [stage_id](const auto& entry) { return entry.first.first == stage_id; };
  absl::erase_if(launches_, of_stage);
  absl::erase_if(failures_, of_stage);
  absl::erase_if(succeeded_,
                 [stage_id](const std::pair<int, int>& key) { return key.first == stage_id; });
  absl::erase_if(speculated_,
                 [stage_id](const std::pair<int, int>& key) { return key.first == stage_id; });
}

}  // namespace centella
