// ShuffleService over gRPC: map outputs written with ShuffleStore are fetched as stored
// bytes and decode to the original.
#include "executor/daemon/shuffle_service.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/shuffle/shuffle_block_codec.h"
#include "engine/shuffle/shuffle_store.h"
#include "executor/daemon/daemon_test_env.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

constexpr char kApp[] = "app-20260101000000-0042";
constexpr int kShuffle = 7;

// Compressible, and big enough to span several chunks.
std::string RawBlock(int map_id, int reduce_id, size_t size) {
  std::string out;
  while (out.size() < size)
    absl::StrAppend(&out, "map", map_id, "-reduce", reduce_id, "-", out.size() % 977, ";");
  out.resize(size);
  return out;
}

struct FetchedBlock {
  std::string stored;
  std::vector<int64_t> offsets;
  int chunks = 0;
  bool last = false;
  uint64_t checksum = 0;
  uint32_t codec = 0;
  int64_t raw_size = 0;
  int64_t block_size = 0;
  v1::ShuffleBlockError error = v1::SHUFFLE_BLOCK_ERROR_NONE;
  std::string error_message;
};

class ShuffleServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.StartDaemon().ok());
    ShuffleStore store(env_.daemon().work_dir() + "/apps/" + kApp + "/shuffle", BlockCodec::kLz4);
    for (int map_id = 0; map_id < 2; ++map_id) {
      std::vector<std::string> blocks = {RawBlock(map_id, 0, 3 << 20), RawBlock(map_id, 1, 1000),
                                         ""};
      raw_[map_id] = blocks;
      ASSERT_TRUE(store.WriteMapOutput(kShuffle, map_id, /*attempt=*/0, blocks).ok());
    }
  }

  // Fetches `blocks` and groups the chunks by block index.
  std::map<int, FetchedBlock> Fetch(const std::vector<v1::ShuffleBlockRequest>& blocks,
                                    int chunk_bytes, grpc::Status* status) {
    v1::FetchBlocksRequest request;
    request.set_app_id(kApp);
    request.set_shuffle_id(kShuffle);
    request.set_max_chunk_bytes(chunk_bytes);
    for (const auto& b : blocks) *request.add_blocks() = b;
    grpc::ClientContext context;
    auto stub = env_.ShuffleStub();
    auto reader = stub->FetchBlocks(&context, request);
    std::map<int, FetchedBlock> out;
    v1::FetchBlocksResponse chunk;
    int previous_index = 0;
    while (reader->Read(&chunk)) {
      EXPECT_GE(chunk.block_index(), previous_index);  // request order
      previous_index = chunk.block_index();
      FetchedBlock& b = out[chunk.block_index()];
      EXPECT_FALSE(b.last) << "chunk after the last one of block " << chunk.block_index();
      b.offsets.push_back(chunk.offset());
      b.stored += chunk.data();
      ++b.chunks;
      b.last = chunk.last();
      b.block_size = chunk.block_size();
      if (chunk.last()) {
        b.checksum = chunk.checksum();
        b.codec = chunk.codec();
        b.raw_size = chunk.raw_size();
        b.error = chunk.error();
        b.error_message = chunk.error_message();
      }
    }
    *status = reader->Finish();
    return out;
  }

  static v1::ShuffleBlockRequest Block(int map_id, int reduce_id, int attempt = 0) {
    v1::ShuffleBlockRequest b;
    b.set_map_id(map_id);
    b.set_map_attempt(attempt);
    b.set_reduce_id(reduce_id);
    return b;
  }

  DaemonTestEnv env_;
  std::map<int, std::vector<std::string>> raw_;
};

