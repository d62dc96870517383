// GrpcManagerClient: ManagerClient over a gRPC channel to the ClusterManager service.
// The channel comes from SharedSecret::Connect, so every call carries the secret.
#ifndef CENTELLA_EXECUTOR_DAEMON_GRPC_MANAGER_CLIENT_H_
#define CENTELLA_EXECUTOR_DAEMON_GRPC_MANAGER_CLIENT_H_

#include <memory>

#include "absl/time/time.h"
#include "cluster_manager.grpc.pb.h"
#include "executor/daemon/manager_client.h"
#include "grpcpp/channel.h"

namespace centella {

class GrpcManagerClient final : public ManagerClient {
 public:
  // `rpc_timeout` bounds each unary call; a binary download gets `fetch_timeout`.
  GrpcManagerClient(std::shared_ptr<grpc::Channel> channel, absl::Duration rpc_timeout,
                    absl::Duration fetch_timeout = absl::Minutes(10));

  absl::StatusOr<v1::RegisterDaemonResponse> RegisterDaemon(
      const v1::RegisterDaemonRequest& request) override;
  absl::StatusOr<v1::DaemonHeartbeatResponse> DaemonHeartbeat(
      const v1::DaemonHeartbeatRequest& request) override;
  absl::Status ExecutorStateChanged(const v1::ExecutorStateChangedRequest& request) override;
  absl::Status DriverStateChanged(const v1::DriverStateChangedRequest& request) override;
  absl::Status FetchBinary(const std::string& content_hash,
                           absl::FunctionRef<absl::Status(std::string_view)> sink) override;

 private:
  std::unique_ptr<v1::ClusterManager::Stub> stub_;
  absl::Duration rpc_timeout_;
  absl::Duration fetch_timeout_;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_GRPC_MANAGER_CLIENT_H_
