// FakeClusterManager: a ClusterManager gRPC server for daemon tests. It records
// RegisterDaemon, DaemonHeartbeat and ExecutorStateChanged calls (with the time each
// arrived), serves FetchBinary from bytes it holds, and checks the shared secret like the
// real manager.
//
// Thread-safe.
#ifndef CENTELLA_EXECUTOR_DAEMON_FAKE_CLUSTER_MANAGER_H_
#define CENTELLA_EXECUTOR_DAEMON_FAKE_CLUSTER_MANAGER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cluster_manager.grpc.pb.h"
#include "common/auth/shared_secret.h"
#include "common/rpc/rpc_server.h"

namespace centella {

class FakeClusterManager final : public v1::ClusterManager::Service {
 public:
  struct StateChange {
    v1::ExecutorStateChangedRequest request;
    absl::Time received;
  };

  explicit FakeClusterManager(SharedSecret secret, std::string incarnation = "incarnation-1")
      : secret_(std::move(secret)), incarnation_(std::move(incarnation)) {}

  // Starts serving on 127.0.0.1, port 0.
  absl::Status Start();
  const std::string& address() const { return server_->address(); }

  void AddBinary(const std::string& content_hash, std::string bytes);
  void SetIncarnation(std::string incarnation);
  std::string incarnation() const;

  std::vector<v1::RegisterDaemonRequest> registrations() const;
  int heartbeats() const;
  int binary_fetches() const;
  std::vector<StateChange> executor_changes() const;
  std::vector<v1::DriverStateChangedRequest> driver_changes() const;

  // Polls `done` every few milliseconds until it holds or `timeout` passes.
  bool WaitFor(std::function<bool(const FakeClusterManager&)> done, absl::Duration timeout) const;

  grpc::Status RegisterDaemon(grpc::ServerContext* context,
                              const v1::RegisterDaemonRequest* request,
                              v1::RegisterDaemonResponse* response) override;
  grpc::Status DaemonHeartbeat(grpc::ServerContext* context,
                               const v1::DaemonHeartbeatRequest* request,
                               v1::DaemonHeartbeatResponse* response) override;
  grpc::Status ExecutorStateChanged(grpc::ServerContext* context,
                                    const v1::ExecutorStateChangedRequest* request,
                                    v1::ExecutorStateChangedResponse* response) override;
  grpc::Status DriverStateChanged(grpc::ServerContext* context,
                                  const v1::DriverStateChangedRequest* request,
                                  v1::DriverStateChangedResponse* response) override;
  grpc::Status FetchBinary(grpc::ServerContext* context, const v1::FetchBinaryRequest* request,
                           grpc::ServerWriter<v1::DataChunk>* writer) override;

 private:
  const SharedSecret secret_;
  std::unique_ptr<RpcServer> server_;
  mutable absl::Mutex mu_;
  std::string incarnation_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> binaries_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::RegisterDaemonRequest> registrations_ ABSL_GUARDED_BY(mu_);
  int heartbeats_ ABSL_GUARDED_BY(mu_) = 0;
  int binary_fetches_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<StateChange> executor_changes_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::DriverStateChangedRequest> driver_changes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_FAKE_CLUSTER_MANAGER_H_
