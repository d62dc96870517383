// The first operators of the RDD API (narrow transformations, reduce/group by key, the
// simple actions, text files), each against an independent in-test reference over random
// data and random partition counts (including empty partitions), on every master.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <set>

#include "tests/operators/operator_test.h"

namespace centella {
namespace {

using BasicOperatorsTest = OperatorTest;

TEST_P(BasicOperatorsTest, NarrowOperatorsPreserveOrder) {
  for (int round = 0; round < 5; ++round) {
    std::vector<int64_t> data = RandomInts(500, 1000);
    int64_t k = static_cast<int64_t>(rng_() % 5) + 1;
    auto got = ctx_->parallelize(data, Slices())
                   .map([k](int64_t x) { return x * k; })
                   .filter([](int64_t x) { return x % 3 != 0; })
                   .flat_map([](int64_t x) { return std::vector<int64_t>(x & 3, x); })
                   .collect();
    ASSERT_TRUE(got.ok()) << got.status();
    std::vector<int64_t> want;
    for (int64_t x : data) {
      int64_t y = x * k;
      if (y % 3 == 0) continue;
      for (int64_t i = 0; i < (y & 3); ++i) want.push_back(y);
    }
    EXPECT_EQ(*got, want);
  }
}

TEST_P(BasicOperatorsTest, ReduceByKeyAndGroupByKeyMatchAReference) {
  for (int round = 0; round < 4; ++round) {
    std::vector<int64_t> data = RandomInts(2000, 300);
    int64_t mod = static_cast<int64_t>(rng_() % 50) + 1;
    auto pairs = ctx_->parallelize(data, Slices()).map([mod](int64_t x) {
      return std::pair<std::string, int64_t>("k" + std::to_string(x % mod), x);
    });
    std::map<std::string, int64_t> want_sum;
    std::map<std::string, std::vector<int64_t>> want_groups;
    for (int64_t x : data) {
      std::string key = "k" + std::to_string(x % mod);
      want_sum[key] += x;
      want_groups[key].push_back(x);
    }
    auto sums = pairs.reduce_by_key([](int64_t a, int64_t b) { return a + b; }, Slices()).collect();
    ASSERT_TRUE(sums.ok()) << sums.status();
    std::map<std::string, int64_t> got_sum(sums->begin(), sums->end());
    EXPECT_EQ(got_sum, want_sum);

    auto groups = pairs.group_by_key(Slices()).collect();
    ASSERT_TRUE(groups.ok()) << groups.status();
    std::map<std::string, std::vector<int64_t>> got_groups;
    for (auto& [key, values] : *groups) {
      std::sort(values.begin(), values.end());
      EXPECT_TRUE(got_groups.emplace(key, values).second) << "key twice: " << key;
    }
    for (auto& [key, values] : want_groups) std::sort(values.begin(), values.end());
    EXPECT_EQ(got_groups, want_groups);
  }
}

TEST_P(BasicOperatorsTest, CountReduceTake) {
  for (int round = 0; round < 5; ++round) {
    std::vector<int64_t> data = RandomInts(300, 1000);
    auto rdd = ctx_->parallelize(data, Slices());
    EXPECT_EQ(*rdd.count(), static_cast<int64_t>(data.size()));
    auto sum = rdd.reduce([](int64_t a, int64_t b) { return a + b; });
    if (data.empty()) {
      EXPECT_EQ(sum.status().code(), absl::StatusCode::kFailedPrecondition);
    } else {
      EXPECT_EQ(*sum, std::accumulate(data.begin(), data.end(), int64_t{0}));
    }
    for (int64_t n : {0, 1, 7, 100, 1000}) {
      auto got = rdd.take(n);
      ASSERT_TRUE(got.ok());
      std::vector<int64_t> want(data.begin(), data.begin() + std::min<int64_t>(n, data.size()));
      EXPECT_EQ(*got, want) << "take(" << n << ")";
    }
  }
}

TEST_P(BasicOperatorsTest, MapPartitionsSeesWholePartitions) {
  std::vector<int64_t> data(100);
  std::iota(data.begin(), data.end(), 1);
  auto sums =
      ctx_->parallelize(data, 4)
          .map_partitions([](std::vector<int64_t>&& part) {
            return std::vector<int64_t>{std::accumulate(part.begin(), part.end(), int64_t{0})};
          })
          .collect();
  ASSERT_TRUE(sums.ok());
  EXPECT_EQ(*sums, (std::vector<int64_t>{325, 950, 1575, 2200}));
}

struct HasPrefix {
  std::string prefix;
  bool operator()(const std::string& s) const { return s.rfind(prefix, 0) == 0; }
  CENTELLA_FIELDS(prefix)
};

TEST_P(BasicOperatorsTest, FunctionObjectsCarryStringsThroughFields) {
  std::vector<std::string> words = {"spark", "centella", "spa", "cent", "flink"};
  auto got = ctx_->parallelize(words, 3).filter(HasPrefix{"sp"}).collect();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, (std::vector<std::string>{"spark", "spa"}));
}

TEST_P(BasicOperatorsTest, TextFileToSavedTextFile) {
  std::string in = (dir() / "in.txt").string();
  std::ofstream(in) << "b a\nc a b\n\na\n";
  std::string out = (dir() / "out").string();
  absl::Status s = ctx_->text_file(in, 3)
                       .flat_map([](const std::string& l) { return Words(l); })
                       .map([](std::string_view w) { return std::pair<std::string, int>(w, 1); })
                       .reduce_by_key([](int a, int b) { return a + b; })
                       .save_as_text_file(out);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_TRUE(std::filesystem::exists(dir() / "out" / "_SUCCESS"));
  EXPECT_FALSE(std::filesystem::exists(dir() / "out" / "_temporary"));
  std::multiset<std::string> lines;
  int parts = 0;
  for (const auto& e : std::filesystem::directory_iterator(out)) {
    if (e.path().filename().string().rfind("part-", 0) != 0) continue;
    ++parts;
    std::ifstream f(e.path());
    for (std::string line; std::getline(f, line);) lines.insert(line);
  }
  EXPECT_EQ(parts, ctx_->text_file(in, 3).num_partitions());  // one part per partition
  EXPECT_GE(parts, 3);
  EXPECT_EQ(lines, (std::multiset<std::string>{"a\t3", "b\t2", "c\t1"}));

  // Saving again is refused and the existing output is untouched.
  absl::Status again = ctx_->parallelize(std::vector<int>{1}).save_as_text_file(out);
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(again.message().find(out), absl::string_view::npos);
  EXPECT_TRUE(std::filesystem::exists(dir() / "out" / "_SUCCESS"));
}

TEST_P(BasicOperatorsTest, PairTransformations) {
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
                  })
                   .collect(),
              flat);
    EXPECT_EQ(*rdd.keys().collect(), keys);
    EXPECT_EQ(*rdd.values().collect(), values);
  }
}

