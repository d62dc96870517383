// KafkaDevCluster: an in-process Kafka cluster for development and tests, librdkafka's
// mock cluster (rdkafka_mock.h) with the topics created up front.
//
//   KafkaDevOptions options;
//   options.topics = {{"events", 3}};
//   ASSIGN_OR_RETURN(std::unique_ptr<KafkaDevCluster> cluster, KafkaDevCluster::Start(options));
//   // any Kafka client (librdkafka, kcat) can use cluster->bootstrap() now
//
// The brokers listen on ephemeral ports of 127.0.0.1 and speak enough of the Kafka
// protocol for producing, fetching, metadata, offsets and consumer groups; the data lives
// in memory and is gone when the cluster is destroyed. The mock has no CreateTopics API,
// which is why the topics are created here; a client asking for an unknown topic gets the
// mock's auto-created default instead.
//
// Ownership: the cluster owns the librdkafka handle it needs for bookkeeping and the
// brokers' threads; the destructor stops them and closes every client connection.
// Thread safety: bootstrap() may be called from any thread; destroy from one.
#ifndef CENTELLA_TOOLS_KAFKA_DEV_KAFKA_DEV_CLUSTER_H_
#define CENTELLA_TOOLS_KAFKA_DEV_KAFKA_DEV_CLUSTER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/kafka-dev/topic_spec.h"

// librdkafka's handle types, so that includers do not need librdkafka's headers.
struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace centella::kafka_dev {

struct KafkaDevOptions {
  int brokers = 1;                // broker ids 1..brokers
  std::vector<TopicSpec> topics;  // distinct names
};

class KafkaDevCluster {
 public:
  // A cluster may have this many brokers: each is a thread and a listening socket.
  static constexpr int kMaxBrokers = 64;

  // Starts the brokers and creates every topic (replication factor 1: the mock keeps one
  // copy of the data whatever the factor, and 1 works for any broker count). Returns once
  // the topics exist. InvalidArgument for bad options (brokers outside [1, kMaxBrokers],
  // a topic named twice); Internal naming the step and librdkafka's error otherwise.
  static absl::StatusOr<std::unique_ptr<KafkaDevCluster>> Start(const KafkaDevOptions& options);

  ~KafkaDevCluster();
  KafkaDevCluster(const KafkaDevCluster&) = delete;
  KafkaDevCluster& operator=(const KafkaDevCluster&) = delete;

  // The brokers' addresses as a bootstrap.servers list: "127.0.0.1:PORT[,127.0.0.1:PORT]...".
  const std::string& bootstrap() const { return bootstrap_; }

 private:
  KafkaDevCluster(rd_kafka_s* handle, rd_kafka_mock_cluster_s* cluster, std::string bootstrap)
      : handle_(handle), cluster_(cluster), bootstrap_(std::move(bootstrap)) {}

  rd_kafka_s* const handle_;
  rd_kafka_mock_cluster_s* const cluster_;
  const std::string bootstrap_;
};

}  // namespace centella::kafka_dev

#endif  // CENTELLA_TOOLS_KAFKA_DEV_KAFKA_DEV_CLUSTER_H_
