#include "tools/kafka-dev/kafka_dev_cluster.h"

#include <memory>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace centella::kafka_dev {
namespace {

using ::testing::MatchesRegex;

TEST(KafkaDevClusterTest, StartsWithOneAddressPerBroker) {
  KafkaDevOptions options;
  options.brokers = 2;
  options.topics = {{"events", 3}, {"audit", 1}};
  absl::StatusOr<std::unique_ptr<KafkaDevCluster>> cluster = KafkaDevCluster::Start(options);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  EXPECT_THAT((*cluster)->bootstrap(),
              MatchesRegex("127\\.0\\.0\\.1:[0-9]+,127\\.0\\.0\\.1:[0-9]+"));
}

TEST(KafkaDevClusterTest, StartsWithoutTopics) {
  absl::StatusOr<std::unique_ptr<KafkaDevCluster>> cluster = KafkaDevCluster::Start({});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  EXPECT_THAT((*cluster)->bootstrap(), MatchesRegex("127\\.0\\.0\\.1:[0-9]+"));
}

TEST(KafkaDevClusterTest, RejectsBrokerCountsOutOfRange) {
  for (int brokers : {0, -1, KafkaDevCluster::kMaxBrokers + 1}) {
    KafkaDevOptions options;
    options.brokers = brokers;
    absl::StatusOr<std::unique_ptr<KafkaDevCluster>> cluster = KafkaDevCluster::Start(options);
    ASSERT_FALSE(cluster.ok()) << brokers;
    EXPECT_EQ(cluster.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(cluster.status().message(),
              "broker count " + std::to_string(brokers) + ": must be between 1 and 64");
  }
}

TEST(KafkaDevClusterTest, RejectsATopicGivenTwice) {
  KafkaDevOptions options;
  options.topics = {{"events", 3}, {"audit", 1}, {"events", 2}};
  absl::StatusOr<std::unique_ptr<KafkaDevCluster>> cluster = KafkaDevCluster::Start(options);
  ASSERT_FALSE(cluster.ok());
  EXPECT_EQ(cluster.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cluster.status().message(), "topic 'events' is given more than once");
}

}  // namespace
}  // namespace centella::kafka_dev
