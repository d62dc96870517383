// StreamSink: where a stream's (key, value) records go, batch by batch, exactly once.
//
// A sink writes absolute values per key (the count of a word, not "+3") and records,
// with them and atomically where the store allows, that it has written batch (stream id,
// batch id). A batch that runs again after a restart — same id, same input, so the same
// rows — then changes nothing: a store that had committed it skips it, one that had not
// writes it. That, with the checkpoint re-running exactly the uncommitted batch, makes the
// output exactly-once (DStream::write_to; docs/streaming.md).
//
// Implementations: PostgresSink (postgres_sink.h), RedisSink (redis_sink.h); a job may
// write its own.
#ifndef CENTELLA_DRIVER_STREAMING_STREAM_SINK_H_
#define CENTELLA_DRIVER_STREAMING_STREAM_SINK_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "driver/streaming/streaming_listener.h"

namespace centella {

// One record as text: the key and its new value.
struct SinkRow {
  std::string key;
  std::string value;
};

// How often write_to tries a batch before failing it (its stream then stops; a restart
// runs the batch again), with the wait doubling from `backoff`.
struct SinkRetry {
  int attempts = 3;
  absl::Duration backoff = absl::Milliseconds(200);
};

class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // What it writes to ("postgres table word_counts"), for messages.
  virtual std::string name() const = 0;
  // Writes batch `batch`'s rows (each key once) as described above. OK without writing
  // for a batch the sink has recorded for the stream already. Unavailable when the store
  // cannot be reached; any error leaves what earlier batches wrote intact.
  // Thread safety: called by one batch at a time.
  virtual absl::Status WriteBatch(const BatchRef& batch, const std::vector<SinkRow>& rows) = 0;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_STREAM_SINK_H_
