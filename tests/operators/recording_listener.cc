#include "tests/operators/recording_listener.h"

namespace centella {

void RecordingListener::OnStageSubmitted(const StageInfo& stage) {
  absl::MutexLock lock(&mu_);
  submissions_.push_back(stage);
}

void RecordingListener::OnTaskStart(const v1::TaskDescriptor& task,
                                    const std::string& executor_id) {
  absl::MutexLock lock(&mu_);
  attempt_of_task_[task.task_id()] = attempts_.size();
  attempts_.push_back(
      {task.stage_id(), task.partition(), task.attempt(), task.task_id(), executor_id, {}});
}

void RecordingListener::OnTaskEnd(const v1::TaskResult& result) {
  absl::MutexLock lock(&mu_);
  auto it = attempt_of_task_.find(result.task_id());
  if (it != attempt_of_task_.end()) attempts_[it->second].result = result;
}

void RecordingListener::Clear() {
  absl::MutexLock lock(&mu_);
  submissions_.clear();
  attempts_.clear();
  attempt_of_task_.clear();
}

std::vector<StageInfo> RecordingListener::Submissions() const {
  absl::MutexLock lock(&mu_);
  return submissions_;
}

int RecordingListener::OnlyStageId(bool is_map) const {
  absl::MutexLock lock(&mu_);
  int id = -1;
  for (const StageInfo& s : submissions_) {
    if (s.is_map != is_map) continue;
    if (id >= 0 && id != s.stage_id) return -2;
    id = s.stage_id;
  }
  return id;
}

int RecordingListener::MapStageId() const { return OnlyStageId(true); }
int RecordingListener::ResultStageId() const { return OnlyStageId(false); }

std::vector<RecordingListener::Attempt> RecordingListener::Attempts() const {
  absl::MutexLock lock(&mu_);
  return attempts_;
}

std::vector<RecordingListener::Attempt> RecordingListener::AttemptsOf(int stage_id) const {
  absl::MutexLock lock(&mu_);
  std::vector<Attempt> out;
  for (const Attempt& a : attempts_) {
    if (a.stage_id == stage_id) out.push_back(a);
  }
  return out;
}

std::map<int, int> RecordingListener::LaunchesPerPartition(int stage_id) const {
  absl::MutexLock lock(&mu_);
  std::map<int, int> out;
  for (const Attempt& a : attempts_) {
    if (a.stage_id == stage_id) ++out[a.partition];
  }
  return out;
}

int RecordingListener::CountEnded(v1::TaskState state) const {
  absl::MutexLock lock(&mu_);
  int n = 0;
  for (const Attempt& a : attempts_) n += a.result.has_value() && a.result->state() == state;
  return n;
}

}  // namespace centella
