// Local-mode behaviour around the RDD API: errors, missing inputs, failed saves and task
// retries. (Every operator is tested against a reference on every master in
// tests/operators/.)
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <stdexcept>

#include "centella/centella.h"
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

INSTANTIATE_TEST_SUITE_P(Local, RddLocalTest, ::testing::Values(Case{1, 1}, Case{2, 2}, Case{4, 3}),
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
  auto r = (*ctx)
               ->parallelize(std::vector<int>{1, 5, 9}, 3)
               .map([](int x) {
                 if (x == 5 && flaky_calls.fetch_add(1) < 2) throw std::runtime_error("flaky");
                 return x * 2;
               })
               .collect();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, (std::vector<int>{2, 10, 18}));
  EXPECT_EQ(flaky_calls.load(), 3);

  flaky_calls = 0;
  auto always = (*ctx)
                    ->parallelize(std::vector<int>{5}, 1)
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
