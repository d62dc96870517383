#include "common/clock/fake_clock.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace centella {
namespace {

constexpr absl::Time kStart = absl::FromUnixSeconds(1'000'000);

TEST(FakeClockTest, NowIsTheSetTime) {
  FakeClock clock(kStart);
  EXPECT_EQ(clock.Now(), kStart);
  EXPECT_EQ(clock.Now(), kStart);  // Time does not move by itself.
  clock.Advance(absl::Seconds(3));
  EXPECT_EQ(clock.Now(), kStart + absl::Seconds(3));
  clock.SetTime(kStart - absl::Hours(1));
  EXPECT_EQ(clock.Now(), kStart - absl::Hours(1));
}

TEST(FakeClockTest, NegativeAdvanceIsIgnored) {
  FakeClock clock(kStart);
  clock.Advance(absl::Seconds(-1));
  EXPECT_EQ(clock.Now(), kStart);
}

TEST(FakeClockTest, DefaultStartIsAfterEpoch) {
  FakeClock clock;
  EXPECT_GT(clock.Now(), absl::UnixEpoch());
}

TEST(FakeClockTest, ZeroSleepReturnsAtOnce) {
  FakeClock clock(kStart);
  clock.SleepFor(absl::ZeroDuration());
  clock.SleepFor(absl::Seconds(-1));
  EXPECT_EQ(clock.sleepers(), 0);
}

TEST(FakeClockTest, SleepForWakesWhenAnotherThreadAdvancesPastDeadline) {
  FakeClock clock(kStart);
  std::atomic<bool> woke{false};
  std::thread sleeper([&] {
    clock.SleepFor(absl::Seconds(10));
    woke = true;
  });

  clock.WaitForSleepers(1);
  clock.Advance(absl::Seconds(4));
  clock.Advance(absl::Seconds(5));  // 9s: still short of the deadline.
  EXPECT_EQ(clock.sleepers(), 1);
  EXPECT_FALSE(woke);

  clock.Advance(absl::Seconds(1));  // Exactly at the deadline.
  sleeper.join();
  EXPECT_TRUE(woke);
  EXPECT_EQ(clock.sleepers(), 0);
}

TEST(FakeClockTest, SetTimeForwardWakesSleeper) {
  FakeClock clock(kStart);
  std::thread sleeper([&] { clock.SleepFor(absl::Minutes(1)); });
  clock.WaitForSleepers(1);
  clock.SetTime(kStart + absl::Hours(1));
  sleeper.join();
  EXPECT_EQ(clock.sleepers(), 0);
}

TEST(FakeClockTest, EachSleeperWakesAtItsOwnDeadline) {
  FakeClock clock(kStart);
  std::atomic<int> awake{0};
  std::vector<std::thread> sleepers;
  for (int seconds : {1, 2, 3}) {
    sleepers.emplace_back([&clock, &awake, seconds] {
      clock.SleepFor(absl::Seconds(seconds));
      ++awake;
    });
  }
  clock.WaitForSleepers(3);

  clock.Advance(absl::Seconds(1));
  // The 1s sleeper leaves SleepFor; the others stay.
  while (clock.sleepers() != 2) std::this_thread::yield();
  clock.Advance(absl::Seconds(1));
  while (clock.sleepers() != 1) std::this_thread::yield();
  EXPECT_EQ(clock.Now(), kStart + absl::Seconds(2));
  clock.Advance(absl::Seconds(1));
  for (auto& thread : sleepers) thread.join();
  EXPECT_EQ(awake, 3);
}

TEST(FakeClockTest, UsableThroughClockInterface) {
  FakeClock fake(kStart);
  Clock& clock = fake;
  std::thread sleeper([&] { clock.SleepFor(absl::Milliseconds(250)); });
  fake.WaitForSleepers(1);
  fake.Advance(absl::Milliseconds(250));
  sleeper.join();
  EXPECT_EQ(clock.Now(), kStart + absl::Milliseconds(250));
}

}  // namespace
}  // namespace centella
