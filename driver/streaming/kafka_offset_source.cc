#include "driver/streaming/kafka_offset_source.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace centella {

struct LibrdkafkaOffsetSource::Handle {
  rd_kafka_t* rk = nullptr;
  ~Handle() {
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};

absl::StatusOr<std::unique_ptr<LibrdkafkaOffsetSource>> LibrdkafkaOffsetSource::Create(
    const std::string& bootstrap_servers, const std::map<std::string, std::string>& settings,
    absl::Duration timeout) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  std::map<std::string, std::string> all = settings;
  all["bootstrap.servers"] = bootstrap_servers;
  for (const auto& [key, value] : all) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return absl::InvalidArgumentError(absl::StrCat("Kafka setting ", key, "=", value, ": ", err));
    }
  }
  auto handle = std::make_unique<Handle>();
  handle->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (handle->rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(absl::StrCat("cannot create a Kafka client: ", err));
  }
  return std::unique_ptr<LibrdkafkaOffsetSource>(
      new LibrdkafkaOffsetSource(std::move(handle), bootstrap_servers, timeout));
}

LibrdkafkaOffsetSource::LibrdkafkaOffsetSource(std::unique_ptr<Handle> handle,
                                               std::string bootstrap, absl::Duration timeout)
    : handle_(std::move(handle)), bootstrap_(std::move(bootstrap)), timeout_(timeout) {}

LibrdkafkaOffsetSource::~LibrdkafkaOffsetSource() = default;

absl::StatusOr<std::vector<int32_t>> LibrdkafkaOffsetSource::Partitions(const std::string& topic) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(handle_->rk, topic.c_str(), nullptr);
  if (rkt == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("bad Kafka topic name ", topic, ": ",
                                                   rd_kafka_err2str(rd_kafka_last_error())));
  }
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t rc = rd_kafka_metadata(handle_->rk, /*all_topics=*/0, rkt, &md,
                                             static_cast<int>(absl::ToInt64Milliseconds(timeout_)));
  rd_kafka_topic_destroy(rkt);
  if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("cannot read the metadata of Kafka topic ", topic,
                                               " from ", bootstrap_, ": ", rd_kafka_err2str(rc)));
  }
  std::vector<int32_t> partitions;
  absl::Status status;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (topic != t.topic) continue;
    if (t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
      status = absl::NotFoundError(absl::StrCat("Kafka at ", bootstrap_, " has no topic ", topic));
    } else if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      status = absl::UnavailableError(
          absl::StrCat("Kafka topic ", topic, ": ", rd_kafka_err2str(t.err)));
    }
    for (int p = 0; p < t.partition_cnt; ++p) partitions.push_back(t.partitions[p].id);
  }
  rd_kafka_metadata_destroy(md);
  if (!status.ok()) return status;
  if (partitions.empty()) {
    return absl::NotFoundError(absl::StrCat("Kafka at ", bootstrap_, " has no topic ", topic));
  }
  std::sort(partitions.begin(), partitions.end());
  return partitions;
}

absl::StatusOr<LogRange> LibrdkafkaOffsetSource::Range(const std::string& topic,
                                                       int32_t partition) {
  LogRange range;
  rd_kafka_resp_err_t rc = rd_kafka_query_watermark_offsets(
      handle_->rk, topic.c_str(), partition, &range.low, &range.high,
      static_cast<int>(absl::ToInt64Milliseconds(timeout_)));
  if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("cannot read the offsets of Kafka topic ", topic,
                                               " partition ", partition, " from ", bootstrap_, ": ",
                                               rd_kafka_err2str(rc)));
  }
  return range;
}

}  // namespace centella
