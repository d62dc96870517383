// FanOutListener: a SchedulerListener that forwards every event to several listeners, in
// the order given (the context's own listeners, such as the console progress bar, and
// the one the user passed in ContextOptions).
//
// Ownership: does not own the listeners; they must outlive it. Null entries are skipped.
// Thread safety: as the listeners it forwards to (the scheduler calls from one thread).
#ifndef CENTELLA_DRIVER_DAG_FAN_OUT_LISTENER_H_
#define CENTELLA_DRIVER_DAG_FAN_OUT_LISTENER_H_

#include <string>
#include <vector>

#include "driver/dag/scheduler_listener.h"

namespace centella {

class FanOutListener final : public SchedulerListener {
 public:
  explicit FanOutListener(std::vector<SchedulerListener*> listeners)
      : listeners_(std::move(listeners)) {
    std::erase(listeners_, nullptr);
  }

  void OnJobStart(int job_id, const std::string& description) override {
    for (SchedulerListener* l : listeners_) l->OnJobStart(job_id, description);
  }
  void OnJobEnd(int job_id, bool succeeded) override {
    for (SchedulerListener* l : listeners_) l->OnJobEnd(job_id, succeeded);
  }
  void OnStageSubmitted(const StageInfo& stage) override {
    for (SchedulerListener* l : listeners_) l->OnStageSubmitted(stage);
  }
  void OnStageCompleted(const StageInfo& stage) override {
    for (SchedulerListener* l : listeners_) l->OnStageCompleted(stage);
  }
  void OnTaskStart(const v1::TaskDescriptor& task, const std::string& executor_id) override {
    for (SchedulerListener* l : listeners_) l->OnTaskStart(task, executor_id);
  }
  void OnTaskEnd(const v1::TaskResult& result) override {
    for (SchedulerListener* l : listeners_) l->OnTaskEnd(result);
  }

 private:
  std::vector<SchedulerListener*> listeners_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_DAG_FAN_OUT_LISTENER_H_
