// How the Kafka direct stream plans its batches, against a scripted offset source (the
// end-to-end path over real Kafka messages is tests/streaming/kafka_stream_test.cc):
// ranges that follow each other, where a stream starts, the rate limit, partitions added
// later, and lost offsets.
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "driver/streaming/streaming_test_fixture.h"

namespace centella {
namespace {

// Partitions and log ranges that a test sets; errors on demand.
class ScriptedOffsets : public KafkaOffsetSource {
 public:
  absl::StatusOr<std::vector<int32_t>> Partitions(const std::string& topic) override {
    if (!fail.ok()) return fail;
    std::vector<int32_t> out;
    for (const auto& [key, range] : logs) {
      if (key.first == topic) out.push_back(key.second);
    }
    return out;
  }
  absl::StatusOr<LogRange> Range(const std::string& topic, int32_t partition) override {
    return logs.at({topic, partition});
  }
  std::map<std::pair<std::string, int32_t>, LogRange> logs;
  absl::Status fail;
};

class KafkaPlanTest : public StreamingTestFixture {
 protected:
  std::shared_ptr<KafkaDirectDStream> Stream(KafkaStreamOptions options) {
    options.topics = {"t"};
    options.offset_source = offsets_;
    auto node = std::dynamic_pointer_cast<KafkaDirectDStream>(
        ssc_->kafka_direct_stream(std::move(options)).node());
    node->set_zero_time(absl::UnixEpoch());
    return node;
  }
  // The ranges of batch `n` (1, 2, ...), or the error planning it.
  absl::StatusOr<std::vector<OffsetRange>> Plan(KafkaDirectDStream& node, int n) {
    absl::StatusOr<std::optional<Rdd<KafkaRecord>>> rdd =
        node.GetOrCompute(absl::UnixEpoch() + n * kInterval);
    if (!rdd.ok()) return rdd.status();
    return node.last_ranges();
  }
  std::shared_ptr<ScriptedOffsets> offsets_ = std::make_shared<ScriptedOffsets>();
};

TEST_F(KafkaPlanTest, EachBatchReadsWhatArrivedSinceThePreviousOne) {
  offsets_->logs[{"t", 0}] = {0, 5};
  offsets_->logs[{"t", 1}] = {2, 4};
  KafkaStreamOptions options;
  options.start = KafkaStreamOptions::Start::kEarliest;
  auto node = Stream(options);
  EXPECT_EQ(*Plan(*node, 1), (std::vector<OffsetRange>{{"t", 0, 0, 5}, {"t", 1, 2, 4}}));
  offsets_->logs[{"t", 0}] = {0, 9};
  EXPECT_EQ(*Plan(*node, 2), (std::vector<OffsetRange>{{"t", 0, 5, 9}, {"t", 1, 4, 4}}));
  // The same batch asked again is the same RDD: nothing moves twice.
  EXPECT_EQ(*Plan(*node, 2), (std::vector<OffsetRange>{{"t", 0, 5, 9}, {"t", 1, 4, 4}}));
}

TEST_F(KafkaPlanTest, LatestStartsAtTheEndAndPartitionsAddedLaterFromTheirStart) {
  offsets_->logs[{"t", 0}] = {0, 5};
  auto node = Stream(KafkaStreamOptions{});
  EXPECT_EQ(*Plan(*node, 1), (std::vector<OffsetRange>{{"t", 0, 5, 5}}));
  offsets_->logs[{"t", 0}] = {0, 7};
  offsets_->logs[{"t", 1}] = {0, 3};  // a partition added to the topic
  EXPECT_EQ(*Plan(*node, 2), (std::vector<OffsetRange>{{"t", 0, 5, 7}, {"t", 1, 0, 3}}));
}

TEST_F(KafkaPlanTest, ExplicitOffsetsAndTheRateLimit) {
  offsets_->logs[{"t", 0}] = {0, 100};
  offsets_->logs[{"t", 1}] = {0, 100};
  KafkaStreamOptions options;
  options.start = KafkaStreamOptions::Start::kEarliest;
  options.start_offsets[{"t", 1}] = 90;
  options.max_rate_per_partition = 200;  // 20 records per 100 ms batch
  auto node = Stream(options);
  EXPECT_EQ(*Plan(*node, 1), (std::vector<OffsetRange>{{"t", 0, 0, 20}, {"t", 1, 90, 100}}));
  EXPECT_EQ(*Plan(*node, 2), (std::vector<OffsetRange>{{"t", 0, 20, 40}, {"t", 1, 100, 100}}));
}

TEST_F(KafkaPlanTest, LostOffsetsFailTheBatchUnlessToldToGoOn) {
  offsets_->logs[{"t", 0}] = {0, 10};
  KafkaStreamOptions options;
  options.start = KafkaStreamOptions::Start::kEarliest;
  auto strict = Stream(options);
  ASSERT_TRUE(Plan(*strict, 1).ok());
  offsets_->logs[{"t", 0}] = {15, 20};  // retention removed 10..14 before they were read
  absl::StatusOr<std::vector<OffsetRange>> lost = Plan(*strict, 2);
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(lost.status().message().find("Kafka topic t partition 0: offsets [10, 15)"),
            std::string::npos)
      << lost.status();
  EXPECT_NE(lost.status().message().find("failOnDataLoss=false"), std::string::npos);

  offsets_->logs[{"t", 0}] = {0, 10};
  options.fail_on_data_loss = false;
  auto lenient = Stream(options);
  ASSERT_TRUE(Plan(*lenient, 1).ok());
  offsets_->logs[{"t", 0}] = {15, 20};
  EXPECT_EQ(*Plan(*lenient, 2), (std::vector<OffsetRange>{{"t", 0, 15, 20}}));
}

TEST_F(KafkaPlanTest, AnUnreachableKafkaFailsThePlanAndMovesNothing) {
  offsets_->logs[{"t", 0}] = {0, 10};
  KafkaStreamOptions options;
  options.start = KafkaStreamOptions::Start::kEarliest;
  auto node = Stream(options);
  offsets_->fail = absl::UnavailableError("brokers down");
  EXPECT_EQ(Plan(*node, 1).status().code(), absl::StatusCode::kUnavailable);
  offsets_->fail = absl::OkStatus();
  EXPECT_EQ(*Plan(*node, 2), (std::vector<OffsetRange>{{"t", 0, 0, 10}}));
}

}  // namespace
}  // namespace centella
