// flaky_driver OUT MARKER: a driver that fails the first time it runs, for testing
// `centella-submit --deploy-mode cluster --supervise`.
//
// If MARKER does not exist, it creates it and exits 1. Otherwise it runs a small job:
// the numbers 0..99 keyed by x % 7 and summed with reduce_by_key into 4 partitions;
// OUT receives part-NNNNN files of "key<TAB>sum" lines and OUT/_SUCCESS.
//
//   centella-submit --master centella://HOST:7077 --deploy-mode cluster --supervise
//       build/examples/flaky_driver /abs/out /abs/marker
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "centella/centella.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: flaky_driver OUT MARKER\n");
    return 2;
  }
  // In executor mode this runs the executor and does not return.
  auto ctx = centella::Context::FromEnvironment("flaky-driver");
  if (!ctx.ok()) {
    std::fprintf(stderr, "flaky_driver: %s\n", std::string(ctx.status().message()).c_str());
    return 1;
  }
  const std::string marker = argv[2];
  if (!std::filesystem::exists(marker)) {
    std::ofstream(marker) << "failed once\n";
    std::fprintf(stderr, "flaky_driver: first run, failing on purpose (created %s)\n",
                 marker.c_str());
    return 1;
  }
  std::vector<int64_t> numbers;
  for (int64_t x = 0; x < 100; ++x) numbers.push_back(x);
  absl::Status s = (*ctx)
                       ->parallelize(std::move(numbers), 4)
                       .map([](int64_t x) { return std::pair<int64_t, int64_t>(x % 7, x); })
                       .reduce_by_key(std::plus<int64_t>(), 4)
                       .save_as_text_file(argv[1]);
  if (!s.ok()) {
    std::fprintf(stderr, "flaky_driver: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
