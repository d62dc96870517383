// The watermark's rules on their own: it trails the largest event time by the delay,
// takes the slowest source, never moves back, ignores event times from beyond the clock
// plus the skew, and survives a checkpoint round trip.
#include "driver/streaming/watermark_tracker.h"

#include "common/clock/fake_clock.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

EventTimeStats Seen(int64_t max_event_ms, int64_t late = 0) {
  EventTimeStats s;
  s.max_event_ms = max_event_ms;
  s.late = late;
  return s;
}

absl::Time Batch(int i) { return absl::FromUnixSeconds(1000 + i); }

class WatermarkTrackerTest : public ::testing::Test {
 protected:
  FakeClock clock_{absl::FromUnixMillis(1'000'000)};
  WatermarkTracker tracker_{&clock_, absl::Minutes(1)};
};

TEST_F(WatermarkTrackerTest, TrailsTheLargestEventTimeAndNeverMovesBack) {
  const int s = tracker_.AddSource("clicks", absl::Seconds(5));
  EXPECT_FALSE(tracker_.current().has_value());
  tracker_.Observe(s, Batch(1), Seen(20'000, /*late=*/0));
  EXPECT_FALSE(tracker_.current().has_value()) << "moved before the end of the batch";
  BatchWatermark after = tracker_.Advance(Batch(1));
  EXPECT_EQ(after.watermark, absl::FromUnixMillis(15'000));
  EXPECT_EQ(tracker_.current(), absl::FromUnixMillis(15'000));
  tracker_.Observe(s, Batch(2), Seen(17'000, /*late=*/3));
  after = tracker_.Advance(Batch(2));
  EXPECT_EQ(after.watermark, absl::FromUnixMillis(15'000)) << "moved back";
  EXPECT_EQ(after.late_records, (std::map<std::string, int64_t>{{"clicks", 3}}));
  after = tracker_.Advance(Batch(3));  // a batch that saw nothing
  EXPECT_EQ(after.watermark, absl::FromUnixMillis(15'000));
  EXPECT_EQ(after.late_records.at("clicks"), 0);
  EXPECT_EQ(tracker_.late_records().at("clicks"), 3);
}

TEST_F(WatermarkTrackerTest, TheSlowestSourceHoldsItAndASilentOneDoesNot) {
  const int fast = tracker_.AddSource("fast", absl::ZeroDuration());
  const int slow = tracker_.AddSource("slow", absl::Seconds(1));
  const int silent = tracker_.AddSource("silent", absl::ZeroDuration());
  (void)silent;
  tracker_.Observe(fast, Batch(1), Seen(50'000));
  tracker_.Observe(slow, Batch(1), Seen(11'000));
  EXPECT_EQ(tracker_.Advance(Batch(1)).watermark, absl::FromUnixMillis(10'000));
  tracker_.Observe(slow, Batch(2), Seen(80'000));
  EXPECT_EQ(tracker_.Advance(Batch(2)).watermark, absl::FromUnixMillis(50'000));
}

TEST_F(WatermarkTrackerTest, RepeatedNamesAreMadeUnique) {
  tracker_.AddSource("kafka:t", absl::ZeroDuration());
  tracker_.AddSource("kafka:t", absl::ZeroDuration());
  const auto late = tracker_.late_records();
  EXPECT_EQ(late.size(), 2u);
  EXPECT_TRUE(late.contains("kafka:t#2"));
}

TEST_F(WatermarkTrackerTest, TheFutureBoundIsTheClockPlusTheSkew) {
  EXPECT_EQ(tracker_.FutureBound(), absl::FromUnixMillis(1'000'000) + absl::Minutes(1));
  clock_.Advance(absl::Seconds(10));
  EXPECT_EQ(tracker_.FutureBound(), absl::FromUnixMillis(1'010'000) + absl::Minutes(1));
}

TEST_F(WatermarkTrackerTest, SurvivesACheckpointAndRefusesOtherSources) {
  const int s = tracker_.AddSource("clicks", absl::Seconds(5));
  tracker_.Observe(s, Batch(1), Seen(20'000, /*late=*/2));
  tracker_.Advance(Batch(1));
  const std::string record = tracker_.Serialize();

  WatermarkTracker restarted(&clock_, absl::Minutes(1));
  restarted.AddSource("clicks", absl::Seconds(5));
  ASSERT_TRUE(restarted.Restore(record).ok());
  EXPECT_EQ(restarted.current(), absl::FromUnixMillis(15'000));
  EXPECT_EQ(restarted.late_records().at("clicks"), 2);
  // The largest event time came back too: a smaller one does not lower the watermark.
  restarted.Observe(0, Batch(2), Seen(16'000));
  EXPECT_EQ(restarted.Advance(Batch(2)).watermark, absl::FromUnixMillis(15'000));

  WatermarkTracker other(&clock_, absl::Minutes(1));
  other.AddSource("views", absl::Seconds(5));
  absl::Status refused = other.Restore(record);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_NE(refused.message().find("[clicks]"), std::string::npos) << refused;
  EXPECT_EQ(other.Restore("garbage").code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace centella
