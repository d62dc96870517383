#include "driver/ui/event_log.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/status/status_macros.h"
#include "nlohmann/json.hpp"

namespace centella {
nlohmann::json EventLog::Event(const char* name) const {
  return nlohmann::json{{"event", name}, {"time_us", absl::ToUnixMicros(clock_.Now())}};
}

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(const std::string& dir,
                                                         const std::string& app_id, Clock& clock) {
  ASSIGN_OR_RETURN(std::unique_ptr<EventLogFile> file, EventLogFile::Open(dir, app_id));
  return std::unique_ptr<EventLog>(new EventLog(std::move(file), clock));
}

EventLog::~EventLog() = default;

void EventLog::OnJobStart(int job_id, const std::string& description) {
  nlohmann::json e = Event("JobStart");
  e["job"] = job_id;
  e["description"] = description;
  file_->Append(e);
}

void EventLog::OnJobEnd(int job_id, bool succeeded) {
  nlohmann::json e = Event("JobEnd");
  e["job"] = job_id;
  e["succeeded"] = succeeded;
  file_->Append(e);
}

void EventLog::OnStageSubmitted(const StageInfo& stage) {
  nlohmann::json e = Event("StageSubmitted");
  e["stage"] = stage.stage_id;
  e["attempt"] = stage.attempt;
  e["job"] = stage.job_id;
  e["map"] = stage.is_map;
  e["name"] = stage.name;
  e["tasks"] = stage.num_tasks;
  e["partitions"] = stage.num_partitions;
  e["parents"] = stage.parent_ids;
  file_->Append(e);
}

void EventLog::OnStageCompleted(const StageInfo& stage) {
  nlohmann::json e = Event("StageCompleted");
  e["stage"] = stage.stage_id;
  e["attempt"] = stage.attempt;
  file_->Append(e);
}

void EventLog::OnTaskStart(const v1::TaskDescriptor& task, const std::string& executor_id) {
  nlohmann::json e = Event("TaskStart");
  e["task"] = task.task_id();
  e["stage"] = task.stage_id();
  e["stage_attempt"] = task.stage_attempt();
  e["partition"] = task.partition();
  e["attempt"] = task.attempt();
  e["executor"] = executor_id;
  e["epoch"] = task.epoch();
  file_->Append(e);
}

void EventLog::OnTaskEnd(const v1::TaskResult& result) {
  nlohmann::json e = Event("TaskEnd");
  e["task"] = result.task_id();
  e["stage"] = result.stage_id();
  e["stage_attempt"] = result.stage_attempt();
  e["partition"] = result.partition();
  e["attempt"] = result.attempt();
  e["state"] = std::string(absl::StripPrefix(v1::TaskState_Name(result.state()), "TASK_STATE_"));
  if (result.state() == v1::TASK_STATE_FINISHED && result.has_map_status()) {
    e["shuffle_address"] = result.map_status().shuffle_address();
    e["map_executor"] = result.map_status().executor_id();
  }
  if (result.state() == v1::TASK_STATE_FETCH_FAILED) {
    e["fetch_shuffle"] = result.fetch_failure().shuffle_id();
    e["fetch_map"] = result.fetch_failure().map_id();
    e["fetch_address"] = result.fetch_failure().shuffle_address();
  }
  if (result.state() != v1::TASK_STATE_FINISHED && !result.error_message().empty()) {
    e["error"] = result.error_message();
  }
  // Error messages may hold any bytes (a task's own message); never throw on them.
  file_->Append(e);
}

}  // namespace centella
