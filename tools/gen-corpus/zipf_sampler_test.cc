#include "tools/gen-corpus/zipf_sampler.h"

#include <cmath>
#include <limits>
#include <vector>

#include "gtest/gtest.h"
#include "tools/gen-corpus/random_bit_source.h"

namespace centella::gen_corpus {
namespace {

// Empirical frequencies of every rank match k^-s / H(n, s) within a few standard deviations.
TEST(ZipfSamplerTest, FrequenciesFollowZipf) {
  constexpr uint64_t kRanks = 100;
  constexpr double kS = 1.1;
  constexpr int kDraws = 2'000'000;
  absl::StatusOr<ZipfSampler> sampler = ZipfSampler::Create(kRanks, kS);
  ASSERT_TRUE(sampler.ok()) << sampler.status();

  std::vector<int> counts(kRanks, 0);
  RandomBitSource random(3);
  for (int i = 0; i < kDraws; ++i) {
    const uint32_t rank = sampler->Sample(random.Next());
    ASSERT_LT(rank, kRanks);
    ++counts[rank];
  }
  double harmonic = 0;
  for (uint64_t k = 1; k <= kRanks; ++k) harmonic += std::pow(k, -kS);
  for (uint64_t k = 1; k <= kRanks; ++k) {
    const double p = std::pow(k, -kS) / harmonic;
    const double expected = p * kDraws;
    const double sigma = std::sqrt(kDraws * p * (1 - p));
    EXPECT_NEAR(counts[k - 1], expected, 5 * sigma) << "rank " << k;
  }
}

TEST(ZipfSamplerTest, SingleRankAlwaysDrawn) {
  absl::StatusOr<ZipfSampler> sampler = ZipfSampler::Create(1, 1.1);
  ASSERT_TRUE(sampler.ok());
  EXPECT_EQ(sampler->Sample(0), 0u);
  EXPECT_EQ(sampler->Sample(std::numeric_limits<uint64_t>::max()), 0u);
}

TEST(ZipfSamplerTest, LargeSupportStaysInRange) {
  absl::StatusOr<ZipfSampler> sampler = ZipfSampler::Create(1'000'000, 1.1);
  ASSERT_TRUE(sampler.ok());
  EXPECT_EQ(sampler->size(), 1'000'000u);
  RandomBitSource random(9);
  int top = 0;
  for (int i = 0; i < 100'000; ++i) {
    const uint32_t rank = sampler->Sample(random.Next());
    ASSERT_LT(rank, 1'000'000u);
    top += rank == 0;
  }
  // P(rank 1) = 1 / H(10^6, 1.1) = 0.1239.
  EXPECT_NEAR(top / 100'000.0, 0.1239, 0.005);
}

TEST(ZipfSamplerTest, RejectsBadParameters) {
  EXPECT_EQ(ZipfSampler::Create(0, 1.1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ZipfSampler::Create(10, 0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ZipfSampler::Create(10, -1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ZipfSampler::Create(10, std::nan("")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace centella::gen_corpus
