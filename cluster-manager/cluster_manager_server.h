// ClusterManagerServer: a whole cluster manager in one object — recovery storage, binary
// store, ClusterManager, its gRPC service and server — so that main.cc stays thin and
// tests start a real manager in-process:
//
//   ClusterManagerServerOptions options;
//   options.rpc.bind_host = "127.0.0.1";   // port 0 = ephemeral (the default)
//   auto server = ClusterManagerServer::Start(options, SharedSecret::FromValue("s"));
//   std::string address = (*server)->address();   // "127.0.0.1:<port>"
//
// Thread safety: address()/manager() from any thread; Shutdown is idempotent and must not
// race with destruction.
#ifndef CENTELLA_CLUSTER_MANAGER_CLUSTER_MANAGER_SERVER_H_
#define CENTELLA_CLUSTER_MANAGER_CLUSTER_MANAGER_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "cluster-manager/binary_store.h"
#include "cluster-manager/cluster_manager.h"
#include "cluster-manager/cluster_manager_service.h"
#include "cluster-manager/daemon_client.h"
#include "common/auth/shared_secret.h"
#include "common/http/status_http_server.h"
#include "common/clock/clock.h"
#include "common/rpc/rpc_server.h"
#include "common/storage/storage.h"

namespace centella::cluster_manager {

struct ClusterManagerServerOptions {
  // Bind host, port (0 = ephemeral), port retries, advertised host of the gRPC server.
  RpcServerOptions rpc = DefaultRpcOptions();
  // Allocation, liveness and recovery settings. advertised_address is filled in from the
  // bound server.
  ClusterManagerOptions manager;
  // --recovery-dir: state is persisted there and binaries kept in <dir>/binaries. Empty:
  // no recovery, binaries in a private temporary directory.
  std::string recovery_dir;
  // Read-only HTTP status UI (docs/cluster.md): port 0 = ephemeral, -1 = no UI. It binds
  // ui_bind_host, or rpc.bind_host when that is empty, and a taken port tries the next
  // rpc.port_max_retries ones, as the gRPC server does.
  int ui_port = -1;
  std::string ui_bind_host;
  // If set, written once both servers listen: line 1 the gRPC host:port, line 2 the
  // status UI's (absent without a UI); see common/rpc/address_file.h.
  std::string address_file;

  static RpcServerOptions DefaultRpcOptions() {
    RpcServerOptions rpc;
    rpc.component = "cluster-manager";
    rpc.port_max_retries = kDefaultPortMaxRetries;
    return rpc;
  }
};

class ClusterManagerServer {
 public:
  // Starts serving. `secret` authenticates every call in and out. `clock` must outlive
  // the server. `daemon_client` null = the real gRPC client (with `secret`); tests may
  // pass a fake. Errors: recovery directory unusable; Unavailable when no port could be
  // bound (naming the ports tried); PermissionDenied when the address file cannot be
  // written. On error no address file is left at options.address_file.
  static absl::StatusOr<std::unique_ptr<ClusterManagerServer>> Start(
      ClusterManagerServerOptions options, SharedSecret secret, Clock& clock = RealClock(),
      std::unique_ptr<DaemonClient> daemon_client = nullptr);
  ~ClusterManagerServer();

  // The advertised "host:port" of the gRPC server.
  const std::string& address() const { return rpc_server_->address(); }
  // The status UI's "host:port"; empty without one.
  std::string ui_address() const { return ui_server_ ? ui_server_->address() : ""; }
  ClusterManager& manager() { return *manager_; }

  // Ends watch streams, stops accepting calls and lets in-flight ones finish. Idempotent.
  void Shutdown();
  // Blocks until Shutdown has completed (e.g. from a signal handler thread).
  void Wait() { rpc_server_->Wait(); }

 private:
  ClusterManagerServer() = default;

  std::unique_ptr<SharedSecret> secret_;
  std::unique_ptr<Storage> storage_;
  std::unique_ptr<BinaryStore> binaries_;
  std::unique_ptr<DaemonClient> daemon_client_;
  std::unique_ptr<ClusterManager> manager_;
  std::unique_ptr<ClusterManagerService> service_;
  std::unique_ptr<RpcServer> rpc_server_;
  std::unique_ptr<StatusHttpServer> ui_server_;
};

}  // namespace centella::cluster_manager

#endif  // CENTELLA_CLUSTER_MANAGER_CLUSTER_MANAGER_SERVER_H_
