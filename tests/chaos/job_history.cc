#include "tests/chaos/job_history.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace centella::chaos {

absl::Status JobHistory::AddLine(std::string_view line) {
  if (line.empty()) return absl::OkStatus();
  nlohmann::json e = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (e.is_discarded() || !e.is_object() || !e.contains("event")) {
    return absl::InvalidArgumentError(absl::StrCat("not an event log line: ", std::string(line)));
  }
  try {
    const std::string event = e.at("event").get<std::string>();
    const int64_t time_us = e.at("time_us").get<int64_t>();
    if (event == "StageSubmitted") {
      StageRecord& s = stages_[e.at("stage").get<int>()];
      s.id = e.at("stage").get<int>();
      s.is_map = e.at("map").get<bool>();
      s.parents = e.at("parents").get<std::vector<int>>();
      if (s.submissions++ == 0) s.tasks_in_first_attempt = e.at("tasks").get<int>();
      s.completed = false;
    } else if (event == "StageCompleted") {
      stages_[e.at("stage").get<int>()].completed = true;
    } else if (event == "TaskStart") {
      TaskRecord t;
      t.task_id = e.at("task").get<std::string>();
      t.stage = e.at("stage").get<int>();
      t.partition = e.at("partition").get<int>();
      t.executor = e.at("executor").get<std::string>();
      t.start_us = time_us;
      task_index_[t.task_id] = tasks_.size();
      tasks_.push_back(std::move(t));
    } else if (event == "TaskEnd") {
      auto it = task_index_.find(e.at("task").get<std::string>());
      if (it == task_index_.end()) {
        return absl::InvalidArgumentError(
            absl::StrCat("TaskEnd before its TaskStart: ", std::string(line)));
      }
      TaskRecord& t = tasks_[it->second];
      t.end_us = time_us;
      t.state = e.at("state").get<std::string>();
      if (e.contains("shuffle_address"))
        t.shuffle_address = e.at("shuffle_address").get<std::string>();
    } else if (event == "JobEnd") {
      job_ended_ = true;
      job_succeeded_ = e.at("succeeded").get<bool>();
    }
  } catch (const nlohmann::json::exception& ex) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad event log line (", ex.what(), "): ", std::string(line)));
  }
  return absl::OkStatus();
}

absl::Status JobHistory::AddChunk(std::string_view chunk) {
  partial_.append(chunk);
  size_t start = 0;
  for (size_t nl = partial_.find('\n'); nl != std::string::npos; nl = partial_.find('\n', start)) {
    absl::Status s = AddLine(std::string_view(partial_).substr(start, nl - start));
    start = nl + 1;
    if (!s.ok()) {
      partial_.erase(0, start);
      return s;
    }
  }
  partial_.erase(0, start);
  return absl::OkStatus();
}

int JobHistory::StageA() const {
  for (const auto& [id, s] : stages_) {
    if (s.is_map && s.parents.empty()) return id;
  }
  return -1;
}

int JobHistory::StageB() const {
  for (const auto& [id, s] : stages_) {
    if (s.is_map && !s.parents.empty()) return id;
  }
  return -1;
}

int JobHistory::StageC() const {
  for (const auto& [id, s] : stages_) {
    if (!s.is_map) return id;
  }
  return -1;
}

int JobHistory::FinishedTasks(int stage) const {
  std::set<int> done;
  for (const TaskRecord& t : tasks_) {
    if (t.stage == stage && t.state == "FINISHED") done.insert(t.partition);
  }
  return static_cast<int>(done.size());
}

std::vector<std::string> JobHistory::RunningExecutors(int stage) const {
  std::set<std::string> running;
  for (const TaskRecord& t : tasks_) {
    if (t.state.empty() && (stage < 0 || t.stage == stage)) running.insert(t.executor);
  }
  return {running.begin(), running.end()};
}

}  // namespace centella::chaos
