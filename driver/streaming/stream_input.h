// StreamInput: an input stream whose batches can be recorded in the checkpoint and read
// again after a restart (Kafka: the offset ranges of each batch). An input that cannot
// (an in-memory queue) makes a checkpointed stream refuse to start.
#ifndef CENTELLA_DRIVER_STREAMING_STREAM_INPUT_H_
#define CENTELLA_DRIVER_STREAMING_STREAM_INPUT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace centella {

class StreamInput {
 public:
  virtual ~StreamInput() = default;
  // Stable across runs of the same program ("kafka:events,clicks"): the key of its entry
  // in the checkpoint.
  virtual std::string input_id() const = 0;
  // What batch `t` reads, once its RDD has been computed ("" if it was not).
  virtual std::string BatchState(absl::Time t) const = 0;
  // How many records batch `t` reads (0 if it was not computed), for BatchInfo.
  virtual int64_t BatchRecords(absl::Time t) const = 0;
  // What batch `t` reads, for people ("words/0:[120,180) words/1:[97,140)"); "" if not
  // computed.
  virtual std::string BatchOffsets(absl::Time t) const = 0;
  // After a restart, from the newest batch in the checkpoint: reading continues after
  // what `state` read; with `rerun`, the batch at time `t` (the restart's first) reads
  // exactly `state` again.
  // DataLoss for a state that does not decode.
  virtual absl::Status Restore(absl::Time t, std::string_view state, bool rerun) = 0;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_STREAM_INPUT_H_
