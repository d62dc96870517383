// KafkaRecord and OffsetRange: what a Kafka input gives a job, and the unit it reads in.
//
// An OffsetRange is the half-open interval [from, until) of one topic-partition's offsets;
// a streaming batch reads one range per partition, decided by the driver, so that a batch
// re-run after a failure reads exactly the same records.
#ifndef CENTELLA_ENGINE_KAFKA_KAFKA_RECORD_H_
#define CENTELLA_ENGINE_KAFKA_KAFKA_RECORD_H_

#include <cstdint>
#include <string>

#include "common/serde/serde.h"

namespace centella {

struct KafkaRecord {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  // The message's timestamp (create or log-append time), in ms since the epoch; -1 when
  // the broker gave none.
  int64_t timestamp_ms = -1;
  std::string key;
  std::string value;
  CENTELLA_FIELDS(topic, partition, offset, timestamp_ms, key, value)
  bool operator==(const KafkaRecord&) const = default;
  auto operator<=>(const KafkaRecord&) const = default;
};

struct OffsetRange {
  std::string topic;
  int32_t partition = 0;
  int64_t from = 0;   // first offset read
  int64_t until = 0;  // one past the last
  int64_t size() const { return until - from; }
  CENTELLA_FIELDS(topic, partition, from, until)
  bool operator==(const OffsetRange&) const = default;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_KAFKA_KAFKA_RECORD_H_
