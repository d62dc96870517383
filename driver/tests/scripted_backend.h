// ScriptedBackend: the fake ExecutorBackend of DAG-scheduler tests. The test sets the
// executors (and may change them later) and a script that answers each launched task:
// a result (see ResultFor), delivered at once on the launching thread, or nullopt for a
// task that never reports (stuck in user code, say).
#ifndef CENTELLA_DRIVER_TESTS_SCRIPTED_BACKEND_H_
#define CENTELLA_DRIVER_TESTS_SCRIPTED_BACKEND_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "driver/scheduler/executor_backend.h"
#include "engine/task/task_runner.h"  // ResultFor

namespace centella {

class ScriptedBackend : public ExecutorBackend {
 public:
  using Script = std::function<std::optional<v1::TaskResult>(const v1::TaskDescriptor&)>;

  ScriptedBackend(Script script, std::vector<ExecutorSlots> executors)
      : script_(std::move(script)), executors_(std::move(executors)) {}

  // Replaces the executors and tells the scheduler.
  void SetExecutors(std::vector<ExecutorSlots> executors) {
    std::function<void()> changed;
    {
      absl::MutexLock lock(&mu_);
      executors_ = std::move(executors);
      changed = changed_;
    }
    if (changed) changed();
  }

  void SetResultCallback(ResultCallback callback) override {
    absl::MutexLock lock(&mu_);
    callback_ = std::move(callback);
  }
  void SetExecutorsChangedCallback(std::function<void()> callback) override {
    absl::MutexLock lock(&mu_);
    changed_ = std::move(callback);
  }
  std::vector<ExecutorSlots> Executors() const override {
    absl::MutexLock lock(&mu_);
    return executors_;
  }
  void LaunchTasks(const std::string&, std::shared_ptr<const v1::StagePlan>,
                   std::vector<v1::TaskDescriptor> tasks) override {
    ResultCallback callback;
    {
      absl::MutexLock lock(&mu_);
      callback = callback_;
    }
    for (const v1::TaskDescriptor& t : tasks) {
      if (std::optional<v1::TaskResult> r = script_(t)) callback(*std::move(r));
    }
  }
  // Kills are recorded (killed()); the script decides whether the task still reports.
  void KillTask(const std::string&, const std::string& task_id, const std::string&) override {
    absl::MutexLock lock(&mu_);
    killed_.push_back(task_id);
  }
  std::vector<std::string> killed() const {
    absl::MutexLock lock(&mu_);
    return killed_;
  }
  void RemoveStage(int) override {}
  void Shutdown() override {}

 private:
  const Script script_;
  mutable absl::Mutex mu_;
  std::vector<ExecutorSlots> executors_ ABSL_GUARDED_BY(mu_);
  ResultCallback callback_ ABSL_GUARDED_BY(mu_);
  std::function<void()> changed_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> killed_ ABSL_GUARDED_BY(mu_);
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_TESTS_SCRIPTED_BACKEND_H_
