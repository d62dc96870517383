#include "common/event_loop/event_loop.h"

#include <vector>

#include "absl/synchronization/notification.h"
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

}  // namespace
}  // namespace centella
