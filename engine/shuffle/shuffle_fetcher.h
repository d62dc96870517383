// ShuffleFetcher: how a reduce task obtains its blocks of one shuffle.
//
// Implementations: LocalShuffleFetcher reads blocks from this machine's ShuffleStore
// (local mode, and the local-block short-circuit on a cluster); the cluster fetcher
// streams remote blocks from executor daemons over gRPC with a bound on bytes in flight.
// Any block that cannot be obtained is reported as a fetch failure (fetch_failure.h).
#ifndef CENTELLA_ENGINE_SHUFFLE_SHUFFLE_FETCHER_H_
#define CENTELLA_ENGINE_SHUFFLE_SHUFFLE_FETCHER_H_

#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "task.pb.h"

namespace centella {

class ShuffleFetcher {
 public:
  virtual ~ShuffleFetcher() = default;
  // Calls `consume(map_id, raw_block)` once for each map output of `input` for partition
  // `reduce_id`. The block view is valid only during the call. Thread-safe.
  virtual absl::Status Fetch(
      const v1::ShuffleReadInput& input, int reduce_id,
      absl::FunctionRef<absl::Status(int map_id, std::string_view block)> consume) = 0;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_SHUFFLE_SHUFFLE_FETCHER_H_
