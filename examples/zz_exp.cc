#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <utility>
#include <vector>
#include "driver/api/centella.h"
int main(int argc, char** argv) {
  auto ctx = centella::Context::FromEnvironment("exp");
  if (!ctx.ok()) return 1;
  int v = std::atoi(argv[1]);
  std::vector<int64_t> numbers;
  for (int64_t x = 0; x < 40; ++x) numbers.push_back(x);
  absl::Status s;
  auto pairs = (*ctx)->parallelize(numbers, 4).map([](int64_t x) { return std::pair<int64_t, int64_t>(x % 7, x); });
  if (v == 1) {
    s = pairs.reduce_by_key(std::plus<int64_t>(), 4).save_as_text_file(argv[2]);
  } else if (v == 2) {
    s = pairs.reduce_by_key([](int64_t a, int64_t b) { return a + b; }, 4).save_as_text_file(argv[2]);
  } else if (v == 3) {
    auto r = pairs.reduce_by_key([](int64_t a, int64_t b) { return a + b; }, 4).collect();
    s = r.status();
    if (r.ok()) std::printf("%zu\n", r->size());
  } else if (v == 4) {
    s = pairs.save_as_text_file(argv[2]);
  }
  if (v == 5) {
    int us = 10;
    s = (*ctx)->parallelize(numbers, 4).map([us](int64_t x) { return std::pair<int64_t, int64_t>(x % 7, x + us - us); })
        .reduce_by_key(std::plus<int64_t>(), 4).save_as_text_file(argv[2]);
  } else if (v == 6) {
    s = pairs.reduce_by_key(std::plus<int64_t>(), 4)
        .map_partitions([](std::vector<std::pair<int64_t, int64_t>>&& p) { return std::move(p); })
        .save_as_text_file(argv[2]);
  } else if (v == 7) {
    s = pairs.map_partitions([](std::vector<std::pair<int64_t, int64_t>>&& p) { return std::move(p); })
        .save_as_text_file(argv[2]);
  } else if (v == 8) {
    auto r = pairs.reduce_by_key(std::plus<int64_t>(), 4)
        .map_partitions([](std::vector<std::pair<int64_t, int64_t>>&& p) { return std::move(p); }).collect();
    s = r.status();
  }
  std::printf("status %s\n", s.ToString().c_str());
  return s.ok() ? 0 : 1;
}
