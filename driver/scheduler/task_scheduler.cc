#include "driver/scheduler/task_scheduler.h"

#include "absl/strings/str_cat.h"

namespace centella {

TaskScheduler::TaskScheduler(ExecutorBackend* backend, int max_task_failures)
    : backend_(backend), max_task_failures_(max_task_failures) {}

void TaskScheduler::Submit(std::shared_ptr<const v1::StagePlan> plan,
                           std::vector<v1::TaskDescriptor> tasks) {
  cancelled_stages_.erase(plan->stage_id());
  for (v1::TaskDescriptor& t : tasks) queue_.push_back(Pending{plan, std::move(t)});
  LaunchReady();
}

void TaskScheduler::LaunchReady() {
  std::vector<ExecutorSlots> executors = backend_->Executors();
  int total_cores = 0;
  for (const ExecutorSlots& ex : executors) total_cores += ex.cores;
  if (total_cores == 0) {
    backend_->ReportWaitingTasks(static_cast<int>(queue_.size()));
    return;
  }
  // Never queue more on one executor than its fair share of the outstanding tasks, so an
  // executor that joins mid-stage still finds work.
  const int fair = static_cast<int>((queue_.size() + running_.size() + total_cores - 1) /
                                    total_cores);
  const int per_core = std::max(1, std::min(SlotsPerCore(), fair));
  for (const ExecutorSlots& ex : executors) {
    int& busy = busy_cores_[ex.executor_id];
    // Consecutive tasks of one stage go to the executor in one message.
    std::shared_ptr<const v1::StagePlan> batch_plan;
    std::vector<v1::TaskDescriptor> batch;
    auto flush = [&] {
      if (!batch.empty()) backend_->LaunchTasks(ex.executor_id, batch_plan, std::move(batch));
      batch.clear();
    };
    while (busy < ex.cores * per_core && !queue_.empty()) {
      Pending p = std::move(queue_.front());
      queue_.pop_front();
      int attempt = launches_[{p.task.stage_id(), p.task.partition()}]++;
      p.task.set_attempt(attempt);
      p.task.set_task_id(absl::StrCat(p.task.stage_id(), ".", p.task.partition(), ".", attempt));
      ++busy;
      if (batch_plan != p.plan) flush();
      batch_plan = p.plan;
      batch.push_back(p.task);
      if (on_launch_) on_launch_(p.task, ex.executor_id);
      std::string task_id = p.task.task_id();  // before p is moved from
      running_.emplace(std::move(task_id), std::make_pair(ex.executor_id, std::move(p)));
    }
    flush();
  }
  backend_->ReportWaitingTasks(static_cast<int>(queue_.size()));
}

TaskScheduler::Verdict TaskScheduler::OnResult(const v1::TaskResult& result) {
  auto it = running_.find(result.task_id());
  if (it == running_.end()) return Verdict::kIgnored;
  auto [executor_id, pending] = std::move(it->second);
  running_.erase(it);
  --busy_cores_[executor_id];
  if (result.state() == v1::TASK_STATE_FINISHED) {
    double micros = static_cast<double>(result.metrics().run_time_micros());
    avg_task_micros_ = avg_task_micros_ >= 1e9 ? micros : 0.8 * avg_task_micros_ + 0.2 * micros;
  }

  Verdict verdict;
  if (cancelled_stages_.contains(result.stage_id()) ||
      result.stage_attempt() != pending.plan->stage_attempt()) {
    verdict = result.state() == v1::TASK_STATE_FINISHED ? Verdict::kFinished : Verdict::kIgnored;
  } else if (result.state() == v1::TASK_STATE_FINISHED) {
    verdict = Verdict::kFinished;
  } else if (result.state() == v1::TASK_STATE_FETCH_FAILED) {
    verdict = Verdict::kFetchFailed;
  } else if (result.state() == v1::TASK_STATE_KILLED) {
    // Not the task's fault: its executor went away. Spark does not count these either.
    queue_.push_back(std::move(pending));
    verdict = Verdict::kResubmitted;
  } else if (++failures_[{result.stage_id(), result.partition()}] >= max_task_failures_) {
    verdict = Verdict::kGaveUp;
  } else {
    queue_.push_back(std::move(pending));
    verdict = Verdict::kRetrying;
  }
  LaunchReady();
  return verdict;
}

void TaskScheduler::CancelStage(int stage_id) {
  cancelled_stages_.insert(stage_id);
  std::erase_if(queue_, [stage_id](const Pending& p) { return p.task.stage_id() == stage_id; });
}

}  // namespace centella
