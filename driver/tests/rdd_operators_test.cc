// Pair-RDD transformations and the remaining actions, each against an in-test reference
// over random data and random partition counts (including empty partitions).
#include <atomic>
#include <map>
#include <random>
#include <set>

#include "driver/api/centella.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

class RddOperatorsTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    ContextOptions options;
    options.master = "local[" + std::to_string(GetParam()) + "]";
    auto ctx = Context::Create(std::move(options));
    ASSERT_TRUE(ctx.ok()) << ctx.status();
    ctx_ = *std::move(ctx);
    rng_.seed(GetParam() * 7919);
  }
  std::vector<std::pair<std::string, int64_t>> RandomPairs(int max_n) {
    std::vector<std::pair<std::string, int64_t>> v(rng_() % max_n);
    for (auto& [k, x] : v) {
      k = "k" + std::to_string(rng_() % 13);
      x = static_cast<int64_t>(rng_() % 100) - 30;
    }
    return v;
  }
  int Slices() { return 1 + static_cast<int>(rng_() % 9); }

  std::unique_ptr<Context> ctx_;
  std::mt19937_64 rng_;
};

TEST_P(RddOperatorsTest, PairTransformations) {
  for (int round = 0; round < 4; ++round) {
    auto data = RandomPairs(300);
    auto rdd = ctx_->parallelize(data, Slices());
    std::vector<std::pair<std::string, int64_t>> mapped, flat;
    std::vector<std::string> keys;
    std::vector<int64_t> values;
    for (const auto& [k, v] : data) {
      mapped.emplace_back(k, v * 2);
      for (int64_t i = 0; i < (v & 3); ++i) flat.emplace_back(k, i);
      keys.push_back(k);
      values.push_back(v);
    }
    EXPECT_EQ(*rdd.map_values([](int64_t v) { return v * 2; }).collect(), mapped);
    EXPECT_EQ(*rdd.flat_map_values([](int64_t v) {
                     std::vector<int64_t> out;
                     for (int64_t i = 0; i < (v & 3); ++i) out.push_back(i);
                     return out;
                   }).collect(),
              flat);
    EXPECT_EQ(*rdd.keys().collect(), keys);
    EXPECT_EQ(*rdd.values().collect(), values);
  }
}

TEST_P(RddOperatorsTest, DistinctCountsAndMaps) {
  for (int round = 0; round < 4; ++round) {
    auto data = RandomPairs(400);
    auto rdd = ctx_->parallelize(data, Slices());
    std::set<std::string> want_distinct;
    std::map<std::string, int64_t> want_by_key;
    std::map<std::pair<std::string, int64_t>, int64_t> want_by_value;
    std::map<std::string, std::vector<int64_t>> want_values;
    for (const auto& kv : data) {
      want_distinct.insert(kv.first);
      ++want_by_key[kv.first];
      ++want_by_value[kv];
      want_values[kv.first].push_back(kv.second);
    }
    auto distinct = rdd.keys().distinct(Slices()).collect();
    ASSERT_TRUE(distinct.ok());
    EXPECT_EQ(std::set<std::string>(distinct->begin(), distinct->end()), want_distinct);
    EXPECT_EQ(distinct->size(), want_distinct.size());  // each once
    EXPECT_EQ(*rdd.count_by_key(), want_by_key);
    EXPECT_EQ(*rdd.count_by_value(), want_by_value);
    auto as_map = rdd.collect_as_map();
    ASSERT_TRUE(as_map.ok());
    EXPECT_EQ(as_map->size(), want_distinct.size());
    for (const auto& [k, v] : *as_map) {
      const auto& options = want_values[k];
      EXPECT_NE(std::find(options.begin(), options.end(), v), options.end()) << k;
    }
    auto found = rdd.lookup(std::string("k3"));
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(*found, want_values["k3"]);  // in partition order, like the data
  }
}

TEST_P(RddOperatorsTest, FirstFoldAggregate) {
  for (int round = 0; round < 4; ++round) {
    std::vector<int64_t> data(rng_() % 200);
    for (auto& x : data) x = static_cast<int64_t>(rng_() % 1000);
    auto rdd = ctx_->parallelize(data, Slices());
    auto first = rdd.first();
    if (data.empty()) {
      EXPECT_EQ(first.status().code(), absl::StatusCode::kFailedPrecondition);
    } else {
      EXPECT_EQ(*first, data[0]);
    }
    int64_t sum = 0, max = 0;
    for (int64_t x : data) {
      sum += x;
      max = std::max(max, x);
    }
    EXPECT_EQ(*rdd.fold(0, [](int64_t a, int64_t b) { return a + b; }), sum);
    EXPECT_EQ(*rdd.fold(0, [](int64_t a, int64_t b) { return std::max(a, b); }), max);
    // (sum, count) in one pass.
    auto agg = rdd.aggregate(
        std::pair<int64_t, int64_t>(0, 0),
        [](std::pair<int64_t, int64_t> acc, int64_t x) {
          return std::pair<int64_t, int64_t>(acc.first + x, acc.second + 1);
        },
        [](std::pair<int64_t, int64_t> a, std::pair<int64_t, int64_t> b) {
          return std::pair<int64_t, int64_t>(a.first + b.first, a.second + b.second);
        });
    ASSERT_TRUE(agg.ok());
    EXPECT_EQ(agg->first, sum);
    EXPECT_EQ(agg->second, static_cast<int64_t>(data.size()));
  }
}

std::atomic<int64_t> foreach_sum{0};
std::atomic<int> foreach_partitions{0};

TEST_P(RddOperatorsTest, ForeachAndForeachPartitionSeeEveryRecord) {
  std::vector<int64_t> data(500);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<int64_t>(i);
  foreach_sum = 0;
  foreach_partitions = 0;
  ASSERT_TRUE(ctx_->parallelize(data, 7).foreach([](int64_t x) { foreach_sum += x; }).ok());
  EXPECT_EQ(foreach_sum.load(), 500 * 499 / 2);
  foreach_sum = 0;
  ASSERT_TRUE(ctx_->parallelize(data, 7)
                  .foreach_partition([](std::vector<int64_t>&& part) {
                    ++foreach_partitions;
                    for (int64_t x : part) foreach_sum += x;
                  })
                  .ok());
  EXPECT_EQ(foreach_partitions.load(), 7);
  EXPECT_EQ(foreach_sum.load(), 500 * 499 / 2);
}

INSTANTIATE_TEST_SUITE_P(Local, RddOperatorsTest, ::testing::Values(1, 3),
                         [](const auto& info) { return "threads" + std::to_string(info.param); });

}  // namespace
}  // namespace centella
