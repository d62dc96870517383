// Accumulators in local mode: totals over random data equal an in-test reference, for
// integers, doubles and a user type with its own merge; the additions of a failed
// attempt never count, even though its result carried them; misuse is a clear error.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "centella/centella.h"
#include "driver/tests/recording_listener.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

// A user type: counts of words by length class, and the longest word.
struct WordStats {
  std::map<std::string, int64_t> counts;
  int64_t longest = 0;
  bool operator==(const WordStats&) const = default;
  CENTELLA_FIELDS(counts, longest)
};

// In-place merge: void(T&, const T&).
struct MergeWordStats {
  void operator()(WordStats& into, const WordStats& x) const {
    for (const auto& [k, n] : x.counts) into.counts[k] += n;
    into.longest = std::max(into.longest, x.longest);
  }
};

WordStats StatsOf(const std::string& w) {
  WordStats s;
  s.counts[w.size() < 4 ? "short" : w.size() < 8 ? "medium" : "long"] = 1;
  s.longest = static_cast<int64_t>(w.size());
  return s;
}

std::unique_ptr<Context> MakeContext(int threads, int max_failures = 0,
                                     SchedulerListener* listener = nullptr) {
  ContextOptions options;
  options.master = "local[" + std::to_string(threads) + "]";
  if (max_failures > 0) {
    EXPECT_TRUE(options.conf.Set("centella.task.maxFailures", std::to_string(max_failures)).ok());
  }
  options.listener = listener;
  auto ctx = Context::Create(std::move(options));
  EXPECT_TRUE(ctx.ok()) << ctx.status();
  return ctx.ok() ? *std::move(ctx) : nullptr;
}

std::vector<int64_t> RandomInts(std::mt19937_64& rng, int n) {
  std::vector<int64_t> v(n);
  for (int64_t& x : v) x = static_cast<int64_t>(rng() % 2000001) - 1000000;
  return v;
}

TEST(AccumulatorTest, SumsOverRandomDataEqualTheReference) {
  std::mt19937_64 rng(11);
  auto ctx = MakeContext(4);
  ASSERT_NE(ctx, nullptr);
  for (int round = 0; round < 5; ++round) {
    std::vector<int64_t> data = RandomInts(rng, 1 + static_cast<int>(rng() % 20000));
    const int slices = 1 + static_cast<int>(rng() % 17);
    auto sum = ctx->accumulator<int64_t>(0, "sum");
    auto negatives = ctx->accumulator<int64_t>(0, "negatives");
    auto scaled = ctx->accumulator<double>(0.0, "scaled");
    ASSERT_TRUE(ctx->parallelize(data, slices)
                    .foreach ([sum, negatives, scaled](int64_t x) {
                      sum.add(x);
                      if (x < 0) negatives.add(1);
                      scaled.add(static_cast<double>(x) * 0.001);
                    })
                    .ok());
    int64_t want_sum = 0, want_negatives = 0;
    double want_scaled = 0;
    for (int64_t x : data) {
      want_sum += x;
      want_negatives += x < 0;
      want_scaled += static_cast<double>(x) * 0.001;
    }
    EXPECT_EQ(sum.value(), want_sum) << "round " << round;
    EXPECT_EQ(negatives.value(), want_negatives) << "round " << round;
    // Partials are added in task order, not record order.
    EXPECT_NEAR(scaled.value(), want_scaled, 1e-6 * (1 + std::abs(want_scaled)));
    EXPECT_EQ(sum.name(), "sum");
  }
}

TEST(AccumulatorTest, ZeroIsTheStartAndTotalsGrowAcrossActions) {
  auto ctx = MakeContext(2);
  ASSERT_NE(ctx, nullptr);
  auto count = ctx->accumulator<int64_t>(1000, "count");
  auto rdd = ctx->parallelize(std::vector<int64_t>{1, 2, 3, 4, 5}, 3);
  ASSERT_TRUE(rdd.foreach ([count](int64_t) { count.add(1); }).ok());
  EXPECT_EQ(count.value(), 1005);
  ASSERT_TRUE(rdd.foreach ([count](int64_t) { count.add(1); }).ok());
  EXPECT_EQ(count.value(), 1010);
  count.add(-10);  // on the driver: straight into the total
  EXPECT_EQ(count.value(), 1000);
}

TEST(AccumulatorTest, UserTypeWithMergeFunctionObjectAndALambdaMerge) {
  std::mt19937_64 rng(5);
  auto ctx = MakeContext(3);
  ASSERT_NE(ctx, nullptr);
  std::vector<std::string> words;
  for (int i = 0; i < 5000; ++i) words.emplace_back(1 + rng() % 12, 'a' + rng() % 26);
  auto stats = ctx->accumulator(WordStats{}, "word stats", MergeWordStats{});
  auto max_len = ctx->accumulator(std::numeric_limits<int64_t>::min(), "max length",
                                  [](int64_t a, int64_t b) { return std::max(a, b); });
  static_assert(std::is_trivially_copyable_v<decltype(stats)>);
  ASSERT_TRUE(ctx->parallelize(words, 7)
                  .foreach ([stats, max_len](const std::string& w) {
                    stats.add(StatsOf(w));
                    max_len.add(static_cast<int64_t>(w.size()));
                  })
                  .ok());
  WordStats want;
  for (const std::string& w : words) MergeWordStats{}(want, StatsOf(w));
  EXPECT_EQ(stats.value(), want);
  EXPECT_EQ(max_len.value(), 12);
}

