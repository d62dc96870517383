// ManagerClient: the calls an executor daemon makes to the cluster manager
// (docs/cluster.md, "Who calls whom"). Interface so that daemon logic can be tested
// against FakeManagerClient; GrpcManagerClient is the real one.
//
// Errors are the manager's gRPC status mapped one-to-one to absl::Status
// (UNAVAILABLE / DEADLINE_EXCEEDED while the manager is down).
// Thread safety: implementations are safe to call from any thread.
#ifndef CENTELLA_EXECUTOR_DAEMON_MANAGER_CLIENT_H_
#define CENTELLA_EXECUTOR_DAEMON_MANAGER_CLIENT_H_

#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cluster_manager.pb.h"

namespace centella {

class ManagerClient {
 public:
  virtual ~ManagerClient() = default;

  virtual absl::StatusOr<v1::RegisterDaemonResponse> RegisterDaemon(
      const v1::RegisterDaemonRequest& request) = 0;
  virtual absl::StatusOr<v1::DaemonHeartbeatResponse> DaemonHeartbeat(
      const v1::DaemonHeartbeatRequest& request) = 0;
  virtual absl::Status ExecutorStateChanged(const v1::ExecutorStateChangedRequest& request) = 0;
  virtual absl::Status DriverStateChanged(const v1::DriverStateChangedRequest& request) = 0;

  // Streams the binary `content_hash` ("sha256:<hex>") and hands each piece, in order, to
  // `sink`; an error from `sink` cancels the download and is returned.
  virtual absl::Status FetchBinary(const std::string& content_hash,
                                   absl::FunctionRef<absl::Status(std::string_view)> sink) = 0;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_MANAGER_CLIENT_H_
