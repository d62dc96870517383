#include "engine/shuffle/local_shuffle_fetcher.h"

#include <string>

#include "engine/shuffle/fetch_failure.h"

namespace centella {

absl::Status LocalShuffleFetcher::Fetch(
    const v1::ShuffleReadInput& input, int reduce_id,
    absl::FunctionRef<absl::Status(int map_id, std::string_view block)> consume) {
  std::string block;
  for (const v1::MapStatus& status : input.map_statuses()) {
    // Empty blocks are not read at all: the map status already says they hold nothing.
    if (reduce_id < status.block_sizes_size() && status.block_sizes(reduce_id) == 0) continue;
    absl::Status s = store_->ReadBlock(input.shuffle_id(), status.map_id(), status.map_attempt(),
                                       reduce_id, &block);
    if (!s.ok()) {
      return FetchFailedError(
          {input.shuffle_id(), status.map_id(), reduce_id, status.shuffle_address()},
          std::string(s.message()));
    }
    absl::Status c = consume(status.map_id(), block);
    if (!c.ok()) return c;
  }
  return absl::OkStatus();
}

}  // namespace centella
