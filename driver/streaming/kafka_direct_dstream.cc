#include "driver/streaming/kafka_direct_dstream.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/logging/logger.h"
#include "common/serde/byte_reader.h"
#include "common/status/status_macros.h"
#include "driver/streaming/dstream.h"
#include "driver/streaming/streaming_context.h"

namespace centella {
namespace {
std::shared_ptr<spdlog::logger> Log() { return GetLogger("kafka-stream"); }
}  // namespace

KafkaDirectDStream::KafkaDirectDStream(StreamingContext* ssc, KafkaStreamOptions options,
                                       std::shared_ptr<KafkaOffsetSource> source)
    : DStreamNode<KafkaRecord>("kafka_direct_stream", ssc->batch_interval(), {}),
      ssc_(ssc),
      options_(std::move(options)),
      source_(std::move(source)) {}

absl::StatusOr<OffsetRange> KafkaDirectDStream::NextRange(const std::string& topic,
                                                          int32_t partition) {
  ASSIGN_OR_RETURN(LogRange log, source_->Range(topic, partition));
  const std::pair<std::string, int32_t> key{topic, partition};
  auto pos = positions_.find(key);
  if (pos == positions_.end()) {
    int64_t start;
    if (auto it = options_.start_offsets.find(key); it != options_.start_offsets.end()) {
      start = it->second;
    } else if (options_.start == KafkaStreamOptions::Start::kLatest && started_once_) {
      // A partition added while the stream runs: all of it is new.
      start = log.low;
    } else {
      start = options_.start == KafkaStreamOptions::Start::kEarliest ? log.low : log.high;
    }
    pos = positions_.emplace(key, start).first;
  }
  int64_t from = pos->second;
  if (from < log.low || from > log.high) {
    const std::string lost =
        from < log.low
            ? absl::StrCat("offsets [", from, ", ", log.low,
                           ") are no longer in Kafka (retention deleted them before they "
                           "were read)")
            : absl::StrCat("offset ", from, " is past the partition's end ", log.high,
                           " (was the topic deleted and made again?)");
    const std::string what =
        absl::StrCat("Kafka topic ", topic, " partition ", partition, ": ", lost);
    if (options_.fail_on_data_loss) {
      return absl::DataLossError(
          absl::StrCat(what, "; set failOnDataLoss=false to go on from the oldest offset"));
    }
    Log()->warn("{}; going on from offset {} (failOnDataLoss=false)", what, log.low);
    from = log.low;
  }
  int64_t until = log.high;
  if (options_.max_rate_per_partition > 0) {
    const int64_t most =
        std::max<int64_t>(1, static_cast<int64_t>(options_.max_rate_per_partition *
                                                  absl::ToDoubleSeconds(ssc_->batch_interval())));
    until = std::min(until, from + most);
  }
  pos->second = until;
  return OffsetRange{topic, partition, from, until};
}

std::string KafkaDirectDStream::input_id() const {
  return absl::StrCat("kafka:", absl::StrJoin(options_.topics, ","));
}

std::string KafkaDirectDStream::BatchState(absl::Time t) const {
  auto it = planned_.find(t);
  return it == planned_.end() ? std::string() : SerializeToString(it->second);
}

int64_t KafkaDirectDStream::BatchRecords(absl::Time t) const {
  auto it = planned_.find(t);
  if (it == planned_.end()) return 0;
  int64_t n = 0;
  for (const OffsetRange& r : it->second) n += r.size();
  return n;
}

std::string KafkaDirectDStream::BatchOffsets(absl::Time t) const {
  auto it = planned_.find(t);
  if (it == planned_.end()) return "";
  std::string out;
  for (const OffsetRange& r : it->second) {
    absl::StrAppend(&out, out.empty() ? "" : " ", r.topic, "/", r.partition, ":[", r.from, ",",
                    r.until, ")");
  }
  return out;
}

absl::Status KafkaDirectDStream::Restore(absl::Time t, std::string_view state, bool rerun) {
  std::vector<OffsetRange> ranges;
  ByteReader r(state);
  if (!Deserialize(r, &ranges) || !r.done()) {
    return absl::DataLossError(
        absl::StrCat("the checkpointed offsets of ", input_id(), " do not decode"));
  }
  for (const OffsetRange& range : ranges) positions_[{range.topic, range.partition}] = range.until;
  if (rerun) rerun_[t] = std::move(ranges);
  started_once_ = true;
  return absl::OkStatus();
}

void KafkaDirectDStream::ForgetUpTo(absl::Time t) {
  DStreamNode<KafkaRecord>::ForgetUpTo(t);
  planned_.erase(planned_.begin(), planned_.upper_bound(t));
}

absl::StatusOr<std::optional<Rdd<KafkaRecord>>> KafkaDirectDStream::Compute(absl::Time t) {
  if (source_ == nullptr) {
    return absl::FailedPreconditionError("kafka_direct_stream has no Kafka client");
  }
  if (auto again = rerun_.find(t); again != rerun_.end()) {
    // A batch the checkpoint says may have written part of its output: the same records.
    std::vector<OffsetRange> ranges = std::move(again->second);
    rerun_.erase(again);
    return RddOfRanges(t, std::move(ranges));
  }
  std::vector<OffsetRange> ranges;
  // Positions move only once the whole batch is planned: a failed plan reads the same
  // ranges when retried.
  const auto before = positions_;
  for (const std::string& topic : options_.topics) {
    absl::StatusOr<std::vector<int32_t>> partitions = source_->Partitions(topic);
    absl::Status status = partitions.status();
    if (status.ok()) {
      for (int32_t p : *partitions) {
        absl::StatusOr<OffsetRange> range = NextRange(topic, p);
        if (!range.ok()) {
          status = range.status();
          break;
        }
        ranges.push_back(*std::move(range));
      }
    }
    if (!status.ok()) {
      positions_ = before;
      return status;
    }
  }
  started_once_ = true;
  return RddOfRanges(t, std::move(ranges));
}

std::optional<Rdd<KafkaRecord>> KafkaDirectDStream::RddOfRanges(absl::Time t,
                                                                std::vector<OffsetRange> ranges) {
  last_ranges_ = ranges;
  planned_[t] = ranges;
  KafkaReadOptions read;
  read.bootstrap_servers = options_.bootstrap_servers;
  read.settings = options_.settings;
  read.poll_timeout_ms = absl::ToInt64Milliseconds(options_.timeout);
  const int n = static_cast<int>(ranges.size());
  auto node = std::make_shared<KafkaRangeNode>(std::move(read), std::move(ranges));
  return Rdd<KafkaRecord>(ssc_->RddOf<KafkaRecord>(std::move(node), n));
}

DStream<KafkaRecord> StreamingContext::kafka_direct_stream(KafkaStreamOptions options) {
  std::shared_ptr<KafkaOffsetSource> source = options.offset_source;
  if (source == nullptr) {
    absl::StatusOr<std::unique_ptr<LibrdkafkaOffsetSource>> real = LibrdkafkaOffsetSource::Create(
        options.bootstrap_servers, options.settings, options.timeout);
    if (!real.ok()) {
      AddGraphError(real.status());
    } else {
      source = *std::move(real);
    }
  }
  if (options.topics.empty()) {
    AddGraphError(absl::InvalidArgumentError("kafka_direct_stream: no topic given"));
  }
  if (options.bootstrap_servers.empty() && options.offset_source == nullptr) {
    AddGraphError(absl::InvalidArgumentError("kafka_direct_stream: no bootstrap servers given"));
  }
  auto node = std::make_shared<KafkaDirectDStream>(this, std::move(options), std::move(source));
  AddNode(node);
  return DStream<KafkaRecord>(this, std::move(node));
}

}  // namespace centella
