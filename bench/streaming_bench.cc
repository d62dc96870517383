// streaming_bench: a windowed count per key on 100 ms micro-batches, next to the programs
// it is judged against, measured in the same run (bench/streaming, docs/benchmarks.md).
//
//   streaming_bench memory [--events-per-batch N] [--batches B] [--latency-seconds S]
//     (a) events from an in-memory source, generated on the executors: throughput with
//         the stream saturated (B batches of N events queued up front), then p50/p99
//         latency from a window's end to its final count reaching the sink (append mode)
//         at a third of that rate; baseline: a single-threaded loop doing the same count.
//   streaming_bench kafka --bootstrap B --topic T --messages N
//     (b) N JSON messages {"campaign":"c7","ts":MS,...} already in the topic: the stream
//         reads them from the earliest offsets and counts per campaign and 100 ms window;
//         baseline: one thread consuming the same messages with librdkafka as fast as it
//         can (the same simple-consumer API the engine's tasks use), and that thread
//         also doing the count.
//
// Output: one "name<TAB>value<TAB>unit" line per figure, for the script to tabulate.
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "centella/streaming.h"

namespace {

using centella::BatchInfo;
using centella::KafkaRecord;

constexpr int64_t kWindowMs = 100;
constexpr int kKeys = 1000;

// (key, event time ms)
using Event = std::pair<int64_t, int64_t>;

// A partition's share of a batch: `count` events from `first`, event times spread over
// [base_ms, base_ms + kWindowMs).
struct Seed {
  int64_t first = 0;
  int64_t count = 0;
  int64_t base_ms = 0;
  CENTELLA_FIELDS(first, count, base_ms)
};

inline Event MakeEvent(int64_t i, int64_t base_ms, int64_t count) {
  // A multiplicative hash spreads keys; the time advances with i within the batch.
  const uint64_t h = static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ULL;
  return {static_cast<int64_t>((h >> 40) % kKeys), base_ms + (i % count) * kWindowMs / count};
}

struct Generate {
  std::vector<Event> operator()(const Seed& s) const {
    std::vector<Event> out;
    out.reserve(s.count);
    for (int64_t i = s.first; i < s.first + s.count; ++i)
      out.push_back(MakeEvent(i, s.base_ms, s.count));
    return out;
  }
};
struct TimeOf {
  int64_t operator()(const Event& e) const { return e.second; }
};
struct KeyOf {
  int64_t operator()(const Event& e) const { return e.first; }
};

int Failed(const absl::Status& s) {
  std::fprintf(stderr, "streaming_bench: %s\n", std::string(s.message()).c_str());
  return 1;
}

void Print(const std::string& name, double value, const std::string& unit) {
  std::printf("%s\t%.1f\t%s\n", name.c_str(), value, unit.c_str());
  std::fflush(stdout);
}

// The baseline: the same events, counted per (key, window) in one thread; a window is
// emitted once the stream's time has passed its end.
double BaselineEventsPerSecond(int64_t per_batch, int batches) {
  absl::flat_hash_map<std::pair<int64_t, int64_t>, int64_t> open;
  int64_t emitted = 0, checksum = 0;
  const absl::Time start = absl::Now();
  for (int b = 0; b < batches; ++b) {
    const int64_t base = b * kWindowMs;
    for (int64_t i = b * per_batch; i < (b + 1) * per_batch; ++i) {
      const Event e = MakeEvent(i, base, per_batch);
      ++open[{e.first, e.second / kWindowMs * kWindowMs}];
    }
    // Windows that ended by this batch's start are final.
    for (auto it = open.begin(); it != open.end();) {
      if (it->first.second + kWindowMs <= base) {
        checksum += it->second;
        ++emitted;
        open.erase(it++);
      } else {
        ++it;
      }
    }
  }
  for (const auto& [w, n] : open) checksum += n;
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (checksum != per_batch * batches) std::fprintf(stderr, "baseline lost events\n");
  return per_batch * batches / seconds;
}

class Batches : public centella::StreamingListener {
 public:
  void OnBatchCompleted(const BatchInfo& b) override {
    absl::MutexLock lock(&mu_);
    all_.push_back(b);
  }
  std::vector<BatchInfo> all() const {
    absl::MutexLock lock(&mu_);
    return all_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<BatchInfo> all_;
};

using WindowCount = std::pair<std::pair<int64_t, int64_t>, int64_t>;

// The stream of the benchmark on `events`: counts per key and window, append mode; each
// final count's arrival recorded against its window's end.
struct Sink {
  absl::Mutex mu;
  int64_t counted = 0;
  std::vector<double> latency_ms;
};

template <class Stream>
void CountWindows(const Stream& events, Sink* sink) {
  events.with_watermark(TimeOf{}, absl::ZeroDuration())
      .count_by_window(KeyOf{}, absl::Milliseconds(kWindowMs), absl::ZeroDuration(),
                       centella::OutputMode::kAppend)
      .foreach_rdd([sink](const centella::Rdd<WindowCount>& rdd, absl::Time) -> absl::Status {
        ASSIGN_OR_RETURN(std::vector<WindowCount> windows, rdd.collect());
        const int64_t now = absl::ToUnixMillis(absl::Now());
        std::map<int64_t, bool> ends;
        absl::MutexLock lock(&sink->mu);
        for (const auto& [w, n] : windows) {
          sink->counted += n;
          ends[w.second + kWindowMs] = true;
        }
        for (const auto& [end, _] : ends)
          sink->latency_ms.push_back(static_cast<double>(now - end));
        return absl::OkStatus();
      });
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

int Memory(centella::Context& ctx, int64_t per_batch, int batches, int latency_seconds) {
  const int partitions = ctx.default_parallelism();
  auto seeds = [&](int64_t first, int64_t count, int64_t base_ms) {
    std::vector<Seed> s;
    for (int p = 0; p < partitions; ++p) {
      s.push_back(Seed{first + p * count / partitions, count / partitions, base_ms});
    }
    return ctx.parallelize(std::move(s), partitions);
  };
  Print("baseline_events_per_s", BaselineEventsPerSecond(per_batch, batches), "events/s");

  // Saturated: every batch queued before the start, so each batch starts as soon as the
  // previous one ends.
  double throughput = 0;
  {
    Batches listener;
    centella::StreamingOptions options;
    options.listener = &listener;
    auto ssc = centella::StreamingContext::Create(ctx, absl::Milliseconds(kWindowMs), options);
    if (!ssc.ok()) return Failed(ssc.status());
    auto queue = std::make_shared<centella::RddQueue<Seed>>();
    for (int b = 0; b < batches; ++b) {
      queue->push(seeds(b * per_batch, per_batch, b * kWindowMs));
    }
    Sink sink;
    CountWindows((*ssc)->queue_stream(queue).flat_map(Generate{}), &sink);
    if (absl::Status s = (*ssc)->start(); !s.ok()) return Failed(s);
    while (static_cast<int>(listener.all().size()) < batches + 2)
      absl::SleepFor(absl::Milliseconds(20));
    (*ssc)->stop();
    std::vector<BatchInfo> done = listener.all();
    // From the first batch's start to the end of the last batch with events.
    const absl::Duration busy = done[batches - 1].finished - done[0].started;
    throughput = static_cast<double>(per_batch) * batches / absl::ToDoubleSeconds(busy);
    Print("centella_events_per_s", throughput, "events/s");
  }

  // Latency at a third of that rate: a feeder pushes each batch's events, with event times
  // of the last 100 ms, as the batch is due.
  {
    const int64_t rate_batch = std::max<int64_t>(partitions, static_cast<int64_t>(throughput / 30));
    auto ssc = centella::StreamingContext::Create(ctx, absl::Milliseconds(kWindowMs));
    if (!ssc.ok()) return Failed(ssc.status());
    auto queue = std::make_shared<centella::RddQueue<Seed>>();
    Sink sink;
    CountWindows((*ssc)->queue_stream(queue).flat_map(Generate{}), &sink);
    if (absl::Status s = (*ssc)->start(); !s.ok()) return Failed(s);
    const absl::Time end = absl::Now() + absl::Seconds(latency_seconds);
    for (int64_t b = 0; absl::Now() < end; ++b) {
      const int64_t now = absl::ToUnixMillis(absl::Now());
      queue->push(seeds(b * rate_batch, rate_batch, now / kWindowMs * kWindowMs - kWindowMs));
      absl::SleepFor(absl::Milliseconds(kWindowMs));
    }
    (*ssc)->stop();
    absl::MutexLock lock(&sink.mu);
    // The first second warms up.
    std::vector<double> steady(
        sink.latency_ms.begin() + std::min<size_t>(10, sink.latency_ms.size()),
        sink.latency_ms.end());
    Print("latency_rate_events_per_s", rate_batch * 1000.0 / kWindowMs, "events/s");
    Print("latency_p50_ms", Percentile(steady, 0.5), "ms");
    Print("latency_p99_ms", Percentile(steady, 0.99), "ms");
  }
  return 0;
}

// ---- Kafka ----

// {"campaign":"c17","ts":1733300000123,...}: the campaign and the time, without a JSON
// library (the baseline parses the same way).
inline bool ParseClick(absl::string_view v, int64_t* key, int64_t* ts) {
  const size_t c = v.find("\"campaign\":\"c");
  const size_t t = v.find("\"ts\":");
  if (c == absl::string_view::npos || t == absl::string_view::npos) return false;
  size_t end = v.find('"', c + 13);
  if (!absl::SimpleAtoi(v.substr(c + 13, end - c - 13), key)) return false;
  end = v.find_first_of(",}", t + 5);
  return absl::SimpleAtoi(v.substr(t + 5, end - t - 5), ts);
}
struct ParseEvent {
  Event operator()(const KafkaRecord& r) const {
    Event e{-1, 0};
    ParseClick(r.value, &e.first, &e.second);
    return e;
  }
};

// One thread, librdkafka's simple consumer on every partition into one queue, from the
// start: messages per second, with and without the count.
double RawConsume(const std::string& bootstrap, const std::string& topic, int64_t messages,
                  bool count) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof(err));
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (rk == nullptr) return 0;
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_metadata(rk, 0, rkt, &md, 5000);
  int partitions = md != nullptr && md->topic_cnt == 1 ? md->topics[0].partition_cnt : 0;
  if (md != nullptr) rd_kafka_metadata_destroy(md);
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  const absl::Time start = absl::Now();
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_consume_start_queue(rkt, p, RD_KAFKA_OFFSET_BEGINNING, q);
  }
  std::vector<rd_kafka_message_t*> batch(10000);
  absl::flat_hash_map<std::pair<int64_t, int64_t>, int64_t> windows;
  int64_t got = 0;
  absl::Time last_message = start;
  while (got < messages && absl::Now() - last_message < absl::Seconds(5)) {
    const ssize_t n = rd_kafka_consume_batch_queue(q, 1000, batch.data(), batch.size());
    if (n > 0) last_message = absl::Now();
    for (ssize_t i = 0; i < n; ++i) {
      if (batch[i]->err == 0) {
        ++got;
        if (count) {
          int64_t key = 0, ts = 0;
          ParseClick(absl::string_view(static_cast<const char*>(batch[i]->payload), batch[i]->len),
                     &key, &ts);
          ++windows[{key, ts / kWindowMs * kWindowMs}];
        }
      }
      rd_kafka_message_destroy(batch[i]);
    }
  }
  const double seconds = absl::ToDoubleSeconds(last_message - start);
  if (got < messages) {
    std::fprintf(stderr, "streaming_bench: the topic held %lld messages, not %lld\n",
                 static_cast<long long>(got), static_cast<long long>(messages));
  }
  for (int p = 0; p < partitions; ++p) rd_kafka_consume_stop(rkt, p);
  rd_kafka_queue_destroy(q);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return got / seconds;
}

