// How lineage is cut into stages: one map stage per shuffle, one result stage per job,
// narrow operators fused (no node of their own), map stages reused across jobs.
#include <algorithm>

#include "centella/centella.h"
#include "driver/tests/recording_listener.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

class DagCuttingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ContextOptions options;
    options.master = "local[2]";
    options.listener = &listener_;
    auto ctx = Context::Create(std::move(options));
    ASSERT_TRUE(ctx.ok()) << ctx.status();
    ctx_ = *std::move(ctx);
  }
  RecordingListener listener_;
  std::unique_ptr<Context> ctx_;
};

std::vector<int> Numbers(int n) {
  std::vector<int> v(n);
  for (int i = 0; i < n; ++i) v[i] = i;
  return v;
}

TEST_F(DagCuttingTest, OneShuffleMakesTwoStagesWithNarrowOpsFused) {
  auto counts = ctx_->parallelize(Numbers(100), 4)
                    .map([](int x) { return x % 7; })
                    .filter([](int x) { return x != 3; })
                    .flat_map([](int x) {
                      return std::vector<int>{x, x};
                    })
                    .map([](int x) { return std::pair<int, int64_t>(x, 1); })
                    .reduce_by_key([](int64_t a, int64_t b) { return a + b; }, 3);
  ASSERT_TRUE(counts.collect().ok());
  std::vector<StageInfo> stages = listener_.TakeSubmitted();
  ASSERT_EQ(stages.size(), 2u);
  const StageInfo& map = stages[0];
  const StageInfo& result = stages[1];
  EXPECT_TRUE(map.is_map);
  EXPECT_EQ(map.num_tasks, 4);
  // map, filter, flat_map and map became no nodes: they run fused inside the map task.
  EXPECT_EQ(map.node_ops, std::vector<std::string>{"parallelize"});
  EXPECT_FALSE(result.is_map);
  EXPECT_EQ(result.num_tasks, 3);
  EXPECT_EQ(result.node_ops, std::vector<std::string>{"reduce_by_key"});
  EXPECT_EQ(result.parent_ids, std::vector<int>{map.stage_id});
}

TEST_F(DagCuttingTest, ChainedShufflesMakeAChainOfStages) {
  auto grouped =
      ctx_->parallelize(Numbers(50), 5)
          .map([](int x) { return std::pair<int, int>(x % 10, x); })
          .reduce_by_key([](int a, int b) { return a + b; })
          .map([](std::pair<int, int> kv) { return std::pair<int, int>(kv.second % 3, kv.first); })
          .group_by_key(2);
  auto n = grouped.count();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 3);
  std::vector<StageInfo> stages = listener_.TakeSubmitted();
  ASSERT_EQ(stages.size(), 3u);
  EXPECT_EQ(stages[0].node_ops, std::vector<std::string>{"parallelize"});
  EXPECT_EQ(stages[1].node_ops, std::vector<std::string>{"reduce_by_key"});
  EXPECT_TRUE(stages[1].is_map);
  EXPECT_EQ(stages[1].parent_ids, std::vector<int>{stages[0].stage_id});
  EXPECT_EQ(stages[2].node_ops, std::vector<std::string>{"group_by_key"});
  EXPECT_EQ(stages[2].parent_ids, std::vector<int>{stages[1].stage_id});
  EXPECT_EQ(stages[2].num_tasks, 2);
}

TEST_F(DagCuttingTest, MapStagesAreSkippedWhenTheirOutputExists) {
  Rdd<std::pair<int, int>> sums = ctx_->parallelize(Numbers(40), 4)
                                      .map([](int x) { return std::pair<int, int>(x % 4, x); })
                                      .reduce_by_key([](int a, int b) { return a + b; });
  ASSERT_TRUE(sums.count().ok());
  EXPECT_EQ(listener_.TakeSubmitted().size(), 2u);
  auto collected = sums.collect();
  ASSERT_TRUE(collected.ok());
  std::vector<StageInfo> second = listener_.TakeSubmitted();
  ASSERT_EQ(second.size(), 1u);  // the shuffle's map stage did not run again
  EXPECT_FALSE(second[0].is_map);
}

TEST_F(DagCuttingTest, ErasingAPipelineGivesItANodeInTheSameStage) {
  Rdd<int> evens = ctx_->parallelize(Numbers(20), 2).filter([](int x) { return x % 2 == 0; });
  ASSERT_EQ(*evens.count(), 10);
  std::vector<StageInfo> stages = listener_.TakeSubmitted();
  ASSERT_EQ(stages.size(), 1u);
  EXPECT_EQ(stages[0].node_ops, (std::vector<std::string>{"parallelize", "pipeline"}));
}

TEST_F(DagCuttingTest, TasksShipAsSerializedPlansNotPointers) {
  // The stage plan of every task is rebuilt from the registry; the fused lambda state
  // (a captured threshold) must survive that round trip.
  int threshold = 15;
  auto big = ctx_->parallelize(Numbers(30), 3).filter([threshold](int x) { return x > threshold; });
  auto got = big.collect();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->size(), 14u);
  EXPECT_EQ(got->front(), 16);
}

}  // namespace
}  // namespace centella
