// Memory accounting and spilling: with an execution budget of 1 MiB per executor, jobs
// whose shuffle data is more than ten times larger still complete with exact results —
// the aggregation, group, join and sort buffers spill sorted runs and merge them — and no
// task is ever granted more than the budget. On every master.
#include <algorithm>
#include <map>
#include <mutex>

#include "driver/dag/scheduler_listener.h"
#include "tests/operators/operator_test.h"

namespace centella {
namespace {

constexpr int64_t kBudget = 1 << 20;
constexpr int kSeeds = 8;
constexpr int kPerSeed = 40000;  // 320k records of ~50 bytes: ~16 MB through each shuffle

// Sums the spill and peak memory every finished task reports.
class MemoryListener : public SchedulerListener {
 public:
  void OnTaskEnd(const v1::TaskResult& result) override {
    std::lock_guard<std::mutex> lock(mu_);
    spilled_ += result.metrics().spilled_bytes();
    peak_ = std::max(peak_, result.metrics().peak_memory_bytes());
    shuffle_bytes_ += result.metrics().shuffle_bytes_written();
  }
  int64_t spilled() {
    std::lock_guard<std::mutex> lock(mu_);
    return spilled_;
  }
  int64_t peak() {
    std::lock_guard<std::mutex> lock(mu_);
    return peak_;
  }
  int64_t shuffle_bytes() {
    std::lock_guard<std::mutex> lock(mu_);
    return shuffle_bytes_;
  }
  void Reset() {
    std::lock_guard<std::mutex> lock(mu_);
    spilled_ = peak_ = shuffle_bytes_ = 0;
  }

 private:
  std::mutex mu_;
  int64_t spilled_ = 0, peak_ = 0, shuffle_bytes_ = 0;
};

// Record i of seed s: a key among `keys` distinct ones and a 30-byte value.
std::pair<std::string, std::string> Generate(int64_t seed, int64_t i, int64_t keys) {
  uint64_t h = StableHash(std::pair<int64_t, int64_t>(seed, i));
  std::string key = "key-" + std::to_string(h % keys);
  std::string value = "value-" + std::to_string(h) + "-pad";
  value.resize(30, '.');
  return {key, value};
}

struct GenerateRecords {
  int64_t keys = 0;
  std::vector<std::pair<std::string, std::string>> operator()(int64_t seed) const {
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(kPerSeed);
    for (int64_t i = 0; i < kPerSeed; ++i) out.push_back(Generate(seed, i, keys));
    return out;
  }
};

class SpillTest : public OperatorTest {
 protected:
  void Configure(ContextOptions& options) override {
    ASSERT_TRUE(options.conf.Set("centella.memory.budget", std::to_string(kBudget)).ok());
    // Uncompressed, so the shuffle bytes the tasks report are the data's real size.
    ASSERT_TRUE(options.conf.Set("centella.shuffle.compress.codec", "none").ok());
    options.listener = &listener_;
  }
  auto Records(int64_t keys) {
    std::vector<int64_t> seeds(kSeeds);
    std::iota(seeds.begin(), seeds.end(), 0);
    return ctx_->parallelize(seeds, kSeeds).flat_map(GenerateRecords{keys});
  }
  std::vector<std::pair<std::string, std::string>> Reference(int64_t keys) {
    std::vector<std::pair<std::string, std::string>> all;
    for (int64_t s = 0; s < kSeeds; ++s) {
      for (int64_t i = 0; i < kPerSeed; ++i) all.push_back(Generate(s, i, keys));
    }
    return all;
  }
  // Spilled, and no task held more than the budget.
  void ExpectSpilledWithinBudget(const char* what) {
    EXPECT_GT(listener_.shuffle_bytes(), 10 * kBudget) << what;
    EXPECT_GT(listener_.spilled(), 0) << what;
    EXPECT_LE(listener_.peak(), kBudget) << what;
    listener_.Reset();
  }

