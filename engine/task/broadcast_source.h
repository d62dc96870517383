// BroadcastSource: where a running task obtains the value of a broadcast variable.
//
// Implementations:
//   * BroadcastManager (driver/broadcast/) in local mode: tasks run in the driver process
//     and get the driver's own object — no serialization, no copy per task;
//   * BroadcastCache (executor/process/) in an executor process: fetches the serialized
//     value from the driver once per process, in checksummed pieces, decodes it once and
//     shares it with every task.
//
// Values are type-erased (std::shared_ptr<const void>): the typed handle
// (driver/api/broadcast.h) knows T and supplies the decoder. One broadcast id has one T
// in the whole application, fixed by the handle that created it.
#ifndef CENTELLA_ENGINE_TASK_BROADCAST_SOURCE_H_
#define CENTELLA_ENGINE_TASK_BROADCAST_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string_view>

#include "absl/status/statusor.h"

namespace centella {

// What a task knows of a broadcast: its id and, for executors that fetch it, the size
// and XXH3-64 checksum of its serialized value (both 0 in local mode, where nothing is
// serialized). Trivially copyable: it is captured with the handle in user functions.
struct BroadcastRef {
  int64_t id = -1;
  uint64_t size = 0;
  uint64_t checksum = 0;
};

// Turns a serialized value into the object tasks read. Called at most once per broadcast
// per process (by the thread that fetched it).
using BroadcastDecoder = absl::StatusOr<std::shared_ptr<const void>> (*)(std::string_view bytes);

class BroadcastSource {
 public:
  virtual ~BroadcastSource() = default;

  // The value of broadcast `ref.id`, kept alive by the returned pointer even if the
  // broadcast is destroyed meanwhile. Errors: FailedPrecondition naming the id for a
  // destroyed broadcast, NotFound for an id the driver never created, DataLoss for a
  // corrupt or undecodable value, Unavailable when the driver cannot be reached.
  // Thread-safe; concurrent callers for the same id share one fetch.
  virtual absl::StatusOr<std::shared_ptr<const void>> Get(const BroadcastRef& ref,
                                                          BroadcastDecoder decode) = 0;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_TASK_BROADCAST_SOURCE_H_
