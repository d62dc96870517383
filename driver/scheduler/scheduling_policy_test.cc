#include "driver/scheduler/scheduling_policy.h"

#include "gtest/gtest.h"

namespace centella {
namespace {

using Load = SchedulingPolicy::JobLoad;

SchedulingPolicy FromConf(std::vector<std::pair<std::string, std::string>> entries) {
  Conf conf;
  for (const auto& [k, v] : entries) EXPECT_TRUE(conf.Set(k, v).ok()) << k;
  absl::StatusOr<SchedulingPolicy> policy = SchedulingPolicy::FromConf(conf);
  EXPECT_TRUE(policy.ok()) << policy.status();
  return policy.ok() ? *policy : SchedulingPolicy();
}

TEST(SchedulingPolicyTest, FifoServesTheOldestJobFirstWhateverItRuns) {
  SchedulingPolicy fifo = FromConf({});
  EXPECT_EQ(fifo.mode(), SchedulingMode::kFifo);
  EXPECT_EQ(fifo.Order({{7, "default", 10}, {3, "default", 50}, {5, "other", 0}}),
            (std::vector<int>{3, 5, 7}));
}

TEST(SchedulingPolicyTest, FairServesTheJobRunningFewestTasks) {
  SchedulingPolicy fair = FromConf({{"centella.scheduler.mode", "fair"}});
  EXPECT_EQ(fair.mode(), SchedulingMode::kFair);
  EXPECT_EQ(fair.Order({{1, "default", 4}, {2, "default", 0}, {3, "default", 2}}),
            (std::vector<int>{2, 3, 1}));
  // Equal shares: the older job first.
  EXPECT_EQ(fair.Order({{9, "default", 1}, {4, "default", 1}}), (std::vector<int>{4, 9}));
}

TEST(SchedulingPolicyTest, PoolsShareByWeightAndMinShareComesFirst) {
  SchedulingPolicy fair = FromConf({{"centella.scheduler.mode", "FAIR"},
                                    {"centella.scheduler.pool.etl.weight", "3"},
                                    {"centella.scheduler.pool.adhoc.minShare", "2"}});
  EXPECT_EQ(fair.pool("etl").weight, 3);
  EXPECT_EQ(fair.pool("adhoc").min_share, 2);
  EXPECT_EQ(fair.pool("never-configured").weight, 1);
  // etl runs 5 tasks at weight 3 (5/3 < 2/1): it goes before default running 2.
  EXPECT_EQ(fair.Order({{1, "default", 2}, {2, "etl", 5}}), (std::vector<int>{2, 1}));
  // adhoc is below its minShare: first, even though default runs nothing.
  EXPECT_EQ(fair.Order({{1, "default", 0}, {2, "adhoc", 1}}), (std::vector<int>{2, 1}));
}

TEST(SchedulingPolicyTest, APoolMayServeItsOwnJobsFifo) {
  SchedulingPolicy fair = FromConf(
      {{"centella.scheduler.mode", "FAIR"}, {"centella.scheduler.pool.batch.mode", "FIFO"}});
  EXPECT_EQ(fair.Order({{1, "batch", 8}, {2, "batch", 0}}), (std::vector<int>{1, 2}));
  EXPECT_EQ(fair.Order({{1, "default", 8}, {2, "default", 0}}), (std::vector<int>{2, 1}));
}

TEST(SchedulingPolicyTest, BadSettingsNameTheKey) {
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"centella.scheduler.mode", "ROUND_ROBIN"},
           {"centella.scheduler.pool.etl.weight", "0"},
           {"centella.scheduler.pool.etl.minShare", "-1"},
           {"centella.scheduler.pool.etl.mode", "LIFO"},
           {"centella.scheduler.pool.etl.priority", "1"},
           {"centella.scheduler.pool.weight", "2"}}) {
    Conf conf;
    ASSERT_TRUE(conf.Set(key, value).ok());
    absl::StatusOr<SchedulingPolicy> policy = SchedulingPolicy::FromConf(conf);
    ASSERT_FALSE(policy.ok()) << key << "=" << value;
    EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(policy.status().message().find(key), std::string::npos) << policy.status();
  }
}

}  // namespace
}  // namespace centella
