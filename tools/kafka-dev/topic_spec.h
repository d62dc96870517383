// TopicSpec: one `--topic NAME:PARTITIONS` of centella-kafka-dev, parsed and validated.
//
//   ASSIGN_OR_RETURN(TopicSpec spec, ParseTopicSpec("orders:3"));  // {"orders", 3}
//
// Names follow Kafka's rules (1 to 249 characters of [a-zA-Z0-9._-], not "." or ".."), so
// a name the mock cluster would accept is also one a real broker would: a test written
// against centella-kafka-dev keeps working against Kafka.
#ifndef CENTELLA_TOOLS_KAFKA_DEV_TOPIC_SPEC_H_
#define CENTELLA_TOOLS_KAFKA_DEV_TOPIC_SPEC_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace centella::kafka_dev {

struct TopicSpec {
  std::string name;
  int partitions = 0;
};

// Kafka's limit on a topic name's length.
inline constexpr size_t kMaxTopicNameLength = 249;
// More partitions than a development cluster needs; the bound keeps a typo such as
// "orders:3000000" from allocating millions of mock partitions.
inline constexpr int kMaxPartitions = 10000;

// Parses "NAME:PARTITIONS". InvalidArgument quoting `spec` and naming what is wrong: no
// ":", an empty or illegal name, a partition count that is not a decimal number or is
// outside [1, kMaxPartitions].
absl::StatusOr<TopicSpec> ParseTopicSpec(std::string_view spec);

}  // namespace centella::kafka_dev

#endif  // CENTELLA_TOOLS_KAFKA_DEV_TOPIC_SPEC_H_
