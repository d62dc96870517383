// The chaos suite's job: two shuffles and a result stage over integers, with an answer
// computed here independently (single-threaded) so that every run can be compared exactly.
//
//   stage A (map, `maps` tasks):      x in 0 .. maps*kRecordsPerMap-1  ->  (x % kKeys1, x)
//   shuffle 1: reduce_by_key(+) into kReduce1 partitions
//   stage B (map, kReduce1 tasks):    (k, sum)  ->  (sum % kKeys2, k * k)
//   shuffle 2: reduce_by_key(+) into kReduce2 partitions
//   stage C (result, kReduce2 tasks): collected
//
// Every task of every stage sleeps `task_ms` once, so that the suite can strike while a
// chosen stage runs.
#ifndef CENTELLA_TESTS_CHAOS_CHAOS_WORKLOAD_H_
#define CENTELLA_TESTS_CHAOS_CHAOS_WORKLOAD_H_

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace centella::chaos {

constexpr int64_t kRecordsPerMap = 20000;
constexpr int64_t kKeys1 = 1009;
constexpr int64_t kKeys2 = 97;
// More tasks than the suite's 6 executor cores in every stage: each stage runs in two
// waves, so there is always a moment when some of its tasks are done and others run.
constexpr int kReduce1 = 12;
constexpr int kReduce2 = 9;

// The job's sorted output for `maps` map tasks.
inline std::vector<std::pair<int64_t, int64_t>> ExpectedOutput(int maps) {
  std::map<int64_t, int64_t> sums;
  for (int64_t x = 0; x < maps * kRecordsPerMap; ++x) sums[x % kKeys1] += x;
  std::map<int64_t, int64_t> second;
  for (const auto& [k, sum] : sums) second[sum % kKeys2] += k * k;
  return {second.begin(), second.end()};
}

}  // namespace centella::chaos

#endif  // CENTELLA_TESTS_CHAOS_CHAOS_WORKLOAD_H_
