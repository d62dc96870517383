#include "driver/cluster/allocation_policy.h"

#include <algorithm>

namespace centella {

AllocationPolicy::Decision AllocationPolicy::Observe(absl::Time now, int waiting_tasks,
                                                     const std::vector<ExecutorLoad>& executors) {
  Decision d;
  int running = 0;
  for (const ExecutorLoad& e : executors) running += e.running_tasks;

  if (waiting_tasks > 0) {
    if (!backlog_since_) backlog_since_ = now;
    if (now - *backlog_since_ >= options_.backlog_timeout) {
      int cores = std::max(1, options_.cores_per_executor);
      int want = (running + waiting_tasks + cores - 1) / cores;
      if (options_.max_executors > 0) want = std::min(want, options_.max_executors);
      want = std::max(want, options_.min_executors);
      if (want > requested_) {
        requested_ = want;
        d.request_total = want;
      }
      backlog_since_ = now;  // re-armed: ask again if the backlog persists
    }
  } else {
    backlog_since_.reset();
  }

  // Idle executors go back, but never below the minimum, and not while tasks wait.
  int remaining = static_cast<int>(executors.size());
  absl::flat_hash_map<std::string, absl::Time> still_idle;
  for (const ExecutorLoad& e : executors) {
    if (e.running_tasks > 0 || waiting_tasks > 0) continue;
    auto it = idle_since_.find(e.executor_id);
    absl::Time since = it == idle_since_.end() ? now : it->second;
    if (now - since >= options_.idle_timeout && remaining > options_.min_executors) {
      d.release.push_back(e.executor_id);
      --remaining;
    } else {
      still_idle[e.executor_id] = since;
    }
  }
  idle_since_ = std::move(still_idle);
  if (!d.release.empty()) {
    requested_ = std::max(options_.min_executors, remaining);
    d.request_total = requested_;
  }
  return d;
}

}  // namespace centella
