// RecoveryCheck: did the driver recompute exactly what a fault lost — no less (the answer
// would be wrong or the job stuck) and no more (Spark's promise: a lost machine costs
// only its partitions)?
//
// From the event log and the moment of the fault:
//   lost      map outputs (stage, partition) that finished at the lost host's shuffle
//             address from a task started before the fault — all of them went with it;
//             none when only an executor process or the manager died (the daemon keeps
//             serving the executor's files).
//   expected  those lost outputs that were needed afterwards: some task of a stage
//             reading that shuffle started after the fault (a reduce task reads every map
//             output of its shuffle, so one is enough).
//   actual    map outputs computed successfully both by a task started before the fault
//             and by one started after it.
// The check passes when actual == expected, and no stage was resubmitted more than
// `max_resubmissions` times (a burst of fetch failures must cost one resubmission).
#ifndef CENTELLA_TESTS_CHAOS_RECOVERY_CHECK_H_
#define CENTELLA_TESTS_CHAOS_RECOVERY_CHECK_H_

#include <cstdint>
#include <set>
#include <string>
#include <utility>

#include "tests/chaos/job_history.h"

namespace centella::chaos {

using MapOutput = std::pair<int, int>;  // (stage, partition)

struct RecoveryReport {
  std::set<MapOutput> lost, expected, actual;
  int max_resubmissions = 0;  // over all stages
  bool ok = false;
  std::string problem;  // why not ok
};

// `lost_shuffle_address`: the shuffle address of the host that died; empty when no host
// died. `fault_us`: when the fault struck (wall clock, microseconds since the Unix epoch).
RecoveryReport CheckRecovery(const JobHistory& history, int64_t fault_us,
                             const std::string& lost_shuffle_address, int max_resubmissions);

}  // namespace centella::chaos

#endif  // CENTELLA_TESTS_CHAOS_RECOVERY_CHECK_H_
