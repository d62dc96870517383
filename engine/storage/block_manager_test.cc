#include "engine/storage/block_manager.h"

#include <filesystem>
#include <string>

#include "gtest/gtest.h"

namespace centella {
namespace {

std::string SerializeString(const void* object) { return *static_cast<const std::string*>(object); }

class BlockManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("blocks-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  BlockManager::PutResult Put(BlockManager& bm, BlockId id, StorageLevel level, int64_t bytes) {
    auto value = std::make_shared<const std::string>("block " + std::to_string(id.rdd_id) + "/" +
                                                     std::to_string(id.partition));
    return bm.Put(id, level, value, bytes, &SerializeString);
  }

  std::filesystem::path dir_;
};

TEST_F(BlockManagerTest, EvictsLeastRecentlyUsedBlocksOfOtherRdds) {
  BlockManager bm(100, dir_.string());
  EXPECT_TRUE(Put(bm, {1, 0}, StorageLevel::kMemoryOnly, 40).stored);
  EXPECT_TRUE(Put(bm, {1, 1}, StorageLevel::kMemoryOnly, 40).stored);
  // Its own RDD's blocks are never evicted: this one does not fit.
  EXPECT_FALSE(Put(bm, {1, 2}, StorageLevel::kMemoryOnly, 40).stored);
  ASSERT_NE(bm.GetObject({1, 0}), nullptr);  // touch: {1,1} is now least recently used
  auto r = Put(bm, {2, 0}, StorageLevel::kMemoryOnly, 50);
  EXPECT_TRUE(r.stored);
  ASSERT_EQ(r.dropped.size(), 1u);
  EXPECT_EQ(r.dropped[0], (BlockId{1, 1}));
  EXPECT_TRUE(bm.InMemory({1, 0}));
  EXPECT_FALSE(bm.InMemory({1, 1}));
  EXPECT_EQ(bm.memory_used(), 90);
  EXPECT_EQ(*static_cast<const std::string*>(bm.GetObject({2, 0}).get()), "block 2/0");
}

TEST_F(BlockManagerTest, MemoryAndDiskMovesEvictedBlocksToDisk) {
  BlockManager bm(100, dir_.string());
  EXPECT_TRUE(Put(bm, {1, 0}, StorageLevel::kMemoryAndDisk, 80).stored);
  auto r = Put(bm, {2, 0}, StorageLevel::kMemoryOnly, 80);
  EXPECT_TRUE(r.stored);
  EXPECT_TRUE(r.dropped.empty());  // moved, not dropped
  EXPECT_FALSE(bm.InMemory({1, 0}));
  EXPECT_TRUE(bm.OnDisk({1, 0}));
  auto bytes = bm.GetBytes({1, 0});
  ASSERT_TRUE(bytes.ok() && bytes->has_value());
  EXPECT_EQ(**bytes, "block 1/0");
  // Too large for memory at all: straight to disk.
  EXPECT_TRUE(Put(bm, {3, 0}, StorageLevel::kMemoryAndDisk, 1000).stored);
  EXPECT_TRUE(bm.OnDisk({3, 0}));
  EXPECT_FALSE(Put(bm, {4, 0}, StorageLevel::kMemoryOnly, 1000).stored);
}

TEST_F(BlockManagerTest, DiskOnlyNeverUsesMemoryAndRemoveRddDeletesFiles) {
  BlockManager bm(100, dir_.string());
  EXPECT_TRUE(Put(bm, {5, 0}, StorageLevel::kDiskOnly, 10).stored);
  EXPECT_TRUE(Put(bm, {5, 1}, StorageLevel::kDiskOnly, 10).stored);
  EXPECT_EQ(bm.memory_used(), 0);
  EXPECT_GT(bm.disk_used(), 0);
  EXPECT_EQ(bm.GetObject({5, 0}), nullptr);
  EXPECT_TRUE(bm.GetBytes({5, 1})->has_value());
  bm.RemoveRdd(5);
  EXPECT_EQ(bm.disk_used(), 0);
  EXPECT_FALSE(bm.GetBytes({5, 1})->has_value());
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

TEST_F(BlockManagerTest, AMissingDiskFileIsAnError) {
  BlockManager bm(0, dir_.string());
  ASSERT_TRUE(Put(bm, {6, 0}, StorageLevel::kDiskOnly, 10).stored);
  std::filesystem::remove_all(dir_);
  EXPECT_EQ(bm.GetBytes({6, 0}).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(BlockManagerTest, PutIsIdempotent) {
  BlockManager bm(100, dir_.string());
  EXPECT_TRUE(Put(bm, {1, 0}, StorageLevel::kMemoryOnly, 60).stored);
  EXPECT_TRUE(Put(bm, {1, 0}, StorageLevel::kMemoryOnly, 60).stored);
  EXPECT_EQ(bm.memory_used(), 60);
}

}  // namespace
}  // namespace centella