int Kafka(centella::Context& ctx, const std::string& bootstrap, const std::string& topic,
          int64_t messages) {
  // Each twice, the best kept: the mock cluster's first fetches of a topic vary.
  const double count1 = RawConsume(bootstrap, topic, messages, true);
  const double raw1 = RawConsume(bootstrap, topic, messages, false);
  const double count2 = RawConsume(bootstrap, topic, messages, true);
  const double raw2 = RawConsume(bootstrap, topic, messages, false);
  std::fprintf(stderr, "raw %.0f %.0f, count %.0f %.0f\n", raw1, raw2, count1, count2);
  Print("raw_consume_per_s", std::max(raw1, raw2), "messages/s");
  Print("baseline_consume_and_count_per_s", std::max(count1, count2), "events/s");
  Batches listener;
  centella::StreamingOptions options;
  options.listener = &listener;
  auto ssc = centella::StreamingContext::Create(ctx, absl::Milliseconds(kWindowMs), options);
  if (!ssc.ok()) return Failed(ssc.status());
  centella::KafkaStreamOptions kafka;
  kafka.bootstrap_servers = bootstrap;
  kafka.topics = {topic};
  kafka.start = centella::KafkaStreamOptions::Start::kEarliest;
  // Batches of a steady size (about 1/10 of the messages each), so that the figure is the
  // stream's steady state — consumers pooled by earlier batches — rather than one batch's
  // start-up.
  kafka.max_rate_per_partition = std::max<int64_t>(1, messages / 8);
  Sink sink;
  CountWindows((*ssc)->kafka_direct_stream(kafka).map(ParseEvent{}), &sink);
  const absl::Time start = absl::Now();
  if (absl::Status s = (*ssc)->start(); !s.ok()) return Failed(s);
  int64_t read = 0, steady = 0;
  absl::Duration busy;
  while (read < messages && absl::Now() - start < absl::Seconds(120)) {
    absl::SleepFor(absl::Milliseconds(20));
    read = steady = 0;
    busy = absl::ZeroDuration();
    std::vector<BatchInfo> all = listener.all();
    for (size_t i = 0; i < all.size(); ++i) {
      int64_t n = 0;
      for (const auto& [input, records] : all[i].input_records) n += records;
      read += n;
      // The first batch with records opens the consumers: not steady state.
      if (n > 0 && read > n) {
        steady += n;
        busy += all[i].processing_time();
      }
    }
  }
  (*ssc)->stop();
  Print("centella_kafka_events_per_s", steady / absl::ToDoubleSeconds(busy), "events/s");
  return read == messages ? 0 : 1;
}

