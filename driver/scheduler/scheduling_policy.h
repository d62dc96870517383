// SchedulingPolicy: which job's tasks a free executor slot goes to when several jobs of
// one driver run at once (Spark's spark.scheduler.mode and fair scheduler pools).
//
//   centella.scheduler.mode = FIFO (default) | FAIR
//   centella.scheduler.pool.<name>.weight   = 1    share of the slots relative to others
//   centella.scheduler.pool.<name>.minShare = 0    slots the pool gets before weights count
//   centella.scheduler.pool.<name>.mode     = FAIR | FIFO   between the pool's own jobs
//
// FIFO: the oldest job first; a later job gets the slots the earlier ones leave free.
// FAIR: pools are ordered as Spark orders them — a pool running fewer tasks than its
// minShare comes first (the neediest by running/minShare), then by running/weight, ties
// by name — and a job's pool is chosen by the thread that submits it
// (Context::SetSchedulerPool; "default" otherwise). Unlike Spark, whose pools default to
// FIFO inside, jobs in one pool share it fairly unless the pool says FIFO: a user who
// turns FAIR on and submits from several threads expects the jobs to share, and with
// Spark's default they do not unless each thread names its own pool.
//
// Stateless between calls; the task scheduler passes the current load. Not thread-safe
// to configure, const to use.
#ifndef CENTELLA_DRIVER_SCHEDULER_SCHEDULING_POLICY_H_
#define CENTELLA_DRIVER_SCHEDULER_SCHEDULING_POLICY_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "common/config/conf.h"

namespace centella {

enum class SchedulingMode { kFifo, kFair };

struct PoolOptions {
  int weight = 1;
  int min_share = 0;
  SchedulingMode mode = SchedulingMode::kFair;
};

class SchedulingPolicy {
 public:
  static constexpr char kDefaultPool[] = "default";

  SchedulingPolicy() = default;
  SchedulingPolicy(SchedulingMode mode, absl::flat_hash_map<std::string, PoolOptions> pools)
      : mode_(mode), pools_(std::move(pools)) {}

  // The policy the centella.scheduler.* keys describe. InvalidArgument naming the key
  // for an unknown mode, a weight below 1 or a negative minShare.
  static absl::StatusOr<SchedulingPolicy> FromConf(const Conf& conf);

  SchedulingMode mode() const { return mode_; }
  // A pool's options; a pool not configured gets the defaults (Spark does the same).
  PoolOptions pool(const std::string& name) const;

  struct JobLoad {
    int job_id;
    std::string pool;
    int running;  // tasks of the job running now
  };
  // The order in which `jobs` (those with queued tasks) are offered the next free slot.
  std::vector<int> Order(const std::vector<JobLoad>& jobs) const;

 private:
  SchedulingMode mode_ = SchedulingMode::kFifo;
  absl::flat_hash_map<std::string, PoolOptions> pools_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_SCHEDULER_SCHEDULING_POLICY_H_
