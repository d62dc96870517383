// RecordingListener: a SchedulerListener that keeps everything it hears, for tests.
#ifndef CENTELLA_DRIVER_TESTS_RECORDING_LISTENER_H_
#define CENTELLA_DRIVER_TESTS_RECORDING_LISTENER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "driver/dag/scheduler_listener.h"

namespace centella {

class RecordingListener : public SchedulerListener {
 public:
  void OnStageSubmitted(const StageInfo& stage) override {
    absl::MutexLock lock(&mu_);
    submitted_.push_back(stage);
  }
  void OnTaskStart(const v1::TaskDescriptor& task, const std::string& executor_id) override {
    absl::MutexLock lock(&mu_);
    started_.push_back(task);
    task_events_.push_back("start " + task.task_id());
  }
  void OnTaskEnd(const v1::TaskResult& result) override {
    absl::MutexLock lock(&mu_);
    tasks_.push_back(result);
    task_events_.push_back("end " + result.task_id());
  }
  std::vector<StageInfo> TakeSubmitted() {
    absl::MutexLock lock(&mu_);
    return std::exchange(submitted_, {});
  }
  std::vector<v1::TaskResult> TakeTasks() {
    absl::MutexLock lock(&mu_);
    return std::exchange(tasks_, {});
  }
  std::vector<v1::TaskDescriptor> TakeStarted() {
    absl::MutexLock lock(&mu_);
    return std::exchange(started_, {});
  }
  // "start ID" and "end ID" in the order heard.
  std::vector<std::string> TakeTaskEvents() {
    absl::MutexLock lock(&mu_);
    return std::exchange(task_events_, {});
  }

 private:
  absl::Mutex mu_;
  std::vector<StageInfo> submitted_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::TaskResult> tasks_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::TaskDescriptor> started_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> task_events_ ABSL_GUARDED_BY(mu_);
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_TESTS_RECORDING_LISTENER_H_