// A function object (not a lambda) that carries an accumulator through Serde.
struct CountEven {
  Accumulator<int64_t> evens;
  void operator()(int64_t x) const {
    if (x % 2 == 0) evens.add(1);
  }
  CENTELLA_FIELDS(evens)
};

TEST(AccumulatorTest, HandleInsideAFunctionObjectWithFields) {
  auto ctx = MakeContext(2);
  ASSERT_NE(ctx, nullptr);
  std::vector<int64_t> data(1001);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<int64_t>(i);
  CountEven f{ctx->accumulator<int64_t>(0, "evens")};
  ASSERT_TRUE(ctx->parallelize(data, 4).foreach (f).ok());
  EXPECT_EQ(f.evens.value(), 501);
}

// Attempts that add and then throw: their results carry the additions (the listener
// sees them), the driver ignores them, and the retries' additions count once.
std::atomic<int> thrown{0};

TEST(AccumulatorTest, FailedFirstAttemptsAreRetriedAndCountOnceInAnAction) {
  std::mt19937_64 rng(23);
  RecordingListener listener;
  auto ctx = MakeContext(4, /*max_failures=*/3, &listener);
  ASSERT_NE(ctx, nullptr);
  std::vector<int64_t> data = RandomInts(rng, 30000);
  auto sum = ctx->accumulator<int64_t>(0, "sum");
  thrown = 0;
  auto rdd = ctx->parallelize(data, 12);
  ASSERT_TRUE(rdd.foreach_partition([sum](std::vector<int64_t>&& part) {
                   for (int64_t x : part) sum.add(x);
                   TaskContext* task = TaskContext::Current();
                   // Every odd partition fails its first attempt after adding everything.
                   if (task->partition() % 2 == 1 && task->attempt() == 0) {
                     ++thrown;
                     throw std::runtime_error("injected failure after adding");
                   }
                 })
                  .ok());
  int64_t want = 0;
  for (int64_t x : data) want += x;
  EXPECT_EQ(thrown.load(), 6);
  EXPECT_EQ(sum.value(), want);
  int failed_with_updates = 0;
  for (const v1::TaskResult& r : listener.TakeTasks()) {
    if (r.state() == v1::TASK_STATE_FAILED && r.accumulator_updates_size() == 1) {
      ++failed_with_updates;
    }
  }
  EXPECT_EQ(failed_with_updates, 6) << "failed attempts report their partial values";
}

TEST(AccumulatorTest, FailedFirstAttemptsOfAMapStageCountOnce) {
  std::mt19937_64 rng(29);
  auto ctx = MakeContext(3, /*max_failures=*/2);
  ASSERT_NE(ctx, nullptr);
  std::vector<int64_t> data = RandomInts(rng, 20000);
  auto seen = ctx->accumulator<int64_t>(0, "records seen by the map side");
  thrown = 0;
  auto sums = ctx->parallelize(data, 9)
                  .map([seen](int64_t x) {
                    seen.add(1);
                    TaskContext* task = TaskContext::Current();
                    if (task->partition() % 3 == 0 && task->attempt() == 0 && x % 97 == 0) {
                      ++thrown;
                      throw std::runtime_error("injected map-side failure");
                    }
                    return std::pair<int64_t, int64_t>(x % 10, x);
                  })
                  .reduce_by_key([](int64_t a, int64_t b) { return a + b; }, 4)
                  .collect();
  ASSERT_TRUE(sums.ok()) << sums.status();
  EXPECT_GT(thrown.load(), 0) << "no map task failed; the test checks nothing";
  EXPECT_EQ(seen.value(), static_cast<int64_t>(data.size()));
}

TEST(AccumulatorTest, ReadingTheValueInsideATaskFailsTheTaskNamingTheAccumulator) {
  auto ctx = MakeContext(2);
  ASSERT_NE(ctx, nullptr);
  auto sum = ctx->accumulator<int64_t>(0, "sum");
  absl::Status s = ctx->parallelize(std::vector<int64_t>{1, 2, 3}, 2).foreach ([sum](int64_t x) {
    if (sum.value() > 100) sum.add(x);
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find(
                absl::StrCat("accumulator ", sum.id(), ": value() can only be read on the driver")),
            std::string_view::npos)
      << s;
  EXPECT_EQ(s.message().find("user code threw"), std::string_view::npos) << s;
}

TEST(AccumulatorTest, ADeserializedHandleHasNoDriver) {
  auto ctx = MakeContext(1);
  ASSERT_NE(ctx, nullptr);
  auto sum = ctx->accumulator<int64_t>(0, "sum");
  Accumulator<int64_t> copy;
  ASSERT_TRUE(DeserializeFromString(SerializeToString(sum), &copy).ok());
  EXPECT_EQ(copy.id(), sum.id());
  try {
    copy.value();
    ADD_FAILURE() << "value() of a handle without a driver must throw";
  } catch (const StatusException& e) {
    EXPECT_EQ(e.status().code(), absl::StatusCode::kFailedPrecondition);
  }
}

}  // namespace
}  // namespace centella
