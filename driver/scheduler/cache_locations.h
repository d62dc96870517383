// CacheLocations: which executors hold which partitions of persisted RDDs, as reported in
// task results (stored and evicted blocks). The task scheduler prefers those executors
// for tasks that read the partitions. Owned by the DAG scheduler's loop.
#ifndef CENTELLA_DRIVER_SCHEDULER_CACHE_LOCATIONS_H_
#define CENTELLA_DRIVER_SCHEDULER_CACHE_LOCATIONS_H_

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace centella {

class CacheLocations {
 public:
  void Add(int rdd_id, int partition, const std::string& executor) {
    std::vector<std::string>& where = where_[{rdd_id, partition}];
    if (std::find(where.begin(), where.end(), executor) == where.end()) {
      where.push_back(executor);
    }
  }
  void Remove(int rdd_id, int partition, const std::string& executor) {
    auto it = where_.find({rdd_id, partition});
    if (it == where_.end()) return;
    std::erase(it->second, executor);
    if (it->second.empty()) where_.erase(it);
  }
  // unpersist(): the RDD's blocks are gone everywhere.
  void RemoveRdd(int rdd_id) {
    absl::erase_if(where_, [rdd_id](const auto& kv) { return kv.first.first == rdd_id; });
  }
  // A lost executor's blocks are lost with it.
  void RetainExecutors(const absl::flat_hash_set<std::string>& alive) {
    for (auto it = where_.begin(); it != where_.end();) {
      std::erase_if(it->second, [&alive](const std::string& e) { return !alive.contains(e); });
      if (it->second.empty()) {
        where_.erase(it++);
      } else {
        ++it;
      }
    }
  }
  const std::vector<std::string>* Get(int rdd_id, int partition) const {
    auto it = where_.find({rdd_id, partition});
    return it == where_.end() ? nullptr : &it->second;
  }
  size_t size() const { return where_.size(); }

 private:
  absl::flat_hash_map<std::pair<int, int>, std::vector<std::string>> where_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_SCHEDULER_CACHE_LOCATIONS_H_
