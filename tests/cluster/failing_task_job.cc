// failing_task_job: a job whose task for partition 1 throws in every attempt, for tests of
// centella.task.maxFailures through centella-submit. It counts 4 partitions of numbers;
// the job fails once the task has failed maxFailures times, and the program then prints
// "failing_task_job: <the job's error>" on stderr and exits 1. (Only a job that succeeded
// would print on stdout: the count.)
//
//   centella-submit --master centella://HOST:7077 build/tests/failing_task_job
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "centella/centella.h"

int main(int argc, char** argv) {
  // In executor mode this runs the executor and does not return.
  auto ctx = centella::Context::FromEnvironment("failing-task-job");
  if (!ctx.ok()) {
    std::fprintf(stderr, "failing_task_job: %s\n", std::string(ctx.status().message()).c_str());
    return 1;
  }
  std::vector<int64_t> numbers(100);
  std::iota(numbers.begin(), numbers.end(), 0);
  absl::StatusOr<int64_t> n =
      (*ctx)
          ->parallelize(std::move(numbers), 4)
          .map_partitions_with_index([](int partition, std::vector<int64_t>&& xs) {
            if (partition == 1) throw std::runtime_error("partition 1 is broken");
            return std::move(xs);
          })
          .count();
  if (!n.ok()) {
    std::fprintf(stderr, "failing_task_job: %s\n", std::string(n.status().message()).c_str());
    return 1;
  }
  std::printf("%lld\n", static_cast<long long>(*n));
  return 0;
}
