// ApplicationClient: the driver's client of the cluster manager for its application —
// uploads the job binary (once per content hash), registers the application, follows its
// executor events, asks for or gives back executors (dynamic allocation), unregisters.
//
// Events are handed to `on_event` on a thread of the client's own. Thread-safe.
//
// Implementations: GrpcApplicationClient (the ClusterManager service; re-registers
// under the same id when the manager restarts) and, for tests, FakeApplicationClient
// (driver/cluster/fake_application_client.h, test-only).
#ifndef CENTELLA_DRIVER_CLUSTER_APPLICATION_CLIENT_H_
#define CENTELLA_DRIVER_CLUSTER_APPLICATION_CLIENT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cluster_manager.pb.h"

namespace centella {

class ApplicationClient {
 public:
  using EventCallback = std::function<void(const v1::ApplicationEvent&)>;

  virtual ~ApplicationClient() = default;

  // Uploads `binary_path` unless the manager has it; returns its content hash.
  virtual absl::StatusOr<std::string> UploadBinary(const std::string& binary_path) = 0;
  // Registers the application and starts following its events. Returns the app id.
  virtual absl::StatusOr<std::string> Register(v1::ApplicationDescription description,
                                               std::string driver_address,
                                               EventCallback on_event) = 0;
  // Asks the manager for a total of `target` executors (dynamic allocation).
  virtual absl::Status RequestExecutors(int target) = 0;
  // Gives executors back (dynamic allocation); the target drops with them.
  virtual absl::Status KillExecutors(const std::vector<std::string>& executor_ids,
                                     const std::string& reason) = 0;
  // Stops following events and unregisters (best effort: the manager may be down).
  virtual void Unregister(bool succeeded, const std::string& message) = 0;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_CLUSTER_APPLICATION_CLIENT_H_
