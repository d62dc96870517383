#include "common/event_loop/event_loop.h"

#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/clock/fake_clock.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

TEST(EventLoopTest, RunsPostedWorkInOrderOnItsThread) {
  std::vector<int> seen;
  absl::Notification done;
  {
    EventLoop loop("test-loop");
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE(loop.Post([&seen, &loop, i] {
        EXPECT_TRUE(loop.InLoopThread());
        seen.push_back(i);
      }));
    }
    loop.Post([&done] { done.Notify(); });
    done.WaitForNotification();
  }
  ASSERT_EQ(seen.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen[i], i);
}

TEST(EventLoopTest, DestructorDrainsQueuedWork) {
  int ran = 0;
  {
    EventLoop loop("drain");
    for (int i = 0; i < 10; ++i) loop.Post([&ran] { ++ran; });
  }
  EXPECT_EQ(ran, 10);
}

TEST(EventLoopTest, TimersRunAfterTheirDelayInDeadlineOrder) {
  std::vector<int> seen;
  absl::Notification done;
  EventLoop loop("timers");
  const absl::Time start = absl::Now();
  absl::Time ran_at;
  // Posted in reverse: the later timer first, so the loop must move its deadline earlier.
  ASSERT_TRUE(loop.PostAfter(absl::Milliseconds(200), [&] {
    seen.push_back(2);
    ran_at = absl::Now();
    done.Notify();
  }));
  ASSERT_TRUE(loop.PostAfter(absl::Milliseconds(50), [&] { seen.push_back(1); }));
  ASSERT_TRUE(loop.Post([&] { seen.push_back(0); }));  // plain work does not wait
  done.WaitForNotification();
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
  EXPECT_GE(ran_at - start, absl::Milliseconds(200));
}

TEST(EventLoopTest, PendingTimersAreDroppedAtStop) {
  int ran = 0;
  {
    EventLoop loop("stop");
    loop.PostAfter(absl::Hours(1), [&ran] { ++ran; });
  }
  EXPECT_EQ(ran, 0);
}

TEST(EventLoopTest, TimersFollowAnInjectedClock) {
  FakeClock clock;
  EventLoop loop("test-loop", clock);
  absl::Notification fired;
  ASSERT_TRUE(loop.PostAfter(absl::Hours(1), [&] { fired.Notify(); }));
  clock.Advance(absl::Minutes(59));
  // Real time passes, the clock does not reach the deadline: the timer waits.
  EXPECT_FALSE(fired.WaitForNotificationWithTimeout(absl::Milliseconds(50)));
  clock.Advance(absl::Minutes(1));
  EXPECT_TRUE(fired.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(loop.Now(), clock.Now());
}

TEST(EventLoopTest, PostAndWaitReturnsTheResultFromTheLoopThread) {
  EventLoop loop("test-loop");
  std::optional<bool> on_loop = loop.PostAndWait([&] { return loop.InLoopThread(); });
  ASSERT_TRUE(on_loop.has_value());
  EXPECT_TRUE(*on_loop);
  // From the loop thread itself it runs at once instead of waiting for itself.
  absl::Notification done;
  int inner = 0;
  loop.Post([&] {
    inner = *loop.PostAndWait([] { return 7; });
    done.Notify();
  });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(inner, 7);
}

TEST(EventLoopTest, RunAndWaitCarriesStatuses) {
  EventLoop loop("test-loop");
  absl::StatusOr<int> ok = loop.RunAndWait([] { return absl::StatusOr<int>(3); });
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 3);
  absl::Status err =
      loop.RunAndWait<absl::Status>([] { return absl::NotFoundError("no such thing"); });
  EXPECT_EQ(err.code(), absl::StatusCode::kNotFound);
}

TEST(EventLoopTest, AStoppedLoopRefusesWorkWithUnavailable) {
  EventLoop loop("stopped-loop");
  loop.Stop();
  loop.Stop();  // idempotent
  EXPECT_FALSE(loop.Post([] {}));
  absl::Status s = loop.RunAndWait<absl::Status>([] { return absl::OkStatus(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("stopped-loop"), std::string::npos) << s;
}

TEST(EventLoopDeathTest, LoopOwnedMethodsCalledElsewhereAbortNamingThem) {
  EXPECT_DEATH(
      {
        EventLoop loop("owner-loop");
        loop.AssertInLoop("Owner::Touch");
      },
      "Owner::Touch must run on the owner-loop event loop thread");
}

}  // namespace
}  // namespace centella
