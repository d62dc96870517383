// JobHistory: an application's event log (driver/ui/event_log.h) read back — stages,
// task launches and task ends with their times — for the chaos suite's checks. Lines are
// fed as they appear, so a history can follow a running driver.
#ifndef CENTELLA_TESTS_CHAOS_JOB_HISTORY_H_
#define CENTELLA_TESTS_CHAOS_JOB_HISTORY_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace centella::chaos {

struct StageRecord {
  int id = 0;
  bool is_map = false;
  int tasks_in_first_attempt = 0;
  std::vector<int> parents;
  int submissions = 0;  // attempts submitted
  bool completed = false;
};

struct TaskRecord {
  std::string task_id;
  int stage = 0;
  int partition = 0;
  std::string executor;
  int64_t start_us = 0;
  int64_t end_us = 0;           // 0 while running
  std::string state;            // FINISHED, FAILED, FETCH_FAILED, KILLED; empty while running
  std::string shuffle_address;  // where a finished map task's output lives
};

class JobHistory {
 public:
  // Adds one line of the event log; InvalidArgument names what is wrong with it.
  absl::Status AddLine(std::string_view line);
  // Feeds the complete lines of a file read so far; keeps a partial last line for later.
  absl::Status AddChunk(std::string_view chunk);

  const std::map<int, StageRecord>& stages() const { return stages_; }
  const std::vector<TaskRecord>& tasks() const { return tasks_; }
  // The stage with no parents, the map stage with parents, the result stage: the chaos
  // job's A, B and C (see chaos_workload.h); -1 until submitted.
  int StageA() const;
  int StageB() const;
  int StageC() const;
  int FinishedTasks(int stage) const;
  // Executors running a task of `stage` now (any stage if -1).
  std::vector<std::string> RunningExecutors(int stage) const;
  bool job_ended() const { return job_ended_; }
  bool job_succeeded() const { return job_succeeded_; }

 private:
  std::map<int, StageRecord> stages_;
  std::vector<TaskRecord> tasks_;
  std::map<std::string, size_t> task_index_;
  std::string partial_;
  bool job_ended_ = false;
  bool job_succeeded_ = false;
};

}  // namespace centella::chaos

#endif  // CENTELLA_TESTS_CHAOS_JOB_HISTORY_H_
