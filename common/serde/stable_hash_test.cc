#include "common/serde/stable_hash.h"

#include "gtest/gtest.h"

namespace centella {
namespace {

struct Key {
  std::string region;
  int32_t segment = 0;
  CENTELLA_FIELDS(region, segment)
};

TEST(StableHashTest, KnownValuesDoNotChangeBetweenBuilds) {
  // Pinned: a change here silently breaks shuffles between mixed-version processes.
  EXPECT_EQ(StableHash(std::string("centella")), 0x1a06a60a228d49beULL);
  EXPECT_EQ(StableHash(int64_t{0}), 0ULL);
  EXPECT_EQ(StableHash(int64_t{1}), 0x5692161d100b05e5ULL);
}

TEST(StableHashTest, EqualValuesHashEqual) {
  EXPECT_EQ(StableHash(0.0), StableHash(-0.0));
  EXPECT_EQ(StableHash(std::pair<std::string, int>("a", 1)),
            StableHash(std::pair<std::string, int>("a", 1)));
  EXPECT_EQ(StableHash(Key{"eu", 3}), StableHash(Key{"eu", 3}));
  EXPECT_NE(StableHash(Key{"eu", 3}), StableHash(Key{"eu", 4}));
  EXPECT_NE(StableHash(std::pair<int, int>(1, 2)), StableHash(std::pair<int, int>(2, 1)));
}

TEST(StableHashTest, SpreadsSmallIntegers) {
  // Partitioning takes the high bits; consecutive keys must not share them.
  std::array<int, 8> buckets{};
  for (int64_t i = 0; i < 8000; ++i) buckets[StableHash(i) >> 61]++;
  for (int b : buckets) EXPECT_GT(b, 800);
}

}  // namespace
}  // namespace centella
