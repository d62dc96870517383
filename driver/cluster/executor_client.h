// ExecutorClient: the driver's end of one executor's task stream — what ClusterBackend
// needs from an executor process, whatever carries it.
//
// Open attaches and waits for the executor to be ready; from then on every task update
// reaches `on_update` (on a thread of the client's own), and when the stream ends for any
// reason `on_closed` is called exactly once. Launch sends a stage plan once per executor,
// then task descriptors. All methods are thread-safe and never block on the executor's
// work (FetchResult waits for the transfer only).
//
// Implementations: GrpcExecutorClient (the Executor service's TaskStream) and, for tests,
// FakeExecutorClient (driver/cluster/fake_executor_client.h, test-only).
#ifndef CENTELLA_DRIVER_CLUSTER_EXECUTOR_CLIENT_H_
#define CENTELLA_DRIVER_CLUSTER_EXECUTOR_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "task.pb.h"

namespace centella {

class ExecutorClient {
 public:
  using UpdateCallback = std::function<void(v1::TaskResult)>;
  using ClosedCallback = std::function<void(const std::string& reason)>;

  virtual ~ExecutorClient() = default;

  // Attaches and waits (up to `timeout`) for the executor to be ready. Callbacks start
  // after this returns OK. Unavailable when the executor cannot be reached in time.
  virtual absl::Status Open(UpdateCallback on_update, ClosedCallback on_closed,
                            absl::Duration timeout) = 0;
  // Sends `plan` unless this executor already has it, then the tasks. False when the
  // stream is broken (on_closed follows).
  virtual bool Launch(const std::shared_ptr<const v1::StagePlan>& plan,
                      const std::vector<v1::TaskDescriptor>& tasks) = 0;
  // Asks the executor to kill a running attempt; it reports KILLED (see ExecutorBackend).
  virtual void KillTask(const std::string& task_id, const std::string& reason) = 0;
  virtual void RemoveStage(int stage_id) = 0;
  // Tells the executor to drop destroyed broadcasts.
  virtual void RemoveBroadcasts(const std::vector<int64_t>& broadcast_ids) = 0;
  virtual void RemoveRdd(int rdd_id) = 0;
  // Fetches (and frees on the executor) a result stored as a block.
  virtual absl::StatusOr<std::string> FetchResult(const std::string& block_id) = 0;
  // Asks the executor to exit and closes the stream.
  virtual void Stop(const std::string& reason) = 0;

  // Task slots, known once Open succeeded.
  virtual int cores() const = 0;
};

// Makes the client for executor `executor_id` of `app_id` serving at `address`.
using ExecutorClientFactory = std::function<std::shared_ptr<ExecutorClient>(
    const std::string& app_id, const std::string& executor_id, const std::string& address)>;

}  // namespace centella

#endif  // CENTELLA_DRIVER_CLUSTER_EXECUTOR_CLIENT_H_
