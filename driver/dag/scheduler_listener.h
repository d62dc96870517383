// SchedulerListener: observes what the DAG scheduler does (for the progress bar, the UI,
// the event log and tests). Called on the scheduler's loop thread; must not block.
#ifndef CENTELLA_DRIVER_DAG_SCHEDULER_LISTENER_H_
#define CENTELLA_DRIVER_DAG_SCHEDULER_LISTENER_H_

#include <string>
#include <vector>

#include "task.pb.h"

namespace centella {

struct StageInfo {
  int stage_id = 0;
  int attempt = 0;
  int job_id = -1;  // -1 for a map stage (it may serve several jobs)
  std::string name;
  bool is_map = false;
  int num_tasks = 0;       // tasks launched in this attempt
  int num_partitions = 0;  // partitions of the stage's root
  std::vector<int> parent_ids;
  std::vector<std::string> node_ops;  // op names of the stage's nodes, parents first
};

class SchedulerListener {
 public:
  virtual ~SchedulerListener() = default;
  virtual void OnJobStart(int job_id, const std::string& description) {}
  virtual void OnJobEnd(int job_id, bool succeeded) {}
  virtual void OnStageSubmitted(const StageInfo& stage) {}
  virtual void OnStageCompleted(const StageInfo& stage) {}
  // A task was handed to `executor_id`; it counts as running until its OnTaskEnd (which
  // may never come for a task of a cancelled stage attempt). With pipelining (see
  // task_scheduler.h) a started task may still wait in its executor's queue.
  virtual void OnTaskStart(const v1::TaskDescriptor& task, const std::string& executor_id) {}
  virtual void OnTaskEnd(const v1::TaskResult& result) {}
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_DAG_SCHEDULER_LISTENER_H_
