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

#include "absl/time/time.h"
#include "cluster_manager.grpc.pb.h"
#include "common/auth/shared_secret.h"
#include "common/rpc/rpc_server.h"
#include "common/sync/guarded.h"

namespace centella {

class FakeClusterManager final : public v1::ClusterManager::Service {
 public:
  struct StateChange {
    v1::ExecutorStateChangedRequest request;
    absl::Time received;
  };

  explicit FakeClusterManager(SharedSecret secret, std::string incarnation = "incarnation-1")
      : secret_(std::move(secret)) {
    SetIncarnation(std::move(incarnation));
  }

  // Starts serving on 127.0.0.1, port 0.
  absl::Status Start();
  const std::string& address() const { return server_->address(); }

  void AddBinary(const std::string& content_hash, std::string bytes);
  void SetIncarnation(std::string incarnation);
  std::string incarnation() const { return state_.Get(&State::incarnation); }

  std::vector<v1::RegisterDaemonRequest> registrations() const {
    return state_.Get(&State::registrations);
  }
  int heartbeats() const { return state_.Get(&State::heartbeats); }
  int binary_fetches() const { return state_.Get(&State::binary_fetches); }
  std::vector<StateChange> executor_changes() const { return state_.Get(&State::executor_changes); }
  std::vector<v1::DriverStateChangedRequest> driver_changes() const {
    return state_.Get(&State::driver_changes);
  }

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
  struct State {
    std::string incarnation;
    std::map<std::string, std::string> binaries;
    std::vector<v1::RegisterDaemonRequest> registrations;
    int heartbeats = 0;
    int binary_fetches = 0;
    std::vector<StateChange> executor_changes;
    std::vector<v1::DriverStateChangedRequest> driver_changes;
  };
  const SharedSecret secret_;
  std::unique_ptr<RpcServer> server_;
  Guarded<State> state_;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_FAKE_CLUSTER_MANAGER_H_
