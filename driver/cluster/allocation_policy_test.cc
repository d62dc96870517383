#include "driver/cluster/allocation_policy.h"

#include "gtest/gtest.h"

namespace centella {
namespace {

using Load = AllocationPolicy::ExecutorLoad;

TEST(AllocationPolicyTest, AsksForExecutorsOnlyAfterTheBacklogTimeout) {
  AllocationPolicy p({.min_executors = 0, .max_executors = 5, .cores_per_executor = 2,
                      .backlog_timeout = absl::Seconds(1), .idle_timeout = absl::Seconds(60)});
  absl::Time t = absl::UnixEpoch();
  EXPECT_FALSE(p.Observe(t, 7, {}).request_total.has_value());
  EXPECT_FALSE(p.Observe(t + absl::Milliseconds(900), 7, {}).request_total.has_value());
  auto d = p.Observe(t + absl::Seconds(1), 7, {});
  ASSERT_TRUE(d.request_total.has_value());
  EXPECT_EQ(*d.request_total, 4);  // ceil(7 tasks / 2 cores)
  // Capped at max_executors.
  d = p.Observe(t + absl::Seconds(2), 40, {{"0", 2}, {"1", 2}});
  EXPECT_EQ(*d.request_total, 5);
}

TEST(AllocationPolicyTest, ReleasesIdleExecutorsDownToTheMinimum) {
  AllocationPolicy p({.min_executors = 1, .max_executors = 0, .cores_per_executor = 1,
                      .backlog_timeout = absl::Seconds(1), .idle_timeout = absl::Seconds(5)});
  absl::Time t = absl::UnixEpoch();
  std::vector<Load> idle = {{"0", 0}, {"1", 0}, {"2", 0}};
  EXPECT_TRUE(p.Observe(t, 0, idle).release.empty());
  EXPECT_TRUE(p.Observe(t + absl::Seconds(4), 0, idle).release.empty());
  auto d = p.Observe(t + absl::Seconds(5), 0, idle);
  EXPECT_EQ(d.release.size(), 2u);  // one stays: min_executors = 1
  EXPECT_EQ(*d.request_total, 1);
}

TEST(AllocationPolicyTest, BusyOrNeededExecutorsStay) {
  AllocationPolicy p({.min_executors = 0, .max_executors = 0, .cores_per_executor = 1,
                      .backlog_timeout = absl::Seconds(1), .idle_timeout = absl::Seconds(5)});
  absl::Time t = absl::UnixEpoch();
  EXPECT_TRUE(p.Observe(t, 0, {{"0", 1}, {"1", 0}}).release.empty());
  // Executor 0 works until t+10: only 1 has been idle long enough.
  auto d = p.Observe(t + absl::Seconds(10), 0, {{"0", 1}, {"1", 0}});
  EXPECT_EQ(d.release, std::vector<std::string>{"1"});
  // While tasks wait, nothing is released even if an executor looks idle.
  AllocationPolicy q({.min_executors = 0, .max_executors = 0, .cores_per_executor = 1,
                      .backlog_timeout = absl::Seconds(100), .idle_timeout = absl::Seconds(1)});
  q.Observe(t, 3, {{"0", 0}});
  EXPECT_TRUE(q.Observe(t + absl::Seconds(5), 3, {{"0", 0}}).release.empty());
}

}  // namespace
}  // namespace centella
