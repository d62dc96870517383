// KafkaDirectDStream: Kafka topics as a stream, "direct" (Spark's createDirectStream).
//
// For each batch the driver fixes one offset range per topic-partition: from where the
// previous batch stopped up to the partition's end (at most max_rate_per_partition
// records per second of batch interval); the batch's RDD has one partition per range,
// read by a task on an executor (engine/kafka/kafka_range_node.h). No consumer group
// and no commit: the positions live here (and, with a checkpoint, in the checkpoint),
// so a batch that runs again reads exactly the same records.
//
// Partitions are listed every batch, so partitions added to a topic are read from their
// beginning. A position older than the partition's oldest offset (retention deleted
// records never read) fails the batch with DataLoss naming topic, partition and the lost
// range — unless fail_on_data_loss is false: then it is logged and reading goes on from
// the oldest offset.
#ifndef CENTELLA_DRIVER_STREAMING_KAFKA_DIRECT_DSTREAM_H_
#define CENTELLA_DRIVER_STREAMING_KAFKA_DIRECT_DSTREAM_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "driver/streaming/dstream_node.h"
#include "driver/streaming/kafka_offset_source.h"
#include "driver/streaming/stream_input.h"
#include "engine/kafka/kafka_range_node.h"
#include "engine/kafka/kafka_record.h"

namespace centella {

class StreamingContext;

struct KafkaStreamOptions {
  std::string bootstrap_servers;
  std::vector<std::string> topics;
  // Where partitions without an explicit start begin when the stream starts: the oldest
  // offset in the log, or its end (only new messages; Spark's default).
  enum class Start { kEarliest, kLatest };
  Start start = Start::kLatest;
  // Explicit starting offsets, by (topic, partition).
  std::map<std::pair<std::string, int32_t>, int64_t> start_offsets;
  // Records per second per partition at most (0: no limit): a batch reads at most this
  // times its interval from each partition.
  int64_t max_rate_per_partition = 0;
  bool fail_on_data_loss = true;
  // Extra librdkafka settings for the driver's metadata client and the tasks' readers.
  std::map<std::string, std::string> settings;
  // How long a metadata request or a task waiting for its range may take.
  absl::Duration timeout = absl::Seconds(30);
  // Null: LibrdkafkaOffsetSource on bootstrap_servers (tests may give another).
  std::shared_ptr<KafkaOffsetSource> offset_source;
};

class KafkaDirectDStream final : public DStreamNode<KafkaRecord>, public StreamInput {
 public:
  KafkaDirectDStream(StreamingContext* ssc, KafkaStreamOptions options,
                     std::shared_ptr<KafkaOffsetSource> source);

  // Where the next batch starts, by (topic, partition): what a checkpoint records.
  const std::map<std::pair<std::string, int32_t>, int64_t>& positions() const { return positions_; }
  // The ranges of the last batch computed.
  const std::vector<OffsetRange>& last_ranges() const { return last_ranges_; }

  std::string input_id() const override;
  std::string BatchState(absl::Time t) const override;
  int64_t BatchRecords(absl::Time t) const override;
  std::string BatchOffsets(absl::Time t) const override;
  absl::Status Restore(absl::Time t, std::string_view state, bool rerun) override;
  void ForgetUpTo(absl::Time t) override;

 protected:
  absl::StatusOr<std::optional<Rdd<KafkaRecord>>> Compute(absl::Time t) override;

 private:
  absl::StatusOr<OffsetRange> NextRange(const std::string& topic, int32_t partition);
  // The batch's RDD over `ranges`, remembered for the checkpoint.
  std::optional<Rdd<KafkaRecord>> RddOfRanges(absl::Time t, std::vector<OffsetRange> ranges);

  StreamingContext* ssc_;
  KafkaStreamOptions options_;
  std::shared_ptr<KafkaOffsetSource> source_;
  std::map<std::pair<std::string, int32_t>, int64_t> positions_;
  std::vector<OffsetRange> last_ranges_;
  bool started_once_ = false;  // a batch was planned: partitions seen later are new
  // The ranges of the batches still held, and of a batch to run again after a restart.
  std::map<absl::Time, std::vector<OffsetRange>> planned_;
  std::map<absl::Time, std::vector<OffsetRange>> rerun_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_KAFKA_DIRECT_DSTREAM_H_
