// AllocationPolicy: dynamic allocation (centella.dynamicAllocation.enabled). Decides, from
// what the scheduler is waiting for and what executors are doing, how many executors to
// ask the cluster manager for and which idle ones to give back.
//
//   - tasks have waited for `backlog_timeout`: ask for enough executors to run every
//     running and waiting task at once (capped at max_executors);
//   - an executor has run nothing for `idle_timeout`: release it (down to min_executors).
// Releasing an executor loses nothing: its shuffle files belong to its daemon.
//
// A pure decision object: the caller feeds it observations with the time; not
// thread-safe.
#ifndef CENTELLA_DRIVER_CLUSTER_ALLOCATION_POLICY_H_
#define CENTELLA_DRIVER_CLUSTER_ALLOCATION_POLICY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"

namespace centella {

struct AllocationPolicyOptions {
  int min_executors = 0;
  int max_executors = 0;  // 0 = no limit
  int cores_per_executor = 1;
  absl::Duration backlog_timeout = absl::Seconds(1);
  absl::Duration idle_timeout = absl::Seconds(60);
};

class AllocationPolicy {
 public:
  struct ExecutorLoad {
    std::string executor_id;
    int running_tasks = 0;
  };
  struct Decision {
    std::optional<int> request_total;   // ask the manager for this many executors in all
    std::vector<std::string> release;   // give these back
  };

  explicit AllocationPolicy(AllocationPolicyOptions options) : options_(options) {}

  Decision Observe(absl::Time now, int waiting_tasks, const std::vector<ExecutorLoad>& executors);


 private:
  const AllocationPolicyOptions options_;
  int requested_ = 0;
  std::optional<absl::Time> backlog_since_;
  absl::flat_hash_map<std::string, absl::Time> idle_since_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_CLUSTER_ALLOCATION_POLICY_H_
