// BroadcastFetcher: how an executor process obtains the serialized value of a broadcast
// variable from its origin, the driver.
//
// Implementations: GrpcBroadcastFetcher (Driver.FetchBroadcast) and, in tests,
// FakeBroadcastFetcher. A fetcher only moves pieces; BroadcastCache checks them.
#ifndef CENTELLA_EXECUTOR_PROCESS_BROADCAST_FETCHER_H_
#define CENTELLA_EXECUTOR_PROCESS_BROADCAST_FETCHER_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "driver.pb.h"

namespace centella {

class BroadcastFetcher {
 public:
  virtual ~BroadcastFetcher() = default;
  // Calls `on_piece` for each piece of broadcast `broadcast_id`, in order, and stops at
  // its first error. Errors: the driver's (NotFound for an unknown id,
  // FailedPrecondition for a destroyed one), Unavailable when it cannot be reached, or
  // `on_piece`'s. Thread-safe.
  virtual absl::Status Fetch(
      int64_t broadcast_id,
      absl::FunctionRef<absl::Status(const v1::BroadcastPiece&)> on_piece) = 0;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_PROCESS_BROADCAST_FETCHER_H_
