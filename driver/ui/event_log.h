// EventLog: what the DAG scheduler did, as one JSON object per line in
// <centella.eventLog.dir>/<app id>.jsonl (Spark's event log, for the history UI, for
// post-mortems, and for the chaos suite, which reads it to count recomputed tasks).
//
// Every line has "event" and "time_us" (wall clock, microseconds since the Unix epoch) and:
//   JobStart        job, description
//   JobEnd          job, succeeded
//   StageSubmitted  stage, attempt, job (-1: a map stage), map, name, tasks, partitions,
//                   parents (stage ids)
//   StageCompleted  stage, attempt
//   TaskStart       task, stage, stage_attempt, partition, attempt, executor, epoch
//   TaskEnd         task, stage, stage_attempt, partition, attempt, state, and for a map
//                   task that finished: shuffle_address, map_executor; for a failure:
//                   error; for a fetch failure: fetch_shuffle, fetch_map, fetch_address
// Each line is written as it happens (event_log_file.h: whole lines, nothing lost before a
// crash, write errors never fail a job).
#ifndef CENTELLA_DRIVER_UI_EVENT_LOG_H_
#define CENTELLA_DRIVER_UI_EVENT_LOG_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/clock/clock.h"
#include "driver/dag/scheduler_listener.h"
#include "driver/ui/event_log_file.h"
#include "nlohmann/json.hpp"

namespace centella {

class EventLog final : public SchedulerListener {
 public:
  // Creates `dir` if needed and opens <dir>/<app_id>.jsonl for appending. Event times
  // ("time_us") are read from `clock` (not owned, must outlive the log).
  static absl::StatusOr<std::unique_ptr<EventLog>> Open(const std::string& dir,
                                                        const std::string& app_id,
                                                        Clock& clock = RealClock());
  ~EventLog() override;

  const std::string& path() const { return file_->path(); }

  void OnJobStart(int job_id, const std::string& description) override;
  void OnJobEnd(int job_id, bool succeeded) override;
  void OnStageSubmitted(const StageInfo& stage) override;
  void OnStageCompleted(const StageInfo& stage) override;
  void OnTaskStart(const v1::TaskDescriptor& task, const std::string& executor_id) override;
  void OnTaskEnd(const v1::TaskResult& result) override;

 private:
  EventLog(std::unique_ptr<EventLogFile> file, Clock& clock)
      : file_(std::move(file)), clock_(clock) {}
  // A JSON event named `name` stamped with the clock's time.
  nlohmann::json Event(const char* name) const;

  std::unique_ptr<EventLogFile> file_;
  Clock& clock_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_UI_EVENT_LOG_H_
