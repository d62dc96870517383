// slow_job PARTITIONS TASK_MS OUT [REDUCE_TASK_MS]: a job whose tasks take a known time,
// so that tests can act on a cluster while it runs (kill an executor, restart the
// manager, ...).
//
// The numbers 0 .. PARTITIONS*10-1 are spread over PARTITIONS map tasks, each sleeping
// about TASK_MS in total, keyed by x % 7 and summed with reduce_by_key into PARTITIONS
// reduce tasks, each of which sleeps REDUCE_TASK_MS (default TASK_MS). OUT receives part-NNNNN
// files of "key<TAB>sum" lines (keys 0..6, each the sum of the numbers with that remainder) and
// OUT/_SUCCESS.
//
//   centella-submit --master local[2] build/examples/slow_job 8 200 out
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "centella/centella.h"

namespace {

constexpr int64_t kRecordsPerPartition = 10;
constexpr int64_t kKeys = 7;

absl::Status Run(centella::Context& ctx, int partitions, int task_ms, int reduce_task_ms,
                 const std::string& out) {
  std::vector<int64_t> numbers;
  for (int64_t x = 0; x < partitions * kRecordsPerPartition; ++x) numbers.push_back(x);
  const int record_us = task_ms * 1000 / static_cast<int>(kRecordsPerPartition);
  const int task_us = reduce_task_ms * 1000;
  return ctx.parallelize(std::move(numbers), partitions)
      .map([record_us](int64_t x) {
        std::this_thread::sleep_for(std::chrono::microseconds(record_us));
        return std::pair<int64_t, int64_t>(x % kKeys, x);
      })
      .reduce_by_key(std::plus<int64_t>(), partitions)
      .map_partitions([task_us](std::vector<std::pair<int64_t, int64_t>>&& sums) {
        std::this_thread::sleep_for(std::chrono::microseconds(task_us));
        return std::move(sums);
      })
      .save_as_text_file(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: slow_job PARTITIONS TASK_MS OUT [REDUCE_TASK_MS]\n");
    return 2;
  }
  const int partitions = std::atoi(argv[1]);
  const int task_ms = std::atoi(argv[2]);
  const int reduce_task_ms = argc == 5 ? std::atoi(argv[4]) : task_ms;
  if (partitions <= 0 || task_ms < 0 || reduce_task_ms < 0) {
    std::fprintf(stderr, "slow_job: PARTITIONS must be positive and the times not negative\n");
    return 2;
  }
  auto ctx = centella::Context::FromEnvironment("slow-job");
  if (!ctx.ok()) {
    std::fprintf(stderr, "slow_job: %s\n", std::string(ctx.status().message()).c_str());
    return 1;
  }
  absl::Status s = Run(**ctx, partitions, task_ms, reduce_task_ms, argv[3]);
  if (!s.ok()) {
    std::fprintf(stderr, "slow_job: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
