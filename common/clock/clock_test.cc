#include "common/clock/clock.h"

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

TEST(RealClockTest, IsOneInstance) { EXPECT_EQ(&RealClock(), &RealClock()); }

TEST(RealClockTest, NowFollowsSystemTime) {
  absl::Time before = absl::Now();
  absl::Time now = RealClock().Now();
  absl::Time after = absl::Now();
  EXPECT_LE(before, now);
  EXPECT_LE(now, after);
}

TEST(RealClockTest, SleepForWaitsAtLeastTheDuration) {
  absl::Time start = RealClock().Now();
  RealClock().SleepFor(absl::Milliseconds(20));
  EXPECT_GE(RealClock().Now() - start, absl::Milliseconds(20));
}

TEST(RealClockTest, NonPositiveSleepReturnsAtOnce) {
  RealClock().SleepFor(absl::ZeroDuration());
  RealClock().SleepFor(absl::Seconds(-5));
}

}  // namespace
}  // namespace centella
