// chaos_job OUT MAPS TASK_MS: the chaos suite's job (see chaos_workload.h). Writes the
// sorted result to OUT as "key<TAB>value" lines, through a temporary file renamed into
// place, so OUT exists only when the whole answer does.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "centella/centella.h"
#include "tests/chaos/chaos_workload.h"

namespace {

using Pair = std::pair<int64_t, int64_t>;

template <typename T>
std::vector<T> Sleep(std::vector<T>&& records, int task_ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(task_ms));
  return std::move(records);
}

absl::Status Run(centella::Context& ctx, int maps, int task_ms, const std::string& out) {
  using namespace centella::chaos;
  std::vector<int64_t> numbers;
  numbers.reserve(maps * kRecordsPerMap);
  for (int64_t x = 0; x < maps * kRecordsPerMap; ++x) numbers.push_back(x);
  absl::StatusOr<std::vector<Pair>> result =
      ctx.parallelize(std::move(numbers), maps)
          .map_partitions([task_ms](std::vector<int64_t>&& xs) {
            std::vector<Pair> pairs;
            pairs.reserve(xs.size());
            for (int64_t x : xs) pairs.emplace_back(x % kKeys1, x);
            return Sleep(std::move(pairs), task_ms);
          })
          .reduce_by_key(std::plus<int64_t>(), kReduce1)
          .map_partitions([task_ms](std::vector<Pair>&& sums) {
            std::vector<Pair> pairs;
            pairs.reserve(sums.size());
            for (const auto& [k, sum] : sums) pairs.emplace_back(sum % kKeys2, k * k);
            return Sleep(std::move(pairs), task_ms);
          })
          .reduce_by_key(std::plus<int64_t>(), kReduce2)
          .map_partitions(
              [task_ms](std::vector<Pair>&& sums) { return Sleep(std::move(sums), task_ms); })
          .collect();
  if (!result.ok()) return result.status();
  std::sort(result->begin(), result->end());
  const std::string tmp = out + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    for (const auto& [k, v] : *result) f << k << '\t' << v << '\n';
    if (!f.flush()) return absl::InternalError("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), out.c_str()) != 0) {
    return absl::InternalError("cannot rename " + tmp + " to " + out);
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: chaos_job OUT MAPS TASK_MS\n");
    return 2;
  }
  const int maps = std::atoi(argv[2]);
  const int task_ms = std::atoi(argv[3]);
  if (maps <= 0 || task_ms < 0) {
    std::fprintf(stderr, "chaos_job: MAPS must be positive and TASK_MS not negative\n");
    return 2;
  }
  auto ctx = centella::Context::FromEnvironment("chaos-job");
  if (!ctx.ok()) {
    std::fprintf(stderr, "chaos_job: %s\n", std::string(ctx.status().message()).c_str());
    return 1;
  }
  absl::Status s = Run(**ctx, maps, task_ms, argv[1]);
  if (!s.ok()) {
    std::fprintf(stderr, "chaos_job: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
