// BroadcastCache: the broadcast values of one executor process, fetched from the driver
// once per process and shared by all its tasks.
//
// The first task to ask for a broadcast fetches it (through a BroadcastFetcher); tasks
// asking meanwhile wait for that one fetch instead of starting their own. The pieces are
// checked as they arrive (each against its own XXH3-64, then the whole value against the
// size and checksum in the task's handle), decoded once, and the bytes are freed: only
// the decoded object stays. A failed fetch is not remembered — the next task tries again
// (the failed task itself is retried by the driver).
//
// Lifecycle of one broadcast id in the cache:
//   absent ──Get──► fetching ──ok──► ready ──Remove──► destroyed
//                      └──error──► absent     (Remove of an absent id: destroyed too)
// A destroyed id stays known, so a later Get fails at once with an error naming it.
//
// Thread-safe.
#ifndef CENTELLA_EXECUTOR_PROCESS_BROADCAST_CACHE_H_
#define CENTELLA_EXECUTOR_PROCESS_BROADCAST_CACHE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/task/broadcast_source.h"
#include "executor/process/broadcast_fetcher.h"

namespace centella {

class BroadcastCache : public BroadcastSource {
 public:
  // What this process has fetched so far.
  struct Stats {
    int64_t fetches = 0;         // completed fetches (one per broadcast, unless one failed)
    int64_t failed_fetches = 0;  // fetches that ended in an error
    int64_t bytes_fetched = 0;   // serialized bytes received
    absl::Duration fetch_time;   // wall time of all fetches, decoding included
    int64_t cached = 0;          // broadcasts held now
  };

  // `fetcher` must outlive the cache.
  explicit BroadcastCache(BroadcastFetcher* fetcher) : fetcher_(fetcher) {}

  absl::StatusOr<std::shared_ptr<const void>> Get(const BroadcastRef& ref,
                                                  BroadcastDecoder decode) override;

  // The driver destroyed these broadcasts: drops the values (tasks still using one keep
  // it until they end) and fails later uses.
  void Remove(const std::vector<int64_t>& broadcast_ids);

  Stats stats() const;

 private:
  // One fetch in progress; its waiters hold it until it is done.
  struct Fetch {
    absl::Mutex mu;
    bool done ABSL_GUARDED_BY(mu) = false;
    absl::StatusOr<std::shared_ptr<const void>> result ABSL_GUARDED_BY(mu);
  };

  // Fetches, checks and decodes one value (no lock held).
  absl::StatusOr<std::shared_ptr<const void>> FetchAndDecode(const BroadcastRef& ref,
                                                             BroadcastDecoder decode);

  BroadcastFetcher* fetcher_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<int64_t, std::shared_ptr<const void>> ready_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<int64_t, std::shared_ptr<Fetch>> fetching_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<int64_t> destroyed_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_PROCESS_BROADCAST_CACHE_H_
