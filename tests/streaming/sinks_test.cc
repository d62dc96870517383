// The PostgreSQL and Redis sinks against real servers the test starts: a batch is
// written whole, once per (stream, batch id) — the same batch again writes nothing, a new
// stream's batch 0 does — values are absolute, a bad value fails its batch and leaves the
// earlier ones intact, and a server that went away is reconnected to.
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "centella/streaming.h"
#include "gtest/gtest.h"
#include "tests/streaming/postgres_process.h"
#include "tests/streaming/redis_process.h"

namespace centella {
namespace {

BatchRef Batch(int64_t id, std::string stream = "stream-a") {
  return BatchRef{id, absl::FromUnixSeconds(id), std::move(stream)};
}

class PostgresSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pg = PostgresProcess::Start();
    ASSERT_TRUE(pg.ok()) << pg.status();
    pg_ = *std::move(pg);
    PostgresSinkOptions options;
    options.conninfo = pg_->conninfo();
    options.table = "word_counts";
    options.key_column = "word";
    options.value_column = "count";
    auto sink = PostgresSink::Connect(options);
    ASSERT_TRUE(sink.ok()) << sink.status();
    sink_ = *std::move(sink);
  }
  std::vector<std::string> Table() {
    auto rows = pg_->Query("SELECT word, count FROM word_counts ORDER BY word");
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? *rows : std::vector<std::string>{};
  }
  std::unique_ptr<PostgresProcess> pg_;
  std::unique_ptr<PostgresSink> sink_;
};

TEST_F(PostgresSinkTest, EachBatchIsWrittenOncePerStream) {
  ASSERT_TRUE(sink_->WriteBatch(Batch(0), {{"a", "1"}, {"b", "2"}}).ok());
  EXPECT_EQ(Table(), (std::vector<std::string>{"a|1", "b|2"}));
  // The same batch again (a restarted driver re-running it) writes nothing.
  ASSERT_TRUE(sink_->WriteBatch(Batch(0), {{"a", "100"}, {"z", "9"}}).ok());
  EXPECT_EQ(Table(), (std::vector<std::string>{"a|1", "b|2"}));
  ASSERT_TRUE(sink_->WriteBatch(Batch(1), {{"a", "5"}, {"c", "1"}}).ok());
  EXPECT_EQ(Table(), (std::vector<std::string>{"a|5", "b|2", "c|1"}));
  // Another stream (a new checkpoint) starts its batch ids at 0 again: written.
  ASSERT_TRUE(sink_->WriteBatch(Batch(0, "stream-b"), {{"b", "7"}}).ok());
  EXPECT_EQ(Table(), (std::vector<std::string>{"a|5", "b|7", "c|1"}));
  auto recorded = pg_->Query("SELECT stream_id, batch_id FROM centella_sink_batches ORDER BY 1");
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  EXPECT_EQ(*recorded, (std::vector<std::string>{"stream-a|1", "stream-b|0"}));
}

TEST_F(PostgresSinkTest, ABadValueFailsItsBatchWholeAndNamesTheTable) {
  ASSERT_TRUE(sink_->WriteBatch(Batch(0), {{"a", "1"}}).ok());
  absl::Status bad = sink_->WriteBatch(Batch(1), {{"a", "2"}, {"b", "not a number"}});
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("word_counts"), std::string::npos) << bad;
  EXPECT_NE(bad.message().find("not a number"), std::string::npos) << bad;
  EXPECT_EQ(Table(), (std::vector<std::string>{"a|1"})) << "part of a failed batch was kept";
  // Batch 1 is not recorded: its retry with good rows is written.
  ASSERT_TRUE(sink_->WriteBatch(Batch(1), {{"a", "2"}, {"b", "3"}}).ok());
  EXPECT_EQ(Table(), (std::vector<std::string>{"a|2", "b|3"}));
}