TEST_P(BasicOperatorsTest, DistinctCountsAndMaps) {
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

TEST_P(BasicOperatorsTest, FirstFoldAggregate) {
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

// foreach: leaves one file per record, named after it (on a cluster the function runs in
// the executors' processes, so the test observes files, not driver memory).
struct TouchPerRecord {
  std::string dir;
  void operator()(int64_t x) const { std::ofstream(dir + "/r-" + std::to_string(x)); }
  CENTELLA_FIELDS(dir)
};
// foreach_partition: one file per partition holding its record count and sum.
struct TouchPerPartition {
  std::string dir;
  void operator()(std::vector<int64_t>&& part) const {
    int64_t sum = std::accumulate(part.begin(), part.end(), int64_t{0});
    std::string name = dir + "/p-" + std::to_string(part.empty() ? -1 : part[0]);
    std::ofstream(name) << part.size() << " " << sum;
  }
  CENTELLA_FIELDS(dir)
};

TEST_P(BasicOperatorsTest, ForeachAndForeachPartitionSeeEveryRecord) {
  std::vector<int64_t> data(500);
  std::iota(data.begin(), data.end(), 0);
  const std::string records = (dir() / "records").string();
  const std::string parts = (dir() / "parts").string();
  std::filesystem::create_directories(records);
  std::filesystem::create_directories(parts);
  ASSERT_TRUE(ctx_->parallelize(data, 7).foreach (TouchPerRecord{records}).ok());
  std::set<int64_t> seen;
  for (const auto& e : std::filesystem::directory_iterator(records)) {
    seen.insert(std::stoll(e.path().filename().string().substr(2)));
  }
  EXPECT_EQ(seen, std::set<int64_t>(data.begin(), data.end()));

  ASSERT_TRUE(ctx_->parallelize(data, 7).foreach_partition(TouchPerPartition{parts}).ok());
  int partitions = 0;
  int64_t count = 0, sum = 0;
  for (const auto& e : std::filesystem::directory_iterator(parts)) {
    ++partitions;
    int64_t n = 0, s = 0;
    std::ifstream(e.path()) >> n >> s;
    count += n;
    sum += s;
  }
  EXPECT_EQ(partitions, 7);
  EXPECT_EQ(count, 500);
  EXPECT_EQ(sum, 500 * 499 / 2);
}

CENTELLA_ON_EVERY_MASTER(BasicOperatorsTest);

}  // namespace
}  // namespace centella
