// RecordingListener: remembers the stages the DAG scheduler submits and every task attempt
// it launches and hears back from, so that recovery tests can count what ran again, and
// where (launches per (stage, partition), the executor of each attempt, fetch failures).
//
// Thread-safe: the scheduler calls it on its loop thread while the test reads it.
#ifndef CENTELLA_TESTS_OPERATORS_RECORDING_LISTENER_H_
#define CENTELLA_TESTS_OPERATORS_RECORDING_LISTENER_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "driver/dag/scheduler_listener.h"

namespace centella {

class RecordingListener : public SchedulerListener {
 public:
  struct Attempt {
    int stage_id = 0;
    int partition = 0;
    int attempt = 0;
    std::string task_id;
    std::string executor_id;
    // Set once the attempt's result came back (a lost executor's tasks come back as
    // TASK_STATE_KILLED; attempts of a cancelled stage may never come back).
    std::optional<v1::TaskResult> result;
  };

  void OnStageSubmitted(const StageInfo& stage) override;
  void OnTaskStart(const v1::TaskDescriptor& task, const std::string& executor_id) override;
  void OnTaskEnd(const v1::TaskResult& result) override;

  // Forgets everything heard so far: what follows belongs to the next job.
  void Clear();

  // Stage submissions (each attempt of a stage is one), in order.
  std::vector<StageInfo> Submissions() const;
  // The id of the only map stage submitted (-1 if none, -2 if several differ), likewise
  // for the result stage.
  int MapStageId() const;
  int ResultStageId() const;
  // Every attempt launched, in launch order.
  std::vector<Attempt> Attempts() const;
  // Attempts of `stage_id`, in launch order.
  std::vector<Attempt> AttemptsOf(int stage_id) const;
  // Launches of `stage_id` per partition (partitions never launched are absent).
  std::map<int, int> LaunchesPerPartition(int stage_id) const;
  // Attempts that came back in `state`.
  int CountEnded(v1::TaskState state) const;

 private:
  int OnlyStageId(bool is_map) const;

  mutable absl::Mutex mu_;
  std::vector<StageInfo> submissions_ ABSL_GUARDED_BY(mu_);
  std::vector<Attempt> attempts_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, size_t> attempt_of_task_ ABSL_GUARDED_BY(mu_);  // task id -> index
};

}  // namespace centella

#endif  // CENTELLA_TESTS_OPERATORS_RECORDING_LISTENER_H_
