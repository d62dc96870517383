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

}  // namespace
}  // namespace centella
