// The stream checkpoint's log on a real directory: entries round-trip, damaged files are
// reported by name and the previous good entry is used, an incompatible program is
// refused with what changed, and old entries are removed beyond the retention.
#include "driver/streaming/stream_checkpoint.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/storage/local_storage.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

namespace fs = std::filesystem;

class StreamCheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           absl::StrCat("stream-checkpoint-", ::getpid(), "-",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<StreamCheckpoint> Open(int retain = 100) {
    auto storage = LocalStorage::Open(dir_.string());
    EXPECT_TRUE(storage.ok()) << storage.status();
    auto log = StreamCheckpoint::Open(*std::move(storage), retain);
    EXPECT_TRUE(log.ok());
    return *std::move(log);
  }
  static BatchOffsets Batch(int64_t id) {
    BatchOffsets b;
    b.batch_id = id;
    b.batch_time_ms = 1000 * id;
    b.inputs["kafka:t"] = absl::StrCat("ranges of ", id);
    return b;
  }
  std::string EntryPath(const std::string& kind, int64_t id) const {
    return (dir_ / kind / absl::StrFormat("%020d", id)).string();
  }

  fs::path dir_;
};

TEST_F(StreamCheckpointTest, AnUncommittedBatchIsTheOneToRunAgain) {
  auto log = Open();
  StreamRecovery fresh = *log->Recover();
  EXPECT_FALSE(fresh.last_committed);
  EXPECT_FALSE(fresh.last_planned);
  ASSERT_TRUE(log->WriteOffsets(Batch(0)).ok());
  ASSERT_TRUE(log->WriteCommit(0, BatchCommit{0, {}}).ok());
  ASSERT_TRUE(log->WriteOffsets(Batch(1)).ok());
  StreamRecovery r = *Open()->Recover();
  EXPECT_EQ(r.last_committed, 0);
  ASSERT_TRUE(r.last_planned);
  EXPECT_EQ(r.last_planned->batch_id, 1);
  EXPECT_EQ(r.last_planned->batch_time_ms, 1000);
  EXPECT_EQ(r.last_planned->inputs.at("kafka:t"), "ranges of 1");
}

TEST_F(StreamCheckpointTest, DamagedEntriesAreNamedAndThePreviousOneIsUsed) {
  auto log = Open();
  for (int id = 0; id < 3; ++id) {
    ASSERT_TRUE(log->WriteOffsets(Batch(id)).ok());
    ASSERT_TRUE(log->WriteCommit(id, BatchCommit{1000 * id, {}}).ok());
  }
  {  // one byte flipped in the newest offsets entry, the newest commit cut short
    std::fstream f(EntryPath("offsets", 2), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-1, std::ios::end);
    f.put('\x7f');
  }
  fs::resize_file(EntryPath("commits", 2), 5);
  StreamRecovery r = *Open()->Recover();
  EXPECT_EQ(r.last_committed, 1);
  ASSERT_TRUE(r.last_planned);
  EXPECT_EQ(r.last_planned->batch_id, 1);
  ASSERT_EQ(r.skipped.size(), 2u);
  EXPECT_NE(r.skipped[0].find(EntryPath("commits", 2)), std::string::npos) << r.skipped[0];
  EXPECT_NE(r.skipped[0].find("truncated"), std::string::npos) << r.skipped[0];
  EXPECT_NE(r.skipped[1].find(EntryPath("offsets", 2)), std::string::npos) << r.skipped[1];
  EXPECT_NE(r.skipped[1].find("corrupt"), std::string::npos) << r.skipped[1];
}

TEST_F(StreamCheckpointTest, AnIncompatibleProgramIsRefusedWithWhatChanged) {
  StreamMetadata m;
  m.batch_interval_ms = 100;
  m.graph = {"kafka_direct_stream slide=100ms parents=[] type=K input=kafka:t",
             "map slide=100ms parents=[0] type=S"};
  m.stream_id = "first";
  absl::StatusOr<std::string> id = Open()->CheckOrWriteMetadata(m);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "first");
  // A restart proposes a new id; the log keeps the one it was created with.
  m.stream_id = "second";
  id = Open()->CheckOrWriteMetadata(m);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "first");
  StreamMetadata slower = m;
  slower.batch_interval_ms = 200;
  absl::Status s = Open()->CheckOrWriteMetadata(slower).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("batch interval 100 ms then, 200 ms now"), std::string::npos) << s;
  StreamMetadata more = m;
  more.graph.push_back("filter slide=100ms parents=[1] type=S");
  s = Open()->CheckOrWriteMetadata(more).status();
  EXPECT_NE(s.message().find("stream node 2 was '(nothing)', is 'filter"), std::string::npos) << s;
}

TEST_F(StreamCheckpointTest, OldEntriesGoBeyondTheRetention) {
  auto log = Open(/*retain=*/3);
  for (int id = 0; id < 10; ++id) {
    ASSERT_TRUE(log->WriteOffsets(Batch(id)).ok());
    ASSERT_TRUE(log->WriteCommit(id, BatchCommit{1000 * id, {}}).ok());
  }
  int offsets = 0, commits = 0;
  for (const auto& e : fs::directory_iterator(dir_ / "offsets")) offsets += !e.path().empty();
  for (const auto& e : fs::directory_iterator(dir_ / "commits")) commits += !e.path().empty();
  EXPECT_EQ(offsets, 3);
  EXPECT_EQ(commits, 3);
  EXPECT_EQ(Open()->Recover()->last_committed, 9);
}

TEST_F(StreamCheckpointTest, TheFramingRefusesOtherFiles) {
  const std::string entry = EncodeCheckpointEntry("payload");
  EXPECT_EQ(*DecodeCheckpointEntry(entry, "f"), "payload");
  EXPECT_EQ(DecodeCheckpointEntry("not a checkpoint at all", "f").status().code(),
            absl::StatusCode::kDataLoss);
  std::string newer = entry;
  newer[8] = 9;  // format version 9
  absl::Status s = DecodeCheckpointEntry(newer, "f").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("format version 9"), std::string::npos) << s;
}

}  // namespace
}  // namespace centella