  MemoryListener listener_;
};

TEST_P(SpillTest, ReduceByKeyWithMoreKeysThanFitInMemory) {
  const int64_t keys = 200000;
  auto got = Records(keys)
                 .reduce_by_key([](std::string a, std::string b) { return std::max(a, b); }, 2)
                 .collect();
  ASSERT_TRUE(got.ok()) << got.status();
  std::map<std::string, std::string> want;
  for (const auto& [k, v] : Reference(keys)) want[k] = std::max(want[k], v);
  EXPECT_EQ(got->size(), want.size());  // every key exactly once
  EXPECT_EQ((std::map<std::string, std::string>(got->begin(), got->end())), want);
  ExpectSpilledWithinBudget("reduce_by_key");
}

TEST_P(SpillTest, GroupByKeyAndJoin) {
  const int64_t keys = 50000;
  auto groups = Records(keys).group_by_key(3).map_values([](std::vector<std::string> vs) {
    std::sort(vs.begin(), vs.end());
    return vs;
  });
  auto got = groups.collect();
  ASSERT_TRUE(got.ok()) << got.status();
  std::map<std::string, std::vector<std::string>> want;
  for (auto& [k, v] : Reference(keys)) want[k].push_back(v);
  for (auto& [k, vs] : want) std::sort(vs.begin(), vs.end());
  EXPECT_EQ(got->size(), want.size());
  EXPECT_EQ((std::map<std::string, std::vector<std::string>>(got->begin(), got->end())), want);
  ExpectSpilledWithinBudget("group_by_key");

  // Join every record with its key's count: as many output records as input records.
  auto counts = Records(keys)
                    .map_values([](const std::string&) { return int64_t{1}; })
                    .reduce_by_key([](int64_t a, int64_t b) { return a + b; });
  auto joined = Records(keys)
                    .join(counts, 3)
                    .map([](std::pair<std::string, std::pair<std::string, int64_t>> r) {
                      return r.second.second;
                    })
                    .collect();
  ASSERT_TRUE(joined.ok()) << joined.status();
  EXPECT_EQ(joined->size(), static_cast<size_t>(kSeeds * kPerSeed));
  int64_t want_sum = 0;
  for (const auto& [k, vs] : want) want_sum += static_cast<int64_t>(vs.size() * vs.size());
  EXPECT_EQ(std::accumulate(joined->begin(), joined->end(), int64_t{0}), want_sum);
  ExpectSpilledWithinBudget("join");
}

TEST_P(SpillTest, SortByKeyIsAnExternalSort) {
  const int64_t keys = 1000000;
  auto got = Records(keys).sort_by_key(true, 2).collect();
  ASSERT_TRUE(got.ok()) << got.status();
  auto want = Reference(keys);
  std::stable_sort(want.begin(), want.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  EXPECT_EQ(*got, want);
  ExpectSpilledWithinBudget("sort_by_key");
}

TEST_P(SpillTest, MaterializedPartitionsAreAccounted) {
  // map_partitions and cartesian hold a partition whole: they cannot spill, but their
  // memory counts in the task's grant (capped by the budget).
  auto sizes = Records(10)
                   .map_partitions([](std::vector<std::pair<std::string, std::string>>&& part) {
                     return std::vector<int64_t>{static_cast<int64_t>(part.size())};
                   })
                   .collect();
  ASSERT_TRUE(sizes.ok()) << sizes.status();
  EXPECT_EQ(std::accumulate(sizes->begin(), sizes->end(), int64_t{0}), kSeeds * kPerSeed);
  EXPECT_GT(listener_.peak(), 0);
  EXPECT_LE(listener_.peak(), kBudget);
  listener_.Reset();
  auto pairs = ctx_->parallelize(std::vector<int64_t>(2000, 7), 2)
                   .cartesian(ctx_->parallelize(std::vector<int64_t>(3, 1), 1))
                   .count();
  ASSERT_TRUE(pairs.ok());
  EXPECT_EQ(*pairs, 6000);
  EXPECT_GT(listener_.peak(), 0);
}

CENTELLA_ON_EVERY_MASTER(SpillTest);

}  // namespace
}  // namespace centella
