// KafkaOffsetSource: what the driver asks Kafka to plan a batch — a topic's partitions and
// each partition's log range (low and high watermarks). Tasks read the records
// themselves (engine/kafka/kafka_range_node.h); the driver never sees them.
//
// LibrdkafkaOffsetSource is the real one (metadata and watermark requests of one
// librdkafka handle, no consumer group). Thread-compatible: the stream's batch thread
// is its only user.
#ifndef CENTELLA_DRIVER_STREAMING_KAFKA_OFFSET_SOURCE_H_
#define CENTELLA_DRIVER_STREAMING_KAFKA_OFFSET_SOURCE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace centella {

struct LogRange {
  int64_t low = 0;   // the oldest offset still in the log
  int64_t high = 0;  // the offset the next message will get
};

class KafkaOffsetSource {
 public:
  virtual ~KafkaOffsetSource() = default;
  // The partition ids of `topic`, ascending. NotFound for a topic Kafka does not have;
  // Unavailable when the brokers cannot be reached.
  virtual absl::StatusOr<std::vector<int32_t>> Partitions(const std::string& topic) = 0;
  virtual absl::StatusOr<LogRange> Range(const std::string& topic, int32_t partition) = 0;
};

class LibrdkafkaOffsetSource final : public KafkaOffsetSource {
 public:
  // InvalidArgument for a setting librdkafka refuses.
  static absl::StatusOr<std::unique_ptr<LibrdkafkaOffsetSource>> Create(
      const std::string& bootstrap_servers, const std::map<std::string, std::string>& settings,
      absl::Duration timeout);
  ~LibrdkafkaOffsetSource() override;

  absl::StatusOr<std::vector<int32_t>> Partitions(const std::string& topic) override;
  absl::StatusOr<LogRange> Range(const std::string& topic, int32_t partition) override;

 private:
  struct Handle;
  LibrdkafkaOffsetSource(std::unique_ptr<Handle> handle, std::string bootstrap,
                         absl::Duration timeout);
  std::unique_ptr<Handle> handle_;
  std::string bootstrap_;
  absl::Duration timeout_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_KAFKA_OFFSET_SOURCE_H_