TEST_F(ShuffleServiceTest, FetchedStoredBytesVerifyAndDecodeToTheOriginal) {
  grpc::Status status;
  auto fetched = Fetch({Block(0, 0), Block(1, 1), Block(1, 0), Block(0, 2)}, 256 << 10, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(fetched.size(), 4u);
  const std::pair<int, int> expected[] = {{0, 0}, {1, 1}, {1, 0}, {0, 2}};
  for (int i = 0; i < 4; ++i) {
    const FetchedBlock& b = fetched[i];
    const std::string& raw = raw_[expected[i].first][expected[i].second];
    ASSERT_TRUE(b.last);
    EXPECT_EQ(b.error, v1::SHUFFLE_BLOCK_ERROR_NONE) << b.error_message;
    EXPECT_EQ(static_cast<int64_t>(b.stored.size()), b.block_size);
    EXPECT_EQ(BlockChecksum(b.stored), b.checksum);
    EXPECT_EQ(b.raw_size, static_cast<int64_t>(raw.size()));
    std::string decoded;
    ASSERT_TRUE(DecodeBlock(static_cast<BlockCodec>(b.codec), b.stored, b.raw_size, &decoded).ok());
    EXPECT_EQ(decoded, raw) << "block " << i;
  }
  // The 3 MiB block of repetitive text is stored compressed.
  EXPECT_EQ(fetched[0].codec, static_cast<uint32_t>(BlockCodec::kLz4));
  EXPECT_LT(fetched[0].block_size, 3 << 20);
  // An empty block is one empty last chunk.
  EXPECT_EQ(fetched[3].chunks, 1);
  EXPECT_EQ(fetched[3].block_size, 0);
}

TEST_F(ShuffleServiceTest, LargeBlocksArriveInChunksInOffsetOrder) {
  // Incompressible data, so the stored block is as big as the raw one.
  std::string noise(3 << 20, '\0');
  uint64_t x = 88172645463325252ull;
  for (char& c : noise) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  ShuffleStore store(env_.daemon().work_dir() + "/apps/" + kApp + "/shuffle", BlockCodec::kLz4);
  ASSERT_TRUE(store.WriteMapOutput(kShuffle, 5, 1, {noise}).ok());
  grpc::Status status;
  auto fetched = Fetch({Block(5, 0, /*attempt=*/1)}, /*chunk_bytes=*/0, &status);
  ASSERT_TRUE(status.ok());
  const FetchedBlock& b = fetched[0];
  EXPECT_EQ(b.chunks, 3);  // default 1 MiB chunks
  EXPECT_EQ(b.offsets, (std::vector<int64_t>{0, 1 << 20, 2 << 20}));
  EXPECT_EQ(BlockChecksum(b.stored), b.checksum);
  std::string decoded;
  ASSERT_TRUE(DecodeBlock(static_cast<BlockCodec>(b.codec), b.stored, b.raw_size, &decoded).ok());
  EXPECT_EQ(decoded, noise);
}

TEST_F(ShuffleServiceTest, MissingOutputsAreReportedPerBlockAndTheCallGoesOn) {
  grpc::Status status;
  auto fetched =
      Fetch({Block(9, 0), Block(0, 1), Block(0, 5), Block(0, 1, /*attempt=*/3)}, 0, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(fetched.size(), 4u);
  EXPECT_EQ(fetched[0].error, v1::SHUFFLE_BLOCK_ERROR_NOT_FOUND);
  EXPECT_TRUE(fetched[0].last);
  EXPECT_TRUE(fetched[0].stored.empty());
  EXPECT_FALSE(fetched[0].error_message.empty());
  EXPECT_EQ(fetched[1].error, v1::SHUFFLE_BLOCK_ERROR_NONE);
  EXPECT_EQ(BlockChecksum(fetched[1].stored), fetched[1].checksum);
  EXPECT_EQ(fetched[2].error, v1::SHUFFLE_BLOCK_ERROR_NOT_FOUND);  // reduce id out of range
  EXPECT_EQ(fetched[3].error, v1::SHUFFLE_BLOCK_ERROR_NOT_FOUND);  // other attempt
}

TEST_F(ShuffleServiceTest, TruncatedDataFileIsCorrupt) {
  ShuffleStore store(env_.daemon().work_dir() + "/apps/" + kApp + "/shuffle", BlockCodec::kLz4);
  ASSERT_EQ(::truncate(store.DataPath(kShuffle, 1, 0).c_str(), 10), 0);
  grpc::Status status;
  auto fetched = Fetch({Block(1, 0), Block(0, 1)}, 0, &status);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(fetched[0].error, v1::SHUFFLE_BLOCK_ERROR_CORRUPT) << fetched[0].error_message;
  EXPECT_EQ(fetched[1].error, v1::SHUFFLE_BLOCK_ERROR_NONE);
}

TEST_F(ShuffleServiceTest, StatusListsCommittedOutputsAndRemoveDeletesThem) {
  auto stub = env_.ShuffleStub();
  v1::GetShuffleStatusRequest status_request;
  status_request.set_app_id(kApp);
  status_request.set_shuffle_id(kShuffle);
  status_request.set_include_block_sizes(true);
  v1::GetShuffleStatusResponse status_response;
  grpc::ClientContext status_context;
  ASSERT_TRUE(stub->GetShuffleStatus(&status_context, status_request, &status_response).ok());
  ASSERT_EQ(status_response.map_outputs_size(), 2);
  EXPECT_EQ(status_response.map_outputs(1).map_id(), 1);
  EXPECT_EQ(status_response.map_outputs(0).block_sizes_size(), 3);
  EXPECT_EQ(status_response.total_bytes(), status_response.map_outputs(0).data_bytes() +
                                               status_response.map_outputs(1).data_bytes());

  v1::RemoveShuffleRequest remove;
  remove.set_app_id(kApp);
  remove.set_shuffle_id(kShuffle);
  v1::RemoveShuffleResponse removed;
  grpc::ClientContext remove_context;
  ASSERT_TRUE(stub->RemoveShuffle(&remove_context, remove, &removed).ok());
  EXPECT_EQ(removed.files_removed(), 4);
  EXPECT_GE(removed.bytes_freed(), status_response.total_bytes());
  grpc::Status status;
  auto fetched = Fetch({Block(0, 0)}, 0, &status);
  EXPECT_EQ(fetched[0].error, v1::SHUFFLE_BLOCK_ERROR_NOT_FOUND);
}

TEST_F(ShuffleServiceTest, CallWithoutTheSecretIsUnauthenticated) {
  auto stub = v1::ShuffleService::NewStub(
      grpc::CreateChannel(env_.daemon().address(), grpc::InsecureChannelCredentials()));
  v1::FetchBlocksRequest request;
  request.set_app_id(kApp);
  request.set_shuffle_id(kShuffle);
  *request.add_blocks() = Block(0, 0);
  grpc::ClientContext context;
  auto reader = stub->FetchBlocks(&context, request);
  v1::FetchBlocksResponse chunk;
  EXPECT_FALSE(reader->Read(&chunk));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace centella
