// StreamingListener: what a running stream tells its observers after every batch (the
// event log and the web UI build on the same information).
//
// Delays follow Spark's meaning: scheduling delay is how long the batch waited after its
// batch time before it started (batches queue up when processing is slower than the
// interval), processing time is how long its output operations ran, total delay the sum.
#ifndef CENTELLA_DRIVER_STREAMING_STREAMING_LISTENER_H_
#define CENTELLA_DRIVER_STREAMING_STREAMING_LISTENER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace centella {

// Which batch an output runs for: its id (consecutive from 0 over the life of a
// checkpointed stream, across restarts), its batch time and the stream's id.
struct BatchRef {
  int64_t id = 0;
  absl::Time time;
  // The stream's identity: kept by its checkpoint for its whole life (random per run
  // without one). A sink records (stream id, batch id) to know what it wrote already.
  std::string stream_id;
};

struct BatchInfo {
  // The batch's id: 0 for the first batch of this run, then consecutive.
  int64_t batch_id = 0;
  absl::Time batch_time;
  absl::Time started;
  absl::Time finished;
  absl::Status status;  // the first output operation's error, if any
  // Records the batch read, by input id ("kafka:events"): inputs that can tell (Kafka,
  // from its offset ranges).
  std::map<std::string, int64_t> input_records;
  // What each input read ("words/0:[120,180) ..."), by input id.
  std::map<std::string, std::string> input_offsets;
  // The stream's id (BatchRef::stream_id).
  std::string stream_id;
  // With with_watermark streams: the watermark after the batch (nullopt: none yet) and
  // the late records the batch dropped, by watermark source (watermark_tracker.h).
  std::optional<absl::Time> watermark;
  std::map<std::string, int64_t> late_records;
  int64_t late_records_total() const {
    int64_t n = 0;
    for (const auto& [source, count] : late_records) n += count;
    return n;
  }
  absl::Duration scheduling_delay() const { return started - batch_time; }
  absl::Duration processing_time() const { return finished - started; }
  absl::Duration total_delay() const { return finished - batch_time; }
};

class StreamingListener {
 public:
  virtual ~StreamingListener() = default;
  // Called on the thread that ran the batch, once its outputs are done; must be quick.
  virtual void OnBatchCompleted(const BatchInfo& batch) = 0;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_STREAMING_LISTENER_H_
