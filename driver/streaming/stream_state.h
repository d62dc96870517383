// StreamState: a stateful stream node whose state the checkpoint keeps, so that a
// restarted driver continues from the state of the last committed batch instead of an
// empty one (update_state_by_key).
//
// After every batch the context asks each one for a snapshot of its state under a
// directory of the stream checkpoint named by the batch id, and records what Snapshot
// returns in the batch's commit entry; a restart hands the last commit's record to
// Restore before the first batch runs.
#ifndef CENTELLA_DRIVER_STREAMING_STREAM_STATE_H_
#define CENTELLA_DRIVER_STREAMING_STREAM_STATE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace centella {

class StreamState {
 public:
  virtual ~StreamState() = default;
  // Writes the state after batch `t` into `dir` (runs a job) and returns the record
  // Restore needs; "" when the batch did not compute this state.
  virtual absl::StatusOr<std::string> Snapshot(absl::Time t, const std::string& dir) = 0;
  // The state to start from, from a snapshot's record. DataLoss when it does not decode.
  virtual absl::Status Restore(std::string_view record) = 0;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_STREAM_STATE_H_
