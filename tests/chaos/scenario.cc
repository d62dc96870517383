#include "tests/chaos/scenario.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "tests/chaos/chaos_workload.h"

namespace centella::chaos {

Scenario Scenario::FromSeed(uint64_t seed, int maps) {
  std::mt19937_64 rng(seed);
  Scenario s;
  s.seed = seed;
  const int kind = static_cast<int>(rng() % 100);
  s.victim = kind < 45 ? Victim::kExecutor : kind < 85 ? Victim::kDaemon : Victim::kManager;
  s.stage = static_cast<char>('A' + rng() % 3);
  const int tasks = s.stage == 'A' ? maps : s.stage == 'B' ? kReduce1 : kReduce2;
  // While the stage still has tasks to run: at most half of them finished.
  s.after_finished = static_cast<int>(rng() % (tasks / 2 + 1));
  s.delay_ms = static_cast<int>(rng() % 120);
  s.restart_after_ms = 200 + static_cast<int>(rng() % 1300);
  s.pick = rng();
  return s;
}

std::string Scenario::Describe() const {
  std::string who = victim == Victim::kExecutor ? "kill an executor"
                    : victim == Victim::kDaemon ? "kill a host (daemon + executors)"
                                                : absl::StrCat("kill the manager (restart after ",
                                                               restart_after_ms, " ms)");
  return absl::StrCat(who, " in stage ", std::string(1, stage), " after ", after_finished,
                      " finished tasks + ", delay_ms, " ms");
}

}  // namespace centella::chaos