TEST_F(PostgresSinkTest, AServerThatWentAwayIsUnavailableThenReconnected) {
  ASSERT_TRUE(sink_->WriteBatch(Batch(0), {{"a", "1"}}).ok());
  pg_->Stop();
  absl::Status down = sink_->WriteBatch(Batch(1), {{"a", "2"}});
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable) << down;
  ASSERT_TRUE(pg_->Restart().ok());
  absl::Status up = sink_->WriteBatch(Batch(1), {{"a", "2"}});
  EXPECT_TRUE(up.ok()) << up;
  EXPECT_EQ(Table(), (std::vector<std::string>{"a|2"}));
}

TEST(PostgresSinkConnectTest, AnUnreachableServerIsUnavailableWithLibpqsReason) {
  PostgresSinkOptions options;
  options.conninfo = "host=/nonexistent port=1 user=nobody dbname=none connect_timeout=2";
  options.table = "t";
  auto sink = PostgresSink::Connect(options);
  EXPECT_EQ(sink.status().code(), absl::StatusCode::kUnavailable) << sink.status();
  EXPECT_NE(sink.status().message().find("/nonexistent"), std::string::npos) << sink.status();
}

class RedisSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / absl::StrCat("redis-sink-", ::getpid());
    std::filesystem::create_directories(dir_);
    auto redis = RedisProcess::Start(dir_.string());
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    RedisSinkOptions options;
    options.port = redis_->port();
    options.key_prefix = "wc:";
    auto sink = RedisSink::Connect(options);
    ASSERT_TRUE(sink.ok()) << sink.status();
    sink_ = *std::move(sink);
  }
  void TearDown() override {
    sink_.reset();
    redis_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::map<std::string, std::string> Words() {
    auto values = redis_->Values("wc:*");
    EXPECT_TRUE(values.ok()) << values.status();
    return values.ok() ? *values : std::map<std::string, std::string>{};
  }
  std::filesystem::path dir_;
  std::unique_ptr<RedisProcess> redis_;
  std::unique_ptr<RedisSink> sink_;
};

TEST_F(RedisSinkTest, EachBatchIsWrittenOncePerStreamWithAbsoluteValues) {
  ASSERT_TRUE(sink_->WriteBatch(Batch(0), {{"a", "1"}, {"b", "2"}}).ok());
  ASSERT_TRUE(sink_->WriteBatch(Batch(0), {{"a", "100"}}).ok());
  EXPECT_EQ(Words(), (std::map<std::string, std::string>{{"wc:a", "1"}, {"wc:b", "2"}}));
  ASSERT_TRUE(sink_->WriteBatch(Batch(1), {{"a", "5"}}).ok());
  ASSERT_TRUE(sink_->WriteBatch(Batch(0, "stream-b"), {{"c", "3"}}).ok());
  EXPECT_EQ(Words(),
            (std::map<std::string, std::string>{{"wc:a", "5"}, {"wc:b", "2"}, {"wc:c", "3"}}));
  auto recorded = redis_->Values("centella:sink:*");
  ASSERT_TRUE(recorded.ok());
  EXPECT_EQ(*recorded, (std::map<std::string, std::string>{{"centella:sink:stream-a:wc:", "1"},
                                                           {"centella:sink:stream-b:wc:", "0"}}));
}

TEST_F(RedisSinkTest, AServerThatWentAwayIsUnavailableThenReconnected) {
  ASSERT_TRUE(sink_->WriteBatch(Batch(0), {{"a", "1"}}).ok());
  redis_->Stop();
  absl::Status down = sink_->WriteBatch(Batch(1), {{"a", "2"}});
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable) << down;
  ASSERT_TRUE(redis_->Restart().ok());  // nothing persisted: it starts empty
  absl::Status up = sink_->WriteBatch(Batch(1), {{"a", "2"}});
  EXPECT_TRUE(up.ok()) << up;
  EXPECT_EQ(Words(), (std::map<std::string, std::string>{{"wc:a", "2"}}));
}

}  // namespace
}  // namespace centella
