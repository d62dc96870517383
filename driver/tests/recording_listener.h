// RecordingListener: a SchedulerListener that keeps everything it hears, for tests.
#ifndef CENTELLA_DRIVER_TESTS_RECORDING_LISTENER_H_
#define CENTELLA_DRIVER_TESTS_RECORDING_LISTENER_H_

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
  void OnTaskEnd(const v1::TaskResult& result) override {
    absl::MutexLock lock(&mu_);
    tasks_.push_back(result);
  }
  std::vector<StageInfo> TakeSubmitted() {
    absl::MutexLock lock(&mu_);
    return std::exchange(submitted_, {});
  }
  std::vector<v1::TaskResult> TakeTasks() {
    absl::MutexLock lock(&mu_);
    return std::exchange(tasks_, {});
  }

 private:
  absl::Mutex mu_;
  std::vector<StageInfo> submitted_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::TaskResult> tasks_ ABSL_GUARDED_BY(mu_);
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_TESTS_RECORDING_LISTENER_H_
