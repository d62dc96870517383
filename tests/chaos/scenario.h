// Scenario: one fault the chaos suite injects, drawn from a seed (so any run can be
// replayed): which process dies, in which stage of the chaos job, and at which moment.
#ifndef CENTELLA_TESTS_CHAOS_SCENARIO_H_
#define CENTELLA_TESTS_CHAOS_SCENARIO_H_

#include <cstdint>
#include <string>

namespace centella::chaos {

enum class Victim {
  kExecutor,  // one executor process, SIGKILL; its daemon keeps serving its files
  kDaemon,    // a whole host: the daemon and its executors, SIGKILL
  kManager,   // the cluster manager, SIGKILL, restarted after `restart_after_ms`
};

struct Scenario {
  uint64_t seed = 0;
  Victim victim = Victim::kExecutor;
  char stage = 'A';        // strike while this stage of the chaos job runs (A, B or C)
  int after_finished = 0;  // ... once this many of its tasks have finished
  int delay_ms = 0;        // ... and this much later
  int restart_after_ms = 0;
  uint64_t pick = 0;  // chooses among the candidate processes at that moment
  // A second fault on top of an executor or host kill: the manager killed too,
  // `manager_after_ms` after the first strike, restarted after `restart_after_ms`.
  bool manager_too = false;
  int manager_after_ms = 0;

  // Draws a scenario for a job with `maps` map tasks in stage A, whose tasks take
  // `task_ms`, on a cluster with `cores` executor cores: the moment is always one when
  // the stage still has tasks to run.
  static Scenario FromSeed(uint64_t seed, int maps, int task_ms, int cores);
  std::string Describe() const;
};

}  // namespace centella::chaos

#endif  // CENTELLA_TESTS_CHAOS_SCENARIO_H_
