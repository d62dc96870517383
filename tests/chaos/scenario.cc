#include "tests/chaos/scenario.h"

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "tests/chaos/chaos_workload.h"

namespace centella::chaos {

Scenario Scenario::FromSeed(uint64_t seed, int maps, int task_ms, int cores) {
  std::mt19937_64 rng(seed);
  Scenario s;
  s.seed = seed;
  const int kind = static_cast<int>(rng() % 100);
  s.victim = kind < 45 ? Victim::kExecutor : kind < 85 ? Victim::kDaemon : Victim::kManager;
  s.stage = static_cast<char>('A' + rng() % 3);
  const int tasks = s.stage == 'A' ? maps : s.stage == 'B' ? kReduce1 : kReduce2;
  // Before the last wave of the stage has started: its tasks finish about together, so
  // a strike within most of a task's time after that is still inside the stage.
  s.after_finished = static_cast<int>(rng() % std::max(1, tasks - cores));
  s.delay_ms = static_cast<int>(rng() % std::max(1, task_ms * 3 / 5));
  s.restart_after_ms = 200 + static_cast<int>(rng() % 1300);
  s.pick = rng();
  // Drawn last, so that the first fault of a seed stays what it was before.
  s.manager_too = s.victim != Victim::kManager && rng() % 4 == 0;
  s.manager_after_ms = static_cast<int>(rng() % 500);
  return s;
}

std::string Scenario::Describe() const {
  std::string who = victim == Victim::kExecutor ? "kill an executor"
                    : victim == Victim::kDaemon ? "kill a host (daemon + executors)"
                                                : absl::StrCat("kill the manager (restart after ",
                                                               restart_after_ms, " ms)");
  std::string also;
  if (manager_too) {
    also = absl::StrCat(", then the manager ", manager_after_ms, " ms later (restart after ",
                        restart_after_ms, " ms)");
  }
  return absl::StrCat(who, " in stage ", std::string(1, stage), " after ", after_finished,
                      " finished tasks + ", delay_ms, " ms", also);
}

}  // namespace centella::chaos
