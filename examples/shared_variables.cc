// shared_variables: accumulators and broadcast variables, with modes the cluster tests
// use to check them against references computed here on the driver.
//
//   shared_variables accumulate PARTITIONS RECORDS TASK_MS [fail-first-attempts]
//     Adds random numbers (seeded) into three accumulators — an int64 sum, a double sum
//     and a user type (count/min/max) with its own merge — in an action whose tasks take
//     about TASK_MS each. With fail-first-attempts, every odd partition's first attempt
//     throws after having added everything. Prints each total with its reference.
//
//   shared_variables broadcast MB PARTITIONS [MIN_EXECUTORS]
//     Broadcasts a lookup table of about MB megabytes, joins PARTITIONS partitions of
//     orders against it twice, prints the join size with its reference and the fetches
//     the driver served (per executor), then destroys the broadcast, prints what the
//     driver still holds, and runs the join a third time, which must fail. With
//     MIN_EXECUTORS, waits (up to a minute) for that many executors before the first join.
//
//   centella-submit --master local[4] build/examples/shared_variables broadcast 8 40
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "centella/centella.h"

namespace {

using centella::Context;

// A user type accumulated with its own merge.
struct Range {
  int64_t count = 0;
  int64_t min = std::numeric_limits<int64_t>::max();
  int64_t max = std::numeric_limits<int64_t>::min();
  CENTELLA_FIELDS(count, min, max)
};

struct MergeRange {
  void operator()(Range& into, const Range& x) const {
    into.count += x.count;
    into.min = std::min(into.min, x.min);
    into.max = std::max(into.max, x.max);
  }
};

std::vector<int64_t> RandomNumbers(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int64_t> v(n);
  for (int64_t& x : v) x = static_cast<int64_t>(rng() % 20000001) - 10000000;
  return v;
}

int Accumulate(Context& ctx, int partitions, int64_t records, int task_ms, bool fail_first) {
  std::vector<int64_t> data = RandomNumbers(records, 42);
  auto sum = ctx.accumulator<int64_t>(0, "sum");
  auto scaled = ctx.accumulator<double>(0.0, "scaled sum");
  auto range = ctx.accumulator(Range{}, "range", MergeRange{});
  const int64_t per_partition = std::max<int64_t>(1, records / partitions);
  const int record_us = static_cast<int>(task_ms * 1000 / per_partition);
  absl::Status s =
      ctx.parallelize(data, partitions).foreach_partition([=](std::vector<int64_t>&& part) {
        for (int64_t x : part) {
          sum.add(x);
          scaled.add(static_cast<double>(x) / 1024);
          range.add(Range{1, x, x});
          if (record_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(record_us));
        }
        const centella::TaskContext* task = centella::TaskContext::Current();
        if (fail_first && task->partition() % 2 == 1 && task->attempt() == 0) {
          throw std::runtime_error("injected failure after adding (first attempt)");
        }
      });
  if (!s.ok()) {
    std::fprintf(stderr, "shared_variables: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  Range want;
  int64_t want_sum = 0;
  double want_scaled = 0;
  for (int64_t x : data) {
    want_sum += x;
    want_scaled += static_cast<double>(x) / 1024;
    MergeRange{}(want, Range{1, x, x});
  }
  const Range got = range.value();
  std::printf("accumulator sum: %" PRId64 " (reference %" PRId64 ")\n", sum.value(), want_sum);
  std::printf("accumulator scaled: %.17g (reference %.17g)\n", scaled.value(), want_scaled);
  std::printf("accumulator count: %" PRId64 " (reference %" PRId64 ")\n", got.count, want.count);
  std::printf("accumulator min: %" PRId64 " (reference %" PRId64 ")\n", got.min, want.min);
  std::printf("accumulator max: %" PRId64 " (reference %" PRId64 ")\n", got.max, want.max);
  return 0;
}

using Table = std::unordered_map<int64_t, std::string>;

int BroadcastJoin(Context& ctx, int megabytes, int partitions, int min_executors) {
  const absl::Time give_up = absl::Now() + absl::Minutes(1);
  while (ctx.num_executors() < min_executors) {
    if (absl::Now() > give_up) {
      std::fprintf(stderr, "shared_variables: only %d of %d executors came up\n",
                   ctx.num_executors(), min_executors);
      return 1;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  // Entries of ~40 serialized bytes: key varint + 32-character name.
  const int64_t keys = static_cast<int64_t>(megabytes) * (1 << 20) / 40;
  std::mt19937_64 rng(7);
  Table table;
  table.reserve(keys);
  for (int64_t k = 0; k < keys; ++k) {
    std::string name(32, ' ');
    for (char& c : name) c = static_cast<char>('a' + rng() % 26);
    table[k * 3] = std::move(name);  // a third of the keys below 3*keys exist
  }
  std::vector<int64_t> orders(static_cast<size_t>(partitions) * 2000);
  for (int64_t& o : orders) o = static_cast<int64_t>(rng() % (3 * keys));
  int64_t want_rows = 0, want_total = 0;
  for (int64_t o : orders) {
    if (auto it = table.find(o); it != table.end()) {
      ++want_rows;
      want_total += static_cast<int64_t>(it->second[0]);
    }
  }

  absl::Time start = absl::Now();
  auto names = ctx.broadcast(std::move(table));
  std::printf(
      "broadcast %" PRId64 ": %" PRIu64 " bytes serialized in %s\n", names.id(),
      names.serialized_size(),
      absl::FormatDuration(absl::Trunc(absl::Now() - start, absl::Milliseconds(1))).c_str());
  auto join = [&] {
    return ctx.parallelize(orders, partitions)
        .filter([names](int64_t o) { return names.value().contains(o); })
        .map([names](int64_t o) { return static_cast<int64_t>(names.value().at(o)[0]); })
        .collect();
  };
  for (int round = 1; round <= 2; ++round) {
    absl::Time t = absl::Now();
    absl::StatusOr<std::vector<int64_t>> rows = join();
    if (!rows.ok()) {
      std::fprintf(stderr, "shared_variables: %s\n", std::string(rows.status().message()).c_str());
      return 1;
    }
    int64_t total = 0;
    for (int64_t r : *rows) total += r;
    std::printf("join %d: %zu rows, checksum %" PRId64 " (reference %" PRId64
                " rows, checksum %" PRId64 ") in %s\n",
                round, rows->size(), total, want_rows, want_total,
                absl::FormatDuration(absl::Trunc(absl::Now() - t, absl::Milliseconds(1))).c_str());
  }
  centella::BroadcastManager::Stats stats = ctx.broadcast_stats();
  std::printf("broadcast fetches: %" PRId64 " from %zu executors;", stats.fetches,
              stats.fetches_by_executor.size());
  for (const auto& [executor, n] : stats.fetches_by_executor) {
    std::printf(" executor %s: %" PRId64 ";", executor.c_str(), n);
  }
  const double ms = absl::ToDoubleMilliseconds(stats.serve_time);
  std::printf("\nbroadcast served: %" PRId64 " bytes in %.1f ms total, %.1f ms per fetch\n",
              stats.bytes_served, ms, stats.fetches > 0 ? ms / stats.fetches : 0.0);
  std::printf("driver holds before destroy: %" PRId64 " broadcasts, %" PRId64 " bytes\n",
              stats.live, stats.serialized_bytes);

  if (absl::Status s = names.destroy(); !s.ok()) {
    std::fprintf(stderr, "shared_variables: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  stats = ctx.broadcast_stats();
  std::printf("driver holds after destroy: %" PRId64 " broadcasts, %" PRId64 " bytes\n", stats.live,
              stats.serialized_bytes);
  absl::StatusOr<std::vector<int64_t>> after = join();
  std::printf("join after destroy: %s\n",
              after.ok() ? "succeeded (wrong)" : std::string(after.status().message()).c_str());
  return 0;
}

int Usage() {
  std::fprintf(stderr,
               "usage: shared_variables accumulate PARTITIONS RECORDS TASK_MS "
               "[fail-first-attempts]\n"
               "       shared_variables broadcast MB PARTITIONS [MIN_EXECUTORS]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string mode = argv[1];
  if (!((mode == "accumulate" && (argc == 5 || argc == 6)) ||
        (mode == "broadcast" && (argc == 4 || argc == 5)))) {
    return Usage();
  }
  auto ctx = Context::FromEnvironment("shared-variables");
  if (!ctx.ok()) {
    std::fprintf(stderr, "shared_variables: %s\n", std::string(ctx.status().message()).c_str());
    return 1;
  }
  if (mode == "accumulate") {
    const bool fail_first = argc == 6 && std::string(argv[5]) == "fail-first-attempts";
    return Accumulate(**ctx, std::atoi(argv[2]), std::atoll(argv[3]), std::atoi(argv[4]),
                      fail_first);
  }
  return BroadcastJoin(**ctx, std::atoi(argv[2]), std::atoi(argv[3]),
                       argc == 5 ? std::atoi(argv[4]) : 0);
}
