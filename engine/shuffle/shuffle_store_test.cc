#include "engine/shuffle/shuffle_store.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "engine/shuffle/fetch_failure.h"
#include "engine/shuffle/local_shuffle_fetcher.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

class ShuffleStoreTest : public ::testing::TestWithParam<BlockCodec> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("shuffle-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::vector<std::string> RandomBlocks(int n, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::string> blocks(n);
    for (auto& b : blocks) {
      size_t len = rng() % 3 == 0 ? 0 : rng() % 20000;
      for (size_t i = 0; i < len; ++i) b.push_back("abcdefgh"[rng() % (rng() % 2 ? 8 : 2)]);
    }
    return blocks;
  }

  std::filesystem::path dir_;
};

TEST_P(ShuffleStoreTest, EveryBlockReadsBackExactly) {
  ShuffleStore store(dir_.string(), GetParam());
  std::vector<std::string> blocks = RandomBlocks(17, 1);
  auto sizes = store.WriteMapOutput(3, 5, 0, blocks);
  ASSERT_TRUE(sizes.ok()) << sizes.status();
  ASSERT_EQ(sizes->size(), blocks.size());
  for (int r = 0; r < 17; ++r) {
    std::string got;
    ASSERT_TRUE(store.ReadBlock(3, 5, 0, r, &got).ok());
    EXPECT_EQ(got, blocks[r]) << "block " << r;
    if (blocks[r].empty()) {
      EXPECT_EQ((*sizes)[r], 0u);
    }
  }
  // One data file and one index per map attempt, nothing else left behind.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_ / "shuffle_3")) {
    EXPECT_EQ(e.path().extension() == ".data" || e.path().extension() == ".index", true)
        << e.path();
    ++files;
  }
  EXPECT_EQ(files, 2);
}

TEST_P(ShuffleStoreTest, CorruptDataIsDataLossNotBadRecords) {
  ShuffleStore store(dir_.string(), GetParam());
  std::vector<std::string> blocks = {std::string(5000, 'x'), std::string(7000, 'y')};
  ASSERT_TRUE(store.WriteMapOutput(1, 0, 0, blocks).ok());
  {
    std::fstream f(store.DataPath(1, 0, 0), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(3);
    f.put('\x7f');
  }
  std::string got;
  absl::Status s = store.ReadBlock(1, 0, 0, 0, &got);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_NE(s.message().find("checksum"), absl::string_view::npos) << s;
  EXPECT_TRUE(store.ReadBlock(1, 0, 0, 1, &got).ok());  // other blocks stay readable
}

TEST_P(ShuffleStoreTest, MissingOutputIsNotFoundAndFetcherReportsFetchFailure) {
  ShuffleStore store(dir_.string(), GetParam());
  std::string got;
  EXPECT_EQ(store.ReadBlock(9, 0, 0, 0, &got).code(), absl::StatusCode::kNotFound);

  ASSERT_TRUE(store.WriteMapOutput(9, 0, 0, {"a", "b"}).ok());
  LocalShuffleFetcher fetcher(&store);
  v1::ShuffleReadInput input;
  input.set_shuffle_id(9);
  for (int map = 0; map < 2; ++map) {
    v1::MapStatus* ms = input.add_map_statuses();
    ms->set_map_id(map);
    ms->add_block_sizes(1);
    ms->add_block_sizes(1);
  }
  std::vector<int> seen;
  absl::Status s = fetcher.Fetch(input, 1, [&](int map, std::string_view block) {
    seen.push_back(map);
    EXPECT_EQ(block, "b");
    return absl::OkStatus();
  });
  ASSERT_FALSE(s.ok());
  std::optional<FetchFailureInfo> ff = GetFetchFailure(s);
  ASSERT_TRUE(ff.has_value()) << s;
  EXPECT_EQ(ff->shuffle_id, 9);
  EXPECT_EQ(ff->map_id, 1);  // map 1 never wrote its output
  EXPECT_EQ(ff->reduce_id, 1);
  EXPECT_EQ(seen, std::vector<int>{0});
}

TEST_P(ShuffleStoreTest, UncommittedWriteIsInvisible) {
  ShuffleStore store(dir_.string(), GetParam());
  // A crash after writing the data file but before the index rename leaves only
  // temporaries: the output must not exist.
  std::filesystem::create_directories(dir_ / "shuffle_2");
  std::ofstream(store.DataPath(2, 0, 0)) << "partial";
  std::ofstream(store.IndexPath(2, 0, 0) + ".tmp") << "partial";
  std::string got;
  EXPECT_EQ(store.ReadBlock(2, 0, 0, 0, &got).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(store.WriteMapOutput(2, 0, 0, {"done"}).ok());
  ASSERT_TRUE(store.ReadBlock(2, 0, 0, 0, &got).ok());
  EXPECT_EQ(got, "done");
  ASSERT_TRUE(store.RemoveShuffle(2).ok());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "shuffle_2"));
}

TEST_P(ShuffleStoreTest, OutOfRangeReduceIsDataLoss) {
  ShuffleStore store(dir_.string(), GetParam());
  ASSERT_TRUE(store.WriteMapOutput(4, 0, 0, {"a"}).ok());
  std::string got;
  EXPECT_EQ(store.ReadBlock(4, 0, 0, 1, &got).code(), absl::StatusCode::kDataLoss);
}

INSTANTIATE_TEST_SUITE_P(Codecs, ShuffleStoreTest,
                         ::testing::Values(BlockCodec::kNone, BlockCodec::kLz4, BlockCodec::kZstd));

TEST(BlockCodecTest, CompressibleBlocksShrinkAndIncompressibleOnesAreStoredRaw) {
  std::string out;
  EXPECT_EQ(EncodeBlock(BlockCodec::kLz4, std::string(100000, 'a'), &out), BlockCodec::kLz4);
  EXPECT_LT(out.size(), 1000u);
  std::string noise;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 4096; ++i) noise.push_back(static_cast<char>(rng()));
  out.clear();
  EXPECT_EQ(EncodeBlock(BlockCodec::kLz4, noise, &out), BlockCodec::kNone);
  EXPECT_EQ(out, noise);
  out.clear();
  EXPECT_EQ(EncodeBlock(BlockCodec::kZstd, noise, &out), BlockCodec::kNone);
  EXPECT_EQ(out, noise);
  EXPECT_FALSE(ParseBlockCodec("snappy").ok());
  EXPECT_EQ(*ParseBlockCodec("zstd"), BlockCodec::kZstd);
}

TEST(BlockCodecTest, ZstdRoundTripsAndRejectsCorruptInput) {
  std::string raw;
  for (int i = 0; i < 20000; ++i) raw += "record-" + std::to_string(i % 97) + ";";
  std::string stored;
  ASSERT_EQ(EncodeBlock(BlockCodec::kZstd, raw, &stored), BlockCodec::kZstd);
  EXPECT_LT(stored.size(), raw.size() / 4);
  std::string back;
  ASSERT_TRUE(DecodeBlock(BlockCodec::kZstd, stored, raw.size(), &back).ok());
  EXPECT_EQ(back, raw);
  stored[stored.size() / 2] ^= 0x5a;
  EXPECT_EQ(DecodeBlock(BlockCodec::kZstd, stored, raw.size(), &back).code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace centella
