#include "tools/kafka-dev/topic_spec.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace centella::kafka_dev {
namespace {

using ::testing::HasSubstr;

TEST(TopicSpecTest, ParsesNameAndPartitions) {
  absl::StatusOr<TopicSpec> spec = ParseTopicSpec("events:3");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->name, "events");
  EXPECT_EQ(spec->partitions, 3);
}

TEST(TopicSpecTest, AcceptsEveryLegalNameCharacterAndTheBounds) {
  absl::StatusOr<TopicSpec> spec = ParseTopicSpec("Web.clicks_v2-EU:1");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->name, "Web.clicks_v2-EU");
  EXPECT_EQ(spec->partitions, 1);

  spec = ParseTopicSpec("t:10000");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->partitions, kMaxPartitions);

  spec = ParseTopicSpec(std::string(kMaxTopicNameLength, 'a') + ":2");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->name.size(), kMaxTopicNameLength);
}

// Every rejection is InvalidArgument with a message quoting the input and saying why.
void ExpectRejected(const std::string& input, const std::string& message) {
  absl::StatusOr<TopicSpec> spec = ParseTopicSpec(input);
  ASSERT_FALSE(spec.ok()) << input << " parsed as " << spec->name << ":" << spec->partitions;
  EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument) << input;
  EXPECT_EQ(spec.status().message(), message) << input;
}

TEST(TopicSpecTest, RejectsASpecWithoutColon) {
  ExpectRejected("events", "topic 'events' has no partition count: expected NAME:PARTITIONS");
  ExpectRejected("", "topic '' has no partition count: expected NAME:PARTITIONS");
}

TEST(TopicSpecTest, RejectsBadNames) {
  ExpectRejected(":3", "topic ':3' has an empty name: expected NAME:PARTITIONS");
  ExpectRejected("a b:3", "topic name 'a b' may only contain letters, digits, '.', '_' and '-'");
  ExpectRejected("ns:events:3", "topic 'ns:events:3': partition count 'events:3' is not a number");
  ExpectRejected("..:3", "topic name '..' is not allowed");
  ExpectRejected(std::string(kMaxTopicNameLength + 1, 'a') + ":3",
                 "topic name in '" + std::string(kMaxTopicNameLength + 1, 'a') +
                     ":3' is longer than 249 characters");
}

TEST(TopicSpecTest, RejectsNonNumericPartitions) {
  ExpectRejected("events:", "topic 'events:': partition count '' is not a number");
  ExpectRejected("events:three", "topic 'events:three': partition count 'three' is not a number");
  ExpectRejected("events:3x", "topic 'events:3x': partition count '3x' is not a number");
  ExpectRejected("events:+3", "topic 'events:+3': partition count '+3' is not a number");
  ExpectRejected("events: 3", "topic 'events: 3': partition count ' 3' is not a number");
  ExpectRejected("events:1.5", "topic 'events:1.5': partition count '1.5' is not a number");
}

TEST(TopicSpecTest, RejectsPartitionCountsOutOfRange) {
  ExpectRejected("events:0", "topic 'events:0' has 0 partitions: must be at least 1");
  ExpectRejected("events:-2", "topic 'events:-2' has -2 partitions: must be at least 1");
  ExpectRejected("events:10001", "topic 'events:10001' has 10001 partitions: at most 10000");
  ExpectRejected("events:99999999999999999999",
                 "topic 'events:99999999999999999999' has 99999999999999999999 partitions: at "
                 "most 10000");
}

}  // namespace
}  // namespace centella::kafka_dev
