// KafkaRangeNode: an RDD whose partition i is the records of offset range i, read from
// Kafka by the task that computes it (Spark's KafkaRDD of the direct stream).
//
// The task reads with librdkafka's simple consumer (no consumer group, nothing committed:
// the offsets belong to whoever made the ranges) from `from` until it has read the
// message at `until - 1`. Gaps are allowed (compacted topics, transaction markers): the
// read ends at the first message at or past `until`, or when the partition's end is
// reached at an offset at or past `until`. A range that cannot be read completely within
// `centella.kafka.pollTimeout` fails the task with Unavailable naming topic, partition
// and range; one whose start is no longer in the log (retention) fails with DataLoss.
#ifndef CENTELLA_ENGINE_KAFKA_KAFKA_RANGE_NODE_H_
#define CENTELLA_ENGINE_KAFKA_KAFKA_RANGE_NODE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/kafka/kafka_record.h"
#include "engine/plan/operator_registry.h"
#include "engine/task/node.h"

namespace centella {

struct KafkaReadOptions {
  std::string bootstrap_servers;
  // Extra librdkafka consumer settings ("fetch.max.bytes", security...).
  std::map<std::string, std::string> settings;
  // How long a task waits for a message it knows exists before it gives up.
  int64_t poll_timeout_ms = 30000;
  CENTELLA_FIELDS(bootstrap_servers, settings, poll_timeout_ms)
};

class KafkaRangeNode final : public RegisteredPlanObject<KafkaRangeNode, Node<KafkaRecord>> {
 public:
  KafkaRangeNode(KafkaReadOptions options, std::vector<OffsetRange> ranges)
      : options_(std::move(options)), ranges_(std::move(ranges)) {}

  std::string_view op_name() const override { return "kafka"; }
  void SerializeState(std::string* out) const override;
  static absl::StatusOr<std::unique_ptr<PlanObject>> FromState(std::string_view state);

  absl::Status Compute(TaskContext& ctx, int partition, BatchSink<KafkaRecord>& out) const override;

  const std::vector<OffsetRange>& ranges() const { return ranges_; }

 private:
  KafkaReadOptions options_;
  std::vector<OffsetRange> ranges_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_KAFKA_KAFKA_RANGE_NODE_H_
