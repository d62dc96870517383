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
  for (const ExecutorSlots& ex : backend_->Executors()) {
    int& busy = busy_cores_[ex.executor_id];
    while (busy < ex.cores && !queue_.empty()) {
      Pending p = std::move(queue_.front());
      queue_.pop_front();
      int attempt = launches_[{p.task.stage_id(), p.task.partition()}]++;
      p.task.set_attempt(attempt);
      p.task.set_task_id(absl::StrCat(p.task.stage_id(), ".", p.task.partition(), ".", attempt));
      ++busy;
      running_.emplace(p.task.task_id(), std::make_pair(ex.executor_id, p));
      backend_->LaunchTask(ex.executor_id, p.plan, p.task);
    }
  }
}

TaskScheduler::Verdict TaskScheduler::OnResult(const v1::TaskResult& result) {
  auto it = running_.find(result.task_id());
  if (it == running_.end()) return Verdict::kIgnored;
  auto [executor_id, pending] = std::move(it->second);
  running_.erase(it);
  --busy_cores_[executor_id];

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
