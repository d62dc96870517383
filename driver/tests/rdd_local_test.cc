// The first slice of the RDD API in local mode, each operator checked against an
// independent in-test reference over random data and random partition counts
// (including more partitions than records, i.e. empty partitions).
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <stdexcept>

#include "driver/api/centella.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

struct Case {
  int threads;
  uint64_t seed;
};

class RddLocalTest : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    ContextOptions options;
    options.master = "local[" + std::to_string(GetParam().threads) + "]";
    auto ctx = Context::Create(std::move(options));
    ASSERT_TRUE(ctx.ok()) << ctx.status();
    ctx_ = *std::move(ctx);
    rng_.seed(GetParam().seed);
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("rdd-local-" + std::to_string(::getpid()) + "-" + std::to_string(GetParam().seed));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<int64_t> RandomInts(int max_n, int64_t range) {
    std::vector<int64_t> v(rng_() % max_n);
    for (auto& x : v) x = static_cast<int64_t>(rng_() % range) - range / 3;
    return v;
  }
  int RandomSlices() { return 1 + static_cast<int>(rng_() % 12); }

  std::unique_ptr<Context> ctx_;
  std::mt19937_64 rng_;
  std::filesystem::path dir_;
};

TEST_P(RddLocalTest, NarrowOperatorsPreserveOrder) {
  for (int round = 0; round < 5; ++round) {
    std::vector<int64_t> data = RandomInts(500, 1000);
    int64_t k = static_cast<int64_t>(rng_() % 5) + 1;
    auto got = ctx_->parallelize(data, RandomSlices())
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

TEST_P(RddLocalTest, ReduceByKeyAndGroupByKeyMatchAReference) {
  for (int round = 0; round < 4; ++round) {
    std::vector<int64_t> data = RandomInts(2000, 300);
    int64_t mod = static_cast<int64_t>(rng_() % 50) + 1;
    auto pairs = ctx_->parallelize(data, RandomSlices()).map([mod](int64_t x) {
      return std::pair<std::string, int64_t>("k" + std::to_string(x % mod), x);
    });
    std::map<std::string, int64_t> want_sum;
    std::map<std::string, std::vector<int64_t>> want_groups;
    for (int64_t x : data) {
      std::string key = "k" + std::to_string(x % mod);
      want_sum[key] += x;
      want_groups[key].push_back(x);
    }
    auto sums = pairs.reduce_by_key([](int64_t a, int64_t b) { return a + b; }, RandomSlices())
                    .collect();
    ASSERT_TRUE(sums.ok()) << sums.status();
    std::map<std::string, int64_t> got_sum(sums->begin(), sums->end());
    EXPECT_EQ(got_sum, want_sum);

    auto groups = pairs.group_by_key(RandomSlices()).collect();
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

TEST_P(RddLocalTest, CountReduceTake) {
  for (int round = 0; round < 5; ++round) {
    std::vector<int64_t> data = RandomInts(300, 1000);
    auto rdd = ctx_->parallelize(data, RandomSlices());
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
      std::vector<int64_t> want(data.begin(),
                                data.begin() + std::min<int64_t>(n, data.size()));
      EXPECT_EQ(*got, want) << "take(" << n << ")";
    }
  }
}

TEST_P(RddLocalTest, MapPartitionsSeesWholePartitions) {
  std::vector<int64_t> data(100);
  std::iota(data.begin(), data.end(), 1);
  auto sums = ctx_->parallelize(data, 4)
                  .map_partitions([](std::vector<int64_t>&& part) {
                    return std::vector<int64_t>{
                        std::accumulate(part.begin(), part.end(), int64_t{0})};
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

TEST_P(RddLocalTest, FunctionObjectsCarryStringsThroughFields) {
  std::vector<std::string> words = {"spark", "centella", "spa", "cent", "flink"};
  auto got = ctx_->parallelize(words, 3).filter(HasPrefix{"sp"}).collect();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, (std::vector<std::string>{"spark", "spa"}));
}

TEST_P(RddLocalTest, TextFileToSavedTextFile) {
  std::string in = (dir_ / "in.txt").string();
  std::ofstream(in) << "b a\nc a b\n\na\n";
  std::string out = (dir_ / "out").string();
  absl::Status s = ctx_->text_file(in, 3)
                       .flat_map([](const std::string& l) { return Words(l); })
                       .map([](std::string_view w) { return std::pair<std::string, int>(w, 1); })
                       .reduce_by_key([](int a, int b) { return a + b; })
                       .save_as_text_file(out);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_TRUE(std::filesystem::exists(dir_ / "out" / "_SUCCESS"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out" / "_temporary"));
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
  EXPECT_TRUE(std::filesystem::exists(dir_ / "out" / "_SUCCESS"));
}

TEST_P(RddLocalTest, MissingInputFailsTheActionAndCreatesNoOutput) {
  std::string out = (dir_ / "never").string();
  absl::Status s = ctx_->text_file((dir_ / "missing.txt").string()).save_as_text_file(out);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(s.message().find("missing.txt"), absl::string_view::npos);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(ctx_->text_file((dir_ / "missing.txt").string()).count().status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(RddLocalTest, AFailedSaveLeavesNoOutputSoItCanRunAgain) {
  std::string out = (dir_ / "failed").string();
  absl::Status s = ctx_->parallelize(std::vector<int>{1, 2, 3}, 3)
                       .map([](int x) {
                         if (x == 3) throw std::runtime_error("boom");
                         return x;
                       })
                       .save_as_text_file(out);
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_TRUE(ctx_->parallelize(std::vector<int>{1}).save_as_text_file(out).ok());
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(out) / "_SUCCESS"));
}

TEST_P(RddLocalTest, AThrowingFunctionFailsTheJobWithItsMessage) {
  auto r = ctx_->parallelize(std::vector<int>{1, 2, 3}, 3)
               .map([](int x) {
                 if (x == 2) throw std::runtime_error("bad record 2");
                 return x;
               })
               .collect();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("bad record 2"), absl::string_view::npos) << r.status();
  // The context stays usable after a failed job.
  EXPECT_EQ(*ctx_->parallelize(std::vector<int>{1, 2}).count(), 2);
}

INSTANTIATE_TEST_SUITE_P(Local, RddLocalTest,
                         ::testing::Values(Case{1, 1}, Case{2, 2}, Case{4, 3}),
                         [](const auto& info) {
                           return "threads" + std::to_string(info.param.threads);
                         });

std::atomic<int> flaky_calls{0};

TEST(RddRetryTest, AFailedTaskIsRetriedUpToMaxFailures) {
  ContextOptions options;
  options.master = "local[2]";
  ASSERT_TRUE(options.conf.Set("centella.task.maxFailures", "3").ok());
  auto ctx = Context::Create(std::move(options));
  ASSERT_TRUE(ctx.ok());
  flaky_calls = 0;
  // Fails the first two times it sees record 5, then succeeds.
  auto r = (*ctx)->parallelize(std::vector<int>{1, 5, 9}, 3)
               .map([](int x) {
                 if (x == 5 && flaky_calls.fetch_add(1) < 2) throw std::runtime_error("flaky");
                 return x * 2;
               })
               .collect();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, (std::vector<int>{2, 10, 18}));
  EXPECT_EQ(flaky_calls.load(), 3);

  flaky_calls = 0;
  auto always = (*ctx)->parallelize(std::vector<int>{5}, 1)
                    .map([](int x) {
                      flaky_calls.fetch_add(1);
                      if (x == 5) throw std::runtime_error("always broken");
                      return x;
                    })
                    .collect();
  ASSERT_FALSE(always.ok());
  EXPECT_EQ(flaky_calls.load(), 3);
  EXPECT_NE(always.status().message().find("failed 3 times"), absl::string_view::npos)
      << always.status();
  EXPECT_NE(always.status().message().find("always broken"), absl::string_view::npos);
}

}  // namespace
}  // namespace centella
