#include "engine/memory/size_estimate.h"

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace centella {
namespace {

struct Click {
  std::string campaign;
  int64_t ts = 0;
  CENTELLA_FIELDS(campaign, ts)
};

TEST(SizeEstimateTest, CountsHeapMemoryItOwns) {
  EXPECT_EQ(EstimateBytes(int64_t{5}), 8);
  EXPECT_EQ(HeapBytes(std::string("short")), 0);  // inline
  std::string long_string(100, 'x');
  EXPECT_GE(HeapBytes(long_string), 100);
  std::vector<std::string> v(10, long_string);
  EXPECT_GE(HeapBytes(v), 10 * (100 + static_cast<int64_t>(sizeof(std::string))));
  EXPECT_GE(HeapBytes(std::make_pair(long_string, v)), HeapBytes(v) + 100);
  EXPECT_GE(HeapBytes(Click{long_string, 1}), 100);
  std::map<int, int> m{{1, 1}, {2, 2}};
  EXPECT_GT(HeapBytes(m), 0);
}

TEST(SizeTrackerTest, ExtrapolatesBetweenSamplesAndSamplesRarely) {
  SizeTracker t;
  int64_t size = 0, samples = 0;
  for (int i = 0; i < 100000; ++i) {
    size += 100;
    if (t.Updated()) {
      t.Measured(size);
      ++samples;
    }
    ASSERT_NEAR(static_cast<double>(t.estimate()), static_cast<double>(size), size * 0.01 + 1);
  }
  EXPECT_LT(samples, 200);  // geometric spacing: O(log n) measurements
  t.Reset();
  EXPECT_EQ(t.estimate(), 0);
}

}  // namespace
}  // namespace centella
