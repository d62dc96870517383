// DagSchedulerStats: a snapshot of what the DAG scheduler holds, for tests and status
// pages (kept apart from dag_scheduler.h so that the job-facing headers stay light).
#ifndef CENTELLA_DRIVER_DAG_DAG_SCHEDULER_STATS_H_
#define CENTELLA_DRIVER_DAG_DAG_SCHEDULER_STATS_H_

#include <cstdint>

namespace centella {

// A driver that has run its jobs holds only what live Rdd handles can still reach.
struct DagSchedulerStats {
  int active_jobs = 0;
  int stages = 0;                 // map and result stages alive
  int map_stages = 0;             // of which map stages (one per shuffle in use)
  int registered_shuffles = 0;    // shuffles in the map-output registry
  int task_scheduler_stages = 0;  // stages the task scheduler keeps bookkeeping for
  int64_t shuffles_removed = 0;   // shuffles whose outputs were deleted so far
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_DAG_DAG_SCHEDULER_STATS_H_
