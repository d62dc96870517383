// streaming_word_count: the running count of every word (whitespace-separated token) of
// a Kafka topic's messages, or of the lines a TCP server sends, since the stream began,
// written exactly once to each sink.
//
//   streaming_word_count --source kafka://BOOTSTRAP/TOPIC|socket://HOST:PORT
//                        --sink SINK [--sink SINK ...] --checkpoint DIR [--batch-ms N]
//   SINK: files:DIR          DIR/batch-<N>/part-* with "word<TAB>count" for each word
//                            whose count changed in batch N (the newest batch naming a
//                            word holds its total)
//         postgres:CONNINFO  table word_counts(word text primary key, count bigint),
//                            created if missing
//         redis://HOST:PORT  key wc:<word> holding the count
//
// The first run reads the topic from its earliest offsets; run again with the same
// command after any crash, it continues exactly where the last committed batch ended
// (the checkpoint in DIR holds offsets, state and the stream's id; the sinks record the
// batches they wrote). A socket has no offsets: lines a batch took are logged in the
// checkpoint, so a re-run batch counts them again exactly, but lines received after the
// last batch began are lost with the driver. SIGTERM or Ctrl-C stops it after the running
// batch; exit 0.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "centella/streaming.h"

namespace {

using centella::KafkaRecord;

struct ValueOf {
  std::string operator()(const KafkaRecord& r) const { return r.value; }
};
struct Words {
  std::vector<std::string> operator()(const std::string& line) const {
    return absl::StrSplit(line, absl::ByAnyChar(" \t\r\n\f\v"), absl::SkipEmpty());
  }
};
struct One {
  std::pair<std::string, int64_t> operator()(std::string w) const { return {std::move(w), 1}; }
};
struct Plus {
  int64_t operator()(int64_t a, int64_t b) const { return a + b; }
};

// A word's total, and whether the batch changed it (only those are written).
struct Total {
  int64_t count = 0;
  bool changed = false;
  CENTELLA_FIELDS(count, changed)
};
struct AddUp {
  std::optional<Total> operator()(const std::vector<int64_t>& counts,
                                  std::optional<Total> total) const {
    Total next{total ? total->count : 0, !counts.empty()};
    for (int64_t n : counts) next.count += n;
    return next;
  }
};
struct Changed {
  bool operator()(const std::pair<std::string, Total>& w) const { return w.second.changed; }
};
struct CountOf {
  std::pair<std::string, int64_t> operator()(const std::pair<std::string, Total>& w) const {
    return {w.first, w.second.count};
  }
};

int Usage(const std::string& why) {
  std::fprintf(
      stderr,
      "streaming_word_count: %s\n"
      "usage: streaming_word_count --source kafka://BOOTSTRAP/TOPIC|socket://HOST:PORT --sink "
      "files:DIR|postgres:CONNINFO|redis://HOST:PORT [--sink ...] --checkpoint DIR "
      "[--batch-ms N]\n",
      why.c_str());
  return 2;
}

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "streaming_word_count: %s\n", std::string(s.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string source, checkpoint;
  std::vector<std::string> sinks;
  int64_t batch_ms = 1000;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return Usage(flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--source") {
      source = value;
    } else if (flag == "--sink") {
      sinks.push_back(value);
    } else if (flag == "--checkpoint") {
      checkpoint = value;
    } else if (flag == "--batch-ms") {
      if (!absl::SimpleAtoi(value, &batch_ms) || batch_ms < 10) {
        return Usage("--batch-ms takes a whole number of milliseconds, 10 or more, not '" + value +
                     "'");
      }
    } else {
      return Usage("unknown flag " + flag);
    }
  }
  if (checkpoint.empty())
    return Usage("--checkpoint DIR is required: it is what makes a crash lose nothing");
  if (sinks.empty()) return Usage("give at least one --sink");
  centella::KafkaStreamOptions kafka;
  std::string socket_host;
  int socket_port = 0;
  if (absl::StartsWith(source, "kafka://")) {
    const std::string rest = source.substr(8);
    const size_t slash = rest.rfind('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size()) {
      return Usage("--source kafka://BOOTSTRAP/TOPIC needs both, not '" + source + "'");
    }
    kafka.bootstrap_servers = rest.substr(0, slash);
    kafka.topics = {rest.substr(slash + 1)};
    kafka.start = centella::KafkaStreamOptions::Start::kEarliest;
  } else if (absl::StartsWith(source, "socket://")) {
    const std::string address = source.substr(9);
    const size_t colon = address.rfind(':');
    if (colon == std::string::npos || colon == 0 ||
        !absl::SimpleAtoi(address.substr(colon + 1), &socket_port)) {
      return Usage("--source socket://HOST:PORT needs both, not '" + source + "'");
    }
    socket_host = address.substr(0, colon);
  } else {
    return Usage("--source must be kafka://BOOTSTRAP/TOPIC or socket://HOST:PORT, not '" + source +
                 "'");
  }

  auto ctx = centella::Context::FromEnvironment("streaming-word-count");
  if (!ctx.ok()) return Fail(ctx.status());
  centella::StreamingOptions options;
  options.checkpoint_dir = checkpoint;
  auto ssc = centella::StreamingContext::Create(**ctx, absl::Milliseconds(batch_ms), options);
  if (!ssc.ok()) return Fail(ssc.status());
  auto lines = socket_host.empty() ? (*ssc)->kafka_direct_stream(kafka).map(ValueOf{})
                                   : (*ssc)->socket_text_stream(socket_host, socket_port);
  auto changed = lines.flat_map(Words{})
                     .map(One{})
                     .reduce_by_key(Plus{})
                     .update_state_by_key<Total>(AddUp{})
                     .filter(Changed{})
                     .map(CountOf{});
  for (const std::string& sink : sinks) {
    if (absl::StartsWith(sink, "files:")) {
      changed.save_as_text_files(sink.substr(6));
    } else if (absl::StartsWith(sink, "postgres:")) {
      centella::PostgresSinkOptions pg;
      pg.conninfo = sink.substr(9);
      pg.table = "word_counts";
      pg.key_column = "word";
      pg.value_column = "count";
      auto connected = centella::PostgresSink::Connect(pg);
      if (!connected.ok()) return Fail(connected.status());
      changed.write_to(std::shared_ptr<centella::StreamSink>(*std::move(connected)));
    } else if (absl::StartsWith(sink, "redis://")) {
      const std::string address = sink.substr(8);
      const size_t colon = address.rfind(':');
      centella::RedisSinkOptions redis;
      redis.key_prefix = "wc:";
      if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &redis.port)) {
        return Usage("--sink redis://HOST:PORT needs both, not '" + sink + "'");
      }
      redis.host = address.substr(0, colon);
      auto connected = centella::RedisSink::Connect(redis);
      if (!connected.ok()) return Fail(connected.status());
      changed.write_to(std::shared_ptr<centella::StreamSink>(*std::move(connected)));
    } else {
      return Usage("unknown sink '" + sink + "'");
    }
  }
  if (absl::Status s = (*ssc)->start(); !s.ok()) return Fail(s);
  if (absl::Status s = (*ssc)->await_termination(); !s.ok()) return Fail(s);
  return 0;
}
