#include "engine/kafka/kafka_range_node.h"

#include <librdkafka/rdkafka.h>

#include <map>
#include <span>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/status_macros.h"
#include "engine/kafka/kafka_consumer_pool.h"
#include "engine/rdd/plan_state.h"
#include "engine/task/task_context.h"

namespace centella {
namespace {

constexpr int kPollMs = 200;

struct TopicHandleDeleter {
  void operator()(rd_kafka_topic_t* rkt) const { rd_kafka_topic_destroy(rkt); }
};

std::string RangeName(const OffsetRange& r) {
  return absl::StrCat("topic ", r.topic, " partition ", r.partition, " offsets [", r.from, ", ",
                      r.until, ")");
}

// A consumer of the process's pool, made with `options`.
absl::StatusOr<KafkaConsumerPool::Lease> BorrowConsumer(const KafkaReadOptions& options) {
  std::map<std::string, std::string> settings = options.settings;
  settings["bootstrap.servers"] = options.bootstrap_servers;
  // The end of a partition is news: a range whose last offsets were never written (a
  // transaction marker, compaction) ends there instead of waiting for the timeout.
  settings["enable.partition.eof"] = "true";
  // A range ends at an offset known to exist: there is nothing to wait for at the
  // broker. A long fetch wait (librdkafka's 500 ms) would also hold a pooled handle's
  // next read of the partition until the previous read's last fetch came back.
  settings.try_emplace("fetch.wait.max.ms", "10");
  return KafkaConsumerPool::Get().Borrow(settings);
}

}  // namespace

void KafkaRangeNode::SerializeState(std::string* out) const {
  ByteWriter w(out);
  Serialize(w, options_);
  Serialize(w, ranges_);
}

absl::StatusOr<std::unique_ptr<PlanObject>> KafkaRangeNode::FromState(std::string_view state) {
  return ReadPlanState(state, [](ByteReader& r) -> std::unique_ptr<PlanObject> {
    KafkaReadOptions options;
    std::vector<OffsetRange> ranges;
    if (!Deserialize(r, &options) || !Deserialize(r, &ranges)) return nullptr;
    return std::make_unique<KafkaRangeNode>(std::move(options), std::move(ranges));
  });
}

absl::Status KafkaRangeNode::Compute(TaskContext& ctx, int partition,
                                     BatchSink<KafkaRecord>& out) const {
  if (partition < 0 || partition >= static_cast<int>(ranges_.size())) {
    return absl::InvalidArgumentError(absl::StrCat("kafka input has no partition ", partition));
  }
  const OffsetRange& range = ranges_[partition];
  if (range.size() <= 0) return absl::OkStatus();
  // Pooled: a task of the next batch reuses the connected handle instead of paying for a
  // new one (kafka_consumer_pool.h).
  ASSIGN_OR_RETURN(KafkaConsumerPool::Lease rk, BorrowConsumer(options_));
  std::unique_ptr<rd_kafka_topic_t, TopicHandleDeleter> rkt(
      rd_kafka_topic_new(rk.get(), range.topic.c_str(), nullptr));
  if (rkt == nullptr) {
    return absl::InternalError(absl::StrCat("cannot open ", RangeName(range), ": ",
                                            rd_kafka_err2str(rd_kafka_last_error())));
  }
  if (rd_kafka_consume_start(rkt.get(), range.partition, range.from) == -1) {
    return absl::UnavailableError(absl::StrCat("cannot start reading ", RangeName(range), ": ",
                                               rd_kafka_err2str(rd_kafka_last_error())));
  }
  std::vector<KafkaRecord> batch;
  batch.reserve(kBatchSize);
  std::vector<rd_kafka_message_t*> messages(kBatchSize);
  const absl::Time give_up = absl::Now() + absl::Milliseconds(options_.poll_timeout_ms);
  int64_t bytes = 0;
  absl::Status status;
  bool done = false;
  while (!done && status.ok()) {
    if (ctx.interrupted()) {
      status = ctx.InterruptedStatus();
      break;
    }
    if (absl::Now() > give_up) {
      status = absl::UnavailableError(
          absl::StrCat("reading ", RangeName(range), " timed out after ", options_.poll_timeout_ms,
                       " ms (centella.kafka.pollTimeout): the broker is unreachable or the range's "
                       "messages are gone"));
      break;
    }
    const ssize_t n = rd_kafka_consume_batch(rkt.get(), range.partition, kPollMs, messages.data(),
                                             messages.size());
    if (n < 0) {
      status = absl::UnavailableError(absl::StrCat("reading ", RangeName(range), ": ",
                                                   rd_kafka_err2str(rd_kafka_last_error())));
      break;
    }
    for (ssize_t i = 0; i < n; ++i) {
      rd_kafka_message_t* m = messages[i];
      if (!done && status.ok()) {
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
          if (m->offset >= range.until) done = true;
        } else if (m->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE) {
          status = absl::DataLossError(absl::StrCat(
              RangeName(range), " is no longer in Kafka (retention or a deleted topic): ",
              rd_kafka_message_errstr(m)));
        } else if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          status = absl::UnavailableError(
              absl::StrCat("reading ", RangeName(range), ": ", rd_kafka_message_errstr(m)));
        } else if (m->offset >= range.until) {
          done = true;
        } else if (m->offset >= range.from) {
          KafkaRecord& r = batch.emplace_back();
          r.topic = range.topic;
          r.partition = range.partition;
          r.offset = m->offset;
          rd_kafka_timestamp_type_t type;
          r.timestamp_ms = rd_kafka_message_timestamp(m, &type);
          if (m->key != nullptr) r.key.assign(static_cast<const char*>(m->key), m->key_len);
          if (m->payload != nullptr) {
            r.value.assign(static_cast<const char*>(m->payload), m->len);
          }
          bytes += static_cast<int64_t>(m->len + m->key_len);
          if (m->offset + 1 >= range.until) done = true;
        }
      }
      rd_kafka_message_destroy(m);
    }
    if (!batch.empty() && (batch.size() >= kBatchSize || done)) {
      if (!out.Consume(std::span<KafkaRecord>(batch.data(), batch.size()))) done = true;
      batch.clear();
    }
  }
  rd_kafka_consume_stop(rkt.get(), range.partition);
  ctx.metrics().set_bytes_read(ctx.metrics().bytes_read() + bytes);
  return status;
}

}  // namespace centella
