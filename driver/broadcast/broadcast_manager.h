// BroadcastManager: the driver's broadcast variables — the origin of every value.
//
// Context::broadcast() adds a value here. On a cluster the value is also serialized once,
// cut into pieces of `piece_bytes` with an XXH3-64 checksum each, and streamed to each
// executor process that asks (Driver.FetchBroadcast → Serve); the handle carries the
// serialized size and checksum so that executors can check what they assembled. In local
// mode nothing is serialized: tasks run in this process and Get() hands them the driver's
// own object.
//
// Lifetime: a broadcast lives until Destroy() (Broadcast::destroy()) or the end of the
// Context. Destroy frees the value and its serialized form (a fetch already streaming
// finishes from its own reference) and remembers the id, so later uses fail with an
// error naming it rather than "unknown".
//
// Thread-safe.
#ifndef CENTELLA_DRIVER_BROADCAST_BROADCAST_MANAGER_H_
#define CENTELLA_DRIVER_BROADCAST_BROADCAST_MANAGER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/serde/serde.h"
#include "driver.pb.h"
#include "engine/task/broadcast_source.h"

namespace centella {

class BroadcastManager : public BroadcastSource {
 public:
  struct Stats {
    int64_t live = 0;              // broadcasts created and not destroyed
    int64_t serialized_bytes = 0;  // serialized values held for executors to fetch
    int64_t fetches = 0;           // fetches served (started), all executors
    std::map<std::string, int64_t> fetches_by_executor;
    int64_t bytes_served = 0;   // bytes of completed fetches
    absl::Duration serve_time;  // wall time of completed fetches
  };

  // `serialize`: keep a serialized copy for executor processes (cluster mode).
  // `piece_bytes`: size of the pieces served (the last one may be shorter); positive.
  BroadcastManager(bool serialize, int64_t piece_bytes);

  // Adds `value`; returns the reference tasks use to find it.
  template <class T>
  BroadcastRef Add(T value) {
    std::optional<std::string> bytes;
    if (serialize_) bytes = SerializeToString(value);
    return AddErased(std::make_shared<const T>(std::move(value)), std::move(bytes));
  }

  // The driver's object (local-mode tasks and Broadcast::value() on the driver; `decode`
  // is not needed). FailedPrecondition naming the id after Destroy, NotFound for an id
  // never added.
  absl::StatusOr<std::shared_ptr<const void>> Get(const BroadcastRef& ref,
                                                  BroadcastDecoder decode) override;

  // Frees the broadcast. NotFound for an id never added; destroying twice is fine.
  absl::Status Destroy(int64_t id);

  // Streams the pieces of broadcast `id` to `executor_id` through `write`, which returns
  // false when the receiver is gone (the fetch then ends early, with OK). Errors as Get,
  // plus FailedPrecondition when this manager keeps no serialized values (local mode).
  absl::Status Serve(int64_t id, const std::string& executor_id,
                     absl::FunctionRef<bool(const v1::BroadcastPiece&)> write);

  Stats stats() const;

 private:
  // A value as executors receive it.
  struct Serialized {
    std::string bytes;
    std::vector<uint64_t> piece_checksums;
  };

  BroadcastRef AddErased(std::shared_ptr<const void> value, std::optional<std::string> bytes);
  absl::Status MissingError(int64_t id) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const bool serialize_;
  const int64_t piece_bytes_;
  mutable absl::Mutex mu_;
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<int64_t, std::shared_ptr<const void>> values_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<int64_t, std::shared_ptr<const Serialized>> serialized_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<int64_t> destroyed_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_BROADCAST_BROADCAST_MANAGER_H_
