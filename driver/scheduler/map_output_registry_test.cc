#include "driver/scheduler/map_output_registry.h"

#include "gtest/gtest.h"

namespace centella {
namespace {

v1::MapStatus Status(int shuffle, int map, const std::string& executor, const std::string& addr) {
  v1::MapStatus s;
  s.set_shuffle_id(shuffle);
  s.set_map_id(map);
  s.set_executor_id(executor);
  s.set_shuffle_address(addr);
  return s;
}

TEST(MapOutputRegistryTest, ALostHostLosesExactlyTheOutputsItServed) {
  MapOutputRegistry r;
  r.RegisterShuffle(1, 4);
  r.RegisterShuffle(2, 2);
  r.RegisterMapOutput(Status(1, 0, "e1", "host-a:7078"));
  r.RegisterMapOutput(Status(1, 1, "e2", "host-b:7078"));
  r.RegisterMapOutput(Status(1, 2, "e3", "host-a:7078"));
  r.RegisterMapOutput(Status(1, 3, "e2", "host-b:7078"));
  r.RegisterMapOutput(Status(2, 0, "e1", "host-a:7078"));
  r.RegisterMapOutput(Status(2, 1, "e2", "host-b:7078"));
  EXPECT_TRUE(r.IsAvailable(1));
  const int64_t epoch = r.epoch();
  EXPECT_EQ(r.UnregisterShuffleAddress("host-a:7078"), 3);
  EXPECT_GT(r.epoch(), epoch);
  EXPECT_EQ(r.MissingMaps(1), (std::vector<int>{0, 2}));
  EXPECT_EQ(r.MissingMaps(2), (std::vector<int>{0}));
  EXPECT_EQ(r.UnregisterShuffleAddress("host-c:7078"), 0);
  EXPECT_EQ(r.UnregisterExecutor("e2"), 3);
  EXPECT_EQ(r.MissingMaps(2), (std::vector<int>{0, 1}));
}

TEST(MapOutputRegistryTest, OutputsOfTasksLaunchedBeforeTheirHostWasLostAreIgnored) {
  MapOutputRegistry r;
  r.RegisterShuffle(1, 3);
  v1::MapStatus before = Status(1, 0, "e1", "host-a:7078");
  before.set_epoch(r.epoch());  // launched now, reports after the loss
  r.UnregisterShuffleAddress("host-a:7078");
  EXPECT_FALSE(r.RegisterMapOutput(before));
  EXPECT_EQ(r.MissingMaps(1), (std::vector<int>{0, 1, 2}));

  // Another host is not affected by that loss.
  v1::MapStatus elsewhere = Status(1, 1, "e2", "host-b:7078");
  elsewhere.set_epoch(before.epoch());
  EXPECT_TRUE(r.RegisterMapOutput(elsewhere));

  // The host back (re-registered at the same address): tasks launched since count.
  v1::MapStatus after = Status(1, 0, "e3", "host-a:7078");
  after.set_epoch(r.epoch());
  EXPECT_TRUE(r.RegisterMapOutput(after));
  EXPECT_EQ(r.MissingMaps(1), (std::vector<int>{2}));
}

TEST(MapOutputRegistryTest, ALateFetchFailureDoesNotForgetARecomputedOutput) {
  MapOutputRegistry r;
  r.RegisterShuffle(1, 1);
  r.RegisterMapOutput(Status(1, 0, "e1", "host-b:7078"));  // recomputed on host b
  r.UnregisterMapOutput(1, 0, "host-a:7078");               // a reducer failed on host a
  EXPECT_TRUE(r.IsAvailable(1));
  r.UnregisterMapOutput(1, 0, "host-b:7078");
  EXPECT_FALSE(r.IsAvailable(1));
}

}  // namespace
}  // namespace centella
