// Fetch failures: a shuffle block that cannot be read (missing file, corrupt data,
// unreachable daemon). They are not ordinary task errors: the scheduler answers them by
// recomputing the producing map output, so they travel as an absl::Status with a payload
// naming the block.
#ifndef CENTELLA_ENGINE_SHUFFLE_FETCH_FAILURE_H_
#define CENTELLA_ENGINE_SHUFFLE_FETCH_FAILURE_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace centella {

struct FetchFailureInfo {
  int shuffle_id = -1;
  int map_id = -1;
  int reduce_id = -1;
  std::string address;
  // The shuffle server itself could not be reached (transport errors after retries),
  // rather than one block being missing or corrupt: every output it serves is suspect.
  bool server_unreachable = false;
};

// Builds an Unavailable status carrying `info`; the message names the block.
absl::Status FetchFailedError(const FetchFailureInfo& info, std::string_view detail);

// The block named by a fetch-failure status, or nullopt for any other status.
std::optional<FetchFailureInfo> GetFetchFailure(const absl::Status& status);

}  // namespace centella

#endif  // CENTELLA_ENGINE_SHUFFLE_FETCH_FAILURE_H_
