// MapOutputRegistry: where every map output of every shuffle lives.
//
// The epoch increases whenever outputs are lost (executor or host gone, fetch failure);
// tasks carry the epoch they were launched with, so a status from before a loss can be
// recognised as stale. Owned by the DAG scheduler's event loop: not thread-safe.
#ifndef CENTELLA_DRIVER_SCHEDULER_MAP_OUTPUT_REGISTRY_H_
#define CENTELLA_DRIVER_SCHEDULER_MAP_OUTPUT_REGISTRY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "task.pb.h"

namespace centella {

class MapOutputRegistry {
 public:
  // Declares a shuffle with `num_maps` map partitions (idempotent).
  void RegisterShuffle(int shuffle_id, int num_maps);
  bool HasShuffle(int shuffle_id) const { return shuffles_.contains(shuffle_id); }

  // Records `status`, unless it is stale: written at a shuffle address lost after the
  // task was launched (status.epoch() is the epoch it was launched with), so its files
  // went with the host even if the result got through. Returns whether it was recorded.
  bool RegisterMapOutput(const v1::MapStatus& status);
  // Forgets one map output after a fetch failure naming it at `shuffle_address`; bumps
  // the epoch. Nothing happens when the output registered now lives elsewhere: a late
  // failure report must not forget an output recomputed since.
  void UnregisterMapOutput(int shuffle_id, int map_id, const std::string& shuffle_address);
  // Forgets every output written by `executor_id`; returns how many were lost.
  int UnregisterExecutor(const std::string& executor_id);
  // Forgets every output served from `shuffle_address` (a lost daemon, i.e. a lost host);
  // returns how many were lost. Bumps the epoch when any was.
  int UnregisterShuffleAddress(const std::string& shuffle_address);

  // Map partitions of `shuffle_id` without a registered output.
  std::vector<int> MissingMaps(int shuffle_id) const;
  bool IsAvailable(int shuffle_id) const { return MissingMaps(shuffle_id).empty(); }

  // Every registered output of a complete shuffle, for a reduce task's descriptor.
  v1::ShuffleReadInput ReadInput(int shuffle_id) const;

  // Forgets a shuffle entirely.
  void RemoveShuffle(int shuffle_id) { shuffles_.erase(shuffle_id); }
  // Shuffles registered and not removed.
  int num_shuffles() const { return static_cast<int>(shuffles_.size()); }

  int64_t epoch() const { return epoch_; }

 private:
  // shuffle address -> the epoch from which it counts as lost (set when it was lost).
  absl::flat_hash_map<std::string, int64_t> address_lost_at_;
  absl::flat_hash_map<int, std::vector<std::optional<v1::MapStatus>>> shuffles_;
  int64_t epoch_ = 0;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_SCHEDULER_MAP_OUTPUT_REGISTRY_H_
