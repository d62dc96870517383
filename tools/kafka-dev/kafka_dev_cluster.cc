#include "tools/kafka-dev/kafka_dev_cluster.h"

// clang-format off: rdkafka_mock.h must follow rdkafka.h.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
// clang-format on

#include <cstring>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"

namespace centella::kafka_dev {
namespace {

// librdkafka logs with syslog levels from its own threads; spdlog loggers are thread-safe.
void LogToSpdlog(const rd_kafka_t* /*rk*/, int level, const char* facility, const char* message) {
  static const auto log = GetLogger("kafka-dev");
  spdlog::level::level_enum spd_level = spdlog::level::debug;
  if (level <= 3) {
    spd_level = spdlog::level::err;
  } else if (level == 4) {
    spd_level = spdlog::level::warn;
  } else if (level <= 6) {
    spd_level = spdlog::level::info;
  }
  // The bookkeeping handle has no bootstrap.servers on purpose; its warning is noise.
  if (std::strcmp(facility, "CONFWARN") == 0 && std::strstr(message, "bootstrap.servers")) {
    spd_level = spdlog::level::debug;
  }
  log->log(spd_level, "librdkafka {}: {}", facility, message);
}

absl::Status ValidateOptions(const KafkaDevOptions& options) {
  if (options.brokers < 1 || options.brokers > KafkaDevCluster::kMaxBrokers) {
    return absl::InvalidArgumentError(absl::StrCat("broker count ", options.brokers,
                                                   ": must be between 1 and ",
                                                   KafkaDevCluster::kMaxBrokers));
  }
  absl::flat_hash_set<std::string> names;
  for (const TopicSpec& topic : options.topics) {
    if (!names.insert(topic.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("topic '", topic.name, "' is given more than once"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<KafkaDevCluster>> KafkaDevCluster::Start(
    const KafkaDevOptions& options) {
  if (absl::Status s = ValidateOptions(options); !s.ok()) return s;

  // The mock cluster needs a client handle for bookkeeping; a producer with no
  // bootstrap.servers never connects anywhere.
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_log_cb(conf, &LogToSpdlog);
  char errstr[512];
  if (rd_kafka_conf_set(conf, "client.id", "centella-kafka-dev", errstr, sizeof(errstr)) !=
      RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(absl::StrCat("cannot configure the librdkafka handle: ", errstr));
  }
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (handle == nullptr) {
    rd_kafka_conf_destroy(conf);  // rd_kafka_new takes the conf only on success
    return absl::InternalError(absl::StrCat("cannot create the librdkafka handle: ", errstr));
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(handle, options.brokers);
  if (cluster == nullptr) {
    rd_kafka_destroy(handle);
    return absl::InternalError(absl::StrCat("cannot start a mock Kafka cluster with ",
                                            options.brokers, " brokers (see the log above)"));
  }
  // From here the destructor releases both.
  std::unique_ptr<KafkaDevCluster> result(
      new KafkaDevCluster(handle, cluster, rd_kafka_mock_cluster_bootstraps(cluster)));
  for (const TopicSpec& topic : options.topics) {
    // Synchronous: returns once the cluster's thread has created the topic.
    const rd_kafka_resp_err_t err =
        rd_kafka_mock_topic_create(cluster, topic.name.c_str(), topic.partitions,
                                   /*replication_factor=*/1);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return absl::InternalError(absl::StrCat("cannot create topic '", topic.name, "' with ",
                                              topic.partitions,
                                              " partitions: ", rd_kafka_err2str(err)));
    }
  }
  return result;
}

KafkaDevCluster::~KafkaDevCluster() {
  // The cluster refers to the handle, so it goes first.
  rd_kafka_mock_cluster_destroy(cluster_);
  rd_kafka_destroy(handle_);
}

}  // namespace centella::kafka_dev
