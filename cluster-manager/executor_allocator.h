// Executor allocation: which application gets an executor on which daemon (Spark's
// Master.schedule / scheduleExecutorsOnWorkers, for whole executors).
//
//  * FIFO between applications: the earliest submitted application is served first and
//    may take everything it is allowed; later ones get what is left.
//  * An executor is placed only on an ALIVE daemon whose free cores AND free memory both
//    cover the application's per-executor cores and memory.
//  * spread_out (default): round-robin over the usable daemons, one executor per daemon
//    per pass, so an application lands on as many machines as possible (locality and
//    failure isolation). Otherwise pack: fill one daemon before using the next.
//  * Never more live executors than ExecutorLimit (total-cores cap, max executors,
//    dynamic-allocation target).
//  * An application that stays short gets a human-readable reason, e.g.
//    "needs 2 cores + 1g per executor; largest free daemon has 1 core + 8g".
//
// Thread safety: pure functions over a ClusterState the caller owns.
#ifndef CENTELLA_CLUSTER_MANAGER_EXECUTOR_ALLOCATOR_H_
#define CENTELLA_CLUSTER_MANAGER_EXECUTOR_ALLOCATOR_H_

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "cluster-manager/cluster_state.h"

namespace centella::cluster_manager {

inline constexpr int32_t kUnlimitedExecutors = std::numeric_limits<int32_t>::max();

struct ExecutorPlacement {
  std::string app_id;
  std::string daemon_id;
};

struct AllocationPlan {
  // New executors to launch, in order.
  std::vector<ExecutorPlacement> placements;
  // For every active application: why it remains short after this plan, or "" if it has
  // everything it may have (or takes whatever appears, having at least one executor).
  std::map<std::string, std::string> waiting_reasons;
};

// The most live executors `app` may have now: max_total_cores / executor cores, then
// max_executors, then (with dynamic allocation) the target; kUnlimitedExecutors if none
// of these limits it.
int32_t ExecutorLimit(const ApplicationRecord& app);

// Plans new executors for every WAITING/RUNNING application of `state` (UNKNOWN ones,
// still recovering, are left alone). `binary_available(hash)` tells whether the job binary
// can be served to daemons; an application without it waits with that reason.
AllocationPlan PlanExecutors(const ClusterState& state, bool spread_out,
                             absl::FunctionRef<bool(const std::string&)> binary_available);

}  // namespace centella::cluster_manager

#endif  // CENTELLA_CLUSTER_MANAGER_EXECUTOR_ALLOCATOR_H_