int Usage() {
  std::fprintf(stderr,
               "usage: streaming_bench memory [--events-per-batch N] [--batches B] "
               "[--latency-seconds S]\n"
               "       streaming_bench kafka --bootstrap B --topic T --messages N\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string mode = argv[1];
  std::map<std::string, std::string> flags;
  for (int i = 2; i + 1 < argc; i += 2) flags[argv[i]] = argv[i + 1];
  auto ctx = centella::Context::FromEnvironment("streaming-bench");
  if (!ctx.ok()) {
    std::fprintf(stderr, "streaming_bench: %s\n", std::string(ctx.status().message()).c_str());
    return 1;
  }
  auto flag = [&](const std::string& name, int64_t fallback) {
    int64_t v = fallback;
    if (flags.contains(name) && !absl::SimpleAtoi(flags[name], &v)) v = fallback;
    return v;
  };
  if (mode == "memory") {
    return Memory(**ctx, flag("--events-per-batch", 400000),
                  static_cast<int>(flag("--batches", 30)),
                  static_cast<int>(flag("--latency-seconds", 10)));
  }
  if (mode == "kafka" && flags.contains("--bootstrap") && flags.contains("--topic")) {
    return Kafka(**ctx, flags["--bootstrap"], flags["--topic"], flag("--messages", 0));
  }
  return Usage();
}
